"""The fake Odoo.com: database `openerp`, whose model `odoo.database` lists an account's databases.

research/odoo-protocol.md §7: `POST /json/2/odoo.database/list` with `X-Odoo-Database: openerp`
and the account's API key (a wrong key: 401 `Invalid apikey`), or over XML-RPC
`common.authenticate("openerp", login, key, {})` (a wrong key: `False`) then
`object.execute_kw("openerp", uid, key, "odoo.database", "list", [])` (a wrong key: faultCode 3
`Access Denied`). The list's shape is not documented publicly (§7 assumes at least name, url,
login and version: `database_entry` builds those): the entries are returned exactly as
`set_account` was given them, so a test can also hand a client incomplete ones.
`GET /my/databases/connect/<uuid>` redirects to the database whose entry has that `uuid` (§8).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from tests.peers.odoo.site import OdooSite
from tests.peers.odoo.state import OdooDatabase, RemoteUser
from tests.peers.odoo.wire import Answer, HttpCall, not_found_html

SITE_NAME = "odoo.com"
DATABASE = "openerp"
PROFILE = "saas~19.1+e"
CONNECT_PREFIX = "/my/databases/connect/"


def database_entry(name: str, url: str, login: str, version: str, **extra: Any) -> dict[str, Any]:
    """One `odoo.database/list` entry (extra keys, e.g. uuid, are passed through)."""
    return {"name": name, "url": url, "login": login, "version": version, **extra}


class OdooComSite(OdooSite):
    """Odoo.com's external API for one partner account (none until `set_account`)."""

    def __init__(self, base_url: str, lock: threading.RLock) -> None:
        super().__init__(SITE_NAME, PROFILE, base_url, lock)
        self.databases[DATABASE] = OdooDatabase(name=DATABASE, listed_databases=[])

    @property
    def site(self) -> OdooComSite:
        """This object (for code that reaches Odoo.com's site through `peer.odoo_com.site`)."""
        return self

    @property
    def account_database(self) -> OdooDatabase:
        return self.databases[DATABASE]

    def set_account(
        self, login: str, api_key: str, databases: Iterable[Mapping[str, Any]] = ()
    ) -> None:
        """Makes `login`/`api_key` the one account whose `odoo.database/list` is `databases`
        (returned as given: see `database_entry` for the expected keys)."""
        entries = []
        for position, entry in enumerate(databases):
            if not isinstance(entry, Mapping):
                raise TypeError(f"databases[{position}]: expected a mapping, got {entry!r}")
            entries.append(copy.deepcopy(dict(entry)))
        account = OdooDatabase(name=DATABASE, listed_databases=entries)
        account.add_user(RemoteUser(login=login))
        account.api_keys[api_key] = login
        with self._lock:
            self.databases[DATABASE] = account

    def web_page(self, call: HttpCall) -> Answer:
        if call.path.startswith(CONNECT_PREFIX):
            wanted = call.path[len(CONNECT_PREFIX) :]
            for entry in self.account_database.listed_databases or []:
                if entry.get("uuid") == wanted:
                    return self.redirect(f"{str(entry['url']).rstrip('/')}/odoo")
            return not_found_html()
        return super().web_page(call)
