"""`archivist demo`: the demo business database, registered as source "demo", with its rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archivist.documents.demo.database import create_demo_database
from archivist.documents.models import FolderRule, Source
from archivist.documents.services import rules_io

DEMO_SOURCE = "demo"


class DemoExists(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoResult:
    path: Path
    rows: int
    rules: int


def demo_rules_text() -> str:
    return resources.files("archivist.documents.demo").joinpath("rules.yaml").read_text()


def create_demo(today: dt.date | None = None) -> DemoResult:
    """Creates the demo database file, registers it as source "demo" and imports the demo
    rules. Refuses (DemoExists) when the source or the file already exists."""
    if Source.objects.filter(name=DEMO_SOURCE).exists():
        raise DemoExists(f"source {DEMO_SOURCE!r} already exists")
    path = Path(settings.SOURCES_ROOT) / "demo.sqlite3"
    if path.exists():
        raise DemoExists(f"{path} already exists; move it away to create the demo again")
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = create_demo_database(f"sqlite:///{path}", today or timezone.localdate())
    with transaction.atomic():
        Source.objects.create(name=DEMO_SOURCE, url=f"sqlite:///{path}")
        rules = rules_io.import_rules(rules_io.load(demo_rules_text()))
    return DemoResult(path=path, rows=sum(counts.values()), rules=len(rules))


def demo_present() -> bool:
    return FolderRule.objects.filter(source__name=DEMO_SOURCE).exists()
