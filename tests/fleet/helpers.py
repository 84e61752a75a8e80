"""Fleet test helpers (shared with tests/api/test_fleet_api.py): databases on the Odoo
protocol test server registered in Archivist, people in each fleet group, short timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, User

from archivist.fleet.models import Database, Hosting
from archivist.fleet.services.access import DATABASES_ADMINISTRATOR, DATABASES_USER
from archivist.fleet.services.databases import new_database, save_database
from tests.peers.odoo import RemoteUser as PeerUser

KPIS = [
    {"id": "documents.inbox", "name": "Inbox", "type": "integer", "value": 7},
    {"id": "account_journal_type.bank", "name": "Bank", "type": "integer", "value": 12},
    {"id": "account_journal_type.sale", "name": "Sales", "type": "integer", "value": 3},
    {
        "id": "account_return.be_vat",
        "name": "Tax Report",
        "type": "return_status",
        "value": "to_do",
    },
    {
        "id": "account_return.be_ec",
        "name": "EC Sales List",
        "type": "return_status",
        "value": "late",
    },
]


def quick_timeouts(settings: Any) -> None:
    """Timeouts short enough for fault tests, long enough for a loaded 2-core machine (tests
    of a hanging database shorten them further); background runs are run by the test."""
    settings.FLEET_CALL_TIMEOUT = 5.0
    settings.FLEET_DATABASE_TIMEOUT = 10.0
    settings.FLEET_RUNS_IN_THREAD = False


def remote_users() -> list[Any]:
    return [
        PeerUser(login="jane@firm.example", name="Jane Doe", login_date="2026-11-20 08:00:00"),
        PeerUser(login="bob@client.example", name="Bob", login_date=None),
        PeerUser(login="portal@client.example", name="Portal", share=True),
    ]


def odoo_database(
    peer: Any,
    name: str,
    *,
    profile: str = "19.0",
    hosting: str = Hosting.PREMISE,
    users: list[Any] | None = None,
    kpis: list[dict[str, Any]] | None = None,
    key: str = "",
    **fields: Any,
) -> tuple[Database, Any]:
    """A site `name` with one database `name` on the peer, and its Database here."""
    site = peer.add_site(name, profile=profile)
    key = key or f"key-{name}"
    site.add_database(
        name,
        login=f"admin@{name}.example",
        api_key=key,
        users=remote_users() if users is None else users,
        kpis=KPIS if kpis is None else kpis,
    )
    database = new_database(
        name=name,
        hosting=hosting,
        url=site.url,
        database_name=name,
        api_login=f"admin@{name}.example",
        **fields,
    )
    save_database(database, api_key=key)
    return database, site


@dataclass
class People:
    admin: User
    consultant: User
    outsider: User
    stranger: User


def person(username: str, email: str, *groups: str, staff: bool = False) -> User:
    user = User.objects.create_user(username, email=email, is_staff=staff)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_people() -> People:
    """admin: Databases Administrator; consultant: Databases User, jane@firm.example (a user
    of the databases `odoo_database` makes); outsider: Databases User with no account;
    stranger: in no fleet group."""
    return People(
        admin=person("boss", "boss@firm.example", DATABASES_ADMINISTRATOR, staff=True),
        consultant=person("jane", "jane@firm.example", DATABASES_USER, staff=True),
        outsider=person("otto", "otto@firm.example", DATABASES_USER, staff=True),
        stranger=person("sam", "sam@firm.example", staff=True),
    )
