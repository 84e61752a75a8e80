# ruff: noqa: F811 — test functions take the imported `odoo_peer` fixture by name
"""The Odoo protocol peer, driven as an Odoo client drives Odoo: httpx for JSON-2 and the version
endpoints, `xmlrpc.client.ServerProxy` for XML-RPC (research/odoo-protocol.md is the reference
for every expected shape)."""

from __future__ import annotations

import asyncio
import http.client
import threading
import time
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.peers.odoo import (
    PROFILES,
    Fault,
    OdooPeer,
    OdooSite,
    RemoteUser,
    database_entry,
    odoo_peer,  # noqa: F401 — the fixture
)

LOGIN = "admin@acme.example"
KEY = "k-123"
UUID = "3f0c0000-0000-4000-8000-000000000001"
KPIS: list[dict[str, Any]] = [
    {"id": "documents.inbox", "name": "Inbox", "type": "integer", "value": 7},
    {"id": "account_return.be_vat", "name": "Tax Report", "type": "return_status", "value": "late"},
]
ERROR_KEYS = ["name", "message", "arguments", "context", "debug"]
HTTP = httpx.Client(timeout=5.0)  # one client: making one loads the CA bundle (~0.2 s)


@pytest.fixture(scope="module", autouse=True)
def _close_http_client() -> Iterator[None]:
    yield
    HTTP.close()


class TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC with a socket timeout (ServerProxy has none), as research §5.1 advises."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection

    def request(self, host: Any, handler: str, request_body: Any, verbose: bool = False) -> Any:
        try:
            return super().request(host, handler, request_body, verbose)
        finally:
            self.close()  # one connection per call: no socket left for the garbage collector


def proxy(site: OdooSite, service: str, timeout: float = 5.0) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(
        f"{site.url}/xmlrpc/2/{service}", transport=TimeoutTransport(timeout)
    )


def make_site(
    peer: OdooPeer, profile: str = "19.0", name: str = "acme", **options: Any
) -> OdooSite:
    site = peer.add_site(name, profile=profile)
    site.add_database(
        "acme-prod",
        login=LOGIN,
        api_key=KEY,
        users=[
            RemoteUser(login=LOGIN, name="Admin", login_date="2026-11-20 08:00:00"),
            RemoteUser(login="jane@firm.example", name="Jane Doe"),
            RemoteUser(login="portal@client.example", name="Portal", share=True),
            RemoteUser(login="old@firm.example", name="Old", active=False),
        ],
        kpis=KPIS,
        uuid=UUID,
        **options,
    )
    return site


def json2(
    site: OdooSite,
    model: str,
    method: str,
    body: object = None,
    *,
    key: str | None = KEY,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> httpx.Response:
    sent = {"Authorization": f"bearer {key}"} if key is not None else {}
    return HTTP.post(
        f"{site.url}/json/2/{model}/{method}",
        json={} if body is None else body,
        headers=sent | (headers or {}),
        timeout=timeout,
    )


def execute(site: OdooSite, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    uid = proxy(site, "common").authenticate("acme-prod", LOGIN, KEY, {})
    return proxy(site, "object").execute_kw(
        "acme-prod", uid, KEY, model, method, list(args), kwargs
    )


def fault_of(site: OdooSite, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        execute(site, model, method, *args, **kwargs)
    return caught.value


# --- versions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", list(PROFILES))
def test_version_endpoints_of_each_profile(odoo_peer: OdooPeer, profile: str) -> None:
    site = make_site(odoo_peer, profile)
    expected = {
        "16.0": ("16.0", [16, 0, 0, "final", 0, ""], "16.0"),
        "17.0": ("17.0", [17, 0, 0, "final", 0, ""], "17.0"),
        "17.2": ("saas~17.2", ["saas~17", 2, 0, "final", 0, ""], "saas~17.2"),
        "18.0": ("18.0", [18, 0, 0, "final", 0, ""], "18.0"),
        "19.0": ("19.0", [19, 0, 0, "final", 0, ""], "19.0"),
        "saas~19.1+e": ("saas~19.1+e", ["saas~19", 1, 0, "final", 0, "e"], "saas~19.1"),
    }[profile]
    version, version_info, serie = expected
    common = {
        "server_version": version,
        "server_version_info": version_info,
        "server_serie": serie,
        "protocol_version": 1,
    }
    assert proxy(site, "common").version() == common
    envelope: dict[str, Any] = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": None}
    answer = HTTP.post(f"{site.url}/web/webclient/version_info", json=envelope)
    assert answer.json() == {"jsonrpc": "2.0", "id": None, "result": common}
    for path in ("/json/version", "/web/version"):
        plain = HTTP.get(f"{site.url}{path}")
        if PROFILES[profile].json2:
            assert plain.status_code == 200
            assert plain.headers["content-type"] == "application/json; charset=utf-8"
            assert plain.json() == {"version_info": version_info, "version": version}
        else:
            assert (plain.status_code, plain.headers["content-type"]) == (
                404,
                "text/html; charset=utf-8",
            )


@pytest.mark.parametrize("profile", ["16.0", "17.0", "17.2", "18.0"])
def test_json2_is_a_404_html_page_before_19(odoo_peer: OdooPeer, profile: str) -> None:
    site = make_site(odoo_peer, profile)
    answer = json2(site, "res.users", "search_read")
    assert (answer.status_code, answer.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert "Not Found" in answer.text
    assert execute(site, "res.users", "search", [["login", "=", LOGIN]]) == [2]


@pytest.mark.parametrize(
    ("profile", "odoo", "web"),
    [("17.0", 404, "/web/login?redirect=%2Fweb"), ("17.2", 303, "/odoo"), ("19.0", 303, "/odoo")],
)
def test_web_client_root_moves_to_odoo_in_17_2(
    odoo_peer: OdooPeer, profile: str, odoo: int, web: str
) -> None:
    site = make_site(odoo_peer, profile)
    answer = HTTP.get(f"{site.url}/odoo")
    assert answer.status_code == odoo
    if odoo == 303:
        assert answer.headers["location"] == f"{site.url}/web/login?redirect=%2Fodoo"
    assert HTTP.get(f"{site.url}/web").headers["location"] == f"{site.url}{web}"
    assert HTTP.get(f"{site.url}/web/login").status_code == 200


# --- JSON-2 -------------------------------------------------------------------------------------


def test_json2_search_read_kpis_and_uuid(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    domain = [["share", "=", False]]
    answer = json2(
        site, "res.users", "search_read", {"domain": domain, "fields": ["name", "login_date"]}
    )
    assert (answer.status_code, answer.headers["content-type"]) == (
        200,
        "application/json; charset=utf-8",
    )
    assert answer.json() == [
        {"id": 2, "name": "Admin", "login_date": "2026-11-20 08:00:00"},
        {"id": 3, "name": "Jane Doe", "login_date": False},
    ]
    assert json2(site, "kpi.provider", "get_kpi_summary").json() == KPIS
    assert json2(site, "ir.config_parameter", "get_param", {"key": "database.uuid"}).json() == UUID
    assert json2(site, "res.users", "search_count", {"domain": []}).json() == 3
    assert json2(site, "res.users", "read", {"ids": [5], "fields": ["login", "active"]}).json() == [
        {"id": 5, "login": "old@firm.example", "active": False}
    ]
    assert json2(site, "res.users", "context_get").json()["uid"] == 2
    assert HTTP.post(
        f"{site.url}/json/2/res.users/search_read",
        content=b"",
        headers={"Authorization": f"BEARER {KEY}"},
    ).json()  # an empty body is {} and the scheme is case-insensitive


@pytest.mark.parametrize(
    ("model", "method", "body", "status", "name", "message"),
    [
        (
            "res.users",
            "search",
            {},
            422,
            "werkzeug.exceptions.UnprocessableEntity",
            "missing a required argument: 'domain'",
        ),
        (
            "res.users",
            "search",
            {"domain": [], "foo": 1},
            422,
            "werkzeug.exceptions.UnprocessableEntity",
            "got an unexpected keyword argument 'foo'",
        ),
        (
            "kpi.provider",
            "get_kpi_summary",
            {"ids": [1]},
            422,
            "werkzeug.exceptions.UnprocessableEntity",
            "cannot call kpi.provider.get_kpi_summary with ids",
        ),
        (
            "x.y",
            "search",
            {},
            404,
            "werkzeug.exceptions.NotFound",
            "the model 'x.y' does not exist",
        ),
        (
            "res.users",
            "foo",
            {},
            404,
            "werkzeug.exceptions.NotFound",
            "The method 'res.users.foo' does not exist",
        ),
        (
            "res.users",
            "_foo",
            {},
            403,
            "odoo.exceptions.AccessError",
            "Private methods (such as 'res.users._foo') cannot be called remotely.",
        ),
        (
            "res.users",
            "search",
            {"domain": [["bad field", "=", "foo"]]},
            500,
            "builtins.ValueError",
            "Invalid field res.users.bad field in condition ('bad field', '=', 'foo')",
        ),
        (
            "res.users",
            "write",
            {"ids": [2], "vals": {"active": False}},
            422,
            "odoo.exceptions.UserError",
            "You cannot deactivate the user you're currently logged in as.",
        ),
        (
            "res.users",
            "write",
            {"ids": [1], "vals": {"active": True}},
            422,
            "odoo.exceptions.UserError",
            "You cannot activate the superuser.",
        ),
        (
            "res.users",
            "read",
            {"ids": [99]},
            404,
            "odoo.exceptions.MissingError",
            "Record does not exist or has been deleted.\n(Record: res.users(99,), User: 2)",
        ),
    ],
)
def test_json2_error_shapes(
    odoo_peer: OdooPeer, model: str, method: str, body: Any, status: int, name: str, message: str
) -> None:
    site = make_site(odoo_peer)
    answer = json2(site, model, method, body)
    assert (answer.status_code, answer.headers["content-type"]) == (
        status,
        "application/json; charset=utf-8",
    )
    error = answer.json()
    assert list(error) == ERROR_KEYS
    assert (error["name"], error["message"], error["context"]) == (name, message, {})
    assert error["debug"].startswith("Traceback (most recent call last):")
    if name.startswith("werkzeug."):
        assert error["arguments"] == [message, status]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "User not authenticated, use an API Key with a Bearer Authorization header."),
        ("wrong", "Invalid apikey"),
    ],
)
def test_json2_refuses_a_missing_or_wrong_key(
    odoo_peer: OdooPeer, key: str | None, message: str
) -> None:
    site = make_site(odoo_peer)
    answer = json2(site, "res.users", "search_read", key=key)
    assert (answer.status_code, answer.headers["www-authenticate"]) == (401, "Bearer")
    assert answer.json()["name"] == "werkzeug.exceptions.Unauthorized"
    assert answer.json()["arguments"] == [message, 401]


def test_json2_bad_bodies_routes_and_content_types(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    url = f"{site.url}/json/2/res.users/search_read"
    auth = {"Authorization": f"bearer {KEY}", "Content-Type": "application/json"}
    not_json = HTTP.post(url, content=b"not json", headers=auth)
    assert (not_json.status_code, not_json.json()["message"]) == (
        400,
        "could not parse the body as json: Expecting value: line 1 column 1 (char 0)",
    )
    a_list = HTTP.post(url, content=b"[1]", headers=auth)
    assert (a_list.status_code, a_list.json()["message"]) == (
        400,
        "could not parse the body, expecting a json object",
    )
    form = HTTP.post(url, data={"domain": "[]"}, headers={"Authorization": f"bearer {KEY}"})
    assert (form.status_code, form.headers["content-type"]) == (415, "text/html; charset=utf-8")
    assert "type=json2" in form.text
    for wrong in (HTTP.get(url), HTTP.post(f"{site.url}/json/2/res.users", json={})):
        assert (wrong.status_code, wrong.json()["message"]) == (
            404,
            "Did you mean POST /json/2/<model>/<method>?",
        )


def test_json2_database_header_in_multi_database_mode(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    assert json2(site, "res.users", "search", {"domain": []}).status_code == 200  # one database
    other = site.add_database("acme-test", login="test@acme.example", api_key="k-test")
    for headers in ({}, {"X-Odoo-Database": "nope"}):
        answer = json2(site, "res.users", "search", {"domain": []}, headers=headers)
        assert (answer.status_code, answer.headers["content-type"]) == (
            404,
            "text/html; charset=utf-8",
        )
    chosen = {"X-Odoo-Database": "acme-test"}
    logins = json2(
        site, "res.users", "search_read", {"fields": ["login"]}, key="k-test", headers=chosen
    )
    assert [user["login"] for user in logins.json()] == ["test@acme.example"]
    assert (
        json2(site, "res.users", "search", {}, headers=chosen).status_code == 401
    )  # acme-prod's key
    assert other.uuid != site.databases["acme-prod"].uuid


# --- XML-RPC ------------------------------------------------------------------------------------


def test_xmlrpc_authenticate(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, "17.0")
    common = proxy(site, "common")
    assert common.authenticate("acme-prod", LOGIN, KEY, {}) == 2
    assert common.login("acme-prod", LOGIN, KEY) == 2
    assert common.authenticate("acme-prod", LOGIN, "wrong", {}) is False
    assert common.authenticate("acme-prod", "jane@firm.example", KEY, {}) is False
    with pytest.raises(xmlrpc.client.Fault) as caught:
        common.authenticate("nope", LOGIN, KEY, {})
    assert caught.value.faultCode == 1
    assert 'database "nope" does not exist' in caught.value.faultString


def test_xmlrpc_execute_kw_results(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, "17.0")
    users = execute(
        site, "res.users", "search_read", [["share", "=", False]], fields=["login_date"]
    )
    assert users == [
        {"id": 2, "login_date": "2026-11-20 08:00:00"},
        {"id": 3, "login_date": False},
    ]
    assert execute(site, "kpi.provider", "get_kpi_summary") == KPIS
    assert execute(site, "ir.config_parameter", "get_param", "database.uuid") == UUID
    assert execute(site, "res.users", "write", [3], {"name": "Jane D."}) is True
    assert execute(site, "res.users", "read", [3], ["name"]) == [{"id": 3, "name": "Jane D."}]


@pytest.mark.parametrize(
    ("model", "method", "args", "code", "text"),
    [
        ("nope.model", "search", [[]], 2, "Object nope.model doesn't exist"),
        (
            "res.users",
            "_foo",
            [],
            4,
            "Private methods (such as 'res.users._foo') cannot be called remotely.",
        ),
        ("res.users", "foo", [], 1, "AttributeError: The method 'res.users.foo' does not exist"),
        ("res.users", "search", [], 1, "TypeError: missing a required argument: 'domain'"),
        (
            "res.users",
            "write",
            [[2], {"active": False}],
            2,
            "You cannot deactivate the user you're currently logged in as.",
        ),
        ("res.users", "read", [[99]], 2, "Record does not exist or has been deleted."),
    ],
)
def test_xmlrpc_faults(
    odoo_peer: OdooPeer, model: str, method: str, args: list[Any], code: int, text: str
) -> None:
    site = make_site(odoo_peer, "18.0")
    fault = fault_of(site, model, method, *args)
    assert fault.faultCode == code
    if code == 1:
        assert fault.faultString.startswith("Traceback (most recent call last):")
        assert text in fault.faultString
    else:
        assert fault.faultString.startswith(text)


def test_xmlrpc_refuses_a_wrong_key_or_uid(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, "18.0")
    objects = proxy(site, "object")
    for uid, key in ((2, "wrong"), (3, KEY), (2, "")):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            objects.execute_kw("acme-prod", uid, key, "res.users", "search", [[]])
        assert (caught.value.faultCode, caught.value.faultString) == (3, "Access Denied")
    assert objects.execute("acme-prod", 2, KEY, "res.users", "search", []) == [2, 3, 4]


def test_kpi_provider_is_missing_on_16(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, "16.0")
    fault = fault_of(site, "kpi.provider", "get_kpi_summary")
    assert (fault.faultCode, fault.faultString) == (2, "Object kpi.provider doesn't exist")
    without = make_site(odoo_peer, "19.0", name="bare", kpi_provider=False)
    answer = json2(without, "kpi.provider", "get_kpi_summary")
    assert (answer.status_code, answer.json()["message"]) == (
        404,
        "the model 'kpi.provider' does not exist",
    )


def test_system_parameters_and_writes_need_an_admin(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, api_user_admin=False)
    answer = json2(site, "ir.config_parameter", "get_param", {"key": "database.uuid"})
    assert (answer.status_code, answer.json()["name"]) == (403, "odoo.exceptions.AccessError")
    assert answer.json()["message"].startswith(
        "You are not allowed to access 'System Parameter' (ir.config_parameter) records."
    )
    assert fault_of(site, "res.users", "write", [3], {"active": False}).faultCode == 4
    assert site.databases["acme-prod"].users[3].active


# --- users --------------------------------------------------------------------------------------


def test_invite_deactivate_and_search_users_with_active_test(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    database = site.databases["acme-prod"]
    emails = ["new@firm.example", "Bob <BOB@firm.example>", "old@firm.example"]
    invited = json2(
        site,
        "res.users",
        "web_create_users",
        {"emails": emails, "context": {"no_reset_password": True}},
    )
    assert invited.json() is True
    (call,) = database.web_create_users_calls
    assert (call.emails, call.context) == (emails, {"no_reset_password": True})
    bob = database.user_by_login("bob@firm.example")
    assert bob is not None and (bob.name, bob.email, bob.invitation_sent) == (
        "Bob",
        "bob@firm.example",
        False,
    )
    assert database.users[5].active  # old@firm.example is reactivated, not created again
    found = json2(site, "res.users", "search", {"domain": [["login", "in", ["new@firm.example"]]]})
    (new_id,) = found.json()
    assert json2(site, "res.users", "write", {"ids": [new_id], "vals": {"active": False}}).json()
    assert json2(site, "res.users", "search", {"domain": [["id", "=", new_id]]}).json() == []
    everyone = {"domain": [["id", "=", new_id]], "context": {"active_test": False}}
    assert json2(site, "res.users", "search", everyone).json() == [new_id]
    archived = {"domain": [["active", "=", False], ["share", "=", False]], "fields": ["login"]}
    assert [user["login"] for user in json2(site, "res.users", "search_read", archived).json()] == [
        "new@firm.example",
        "__system__",
    ]
    invited_again = execute(site, "res.users", "web_create_users", ["new@firm.example"])
    assert invited_again is True and database.users[new_id].active
    assert site.requests[-1].protocol == "xmlrpc"


def test_inviting_an_active_login_fails_and_rolls_back(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    answer = json2(site, "res.users", "web_create_users", {"emails": ["fresh@firm.example", LOGIN]})
    assert (answer.status_code, answer.json()["name"]) == (422, "odoo.exceptions.ValidationError")
    assert site.databases["acme-prod"].user_by_login("fresh@firm.example") is None


def test_invited_users_on_16_are_named_after_the_local_part(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, "16.0")
    assert execute(site, "res.users", "web_create_users", ["Zoe@firm.example"]) is True
    zoe = site.databases["acme-prod"].user_by_login("Zoe@firm.example")
    assert zoe is not None and (zoe.name, zoe.invitation_sent) == ("Zoe", True)


@pytest.mark.parametrize(
    ("domain", "logins"),
    [
        ([["login", "!=", LOGIN], ["share", "=", False]], ["jane@firm.example"]),
        (
            ["|", ["login", "=", LOGIN], ["share", "=", True]],
            ["admin@acme.example", "portal@client.example"],
        ),
        (
            ["&", ["email", "in", ["jane@firm.example", "x@y"]], ["active", "=", True]],
            ["jane@firm.example"],
        ),
        (["!", ["share", "=", False]], ["portal@client.example"]),
        ([["login", "ilike", "FIRM"]], ["jane@firm.example"]),
    ],
)
def test_domains(odoo_peer: OdooPeer, domain: list[Any], logins: list[str]) -> None:
    site = make_site(odoo_peer)
    found = json2(site, "res.users", "search_read", {"domain": domain, "fields": ["login"]})
    assert sorted(user["login"] for user in found.json()) == logins


# --- Odoo.com and JSON-RPC ----------------------------------------------------------------------


def test_odoo_com_lists_the_account_databases(odoo_peer: OdooPeer) -> None:
    listed = [
        database_entry("acme", "https://acme.odoo.com", "me@firm.example", "18.0+e", uuid=UUID)
    ]
    com = odoo_peer.odoo_com
    com.set_account(login="me@firm.example", api_key="ocom-key", databases=listed)
    assert com.url == f"{odoo_peer.base_url}/odoo.com"
    answer = json2(
        com, "odoo.database", "list", key="ocom-key", headers={"X-Odoo-Database": "openerp"}
    )
    assert answer.json() == listed
    common, objects = proxy(com, "common"), proxy(com, "object")
    uid = common.authenticate("openerp", "me@firm.example", "ocom-key", {})
    assert objects.execute_kw("openerp", uid, "ocom-key", "odoo.database", "list", []) == listed
    connect = HTTP.get(f"{com.url}/my/databases/connect/{UUID}")
    assert (connect.status_code, connect.headers["location"]) == (303, "https://acme.odoo.com/odoo")
    assert [(request.protocol, request.db) for request in com.requests[:2]] == [
        ("json2", "openerp"),
        ("xmlrpc", "openerp"),
    ]


def test_odoo_com_refuses_a_wrong_key(odoo_peer: OdooPeer) -> None:
    com = odoo_peer.odoo_com
    com.set_account(login="me@firm.example", api_key="ocom-key", databases=[])
    answer = json2(com, "odoo.database", "list", key="bad", headers={"X-Odoo-Database": "openerp"})
    assert (answer.status_code, answer.json()["message"]) == (401, "Invalid apikey")
    assert proxy(com, "common").authenticate("openerp", "me@firm.example", "bad", {}) is False
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy(com, "object").execute_kw("openerp", 2, "bad", "odoo.database", "list", [])
    assert caught.value.faultCode == 3
    assert json2(com, "odoo.database", "list", key="ocom-key").json() == []  # one database


def test_jsonrpc_services(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer, "17.0")

    def call(service: str, method: str, *args: Any) -> dict[str, Any]:
        params = {"service": service, "method": method, "args": list(args)}
        envelope = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}
        answer: dict[str, Any] = HTTP.post(f"{site.url}/jsonrpc", json=envelope).json()
        return answer

    assert call("common", "login", "acme-prod", LOGIN, KEY)["result"] == 2
    found = call("object", "execute_kw", "acme-prod", 2, KEY, "res.users", "search", [[]])
    assert found == {"jsonrpc": "2.0", "id": 7, "result": [2, 3, 4]}
    refused = call("object", "execute_kw", "acme-prod", 2, "bad", "res.users", "search", [[]])
    assert refused["error"]["code"] == 200
    assert refused["error"]["message"] == "Odoo Server Error"
    assert refused["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


# --- faults, the request log, concurrency -------------------------------------------------------


def test_hang_times_the_client_out_without_blocking_other_sites(odoo_peer: OdooPeer) -> None:
    site, other = make_site(odoo_peer), make_site(odoo_peer, name="other")
    site.fault = Fault("hang")
    with pytest.raises(httpx.ReadTimeout):
        json2(site, "res.users", "search", {"domain": []}, timeout=0.3)
    with pytest.raises(TimeoutError):
        proxy(site, "common", timeout=0.3).version()
    assert json2(other, "res.users", "search", {"domain": []}).json() == [2, 3, 4]


def test_delay_answers_late(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    site.fault = Fault("delay", seconds=0.5)
    with pytest.raises(httpx.ReadTimeout):
        json2(site, "res.users", "search", {"domain": []}, timeout=0.1)
    assert json2(site, "res.users", "search", {"domain": []}, timeout=5).json() == [2, 3, 4]


def test_reset_closes_the_connection(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    site.fault = Fault("reset")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        json2(site, "res.users", "search", {"domain": []})
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        proxy(site, "common").version()


@pytest.mark.parametrize("status", [500, 502])
def test_html500_is_a_proxy_error_page(odoo_peer: OdooPeer, status: int) -> None:
    site = make_site(odoo_peer)
    site.fault = Fault("html500", status=status)
    answer = json2(site, "res.users", "search", {"domain": []})
    assert (answer.status_code, answer.headers["content-type"]) == (
        status,
        "text/html; charset=utf-8",
    )
    assert "<hr><center>nginx</center>" in answer.text


def test_redirect_on_json2_only_leaves_xmlrpc_working(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    site.fault = Fault("redirect", protocols={"json2"})
    answer = json2(site, "res.users", "search", {"domain": []})
    assert (answer.status_code, answer.headers["location"]) == (302, f"{site.url}/web/login")
    assert execute(site, "res.users", "search", [["share", "=", False]]) == [2, 3]
    assert [(request.protocol, request.model, request.method) for request in site.requests] == [
        ("json2", "res.users", "search"),
        ("xmlrpc", None, "authenticate"),
        ("xmlrpc", "res.users", "search"),
    ]


def test_a_fault_limited_in_times_then_clears(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    site.fault = Fault("html500", times=1)
    assert json2(site, "res.users", "search", {"domain": []}).status_code == 500
    assert json2(site, "res.users", "search", {"domain": []}).status_code == 200


def test_request_log_records_database_model_method_and_context(odoo_peer: OdooPeer) -> None:
    site = make_site(odoo_peer)
    json2(
        site, "res.users", "web_create_users", {"emails": ["a@b.c"], "context": {"lang": "fr_FR"}}
    )
    execute(site, "res.users", "search", [], context={"active_test": False})
    first, _, last = site.requests
    assert (first.http_method, first.path, first.db, first.context) == (
        "POST",
        "/json/2/res.users/web_create_users",
        "acme-prod",
        {"lang": "fr_FR"},
    )
    assert (last.path, last.db, last.context) == (
        "/xmlrpc/2/object",
        "acme-prod",
        {"active_test": False},
    )


def test_200_concurrent_slow_requests_are_served_together(odoo_peer: OdooPeer) -> None:
    """200 requests each delayed 0.2 s all finish well within 10 s: the server waits for them
    side by side. (Plain asyncio streams: httpx's pool costs seconds for 200 connections.)"""
    site = make_site(odoo_peer)
    site.latency = (0.2, 0.2)
    host, port = "127.0.0.1", int(odoo_peer.base_url.rsplit(":", 1)[1])
    request = f"GET /{site.name}/json/version HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"

    async def status_line() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request.encode())
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        return answer.split(b"\r\n", 1)[0]

    async def main() -> list[bytes]:
        return await asyncio.gather(*(status_line() for _ in range(200)))

    assert asyncio.run(asyncio.wait_for(main(), timeout=10)) == [b"HTTP/1.1 200 OK"] * 200
    assert len(site.requests) == 200


def test_stop_releases_hanging_requests_and_reset_drops_sites() -> None:
    outcome: list[BaseException] = []
    with OdooPeer() as peer:
        site = make_site(peer)
        site.fault = Fault("hang")

        def wait() -> None:
            try:
                HTTP.get(f"{site.url}/json/version", timeout=60)
            except httpx.HTTPError as error:
                outcome.append(error)

        waiting = threading.Thread(target=wait)
        waiting.start()
        while not site.requests:
            time.sleep(0.01)
        peer.reset()
        waiting.join(timeout=20)
        assert not waiting.is_alive()
        assert isinstance(outcome[0], httpx.ReadError | httpx.RemoteProtocolError)
        assert HTTP.get(f"{site.url}/json/version").status_code == 404  # the site is gone
        make_site(peer).fault = Fault("hang")
        waiting = threading.Thread(target=wait)
        waiting.start()
    waiting.join(timeout=20)
    assert not waiting.is_alive() and len(outcome) == 2
