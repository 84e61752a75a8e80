"""Apache httpd with mod_dav_fs for tests: a second, independent WebDAV implementation.

Started from Debian's `apache2` package (`/usr/sbin/apache2`) with a throwaway configuration on
127.0.0.1 and a free port, basic auth from its own password file, and stopped by its PID. Where
the package is missing the tests that need it skip, naming the package to install. Apache's
PUT is atomic (a temporary file renamed into place), its ETags are `size-mtime(µs)` and weak
(`W/`) for a second after a write; folder ETags do not propagate; `oc:fileid` does not exist.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
USER = "bob"
PASSWORD = "apache tiger 1"
MISSING = "Apache httpd is not installed (Debian package: apache2)"

CONFIG = """\
ServerRoot "{home}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{home}/httpd.pid"
ErrorLog "{home}/error.log"
LogLevel warn
{user}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authn_file_module {modules}/mod_authn_file.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule auth_basic_module {modules}/mod_auth_basic.so
LoadModule alias_module {modules}/mod_alias.so
LoadModule dav_module {modules}/mod_dav.so
LoadModule dav_fs_module {modules}/mod_dav_fs.so
StartServers 1
ServerLimit 2
ThreadsPerChild 32
MaxRequestWorkers 64
Timeout 30
# Apache's default "MTime Size" gives two same-size writes within one kernel clock tick (4 ms
# here) the same ETag; with the inode (new on every PUT: Apache writes a temporary file and
# renames it) they differ.
FileETag INode MTime Size
DavLockDB "{home}/locks/davlock"
Alias /dav "{data}"
<Directory "{data}">
    Dav On
    AuthType Basic
    AuthName "archivist-test"
    AuthBasicProvider file
    AuthUserFile "{home}/htpasswd"
    Require valid-user
</Directory>
"""


@dataclass(frozen=True)
class ApachePeer:
    base_url: str
    data: Path
    owner: tuple[int, int] | None
    user: str = USER
    password: str = PASSWORD

    def new_root(self) -> tuple[str, Path]:
        """A fresh empty folder: (its WebDAV URL, its path on disk)."""
        name = f"t-{secrets.token_hex(6)}"
        folder = self.data / name
        folder.mkdir()
        if self.owner:
            os.chown(folder, *self.owner)
        return f"{self.base_url}/dav/{name}", folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"apache2 exited:\n{log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("apache2 did not start listening within 10 s")


@contextmanager
def apache_server() -> Iterator[ApachePeer]:
    """Starts Apache on an empty folder, yields where it is, stops it."""
    if not APACHE.exists() or not (MODULES / "mod_dav_fs.so").exists():
        pytest.skip(MISSING)
    home = Path(tempfile.mkdtemp(prefix="archivist-apache-"))
    try:
        home.chmod(0o755)  # the unprivileged workers must reach the data folder
        data, locks = home / "data", home / "locks"
        data.mkdir()
        locks.mkdir()
        owner = None
        user_line = ""
        if os.geteuid() == 0:  # Apache refuses to serve as root: its workers run as www-data
            account = pwd.getpwnam("www-data")
            owner = (account.pw_uid, account.pw_gid)
            for folder in (data, locks):
                os.chown(folder, *owner)
            user_line = "User www-data\nGroup www-data"
        digest = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
        (home / "htpasswd").write_text(f"{USER}:{{SHA}}{digest}\n")
        port = _free_port()
        config = home / "httpd.conf"
        config.write_text(
            CONFIG.format(home=home, port=port, data=data, modules=MODULES, user=user_line)
        )
        process = subprocess.Popen(
            [str(APACHE), "-f", str(config), "-DFOREGROUND"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_listening(port, process, home / "error.log")
            yield ApachePeer(f"http://127.0.0.1:{port}", data, owner)
        finally:
            process.terminate()  # SIGTERM to the parent also ends its workers
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def apache_dav_server() -> Iterator[ApachePeer]:
    with apache_server() as peer:
        yield peer
