"""The "Prepare folders" job: make the folder tree match the rules and the records.

Each run walks the active rules parents first. For each rule it chooses a pass:

- **full** when the rule (or anything its result depends on) changed, its periods moved to other
  dates, `--all` was asked, or the source offers no way to see what changed: every owned record
  is reconciled, then every existing folder of the rule whose record is no longer owned is
  archived;
- **incremental** otherwise: only records whose row, or a row reached through a many2one of the
  rule, changed since the last run (change-tracking columns such as `write_date`), plus deleted
  records (found by comparing row counts and key sums), parents whose folder appeared, and
  folders whose monitoring restriction ended. A source without change tracking is compared by
  fingerprint: a run reads the rule's rows, and only a different fingerprint leads to a full
  pass.

Work is done in batches of `batch_size` records, each in its own short transaction; a run
evaluates at most `budget` records and the next run resumes where it stopped. A run where
nothing changed writes nothing. Two runs never work at once (a lease), and the database's
unique constraints keep even overlapping runs from creating a folder twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archivist.documents.models import (
    Folder,
    FolderKind,
    FolderRule,
)
from archivist.documents.services import folder_tree
from archivist.documents.services.leases import Lease, lease
from archivist.documents.services.reconcile import Counts
from archivist.documents.services.rule_pass import RulePass
from archivist.documents.services.rule_plan import effectively_active
from archivist.documents.services.sources import open_source
from archivist.sources.errors import SourceError

log = logging.getLogger("archivist.prepare_folders")
LEASE_NAME = "prepare-folders"


@dataclass
class PrepareStats:
    counts: Counts = field(default_factory=Counts)
    rules: int = 0
    rules_unfinished: int = 0
    full_passes: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts.as_dict(),
            "rules": self.rules,
            "rules_unfinished": self.rules_unfinished,
            "full_passes": self.full_passes,
            "errors": self.errors,
            "skipped": self.skipped,
        }


@dataclass
class Run:
    now: dt.datetime
    today: dt.date
    budget: int | None
    batch_size: int
    full: bool
    lease: Lease | None
    stats: PrepareStats = field(default_factory=PrepareStats)

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.stats.counts.evaluated >= self.budget

    def renew(self) -> None:
        if self.lease is not None:
            self.lease.renew()


def prepare_folders(
    *,
    full: bool = False,
    budget: int | None = None,
    batch_size: int | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    use_lease: bool = True,
) -> PrepareStats:
    """Runs "Prepare folders" once. `budget=None` means the configured budget; pass 0 for
    no limit. Returns what was done; `skipped` when another run holds the lease."""
    now = now or timezone.now()
    limit = settings.PREPARE_BUDGET if budget is None else budget
    with lease(LEASE_NAME) as held:
        if held is None and use_lease:
            return PrepareStats(skipped=True)
        run = Run(
            now=now,
            today=today or timezone.localdate(now),
            budget=limit or None,
            batch_size=batch_size or settings.PREPARE_BATCH,
            full=full,
            lease=held,
        )
        _retire_rules(run)
        for source in {rule.source for rule in _ordered_rules()}:
            open_source(source).refresh()
        rules = _ordered_rules()
        for index, rule in enumerate(rules):
            if run.exhausted:
                run.stats.rules_unfinished += len(rules) - index
                break
            try:
                RulePass(run, rule).run()
            except SourceError as error:
                message = f"rule {rule.key}: {error}"
                log.error("prepare folders: %s", message)
                run.stats.errors.append(message)
            run.stats.rules += 1
        return run.stats


def _ordered_rules() -> list[FolderRule]:
    """Effectively active rules, parents before children, then by sequence."""
    rules = [
        rule
        for rule in FolderRule.objects.filter(active=True)
        .select_related("source", "parent")
        .prefetch_related("periods")
        if effectively_active(rule) and rule.source.active
    ]
    return sorted(rules, key=lambda rule: (len(rule.ancestors()), rule.sequence, rule.pk))


def _retire_rules(run: Run) -> None:
    """Archives the folders of rules that are archived, deleted or under an archived rule."""
    live = {rule.pk for rule in _ordered_rules()}
    stale = list(
        Folder.objects.filter(kind__in=[FolderKind.RULE, FolderKind.RECORD], active=True)
        .filter(Q(rule__isnull=True) | ~Q(rule__in=live))
        .filter(
            Q(kind=FolderKind.RULE)
            | Q(parent__kind=FolderKind.RULE, parent__active=False)
            | Q(rule__isnull=True)
            | ~Q(rule__in=live)
        )
        .values_list("pk", "parent_path")
    )
    if stale:
        with transaction.atomic():
            folder_tree.archive_subtrees(stale, run.now)
        run.stats.counts.archived += len(stale)
