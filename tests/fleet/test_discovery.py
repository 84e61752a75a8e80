"""Pulling databases from Odoo.com (the fake Odoo.com of the test server, database openerp)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from archivist.fleet.models import Database, FleetSettings, Hosting
from archivist.fleet.odoo import InvalidApiKey
from archivist.fleet.services.databases import new_database, save_database, set_odoo_com_credentials
from archivist.fleet.services.discovery import LEFT_AS_IS, daily_discovery, discover
from tests.peers.odoo import database_entry

pytestmark = pytest.mark.django_db


def listed(peer, name: str, version: str = "18.0+e") -> dict[str, str]:
    return database_entry(name, f"{peer.base_url}/{name}", "me@firm.example", version)


@pytest.fixture
def account(odoo_peer):
    odoo_peer.odoo_com.set_account(
        login="me@firm.example",
        api_key="odoo-com-key",
        databases=[
            listed(odoo_peer, "fresh"),
            listed(odoo_peer, "known", "saas~18.4+e"),
            listed(odoo_peer, "onprem"),
        ],
    )
    set_odoo_com_credentials(
        login="me@firm.example", key="odoo-com-key", url=f"{odoo_peer.base_url}/odoo.com"
    )
    return odoo_peer


def test_discovery_creates_updates_and_leaves_configured_databases_alone(account):
    settings = FleetSettings.load()
    settings.fetch_tax_returns = False  # the template of new databases
    settings.save()
    base = account.base_url
    known = save_database(
        new_database(
            name="known",
            hosting=Hosting.SAAS,
            url=f"{base}/known",
            database_name="known",
            version="17.0",
            api_login="old@firm.example",
        )
    )
    onprem = save_database(
        new_database(
            name="Client on premise",
            hosting=Hosting.PREMISE,
            url=f"{base}/onprem",
            database_name="prod",
            version="16.0",
            api_login="admin@client.example",
        ),
        api_key="their-key",
    )
    results = {result.name: result for result in discover()}
    assert results["fresh"].action == "created"
    fresh = Database.objects.get(pk=results["fresh"].database_id)
    assert (fresh.hosting, fresh.url, fresh.database_name, fresh.version, fresh.api_login) == (
        Hosting.SAAS,
        f"{base}/fresh",
        "fresh",
        "18.0+e",
        "me@firm.example",
    )
    assert fresh.fetch_tax_returns is False and fresh.fetch_documents is True
    assert results["known"].action == "updated"
    known.refresh_from_db()
    assert (known.version, known.api_login) == ("saas~18.4+e", "me@firm.example")
    assert (results["onprem"].action, results["onprem"].message) == ("left", LEFT_AS_IS)
    onprem.refresh_from_db()
    assert (onprem.hosting, onprem.database_name, onprem.version, onprem.api_login) == (
        Hosting.PREMISE,
        "prod",
        "16.0",
        "admin@client.example",
    )
    again = {result.name: result.action for result in discover()}
    assert again == {"fresh": "unchanged", "known": "unchanged", "onprem": "left"}


def test_a_wrong_odoo_com_key_is_reported_as_invalid_apikey(account):
    set_odoo_com_credentials(key="not-the-key")
    with pytest.raises(InvalidApiKey, match="Invalid apikey"):
        discover()
    assert not Database.objects.exists()


def test_discovery_needs_the_credentials(db):
    with pytest.raises(ValidationError) as raised:
        discover()
    assert set(raised.value.message_dict) == {"odoo_com_login", "odoo_com_api_key"}


def test_the_daily_pull_runs_once_a_day_and_only_with_credentials(account):
    assert daily_discovery() == {"created": 3}
    assert daily_discovery() is None
