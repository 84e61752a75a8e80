"""Monitoring restrictions ("Prioritization of Folder Rule Checks")."""

from __future__ import annotations

from archivist.documents.models import Folder, FolderRule, FolderRuleState


def descendants(rule: FolderRule) -> list[FolderRule]:
    found: list[FolderRule] = []
    level = [rule]
    while level:
        level = list(
            FolderRule.objects.filter(parent__in=level).exclude(pk__in=[r.pk for r in found])
        )
        found.extend(level)
    return found


def clear_priority(rule: FolderRule) -> int:
    """ "Clear next folders priority": the folders of the rule and of its child rules are checked
    at the next run whatever their restriction; afterwards the restriction applies again.
    Returns how many folders were waiting."""
    rules = [rule, *descendants(rule)]
    cleared = Folder.objects.filter(rule__in=rules, next_check__isnull=False).update(
        next_check=None
    )
    FolderRuleState.objects.filter(rule__in=rules).update(full_pass_required=True)
    return cleared
