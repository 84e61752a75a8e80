"""Bringing the folders of a batch of records in line with one rule.

`Reconciler.reconcile(keys)` is the single place where record folders are created, renamed,
moved, handed over between rules, archived and restored: every phase of "Prepare folders" only
chooses which keys to look at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from archivist.documents.models import Folder, FolderKind, FolderRule
from archivist.documents.models.lookups import AnyOf
from archivist.documents.services import folder_tree
from archivist.documents.services.folder_tree import Place
from archivist.documents.services.rule_plan import RulePlan
from archivist.sources.base import RecordQuery, Row

_PLACE_CACHE_LIMIT = 200_000
_FOLDER_FIELDS = (
    "pk",
    "name",
    "parent_id",
    "parent_path",
    "rule_id",
    "record_id",
    "active",
    "archived_at",
    "next_check",
    "needs_check",
)


@dataclass
class Counts:
    created: int = 0
    renamed: int = 0
    moved: int = 0
    archived: int = 0
    restored: int = 0
    deferred: int = 0
    evaluated: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def changed(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__ if name != "evaluated")

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class Reconciler:
    plan: RulePlan
    today: dt.date
    now: dt.datetime
    hours: int
    children: list[FolderRule]
    counts: Counts = field(default_factory=Counts)
    # Parent key -> where this rule's folders go under it. Parents were placed by earlier
    # rules of this run and stay put while this rule works, so a pass can remember them.
    _place_cache: dict[str, Place] = field(default_factory=dict)

    @property
    def rule(self) -> FolderRule:
        return self.plan.rule

    def owned_rows(self, keys: Sequence[Any]) -> dict[Any, Row]:
        rows = self.plan.source.fetch(self.plan.owned(self.today, ids=list(keys)))
        return {row[0]: row for row in rows}

    def owned_keys(self, keys: Sequence[Any]) -> set[Any]:
        query = RecordQuery(
            self.rule.model,
            include=self.plan.include,
            exclude=self.plan.exclude,
            ids=list(keys),
            today=self.today,
        )
        return {row[0] for row in self.plan.source.fetch(query)}

    def reconcile(
        self, keys: Sequence[Any], rows: dict[Any, Row] | None = None, *, force: bool = False
    ) -> None:
        """Makes the folders of these records match the rule; `rows` are their `owned()` rows
        when already read (records absent from `rows` are not owned by the rule). `force`
        ignores the monitoring restriction (the folders are due)."""
        if not keys:
            return
        if rows is None:
            rows = self.owned_rows(keys)
        self.counts.evaluated += len(keys)
        texts = {key: str(key) for key in keys}
        with transaction.atomic():
            existing = {
                folder.record_id: folder
                for folder in Folder.objects.filter(
                    AnyOf(F("record_id"), list(texts.values())),
                    kind=FolderKind.RECORD,
                    source_id=self.rule.source_id,
                    model=self.rule.model,
                ).only(*_FOLDER_FIELDS)
            }
            places = self._places(rows.values())
            batch = _Batch()
            for key in keys:
                self._decide(
                    texts[key], rows.get(key), existing.get(texts[key]), places, force, batch
                )
            self._apply(batch)

    # -- deciding -----------------------------------------------------------------------------

    def _decide(
        self,
        text: str,
        row: Row | None,
        folder: Folder | None,
        places: dict[str, Place],
        force: bool,
        batch: _Batch,
    ) -> None:
        place = None
        if row is not None:
            parent_key = self.plan.parent_key_of(row)
            place = places.get("" if self.rule.parent_id is None else str(parent_key))
        if row is None or place is None:
            if folder is not None and folder.rule_id == self.rule.pk and folder.active:
                if self._deferred(folder, force, batch):
                    return
                batch.archive.append(folder)
            return
        name = self.plan.name_of(row)
        if folder is None:
            batch.create.append((text, name, place))
            return
        if (
            folder.name == name
            and folder.parent_id == place.parent_id
            and folder.rule_id == self.rule.pk
            and folder.active
        ):
            if folder.needs_check and force:
                batch.touch.append(folder)
            return
        if self._deferred(folder, force, batch):
            return
        batch.update.append((folder, name, place))

    def _deferred(self, folder: Folder, force: bool, batch: _Batch) -> bool:
        if force or folder.next_check is None or folder.next_check <= self.now:
            return False
        if not folder.needs_check:
            batch.defer.append(folder)
        return True

    def _places(self, rows: Any) -> dict[str, Place]:
        """Where record folders go: the rule's root folder, or (child rule) the rule's folder
        inside the parent record's folder, keyed by the parent key's text."""
        if self.rule.parent_id is None:
            root = (
                Folder.objects.filter(
                    kind=FolderKind.RULE, rule=self.rule, parent__isnull=True, active=True
                )
                .values_list("pk", "parent_path")
                .first()
            )
            return {} if root is None else {"": Place.inside(*root)}
        parent_keys = {str(self.plan.parent_key_of(row)) for row in rows}
        parent_keys.discard("None")
        wanted = parent_keys - self._place_cache.keys()
        if wanted:
            if len(self._place_cache) > _PLACE_CACHE_LIMIT:
                self._place_cache.clear()
            self._place_cache.update(self._find_places(wanted))
        return {key: self._place_cache[key] for key in parent_keys if key in self._place_cache}

    def _find_places(self, parent_keys: set[str]) -> dict[str, Place]:
        parent_rule = self.rule.parent
        assert parent_rule is not None
        # Filters are on indexed columns only (the record index, the parent index); rule and
        # active are checked here, so the database never walks every folder of a big rule.
        parents = {
            record_id: (pk, path)
            for record_id, pk, path, rule_id, active in Folder.objects.filter(
                AnyOf(F("record_id"), list(parent_keys)),
                kind=FolderKind.RECORD,
                source_id=parent_rule.source_id,
                model=parent_rule.model,
            ).values_list("record_id", "pk", "parent_path", "rule_id", "active")
            if rule_id == parent_rule.pk and active
        }
        if not parents:
            return {}
        by_parent = {pk: record_id for record_id, (pk, _) in parents.items()}
        containers = self._containers(list(by_parent))
        missing = [(pk, path) for pk, path in parents.values() if pk not in containers]
        if missing:
            folder_tree.child_rule_folders(missing, [self.rule], self.now)
            containers = self._containers(list(by_parent))
        return {
            by_parent[parent_pk]: Place.inside(
                container, f"{parents[by_parent[parent_pk]][1]}{parent_pk}/"
            )
            for parent_pk, container in containers.items()
        }

    def _containers(self, parent_ids: list[int]) -> dict[int, int]:
        """This rule's active folder inside each of these parent folders. The filter matches
        the unique index on (rule, parent) of rule folders exactly: counting on the parent index
        alone, PostgreSQL expects the children of a typical folder (hundreds) per parent."""
        return {
            parent_id: pk
            for parent_id, pk, active in Folder.objects.filter(
                AnyOf(F("parent_id"), parent_ids),
                kind=FolderKind.RULE,
                rule=self.rule,
                parent__isnull=False,
            ).values_list("parent_id", "pk", "active")
            if active
        }

    # -- applying -----------------------------------------------------------------------------

    def _checked(self) -> tuple[dt.datetime, dt.datetime | None]:
        next_check = self.now + dt.timedelta(hours=self.hours) if self.hours else None
        return self.now, next_check

    def _apply(self, batch: _Batch) -> None:
        last_checked, next_check = self._checked()
        if batch.archive:
            folder_tree.archive_subtrees([(f.pk, f.parent_path) for f in batch.archive], self.now)
            Folder.objects.filter(pk__in=[f.pk for f in batch.archive]).update(
                last_checked=last_checked, next_check=next_check, needs_check=False
            )
            self.counts.archived += len(batch.archive)
        if batch.defer:
            Folder.objects.filter(pk__in=[f.pk for f in batch.defer]).update(needs_check=True)
            self.counts.deferred += len(batch.defer)
        if batch.touch:
            Folder.objects.filter(pk__in=[f.pk for f in batch.touch]).update(
                needs_check=False, last_checked=last_checked, next_check=next_check
            )
        if batch.update:
            self._update(batch.update, last_checked, next_check)
        if batch.create:
            self._create(batch.create)

    def _update(
        self,
        updates: list[tuple[Folder, str, Place]],
        last_checked: dt.datetime,
        next_check: dt.datetime | None,
    ) -> None:
        handed_over: list[Folder] = []
        returning: list[Folder] = []
        for folder, name, place in updates:
            if not folder.active:
                folder_tree.restore_subtree(folder.pk, folder.parent_path, folder.archived_at)
                returning.append(folder)
                self.counts.restored += 1
            if folder.parent_id != place.parent_id:
                folder_tree.move_subtree(folder.pk, folder.parent_path, place)
                self.counts.moved += 1
            if folder.rule_id != self.rule.pk:
                handed_over.append(folder)
            if folder.name != name:
                self.counts.renamed += 1
            folder.name = name
            folder.parent_id = place.parent_id
            folder.parent_path = place.parent_path
            folder.rule_id = self.rule.pk
            folder.active = True
            folder.archived_at = None
            folder.last_checked = last_checked
            folder.next_check = next_check
            folder.needs_check = False
        folder_tree.update_folders([folder for folder, _, _ in updates], self.now)
        if handed_over:
            self._hand_over(handed_over)
        if returning or handed_over:
            folders = {f.pk: f for f in [*returning, *handed_over]}.values()
            folder_tree.queue_parent_checks(self.children, [f.record_id for f in folders])

    def _hand_over(self, folders: list[Folder]) -> None:
        """A record moved to this rule from another: the other rule's child folders inside go,
        this rule's child folders come (or come back)."""
        own = {child.pk for child in self.children}
        stale = list(
            Folder.objects.filter(kind=FolderKind.RULE, parent__in=folders, active=True)
            .exclude(rule__in=own)
            .values_list("pk", "parent_path")
        )
        folder_tree.archive_subtrees(stale, self.now)
        folder_tree.child_rule_folders(
            [(f.pk, f.parent_path) for f in folders], self.children, self.now
        )

    def _create(self, creations: list[tuple[str, str, Place]]) -> None:
        inserted = folder_tree.insert_folders(
            [
                folder_tree.NewFolder(
                    name=name,
                    kind=FolderKind.RECORD,
                    place=place,
                    rule_id=self.rule.pk,
                    source_id=self.rule.source_id,
                    model=self.rule.model,
                    record_id=text,
                )
                for text, name, place in creations
            ],
            self.now,
        )
        # Rows another run inserted meanwhile are skipped: their content is that run's job.
        self.counts.created += len(inserted)
        placed = [(pk, parent_path) for pk, _, parent_path, _, _ in inserted]
        folder_tree.child_rule_folders(placed, self.children, self.now)
        folder_tree.default_content(placed, self.rule, self.now)
        folder_tree.queue_parent_checks(self.children, [text for _, _, _, text, _ in inserted])


@dataclass
class _Batch:
    create: list[tuple[str, str, Place]] = field(default_factory=list)
    update: list[tuple[Folder, str, Place]] = field(default_factory=list)
    archive: list[Folder] = field(default_factory=list)
    defer: list[Folder] = field(default_factory=list)
    touch: list[Folder] = field(default_factory=list)
