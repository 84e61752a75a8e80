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
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from archivist.documents import roles
from archivist.documents.models import (
    AccessPolicy,
    Folder,
    FolderKind,
    FolderRule,
    Source,
)
from archivist.documents.models.lookups import AnyOf
from archivist.documents.services.sources import open_source
from archivist.documents.services.versions import current_version
from archivist.sources.base import Criteria, RecordQuery
from archivist.sources.domain import parse_domain, to_json
from archivist.sources.errors import DomainError

USER_FIELDS = ("id", "login", "username", "email")


CACHE_SECONDS = 60  # how long a computed tree stays valid when nothing in Archivist changed
CACHE_USERS = 16
CHAIN_LIMIT = 200  # folders checked one by one before computing the whole tree instead
KNOWN_LIMIT = 10_000  # folders checked one by one that a user's cache entry remembers


@dataclass(frozen=True)
class VisibleTree:
    """The readable folders as the user sees them: each under its nearest readable ancestor
    (None: at the top), siblings by sequence then name, and all of them depth first."""

    parent: dict[int, int | None]
    children: dict[int | None, list[int]]
    order: list[int]


@dataclass
class _Context:
    """What a user's access depends on, besides the folders themselves (a few small queries)."""

    user: Any
    person: tuple[Any, ...]
    policies: dict[tuple[int, str], list[Any]]
    secured: set[int]
    allowed: set[int]
    rules: dict[int, tuple[int, str]]
    records: dict[tuple[int, str], dict[str, bool]] = field(default_factory=dict)


@dataclass
class _Cached:
    version: int
    at: float
    readable: frozenset[int] | None = None
    tree: VisibleTree | None = None
    context: _Context | None = None
    """The user's groups, policies and extra security, read once per version."""
    known: dict[int, bool] = field(default_factory=dict)
    """Folders checked one by one (`can_read` without the whole tree), at most KNOWN_LIMIT."""


_cache: OrderedDict[tuple[int, bool], _Cached] = OrderedDict()
_cache_lock = threading.Lock()
_FOLDER_COLUMNS = (
    "pk", "parent_id", "parent_path", "kind", "rule_id", "source_id", "model", "record_id"
)  # fmt: skip


class FolderAccess:
    """A user's read access to folders.

    `can_read(id)` answers for one folder by walking its ancestors only (a few queries), so an
    endpoint about one folder or attachment never computes the whole tree; `readable` and
    `filter` compute the whole tree at once (set-based), and that result is kept per user for
    CACHE_SECONDS, or until something in Archivist that access depends on changes (folders,
    extra security, policies, rules, group membership: see `bump_version`). Which records a
    row filter matches is read from the source, so a change there shows within CACHE_SECONDS.
    """

    def __init__(
        self,
        *,
        everything: bool,
        context: _Context | None = None,
        include_archived: bool = False,
        cached: _Cached | None = None,
        cache_key: tuple[int, bool] | None = None,
    ) -> None:
        self.everything = everything
        self._context = context
        self._include_archived = include_archived
        self._cached = cached
        self._full = cached.readable if cached is not None else None
        self._known: dict[int, bool] = dict(cached.known) if cached is not None else {}
        self._remembered = len(self._known)
        self._cache_key = cache_key

    @property
    def readable(self) -> frozenset[int]:
        if self.everything:
            raise ValueError("an administrator reads every folder: check `everything` first")
        if self._full is None:
            self._full = self._compute_all()
            if self._cached is not None:
                self._cached.readable = self._full
                _remember(self._cache_key, self._cached)
        return self._full

    def tree(self) -> VisibleTree:
        """The visible tree (computed once per user and access version, then cached)."""
        if self._cached is not None and self._cached.tree is not None:
            return self._cached.tree
        rows = self._rows()
        if not self.everything:
            rows = rows.filter(AnyOf(F("pk"), sorted(self.readable)))
        found = {
            pk: (parent_path, sequence, name.casefold())
            for pk, parent_path, sequence, name in rows.values_list(
                "pk", "parent_path", "sequence", "name"
            ).iterator(chunk_size=10_000)
        }
        parent: dict[int, int | None] = {}
        for pk, (parent_path, _, _) in found.items():
            parent[pk] = next((a for a in reversed(_path_ids(parent_path)) if a in found), None)
        children: dict[int | None, list[int]] = defaultdict(list)
        for pk, above in parent.items():
            children[above].append(pk)
        for siblings in children.values():
            siblings.sort(key=lambda pk: (found[pk][1], found[pk][2], pk))
        order: list[int] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            pk = stack.pop()
            order.append(pk)
            stack.extend(reversed(children.get(pk, [])))
        tree = VisibleTree(parent=parent, children=dict(children), order=order)
        if self._cached is not None:
            self._cached.tree = tree
            _remember(self._cache_key, self._cached)
        return tree

    def can_read(self, folder_id: int) -> bool:
        if self.everything:
            return True
        if self._context is None:
            return False
        if self._full is None and len(self._known) > CHAIN_LIMIT + self._remembered:
            self.readable  # asked about many folders: the whole tree is cheaper now  # noqa: B018
        if self._full is not None:
            return folder_id in self._full
        if folder_id not in self._known:
            self._compute_chain(folder_id)
        return self._known.get(folder_id, False)

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
        if self._context is None:
            return queryset.none()
        # One parameter however many folders: `__in` would send one per id.
        return queryset.filter(AnyOf(F(field_name), sorted(self.readable)))

    # -- computing ----------------------------------------------------------------------------

    def _rows(self) -> Any:
        rows = Folder.objects.all()
        return rows if self._include_archived else rows.filter(active=True)

    def _compute_all(self) -> frozenset[int]:
        folders = list(self._rows().values_list(*_FOLDER_COLUMNS))
        assert self._context is not None
        _readable_records(self._context, folders)
        return frozenset(pk for pk, ok in _evaluate(self._context, folders, {}).items() if ok)

    def _compute_chain(self, folder_id: int) -> None:
        folder = self._rows().filter(pk=folder_id).values_list("parent_path").first()
        if folder is None:
            self._known[folder_id] = False
            return
        ids = [*_path_ids(folder[0]), folder_id]
        rows = list(self._rows().filter(pk__in=ids).values_list(*_FOLDER_COLUMNS))
        if len(rows) != len(ids):  # an ancestor is archived: the folder is hidden with it
            self._known[folder_id] = False
            return
        assert self._context is not None
        _readable_records(self._context, rows)
        found = _evaluate(self._context, rows, self._known)
        self._known.update(found)
        if self._cached is not None and len(self._cached.known) < KNOWN_LIMIT:
            with _cache_lock:  # the next request of this user asks the source no more
                self._cached.known.update(found)


def folder_access(user: Any, *, include_archived: bool = False) -> FolderAccess:
    if roles.is_administrator(user):
        key = (user.pk, include_archived)
        return FolderAccess(
            everything=True,
            include_archived=include_archived,
            cached=_recall(key, current_version()),
            cache_key=key,
        )
    if not user.is_authenticated or not user.is_active or roles.is_portal(user):
        return FolderAccess(everything=False)
    key = (user.pk, include_archived)
    cached = _recall(key, current_version())
    if cached.context is None or cached.context.person != _person(user):
        cached.context = _context(user)
        cached.known = {}
        _remember(key, cached)
    return FolderAccess(
        everything=False,
        context=cached.context,
        include_archived=include_archived,
        cached=cached,
        cache_key=key,
    )


def _person(user: Any) -> tuple[Any, ...]:
    """What a row filter may read of the user (`resolve_user`): a change makes a new context."""
    return tuple(getattr(user, name, None) for name in USER_FIELDS)


def _context(user: Any) -> _Context:
    group_ids = set(user.groups.values_list("pk", flat=True))
    secured, allowed = _extra_security(user.pk, group_ids)
    return _Context(
        user=user,
        person=_person(user),
        policies=_policies(user, group_ids),
        secured=secured,
        allowed=allowed,
        rules={
            pk: (source_id, model)
            for pk, source_id, model in FolderRule.objects.values_list("pk", "source_id", "model")
        },
    )


def _evaluate(
    context: _Context, folders: list[tuple[Any, ...]], known: dict[int, bool]
) -> dict[int, bool]:
    """Readability of `folders` (whose ancestors are among them or in `known`)."""
    result = dict(known)
    for pk, parent_id, _, kind, rule_id, source_id, model, record_id in sorted(
        folders,
        key=lambda row: row[2].count("/"),  # parents before children
    ):
        parent_ok = parent_id is None or result.get(parent_id, False)
        if kind == FolderKind.RECORD:
            ok = context.records.get((source_id, model), {}).get(record_id, False)
        elif kind == FolderKind.RULE:
            ok = (
                parent_ok
                if parent_id is not None
                else context.rules.get(rule_id) in context.policies
            )
        else:
            ok = parent_ok and (pk not in context.secured or pk in context.allowed)
        result[pk] = ok
    return result


def forget_cached_access() -> None:
    with _cache_lock:
        _cache.clear()


def _recall(key: tuple[int, bool], version: int) -> _Cached:
    """The cache entry for this user and version (a fresh, empty one when stale or absent)."""
    with _cache_lock:
        found = _cache.get(key)
        if found is not None and (
            found.version != version or time.monotonic() - found.at > CACHE_SECONDS
        ):
            del _cache[key]
            found = None
        if found is None:
            return _Cached(version=version, at=time.monotonic())
        _cache.move_to_end(key)
        return found


def _remember(key: tuple[int, bool] | None, entry: _Cached) -> None:
    if key is None:
        return
    with _cache_lock:
        _cache[key] = entry
        _cache.move_to_end(key)
        while len(_cache) > CACHE_USERS:
            _cache.popitem(last=False)


def _path_ids(parent_path: str) -> list[int]:
    return [int(part) for part in parent_path.strip("/").split("/") if part]


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


def _readable_records(context: _Context, folders: Iterable[tuple[Any, ...]]) -> None:
    """Fills `context.records` with the readability of the records behind these folders: all
    of a model when a policy has no row filter, else those a filter matches (asked of the
    source only for records not known yet)."""
    wanted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in folders:
        if row[3] == FolderKind.RECORD:
            known = context.records.get((row[5], row[6]), {})
            if row[7] not in known:
                wanted[(row[5], row[6])].add(row[7])
    if not wanted:
        return
    sources = {s.pk: s for s in Source.objects.filter(pk__in={key[0] for key in wanted})}
    for key, record_ids in wanted.items():
        filters = context.policies.get(key)
        known = context.records.setdefault(key, {})
        if not filters or key[0] not in sources:
            allowed: set[str] = set()
        elif any(row_filter is None for row_filter in filters):
            allowed = record_ids
        else:
            allowed = _matching_keys(sources[key[0]], key[1], filters, record_ids)
        known.update((record_id, record_id in allowed) for record_id in record_ids)


def _matching_keys(
    source: Source, model: str, filters: list[Any], record_ids: set[str]
) -> set[str]:
    """Of these records, the keys a filter matches (keyset scans, keys only)."""
    domain: list[Any] = ["|"] * (len(filters) - 1)
    for row_filter in filters:
        domain += to_json(parse_domain(row_filter, "row_filter"))
    opened = open_source(source)
    criteria = Criteria(domain=parse_domain(domain, "row_filter"))
    keys: set[str] = set()
    ids = sorted(record_ids)
    for start in range(0, len(ids), 5000):
        chunk = [opened.key_from_text(model, text) for text in ids[start : start + 5000]]
        query = RecordQuery(model, include=criteria, ids=chunk)
        keys.update(str(row[0]) for row in opened.fetch(query))
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
