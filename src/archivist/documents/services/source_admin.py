"""Adding and describing record sources (CLI and admin share these)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from archivist.documents.models import Source
from archivist.documents.services.sources import open_source
from archivist.sources.errors import SourceError


def add_source(
    name: str, url: str, display: dict[str, str], change_columns: dict[str, str]
) -> tuple[Source, int]:
    """Registers a source after reading its schema; returns it and its number of models."""
    if Source.objects.filter(name=name).exists():
        raise ValidationError({"name": f"a source named {name!r} already exists"})
    source = Source(name=name, url=url, display_names=display, change_columns=change_columns)
    source.full_clean()
    models = len(open_source(source).schema())
    with transaction.atomic():
        source.save()
    return source, models


def describe_sources() -> list[dict[str, Any]]:
    described = []
    for source in Source.objects.all():
        item: dict[str, Any] = {
            "name": source.name,
            "url": source.safe_url,
            "active": source.active,
            "rules": source.rules.count(),
            "models": None,
            "error": None,
        }
        try:
            item["models"] = len(open_source(source).schema())
        except SourceError as error:
            item["error"] = str(error)
        described.append(item)
    return described
