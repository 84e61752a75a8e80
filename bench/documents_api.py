"""Benchmark of the documents API at scale: 100,000 folders, 1,000,000 attachments, 200 tags.

The tree: 50,000 record folders made by a folder rule over a 50,000-row source (a restricted
user reads the 2,500 records they own, through an access policy with a row filter), and 50,000
manual folders (50 teams x 1,000 projects, some teams with extra security). Ten attachments per
folder, up to two tags each. They share one blob, to build quickly; the local blob store is
given the shard folders that as many distinct blobs would have made (`--young-store`: none, as in
a new installation).

Prints p50/p95 (30 calls after 3 warm-up calls) of, as the restricted user:
- the folder tree (`GET /api/folders/?parent=root`, which computes access over the whole tree,
  and the full flat tree `GET /api/folders/`),
- folder search by name (`GET /api/folders/?search=…`),
- an attachment listing page with a folder + tag filter (`GET /api/attachments/?…`),
and then, against a live `archivist serve`, the throughput of uploading and downloading 1 MB and
100 MB files one after another over one keep-alive connection (uploads as the web app sends
them: the body is the file, `POST /api/folders/{id}/files/`), the same 1 MB uploads as a
multipart form, 1 MB files over 4 connections at once (a drop of several files in the web app),
and the server's peak memory.

    .venv/bin/python bench/documents_api.py [--backend sqlite|postgresql] [--scale 1.0]
        [--only api|transfers|uploads] [--young-store]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(scale: float) -> dict[str, Any]:
    import sqlalchemy as sa
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from archivist.documents import roles
    from archivist.documents.blobstore import default_store
    from archivist.documents.models import (
        AccessPolicy,
        Folder,
        FolderKind,
        FolderRule,
        Source,
        Tag,
    )
    from archivist.documents.services.folder_tree import NewFolder, Place, insert_folders
    from archivist.documents.services.prepare_folders import prepare_folders

    call_command("migrate", verbosity=0)
    records, teams, projects = int(50_000 * scale), 50, int(1_000 * scale)
    source_url = f"sqlite:///{os.environ['ARCHIVIST_HOME']}/items.sqlite3"
    engine = sa.create_engine(source_url)
    with engine.begin() as db:
        db.execute(
            sa.text(
                "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, "
                "owner_login TEXT, write_date DATETIME)"
            )
        )
        db.execute(
            sa.text("INSERT INTO item VALUES (:id, :name, :owner, :stamp)"),
            [
                {
                    "id": i,
                    "name": f"Item {i:06d}",
                    "owner": f"user{i % 20:02d}",
                    "stamp": dt.datetime(2026, 1, 1),
                }
                for i in range(1, records + 1)
            ],
        )
    engine.dispose()
    source = Source.objects.create(name="items", url=source_url)
    FolderRule.objects.create(key="items", name="Items", source=source, model="item")
    prepare_folders(budget=0)
    now = timezone.now()
    with transaction.atomic():
        shared = Folder.objects.create(name="Shared", kind=FolderKind.MANUAL)
        team_rows = insert_folders(
            [
                NewFolder(
                    name=f"Team {t:02d}",
                    kind=FolderKind.MANUAL,
                    place=Place.inside(shared.pk, shared.parent_path),
                )
                for t in range(teams)
            ],
            now,
        )
        project_rows: list[NewFolder] = []
        for pk, _, parent_path, _, _ in team_rows:
            project_rows += [
                NewFolder(
                    name=f"Project {t:04d}",
                    kind=FolderKind.MANUAL,
                    place=Place.inside(pk, parent_path),
                )
                for t in range(projects)
            ]
        insert_folders(project_rows, now)
    team_group = Group.objects.create(name="Team A")
    for pk, *_ in team_rows[:5]:
        Folder.objects.get(pk=pk).groups.add(team_group)
    tags = []
    for parent_number in range(20):
        parent = Tag.objects.create(name=f"Topic {parent_number:02d}")
        tags.append(parent)
        tags += [
            Tag.objects.create(name=f"Sub {parent_number:02d}.{n}", parent=parent) for n in range(9)
        ]
    blob = default_store().put_bytes(b"%PDF-1.4 benchmark\n" * 50)
    folder_ids = list(Folder.objects.values_list("pk", flat=True))
    _insert_attachments(connection, folder_ids, blob.sha256, blob.size, [t.pk for t in tags])
    restricted = Group.objects.create(name="Item owners")
    AccessPolicy.objects.create(
        source=source,
        model="item",
        group=restricted,
        row_filter=[["owner_login", "=", {"user": "login"}]],
    )
    user = User.objects.create_user("user03", password="x")
    user.groups.add(restricted, Group.objects.get(name=roles.FILE_MANAGER))
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user)
    # "Project 0042", or the last project when a small scale makes fewer than 43
    project_name = f"Project {min(42, projects - 1):04d}"
    project = Folder.objects.filter(name=project_name).order_by("pk").last()
    assert project is not None
    if connection.vendor == "sqlite":
        # The build's million rows wait in the write-ahead log: written into the database now,
        # as a running server's checkpoints have long done, not by a measured request.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "token": token.key,
        "project": project.pk,
        "project_name": project_name,
        "tag": tags[3].pk,
        "folders": Folder.objects.count(),
        "attachments": len(folder_ids) * 10,
    }


def _insert_attachments(
    connection: Any, folder_ids: list[int], blob: str, size: int, tag_ids: list[int]
) -> None:
    from django.utils import timezone

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    rng = random.Random(7)
    number = 0
    with connection.cursor() as cursor:
        for start in range(0, len(folder_ids), 2000):
            rows = []
            for folder_id in folder_ids[start : start + 2000]:
                for _ in range(10):
                    number += 1
                    rows.append(
                        (
                            f"Document {number:07d}.pdf",
                            folder_id,
                            blob,
                            size,
                            "application/pdf",
                            "",
                            0,
                            stamp,
                            stamp,
                        )
                    )
            cursor.executemany(
                "INSERT INTO documents_attachment (name, folder_id, blob, size, mimetype, url, "
                "color, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
        cursor.execute("SELECT min(id), max(id) FROM documents_attachment")
        low, high = cursor.fetchone()
        links = [
            (attachment, tag)
            for attachment in range(low, high + 1)
            for tag in rng.sample(tag_ids, rng.randint(0, 2))
        ]
        for start in range(0, len(links), 50_000):
            cursor.executemany(
                "INSERT INTO documents_attachment_tags (attachment_id, tag_id) VALUES (%s, %s)",
                links[start : start + 50_000],
            )
        cursor.execute("ANALYZE")


def percentiles(call: Callable[[], Any], runs: int = 30, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def measure_api(setup: dict[str, Any]) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {setup['token']}")

    def get(url: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response

        return call

    cases = [
        ("folder tree, root level", "/api/folders/?parent=root", 500),
        ("folder tree, whole (flat list)", "/api/folders/", None),
        (
            "folder search by name",
            f"/api/folders/?search={urllib.parse.quote(setup['project_name'])}",
            100,
        ),
        (
            "listing page, folder + tag",
            f"/api/attachments/?folders={setup['project']}&tags={setup['tag']}&limit=50",
            100,
        ),
        ("listing page, all readable", "/api/attachments/?limit=50", 100),
    ]
    for label, url, target in cases:
        p50, p95 = percentiles(get(url))
        goal = f"(target p95 < {target} ms)" if target else ""
        print(f"  {label:34} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms  {goal}", flush=True)


def measure_transfers(setup: dict[str, Any], env: dict[str, str], *, uploads_only: bool) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "archivist.cli", "serve", "--no-scheduler", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        # one keep-alive connection, as a browser or a sync client uses
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        _download(connection, setup, _upload(connection, setup, 1024))  # warms the server
        if uploads_only:
            _measure_upload_cost(connection, setup, server.pid)
            return
        for megabytes, repeat in ((1, 50), (100, 3)):
            size = megabytes * 1024 * 1024
            up = down = 0.0
            for _ in range(repeat):
                started = time.perf_counter()
                attachment = _upload(connection, setup, size)
                up += time.perf_counter() - started
                started = time.perf_counter()
                received = _download(connection, setup, attachment)
                down += time.perf_counter() - started
                assert received == size, (received, size)
            total = size * repeat
            print(
                f"  {megabytes:>3} MB x{repeat:<3} upload {total / up / 1e6:7.1f} MB/s   download "
                f"{total / down / 1e6:7.1f} MB/s   server peak RSS {_peak_rss_mb(server.pid)} MB",
                flush=True,
            )
        started = time.perf_counter()
        for _ in range(50):
            _upload(connection, setup, MIB, multipart=True)
        print(
            f"    1 MB x50  upload {50 * MIB / (time.perf_counter() - started) / 1e6:7.1f} MB/s"
            "   (multipart form)",
            flush=True,
        )
        _measure_parallel(port, setup, lanes=4, per_lane=50)
        print(f"  server peak RSS {_peak_rss_mb(server.pid)} MB", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _measure_upload_cost(
    connection: http.client.HTTPConnection, setup: dict[str, Any], pid: int
) -> None:
    """Sequential raw uploads of 1 byte (the fixed cost of a request) and of 1 MB: throughput
    and the server's CPU time (user + system, all threads) per request, three rounds each."""
    for _ in range(20):
        _upload(connection, setup, 1)
    for size, label, repeat in ((1, "1 byte", 200), (MIB, "1 MB", 50)):
        for _ in range(3):
            cpu = _cpu_seconds(pid)
            started = time.perf_counter()
            for _ in range(repeat):
                _upload(connection, setup, size)
            elapsed = time.perf_counter() - started
            used = (_cpu_seconds(pid) - cpu) / repeat * 1000
            rate = f"   {size * repeat / elapsed / 1e6:7.1f} MB/s" if size > 1 else ""
            print(
                f"  {label:>6} x{repeat:<3} upload: server CPU {used:5.2f} ms/request, "
                f"{elapsed / repeat * 1000:6.2f} ms/request{rate}",
                flush=True,
            )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_BLOCK = os.urandom(1024 * 1024)  # made once: generating it must not count as upload time
_FIRST_PIECES = threading.local()


def _chunks(size: int) -> Iterator[memoryview]:
    """`size` bytes, different on every call (a fresh 16-byte head): no de-duplication. The
    pieces are views of buffers made once (one per thread), so the client copies nothing: on
    this VM, a fresh megabyte of memory per upload costs the client a millisecond or more."""
    first = getattr(_FIRST_PIECES, "buffer", None)
    if first is None:
        first = _FIRST_PIECES.buffer = bytearray(_BLOCK)
    first[:16] = uuid.uuid4().bytes
    sent = 0
    while sent < size:
        length = min(len(_BLOCK), size - sent)
        yield memoryview(first if sent == 0 else _BLOCK)[:length]
        sent += length


MIB = 1024 * 1024


def _measure_parallel(port: int, setup: dict[str, Any], *, lanes: int, per_lane: int) -> None:
    """1 MB uploads, then downloads, over `lanes` keep-alive connections at once."""
    from concurrent.futures import ThreadPoolExecutor

    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=600) for _ in range(lanes)]
    uploaded: list[list[int]] = [[] for _ in range(lanes)]

    def up(lane: int) -> None:
        for _ in range(per_lane):
            uploaded[lane].append(_upload(connections[lane], setup, MIB))

    def down(lane: int) -> None:
        for attachment in uploaded[lane]:
            assert _download(connections[lane], setup, attachment) == MIB

    total = lanes * per_lane * MIB
    timings = []
    for work in (up, down):
        started = time.perf_counter()
        with ThreadPoolExecutor(lanes) as pool:
            list(pool.map(work, range(lanes)))
        timings.append(total / (time.perf_counter() - started) / 1e6)
    print(
        f"    1 MB x{lanes * per_lane}, {lanes} connections at once: upload {timings[0]:7.1f} MB/s"
        f"   download {timings[1]:7.1f} MB/s",
        flush=True,
    )


def _upload(
    connection: http.client.HTTPConnection,
    setup: dict[str, Any],
    size: int,
    *,
    multipart: bool = False,
) -> int:
    if not multipart:
        connection.putrequest("POST", f"/api/folders/{setup['project']}/files/?name=big.bin")
        connection.putheader("Authorization", f"Token {setup['token']}")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(size))
        connection.endheaders()
        for piece in _chunks(size):
            connection.send(piece)
        return _created(connection)
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\n'
        f"{setup['project']}\r\n--{boundary}\r\nContent-Disposition: form-data; "
        f'name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream'
        f"\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection.putrequest("POST", "/api/attachments/")
    connection.putheader("Authorization", f"Token {setup['token']}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size + len(tail)))
    connection.endheaders()
    connection.send(head)
    for piece in _chunks(size):
        connection.send(piece)
    connection.send(tail)
    return _created(connection)


def _created(connection: http.client.HTTPConnection) -> int:
    response = connection.getresponse()
    body = response.read()
    assert response.status == 201, (response.status, body[:300])
    return int(json.loads(body)["id"])


def _download(
    connection: http.client.HTTPConnection, setup: dict[str, Any], attachment: int
) -> int:
    connection.request(
        "GET",
        f"/api/attachments/{attachment}/download/",
        headers={"Authorization": f"Token {setup['token']}"},
    )
    response = connection.getresponse()
    assert response.status == 200, response.status
    received = 0
    while chunk := response.read(1024 * 1024):
        received += len(chunk)
    return received


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _peak_rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def _age_blob_store(blobs: int) -> int:
    """Makes the shard folders (`ab/cd/`) a local store holding `blobs` distinct blobs has, as
    if every attachment had its own content (they share one blob here, to build quickly): the
    first blob of a shard makes and fsyncs its folders, which a store at this scale has long
    done. Returns the number of shard folders."""
    from archivist.documents.blobstore import default_store
    from archivist.documents.blobstore.local import LocalBlobStore

    store = default_store()
    assert isinstance(store, LocalBlobStore), store
    digests = (hashlib.sha256(b"%d" % blob).hexdigest() for blob in range(blobs))
    shards = {store.path(digest).parent for digest in digests}
    for shard in shards:
        shard.mkdir(parents=True, exist_ok=True)
    return len(shards)


def child(scale: float, only: str | None, *, young_store: bool) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archivist.settings")
    django.setup()
    started = time.perf_counter()
    setup = build(scale)
    print(
        f"  built {setup['folders']:,} folders and {setup['attachments']:,} attachments in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    if young_store:
        print("  blob store: new (uploads make its shard folders)", flush=True)
    else:
        shards = _age_blob_store(setup["attachments"])
        print(
            f"  blob store: the {shards:,} shard folders of {setup['attachments']:,} distinct "
            "blobs (--young-store: none)",
            flush=True,
        )
    os.sync()  # what the build wrote reaches the disk now, not during the measurements
    if only in (None, "api"):
        measure_api(setup)
    if only != "api":
        measure_transfers(setup, dict(os.environ), uploads_only=only == "uploads")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--only",
        choices=["api", "transfers", "uploads"],
        help="only the API calls, only the transfers, or only sequential raw uploads of 1 byte "
        "and 1 MB with the server's CPU time per request",
    )
    parser.add_argument(
        "--young-store",
        action="store_true",
        help="upload into a new blob store, whose shard folders uploads make, instead of one "
        "with the shard folders of as many distinct blobs as there are attachments",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.scale, arguments.only, young_store=arguments.young_store)
        return
    with tempfile.TemporaryDirectory(prefix="archivist-docbench-") as home:
        env = dict(os.environ, ARCHIVIST_HOME=home, ARCHIVIST_ALLOWED_HOSTS="127.0.0.1,testserver")
        env.pop("DATABASE_URL", None)
        database = None
        if arguments.backend == "postgresql":
            import sqlalchemy as sa
            from tests.peers import databases

            server = databases.postgres()
            if server.url is None:
                raise SystemExit(server.unavailable)
            database = f"docbench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(f"{server.url}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as db:
                db.execute(sa.text(f"CREATE DATABASE {database}"))
            env["DATABASE_URL"] = f"{server.url.replace('+psycopg', '')}/{database}"
        print(f"Documents API benchmark ({arguments.backend}, scale {arguments.scale})")
        try:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--scale",
                    str(arguments.scale),
                    *(["--only", arguments.only] if arguments.only else []),
                    *(["--young-store"] if arguments.young_store else []),
                ],
                env=env,
                check=True,
                cwd=ROOT,
            )
        finally:
            if database is not None:
                with admin.connect() as db:
                    db.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))


if __name__ == "__main__":
    main()
