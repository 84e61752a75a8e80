"""A record as its page shows it above the attachment box: the display name and the scalar
fields a person reads (text, numbers, dates, yes/no, and many2one fields as the related record's
display name), read from the record's source.

Who may see it is decided by the record's folder, as for the box (`browse.record_folder`):
a user who may read the folder may read the record.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import asdict, dataclass
from typing import Any

from archivist.documents.models import Folder
from archivist.documents.services.access import FolderAccess
from archivist.documents.services.browse import record_folder
from archivist.documents.services.sources import open_source
from archivist.documents.services.tree import record_id_value
from archivist.sources.base import RecordQuery
from archivist.sources.schema import DISPLAY_NAME, FieldType, Model

# A page shows what a person reads at a glance, not every column of a wide table.
MAX_FIELDS = 20

READABLE = frozenset(
    {
        FieldType.CHAR,
        FieldType.TEXT,
        FieldType.INTEGER,
        FieldType.FLOAT,
        FieldType.BOOLEAN,
        FieldType.DATE,
        FieldType.DATETIME,
        FieldType.MANY2ONE,
    }
)


@dataclass(frozen=True)
class RecordField:
    name: str
    label: str
    type: str  # a FieldType value; many2one values are the related record's display name
    value: str | int | float | bool | None


@dataclass(frozen=True)
class RecordPage:
    source: str
    model: str
    id: int | str
    display_name: str
    folder: int  # the record's folder: the top of its attachment box
    fields: tuple[RecordField, ...]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def record_page(
    user: Any, source: str, model: str, record_id: str, access: FolderAccess | None = None
) -> RecordPage:
    """The record's page for `user`. PermissionDenied when the user cannot read the record,
    Folder.DoesNotExist when it has no folder or no longer exists in its source, SourceError
    when the source cannot be read."""
    folder = record_folder(user, source, model, record_id, access)
    assert folder.source is not None  # record folders always name their source
    opened = open_source(folder.source)
    described = opened.schema()[folder.model]
    shown = readable_fields(described)
    paths = tuple(
        f"{name}.{DISPLAY_NAME}" if described.fields[name].type is FieldType.MANY2ONE else name
        for name in shown
    )
    key = opened.key_from_text(folder.model, folder.record_id)
    rows = opened.fetch(RecordQuery(folder.model, fields=(DISPLAY_NAME, *paths), ids=[key]))
    if not rows:
        raise Folder.DoesNotExist(f"record {source}/{model}/{record_id} no longer exists")
    _, display_name, *values = rows[0]
    return RecordPage(
        source=folder.source.name,
        model=folder.model,
        id=record_id_value(folder.record_id),
        display_name="" if display_name is None else str(display_name),
        folder=folder.pk,
        fields=tuple(
            RecordField(
                name=name,
                label=label_of(name),
                type=described.fields[name].type.value,
                value=_plain(value),
            )
            for name, value in zip(shown, values, strict=True)
        ),
    )


def readable_fields(model: Model) -> list[str]:
    """The fields a page shows, in the table's order: scalar columns and many2one fields,
    without the primary key and the display-name column (it is the page's title)."""
    return [
        name
        for name, field in model.fields.items()
        if field.column is not None
        and field.type in READABLE
        and not field.primary_key
        and name != model.primary_key
        and name != DISPLAY_NAME
    ][:MAX_FIELDS]


def label_of(name: str) -> str:
    """A column name as a person reads it: `country_id` → "Country", `date_order` → "Date order"."""
    words = name.removesuffix("_id").removesuffix("_ids").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def _plain(value: Any) -> str | int | float | bool | None:
    """A column's value as JSON carries it (dates in ISO 8601, decimals as numbers)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)
