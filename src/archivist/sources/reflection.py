"""Turns a reflected SQL schema into models: columns become fields, foreign keys many2one
fields, and the reverse of each foreign key (one2many) or a link table (many2many) x2many fields.

Naming of derived fields: a one2many from table T through column c is `T_ids`, or
`T_ids_by_c` when T points here through several columns; a many2many through a link table
(exactly two foreign-key columns, nothing else but an optional `id`) is named after the other
link column: `tag_id` gives `tag_ids`.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from archivist.sources.errors import FieldPathError, TemplateError
from archivist.sources.names import NameTemplate
from archivist.sources.schema import TEMPORAL, Field, FieldType, Model, Schema

CHANGE_COLUMN_NAMES = (
    "write_date",
    "updated_at",
    "modified_at",
    "date_modified",
    "last_modified",
    "modified",
    "updated",
)


def field_type(column: sa.Column[object]) -> FieldType:
    """The field type of a reflected column."""
    kind = column.type
    name = type(kind).__name__.upper()
    if isinstance(kind, sa.Boolean) or (
        name == "TINYINT" and getattr(kind, "display_width", 0) == 1
    ):
        return FieldType.BOOLEAN
    if isinstance(kind, sa.DateTime):
        return FieldType.DATETIME
    if isinstance(kind, sa.Date):
        return FieldType.DATE
    if isinstance(kind, sa.Integer):
        return FieldType.INTEGER
    if isinstance(kind, sa.Float | sa.Numeric):
        return FieldType.FLOAT
    if isinstance(kind, sa.Text) or name in {"CLOB", "MEDIUMTEXT", "LONGTEXT", "TINYTEXT"}:
        return FieldType.TEXT
    if isinstance(kind, sa.String):
        return FieldType.CHAR
    if isinstance(kind, sa.LargeBinary):
        return FieldType.BINARY
    return FieldType.OTHER


def build_schema(
    metadata: sa.MetaData,
    *,
    source: str = "",
    display: Mapping[str, str] | None = None,
    change_columns: Mapping[str, str] | None = None,
) -> Schema:
    """Models for every reflected table. `display` maps a model to a column or a `{{ }}`
    template for its display name; `change_columns` maps a model to its change-tracking column
    ("" for none). Bad entries raise errors naming the model and the problem."""
    display = display or {}
    change_columns = change_columns or {}
    fields: dict[str, dict[str, Field]] = {}
    keys: dict[str, str | None] = {}
    for table in metadata.tables.values():
        fields[table.name] = _column_fields(table)
        primary = list(table.primary_key.columns)
        keys[table.name] = primary[0].name if len(primary) == 1 else None
    for table in metadata.tables.values():
        _add_one2many(table, fields)
        _add_many2many(table, fields)
    for name in list(display) + list(change_columns):
        if name not in fields:
            raise FieldPathError(name, f"unknown model {name!r} in source {source!r}")
    models = {}
    for name, model_fields in fields.items():
        key = keys[name]
        models[name] = Model(
            name=name,
            fields=model_fields,
            primary_key=key,
            display=_display(name, model_fields, key, display.get(name)),
            change_column=_change_column(name, model_fields, change_columns.get(name)),
            integer_key=key is not None and model_fields[key].type is FieldType.INTEGER,
        )
    return Schema(models, source)


def _column_fields(table: sa.Table) -> dict[str, Field]:
    result: dict[str, Field] = {}
    for column in table.columns:
        foreign = [
            fk
            for fk in column.foreign_keys
            if fk.constraint is not None and len(fk.constraint.columns) == 1
        ]
        if foreign:
            result[column.name] = Field(
                column.name,
                FieldType.MANY2ONE,
                column=column.name,
                relation=foreign[0].column.table.name,
                nullable=bool(column.nullable),
                primary_key=column.primary_key,
            )
        else:
            result[column.name] = Field(
                column.name,
                field_type(column),
                column=column.name,
                nullable=bool(column.nullable),
                primary_key=column.primary_key,
            )
    return result


def _single_foreign_keys(table: sa.Table) -> list[tuple[str, str]]:
    pairs = []
    for constraint in table.foreign_key_constraints:
        if len(constraint.columns) == 1:
            column = next(iter(constraint.columns))
            pairs.append((column.name, constraint.referred_table.name))
    return pairs


def _is_link_table(table: sa.Table) -> bool:
    foreign = _single_foreign_keys(table)
    others = {c.name for c in table.columns} - {column for column, _ in foreign}
    return len(foreign) == 2 and others <= {"id"}


def _add_one2many(table: sa.Table, fields: dict[str, dict[str, Field]]) -> None:
    if _is_link_table(table):
        return
    foreign = _single_foreign_keys(table)
    for column, target in foreign:
        if target not in fields:
            continue
        several = sum(1 for _, other in foreign if other == target) > 1
        name = f"{table.name}_ids_by_{column}" if several else f"{table.name}_ids"
        if name not in fields[target]:
            fields[target][name] = Field(
                name,
                FieldType.ONE2MANY,
                relation=table.name,
                inverse_column=column,
            )


def _add_many2many(table: sa.Table, fields: dict[str, dict[str, Field]]) -> None:
    if not _is_link_table(table):
        return
    (first, first_target), (second, second_target) = _single_foreign_keys(table)
    for here, here_target, there, there_target in (
        (first, first_target, second, second_target),
        (second, second_target, first, first_target),
    ):
        if here_target not in fields:
            continue
        base = there[:-3] if there.endswith("_id") else there
        name = f"{base}_ids"
        if name in fields[here_target]:
            name = f"{table.name}_ids"
        if name in fields[here_target]:
            continue
        fields[here_target][name] = Field(
            name,
            FieldType.MANY2MANY,
            relation=there_target,
            link_table=table.name,
            link_column=here,
            link_target_column=there,
        )


def _display(
    model: str, fields: Mapping[str, Field], key: str | None, configured: str | None
) -> str:
    if configured:
        if "{{" in configured:
            try:
                NameTemplate.parse(configured)
            except TemplateError as error:
                raise FieldPathError(model, f"display name template: {error}") from None
            return configured
        if configured not in fields or fields[configured].column is None:
            raise FieldPathError(model, f"display name column {configured!r} does not exist")
        return configured
    for candidate in ("display_name", "name"):
        if candidate in fields and fields[candidate].column is not None:
            return candidate
    return key or ""


def _change_column(model: str, fields: Mapping[str, Field], configured: str | None) -> str | None:
    if configured is not None:
        if configured == "":
            return None
        if configured not in fields or fields[configured].type not in TEMPORAL:
            raise FieldPathError(
                model, f"change column {configured!r} is not a date or datetime column"
            )
        return configured
    for candidate in CHANGE_COLUMN_NAMES:
        if candidate in fields and fields[candidate].type in TEMPORAL:
            return candidate
    return None
