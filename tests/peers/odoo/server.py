"""The HTTP plumbing: one aiohttp server on 127.0.0.1 in a background thread, many sites.

A request to `/{site}/{odoo path}` is logged on the site, waits the site's latency, meets the
site's fault if any, then gets the site's answer. Everything that waits is an asyncio sleep, so
hundreds of slow or hanging requests cost no thread; hanging requests are released (their
connections closed without an answer) by `reset()` and `stop()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from http import HTTPStatus
from types import TracebackType

from aiohttp import web

from tests.peers.odoo.odoo_com import SITE_NAME as ODOO_COM
from tests.peers.odoo.odoo_com import OdooComSite
from tests.peers.odoo.profiles import VersionProfile
from tests.peers.odoo.site import OdooSite
from tests.peers.odoo.state import Fault
from tests.peers.odoo.wire import WERKZEUG_404, HttpCall

HANG_SECONDS = 120.0
PROXY_ERROR_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class OdooPeer:
    """Fake Odoo servers ("sites") and a fake Odoo.com behind one port on 127.0.0.1.

    `start()`/`stop()` or `with OdooPeer() as peer:`. `add_site(name, profile)` serves a new
    Odoo server at `{base_url}/{name}`; `odoo_com` is the fake Odoo.com; `reset()` drops every
    site and state (and releases hanging requests).
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = ""
        self._sites: dict[str, OdooSite] = {}
        self._odoo_com: OdooComSite | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._hangs: set[asyncio.Future[None]] = set()

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> OdooPeer:
        """Binds 127.0.0.1 on a free port and serves from a background thread."""
        if self._loop is not None:
            raise RuntimeError("start: the Odoo peer is already running")
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._odoo_com = OdooComSite(self.base_url, self.lock)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="odoo-peer")
        self._thread.daemon = True
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._serve(listener), self._loop).result(timeout=10)
        except BaseException:
            listener.close()
            self.stop()
            raise
        return self

    async def _serve(self, listener: socket.socket) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, listener, backlog=1024).start()

    def stop(self) -> None:
        """Releases hanging requests, closes every connection and ends the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    async def _shutdown(self) -> None:
        self._release_hangs()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def __enter__(self) -> OdooPeer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # --- configuration --------------------------------------------------------------------------

    @property
    def odoo_com(self) -> OdooComSite:
        if self._odoo_com is None:
            raise RuntimeError("odoo_com: start the Odoo peer first")
        return self._odoo_com

    @property
    def sites(self) -> dict[str, OdooSite]:
        """The sites added since the last reset, by name (Odoo.com not included)."""
        return dict(self._sites)

    def add_site(self, name: str, profile: str | VersionProfile = "19.0") -> OdooSite:
        """A new fake Odoo server at `{base_url}/{name}` answering as `profile`."""
        if not self.base_url:
            raise RuntimeError("add_site: start the Odoo peer first")
        with self.lock:
            if name in self._sites or name == ODOO_COM:
                raise ValueError(f"name: a site {name!r} already exists")
            site = OdooSite(name, profile, self.base_url, self.lock)
            self._sites[name] = site
        return site

    def reset(self) -> None:
        """Drops every site, clears Odoo.com and releases hanging requests."""
        with self.lock:
            self._sites.clear()
            if self.base_url:
                self._odoo_com = OdooComSite(self.base_url, self.lock)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._release_hangs)

    # --- serving --------------------------------------------------------------------------------

    def _site(self, name: str) -> OdooSite | None:
        with self.lock:
            return self._odoo_com if name == ODOO_COM else self._sites.get(name)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name, slash, rest = request.path.lstrip("/").partition("/")
        site = self._site(name)
        if site is None:
            return web.Response(status=404, text=WERKZEUG_404, content_type="text/html")
        headers = {key.lower(): value for key, value in request.headers.items()}
        call = HttpCall(
            request.method, slash + rest, headers, await request.read(), request.query_string
        )
        entry = site.describe(call)
        with self.lock:
            site.requests.append(entry)
        delay = site.next_latency()
        if delay:
            await asyncio.sleep(delay)
        fault = site.take_fault(entry.protocol)
        if fault is not None:
            faulted = await self._apply_fault(site, fault, request)
            if faulted is not None:
                return faulted
        answer = site.answer(call)
        return web.Response(
            status=answer.status,
            body=answer.body,
            headers={**answer.headers, "Content-Type": answer.content_type},
        )

    async def _apply_fault(
        self, site: OdooSite, fault: Fault, request: web.Request
    ) -> web.StreamResponse | None:
        """The fault's response; None to answer normally (after a delay)."""
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds or 0.0)
            return None
        if fault.kind == "html500":
            status = fault.status or 500
            page = PROXY_ERROR_PAGE.format(status=status, reason=HTTPStatus(status).phrase)
            return web.Response(status=status, text=page, content_type="text/html")
        if fault.kind == "redirect":
            location = fault.location or f"{site.url}/web/login"
            return web.Response(status=fault.status or 302, headers={"Location": location})
        if fault.kind == "hang":
            await self._hang(fault.seconds or HANG_SECONDS)
        _drop_connection(request)
        return web.Response(status=499)  # never sent: the connection is gone

    async def _hang(self, seconds: float) -> None:
        release: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._hangs.add(release)
        try:
            # Released early by reset()/stop(), or the full time passes: dropped either way.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(release, timeout=seconds)
        finally:
            self._hangs.discard(release)

    def _release_hangs(self) -> None:
        for release in list(self._hangs):
            if not release.done():
                release.set_result(None)


def _drop_connection(request: web.Request) -> None:
    """Closes the client's TCP connection at once with a RST (no HTTP answer)."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
