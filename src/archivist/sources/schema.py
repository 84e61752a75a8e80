"""What a record source holds: models (tables) and their fields (columns and relations)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from archivist.sources.errors import FieldPathError, SourceError, UnknownModel


class FieldType(StrEnum):
    CHAR = "char"
    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    BINARY = "binary"
    MANY2ONE = "many2one"
    ONE2MANY = "one2many"
    MANY2MANY = "many2many"
    OTHER = "other"


RELATIONAL = frozenset({FieldType.MANY2ONE, FieldType.ONE2MANY, FieldType.MANY2MANY})
X2MANY = frozenset({FieldType.ONE2MANY, FieldType.MANY2MANY})
TEXTUAL = frozenset({FieldType.CHAR, FieldType.TEXT})
TEMPORAL = frozenset({FieldType.DATE, FieldType.DATETIME})

# The virtual field every model has: its configured display name.
DISPLAY_NAME = "display_name"


@dataclass(frozen=True)
class Field:
    """One field of a model.

    `column` is the column holding the value (for many2one: the foreign-key column), None for
    x2many fields. `relation` is the related model. For one2many, `inverse_column` is the column
    of `relation` pointing back here; for many2many, `link_table` joins `link_column` (pointing
    here) to `link_target_column` (pointing to `relation`).
    """

    name: str
    type: FieldType
    column: str | None = None
    relation: str | None = None
    inverse_column: str | None = None
    link_table: str | None = None
    link_column: str | None = None
    link_target_column: str | None = None
    nullable: bool = True
    primary_key: bool = False


@dataclass(frozen=True)
class Model:
    """A model: a table with a single-column primary key (or none: then it cannot hold folders).

    `display` is a column name or a `{{ }}` template; `change_column` is the column that changes
    whenever a row does (`write_date`, `updated_at`, …) or None.
    """

    name: str
    fields: Mapping[str, Field]
    primary_key: str | None
    display: str
    change_column: str | None = None
    integer_key: bool = False
    label: str = field(default="")

    def field(self, name: str) -> Field:
        try:
            return self.fields[name]
        except KeyError:
            raise FieldPathError(name, f"unknown field {name!r} on model {self.name}") from None

    def require_key(self) -> str:
        """The primary-key column; folder rules need one."""
        if self.primary_key is None:
            raise SourceError(
                f"model {self.name} has no single-column primary key, so its records "
                "cannot be told apart"
            )
        return self.primary_key


class Schema(Mapping[str, Model]):
    """All models of a source, by name."""

    def __init__(self, models: Mapping[str, Model], source: str = "") -> None:
        self._models = dict(models)
        self.source = source

    def __getitem__(self, name: str) -> Model:
        try:
            return self._models[name]
        except KeyError:
            raise UnknownModel(name, self.source) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)

    def resolve(self, model: str, path: str) -> list[tuple[Model, Field]]:
        """The (model, field) pairs a dotted path walks through; every step but the last must be
        relational. Raises FieldPathError naming the path and the failing step."""
        current = self[model]
        steps: list[tuple[Model, Field]] = []
        parts = path.split(".")
        for index, part in enumerate(parts):
            if part == DISPLAY_NAME and part not in current.fields:
                steps.append((current, Field(DISPLAY_NAME, FieldType.CHAR)))
                if index != len(parts) - 1:
                    raise FieldPathError(path, "display_name has no fields to follow")
                break
            if part not in current.fields:
                raise FieldPathError(path, f"unknown field {part!r} on model {current.name}")
            field_ = current.fields[part]
            steps.append((current, field_))
            if index < len(parts) - 1:
                if field_.type not in RELATIONAL or field_.relation is None:
                    raise FieldPathError(
                        path, f"{part!r} on model {current.name} is not a relation to follow"
                    )
                current = self[field_.relation]
        return steps
