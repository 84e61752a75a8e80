"""What a folder rule asks of its source: which records it owns, what to read, how to name.

A record is *owned* by the lowest-sequence active rule of its model whose filter and periods it
matches (spec "Filters & Periods", result 3), so a rule's query excludes the records matched by
rules of the same model that come before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from archivist.documents.models import FolderRule
from archivist.sources.base import Criteria, RecordQuery, Row
from archivist.sources.domain import parse_domain, to_json
from archivist.sources.errors import TemplateError
from archivist.sources.names import NameTemplate, sanitize_folder_name
from archivist.sources.periods import Period
from archivist.sources.schema import DISPLAY_NAME, FieldType, Model
from archivist.sources.sql import SqlRecordSource


def effectively_active(rule: FolderRule) -> bool:
    """A rule works only while it and all its ancestors are active."""
    return rule.active and all(ancestor.active for ancestor in rule.ancestors())


def rule_criteria(rule: FolderRule, periods: Sequence[Period] | None = None) -> Criteria:
    lines = rule.period_lines() if periods is None else periods
    return Criteria(domain=parse_domain(rule.domain or []), periods=tuple(lines))


def rules_before(rule: FolderRule) -> list[FolderRule]:
    """Active rules of the same source and model that take precedence over `rule`."""
    candidates = (
        FolderRule.objects.filter(source_id=rule.source_id, model=rule.model, active=True)
        .exclude(pk=rule.pk)
        .select_related("parent")
        .prefetch_related("periods")
    )
    return [
        other
        for other in candidates
        if (other.sequence, other.pk) < (rule.sequence, rule.pk) and effectively_active(other)
    ]


@dataclass
class RulePlan:
    rule: FolderRule
    source: SqlRecordSource
    model: Model
    include: Criteria
    exclude: tuple[Criteria, ...]
    fields: tuple[str, ...]
    parent_key_index: int | None
    template: NameTemplate | None
    template_indexes: dict[str, int]
    config_hash: str

    @classmethod
    def build(cls, rule: FolderRule, source: SqlRecordSource) -> RulePlan:
        model = source.schema()[rule.model]
        model.require_key()
        periods = rule.period_lines()
        include = rule_criteria(rule, periods)
        before = rules_before(rule)
        exclude = tuple(rule_criteria(other) for other in before)
        fields: list[str] = [DISPLAY_NAME]
        parent_key_index = None
        if rule.parent_id is not None:
            fields.append(rule.parent_field)
            parent_key_index = len(fields)
        template = NameTemplate.parse(rule.name_template) if rule.name_template.strip() else None
        template_indexes: dict[str, int] = {}
        if template is not None:
            for path in template.paths:
                steps = source.schema().resolve(rule.model, path)
                fetch = (
                    f"{path}.{DISPLAY_NAME}" if steps[-1][1].type is FieldType.MANY2ONE else path
                )
                fields.append(fetch)
                template_indexes[path] = len(fields)
        signature = {
            "source": [rule.source.url, rule.source.display_names, rule.source.change_columns],
            "model": rule.model,
            "domain": to_json(include.domain),
            "periods": [period.as_dict() for period in periods],
            "template": rule.name_template,
            "parent": [rule.parent_id, rule.parent_field],
            "ancestors": [ancestor.pk for ancestor in rule.ancestors()],
            "before": [
                [
                    other.pk,
                    to_json(rule_criteria(other).domain),
                    [p.as_dict() for p in other.period_lines()],
                ]
                for other in before
            ],
        }
        config_hash = hashlib.sha256(
            json.dumps(signature, sort_keys=True, default=str).encode()
        ).hexdigest()
        return cls(
            rule=rule,
            source=source,
            model=model,
            include=include,
            exclude=exclude,
            fields=tuple(fields),
            parent_key_index=parent_key_index,
            template=template,
            template_indexes=template_indexes,
            config_hash=config_hash,
        )

    def owned(self, today: dt.date, **kwargs: Any) -> RecordQuery:
        """The query for records this rule owns, reading what naming and placement need."""
        return RecordQuery(
            self.rule.model,
            include=self.include,
            exclude=self.exclude,
            fields=self.fields,
            today=today,
            **kwargs,
        )

    def period_ranges(self, today: dt.date) -> list[str]:
        return [str(period.range_on(today)) for period in self.include.periods]

    def name_of(self, row: Row) -> str:
        """The folder name for a row of `owned()`: the template's result, else the display
        name, else the key; sanitised and at most 100 characters."""
        if self.template is not None:
            values = {path: row[index] for path, index in self.template_indexes.items()}
            try:
                name = sanitize_folder_name(self.template.render(values))
            except TemplateError:
                name = ""  # the spec: a template that fails falls back to the display name
            if name:
                return name
        display = row[1]
        name = sanitize_folder_name("" if display is None else str(display))
        return name or sanitize_folder_name(str(row[0]))

    def parent_key_of(self, row: Row) -> Any:
        return None if self.parent_key_index is None else row[self.parent_key_index]
