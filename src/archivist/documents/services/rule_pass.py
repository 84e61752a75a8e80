"""One rule's part of a "Prepare folders" run: choosing a full or incremental pass and running
its phases (see `prepare_folders` for the whole picture). Each phase returns False when the run's
budget ran out; the rule's progress then holds where the next run resumes."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from archivist.documents.models import (
    Folder,
    FolderKind,
    FolderRule,
    FolderRuleState,
    PendingParentCheck,
)
from archivist.documents.services import folder_tree
from archivist.documents.services.reconcile import Reconciler
from archivist.documents.services.rule_plan import RulePlan, effectively_active
from archivist.documents.services.sources import open_source
from archivist.sources.base import Criteria, Reach, RecordQuery, TableSnapshot
from archivist.sources.domain import Leaf

if TYPE_CHECKING:
    from archivist.documents.services.prepare_folders import Run

STATISTICS_EVERY = 50_000


class RulePass:
    def __init__(self, run: Run, rule: FolderRule) -> None:
        self.job = run
        self.rule = rule
        self.source = open_source(rule.source)
        self.plan = RulePlan.build(rule, self.source)
        self.state, _ = FolderRuleState.objects.get_or_create(rule=rule)
        self.progress: dict[str, Any] = dict(self.state.progress or {})
        children = rule.children.filter(active=True).select_related("source", "parent")
        self.reconciler = Reconciler(
            plan=self.plan,
            today=run.today,
            now=run.now,
            hours=rule.restriction_hours(),
            children=[child for child in children if effectively_active(child)],
        )
        self.dirty = False
        self.tracked = False
        self.statistics_at = 0

    # -- choosing ----------------------------------------------------------------------------

    def run(self) -> None:
        ranges = self.plan.period_ranges(self.job.today)
        dependencies = self.source.dependencies(self.plan.owned(self.job.today))
        snapshots = self._snapshots(dependencies)
        tracked = all(
            dep.change_column is not None for dep in dependencies if dep.reach is not Reach.X2MANY
        )
        self.tracked = tracked
        mode = self.progress.get("mode")
        full = (
            self.job.full
            or mode == "full"
            or self.state.full_pass_required
            or self.state.config_hash != self.plan.config_hash
            or self.state.period_ranges != ranges
            or self._full_pass_due()
            or self._x2many_changed(dependencies, snapshots)
            or (tracked and mode is None and self._related_rows_deleted(dependencies, snapshots))
        )
        self._sync_rule_folders()
        if not full and not tracked and mode is None:
            full = self._fingerprint() != self.state.fingerprint
        if full:
            self.job.stats.full_passes += 1
            self._full_pass(ranges, snapshots, tracked)
        else:
            self._incremental_pass(dependencies, snapshots, tracked)
        self.job.stats.counts.add(self.reconciler.counts)

    def _full_pass_due(self) -> bool:
        """Change columns can miss a change (a transaction committing a change time older than
        one already seen; a database trigger): a full pass now and then catches those."""
        hours = settings.PREPARE_FULL_EVERY_HOURS
        last = self.state.last_complete_at
        return hours > 0 and (last is None or self.job.now - last > dt.timedelta(hours=hours))

    def _snapshots(self, dependencies: Sequence[Any]) -> dict[str, dict[str, Any]]:
        models = {dep.model for dep in dependencies}
        return {model: self.source.snapshot(model).as_json() for model in sorted(models)}

    def _x2many_changed(self, dependencies: Sequence[Any], snapshots: dict[str, Any]) -> bool:
        before = self.state.snapshots or {}
        return any(
            dep.reach is Reach.X2MANY and before.get(dep.model) != snapshots[dep.model]
            for dep in dependencies
        )

    def _related_rows_deleted(self, dependencies: Sequence[Any], snapshots: dict[str, Any]) -> bool:
        """Rows deleted from a table reached through a many2one can change which records match
        without touching them: such a deletion calls for a full pass."""
        return any(
            dep.reach is Reach.MANY2ONE and self._rows_deleted(dep.model, snapshots[dep.model])
            for dep in dependencies
            if dep.model != self.rule.model
        )

    def _rows_deleted(self, model: str, now: dict[str, Any]) -> bool:
        before = (self.state.snapshots or {}).get(model)
        if before is None or before == now:
            return before is None
        if before.get("key_sum") is None or before.get("max_key") is None:
            return True
        added: TableSnapshot = self.source.snapshot(model, after_key=before["max_key"])
        return now["count"] != before["count"] + added.count or now["key_sum"] != before[
            "key_sum"
        ] + (added.key_sum or 0)

    # -- passes ------------------------------------------------------------------------------

    def _full_pass(self, ranges: list[str], snapshots: dict[str, Any], tracked: bool) -> None:
        if self.progress.get("mode") != "full":
            self.progress = {
                "mode": "full",
                "phase": "rule_folders",
                "target": snapshots,
                "fingerprint": [0, 0],
            }
        if not self._run_phases(
            [
                ("rule_folders", self._phase_rule_folders),
                # Sweep first: it then only reads folders that existed before this pass (on a
                # first pass, none), not the ones the forward phase is about to create.
                ("sweep", self._phase_sweep),
                ("forward", self._phase_forward),
                ("misplaced", self._phase_misplaced),
            ]
        ):
            return
        with transaction.atomic():
            PendingParentCheck.objects.filter(rule=self.rule).delete()
            state = self.state
            state.config_hash = self.plan.config_hash
            state.period_ranges = ranges
            state.snapshots = self.progress["target"]
            state.fingerprint = "" if tracked else _fingerprint_text(self.progress["fingerprint"])
            state.full_pass_required = False
            state.progress = {}
            state.last_run_at = self.job.now
            state.last_complete_at = self.job.now
            state.last_stats = self.reconciler.counts.as_dict()
            state.save()

    def _incremental_pass(
        self, dependencies: Sequence[Any], snapshots: dict[str, Any], tracked: bool
    ) -> None:
        before = self.state.snapshots or {}
        if self.progress.get("mode") != "incremental":
            self.progress = {"mode": "incremental", "phase": "changes", "target": snapshots}
            if tracked and before != snapshots:
                self.progress["since"] = {
                    dep.path: before.get(dep.model, {}).get("watermark")
                    for dep in dependencies
                    if dep.reach is not Reach.X2MANY
                }
                self.progress["deletions"] = self._rows_deleted(
                    self.rule.model, snapshots[self.rule.model]
                )
            self.dirty = before != snapshots
        if not self._run_phases(
            [
                ("changes", self._phase_changes),
                ("deletions", self._phase_deletions),
                ("parents", self._phase_parents),
                ("deferred", self._phase_deferred),
            ]
        ):
            return
        if self.dirty or self.reconciler.counts.changed() or self.state.progress:
            self.state.snapshots = self.progress["target"]
            self.state.progress = {}
            self.state.last_run_at = self.job.now
            self.state.last_stats = self.reconciler.counts.as_dict()
            self.state.save()

    def _run_phases(self, phases: list[tuple[str, Callable[[], bool]]]) -> bool:
        """Runs the phases from the one in progress on; False (progress saved) when the budget
        ran out before the last one finished."""
        names = [name for name, _ in phases]
        current = self.progress["phase"]
        start = names.index(current) if current in names else len(names)
        for name, phase in phases[start:]:
            if not phase():
                self._save_progress()
                return False
            following = names.index(name) + 1
            self.progress.update(
                phase=names[following] if following < len(names) else "done", cursor=None
            )
        return True

    def _save_progress(self) -> None:
        self.state.progress = self.progress
        self.state.last_run_at = self.job.now
        self.state.save(update_fields=["progress", "last_run_at"])

    # -- phases: each returns False when the budget ran out (progress holds the cursor) ------

    def _phase_rule_folders(self) -> bool:
        """Full pass: the rule's folder in every parent record folder (or its root folder)."""
        if self.rule.parent_id is None:
            return True
        parents = Folder.objects.filter(
            kind=FolderKind.RECORD, rule_id=self.rule.parent_id, active=True
        ).order_by("pk")
        for batch in _keyset(parents, self.progress, self.job.batch_size, ("pk", "parent_path")):
            with transaction.atomic():
                folder_tree.child_rule_folders(batch, [self.rule], self.job.now)
        return True

    def _phase_forward(self) -> bool:
        after = self._cursor_key()
        for rows in self.source.scan(
            self.plan.owned(self.job.today, after=after), batch_size=self.job.batch_size
        ):
            if self.job.exhausted:
                return False
            if not self.tracked:
                self.progress["fingerprint"] = _add_fingerprint(self.progress["fingerprint"], rows)
            self.reconciler.reconcile([row[0] for row in rows], {row[0]: row for row in rows})
            self._advance(rows[-1][0])
        return True

    def _phase_sweep(self) -> bool:
        """Folders of this rule whose record is gone, or no longer owned, are archived."""
        folders = Folder.objects.filter(
            kind=FolderKind.RECORD, rule=self.rule, active=True
        ).order_by("pk")
        for batch in _keyset(folders, self.progress, self.job.batch_size, ("pk", "record_id")):
            if self.job.exhausted:
                return False
            keys = [self.source.key_from_text(self.rule.model, text) for _, text in batch]
            owned = self.reconciler.owned_keys(keys)
            gone = [key for key in keys if key not in owned]
            self.reconciler.reconcile(gone, {})
            self.job.renew()
        return True

    def _phase_misplaced(self) -> bool:
        """Rule folders left where the rule no longer puts them (a re-parented rule)."""
        folders = Folder.objects.filter(kind=FolderKind.RULE, rule=self.rule, active=True)
        if self.rule.parent_id is None:
            misplaced = folders.filter(parent__isnull=False)
        else:
            misplaced = folders.filter(
                Q(parent__isnull=True) | ~Q(parent__rule_id=self.rule.parent_id)
            )
        stale = list(misplaced.values_list("pk", "parent_path"))
        if stale:
            with transaction.atomic():
                folder_tree.archive_subtrees(stale, self.job.now)
            self.reconciler.counts.archived += len(stale)
        return True

    def _phase_changes(self) -> bool:
        since = self.progress.get("since")
        if not since:
            return True
        query = RecordQuery(
            self.rule.model,
            changed_since={path: _watermark(value) for path, value in since.items() if value},
            after=self._cursor_key(),
        )
        if not query.changed_since:
            return True
        for rows in self.source.scan(query, batch_size=self.job.batch_size):
            if self.job.exhausted:
                return False
            self.reconciler.reconcile([row[0] for row in rows])
            self._advance(rows[-1][0])
        return True

    def _phase_deletions(self) -> bool:
        if not self.progress.get("deletions"):
            return True
        return self._phase_sweep()

    def _phase_parents(self) -> bool:
        if self.rule.parent_id is None:
            return True
        parent_rule = self.rule.parent
        assert parent_rule is not None
        parent_key = self.source.schema()[parent_rule.model].require_key()
        while not self.job.exhausted:
            pending = list(
                PendingParentCheck.objects.filter(rule=self.rule).order_by("pk")[
                    : self.job.batch_size
                ]
            )
            if not pending:
                return True
            texts = [item.record_id for item in pending]
            parents = [self.source.key_from_text(parent_rule.model, text) for text in texts]
            by_parent = RecordQuery(
                self.rule.model,
                include=Criteria(
                    domain=Leaf(f"{self.rule.parent_field}.{parent_key}", "in", parents, "parent")
                ),
            )
            keys = [
                row[0]
                for batch in self.source.scan(by_parent, self.job.batch_size)
                for row in batch
            ]
            present = Folder.objects.filter(
                kind=FolderKind.RECORD,
                rule=self.rule,
                parent__parent__record_id__in=texts,
                parent__parent__rule_id=parent_rule.pk,
            ).values_list("record_id", flat=True)
            keys += [self.source.key_from_text(self.rule.model, text) for text in present]
            for start in range(0, len(keys), self.job.batch_size):
                self.reconciler.reconcile(
                    list(dict.fromkeys(keys[start : start + self.job.batch_size]))
                )
            PendingParentCheck.objects.filter(pk__in=[item.pk for item in pending]).delete()
            self.dirty = True
        return False

    def _phase_deferred(self) -> bool:
        due = (
            Folder.objects.filter(kind=FolderKind.RECORD, rule=self.rule, needs_check=True)
            .filter(Q(next_check__isnull=True) | Q(next_check__lte=self.job.now))
            .order_by("next_check", "pk")
        )
        while not self.job.exhausted:
            texts = list(due.values_list("record_id", flat=True)[: self.job.batch_size])
            if not texts:
                return True
            keys = [self.source.key_from_text(self.rule.model, text) for text in texts]
            self.reconciler.reconcile(keys, force=True)
        return False

    # -- helpers ----------------------------------------------------------------------------

    def _sync_rule_folders(self) -> None:
        """The rule's own folders carry its current name and sequence; a root rule has one."""
        with transaction.atomic():
            outdated = Folder.objects.filter(kind=FolderKind.RULE, rule=self.rule).filter(
                ~Q(name=self.rule.name) | ~Q(sequence=self.rule.sequence)
            )
            if outdated.exists():  # an UPDATE of no row would still lock SQLite for writing
                outdated.update(name=self.rule.name, sequence=self.rule.sequence)
            if self.rule.parent_id is None:
                root = Folder.objects.filter(
                    kind=FolderKind.RULE, rule=self.rule, parent__isnull=True
                ).first()
                if root is None:
                    Folder.objects.get_or_create(
                        kind=FolderKind.RULE,
                        rule=self.rule,
                        parent=None,
                        defaults={
                            "name": self.rule.name,
                            "sequence": self.rule.sequence,
                            "last_checked": self.job.now,
                        },
                    )
                    self.reconciler.counts.created += 1
                elif not root.active:
                    folder_tree.restore_subtree(root.pk, root.parent_path, root.archived_at)
                    self.reconciler.counts.restored += 1

    def _fingerprint(self) -> str:
        total = [0, 0]
        for rows in self.source.scan(self.plan.owned(self.job.today), self.job.batch_size):
            total = _add_fingerprint(total, rows)
        return _fingerprint_text(total)

    def _cursor_key(self) -> Any:
        cursor = self.progress.get("cursor")
        return None if cursor is None else cursor

    def _advance(self, key: Any) -> None:
        self.progress["cursor"] = key
        self.job.renew()
        created = self.reconciler.counts.created
        if created - self.statistics_at >= STATISTICS_EVERY:
            # A table that grew from nothing has no statistics yet, and the planner would
            # answer "which of these 2,000 folders exist" with a full scan.
            folder_tree.refresh_statistics()
            self.statistics_at = created


def _keyset(
    queryset: Any, progress: dict[str, Any], batch_size: int, fields: tuple[str, str]
) -> Iterator[list[tuple[Any, Any]]]:
    """Batches of `fields` from a queryset ordered by pk, resuming after progress["cursor"]."""
    while True:
        page = queryset
        if progress.get("cursor") is not None:
            page = page.filter(pk__gt=progress["cursor"])
        batch = list(page.values_list(*fields)[:batch_size])
        if not batch:
            return
        yield batch
        progress["cursor"] = batch[-1][0]
        if len(batch) < batch_size:
            return


def _add_fingerprint(total: list[int], rows: Sequence[tuple[Any, ...]]) -> list[int]:
    """Order-free fingerprint of rows: their count and the sum of their 64-bit digests, so a
    pass interrupted and resumed adds up to the same value."""
    count, digest_sum = total
    for row in rows:
        digest = hashlib.blake2b(repr(row).encode(), digest_size=8).digest()
        digest_sum = (digest_sum + int.from_bytes(digest, "big")) % (1 << 64)
    return [count + len(rows), digest_sum]


def _fingerprint_text(total: list[int]) -> str:
    return f"{total[0]}:{total[1]:016x}"


def _watermark(value: str) -> dt.date | dt.datetime:
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value)
