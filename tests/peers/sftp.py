"""Real SFTP servers for tests: an in-process asyncssh server and OpenSSH `sshd` from Debian.

Both listen on 127.0.0.1 on a free port, accept a password and an ed25519 key for one test user,
and present host keys generated at start. `new_root()` gives each test an empty folder of its own
(the connector's `root` option). `drop_connections()` cuts every client connection on the server
side, as a NAS reboot or an idle timeout would.

- asyncssh: runs in a background thread's event loop, its SFTP server chrooted into a temporary
  folder (so remote paths are `/…`). Always available.
- OpenSSH: `sshd -D -e -f <throwaway config>` (internal-sftp, own host keys, AuthorizedKeysFile in
  the temporary folder, StrictModes no, UsePAM no). It needs the Debian package `openssh-server`
  and root: the test user `archivist-sftp-test` is created when missing and gets a fresh random
  password at each start. When either is missing, `OpensshUnavailable.reason` says why and the
  tests skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import asyncssh
import pytest

from tests.peers.shared import shared

USER = "archivist-sftp-test"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class _Running(Protocol):
    def connection_count(self) -> int: ...

    def drop_connections(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class SftpPeer:
    """A running SFTP server and what a connector needs to log in."""

    name: str
    host: str
    port: int
    username: str
    password: str
    private_key: str  # OpenSSH text of the user's ed25519 key
    host_keys: tuple[str, ...]  # "type base64" lines of every host key the server holds
    home: Path  # the local folder that remote `home_remote` is
    home_remote: str
    owner: tuple[int, int] | None = None  # uid, gid of the remote user when not ours
    server: _Running | None = field(default=None, repr=False)

    @property
    def host_key(self) -> str:
        """The key a client negotiates first (ed25519)."""
        return self.host_keys[0]

    def options(self, root: str, **overrides: object) -> dict[str, object]:
        """Connector options logging in with the password, host key pinned."""
        values: dict[str, object] = {
            "host": self.host,
            "port": self.port,
            "username": self.username,
            "password": self.password,
            "root": root,
            "host_key": self.host_key,
            "connect_timeout": 5,
            "timeout": 10,
        }
        values.update(overrides)
        return {name: value for name, value in values.items() if value is not None}

    def new_root(self) -> tuple[str, Path]:
        """A fresh empty folder: (remote path, local path)."""
        name = f"t-{uuid.uuid4().hex[:12]}"
        local = self.home / name
        local.mkdir()
        if self.owner is not None:
            os.chown(local, *self.owner)
        return f"{self.home_remote.rstrip('/')}/{name}", local

    def connection_count(self) -> int:
        """SSH connections the server holds open now."""
        return self.server.connection_count() if self.server is not None else 0

    def drop_connections(self) -> None:
        """Cuts every client connection on the server side."""
        if self.server is not None:
            self.server.drop_connections()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def closed_port() -> int:
    """A port nothing listens on (bound then released)."""
    return free_port()


def _user_key() -> tuple[asyncssh.SSHKey, str]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    return key, key.export_private_key("openssh").decode()


def _public_line(key: asyncssh.SSHKey) -> str:
    return " ".join(key.export_public_key("openssh").decode().split()[:2])


# --- asyncssh -----------------------------------------------------------------------------------


class AsyncsshServer:
    """The asyncssh listener in its own thread and event loop."""

    def __init__(self, root: Path, password: str, user_key: asyncssh.SSHKey):
        self.root = root
        self.password = password
        self.user_key = user_key
        self.host_keys = [
            asyncssh.generate_private_key("ssh-ed25519"),
            asyncssh.generate_private_key("ecdsa-sha2-nistp256"),
        ]
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.password_attempts = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="asyncssh-peer")
        self.listener: asyncssh.SSHAcceptor | None = None
        self.port = 0

    def start(self) -> None:
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self.loop)
        self.port = future.result(timeout=10)

    async def _listen(self) -> int:
        peer = self
        authorized = asyncssh.import_authorized_keys(
            self.user_key.export_public_key("openssh").decode()
        )

        class Server(asyncssh.SSHServer):
            def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
                peer.connections.add(conn)
                self.conn = conn

            def connection_lost(self, exc: Exception | None) -> None:
                peer.connections.discard(self.conn)

            def begin_auth(self, username: str) -> bool:
                return True

            def password_auth_supported(self) -> bool:
                return True

            def validate_password(self, username: str, password: str) -> bool:
                peer.password_attempts += 1
                return username == USER and secrets.compare_digest(password, peer.password)

        def sftp_factory(channel: asyncssh.SSHServerChannel[bytes]) -> asyncssh.SFTPServer:
            return asyncssh.SFTPServer(channel, chroot=str(self.root).encode())

        self.listener = await asyncssh.create_server(
            Server,
            "127.0.0.1",
            0,
            server_host_keys=self.host_keys,
            authorized_client_keys=authorized,
            sftp_factory=sftp_factory,
            allow_scp=False,
        )
        port: int = self.listener.get_port()
        return port

    def connection_count(self) -> int:
        return len(self.connections)

    def stall(self, seconds: float) -> None:
        """Blocks the server's event loop: it answers nothing for `seconds`."""
        self.loop.call_soon_threadsafe(time.sleep, seconds)

    def drop_connections(self) -> None:
        async def drop() -> None:
            for connection in list(self.connections):
                connection.abort()
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(drop(), self.loop).result(timeout=10)

    def stop(self) -> None:
        async def close() -> None:
            for connection in list(self.connections):
                connection.abort()
            if self.listener is not None:
                self.listener.close()
                await self.listener.wait_closed()
            await asyncio.sleep(0.05)  # let aborted connections finish their callbacks

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()
        shutil.rmtree(self.root, ignore_errors=True)


def start_asyncssh() -> SftpPeer:
    """An asyncssh SFTP server chrooted into a new temporary folder."""
    root = Path(tempfile.mkdtemp(prefix="archivist-asyncssh-"))
    password = secrets.token_urlsafe(16)
    user_key, user_key_text = _user_key()
    server = AsyncsshServer(root, password, user_key)
    server.start()
    return SftpPeer(
        name="asyncssh",
        host="127.0.0.1",
        port=server.port,
        username=USER,
        password=password,
        private_key=user_key_text,
        host_keys=tuple(_public_line(key) for key in server.host_keys),
        home=root,
        home_remote="/",
        server=server,
    )


@contextlib.contextmanager
def asyncssh_running() -> Iterator[SftpPeer]:
    peer = start_asyncssh()
    try:
        yield peer
    finally:
        peer.stop()


@pytest.fixture(scope="session")
def asyncssh_server() -> Iterator[SftpPeer]:
    """An asyncssh server, one per test process whichever modules use this fixture. Do not stall
    it or drop its connections (tests that do start their own with `start_asyncssh`)."""
    with shared("asyncssh", asyncssh_running) as peer:
        yield peer


# --- OpenSSH ------------------------------------------------------------------------------------


@dataclass
class OpensshUnavailable:
    reason: str


class _Sshd:
    def __init__(self, process: subprocess.Popen[bytes], folder: Path, log: Path):
        self.process = process
        self.folder = folder
        self.log = log

    def connection_count(self) -> int:
        return len(_children(self.process.pid))

    def drop_connections(self) -> None:
        """Ends the per-connection sshd processes (children of ours), found by PID."""
        for child in _children(self.process.pid):
            with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
                os.kill(child, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while _children(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self.drop_connections()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def start_openssh() -> SftpPeer | OpensshUnavailable:
    """OpenSSH sshd on a free port with a throwaway config, or why it cannot run here."""
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    keygen = shutil.which("ssh-keygen")
    if sshd is None or keygen is None:
        return OpensshUnavailable("OpenSSH sshd not installed (apt-get install openssh-server)")
    if os.geteuid() != 0:
        return OpensshUnavailable(
            "OpenSSH peer needs root: to create the test user and to check passwords"
        )
    password = secrets.token_urlsafe(16)
    problem = _ensure_user(password)
    if problem:
        return OpensshUnavailable(problem)
    entry = pwd.getpwnam(USER)
    home = Path(entry.pw_dir)
    folder = Path(tempfile.mkdtemp(prefix="archivist-sshd-"))
    folder.chmod(0o755)  # sshd reads AuthorizedKeysFile as the user
    (folder / "keys").mkdir(mode=0o755)
    user_key, user_key_text = _user_key()
    (folder / "keys" / USER).write_text(_public_line(user_key) + "\n")
    (folder / "keys" / USER).chmod(0o644)
    host_keys = []
    for kind in ("ed25519", "ecdsa"):
        key_file = folder / f"ssh_host_{kind}_key"
        subprocess.run(
            [keygen, "-q", "-t", kind, "-N", "", "-f", str(key_file)],
            check=True,
            capture_output=True,
        )
        host_keys.append(" ".join(Path(f"{key_file}.pub").read_text().split()[:2]))
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"Port {port}",
                *(f"HostKey {folder}/ssh_host_{kind}_key" for kind in ("ed25519", "ecdsa")),
                f"PidFile {folder}/sshd.pid",
                f"AuthorizedKeysFile {folder}/keys/%u",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication yes",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin no",
                f"AllowUsers {USER}",
                "MaxStartups 64",
                "MaxAuthTries 3",
                "Subsystem sftp internal-sftp",
                "ForceCommand internal-sftp",
                "LogLevel ERROR",
                "",
            ]
        )
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = folder / "sshd.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sshd, "-D", "-e", "-f", str(config)],
            stdout=log_file,
            stderr=log_file,
            preexec_fn=_die_with_parent,
        )
    server = _Sshd(process, folder, log)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(4) == b"SSH-":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            return OpensshUnavailable(f"sshd did not start: {log.read_text()[-500:]}")
        time.sleep(0.02)
    return SftpPeer(
        name="openssh",
        host="127.0.0.1",
        port=port,
        username=USER,
        password=password,
        private_key=user_key_text,
        host_keys=tuple(host_keys),
        home=home,
        home_remote=str(home),
        owner=(entry.pw_uid, entry.pw_gid),
        server=server,
    )


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process dies, even if it is killed."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _ensure_user(password: str) -> str:
    """Creates the test user when missing and sets its password; a problem, or ""."""
    try:
        pwd.getpwnam(USER)
    except KeyError:
        useradd = shutil.which("useradd")
        if useradd is None:
            return "useradd not found to create the OpenSSH test user"
        made = subprocess.run(
            [useradd, "--create-home", "--shell", "/usr/sbin/nologin", USER],
            capture_output=True,
        )
        if made.returncode != 0:
            return f"could not create the user {USER}: {made.stderr.decode().strip()}"
    home = Path(pwd.getpwnam(USER).pw_dir)
    if not home.is_dir():
        return f"the home folder of {USER} ({home}) does not exist"
    chpasswd = shutil.which("chpasswd")
    if chpasswd is None:
        return "chpasswd not found to set the OpenSSH test user's password"
    changed = subprocess.run([chpasswd], input=f"{USER}:{password}".encode(), capture_output=True)
    if changed.returncode != 0:
        return f"could not set the password of {USER}: {changed.stderr.decode().strip()}"
    return ""
