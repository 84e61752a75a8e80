"""Many rows in one statement run, for the sync's bookkeeping of thousands of items.

`QuerySet.bulk_create` compiles every value of every row through the ORM: at about 0.1 ms a
row it was half of a sync worker's own CPU in a first sync. `insert_rows` sends one prepared
INSERT with `executemany`, converting only the columns whose fields need it (dates, JSON), and
can turn a conflict on a unique constraint into an update, as `bulk_create(update_conflicts=…)`.
The same SQL runs on SQLite and PostgreSQL. Signals are not sent (nor by bulk_create).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.fields import DateField

__all__ = ["insert_rows"]

# fields whose Python values the databases take as they are (IntegerField: all its sizes)
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    batch: int = 2000,
) -> int:
    """Insert `rows` (tuples of Python values in the order of `columns`, field names; a foreign
    key by its `<name>_id`); with `conflict` (the fields of a unique constraint), an existing row
    gets the `update` columns instead. `auto_now` and `auto_now_add` dates are filled in.
    Returns the rows sent."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [model._meta.get_field(name) for name in columns]
    stamped = [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, DateField)
        and (field.auto_now or field.auto_now_add)
        and field.name not in columns
        and field.attname not in columns
    ]
    quote = connection.ops.quote_name
    names = [quote(field.column) for field in [*fields, *stamped]]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(names)}) "
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    if conflict:
        targets = ", ".join(quote(model._meta.get_field(name).column) for name in conflict)
        changes = [quote(model._meta.get_field(name).column) for name in update]
        changes += [quote(field.column) for field in stamped if field.auto_now]
        sets = ", ".join(f"{name} = EXCLUDED.{name}" for name in changes)
        sql += f" ON CONFLICT ({targets}) " + (f"DO UPDATE SET {sets}" if sets else "DO NOTHING")
    converters = [_converter(field, connection) for field in fields]
    stamps = tuple(
        field.get_db_prep_save(field.pre_save(model(), add=True), connection) for field in stamped
    )
    sent = 0
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(
                tuple(
                    value if convert is None else convert(value)
                    for value, convert in zip(row, converters, strict=True)
                )
                + stamps
            )
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                sent, chunk = sent + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            sent += len(chunk)
    return sent


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    """None where the database takes the Python value as it is."""
    if isinstance(field, (models.ForeignKey, *_PLAIN)):
        return None  # (a foreign key is given by id)
    return lambda value: field.get_db_prep_save(value, connection)
