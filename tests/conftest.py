"""Shared fixtures: Archivist's own database (SQLite, or PostgreSQL with
`--archivist-db=postgresql`), an isolated blob folder, and the demo business database."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.peers import databases

DEMO_TODAY = dt.date(2026, 11, 2)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--archivist-db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="Archivist's own database for the tests (PostgreSQL: see tests/peers/databases.py).",
    )
    parser.addoption("--run-slow", action="store_true", help="Also run tests marked slow.")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    api = Path(__file__).parent / "api"
    for item in items:  # the API runs on both of Archivist's databases
        if api in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.archivist_db)
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"archivist database: {config.getoption('--archivist-db')}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if request.config.getoption("--archivist-db") == "postgresql":
        server = databases.postgres()
        if server.url is None:
            pytest.skip(server.unavailable)
        url = sa.engine.make_url(server.url)
        test = dict(database.get("TEST") or {})
        test["NAME"] = f"test_archivist_{uuid.uuid4().hex[:8]}"
        database.update(
            ENGINE="django.db.backends.postgresql",
            NAME="postgres",
            USER=url.username or "postgres",
            PASSWORD=url.password or "",
            HOST=url.host or "127.0.0.1",
            PORT=str(url.port or 5432),
            OPTIONS={},
            TEST=test,
        )
        from django.db import connections

        del connections["default"]  # made for SQLite; the next use builds a PostgreSQL one
    else:
        # A file, not memory: threads (overlapping runs) then share it, as in production.
        database.setdefault("TEST", {})["NAME"] = str(
            settings.HOME / f"test-{uuid.uuid4().hex[:8]}.sqlite3"
        )


@pytest.fixture(autouse=True)
def _blob_root(settings: Any, tmp_path: Path) -> None:
    settings.BLOB_ROOT = tmp_path / "blobs"
    settings.SOURCES_ROOT = tmp_path / "sources"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo business database, built once per session (tests work on copies)."""
    from archivist.documents.demo.database import create_demo_database

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    create_demo_database(f"sqlite:///{path}", DEMO_TODAY)
    return path


@dataclass
class Demo:
    """A private copy of the demo database registered as source "demo" with the demo rules."""

    path: Path
    source: Any

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def execute(self, sql: str, **params: Any) -> None:
        """Changes the business data (as the business application would)."""
        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            connection.execute(sa.text(sql), params)
        engine.dispose()

    def scalar(self, sql: str, **params: Any) -> Any:
        engine = sa.create_engine(self.url)
        with engine.connect() as connection:
            value = connection.execute(sa.text(sql), params).scalar()
        engine.dispose()
        return value


@pytest.fixture
def demo(db: None, demo_template: Path, tmp_path: Path) -> Demo:
    from archivist.documents.models import Source
    from archivist.documents.services import rules_io
    from archivist.documents.services.demo import demo_rules_text

    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    source = Source.objects.create(name="demo", url=f"sqlite:///{path}")
    rules_io.import_rules(rules_io.load(demo_rules_text()))
    return Demo(path, source)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (as a record source)."""
    server = databases.postgres()
    if server.url is None:
        pytest.skip(server.unavailable)
    with databases.fresh_database(server) as url:
        yield url


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A fresh, empty MariaDB database (as a record source)."""
    server = databases.mariadb()
    if server.url is None:
        pytest.skip(server.unavailable)
    with databases.fresh_database(server) as url:
        yield url
