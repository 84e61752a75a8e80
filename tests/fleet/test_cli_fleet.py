"""`archivist fleet …` against the Odoo test server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result
from django.contrib.auth.models import User

from archivist.cli import main
from archivist.fleet.models import Database, FleetSettings
from tests.fleet.helpers import odoo_database
from tests.peers.odoo import database_entry

pytestmark = pytest.mark.django_db


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def fails(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, (result.output, result.exception)
    return result.stderr.strip().removeprefix("Error: ")


def test_add_sync_list_and_connect(odoo_peer):
    site = odoo_peer.add_site("acme", profile="17.2")
    site.add_database("prod", login="admin@acme.example", api_key="cli-key")
    ok(
        "fleet", "add", "Acme", "--hosting", "premise", "--url", site.url,
        "--database", "prod", "--login", "admin@acme.example", "--api-key-env", "ACME_KEY",
        "--tag", "Retail",
        env={"ACME_KEY": "cli-key"},
    )  # fmt: skip
    assert "Acme: ok" in ok("fleet", "sync", "Acme")
    listed = json.loads(ok("fleet", "list", "--json"))
    assert [(row["name"], row["version"], row["tags"]) for row in listed] == [
        ("Acme", "saas~17.2", ["Retail"])
    ]
    assert "cli-key" not in ok("fleet", "list", "--json") + ok("fleet", "list")
    assert ok("fleet", "connect-url", "Acme").strip() == f"{site.url}/odoo"
    assert fails("fleet", "sync", "Nope") == "no database called 'Nope'"
    assert "give database names" in run("fleet", "sync").output


def test_a_failing_sync_exits_with_the_reason(odoo_peer):
    database, _ = odoo_database(odoo_peer, "acme")
    Database.objects.filter(pk=database.pk).update(api_login="")
    result = run("fleet", "sync", "--all")
    assert result.exit_code == 1
    assert "We are missing the database name, the api login or the api key" in result.output


def test_list_as_a_user_shows_only_their_databases(odoo_peer, people):
    odoo_database(odoo_peer, "acme")
    odoo_database(odoo_peer, "other", users=[])
    ok("fleet", "sync", "--all")
    assert [row["name"] for row in json.loads(ok("fleet", "list", "--json", "--as", "jane"))] == [
        "acme"
    ]
    assert json.loads(ok("fleet", "list", "--json", "--as", "sam")) == []


def test_invite_and_remove_everywhere(odoo_peer):
    User.objects.create_user("ann", email="ann@firm.example")
    _, one = odoo_database(odoo_peer, "one")
    _, two = odoo_database(odoo_peer, "two", profile="18.0")
    output = ok("fleet", "invite", "--database", "one", "--database", "two", "--user", "ann")
    assert "one: ok" in output and "two: ok" in output
    assert one.databases["one"].user_by_login("ann@firm.example").active
    output = ok("fleet", "remove", "--login", "ann@firm.example", "--everywhere")
    assert "one: ok" in output and "two: ok" in output
    assert two.databases["two"].user_by_login("ann@firm.example").active is False


def test_discover_saves_the_credentials_and_pulls(odoo_peer):
    odoo_peer.odoo_com.set_account(
        login="me@firm.example",
        api_key="ocom",
        databases=[
            database_entry("fresh", f"{odoo_peer.base_url}/fresh", "me@firm.example", "18.0")
        ],
    )
    output = ok(
        "fleet", "discover", "--login", "me@firm.example", "--api-key-env", "OCOM",
        "--odoo-com-url", f"{odoo_peer.base_url}/odoo.com",
        env={"OCOM": "ocom"},
    )  # fmt: skip
    assert "fresh" in output and "created" in output
    assert FleetSettings.load().odoo_com_login == "me@firm.example"
    FleetSettings.objects.update(odoo_com_api_key_encrypted="")
    assert "odoo_com_api_key" in fails("fleet", "discover")
