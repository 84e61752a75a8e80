"""Real database servers for tests: PostgreSQL and MariaDB.

PostgreSQL: `DATABASE_URL` (when it is a postgresql URL) or the server at 127.0.0.1:5432; if
neither answers, a throwaway cluster is made with `initdb` in a temporary folder and started on a
free port (stopped at exit). MariaDB: the server at 127.0.0.1:3306 (root, empty password).
When no server can be had, `unavailable` says why, and tests skip with that reason.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass
class Server:
    url: str | None  # server URL without a database name, e.g. postgresql+psycopg://postgres@h:p
    unavailable: str = ""


_postgres: Server | None = None
_mariadb: Server | None = None


def _reachable(url: str, database: str) -> str:
    try:
        engine = sa.create_engine(f"{url}/{database}", connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.SQLAlchemyError as error:
        return str(getattr(error, "orig", error)).strip().splitlines()[0]
    return ""


def postgres() -> Server:
    global _postgres
    if _postgres is None:
        _postgres = _find_postgres()
    return _postgres


def mariadb() -> Server:
    global _mariadb
    if _mariadb is None:
        url = "mysql+pymysql://root@127.0.0.1:3306"
        problem = _reachable(url, "")
        reason = f"MariaDB not reachable at 127.0.0.1:3306: {problem}"
        _mariadb = Server(None if problem else url, reason)
    return _mariadb


def _find_postgres() -> Server:
    env = os.environ.get("DATABASE_URL", "")
    candidates = []
    if env.startswith("postgres"):
        parsed = sa.engine.make_url(env).set(drivername="postgresql+psycopg", database=None)
        candidates.append(parsed.render_as_string(hide_password=False))
    candidates.append("postgresql+psycopg://postgres@127.0.0.1:5432")
    problems = []
    for url in candidates:
        problem = _reachable(url, "postgres")
        if not problem:
            return Server(url)
        problems.append(f"{url}: {problem}")
    started = _start_cluster()
    if started.url:
        return started
    return Server(None, "PostgreSQL unavailable: " + "; ".join([*problems, started.unavailable]))


def _start_cluster() -> Server:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        return Server(None, "no initdb found to start a throwaway cluster")
    bindir = os.path.dirname(binaries[-1])
    folder = tempfile.mkdtemp(prefix="archivist-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            return Server(None, "running as root without runuser to start a throwaway cluster")
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = os.path.join(folder, "data")
    try:
        subprocess.run(
            [*run_as, f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *run_as,
                f"{bindir}/pg_ctl",
                "-D",
                data,
                "-w",
                "-l",
                f"{folder}/log",
                "start",
                "-o",
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        return Server(None, f"throwaway cluster failed to start: {error}")
    atexit.register(
        subprocess.run,
        [*run_as, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
        capture_output=True,
    )
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    for _ in range(50):
        if not _reachable(url, "postgres"):
            return Server(url)
        time.sleep(0.1)
    return Server(None, "throwaway cluster did not answer")


@contextmanager
def fresh_database(server: Server, prefix: str = "archivist_test") -> Iterator[str]:
    """Creates an empty database on the server, yields its SQLAlchemy URL, drops it after."""
    assert server.url is not None
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_db = "postgres" if server.url.startswith("postgresql") else ""
    engine = sa.create_engine(f"{server.url}/{admin_db}", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server.url}/{name}"
    finally:
        with engine.connect() as connection:
            if server.url.startswith("postgresql"):
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        engine.dispose()
