"""The record-source contract: what Archivist asks of any database whose records become folders.

A source holds models (tables), each with fields and records. Archivist never writes to a
source. Queries are described by `RecordQuery` (data, not SQL), so a non-SQL source (Odoo over
its API, later) can implement the same protocol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from archivist.sources.domain import TRUE, Node
from archivist.sources.periods import Period
from archivist.sources.schema import Schema

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Criteria:
    """Records matching `domain` and, for each period field, any of that field's periods."""

    domain: Node = TRUE
    periods: tuple[Period, ...] = ()


@dataclass(frozen=True)
class RecordQuery:
    """Which records of `model` to return and which field paths to read for each.

    Rows come back as `(primary key, value of fields[0], value of fields[1], …)`, ordered by
    primary key. `exclude` leaves out records matching any of those criteria (the rules that
    take precedence). `after` continues a keyset scan; `ids` restricts to those keys;
    `changed_since` keeps records whose row, or a row reached through a many2one of the query,
    changed at or after the watermark given per dependency path (see `Dependency`).
    """

    model: str
    include: Criteria = field(default_factory=Criteria)
    exclude: tuple[Criteria, ...] = ()
    fields: tuple[str, ...] = ()
    ids: Sequence[Any] | None = None
    after: Any = None
    limit: int | None = None
    changed_since: Mapping[str, Any] | None = None
    today: dt.date | None = None


class Reach(StrEnum):
    ROOT = "root"
    MANY2ONE = "many2one"
    X2MANY = "x2many"


@dataclass(frozen=True)
class Dependency:
    """A table a query reads: `path` is the relation path from the query's model ("" for the
    model itself), `reach` how it is joined. Changes to x2many-reached rows cannot be traced to
    the records they affect, so a consumer re-reads everything when such a table changed."""

    path: str
    model: str
    reach: Reach
    change_column: str | None


@dataclass(frozen=True)
class TableSnapshot:
    """Cheap facts about a table, compared between runs to tell what kind of change happened."""

    count: int
    key_sum: int | None
    max_key: Any
    watermark: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "key_sum": self.key_sum,
            "max_key": _jsonable(self.max_key),
            "watermark": _jsonable(self.watermark),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


class RecordSource(Protocol):
    """A named, read-only database of records."""

    name: str

    def schema(self) -> Schema:
        """Models and fields, read once and cached; `refresh()` reads them again."""
        ...

    def refresh(self) -> None: ...

    def fetch(self, query: RecordQuery) -> list[Row]:
        """Rows for the query (bounded by `query.limit`)."""
        ...

    def count(self, query: RecordQuery) -> int: ...

    def dependencies(self, query: RecordQuery) -> list[Dependency]:
        """Every table the query reads, the model's own first."""
        ...

    def snapshot(self, model: str, after_key: Any = None) -> TableSnapshot:
        """Count, key sum, largest key and watermark of a table (or of its rows above a key)."""
        ...

    def key_from_text(self, model: str, text: str) -> Any:
        """A primary key from its text form (as Archivist stores it)."""
        ...

    def close(self) -> None: ...
