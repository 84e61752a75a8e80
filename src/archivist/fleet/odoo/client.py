"""An asynchronous client for one Odoo database: JSON-2 first, XML-RPC for Odoo ≤ 18.

    async with new_session() as session:
        client = OdooClient(Credentials(url, database, login, api_key), session=session)
        version = await client.version()
        users = await client.internal_users()

The first call tries JSON-2 (`POST /json/2/<model>/<method>`, bearer key, `X-Odoo-Database`);
a redirect or a 404 page there means the server has no JSON-2 (Odoo ≤ 18), and that call and
every later one go through XML-RPC (`common.authenticate` once, then `object.execute_kw`).
Knowing the version (`version()`) skips the JSON-2 attempt on servers that predate it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from . import protocol
from .errors import (
    AccessDenied,
    InvalidApiKey,
    MissingCredentials,
    NotOdoo,
    RemoteError,
    UnknownModel,
)
from .session import DEFAULT_TIMEOUT
from .version import OdooVersion, parse_version

__all__ = [
    "ODOO_COM_DATABASE",
    "Credentials",
    "InviteResult",
    "Kpi",
    "OdooClient",
    "OdooComDatabase",
    "RemoteUser",
    "list_odoo_com_databases",
]

ODOO_COM_DATABASE = "openerp"
RETURN_STATUSES = ("late", "longterm", "to_do", "to_submit", "done")
USER_FIELDS = ["name", "login", "email", "login_date"]

Protocol = Literal["json2", "xmlrpc"]


@dataclass(frozen=True)
class Credentials:
    """Where and as whom to connect; `api_key` is used as the password on XML-RPC."""

    url: str
    database: str
    login: str
    api_key: str

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        return (
            f"Credentials(url={self.url!r}, database={self.database!r}, login={self.login!r}, "
            "api_key='***')"
        )


@dataclass(frozen=True)
class Kpi:
    """One entry of `kpi.provider.get_kpi_summary()`.

    `type` is "integer" (`value` an int) or "return_status" (`value` one of RETURN_STATUSES).
    """

    id: str
    name: str
    type: str
    value: int | str


@dataclass(frozen=True)
class RemoteUser:
    """An internal user (share = False) of a remote database; `last_login` aware UTC or None."""

    id: int
    login: str
    name: str
    email: str
    last_login: dt.datetime | None


@dataclass(frozen=True)
class InviteResult:
    """The outcome of inviting (or removing) users on one database, for a person to read."""

    database: str
    ok: bool
    message: str


@dataclass(frozen=True)
class OdooComDatabase:
    """A database listed by Odoo.com's `odoo.database/list`; `version` as reported ("16.0+e")."""

    name: str
    url: str
    version: str
    login: str


class OdooClient:
    """One Odoo database. Cheap to create; share `session` (one pool) between many clients.

    Every method raises only `errors.OdooError` subclasses for remote failures; `timeout` bounds
    each HTTP exchange in total (connect, send, wait, read).
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        session: httpx.AsyncClient,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        missing = [
            label
            for label, value in (
                ("URL", credentials.url),
                ("database name", credentials.database),
                ("API login", credentials.login),
                ("API key", credentials.api_key),
            )
            if not value.strip()
        ]
        if missing:
            raise MissingCredentials(detail="empty: " + ", ".join(missing))
        self.credentials = credentials
        self.url = credentials.url.strip().rstrip("/")
        self.session = session
        self.timeout = timeout
        self.protocol: Protocol | None = None  # the one that worked, once known
        self._version: OdooVersion | None = None
        self._uid: int | None = None
        self._uid_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"<OdooClient {self.url} db={self.credentials.database!r} via {self.protocol}>"

    # -- version -----------------------------------------------------------------------------

    async def version(self) -> OdooVersion:
        """The server's version: `GET /json/version` (19.0+), else JSON-RPC
        `/web/webclient/version_info`, else XML-RPC `common.version()`. Cached."""
        if self._version is None:
            self._version = await self._read_version()
            if self.protocol is None and not self._version.has_json2:
                self.protocol = "xmlrpc"
        return self._version

    async def _read_version(self) -> OdooVersion:
        try:
            response = await self._exchange("GET", "/json/version")
            return self._parsed_version(response, protocol.version_result(response), "version")
        except protocol.Unavailable:
            pass
        try:
            body: dict[str, Any] = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": None}
            response = await self._exchange(
                "POST",
                "/web/webclient/version_info",
                content=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            info = protocol.jsonrpc_result(response)
            return self._parsed_version(response, info, "server_version")
        except protocol.Unavailable:
            pass
        response = await self._exchange(
            "POST", "/xmlrpc/2/common", content=protocol.xmlrpc_body("version", ())
        )
        return self._parsed_version(response, protocol.xmlrpc_result(response), "server_version")

    @staticmethod
    def _parsed_version(response: httpx.Response, info: Any, key: str) -> OdooVersion:
        text = info.get(key) if isinstance(info, dict) else None
        if not isinstance(text, str):
            raise NotOdoo(f"Not an Odoo answer from {response.request.url} (no {key!r} in it)")
        try:
            return parse_version(text)
        except ValueError as exc:
            raise NotOdoo(
                f"Not an Odoo answer from {response.request.url} ({exc})", cause=exc
            ) from exc

    # -- calls -------------------------------------------------------------------------------

    async def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Calls `model.method` with its parameters by name and returns the result.

        JSON-2 takes no positional parameters, so neither does this (TypeError): pass `ids=[…]`
        for a method on records and every other parameter by name (`domain=…`, `context=…`).
        Over XML-RPC, `ids` becomes the first positional argument of `execute_kw`.
        """
        if args:
            raise TypeError(
                f"OdooClient.call({model!r}, {method!r}) takes parameters by name only "
                "(JSON-2 has no positional arguments): use ids=[...] and name=value"
            )
        if self.protocol != "xmlrpc":
            try:
                result = await self._json2(model, method, kwargs)
            except protocol.Unavailable:
                self.protocol = "xmlrpc"
            except (InvalidApiKey, AccessDenied, RemoteError):
                self.protocol = "json2"  # a JSON-2 error answer: the API exists
                raise
            else:
                self.protocol = "json2"
                return result
        return await self._execute_kw(model, method, kwargs)

    async def _json2(self, model: str, method: str, kwargs: dict[str, Any]) -> Any:
        response = await self._exchange(
            "POST",
            f"/json/2/{model}/{method}",
            content=json.dumps(kwargs).encode(),
            headers={
                "Authorization": f"bearer {self.credentials.api_key}",
                "X-Odoo-Database": self.credentials.database,
                "Content-Type": "application/json; charset=utf-8",
            },
        )
        return protocol.json2_result(response)

    async def _execute_kw(self, model: str, method: str, kwargs: dict[str, Any]) -> Any:
        uid = await self._authenticated_uid()
        named = dict(kwargs)
        ids = named.pop("ids", None)
        positional = [ids] if ids is not None else []
        credentials = self.credentials
        params = (credentials.database, uid, credentials.api_key, model, method, positional, named)
        return await self._xmlrpc("object", "execute_kw", params)

    async def _authenticated_uid(self) -> int:
        async with self._uid_lock:  # concurrent first calls authenticate once
            if self._uid is None:
                credentials = self.credentials
                uid = await self._xmlrpc(
                    "common",
                    "authenticate",
                    (credentials.database, credentials.login, credentials.api_key, {}),
                )
                if uid is False:
                    raise InvalidApiKey(
                        detail=f"login {credentials.login!r} on database "
                        f"{credentials.database!r} was refused"
                    )
                if not isinstance(uid, int) or isinstance(uid, bool):
                    raise NotOdoo(
                        f"Not an Odoo answer from {self.url}/xmlrpc/2/common "
                        f"(authenticate returned {uid!r})"
                    )
                self._uid = uid
            return self._uid

    async def _xmlrpc(self, service: str, method: str, params: tuple[Any, ...]) -> Any:
        response = await self._exchange(
            "POST", f"/xmlrpc/2/{service}", content=protocol.xmlrpc_body(method, params)
        )
        return protocol.xmlrpc_result(response)

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        if content is not None and headers is None:
            headers = {"Content-Type": "text/xml"}
        return await protocol.exchange(
            self.session,
            method,
            self.url + path,
            site=self.url,
            timeout=self.timeout,
            headers=headers,
            content=content,
        )

    # -- what the Fleet reads and does ----------------------------------------------------------

    async def kpi_summary(self) -> list[Kpi] | None:
        """`kpi.provider.get_kpi_summary()`; None when the database has no kpi.provider.

        Entries of an unknown type or with a value of the wrong kind are left out (they are not
        Fleet KPIs); see `snapshot.fetch_snapshot`, which notes them.
        """
        kpis, _ = await self.kpi_summary_with_skipped()
        return kpis

    async def kpi_summary_with_skipped(self) -> tuple[list[Kpi] | None, list[str]]:
        """Like `kpi_summary`, plus a description of each entry left out."""
        try:
            entries = await self.call("kpi.provider", "get_kpi_summary")
        except UnknownModel as error:
            if error.model == "kpi.provider":
                return None, []
            raise
        if not isinstance(entries, list):
            raise self._unexpected("kpi.provider.get_kpi_summary", entries)
        kpis: list[Kpi] = []
        skipped: list[str] = []
        for entry in entries:
            kpi = _kpi(entry)
            if kpi is None:
                skipped.append(repr(entry)[:200])
            else:
                kpis.append(kpi)
        return kpis, skipped

    async def internal_users(self) -> list[RemoteUser]:
        """Active internal users (`share = False`), with their last login (aware UTC)."""
        records = await self.call(
            "res.users",
            "search_read",
            domain=[["share", "=", False]],
            fields=USER_FIELDS,
            context={"active_test": True},
        )
        if not isinstance(records, list):
            raise self._unexpected("res.users.search_read", records)
        users = []
        for record in records:
            user = _remote_user(record)
            if user is None:
                raise self._unexpected("res.users.search_read", record)
            users.append(user)
        return users

    async def database_uuid(self) -> str:
        """The `database.uuid` system parameter (it builds Odoo.com's connect URL)."""
        value = await self.call("ir.config_parameter", "get_param", key="database.uuid")
        if not isinstance(value, str) or not value:
            raise RemoteError(
                f"The database {self.credentials.database!r} has no database.uuid parameter"
            )
        return value

    async def invite(self, emails: Sequence[str]) -> None:
        """Creates (or reactivates) a user per email with `res.users.web_create_users`, without
        sending password-reset emails (`no_reset_password`)."""
        if not emails:
            return
        await self.call(
            "res.users",
            "web_create_users",
            emails=list(emails),
            context={"no_reset_password": True},
        )

    async def deactivate(self, logins: Sequence[str]) -> list[str]:
        """Sets `active = False` on the users with these logins (never deletes them); returns the
        logins found and deactivated (a login absent or already inactive is not returned)."""
        if not logins:
            return []
        found = await self.call(
            "res.users", "search_read", domain=[["login", "in", list(logins)]], fields=["login"]
        )
        if not isinstance(found, list) or not all(
            isinstance(record, dict) and isinstance(record.get("id"), int) for record in found
        ):
            raise self._unexpected("res.users.search_read", found)
        if not found:
            return []
        await self.call(
            "res.users", "write", ids=[record["id"] for record in found], vals={"active": False}
        )
        return [str(record.get("login")) for record in found]

    def _unexpected(self, call: str, value: Any) -> NotOdoo:
        return NotOdoo(
            f"Not an Odoo answer from {self.url} (unexpected {call} result: {repr(value)[:120]})"
        )


def _kpi(entry: Any) -> Kpi | None:
    if not isinstance(entry, dict):
        return None
    kpi_id, name, kind, value = (entry.get(key) for key in ("id", "name", "type", "value"))
    if not isinstance(kpi_id, str) or not isinstance(name, str):
        return None
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return Kpi(kpi_id, name, kind, value)
    if kind == "return_status" and value in RETURN_STATUSES:
        return Kpi(kpi_id, name, kind, str(value))
    return None


def _remote_user(record: Any) -> RemoteUser | None:
    if not isinstance(record, dict) or not isinstance(record.get("id"), int):
        return None
    login, name, email = (record.get(key) for key in ("login", "name", "email"))
    if not isinstance(login, str):
        return None
    try:
        last_login = parse_odoo_datetime(record.get("login_date"))
    except ValueError:
        return None
    return RemoteUser(
        id=record["id"],
        login=login,
        name=name if isinstance(name, str) else login,
        email=email if isinstance(email, str) else "",  # Odoo sends False for an empty field
        last_login=last_login,
    )


def parse_odoo_datetime(value: Any) -> dt.datetime | None:
    """Odoo's "YYYY-MM-DD HH:MM:SS" (UTC, no zone) → aware UTC; False/None/"" → None."""
    if value is False or value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an Odoo datetime")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


async def list_odoo_com_databases(
    url: str,
    login: str,
    api_key: str,
    *,
    session: httpx.AsyncClient,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[OdooComDatabase]:
    """The databases Odoo.com lists for this account (`odoo.database/list` on "openerp").

    `url` is Odoo.com's (https://www.odoo.com); a database without its own `login` gets the
    account's. Raises InvalidApiKey on a refused key, NotOdoo on an answer of another shape.
    """
    client = OdooClient(
        Credentials(url, ODOO_COM_DATABASE, login, api_key), session=session, timeout=timeout
    )
    entries = await client.call("odoo.database", "list")
    if not isinstance(entries, list):
        raise client._unexpected("odoo.database.list", entries)
    databases = []
    for entry in entries:
        name, db_url = (
            entry.get(key) if isinstance(entry, dict) else None for key in ("name", "url")
        )
        if not isinstance(name, str) or not isinstance(db_url, str):
            raise client._unexpected("odoo.database.list", entry)
        version, db_login = entry.get("version"), entry.get("login")
        databases.append(
            OdooComDatabase(
                name=name,
                url=db_url,
                version=version if isinstance(version, str) else "",
                login=db_login if isinstance(db_login, str) and db_login else login,
            )
        )
    return databases
