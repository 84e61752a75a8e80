"""The SFTP connector against two real servers: asyncssh (in-process) and OpenSSH sshd."""

from __future__ import annotations

import io
import os
import shutil
import socket
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

import asyncssh
import paramiko
import pytest

from archivist.connectors import connector_type
from archivist.connectors.errors import (
    AlreadyExists,
    AuthExpired,
    ConnectorError,
    Fatal,
    NotFound,
    Transient,
)
from archivist.connectors.options import OptionError
from archivist.connectors.sftp import (
    CONNECTOR_TYPE,
    HostKeyMismatch,
    HostKeyNotPinned,
    SftpConnector,
)
from archivist.connectors.sftp.connector import TEMP_PREFIX
from tests.connectors.contract.suite import ConnectorContract, put, read
from tests.peers.sftp import (
    AsyncsshServer,
    OpensshUnavailable,
    SftpPeer,
    closed_port,
    start_asyncssh,
    start_openssh,
)


@pytest.fixture(scope="session")
def asyncssh_peer() -> Iterator[SftpPeer]:
    peer = start_asyncssh()
    yield peer
    peer.stop()


@pytest.fixture(scope="session")
def openssh_peer() -> Iterator[SftpPeer]:
    started = start_openssh()
    if isinstance(started, OpensshUnavailable):
        pytest.skip(started.reason)
    yield started
    started.stop()


def connect(options: dict[str, object]) -> SftpConnector:
    built = connector_type("sftp").connect(options)
    assert isinstance(built, SftpConnector)
    return built


@pytest.fixture
def made() -> Iterator[list[SftpConnector]]:
    """Connectors a test builds, closed at its end."""
    connectors: list[SftpConnector] = []
    yield connectors
    for connector in connectors:
        connector.close()


class _OnPeer:
    """Fixtures for one peer: the contract suite's and those of the tests below."""

    peer_name = ""

    @pytest.fixture
    def peer(self, request: pytest.FixtureRequest) -> SftpPeer:
        peer: SftpPeer = request.getfixturevalue(f"{self.peer_name}_peer")
        return peer

    @pytest.fixture
    def root(self, peer: SftpPeer) -> Iterator[tuple[str, Path]]:
        remote, local = peer.new_root()
        yield remote, local
        shutil.rmtree(local, ignore_errors=True)

    @pytest.fixture
    def connector(self, peer: SftpPeer, root: tuple[str, Path]) -> Iterator[SftpConnector]:
        connector = connect(peer.options(root[0]))
        yield connector
        connector.close()

    @pytest.fixture
    def unreachable_connector(self, peer: SftpPeer) -> Iterator[SftpConnector]:
        connector = connect(peer.options("/", port=closed_port()))
        yield connector
        connector.close()

    @pytest.fixture
    def refused_connector(self, peer: SftpPeer) -> Iterator[SftpConnector]:
        connector = connect(peer.options("/", password="not the password"))
        yield connector
        connector.close()


class TestAsyncsshContract(_OnPeer, ConnectorContract):
    peer_name = "asyncssh"


class TestOpensshContract(_OnPeer, ConnectorContract):
    peer_name = "openssh"


class _SftpBehaviour(_OnPeer):
    """What the contract does not cover: host keys, logins, threads, reconnects, ETags."""

    def test_a_changed_host_key_is_refused_before_any_credential(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        impostor = asyncssh.generate_private_key("ssh-ed25519")
        pinned = impostor.export_public_key("openssh").decode()
        connector = connect(peer.options(root[0], host_key=pinned))
        made.append(connector)
        attempts = _password_attempts(peer)
        with pytest.raises(HostKeyMismatch) as raised:
            connector.stat("")
        message = str(raised.value)
        assert "presented the host key ssh-ed25519 SHA256:" in message
        assert "not the pinned" in message
        assert "intercepting" in message
        assert peer.password not in message
        assert isinstance(raised.value, Fatal)
        assert _password_attempts(peer) == attempts

    def test_a_pinned_type_the_server_lacks_is_refused(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        rsa = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        connector = connect(
            peer.options(root[0], host_key=rsa.export_public_key("openssh").decode())
        )
        made.append(connector)
        with pytest.raises(HostKeyMismatch, match="no host key of the pinned type"):
            connector.stat("")

    def test_an_unpinned_host_key_is_shown_for_confirmation(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        unpinned = connect(peer.options(root[0], host_key=None))
        made.append(unpinned)
        with pytest.raises(HostKeyNotPinned) as raised:
            unpinned.stat("")
        assert raised.value.presented == peer.host_key
        assert raised.value.fingerprint in str(raised.value)
        assert peer.host_key in str(raised.value)
        pinned = connect(peer.options(root[0], host_key=raised.value.presented))
        made.append(pinned)
        assert pinned.stat("").is_folder
        trusting = connect(peer.options(root[0], host_key=None, insecure_accept_any_host_key="yes"))
        made.append(trusting)
        assert trusting.stat("").is_folder

    def test_any_pinned_key_of_the_server_is_accepted(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        second = peer.host_keys[1]  # ECDSA: the client must negotiate that type
        known_hosts_line = f"[{peer.host}]:{peer.port} {second} root@nas"
        connector = connect(peer.options(root[0], host_key=known_hosts_line))
        made.append(connector)
        assert connector.stat("").is_folder

    def test_key_login_with_and_without_a_passphrase(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        plain = connect(peer.options(root[0], password=None, private_key=peer.private_key))
        made.append(plain)
        put(plain, "by-key.txt", b"key")
        encrypted = asyncssh.import_private_key(peer.private_key).export_private_key(
            "openssh", passphrase="correct horse", rounds=1, ignore_few_rounds=True
        )
        locked = connect(
            peer.options(
                root[0],
                password=None,
                private_key=encrypted.decode(),
                private_key_passphrase="correct horse",
            )
        )
        made.append(locked)
        assert read(locked, "by-key.txt") == b"key"

    def test_a_refused_key_falls_back_to_the_password(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        stranger = asyncssh.generate_private_key("ssh-ed25519").export_private_key("openssh")
        connector = connect(peer.options(root[0], private_key=stranger.decode()))
        made.append(connector)
        assert connector.stat("").is_folder
        alone = connect(peer.options(root[0], password=None, private_key=stranger.decode()))
        made.append(alone)
        with pytest.raises(AuthExpired):
            alone.stat("")

    def test_sixteen_threads_upload_at_once(
        self, peer: SftpPeer, connector: SftpConnector, root: tuple[str, Path]
    ) -> None:
        connector.make_folder("many")
        start = threading.Barrier(16)

        def work(worker: int) -> list[str]:
            start.wait(timeout=30)
            written = []
            for number in range(4):
                path = f"many/{worker:02}-{number}.txt"
                data = f"{worker}/{number}".encode() * 1000
                entry = put(connector, path, data)
                assert entry.size == len(data)
                assert read(connector, path) == data
                written.append(path)
            return written

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(work, range(16)))
        expected = {path for paths in results for path in paths}
        assert {e.path for e in connector.list_tree("many")} == expected
        assert len(expected) == 64
        assert peer.connection_count() <= 2  # 16 sessions over 2 SSH connections
        assert sorted(os.listdir(root[1] / "many")) == sorted(p.split("/")[1] for p in expected)

    def test_a_dropped_connection_is_reopened(
        self, peer: SftpPeer, connector: SftpConnector
    ) -> None:
        put(connector, "before.txt", b"before")
        peer.drop_connections()
        assert connector.stat("before.txt").size == 6
        peer.drop_connections()
        put(connector, "after.txt", b"after")
        peer.drop_connections()
        assert {e.path for e in connector.list_tree()} == {"before.txt", "after.txt"}
        peer.drop_connections()
        assert read(connector, "after.txt") == b"after"

    def test_a_connection_dropped_mid_read_is_transient(
        self, peer: SftpPeer, connector: SftpConnector
    ) -> None:
        data = os.urandom(5 * 1024 * 1024)
        put(connector, "big.bin", data)
        with connector.open_read("big.bin") as stream:
            assert stream.read(1024 * 1024) == data[: 1024 * 1024]
            peer.drop_connections()
            with pytest.raises(Transient):
                _drain(stream)
        assert read(connector, "big.bin", offset=len(data) - 10) == data[-10:]

    def test_errors_of_the_caller_pass_through_untranslated(
        self, connector: SftpConnector, root: tuple[str, Path]
    ) -> None:
        class Broken(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
                raise OSError(5, "the local disk failed")

        put(connector, "kept.txt", b"kept")
        with pytest.raises(OSError, match="the local disk failed") as raised:
            connector.upload("kept.txt", Broken(), 10)  # type: ignore[arg-type]
        assert not isinstance(raised.value, Transient)
        with pytest.raises(KeyError):
            _fail_while_reading(connector, "kept.txt")
        assert read(connector, "kept.txt") == b"kept"
        assert sorted(p.name for p in root[1].iterdir()) == ["kept.txt"]

    def test_concurrent_create_only_uploads_let_exactly_one_win(
        self, connector: SftpConnector
    ) -> None:
        start = threading.Barrier(8)

        def create(worker: int) -> str:
            start.wait(timeout=30)
            try:
                put(connector, "contested.txt", f"writer {worker}".encode(), if_absent=True)
            except AlreadyExists:
                return "refused"
            return f"writer {worker}"

        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(create, range(8)))
        winners = [outcome for outcome in outcomes if outcome != "refused"]
        assert len(winners) == 1
        assert read(connector, "contested.txt") == winners[0].encode()

    def test_open_in_cloud_is_an_sftp_url_of_the_file(
        self, connector: SftpConnector, peer: SftpPeer, root: tuple[str, Path]
    ) -> None:
        connector.make_folder("docs")
        put(connector, "docs/plan ü.txt", b"plan")
        link = urlsplit(connector.web_link("docs/plan ü.txt", folder=False))
        assert (link.scheme, link.hostname, link.port) == ("sftp", "127.0.0.1", peer.port)
        assert unquote(link.username or "") == peer.username
        assert unquote(link.path) == f"{root[0]}/docs/plan ü.txt"
        assert (root[1] / "docs/plan ü.txt").read_bytes() == b"plan"
        assert connector.web_link("docs", folder=True).endswith("/docs/")

    def test_quick_rewrites_never_repeat_an_etag(self, connector: SftpConnector) -> None:
        etags = [put(connector, "quick.txt", bytes([65 + n]) * 8).etag for n in range(6)]
        etags.append(put(connector, "quick.txt", b"short").etag)
        etags.append(put(connector, "quick.txt", b"12345678").etag)
        assert len(set(etags)) == len(etags)
        assert connector.stat("quick.txt").etag == etags[-1]

    def test_a_replaced_file_keeps_its_permissions(
        self, connector: SftpConnector, root: tuple[str, Path]
    ) -> None:
        put(connector, "shared.txt", b"v1")
        os.chmod(root[1] / "shared.txt", 0o640)
        put(connector, "shared.txt", b"v2")
        assert stat.S_IMODE(os.stat(root[1] / "shared.txt").st_mode) == 0o640

    def test_no_temporary_file_is_left_or_listed(
        self, connector: SftpConnector, root: tuple[str, Path]
    ) -> None:
        put(connector, "a.txt", b"a")
        put(connector, "a.txt", b"b")
        put(connector, "b.txt", b"b", if_absent=True)
        with pytest.raises(AlreadyExists):
            put(connector, "b.txt", b"c", if_absent=True)
        with pytest.raises(Fatal):
            connector.upload("a.txt", io.BytesIO(b"short"), 100)
        (root[1] / f"{TEMP_PREFIX}crashed").write_bytes(b"left by a crash")
        os.symlink("a.txt", root[1] / "link.txt")
        assert {e.path for e in connector.list_tree()} == {"a.txt", "b.txt"}
        os.unlink(root[1] / f"{TEMP_PREFIX}crashed")
        assert sorted(p.name for p in root[1].iterdir()) == ["a.txt", "b.txt", "link.txt"]

    def test_a_missing_root_is_not_found(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        connector = connect(peer.options(f"{root[0]}/missing"))
        made.append(connector)
        with pytest.raises(NotFound):
            list(connector.list_tree())

    def test_a_relative_root_is_inside_the_login_folder(
        self, peer: SftpPeer, root: tuple[str, Path], made: list[SftpConnector]
    ) -> None:
        relative = root[0].removeprefix(peer.home_remote).lstrip("/")
        connector = connect(peer.options(relative))
        made.append(connector)
        put(connector, "here.txt", b"here")
        assert (root[1] / "here.txt").read_bytes() == b"here"

    def test_a_closed_connector_refuses_work(self, connector: SftpConnector) -> None:
        put(connector, "x.txt", b"x")
        connector.close()
        with pytest.raises(Fatal, match="closed"):
            connector.stat("x.txt")


class TestAsyncsshBehaviour(_SftpBehaviour):
    peer_name = "asyncssh"


class TestOpensshBehaviour(_SftpBehaviour):
    peer_name = "openssh"


def _drain(stream: BinaryIO) -> None:
    while stream.read(1024 * 1024):
        pass


def _fail_while_reading(connector: SftpConnector, path: str) -> None:
    with connector.open_read(path) as stream:
        stream.read(2)
        raise KeyError("the consumer's own failure")


def _password_attempts(peer: SftpPeer) -> int:
    """Password checks the asyncssh server made (0 for sshd, which does not tell)."""
    return int(getattr(peer.server, "password_attempts", 0))


def test_a_server_that_stops_answering_is_transient(
    asyncssh_peer: SftpPeer, made: list[SftpConnector]
) -> None:
    remote, local = asyncssh_peer.new_root()
    connector = connect(asyncssh_peer.options(remote, timeout=1, connect_timeout=1))
    made.append(connector)
    put(connector, "a.txt", b"a")
    server = asyncssh_peer.server
    assert isinstance(server, AsyncsshServer)
    stalled = time.monotonic()
    server.stall(4)
    # The session times out, so does the new connection tried in case the old one died.
    with pytest.raises(Transient):
        connector.stat("a.txt")
    time.sleep(max(0.0, stalled + 4.2 - time.monotonic()))  # until the server answers again
    assert connector.stat("a.txt").size == 1
    assert read(connector, "a.txt") == b"a"
    shutil.rmtree(local)


# --- without a server ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        AuthExpired("the server refused the user name or the credentials"),
        HostKeyNotPinned(
            "the host key is not pinned", presented="ssh-ed25519 AAAA", fingerprint="x"
        ),
    ],
)
def test_threads_waiting_for_a_failed_login_share_its_error(failure: ConnectorError) -> None:
    """Sixteen threads needing a connection make one login attempt, not sixteen."""
    from archivist.connectors.sftp.pool import SessionPool

    waiting = threading.Semaphore(0)
    calls = []

    def refuse() -> paramiko.Transport:
        calls.append(1)
        for _ in range(15):  # the other threads are inside acquire() before this fails
            waiting.acquire(timeout=30)
        time.sleep(0.1)
        raise failure

    pool = SessionPool(refuse, max_sessions=16, timeout=30)

    def use(_: int) -> BaseException | None:
        waiting.release()
        try:
            pool.acquire()
        except ConnectorError as error:
            return error
        return None

    with ThreadPoolExecutor(16) as threads:
        outcomes = list(threads.map(use, range(16)))
    pool.close()
    assert [type(outcome) for outcome in outcomes] == [type(failure)] * 16
    assert all(outcome.__dict__ == failure.__dict__ for outcome in outcomes)
    assert [str(outcome) for outcome in outcomes] == [str(failure)] * 16
    assert len(calls) == 1


def test_a_silent_server_is_transient() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        connector = connect(
            {
                "host": "127.0.0.1",
                "port": port,
                "username": "u",
                "password": "p",
                "connect_timeout": 1,
                "insecure_accept_any_host_key": True,
            }
        )
        try:
            with pytest.raises(Transient):
                connector.stat("")
        finally:
            connector.close()


OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----"
BASE: dict[str, object] = {"host": "nas.example", "username": "archivist", "password": "s3cret"}


@pytest.mark.parametrize(
    ("changes", "option", "problem"),
    [
        ({"host": None}, "host", "is required"),
        ({"host": "nas.example:2222"}, "host", "port option"),
        ({"host": "two words"}, "host", "expected a host name"),
        ({"username": None}, "username", "is required"),
        ({"port": "ssh"}, "port", "whole number"),
        ({"port": 0}, "port", "between 1 and 65535"),
        ({"port": 70000}, "port", "between 1 and 65535"),
        ({"timeout": 0}, "timeout", "between 1"),
        ({"max_sessions": 0}, "max_sessions", "between 1"),
        ({"password": None}, "password", "private_key"),
        ({"host_key": "not a key"}, "host_key", "not a public key line"),
        ({"host_key": "ssh-ed25519 !!!"}, "host_key", "base64"),
        ({"private_key": "hello"}, "private_key", "not the text of a private key"),
        (
            {"private_key": f"{OPENSSH_BEGIN}\nAAAA\n{OPENSSH_BEGIN.replace('BEGIN', 'END')}"},
            "private_key",
            "cannot be read",
        ),
        ({"insecure_accept_any_host_key": "maybe"}, "insecure_accept_any_host_key", "yes or no"),
        ({"bucket": "x"}, "bucket", "unknown option"),
    ],
)
def test_bad_options_name_the_option(changes: dict[str, object], option: str, problem: str) -> None:
    options = {**BASE, **changes}
    with pytest.raises(OptionError) as raised:
        CONNECTOR_TYPE.connect({k: v for k, v in options.items() if v is not None})
    assert raised.value.option == option
    assert problem in raised.value.problem
    assert "s3cret" not in str(raised.value)


def test_passphrase_problems_name_the_passphrase() -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    locked = key.export_private_key(
        "openssh", passphrase="right", rounds=1, ignore_few_rounds=True
    ).decode()
    plain = key.export_private_key("openssh").decode()
    cases = [
        ({"private_key": locked}, "is required"),
        ({"private_key": locked, "private_key_passphrase": "wrong"}, "does not decrypt"),
        ({"private_key": plain, "private_key_passphrase": "right"}, "not encrypted"),
    ]
    for changes, problem in cases:
        with pytest.raises(OptionError) as raised:
            CONNECTOR_TYPE.connect({**BASE, **changes})
        assert raised.value.option == "private_key_passphrase"
        assert problem in raised.value.problem
        assert "right" not in str(raised.value) and "BEGIN" not in str(raised.value)


def test_pem_keys_of_every_type_are_read() -> None:
    for key, export in [
        (asyncssh.generate_private_key("ssh-rsa", key_size=2048), "pkcs1-pem"),
        (asyncssh.generate_private_key("ecdsa-sha2-nistp256"), "pkcs8-pem"),
        (asyncssh.generate_private_key("ssh-ed25519"), "pkcs8-pem"),
    ]:
        built = connect({**BASE, "private_key": key.export_private_key(export).decode()})
        assert built.settings.private_key is not None
        built.close()


def test_secrets_stay_out_of_repr() -> None:
    key = asyncssh.generate_private_key("ssh-ed25519").export_private_key("openssh").decode()
    built = connect({**BASE, "private_key": key})
    try:
        shown = repr(built) + repr(built.settings)
        assert "s3cret" not in shown
        assert "PRIVATE" not in shown
    finally:
        built.close()


def test_the_declaration() -> None:
    assert CONNECTOR_TYPE.name == "sftp"
    assert CONNECTOR_TYPE.label == "SFTP (NAS over SSH)"
    secrets = {option.name for option in CONNECTOR_TYPE.options if option.secret}
    assert secrets == {"password", "private_key", "private_key_passphrase"}
    (host_key,) = [option for option in CONNECTOR_TYPE.options if option.name == "host_key"]
    assert "first" in host_key.help and "fingerprint" in host_key.help
