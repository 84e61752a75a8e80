"""Checking a folder rule against its source before it is saved.

Every problem is reported on the field it concerns, with a sentence saying what is wrong:
an unknown model, a parent field that does not lead to the parent rule's model, a filter on a
field that does not exist, a template that does not parse, a period on a text field.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone

from archivist.documents.models import FolderRule
from archivist.documents.services.sources import open_source
from archivist.sources.base import Criteria, RecordQuery
from archivist.sources.domain import parse_domain
from archivist.sources.errors import PeriodError, SourceError, SourceUnavailable
from archivist.sources.names import NameTemplate
from archivist.sources.periods import Period
from archivist.sources.schema import DISPLAY_NAME, X2MANY, FieldType, Schema


def check_rule(rule: FolderRule, periods: Sequence[Period] | None = None) -> None:
    """Raises ValidationError naming each field that is wrong. `periods` defaults to the saved
    period lines of the rule."""
    errors: dict[str, str] = {}
    if rule.parent_id is not None:
        _check_parent_chain(rule, errors)
    if rule.source_id is None:
        raise ValidationError({"source": "choose the source whose records get folders"})
    try:
        schema = open_source(rule.source).schema()
    except SourceUnavailable as error:
        raise ValidationError({"source": str(error)}) from None
    except SourceError as error:
        raise ValidationError({"source": f"source configuration: {error}"}) from None
    if rule.model not in schema:
        raise ValidationError({"model": f"source {rule.source.name} has no model {rule.model!r}"})
    model = schema[rule.model]
    if model.primary_key is None:
        raise ValidationError(
            {"model": f"{rule.model} has no single-column primary key, so it cannot get folders"}
        )
    if rule.parent_id is not None and "parent" not in errors:
        _check_parent_field(rule, schema, errors)
    elif rule.parent_field:
        errors["parent_field"] = "a parent field needs a parent rule"
    if periods is None:
        periods = rule.period_lines() if rule.pk else []
    try:
        criteria = Criteria(
            domain=parse_domain(rule.domain or [], "filter"), periods=tuple(periods)
        )
        query = RecordQuery(rule.model, include=criteria, today=timezone.localdate())
        open_source(rule.source).compile(query)
    except PeriodError as error:
        errors["periods"] = str(error)
    except SourceError as error:
        errors["domain"] = str(error)
    if rule.name_template.strip():
        _check_template(rule, schema, errors)
    if rule.restrict_monitoring and not rule.restrict_hours:
        errors["restrict_hours"] = "set how many hours to wait between two checks"
    if errors:
        raise ValidationError(errors)


def _check_parent_chain(rule: FolderRule, errors: dict[str, str]) -> None:
    parent = rule.parent
    assert parent is not None
    if rule.pk is not None and (parent.pk == rule.pk or rule in parent.ancestors()):
        errors["parent"] = "a rule cannot be its own parent or ancestor"
    elif parent.source_id != rule.source_id:
        errors["parent"] = "the parent rule reads another source"
    if not rule.parent_field:
        errors["parent_field"] = "choose the many2one field leading to the parent rule's model"


def _check_parent_field(rule: FolderRule, schema: Schema, errors: dict[str, str]) -> None:
    parent = rule.parent
    assert parent is not None
    try:
        steps = schema.resolve(rule.model, rule.parent_field)
    except SourceError as error:
        errors["parent_field"] = str(error)
        return
    if any(step.type is not FieldType.MANY2ONE for _, step in steps):
        errors["parent_field"] = f"{rule.parent_field}: every step must be a many2one field"
    elif steps[-1][1].relation != parent.model:
        errors["parent_field"] = (
            f"{rule.parent_field} leads to {steps[-1][1].relation}, "
            f"but the parent rule's model is {parent.model}"
        )


def _check_template(rule: FolderRule, schema: Schema, errors: dict[str, str]) -> None:
    try:
        template = NameTemplate.parse(rule.name_template)
        for path in template.paths:
            steps = schema.resolve(rule.model, path)
            if any(step.type in X2MANY for _, step in steps):
                raise SourceError(f"{path}: one2many and many2many fields cannot be named")
            if steps[-1][1].name == DISPLAY_NAME:
                continue
    except SourceError as error:
        errors["name_template"] = str(error)


def check_periods(rule: FolderRule, periods: Sequence[Period]) -> None:
    """Raises ValidationError when a period line's field is not a date of the rule's model."""
    try:
        query = RecordQuery(
            rule.model, include=Criteria(periods=tuple(periods)), today=timezone.localdate()
        )
        open_source(rule.source).compile(query)
    except SourceError as error:
        raise ValidationError(str(error)) from None
