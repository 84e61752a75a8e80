"""The Odoo client against the in-repo Odoo test server, over HTTP on 127.0.0.1.

Every profile's version, JSON-2 with its headers, the fallback to XML-RPC (404 and 3xx), each
error class with its message, users, invitations, deactivation, uuid and Odoo.com's listing.
Fault tests use short timeouts (0.5 s) so the module stays fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from archivist.fleet.odoo import (
    AccessDenied,
    Credentials,
    FetchSettings,
    InvalidApiKey,
    MissingCredentials,
    NotOdoo,
    OdooClient,
    OdooComDatabase,
    RemoteError,
    Timeout,
    UnknownModel,
    Unreachable,
    fetch_snapshot,
    list_odoo_com_databases,
    new_session,
    run,
)
from tests.peers.odoo import (
    Fault,
    OdooPeer,
    OdooSite,
    odoo_peer,  # noqa: F401 — the fixture
)
from tests.peers.odoo import RemoteUser as PeerUser

T = TypeVar("T")

LOGIN = "admin@acme.example"
KEY = "k-123"
FAST = 0.5  # seconds: the per-call timeout of the fault tests
KPIS = [
    {"id": "documents.inbox", "name": "Inbox", "type": "integer", "value": 7},
    {"id": "account_journal_type.bank", "name": "Bank", "type": "integer", "value": 12},
    {"id": "account_journal_type.sale", "name": "Sales", "type": "integer", "value": 3},
    {
        "id": "account_return.l10n_be_vat",
        "name": "Tax Report",
        "type": "return_status",
        "value": "to_do",
    },
    {"id": "mail_activity_type.todo", "name": "To-Do", "type": "integer", "value": 4},
]
PROFILES = ["16.0", "17.0", "17.2", "18.0", "19.0", "saas~19.1+e"]
JSON2_PROFILES = {"19.0", "saas~19.1+e"}


def with_client(
    site: OdooSite,
    use: Callable[[OdooClient], Awaitable[T]],
    *,
    database: str = "acme-prod",
    login: str = LOGIN,
    key: str = KEY,
    timeout: float = 5.0,
) -> T:
    """Runs `use(client)` with a client on `site`'s database and a fresh session."""

    async def main() -> T:
        async with new_session(timeout=timeout) as session:
            client = OdooClient(
                Credentials(site.url, database, login, key), session=session, timeout=timeout
            )
            return await use(client)

    return run(main())


def make_site(
    peer: OdooPeer, profile: str = "19.0", name: str = "acme", **database: Any
) -> OdooSite:
    site = peer.add_site(name, profile=profile)
    site.add_database(
        "acme-prod",
        login=LOGIN,
        api_key=KEY,
        users=database.pop(
            "users",
            [
                PeerUser(login="jane@firm.example", name="Jane", login_date="2026-11-20 08:00:00"),
                PeerUser(login="bob@firm.example", name="Bob"),
                PeerUser(login="portal@client.example", name="Portal", share=True),
                PeerUser(login="old@firm.example", name="Old", active=False),
            ],
        ),
        kpis=database.pop("kpis", KPIS),
        uuid=database.pop("uuid", "3f0c0000-0000-4000-8000-000000000001"),
        **database,
    )
    return site


@pytest.fixture
def peer(odoo_peer: OdooPeer) -> OdooPeer:  # noqa: F811 — the imported fixture
    return odoo_peer


# -- version ---------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_version_of_every_profile(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    version = with_client(site, lambda client: client.version())
    expected = {
        "16.0": (16, 0, False, ""),
        "17.0": (17, 0, False, ""),
        "17.2": (17, 2, True, ""),
        "18.0": (18, 0, False, ""),
        "19.0": (19, 0, False, ""),
        "saas~19.1+e": (19, 1, True, "e"),
    }[profile]
    assert (version.major, version.minor, version.saas, version.edition) == expected
    assert version.web_path == ("/web" if profile in ("16.0", "17.0") else "/odoo")
    protocols = [request.protocol for request in site.requests]
    if profile in JSON2_PROFILES:
        assert protocols == ["version"]  # GET /json/version answered
    else:
        assert protocols == ["version", "jsonrpc"]  # 404, then /web/webclient/version_info


def test_version_falls_back_to_xmlrpc_common(peer: OdooPeer) -> None:
    site = make_site(peer, "17.0")
    site.fault = Fault("redirect", protocols={"version", "jsonrpc"})
    version = with_client(site, lambda client: client.version())
    assert version.raw == "17.0"
    assert [request.protocol for request in site.requests] == ["version", "jsonrpc", "xmlrpc"]


def test_known_version_skips_json2_on_old_servers(peer: OdooPeer) -> None:
    site = make_site(peer, "18.0")

    async def use(client: OdooClient) -> Any:
        await client.version()
        return await client.internal_users()

    with_client(site, use)
    assert "json2" not in [request.protocol for request in site.requests]


# -- JSON-2 and the fallback to XML-RPC --------------------------------------------------------


def test_json2_sends_bearer_key_and_database(peer: OdooPeer) -> None:
    site = make_site(peer, "19.0")
    site.add_database("other", login=LOGIN, api_key="k-other")  # the header must choose
    sent: list[httpx.Request] = []

    async def main() -> list[Any]:
        async with new_session() as session:
            session.event_hooks["request"].append(_record(sent))
            client = OdooClient(Credentials(site.url, "acme-prod", LOGIN, KEY), session=session)
            return await client.internal_users()

    users = run(main())
    assert {user.login for user in users} >= {"jane@firm.example"}
    (request,) = site.requests
    assert (request.protocol, request.db, request.model, request.method) == (
        "json2",
        "acme-prod",
        "res.users",
        "search_read",
    )
    (wire,) = sent
    assert wire.headers["authorization"] == f"bearer {KEY}"
    assert wire.headers["x-odoo-database"] == "acme-prod"
    assert wire.headers["content-type"].startswith("application/json")


def _record(sent: list[httpx.Request]) -> Callable[[httpx.Request], Awaitable[None]]:
    async def hook(request: httpx.Request) -> None:
        sent.append(request)

    return hook


@pytest.mark.parametrize(
    ("profile", "fault"),
    [
        ("17.0", None),  # /json/2 does not exist: a 404 page
        ("18.0", None),
        ("19.0", Fault("redirect", protocols={"json2"})),  # e.g. a website redirecting to login
        ("19.0", Fault("redirect", status=303, protocols={"json2"})),
    ],
)
def test_json2_404_or_3xx_falls_back_to_xmlrpc_once(
    peer: OdooPeer, profile: str, fault: Fault | None
) -> None:
    site = make_site(peer, profile)
    if fault is not None:
        site.fault = fault

    async def use(client: OdooClient) -> Any:
        first = await client.internal_users()
        await client.kpi_summary()
        await client.database_uuid()
        return client.protocol, first

    protocol, users = with_client(site, use)
    assert protocol == "xmlrpc"
    assert {user.login for user in users} == {LOGIN, "jane@firm.example", "bob@firm.example"}
    calls = [(request.protocol, request.method) for request in site.requests]
    assert calls == [
        ("json2", "search_read"),  # tried once
        ("xmlrpc", "authenticate"),  # once per client
        ("xmlrpc", "search_read"),
        ("xmlrpc", "get_kpi_summary"),
        ("xmlrpc", "get_param"),
    ]


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["url", "database", "login", "api_key"])
def test_missing_credentials_before_any_request(peer: OdooPeer, empty: str) -> None:
    site = make_site(peer)
    values = {"url": site.url, "database": "acme-prod", "login": LOGIN, "api_key": KEY}
    values[empty] = "  " if empty == "login" else ""

    async def main() -> None:
        async with new_session() as session:
            OdooClient(Credentials(**values), session=session)

    with pytest.raises(MissingCredentials) as caught:
        run(main())
    assert caught.value.message == (
        "We are missing the database name, the api login or the api key"
    )
    label = {"url": "URL", "database": "database name", "login": "API login"}.get(empty, "API key")
    assert caught.value.detail == f"empty: {label}"
    assert site.requests == []


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_bad_key_is_invalid_apikey_on_both_protocols(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    with pytest.raises(InvalidApiKey) as caught:
        with_client(site, lambda client: client.internal_users(), key="wrong")
    assert str(caught.value) == "Invalid apikey"
    assert site.requests[-1].protocol == ("json2" if profile == "19.0" else "xmlrpc")


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_unknown_database_is_named(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    with pytest.raises(RemoteError) as caught:
        with_client(site, lambda client: client.internal_users(), database="nope")
    assert caught.value.message == "No database named 'nope' on this server"
    assert 'database "nope" does not exist' in caught.value.detail


def test_hang_is_timeout(peer: OdooPeer) -> None:
    site = make_site(peer)
    site.fault = Fault("hang")
    with pytest.raises(Timeout) as caught:
        with_client(site, lambda client: client.version(), timeout=FAST)
    assert caught.value.message == "Timeout"
    assert caught.value.detail == f"{site.url} did not answer within 0.5 s"


def test_reset_is_unreachable(peer: OdooPeer) -> None:
    site = make_site(peer)
    site.fault = Fault("reset")
    with pytest.raises(Unreachable) as caught:
        with_client(site, lambda client: client.version(), timeout=FAST)
    assert caught.value.message == f"Cannot reach {site.url}: the connection was reset"
    assert isinstance(caught.value.cause, httpx.ReadError)


def test_closed_port_is_unreachable(peer: OdooPeer) -> None:
    site = make_site(peer)
    url = "http://127.0.0.1:9"  # discard: nothing listens there

    async def main() -> None:
        async with new_session() as session:
            await OdooClient(Credentials(url, "db", LOGIN, KEY), session=session).version()

    with pytest.raises(Unreachable) as caught:
        run(main())
    assert caught.value.message == f"Cannot reach {url}: connection refused"
    assert caught.value.cause is not None
    assert site.requests == []


def test_html500_is_not_odoo(peer: OdooPeer) -> None:
    site = make_site(peer)
    site.fault = Fault("html500", status=502)
    with pytest.raises(NotOdoo) as caught:
        with_client(site, lambda client: client.internal_users(), timeout=FAST)
    assert caught.value.message == (
        f"Not an Odoo answer from {site.url}/json/2/res.users/search_read (HTTP 502)"
    )


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_missing_right_is_access_denied(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    database = site.databases["acme-prod"]
    database.user_by_login(LOGIN).admin = False
    with pytest.raises(AccessDenied) as caught:
        with_client(site, lambda client: client.database_uuid())
    assert caught.value.message == (
        "Access denied: You are not allowed to access 'System Parameter' (ir.config_parameter) "
        "records. This operation is allowed for the following groups: - Role / Administrator "
        "Contact your administrator to request access if necessary."
    )


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_other_odoo_errors_are_remote_errors(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    with pytest.raises(RemoteError) as caught:
        with_client(
            site,
            lambda client: client.call("res.users", "search_read", domain=[["nope", "=", 1]]),
        )
    assert caught.value.message.startswith("ValueError: Invalid field")
    assert "Traceback" not in caught.value.message


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_self_deactivation_is_a_user_error(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    with pytest.raises(RemoteError) as caught:
        with_client(site, lambda client: client.deactivate([LOGIN]))
    assert caught.value.message == (
        "UserError: You cannot deactivate the user you're currently logged in as."
    )
    assert site.databases["acme-prod"].user_by_login(LOGIN).active


def test_positional_arguments_are_refused(peer: OdooPeer) -> None:
    site = make_site(peer)
    with pytest.raises(TypeError, match="by name only"):
        with_client(site, lambda client: client.call("res.users", "search", [[]]))
    assert site.requests == []


# -- KPIs and snapshots --------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_kpi_summary(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    kpis = with_client(site, lambda client: client.kpi_summary())
    assert kpis is not None
    assert [(kpi.id, kpi.type, kpi.value) for kpi in kpis] == [
        (kpi["id"], kpi["type"], kpi["value"]) for kpi in KPIS
    ]


@pytest.mark.parametrize("profile", ["16.0", "19.0"])
def test_missing_kpi_provider(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile, kpi_provider=False)

    async def use(client: OdooClient) -> Any:
        kpis = await client.kpi_summary()
        snapshot = await fetch_snapshot(client, FetchSettings())
        with pytest.raises(UnknownModel):
            await client.call("kpi.provider", "get_kpi_summary")
        return kpis, snapshot

    kpis, snapshot = with_client(site, use)
    assert kpis is None
    assert snapshot.kpis == []
    assert snapshot.documents is None
    assert snapshot.notes == [
        "This database has no kpi.provider (Odoo before 16): KPIs were not read"
    ]
    assert {user.login for user in snapshot.users} == {
        LOGIN,
        "jane@firm.example",
        "bob@firm.example",
    }
    assert snapshot.version.major == int(profile[:2])


@pytest.mark.parametrize(
    ("fetch", "kept", "documents"),
    [
        (
            FetchSettings(),
            [
                "account_journal_type.bank",
                "account_journal_type.sale",
                "account_return.l10n_be_vat",
            ],
            7,
        ),
        (FetchSettings(documents=False), None, None),
        (FetchSettings(draft_entries=False), ["account_return.l10n_be_vat"], 7),
        (
            FetchSettings(tax_returns=False),
            ["account_journal_type.bank", "account_journal_type.sale"],
            7,
        ),
    ],
)
def test_snapshot_keeps_what_settings_ask(
    peer: OdooPeer, fetch: FetchSettings, kept: list[str] | None, documents: int | None
) -> None:
    site = make_site(peer, "saas~19.1+e")
    snapshot = with_client(site, lambda client: fetch_snapshot(client, fetch))
    default = [
        "account_journal_type.bank",
        "account_journal_type.sale",
        "account_return.l10n_be_vat",
    ]
    assert [kpi.id for kpi in snapshot.kpis] == (default if kept is None else kept)
    assert snapshot.documents == documents
    assert snapshot.version.raw == "saas~19.1+e"
    assert snapshot.uuid == "3f0c0000-0000-4000-8000-000000000001"
    assert snapshot.notes == []


def test_snapshot_notes_odd_kpis_and_unreadable_uuid(peer: OdooPeer) -> None:
    odd = {"id": "x.y", "name": "Odd", "type": "return_status", "value": "maybe"}
    site = make_site(peer, "19.0", kpis=[*KPIS, odd])
    site.databases["acme-prod"].user_by_login(LOGIN).admin = False
    snapshot = with_client(site, lambda client: fetch_snapshot(client, FetchSettings()))
    assert snapshot.uuid is None
    assert len(snapshot.notes) == 2
    assert snapshot.notes[0].startswith("A KPI of an unknown shape was left out: {'id': 'x.y'")
    assert snapshot.notes[1].startswith(
        "The API user may not read the database's uuid: Access denied: You are not allowed"
    )


# -- users -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_internal_users(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    users = {user.login: user for user in with_client(site, lambda c: c.internal_users())}
    assert set(users) == {LOGIN, "jane@firm.example", "bob@firm.example"}  # no share, no inactive
    jane = users["jane@firm.example"]
    assert jane.last_login == dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    assert (jane.name, jane.email) == ("Jane", "jane@firm.example")
    assert users["bob@firm.example"].last_login is None  # Odoo sends False


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_invite_passes_no_reset_password(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    with_client(site, lambda client: client.invite(["new@firm.example", "old@firm.example"]))
    database = site.databases["acme-prod"]
    (call,) = database.web_create_users_calls
    assert call.emails == ["new@firm.example", "old@firm.example"]
    assert call.context.get("no_reset_password") is True
    new = database.user_by_login("new@firm.example")
    assert new is not None and new.active and not new.invitation_sent
    assert database.user_by_login("old@firm.example").active  # reactivated


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_deactivate_sets_active_false_and_never_deletes(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    database = site.databases["acme-prod"]
    before = set(database.users)
    gone = with_client(
        site, lambda client: client.deactivate(["jane@firm.example", "nobody@firm.example"])
    )
    assert gone == ["jane@firm.example"]
    assert set(database.users) == before
    assert not database.user_by_login("jane@firm.example").active
    assert database.user_by_login("bob@firm.example").active
    assert not [request for request in site.requests if request.method == "unlink"]


def test_empty_invite_and_deactivate_send_nothing(peer: OdooPeer) -> None:
    site = make_site(peer)

    async def use(client: OdooClient) -> list[str]:
        await client.invite([])
        return await client.deactivate([])

    assert with_client(site, use) == []
    assert site.requests == []


@pytest.mark.parametrize("profile", ["17.0", "19.0"])
def test_database_uuid(peer: OdooPeer, profile: str) -> None:
    site = make_site(peer, profile)
    uuid = with_client(site, lambda client: client.database_uuid())
    assert uuid == "3f0c0000-0000-4000-8000-000000000001"


# -- Odoo.com -----------------------------------------------------------------------------------

LISTED = [
    {
        "name": "acme",
        "url": "https://acme.odoo.com",
        "login": "me@firm.example",
        "version": "18.0+e",
    },
    {"name": "beta", "url": "https://beta.odoo.com", "version": "saas~18.4+e"},
]


@pytest.mark.parametrize("protocol", ["json2", "xmlrpc"])
def test_odoo_com_listing(peer: OdooPeer, protocol: str) -> None:
    peer.odoo_com.set_account(login="me@firm.example", api_key="com-key", databases=LISTED)
    if protocol == "xmlrpc":
        peer.odoo_com.site.fault = Fault("redirect", protocols={"json2"})

    async def main() -> list[OdooComDatabase]:
        async with new_session() as session:
            return await list_odoo_com_databases(
                peer.odoo_com.url, "me@firm.example", "com-key", session=session
            )

    assert run(main()) == [
        OdooComDatabase("acme", "https://acme.odoo.com", "18.0+e", "me@firm.example"),
        OdooComDatabase("beta", "https://beta.odoo.com", "saas~18.4+e", "me@firm.example"),
    ]
    assert {request.db for request in peer.odoo_com.site.requests} == {"openerp"}


@pytest.mark.parametrize("protocol", ["json2", "xmlrpc"])
def test_odoo_com_bad_key(peer: OdooPeer, protocol: str) -> None:
    peer.odoo_com.set_account(login="me@firm.example", api_key="com-key", databases=LISTED)
    if protocol == "xmlrpc":
        peer.odoo_com.site.fault = Fault("redirect", protocols={"json2"})

    async def main() -> list[OdooComDatabase]:
        async with new_session() as session:
            return await list_odoo_com_databases(
                peer.odoo_com.url, "me@firm.example", "wrong", session=session
            )

    with pytest.raises(InvalidApiKey, match=r"^Invalid apikey$"):
        run(main())
