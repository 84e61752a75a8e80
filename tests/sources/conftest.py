"""Databases for the record-source tests: the same tests run on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from archivist.sources.sql import SqlRecordSource
from tests.peers import databases
from tests.sources.shop import create_shop

BACKENDS = ["sqlite", "postgresql", "mariadb"]


@contextmanager
def database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, build: Callable[[str], None]
) -> Iterator[str]:
    """A fresh database of kind `backend` filled by `build(url)`; dropped afterwards. Skips when
    the server is not reachable."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(backend) / 'source.sqlite3'}"
        build(url)
        yield url
        return
    server = databases.postgres() if backend == "postgresql" else databases.mariadb()
    if server.url is None:
        pytest.skip(server.unavailable)
    with databases.fresh_database(server) as url:
        build(url)
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The kind of database a module's tests run on: each of them, in turn."""
    kind: str = request.param
    return kind


@pytest.fixture(scope="module")
def shop_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shop database (tests/sources/shop.py) on each kind of database; shared by a module's
    tests, which only read it."""
    with database(backend, tmp_path_factory, create_shop) as url:
        yield url


@pytest.fixture(scope="module")
def shop(shop_url: str) -> Iterator[SqlRecordSource]:
    source = SqlRecordSource(shop_url, name="shop")
    yield source
    source.close()
