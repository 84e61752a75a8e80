"""Fleet fixtures: the Odoo protocol test server (real HTTP on 127.0.0.1, reset per test),
people in each fleet group, and short timeouts so fault tests are quick."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fleet.helpers import People, make_people, quick_timeouts
from tests.peers.odoo import odoo_peer  # noqa: F401  (the session server fixture)


@pytest.fixture(autouse=True)
def _quick_timeouts(settings: Any) -> None:
    quick_timeouts(settings)


@pytest.fixture
def people(db: None) -> People:
    return make_people()
