"""Set-based writes on the folder tree: archive and restore subtrees, move subtrees, create the
content of new record folders (child rule folders, default folders and files).

Subtrees are found through `Folder.parent_path` ("/1/5/"), so each operation here is one or a
few statements however deep or wide the subtree is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr

from archivist.documents.models import (
    Attachment,
    DefaultFile,
    DefaultFolder,
    Folder,
    FolderKind,
    FolderRule,
    PendingParentCheck,
)
from archivist.documents.services.versions import bump_version

_CHUNK = 200


def descendants_q(prefix: str) -> Q:
    """Folders whose `parent_path` starts with `prefix` (which ends with "/")."""
    if connection.vendor == "sqlite":
        # SQLite compares bytes, so a range on the index works ("/" + 1 == "0").
        return Q(parent_path__gte=prefix, parent_path__lt=prefix[:-1] + "0")
    return Q(parent_path__startswith=prefix)


@dataclass(frozen=True)
class NewFolder:
    name: str
    kind: str
    place: Place
    sequence: int = 0
    rule_id: int | None = None
    source_id: int | None = None
    model: str = ""
    record_id: str = ""
    default_origin_id: int | None = None


_INSERT_COLUMNS = (
    "name",
    "kind",
    "parent_id",
    "parent_path",
    "sequence",
    "rule_id",
    "source_id",
    "model",
    "record_id",
    "default_origin_id",
    "notes",
    "active",
    "needs_check",
    "last_checked",
    "created_at",
    "updated_at",
)
_ROWS_PER_INSERT = 1000


_RETURNING = "RETURNING id, parent_id, parent_path, record_id, default_origin_id"
Inserted = tuple[int, int | None, str, str, int | None]


def insert_folders(folders: Sequence[NewFolder], now: dt.datetime) -> list[Inserted]:
    """Inserts folders, skipping any that a unique constraint says exist already (another run
    made them). Returns (id, parent_id, parent_path, record_id, default_origin_id) of the rows
    inserted here. Plain SQL: the ORM's bulk_create costs ten times more per row."""
    if not folders:
        return []
    if connection.vendor == "postgresql":
        inserted = _insert_with_arrays(folders, now)
    else:
        inserted = _insert_with_values(folders, now)
    if inserted:
        bump_version()
    return inserted


def _insert_with_values(folders: Sequence[NewFolder], now: dt.datetime) -> list[Inserted]:
    stamp = connection.ops.adapt_datetimefield_value(now)
    table = connection.ops.quote_name(Folder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _INSERT_COLUMNS)
    inserted: list[Inserted] = []
    with connection.cursor() as cursor:
        for start in range(0, len(folders), _ROWS_PER_INSERT):
            chunk = folders[start : start + _ROWS_PER_INSERT]
            values = ", ".join(["(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"] * len(chunk))
            params: list[object] = []
            for folder in chunk:
                params += [*_values(folder), "", True, False, stamp, stamp, stamp]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING "
                + _RETURNING,
                params,
            )
            inserted += [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]
    return inserted


def _insert_with_arrays(folders: Sequence[NewFolder], now: dt.datetime) -> list[Inserted]:
    """PostgreSQL: one array per column, bound on the server (not spelled out in the SQL
    text as Django's client-side binding does), so a batch costs one short statement."""
    import psycopg

    columns = ", ".join(_INSERT_COLUMNS)
    types = (
        "text",
        "text",
        "bigint",
        "text",
        "integer",
        "bigint",
        "bigint",
        "text",
        "text",
        "bigint",
    )
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    statement = (
        f"INSERT INTO {Folder._meta.db_table} ({columns}) "
        f"SELECT *, '', true, false, %s, %s, %s FROM unnest({arrays}) "
        f"ON CONFLICT DO NOTHING {_RETURNING}"
    )
    columns_of_values = [list(column) for column in zip(*map(_values, folders), strict=True)]
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, [now, now, now, *columns_of_values])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def _values(folder: NewFolder) -> tuple[object, ...]:
    return (
        folder.name,
        folder.kind,
        folder.place.parent_id,
        folder.place.parent_path,
        folder.sequence,
        folder.rule_id,
        folder.source_id,
        folder.model,
        folder.record_id,
        folder.default_origin_id,
    )


def refresh_statistics() -> None:
    """Lets the query planner know the folder table's size and contents."""
    table = connection.ops.quote_name(Folder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def update_folders(folders: Sequence[Folder], now: dt.datetime) -> None:
    """Writes the placement, name and check fields of changed folders with one prepared UPDATE
    run for every row (the ORM's bulk_update builds CASE expressions that grow with the batch)."""
    if not folders:
        return
    bump_version()
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(Folder._meta.db_table)
    fields = (
        "name",
        "parent_id",
        "parent_path",
        "rule_id",
        "active",
        "archived_at",
        "last_checked",
        "next_check",
        "needs_check",
        "updated_at",
    )
    assignments = ", ".join(f"{connection.ops.quote_name(field)} = %s" for field in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",
            [
                (
                    folder.name,
                    folder.parent_id,
                    folder.parent_path,
                    folder.rule_id,
                    folder.active,
                    adapt(folder.archived_at),
                    adapt(folder.last_checked),
                    adapt(folder.next_check),
                    folder.needs_check,
                    adapt(now),
                    folder.pk,
                )
                for folder in folders
            ],
        )


@dataclass(frozen=True)
class Place:
    """Where a folder sits: its parent's id and its own `parent_path`."""

    parent_id: int | None
    parent_path: str

    @classmethod
    def inside(cls, folder_id: int, folder_parent_path: str) -> Place:
        return cls(folder_id, f"{folder_parent_path}{folder_id}/")


def archive_subtrees(folders: Sequence[tuple[int, str]], now: dt.datetime) -> None:
    """Archives each folder (id, parent_path) and everything inside it that is still active,
    all stamped with the same `archived_at` so that a restore brings back exactly this set."""
    for start in range(0, len(folders), _CHUNK):
        chunk = folders[start : start + _CHUNK]
        selection = Q(pk__in=[folder_id for folder_id, _ in chunk])
        for folder_id, parent_path in chunk:
            selection |= descendants_q(f"{parent_path}{folder_id}/")
        Folder.objects.filter(selection, active=True).update(
            active=False, archived_at=now, needs_check=False
        )
    if folders:
        bump_version()


def restore_subtree(folder_id: int, parent_path: str, archived_at: dt.datetime | None) -> None:
    """Reactivates a folder and what was archived together with it."""
    bump_version()
    Folder.objects.filter(pk=folder_id).update(active=True, archived_at=None)
    if archived_at is not None:
        Folder.objects.filter(
            descendants_q(f"{parent_path}{folder_id}/"), active=False, archived_at=archived_at
        ).update(active=True, archived_at=None)


def move_subtree(folder_id: int, old_parent_path: str, place: Place) -> None:
    """Moves a folder under `place.parent_id` and rewrites its descendants' paths."""
    bump_version()
    Folder.objects.filter(pk=folder_id).update(
        parent_id=place.parent_id, parent_path=place.parent_path
    )
    old_prefix = f"{old_parent_path}{folder_id}/"
    new_prefix = f"{place.parent_path}{folder_id}/"
    if old_prefix == new_prefix:
        return
    Folder.objects.filter(descendants_q(old_prefix)).update(
        parent_path=Concat(Value(new_prefix), Substr(F("parent_path"), len(old_prefix) + 1))
    )


def child_rule_folders(
    parents: Sequence[tuple[int, str]], rules: Sequence[FolderRule], now: dt.datetime
) -> None:
    """Makes sure each parent record folder holds an active folder for each child rule."""
    if not parents or not rules:
        return
    parent_ids = [folder_id for folder_id, _ in parents]
    for start in range(0, len(parent_ids), _CHUNK * 10):
        chunk = parent_ids[start : start + _CHUNK * 10]
        existing = {
            (rule_id, parent_id): (pk, active, name)
            for pk, rule_id, parent_id, active, name in Folder.objects.filter(
                kind=FolderKind.RULE, parent_id__in=chunk, rule__in=rules
            ).values_list("pk", "rule_id", "parent_id", "active", "name")
        }
        paths = dict(parents)
        missing = []
        for parent_id in chunk:
            for rule in rules:
                found = existing.get((rule.pk, parent_id))
                if found is None:
                    missing.append(
                        NewFolder(
                            name=rule.name,
                            kind=FolderKind.RULE,
                            place=Place.inside(parent_id, paths[parent_id]),
                            sequence=rule.sequence,
                            rule_id=rule.pk,
                        )
                    )
                elif not found[1]:
                    restore_subtree(found[0], f"{paths[parent_id]}{parent_id}/", None)
        insert_folders(missing, now)


def default_content(folders: Sequence[tuple[int, str]], rule: FolderRule, now: dt.datetime) -> None:
    """Creates the rule's default folders and files in freshly created record folders."""
    defaults = list(DefaultFolder.objects.filter(rule=rule))
    files = list(DefaultFile.objects.filter(rule=rule))
    if not folders or (not defaults and not files):
        return
    # place[(record folder id, default folder id or None)] = (folder id, parent_path)
    place: dict[tuple[int, int | None], tuple[int, str]] = {
        (folder_id, None): (folder_id, parent_path) for folder_id, parent_path in folders
    }
    level = [d for d in defaults if d.parent_id is None]
    while level:
        # (container id, default id) -> record folder id, to file what the INSERT returns
        owners: dict[tuple[int, int], int] = {}
        new: list[NewFolder] = []
        for default in level:
            for folder_id, _ in folders:
                container_id, container_path = place[(folder_id, default.parent_id)]
                owners[(container_id, default.pk)] = folder_id
                new.append(
                    NewFolder(
                        name=default.name,
                        kind=FolderKind.DEFAULT,
                        place=Place.inside(container_id, container_path),
                        sequence=default.sequence,
                        default_origin_id=default.pk,
                    )
                )
        for pk, parent_id, parent_path, _, default_id in insert_folders(new, now):
            assert parent_id is not None and default_id is not None
            place[(owners[(parent_id, default_id)], default_id)] = (pk, parent_path)
        level_ids = {d.pk for d in level}
        level = [d for d in defaults if d.parent_id in level_ids]
    Attachment.objects.bulk_create(
        [
            Attachment(
                name=file.name,
                folder_id=place[(folder_id, file.folder_id)][0],
                blob=file.blob,
                size=file.size,
                mimetype=file.mimetype,
                default_origin=file,
            )
            for file in files
            for folder_id, _ in folders
            if (folder_id, file.folder_id) in place
        ]
    )


def queue_parent_checks(rules: Iterable[FolderRule], record_ids: Sequence[str]) -> None:
    """Asks each child rule to place the children of these (new or returning) parent records."""
    rows = [PendingParentCheck(rule=rule, record_id=text) for rule in rules for text in record_ids]
    PendingParentCheck.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
