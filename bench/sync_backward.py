"""Benchmark of backward sync at scale: 1,000 changes made in the cloud among 100,000 files.

A SeaweedFS bucket (`weed mini`) holds N files (default 100,000, in 100 folders) that Archivist
already tracks as cloud-backed attachments. The synced state is written directly (folders,
attachments, base rows and the remembered listing, exactly as the engine records them) instead
of importing 100,000 files one by one, and the benchmark proves it right: a cycle over it must
plan nothing. Then 1,000 changes are made behind Archivist's back through SeaweedFS's filer
(half new files, 30 % rewritten, 20 % deleted) and one sync cycle (`run_connection`) finds and
applies them. It prints:

1. the seeding: the filer uploads and the listing that records the state;
2. the verifying no-change cycle over N files: seconds and S3 requests;
3. the backward cycle: seconds (target < 30 s), operations by kind, S3 requests, where the time
   went, and a check that Archivist now holds exactly the cloud's files.

Nothing is asserted except the correctness checks; everything runs on 127.0.0.1.

    .venv/bin/python bench/sync_backward.py [--files 100000] [--changes 1000]
        [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from sync_s3 import (  # noqa: E402 (after the path set-up)
    RequestCounter,
    RoundTimer,
    cpu_seconds,
    database,
    peak_rss_mb,
    rclone_binary,
    rclone_env,
    requests_line,
    run_child,
    seaweedfs,
    setup_django,
    verdict,
)

TOP = "Bench"
FOLDERS = 100
TARGET_SECONDS = 30.0


def folder_name(number: int) -> str:
    return f"Folder {number:03d}"


def file_path(index: int) -> str:
    return f"{TOP}/{folder_name(index % FOLDERS + 1)}/note-{index:06d}.txt"


# -- the cloud side (parent process, through the filer: unsigned, fast) ---------------------------


def filer_writes(peer: Any, writes: dict[str, bytes | None], threads: int = 16) -> float:
    """PUT (bytes) or DELETE (None) each path under the bucket's Archivist folder."""
    import httpx

    base = f"{peer.filer_url}/buckets/{peer.bucket}/Archivist/"
    started = time.perf_counter()
    items = list(writes.items())

    def run(chunk: list[tuple[str, bytes | None]]) -> None:
        with httpx.Client(timeout=60) as client:
            for path, content in chunk:
                url = base + quote(path)
                response = (
                    client.delete(url) if content is None else client.put(url, content=content)
                )
                if response.status_code >= 300 and response.status_code != 404:
                    raise SystemExit(f"filer refused {path}: {response.status_code}")

    chunks = [items[start::threads] for start in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, chunks))
    return time.perf_counter() - started


# -- the Archivist side (child processes) ---------------------------------------------------------


def child_seed(endpoint: str, bucket: str, access: str, secret: str) -> dict[str, Any]:
    """The synced state of everything in the bucket, written as the engine records it."""
    setup_django()
    from django.core.management import call_command
    from django.db import transaction

    from archivist.connectors.rooted import RootedConnector
    from archivist.documents.models import Attachment, Folder, FolderKind
    from archivist.documents.services.attachments import sniff_mimetype
    from archivist.sync.engine import PRESENT, observe
    from archivist.sync.models import CloudConnection, FolderConnection, SyncItem
    from archivist.sync.services.connections import configure, open_connector
    from archivist.sync.services.cycle_log import remember
    from archivist.sync.services.scope import file_key, folder_key
    from archivist.sync.services.stores import cloud_url

    call_command("migrate", verbosity=0)
    connection = CloudConnection(name="Bench S3", kind="s3")
    options = {"bucket": bucket, "endpoint_url": endpoint, "path_style": True}
    configure(connection, {**options, "access_key": access, "secret_key": secret})
    connection.save()
    connector = open_connector(connection)
    assert isinstance(connector, RootedConnector)
    started = time.perf_counter()
    observation = observe(connector)
    listed = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        top = Folder.objects.create(name=TOP, kind=FolderKind.MANUAL)
        FolderConnection.objects.create(folder=top, connection=connection)
        folders = {TOP: top}
        for path in sorted(p for p, e in observation.items() if e.is_folder and p != TOP):
            folders[path] = Folder.objects.create(
                name=path.rpartition("/")[2], kind=FolderKind.MANUAL, parent=top
            )
        files = sorted(p for p, e in observation.items() if not e.is_folder)
        attachments = Attachment.objects.bulk_create(
            [
                Attachment(
                    name=path.rpartition("/")[2],
                    folder=folders[path.rpartition("/")[0]],
                    size=observation[path].size,
                    url=cloud_url(connection, observation[path]),
                    mimetype=sniff_mimetype(b"", path.rpartition("/")[2]),
                )
                for path in files
            ],
            batch_size=2000,
        )
        items = [
            SyncItem(
                connection=connection,
                key=folder_key(folder.pk),
                kind="folder",
                parent="" if path == TOP else folder_key(top.pk),
                name=folder.name,
                path=path,
                etag=observation[path].etag or PRESENT,
            )
            for path, folder in folders.items()
        ]
        items += [
            SyncItem(
                connection=connection,
                key=file_key(attachment.pk),
                kind="file",
                parent=folder_key(attachment.folder_id),
                name=attachment.name,
                path=path,
                etag=observation[path].etag or PRESENT,
                revision=attachment.url,
                size=attachment.size,
            )
            for path, attachment in zip(files, attachments, strict=True)
        ]
        SyncItem.objects.bulk_create(items, batch_size=2000)
        remember(connection, observation)
    connector.close()
    return {
        "listed_s": listed,
        "written_s": time.perf_counter() - started,
        "folders": len(folders),
        "files": len(files),
    }


def child_cycle() -> dict[str, Any]:
    """One `run_connection` cycle, measured; then what Archivist holds against the bucket."""
    setup_django()
    from archivist.connectors.rooted import RootedConnector
    from archivist.documents.models import Attachment
    from archivist.sync.models import CloudConnection, SyncOperation
    from archivist.sync.services.connections import open_connector
    from archivist.sync.services.cycle import run_connection

    counter, timer = RequestCounter(), RoundTimer()
    counter.install()
    timer.install()
    connection = CloudConnection.objects.get()
    before_ops = SyncOperation.objects.count()
    cpu, started = cpu_seconds(), time.perf_counter()
    report = run_connection(connection)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    kinds = Counter(
        SyncOperation.objects.order_by("id")[before_ops:].values_list("kind", flat=True)
    )
    requests = counter.take()
    connector = open_connector(connection)
    assert isinstance(connector, RootedConnector)
    cloud = {entry.path: entry.size for entry in connector.list_tree() if not entry.is_folder}
    connector.close()
    held: dict[str, int] = {}
    for name, size, folder, parent in Attachment.objects.filter(folder__active=True).values_list(
        "name", "size", "folder__name", "folder__parent__name"
    ):
        path = f"{parent}/{folder}/{name}" if parent else f"{folder}/{name}"
        held[path] = size
    return {
        "seconds": seconds,
        "cpu": cpu,
        "applied": report.applied,
        "failed": report.failed,
        "rounds": report.rounds,
        "converged": report.converged,
        "kinds": dict(kinds.most_common()),
        "requests": requests,
        "phases": timer.take(),
        "same_as_cloud": held == cloud,
        "missing_here": len(set(cloud) - set(held)),
        "extra_here": len(set(held) - set(cloud)),
        "rss_mb": peak_rss_mb(),
    }


def rclone_listing(peer: Any) -> tuple[float, int]:
    """`rclone lsf -R --fast-list` of the same files: how long listing alone takes here."""
    env = rclone_env(peer)
    command = [rclone_binary(), "--config", "/dev/null", "lsf", "-R", "--fast-list"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, f":s3:{peer.bucket}/Archivist"],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return time.perf_counter() - started, len(done.stdout.splitlines())


# -- report ---------------------------------------------------------------------------------------


def phases_line(phases: dict[str, Any]) -> str:
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases["totals"].items())


def print_cycle(title: str, result: dict[str, Any], target: float | None = None) -> None:
    print(f"\n{title}")
    aim = f"   (target < {target:.0f} s: {verdict(result['seconds'] < target)})" if target else ""
    print(f"  {result['seconds']:8.2f} s{aim}")
    print(
        f"  operations {result['applied']} in {result['rounds']} rounds, failed "
        f"{result['failed']}, converged {result['converged']}; by kind: "
        f"{', '.join(f'{k} {n}' for k, n in result['kinds'].items()) or 'none'}"
    )
    print(f"  HTTP requests: {requests_line(result['requests'])}")
    print(f"  time: {phases_line(result['phases'])}")
    print(f"  CPU {result['cpu']:.1f} s, peak RSS {result['rss_mb']:.0f} MB")
    same = "yes" if result["same_as_cloud"] else "NO"
    print(
        f"  Archivist holds exactly the cloud's files: {same} "
        f"(missing {result['missing_here']}, extra {result['extra_here']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        step, *rest = arguments.child
        result = child_seed(*rest) if step == "seed" else child_cycle()
        print("RESULT " + json.dumps(result, default=str), flush=True)
        return
    rng = random.Random(arguments.seed)
    print(
        f"Backward sync benchmark: {arguments.changes:,} cloud changes among "
        f"{arguments.files:,} files in {FOLDERS} folders, SeaweedFS weed mini, "
        f"{arguments.backend}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="archivist-backbench-") as folder:
        home = Path(folder) / "home"
        home.mkdir()
        with seaweedfs() as peer, database(arguments.backend, home) as env:
            seconds = filer_writes(
                peer, {file_path(i): f"note {i}\n".encode() for i in range(arguments.files)}
            )
            print(f"  {arguments.files:,} files written through the filer in {seconds:.0f} s")
            seeded = run_child(
                [
                    "seed",
                    peer.endpoint_url,
                    peer.bucket,
                    peer.access_key_id,
                    peer.secret_access_key,
                ],
                env,
                script=__file__,
            )
            print(
                f"  synced state recorded: {seeded['files']:,} files, {seeded['folders']} "
                f"folders (listing {seeded['listed_s']:.1f} s, writing {seeded['written_s']:.1f} s)"
            )
            quiet = run_child(["cycle"], env, script=__file__)
            print_cycle(
                f"No-change cycle over {seeded['files']:,} files (verifies the seed)", quiet
            )
            if quiet["applied"] or not quiet["same_as_cloud"]:
                raise SystemExit("the recorded state is not what the engine would record")
            new = arguments.changes // 2
            rewritten = arguments.changes * 3 // 10
            deleted = arguments.changes - new - rewritten
            existing = rng.sample(range(arguments.files), rewritten + deleted)
            changes: dict[str, bytes | None] = {
                file_path(arguments.files + i): f"new {i}\n".encode() for i in range(new)
            }
            changes |= {
                file_path(i): f"rewritten {i}, longer\n".encode() for i in existing[:rewritten]
            }
            changes |= {file_path(i): None for i in existing[rewritten:]}
            seconds = filer_writes(peer, changes)
            print(
                f"\n{len(changes):,} changes in the cloud ({new} new, {rewritten} rewritten, "
                f"{deleted} deleted) in {seconds:.1f} s"
            )
            backward = run_child(["cycle"], env, script=__file__)
            print_cycle("Backward cycle", backward, TARGET_SECONDS)
            seconds, lines = rclone_listing(peer)
            print(
                f"\nrclone lsf -R --fast-list of the same bucket: {seconds:.1f} s ({lines:,} "
                f"entries): listing alone, the floor of any cycle on this server"
            )
            print(f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
