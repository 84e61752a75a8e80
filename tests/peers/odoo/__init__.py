"""A stateful fake of Odoo's external APIs over real HTTP on 127.0.0.1 (the Fleet's test peer).

Odoo cannot be installed here, so the Fleet's tests and benchmark talk to this protocol fake. It
answers as Odoo's community code does, following /work/shared/research/odoo-protocol.md:
JSON-2 (§3: bearer keys, `X-Odoo-Database`, the 5-key error bodies and their statuses), XML-RPC
`/xmlrpc/2/common` and `/xmlrpc/2/object` (§5: `authenticate` → uid or False, `execute_kw`,
integer fault codes), JSON-RPC `/web/webclient/version_info` and `/jsonrpc` (§4.2), the version
endpoints per release (§1, §4), the calls of the Fleet (§2 `kpi.provider.get_kpi_summary`, §6
`res.users` search/search_read/search_count/read/write/create/web_create_users/context_get with
active_test and Odoo's guards, `ir.config_parameter.get_param("database.uuid")`), the Odoo.com
database list (§7) and fault injection (§11.9).

    from tests.peers.odoo import OdooPeer, OdooSite, OdooDatabase, RemoteUser, Fault, odoo_peer

    with OdooPeer() as peer:                     # or the `odoo_peer` fixture (reset per test)
        site = peer.add_site("acme", profile="19.0")     # 16.0, 17.0, 17.2, 18.0, 19.0, saas~19.1+e
        db = site.add_database("acme-prod", login="admin@acme.example", api_key="k-123",
                               users=[RemoteUser(login="admin@acme.example", name="Admin")],
                               kpis=[{"id": "documents.inbox", "name": "Inbox",
                                      "type": "integer", "value": 7}])
        site.url                                 # f"{peer.base_url}/acme": Odoo's routes below it
        db.users, db.kpis, db.api_keys, db.uuid  # live state, changed by calls and by tests
        db.web_create_users_calls                # emails and context (no_reset_password) per call
        site.fault = Fault("hang")               # "delay" (seconds=), "reset", "html500",
                                                 # "redirect"; protocols={"json2"}, times=N
        site.latency = (0.05, 0.5)               # uniform per request, seeded by the site name
        site.requests                            # Request(http_method, path, protocol, db,
                                                 #         model, method, context), in order
        peer.sites["acme"]                       # the sites added since the last reset
        peer.odoo_com.set_account(login="partner@firm.example", api_key="ocom-key",
                                  databases=[database_entry(name, url, login, version)])
        peer.odoo_com.url, peer.odoo_com.requests  # an OdooSite at {base_url}/odoo.com, db openerp
        peer.reset()                             # drop every site and all state

A site with more than one database needs `X-Odoo-Database` on JSON-2 (404 HTML without it, as a
multi-database Odoo answers). Each site has OdooBot (id 1, inactive) and an inactive public user
(share) besides the configured users; the API user is an admin (`api_user_admin=False` for a
user who gets AccessError on writes). Modules: `server.py` (aiohttp plumbing), `site.py` (one
Odoo server, web pages, version endpoints), `json2.py`, `xmlrpc.py`, `jsonrpc.py`, `services.py`
(common/object services), `models.py` (the fake ORM), `domain.py`, `state.py`, `profiles.py`,
`errors.py`, `odoo_com.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.peers.odoo.odoo_com import OdooComSite, database_entry
from tests.peers.odoo.profiles import PROFILES, VersionProfile
from tests.peers.odoo.server import OdooPeer
from tests.peers.odoo.site import OdooSite
from tests.peers.odoo.state import Fault, OdooDatabase, RemoteUser, Request

__all__ = [
    "PROFILES",
    "Fault",
    "OdooComSite",
    "OdooDatabase",
    "OdooPeer",
    "OdooSite",
    "RemoteUser",
    "Request",
    "VersionProfile",
    "database_entry",
    "odoo_peer",
]

_session_lock = threading.Lock()
_session_peer: OdooPeer | None = None


def _session_server(config: pytest.Config) -> OdooPeer:
    """The one OdooPeer of this test process, stopped when the session ends."""
    global _session_peer
    with _session_lock:
        if _session_peer is None:
            _session_peer = OdooPeer().start()
            config.add_cleanup(_stop_session_server)
        return _session_peer


def _stop_session_server() -> None:
    global _session_peer
    with _session_lock:
        if _session_peer is not None:
            _session_peer.stop()
            _session_peer = None


@pytest.fixture
def odoo_peer(request: pytest.FixtureRequest) -> Iterator[OdooPeer]:
    """The session's Odoo peer, empty at the start of the test and reset after it."""
    peer = _session_server(request.config)
    peer.reset()
    yield peer
    peer.reset()
