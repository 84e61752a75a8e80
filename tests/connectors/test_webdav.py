"""The WebDAV connector against three real servers.

- wsgidav with a Nextcloud-like provider (`tests/peers/webdav.py`), nextcloud flavour: PUT in
  place, `oc:fileid`, propagated folder ETags, the OCS share API fake;
- the same wsgidav on a plain share whose PUT writes in place, generic flavour: uploads go
  through a temporary file and a MOVE;
- Apache httpd mod_dav_fs (`tests/peers/apache_dav.py`), generic flavour.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from archivist.connectors import connector_type
from archivist.connectors.base import Entry, SupportsPublicLinks
from archivist.connectors.errors import (
    AlreadyExists,
    AuthExpired,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    QuotaExceeded,
    RateLimited,
    Transient,
)
from archivist.connectors.options import OptionError
from archivist.connectors.webdav import WebDavConnector, WebDavConnectorWithLinks
from archivist.connectors.webdav.client import MAX_TRANSFERS
from archivist.connectors.webdav.propfind import MultistatusParser, UnsafeXml
from tests.connectors.contract.suite import ConnectorContract, files, put, read
from tests.peers.apache_dav import ApachePeer, apache_dav_server  # noqa: F401
from tests.peers.webdav import WebDavPeer, webdav_server  # noqa: F401

UNUSUAL = "Ünï [b] (p) #h %25 ?q &a +p 'q' \u202ertl.txt"


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/remote.php/dav/files/alice"


@pytest.fixture
def make_connector() -> Iterator[Callable[..., WebDavConnector]]:
    """Builds connectors and closes them after the test."""
    made: list[WebDavConnector] = []

    def make(url: str, user: str, password: str, flavour: str) -> WebDavConnector:
        made.append(WebDavConnector(url, user, password, flavour=flavour))
        return made[-1]

    yield make
    for connector in made:
        connector.close()


class WebDavBehaviour(ConnectorContract):
    """The contract plus what every WebDAV peer must also do; subclasses supply `server`."""

    flavour: str

    @pytest.fixture
    def root(self, server: WebDavPeer | ApachePeer) -> tuple[str, Path]:
        raise NotImplementedError

    @pytest.fixture
    def connector(
        self,
        root: tuple[str, Path],
        server: WebDavPeer | ApachePeer,
        make_connector: Callable[..., WebDavConnector],
    ) -> WebDavConnector:
        return make_connector(root[0], server.user, server.password, self.flavour)

    @pytest.fixture
    def refused_connector(
        self,
        root: tuple[str, Path],
        server: WebDavPeer | ApachePeer,
        make_connector: Callable[..., WebDavConnector],
    ) -> WebDavConnector:
        return make_connector(root[0], server.user, "wrong password", self.flavour)

    @pytest.fixture
    def unreachable_connector(
        self, make_connector: Callable[..., WebDavConnector]
    ) -> WebDavConnector:
        return make_connector(_closed_port_url(), "alice", "secret", self.flavour)

    def test_preconditions_hold_for_unusual_names(self, connector: WebDavConnector) -> None:
        first = put(connector, UNUSUAL, b"1")
        second = put(connector, UNUSUAL, b"2", if_match=first.etag)
        with pytest.raises(PreconditionFailed):
            put(connector, UNUSUAL, b"lost", if_match=first.etag)
        with pytest.raises(PreconditionFailed):
            connector.move(UNUSUAL, "elsewhere.txt", if_match=first.etag)
        with pytest.raises(PreconditionFailed):
            connector.delete(UNUSUAL, if_match=first.etag)
        moved = connector.move(UNUSUAL, f"{UNUSUAL}.moved", if_match=second.etag)
        connector.delete(moved.path, if_match=moved.etag)
        assert list(connector.list_tree()) == []

    def test_a_folder_moves_and_goes_only_with_its_etag(self, connector: WebDavConnector) -> None:
        connector.make_folder("box")
        connector.make_folder("box/inside")
        put(connector, "box/inside/file.txt", b"content")
        with pytest.raises(PreconditionFailed):
            connector.move("box", "moved", if_match='"not-its-etag"')
        with pytest.raises(PreconditionFailed):
            connector.delete("box", if_match='"not-its-etag"')
        moved = connector.move("box", "moved", if_match=connector.stat("box").etag)
        assert files(connector) == {"moved/inside/file.txt"}
        connector.delete("moved", if_match=moved.etag)
        assert list(connector.list_tree()) == []

    def test_make_folder_under_a_missing_parent_is_not_found(
        self, connector: WebDavConnector
    ) -> None:
        with pytest.raises(NotFound):
            connector.make_folder("missing/child")

    def test_listing_a_file_is_a_conflict(self, connector: WebDavConnector) -> None:
        put(connector, "plain.txt", b"x")
        with pytest.raises(Conflict):
            list(connector.list_tree("plain.txt"))

    def test_wrong_credentials_never_show_the_password(
        self, refused_connector: WebDavConnector
    ) -> None:
        with pytest.raises(AuthExpired) as raised:
            refused_connector.stat("")
        shown = f"{raised.value} {raised.value!r} {getattr(raised.value, '__notes__', '')}"
        assert "401" in shown
        assert "wrong password" not in shown

    def test_reading_past_the_end_gives_nothing(self, connector: WebDavConnector) -> None:
        put(connector, "short.txt", b"abc")
        assert read(connector, "short.txt", offset=3) == b""

    def test_the_root_is_a_folder(self, connector: WebDavConnector) -> None:
        root = connector.stat("")
        assert (root.path, root.is_folder) == ("", True)
        with pytest.raises(AlreadyExists):
            connector.make_folder("")

    def test_transfers_run_in_parallel_on_one_connector(self, connector: WebDavConnector) -> None:
        connector.make_folder("many")
        names = [f"many/{number:03}.txt" for number in range(3 * MAX_TRANSFERS)]
        with ThreadPoolExecutor(MAX_TRANSFERS) as pool:
            written = list(pool.map(lambda name: put(connector, name, name.encode()), names))
            contents = list(pool.map(lambda name: read(connector, name), names))
        assert contents == [name.encode() for name in names]
        assert len({entry.etag for entry in written}) == len(names)
        assert files(connector) == set(names)


class GenericBehaviour(WebDavBehaviour):
    """Generic servers get the WebDAV `If` header, and the connector checks before sending."""

    flavour = "generic"

    def test_the_server_itself_checks_the_if_header(self, connector: WebDavConnector) -> None:
        """The connector also checks before sending, so ask the server directly."""
        connector.make_folder("f")
        stale = put(connector, "f/x.txt", b"1").etag
        put(connector, "f/x.txt", b"2")
        put(connector, "f/upload.tmp", b"new")
        assert stale is not None
        bogus = '"0-0-0"'
        requests = [
            ("DELETE", "f/x.txt", "f/x.txt", stale, False, {}),
            ("MOVE", "f/x.txt", "f/x.txt", stale, False, {"Overwrite": "F", "to": "f/y.txt"}),
            ("MOVE", "f/upload.tmp", "f/x.txt", stale, False, {"Overwrite": "T", "to": "f/x.txt"}),
            ("DELETE", "f", "f", bogus, True, {}),
            ("MOVE", "f", "f", bogus, True, {"Overwrite": "F", "to": "g"}),
        ]
        for method, path, condition_on, etag, folder, extra in requests:
            headers = {key: value for key, value in extra.items() if key != "to"}
            if "to" in extra:
                headers["Destination"] = connector.root.url(extra["to"])
            headers["If"] = connector._if_header(condition_on, etag, folder=folder)
            response = connector._dav.send(method, path, headers=headers)
            assert response.status_code == 412, (method, path, headers["If"])
        assert read(connector, "f/x.txt") == b"2"
        assert files(connector) == {"f/x.txt", "f/upload.tmp"}


class TestNextcloudOnWsgidav(WebDavBehaviour):
    flavour = "nextcloud"

    @pytest.fixture
    def server(self, webdav_server: WebDavPeer) -> WebDavPeer:  # noqa: F811
        return webdav_server

    @pytest.fixture
    def root(self, server: WebDavPeer) -> tuple[str, Path]:
        return server.new_root("nextcloud")

    def test_file_ids_survive_moves_and_rewrites(self, connector: WebDavConnector) -> None:
        connector.make_folder("a")
        connector.make_folder("b")
        first = put(connector, "a/doc.txt", b"one")
        assert first.id is not None
        rewritten = put(connector, "a/doc.txt", b"two", if_match=first.etag)
        moved = connector.move("a/doc.txt", "b/renamed.txt")
        folder_before = connector.stat("a")
        folder_after = connector.move("a", "c")
        assert first.id == rewritten.id == moved.id == connector.stat("b/renamed.txt").id
        assert folder_before.id == folder_after.id
        assert first.etag != rewritten.etag

    def test_open_in_cloud_is_the_file_page_by_id(
        self, connector: WebDavConnector, server: WebDavPeer, root: tuple[str, Path]
    ) -> None:
        written = put(connector, "a b.txt", b"x")
        assert written.id is not None
        page = connector.web_link("a b.txt", folder=False, remote_id=written.id)
        assert page == f"{server.base_url}/index.php/f/{written.id}"
        folder = root[0].removeprefix(server.base_url).split("/")[-1]
        without_id = connector.web_link("a b.txt", folder=False)
        assert without_id == (
            f"{server.base_url}/index.php/apps/files/?dir=/{folder}&scrollto=a%20b.txt"
        )

    def test_an_upload_is_one_request_with_the_mtime(
        self, connector: WebDavConnector, server: WebDavPeer, root: tuple[str, Path]
    ) -> None:
        before = len(server.requests_under(root[0]))
        written = put(connector, "one.txt", b"one request")
        assert server.requests_under(root[0])[before:] == [
            ("PUT", f"{root[0].removeprefix(server.base_url)}/one.txt")
        ]
        stated = connector.stat("one.txt")
        assert (written.id, written.etag, written.modified) == (
            stated.id,
            stated.etag,
            stated.modified,
        )

    def test_skip_avoids_listing_unchanged_folders(
        self, connector: WebDavConnector, server: WebDavPeer, root: tuple[str, Path]
    ) -> None:
        for folder in ("quiet", "quiet/deep", "busy", "busy/deep"):
            connector.make_folder(folder)
        put(connector, "quiet/deep/q.txt", b"q")
        put(connector, "busy/deep/b.txt", b"b")
        observed = {entry.path: entry for entry in connector.list_tree()}
        put(connector, "busy/deep/new.txt", b"new")

        def unchanged(folder: Entry) -> bool:
            return folder.etag == observed[folder.path].etag if folder.path in observed else False

        prefix = root[0].removeprefix(server.base_url)
        before = len(server.requests)
        listed = {entry.path for entry in connector.list_tree(skip=unchanged)}
        propfinds = sorted(
            target.removeprefix(prefix)
            for method, target in server.requests[before:]
            if method == "PROPFIND" and target.startswith(prefix)
        )
        assert propfinds == ["/", "/busy/", "/busy/deep/"]
        assert "busy/deep/new.txt" in listed
        assert "quiet/deep" not in listed

    def test_public_links_are_made_once_and_download(
        self, server: WebDavPeer, root: tuple[str, Path]
    ) -> None:
        built = connector_type("webdav").connect(
            {
                "url": root[0],
                "username": server.user,
                "password": server.password,
                "flavour": "nextcloud",
                "use_public_urls": "yes",
            }
        )
        try:
            assert isinstance(built, WebDavConnectorWithLinks)
            assert isinstance(built, SupportsPublicLinks)
            assert built.capabilities.public_links
            built.make_folder("public")
            put(built, "public/offer 1 ü.pdf", b"%PDF offer")
            created = server.ocs.created
            link = built.public_link("public/offer 1 ü.pdf")
            assert built.public_link("public/offer 1 ü.pdf") == link
            assert server.ocs.created == created + 1
            download = httpx.get(link)
            assert download.status_code == 200
            assert download.content == b"%PDF offer"
            page = built.web_link("public/offer 1 ü.pdf", folder=False)
            assert page == link.removesuffix("/download"), "Open in Cloud: the share's page"
            assert server.ocs.created == created + 1, "the same public link"
            with pytest.raises(NotFound):
                built.public_link("public/missing.pdf")
        finally:
            built.close()


class TestGenericOnPlainWsgidav(GenericBehaviour):
    @pytest.fixture
    def server(self, webdav_server: WebDavPeer) -> WebDavPeer:  # noqa: F811
        return webdav_server

    @pytest.fixture
    def root(self, server: WebDavPeer) -> tuple[str, Path]:
        return server.new_root("plain")

    def test_a_broken_upload_leaves_no_temporary_file(
        self, connector: WebDavConnector, root: tuple[str, Path]
    ) -> None:
        put(connector, "kept.txt", b"kept")
        with pytest.raises(Fatal):
            connector.upload("kept.txt", io.BytesIO(b"sh"), 10)
        with pytest.raises(Fatal):
            connector.upload("new.txt", io.BytesIO(b"sh"), 10, if_absent=True)
        assert sorted(path.name for path in root[1].iterdir()) == ["kept.txt"]

    def test_uploads_cost_three_or_four_requests(
        self, connector: WebDavConnector, server: WebDavPeer, root: tuple[str, Path]
    ) -> None:
        def methods_since(before: int) -> list[str]:
            return [method for method, _ in server.requests_under(root[0])[before:]]

        before = len(server.requests_under(root[0]))
        created = put(connector, "n.txt", b"1", if_absent=True)
        assert methods_since(before) == ["PUT", "MOVE", "PROPFIND"]
        before = len(server.requests_under(root[0]))
        put(connector, "n.txt", b"2", if_match=created.etag)
        assert methods_since(before) == ["PROPFIND", "PUT", "MOVE", "PROPFIND"]

    def test_skip_is_ignored_without_propagated_folder_etags(
        self, connector: WebDavConnector
    ) -> None:
        connector.make_folder("a")
        put(connector, "a/x.txt", b"x")
        assert {e.path for e in connector.list_tree(skip=lambda _: True)} == {"a", "a/x.txt"}


class TestGenericOnApache(GenericBehaviour):
    @pytest.fixture
    def server(self, apache_dav_server: ApachePeer) -> ApachePeer:  # noqa: F811
        return apache_dav_server

    @pytest.fixture
    def root(self, server: ApachePeer) -> tuple[str, Path]:
        return server.new_root()


# --- without a server -------------------------------------------------------------------------


def _answering(
    status: int,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    flavour: str = "generic",
) -> WebDavConnector:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, content=body)

    return WebDavConnector(
        "https://dav.example.com/remote.php/dav/files/alice",
        "alice",
        "s3cret-password",
        flavour=flavour,
        transport=httpx.MockTransport(answer),
    )


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (401, {}, AuthExpired),
        (403, {}, PermissionDenied),
        (404, {}, NotFound),
        (423, {}, Conflict),
        (507, {}, QuotaExceeded),
        (413, {}, QuotaExceeded),
        (429, {"Retry-After": "7"}, RateLimited),
        (503, {"Retry-After": "7"}, RateLimited),
        (503, {}, Transient),
        (500, {}, Transient),
        (400, {}, Fatal),
        (301, {"Location": "https://elsewhere.example.com/dav/"}, Fatal),
    ],
)
def test_statuses_become_connector_errors(
    status: int, headers: dict[str, str], expected: type[ConnectorError]
) -> None:
    connector = _answering(status, headers)
    try:
        with pytest.raises(expected) as raised:
            connector.stat("docs/a.txt")
    finally:
        connector.close()
    message = str(raised.value)
    assert str(status) in message
    assert "https://dav.example.com/remote.php/dav/files/alice/docs/a.txt" in message
    assert "s3cret-password" not in message
    if expected is RateLimited:
        assert isinstance(raised.value, RateLimited)
        assert raised.value.retry_after == 7
    if status == 301:
        assert "elsewhere.example.com" in message


def test_a_refused_create_only_upload_is_already_exists() -> None:
    connector = _answering(412, flavour="nextcloud")
    try:
        with pytest.raises(AlreadyExists):
            put(connector, "x.txt", b"x", if_absent=True)
        with pytest.raises(PreconditionFailed):
            put(connector, "x.txt", b"x", if_match='"old"')
    finally:
        connector.close()


def test_entities_and_doctypes_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<d:multistatus xmlns:d="DAV:"><d:response><d:href>&b;</d:href></d:response>'
        b"</d:multistatus>"
    )
    parser = MultistatusParser()
    with pytest.raises(UnsafeXml):
        parser.feed(bomb)
    connector = _answering(207, {"Content-Type": "application/xml"}, bomb)
    try:
        with pytest.raises(Fatal, match="document type"):
            connector.stat("")
    finally:
        connector.close()


def test_a_nextcloud_answer_is_parsed_in_chunks() -> None:
    body = (
        b'<?xml version="1.0"?>'
        b'<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">'
        b"<d:response><d:href>/remote.php/dav/files/alice/Docs/</d:href>"
        b"<d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype>"
        b'<d:getetag>"f1"</d:getetag><oc:fileid>7</oc:fileid></d:prop>'
        b"<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        b"<d:response><d:href>https://cloud.example.com/remote.php/dav/files/alice/Docs/"
        b"Caf%C3%A9%20%231.txt</d:href>"
        b"<d:propstat><d:prop><d:resourcetype/><d:getcontentlength>12</d:getcontentlength>"
        b"<d:getlastmodified>Tue, 03 Nov 2026 10:00:00 GMT</d:getlastmodified>"
        b'<d:getetag>"e2"</d:getetag><oc:fileid>8</oc:fileid>'
        b"<oc:checksums><oc:checksum>SHA1:ABC MD5:DEF ADLER32:01</oc:checksum></oc:checksums>"
        b"</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
        b"<d:propstat><d:prop><oc:size/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status>"
        b"</d:propstat></d:response></d:multistatus>"
    )
    parser = MultistatusParser()
    resources = [r for i in range(0, len(body), 7) for r in parser.feed(body[i : i + 7])]
    resources += parser.close()
    folder, file = resources
    assert (folder.href, folder.is_collection, folder.fileid) == (
        "/remote.php/dav/files/alice/Docs/",
        True,
        "7",
    )
    assert file.href == "/remote.php/dav/files/alice/Docs/Café #1.txt"
    assert (file.size, file.etag, file.fileid) == (12, '"e2"', "8")
    assert file.hashes == {"sha1": "abc", "md5": "def"}
    assert file.modified is not None
    assert file.modified.isoformat() == "2026-11-03T10:00:00+00:00"


@pytest.mark.parametrize(
    ("raw", "option"),
    [
        ({"username": "a", "password": "p"}, "url"),
        ({"url": "ftp://x/", "username": "a", "password": "p"}, "url"),
        ({"url": "https://u:p@x/dav", "username": "a", "password": "p"}, "url"),
        ({"url": "https://x/dav?x=1", "username": "a", "password": "p"}, "url"),
        ({"url": "https://x/dav", "password": "p"}, "username"),
        ({"url": "https://x/dav", "username": "a"}, "password"),
        ({"url": "https://x/dav", "username": "a", "password": "p", "flavour": "box"}, "flavour"),
        (
            {"url": "https://x/", "username": "a", "password": "p", "verify_tls": "maybe"},
            "verify_tls",
        ),
        (
            {"url": "https://x/", "username": "a", "password": "p", "use_public_urls": "yes"},
            "use_public_urls",
        ),
        (
            {
                "url": "https://x/dav",
                "username": "a",
                "password": "p",
                "flavour": "nextcloud",
                "use_public_urls": "yes",
            },
            "url",
        ),
    ],
)
def test_bad_options_name_the_option(raw: dict[str, str], option: str) -> None:
    with pytest.raises(OptionError) as raised:
        connector_type("webdav").connect(raw)
    assert raised.value.option == option


def test_the_declared_type_builds_each_flavour() -> None:
    declared = connector_type("webdav")
    assert declared.label == "WebDAV / Nextcloud / ownCloud / NAS"
    assert {option.name for option in declared.options if option.secret} == {"password"}
    base = {"url": "https://x/remote.php/dav/files/a", "username": "a", "password": "p"}
    plain = declared.connect(base)
    nextcloud = declared.connect({**base, "flavour": "owncloud", "verify_tls": "no"})
    try:
        assert type(plain) is WebDavConnector
        assert not isinstance(plain, SupportsPublicLinks)
        assert not plain.capabilities.stable_ids
        assert nextcloud.capabilities.stable_ids
        assert nextcloud.capabilities.conditional_writes
    finally:
        plain.close()
        nextcloud.close()


def test_only_a_redirect_adding_a_folder_slash_is_followed() -> None:
    asked: list[str] = []
    folder = (
        b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response>'
        b"<d:href>/dav/docs/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/>"
        b"</d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
        b"</d:response></d:multistatus>"
    )

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/dav/docs":
            return httpx.Response(301, headers={"Location": "/dav/docs/"})
        if request.url.path == "/dav/docs/":
            return httpx.Response(207, content=folder)
        return httpx.Response(302, headers={"Location": "https://evil.example.com/dav/x"})

    connector = WebDavConnector(
        "https://dav.example.com/dav", "alice", "pw", transport=httpx.MockTransport(answer)
    )
    try:
        assert connector.stat("docs").is_folder
        with pytest.raises(Fatal, match=r"evil\.example\.com"):
            connector.stat("x")
    finally:
        connector.close()
    assert asked == [
        "https://dav.example.com/dav/docs",
        "https://dav.example.com/dav/docs/",
        "https://dav.example.com/dav/x",
    ]
