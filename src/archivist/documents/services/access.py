"""Who may read which folder (spec "Access Rights"), computed for a whole tree at once.

- A **record folder** is readable when its record is: some active access policy of one of the
  user's groups covers the record's model, with no row filter or with one the record matches.
- A **rule folder** follows its parent folder; a rule folder at the root follows the model: any
  policy of the user's groups for the rule's model opens it.
- A **manual or default folder** follows its parent (open to everyone at the root) and, when it
  has extra security (users, groups), is also limited to those: restrictions along a branch
  intersect (`Documents > Important > Top Priority`).
- Members of the Administration group (and superusers) read everything. Portal users read no
  folder here; they reach attachments through shares.

A user who can read a folder but not its parents sees it "flat": `visible_parent` is the nearest
readable ancestor, or the root.

The computation is set-based: a handful of queries on Archivist's database whatever the size of
the tree (folders, extra-security links, policies, rules) plus, per model whose policies filter
rows, one keyset scan of the matching keys in the source.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from archivist.documents import roles
from archivist.documents.models import AccessPolicy, Folder, FolderKind, FolderRule, Source
from archivist.documents.models.lookups import AnyOf
from archivist.documents.services.sources import open_source
from archivist.sources.base import Criteria, RecordQuery
from archivist.sources.domain import parse_domain, to_json
from archivist.sources.errors import DomainError

USER_FIELDS = ("id", "login", "username", "email")
_ALL = None  # "every record of the model"


@dataclass(frozen=True)
class FolderAccess:
    everything: bool
    readable: frozenset[int] = frozenset()
    parents: dict[int, int | None] = field(default_factory=dict)

    def can_read(self, folder_id: int) -> bool:
        return self.everything or folder_id in self.readable

    def visible_parent(self, folder: Folder) -> int | None:
        """The parent to show the folder under: its nearest readable ancestor (or the root)."""
        for ancestor in reversed(folder.path_ids):
            if self.can_read(ancestor):
                return ancestor
        return None

    def filter(self, queryset: Any, field_name: str = "pk") -> Any:
        """Narrows a queryset of folders (or of rows pointing at folders) to readable ones."""
        if self.everything:
            return queryset
        column = "pk" if field_name == "pk" else field_name
        # One parameter however many folders: `__in` would send one per id.
        return queryset.filter(AnyOf(F(column), sorted(self.readable)))


def folder_access(user: Any, *, include_archived: bool = False) -> FolderAccess:
    if roles.is_administrator(user):
        return FolderAccess(everything=True)
    if not user.is_authenticated or not user.is_active or roles.is_portal(user):
        return FolderAccess(everything=False)
    group_ids = set(user.groups.values_list("pk", flat=True))
    policies = _policies(user, group_ids)
    rows = Folder.objects.all() if include_archived else Folder.objects.filter(active=True)
    folders = list(
        rows.values_list(
            "pk", "parent_id", "parent_path", "kind", "rule_id", "source_id", "model", "record_id"
        )
    )
    secured, allowed = _extra_security(user.pk, group_ids)
    records = _readable_records(folders, policies)
    rules = {
        pk: (source_id, model)
        for pk, source_id, model in FolderRule.objects.values_list("pk", "source_id", "model")
    }
    readable: set[int] = set()
    folders.sort(key=lambda row: row[2].count("/"))  # parents before children
    for pk, parent_id, _, kind, rule_id, source_id, model, record_id in folders:
        parent_ok = parent_id is None or parent_id in readable
        if kind == FolderKind.RECORD:
            allowed_records = records.get((source_id, model), set())
            ok = allowed_records is _ALL or record_id in allowed_records
        elif kind == FolderKind.RULE:
            if parent_id is not None:
                ok = parent_ok
            else:
                ok = rule_id is not None and rules.get(rule_id) in policies
        else:
            ok = parent_ok and (pk not in secured or pk in allowed)
        if ok:
            readable.add(pk)
    return FolderAccess(everything=False, readable=frozenset(readable))


def _policies(user: Any, group_ids: set[int]) -> dict[tuple[int, str], list[Any]]:
    """(source id, model) → the row filters of the user's policies (None means all rows)."""
    found: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for source_id, model, row_filter in AccessPolicy.objects.filter(
        active=True, group_id__in=group_ids
    ).values_list("source_id", "model", "row_filter"):
        found[(source_id, model)].append(resolve_user(row_filter, user) if row_filter else None)
    return dict(found)


def _extra_security(user_id: int, group_ids: set[int]) -> tuple[set[int], set[int]]:
    """Folders with extra security, and among them those this user is let into."""
    by_user = Folder.users.through.objects
    by_group = Folder.groups.through.objects
    secured = set(by_user.values_list("folder_id", flat=True)) | set(
        by_group.values_list("folder_id", flat=True)
    )
    allowed = set(by_user.filter(user_id=user_id).values_list("folder_id", flat=True)) | set(
        by_group.filter(group_id__in=group_ids).values_list("folder_id", flat=True)
    )
    return secured, allowed


def _readable_records(
    folders: Iterable[tuple[Any, ...]], policies: dict[tuple[int, str], list[Any]]
) -> dict[tuple[int, str], set[str] | None]:
    """Per (source, model) of the record folders: the readable record ids, or _ALL."""
    models = {(row[5], row[6]) for row in folders if row[3] == FolderKind.RECORD}
    readable: dict[tuple[int, str], set[str] | None] = {}
    sources = {source.pk: source for source in Source.objects.filter(pk__in={m[0] for m in models})}
    for key in models:
        filters = policies.get(key)
        if not filters:
            readable[key] = set()
        elif any(row_filter is None for row_filter in filters):
            readable[key] = _ALL
        else:
            readable[key] = _matching_keys(sources[key[0]], key[1], filters)
    return readable


def _matching_keys(source: Source, model: str, filters: list[Any]) -> set[str]:
    """Keys of the records matching any of the filters (one keyset scan, keys only)."""
    domain: list[Any] = ["|"] * (len(filters) - 1)
    for row_filter in filters:
        domain += to_json(parse_domain(row_filter, "row_filter"))
    query = RecordQuery(model, include=Criteria(domain=parse_domain(domain, "row_filter")))
    keys: set[str] = set()
    for batch in open_source(source).scan(query, batch_size=5000):
        keys.update(str(row[0]) for row in batch)
    return keys


def resolve_user(row_filter: Any, user: Any) -> list[Any]:
    """Replaces `{"user": "login"}` values (and the strings "user.login", "user.id",
    "user.email", "user.username") by the current user's value. Archivist users are matched to
    source users by login: a Django username is the login."""
    resolved = copy.deepcopy(row_filter)

    def value(marker: str) -> Any:
        if marker not in USER_FIELDS:
            allowed = ", ".join(f"user.{name}" for name in USER_FIELDS)
            raise DomainError("row_filter", f"user.{marker} is not one of {allowed}")
        return user.username if marker == "login" else getattr(user, marker)

    def walk(node: Any) -> Any:
        if isinstance(node, dict) and set(node) == {"user"}:
            return value(str(node["user"]))
        if isinstance(node, str) and node.startswith("user.") and node[5:] in USER_FIELDS:
            return value(node[5:])
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return [walk(term) if isinstance(term, list) else term for term in resolved]


def readable_folders(user: Any) -> Any:
    """A queryset of the active folders the user may read."""
    access = folder_access(user)
    return access.filter(Folder.objects.filter(active=True))


def can_write_folder(user: Any, folder: Folder, access: FolderAccess | None = None) -> bool:
    """Upload into, or create a subfolder in, this folder: readable, active, internal user."""
    if not folder.active or not user.is_authenticated or roles.is_portal(user):
        return False
    access = access or folder_access(user)
    return access.can_read(folder.pk)


def can_manage_folder(user: Any, folder: Folder, access: FolderAccess | None = None) -> bool:
    """Rename, move, archive or change the settings of a manual folder."""
    return (
        folder.kind in (FolderKind.MANUAL, FolderKind.DEFAULT)
        and roles.has_file_manager(user)
        and can_write_folder(user, folder, access)
    )
