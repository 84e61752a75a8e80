"""One fake Odoo server ("site"): its version profile, databases, faults, latency and request log.

A site is served under `{peer.base_url}/{name}`; its routes are Odoo's, after that prefix.
`answer()` routes a request to the protocol modules; `server.py` applies `latency` and `fault`
first. Version endpoints and web pages (research/odoo-protocol.md §4.1, §8): `GET /json/version`
and `/web/version` exist from 19.0 (404 HTML before); the web client root is `/odoo` from 17.2
(`/web` before); both redirect to `/web/login` as they do for a visitor without a session.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from tests.peers.odoo import json2, jsonrpc, xmlrpc
from tests.peers.odoo.profiles import VersionProfile, profile_named
from tests.peers.odoo.state import NO_FAULT, Fault, OdooDatabase, RemoteUser, Request
from tests.peers.odoo.wire import Answer, HttpCall, html_answer, json_answer, not_found_html

SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
VERSION_PATHS = ("/json/version", "/web/version")
LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Login | Odoo</title></head><body>"
    '<form class="oe_login_form" method="post" action="/web/login">'
    '<input name="login"/><input name="password" type="password"/></form></body></html>\n'
)


def protocol_of(path: str) -> str:
    """The protocol a path belongs to: json2, xmlrpc, jsonrpc, version or web."""
    if path == json2.PREFIX or path.startswith(json2.PREFIX + "/"):
        return "json2"
    if path in xmlrpc.SERVICES:
        return "xmlrpc"
    if path in jsonrpc.PATHS:
        return "jsonrpc"
    if path in VERSION_PATHS:
        return "version"
    return "web"


class OdooSite:
    """A fake Odoo server with one or more databases.

    Attributes tests use: `url`, `profile`, `databases` (name → OdooDatabase), `fault` (a Fault,
    `Fault()` for none), `latency` ((low, high) seconds, uniform, seeded by the site name) and
    `requests` (every Request received, in order). Changes are taken into account from the next
    request on.
    """

    def __init__(
        self, name: str, profile: str | VersionProfile, base_url: str, lock: threading.RLock
    ) -> None:
        if not SITE_NAME.fullmatch(name):
            raise ValueError(f"name: {name!r} is not a usable URL segment (letters, digits, ._-)")
        self.name = name
        self.profile = profile_named(profile)
        self.url = f"{base_url}/{name}"
        self.databases: dict[str, OdooDatabase] = {}
        self.requests: list[Request] = []
        self._lock = lock
        self._fault = NO_FAULT
        self._fault_uses = 0
        self._latency = (0.0, 0.0)
        self._random = random.Random(name)

    # --- configuration --------------------------------------------------------------------------

    @property
    def fault(self) -> Fault:
        return self._fault

    @fault.setter
    def fault(self, fault: Fault) -> None:
        if not isinstance(fault, Fault):
            raise TypeError(f"fault: expected a Fault, got {fault!r}")
        with self._lock:
            self._fault, self._fault_uses = fault, 0

    @property
    def latency(self) -> tuple[float, float]:
        return self._latency

    @latency.setter
    def latency(self, bounds: tuple[float, float]) -> None:
        low, high = bounds
        if not 0 <= low <= high:
            raise ValueError(f"latency: expected 0 <= low <= high seconds, got {bounds!r}")
        self._latency = (float(low), float(high))

    def add_database(
        self,
        name: str,
        login: str,
        api_key: str,
        users: Iterable[RemoteUser] = (),
        kpis: Iterable[Mapping[str, Any]] = (),
        uuid: str | None = None,
        *,
        api_user_admin: bool = True,
        kpi_provider: bool | None = None,
        mail_installed: bool = True,
    ) -> OdooDatabase:
        """A new database: OdooBot (id 1), `users` (the API user `login` added when missing,
        admin unless `api_user_admin=False`), then the inactive public user; `api_key` belongs
        to `login`. The given RemoteUser objects are stored as they are (their ids are set)."""
        if name in self.databases:
            raise ValueError(f"name: site {self.name!r} already has a database {name!r}")
        database = OdooDatabase(name=name, kpi_provider=kpi_provider, mail_installed=mail_installed)
        if uuid is not None:
            database.uuid = database.parameters["database.uuid"] = uuid
        for user in users:
            database.add_user(user)
        api_user = database.user_by_login(login) or database.add_user(RemoteUser(login=login))
        api_user.admin = api_user_admin
        database.add_user(RemoteUser(login="public", name="Public user", share=True, active=False))
        database.api_keys[api_key] = login
        database.set_kpis(kpis)
        with self._lock:
            self.databases[name] = database
        return database

    # --- serving --------------------------------------------------------------------------------

    def describe(self, call: HttpCall) -> Request:
        """The request-log entry for `call` (what protocol, database, model and method)."""
        protocol = protocol_of(call.path)
        if protocol == "json2":
            return json2.describe(call, self.databases)
        if protocol == "xmlrpc":
            return xmlrpc.describe(call)
        if protocol == "jsonrpc":
            return jsonrpc.describe(call)
        return Request(call.method, call.path, protocol)

    def take_fault(self, protocol: str) -> Fault | None:
        """The fault to apply to one request of `protocol` (counting it against `times`)."""
        with self._lock:
            fault = self._fault
            if not fault.applies_to(protocol):
                return None
            if fault.times is not None and self._fault_uses >= fault.times:
                return None
            self._fault_uses += 1
            return fault

    def next_latency(self) -> float:
        low, high = self._latency
        with self._lock:
            return self._random.uniform(low, high) if high > 0 else 0.0

    def answer(self, call: HttpCall) -> Answer:
        """Odoo's response to `call` (no faults, no latency)."""
        with self._lock:
            protocol = protocol_of(call.path)
            if protocol == "json2":
                return json2.answer(call, self.databases, self.profile)
            if protocol == "xmlrpc":
                return xmlrpc.answer(call, self.databases, self.profile)
            if protocol == "jsonrpc":
                return jsonrpc.answer(call, self.databases, self.profile)
            if protocol == "version":
                if not self.profile.json2:
                    return not_found_html()
                return json_answer(self.profile.json_version())
            return self.web_page(call)

    def web_page(self, call: HttpCall) -> Answer:
        """The few web pages a fleet manager links to: login, /web and /odoo, the root."""
        client_root = "/odoo" if self.profile.path_web_client else "/web"
        if call.path == "/web/login":
            return html_answer(200, LOGIN_PAGE)
        if call.path in ("", "/"):
            return self.redirect(client_root)
        if call.path in ("/web", "/odoo"):
            if call.path == "/odoo" and not self.profile.path_web_client:
                return not_found_html()
            if call.path == "/web" and self.profile.path_web_client:
                return self.redirect("/odoo")
            return self.redirect(f"/web/login?redirect={quote(call.path, safe='')}")
        return not_found_html()

    def redirect(self, path: str, status: int = 303) -> Answer:
        """A werkzeug redirect to `path` on this site (or to an absolute URL)."""
        location = path if "://" in path else f"{self.url}{path}"
        return html_answer(
            status,
            f"<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting..."
            f'</h1>\n<p>You should be redirected automatically to the target URL: <a href="'
            f'{location}">{location}</a>. If not, click the link.\n',
            {"Location": location},
        )
