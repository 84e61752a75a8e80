"""The live state of the fake: databases, their users, KPIs and API keys; faults; the request log.

Tests read and change these objects directly (`site.databases["acme-prod"].users[7].active`);
the server reads them under `OdooPeer.lock`, so a change made between two calls is seen by the
next one.
"""

from __future__ import annotations

import copy
import uuid as uuid_module
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.peers.odoo.errors import ValidationError

FaultKind = Literal["none", "hang", "delay", "reset", "html500", "redirect"]
FAULT_KINDS: tuple[str, ...] = ("none", "hang", "delay", "reset", "html500", "redirect")
Protocol = Literal["json2", "xmlrpc", "jsonrpc", "version", "web"]

SUPERUSER_ID = 1  # OdooBot (__system__): inactive, never returned by default searches


@dataclass
class RemoteUser:
    """A `res.users` record of a remote database.

    `login_date` is Odoo's "YYYY-MM-DD HH:MM:SS" UTC text or None (read as `False`). `admin`
    stands for base.group_system (needed to write users and read system parameters);
    `add_database` makes the API user an admin. `invitation_sent` is True when the user was
    created by `web_create_users` without `no_reset_password` in the context (auth_signup).
    """

    login: str
    name: str = ""
    email: str = ""
    share: bool = False
    active: bool = True
    login_date: str | None = None
    admin: bool = False
    id: int = 0  # set by the database
    invitation_sent: bool = False

    def __post_init__(self) -> None:
        if not self.login:
            raise ValueError("login: a user needs a non-empty login")
        self.name = self.name or self.login
        if not self.email and "@" in self.login:
            self.email = self.login

    def record(self) -> dict[str, Any]:
        """The stored field values, as `read` returns them (empty values are False)."""
        return {
            "id": self.id,
            "login": self.login,
            "name": self.name,
            "email": self.email or False,
            "share": self.share,
            "active": self.active,
            "login_date": self.login_date or False,
        }


USER_FIELDS: tuple[str, ...] = ("id", "login", "name", "email", "share", "active", "login_date")
WRITABLE_USER_FIELDS = frozenset({"login", "name", "email", "active"})


@dataclass
class WebCreateUsersCall:
    """One `res.users.web_create_users` call: its emails and the context it was given."""

    emails: list[str]
    context: dict[str, Any]


@dataclass
class OdooDatabase:
    """One database of a fake Odoo server.

    `users` maps ids to records (ids ascend from 1, OdooBot; the public user is share and
    inactive). `api_keys` maps each valid key to its user's login. `kpis` is what
    `kpi.provider.get_kpi_summary()` returns. `kpi_provider` None follows the site's profile.
    `extra_models` names further models this database serves (the Odoo.com fake adds
    "odoo.database"). `web_create_users_calls` records every invitation call.
    """

    name: str
    uuid: str = field(default_factory=lambda: str(uuid_module.uuid4()))
    users: dict[int, RemoteUser] = field(default_factory=dict)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    api_keys: dict[str, str] = field(default_factory=dict)
    kpi_provider: bool | None = None
    mail_installed: bool = True
    parameters: dict[str, str] = field(default_factory=dict)
    listed_databases: list[dict[str, Any]] | None = None
    web_create_users_calls: list[WebCreateUsersCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.parameters.setdefault("database.uuid", self.uuid)
        if not self.users:
            self.add_user(RemoteUser(login="__system__", name="OdooBot", active=False))

    def add_user(self, user: RemoteUser) -> RemoteUser:
        """Stores `user` under the next id; ValidationError if its login is taken."""
        if self.user_by_login(user.login) is not None:
            raise ValidationError(
                "The operation cannot be completed: You can not have two users with the same login!"
            )
        user.id = max(self.users, default=0) + 1
        self.users[user.id] = user
        return user

    def user_by_login(self, login: str) -> RemoteUser | None:
        """The user with this login, active or not."""
        return next((user for user in self.users.values() if user.login == login), None)

    def user_for_key(self, api_key: str) -> RemoteUser | None:
        """The active user an API key belongs to, or None for an unknown or orphan key."""
        login = self.api_keys.get(api_key)
        user = self.user_by_login(login) if login is not None else None
        return user if user is not None and user.active else None

    def set_kpis(self, kpis: Iterable[Mapping[str, Any]]) -> None:
        """Replaces the KPI summary; each entry needs id, name, type and value."""
        checked = []
        for position, kpi in enumerate(kpis):
            missing = [key for key in ("id", "name", "type", "value") if key not in kpi]
            if missing:
                raise ValueError(f"kpis[{position}]: missing {', '.join(missing)}")
            checked.append(copy.deepcopy(dict(kpi)))
        self.kpis = checked


@dataclass(frozen=True)
class Fault:
    """What a site does to requests instead of (or before) answering them.

    - "hang": waits `seconds` (default 120, far past any client timeout) then closes the
      connection without an answer; released quietly by `OdooPeer.reset()` and `stop()`.
    - "delay": waits `seconds`, then answers normally.
    - "reset": closes the TCP connection (RST) without an answer.
    - "html500": answers `status` (default 500) with an HTML page, like a crashed proxy.
    - "redirect": answers `status` (default 302) to `location` (default the site's /web/login).
    - "none": answers normally.

    `protocols` limits the fault to requests of those protocols ("json2", "xmlrpc", "jsonrpc",
    "version", "web"): `Fault("redirect", protocols={"json2"})` makes JSON-2 redirect while
    XML-RPC answers. `times` limits it to that many requests (then the site answers normally).
    """

    kind: FaultKind = "none"
    seconds: float | None = None
    status: int | None = None
    location: str | None = None
    protocols: AbstractSet[str] | None = None  # stored as a frozenset
    times: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind: unknown fault {self.kind!r}; known: {', '.join(FAULT_KINDS)}")
        if self.kind == "delay" and self.seconds is None:
            raise ValueError("seconds: a 'delay' fault needs seconds=…")
        if self.protocols is not None:
            object.__setattr__(self, "protocols", frozenset(self.protocols))

    def applies_to(self, protocol: str) -> bool:
        return self.kind != "none" and (self.protocols is None or protocol in self.protocols)


NO_FAULT = Fault()


@dataclass(frozen=True)
class Request:
    """One request a site received (recorded before latency and faults apply).

    `path` is the path after the site prefix ("/json/2/res.users/search"); `db`, `model` and
    `method` are what the request named (None where it named none or could not be parsed);
    `context` is the `context` keyword argument of a model call.
    """

    http_method: str
    path: str
    protocol: str
    db: str | None = None
    model: str | None = None
    method: str | None = None
    context: Mapping[str, Any] | None = None
