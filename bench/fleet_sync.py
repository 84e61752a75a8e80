"""Benchmark of the Fleet's synchronisation: many Odoo databases read at once, then one by one.

The Odoo test server (`tests.peers.odoo`) runs in a child process (so the figures are the
client's alone, and the server does not compete for the client's interpreter) and serves N
databases (default 500) over S sites (default 50) of varied version profiles (16.0 … saas~19.1),
each call answered after a uniform 50–500 ms latency, and a share of the databases (default 2%,
whole sites) hanging past the client's timeout. It prints:

1. the full sync, `fetch_many` with the real limits (64 databases at once, 15 s per call, 60 s
   per database): wall time, databases synced / timed out / failed, requests served by protocol;
2. the same jobs one database at a time (`concurrency=1`): with `--sequential-sample N`, only N
   databases spread over the sites (hanging ones in proportion) and the total extrapolated;
3. the client process's peak RSS, and the server's.

Nothing is asserted: figures are printed next to their targets. Everything runs on 127.0.0.1.

    .venv/bin/python bench/fleet_sync.py [--databases 500] [--sites 50] [--sequential-sample 50]
        [--hang-share 0.02] [--latency 0.05 0.5] [--concurrency 64] [--call-timeout 15]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

PROFILES = ["16.0", "17.0", "17.2", "18.0", "19.0", "saas~19.1+e"]
TARGET_FULL_S = 30.0
KPIS = [
    {"id": "documents.inbox", "name": "Inbox", "type": "integer", "value": 7},
    {"id": "account_journal_type.bank", "name": "Bank", "type": "integer", "value": 12},
    {"id": "account_journal_type.sale", "name": "Sales", "type": "integer", "value": 3},
    {"id": "account_return.vat", "name": "VAT", "type": "return_status", "value": "to_do"},
]


# -- the server (child process) -------------------------------------------------------------------


def serve(databases: int, sites: int, hang_share: float, latency: tuple[float, float]) -> None:
    """Starts the peer, prints the jobs as one JSON line, serves until stdin closes, then prints
    the requests it received by protocol and its peak RSS."""
    from tests.peers.odoo import Fault, OdooPeer, RemoteUser

    hanging_sites = round(sites * hang_share) if hang_share > 0 else 0
    with OdooPeer() as peer:
        jobs = []
        for number in range(sites):
            site = peer.add_site(f"site{number:03d}", profile=PROFILES[number % len(PROFILES)])
            site.latency = latency
            if number >= sites - hanging_sites:  # the last sites hang
                site.fault = Fault("hang", seconds=3600)
        for index in range(databases):
            site = peer.sites[f"site{index % sites:03d}"]
            name, login, key = f"db{index:04d}", f"admin@db{index:04d}.example", f"key-{index}"
            users = [
                RemoteUser(
                    login=f"user{user}@db{index:04d}.example",
                    name=f"User {user}",
                    login_date="2026-11-20 08:00:00" if user % 2 else None,
                )
                for user in range(5)
            ]
            site.add_database(name, login=login, api_key=key, users=users, kpis=KPIS)
            jobs.append(
                {
                    "key": name,
                    "url": site.url,
                    "database": name,
                    "login": login,
                    "api_key": key,
                    "hangs": site.fault.kind == "hang",
                }
            )
        print(json.dumps({"jobs": jobs}), flush=True)
        sys.stdin.read()  # until the parent is done
        served = Counter(
            request.protocol for site in peer.sites.values() for request in site.requests
        )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "served": dict(served),
                "peak_rss_mb": usage.ru_maxrss / 1024,
                "cpu_s": usage.ru_utime + usage.ru_stime,
            }
        ),
        flush=True,
    )


# -- the client (this process) ---------------------------------------------------------------------


def sync(
    jobs: list[dict[str, Any]], arguments: argparse.Namespace, concurrency: int
) -> dict[str, Any]:
    from archivist.fleet.odoo import Credentials, FetchSettings, Snapshot, Timeout, fetch_many, run

    work = [
        (
            job["key"],
            Credentials(job["url"], job["database"], job["login"], job["api_key"]),
            FetchSettings(),
        )
        for job in jobs
    ]
    progress = Counter[str]()
    finished: list[float] = []  # when each database that answered was done
    done_at: dict[str, float] = {}

    def on_done(key: str, result: Any) -> None:
        progress.update(["done"])
        done_at[key] = time.perf_counter() - started
        if isinstance(result, Snapshot):
            finished.append(done_at[key])

    cpu = time.process_time()
    started = time.perf_counter()
    results = run(
        fetch_many(
            work,
            concurrency=concurrency,
            call_timeout=arguments.call_timeout,
            database_timeout=arguments.database_timeout,
            on_done=on_done,
        )
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    outcomes = Counter(
        "synced"
        if isinstance(result, Snapshot)
        else "timed out"
        if isinstance(result, Timeout)
        else f"failed ({type(result).__name__}: {result})"
        for result in results.values()
    )
    return {
        "seconds": seconds,
        "cpu": cpu,
        "outcomes": outcomes,
        "callbacks": progress["done"],
        "answered_by": max(finished, default=0.0),
        # one at a time, a database's own time is the gap since the previous one finished
        "seconds_by_key": {
            key: at - previous
            for (key, at), previous in zip(done_at.items(), [0.0, *done_at.values()], strict=False)
        },
    }


def spread(jobs: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """`size` jobs spread evenly over the list (so over sites and profiles)."""
    if size <= 0:
        return []
    step = len(jobs) / size
    return [jobs[int(position * step)] for position in range(min(size, len(jobs)))]


def sample(jobs: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """`size` jobs with answering and hanging databases in the proportions of the whole."""
    if size <= 0 or size >= len(jobs):
        return jobs
    hanging = [job for job in jobs if job["hangs"]]
    answering = [job for job in jobs if not job["hangs"]]
    hanging_share = round(size * len(hanging) / len(jobs))
    if hanging and not hanging_share and size >= 2:
        hanging_share = 1  # keep the hanging kind represented
    return spread(answering, size - hanging_share) + spread(hanging, hanging_share)


def extrapolate(jobs: list[dict[str, Any]], seconds_by_key: dict[str, float]) -> float:
    """The one-at-a-time total for all jobs: each kind's (answering, hanging) mean time, run."""
    total = 0.0
    for hangs in (False, True):
        kind = [job["key"] for job in jobs if job["hangs"] == hangs]
        measured = [seconds_by_key[key] for key in seconds_by_key if key in set(kind)]
        if kind and measured:
            total += len(kind) * sum(measured) / len(measured)
    return total


def outcome_line(outcomes: Counter[str]) -> str:
    return ", ".join(f"{count} {label}" for label, count in sorted(outcomes.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", type=int, default=500)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument(
        "--hang-share",
        type=float,
        default=0.02,
        help="share of the sites (so of the databases) that never answer",
    )
    parser.add_argument(
        "--latency",
        type=float,
        nargs=2,
        default=(0.05, 0.5),
        metavar=("LOW", "HIGH"),
        help="seconds per call, uniform",
    )
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--call-timeout", type=float, default=15.0)
    parser.add_argument("--database-timeout", type=float, default=60.0)
    parser.add_argument(
        "--sequential-sample",
        type=int,
        default=50,
        help="databases run one at a time, then extrapolated (0: all of them)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.databases, arguments.sites, arguments.hang_share, tuple(arguments.latency))
        return

    server_log = tempfile.NamedTemporaryFile(  # noqa: SIM115 — read after the server stops
        "w+", prefix="fleet-bench-server-", suffix=".log", delete=False
    )
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--databases",
            str(arguments.databases),
            "--sites",
            str(arguments.sites),
            "--hang-share",
            str(arguments.hang_share),
            "--latency",
            *map(str, arguments.latency),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=server_log,
        text=True,
        cwd=ROOT,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        jobs = json.loads(server.stdout.readline())["jobs"]
        hanging = sum(job["hangs"] for job in jobs)
        low, high = arguments.latency
        print(
            f"Fleet sync benchmark: {len(jobs)} databases on {arguments.sites} sites "
            f"({', '.join(PROFILES)}), {low * 1000:.0f}–{high * 1000:.0f} ms per call, "
            f"{hanging} hanging; {os.cpu_count()} CPUs, load average "
            f"{'/'.join(f'{load:.1f}' for load in os.getloadavg())} before the run"
        )
        print(
            f"limits: {arguments.call_timeout:g} s per call, {arguments.database_timeout:g} s "
            f"per database\n"
        )
        full = sync(jobs, arguments, arguments.concurrency)
        chosen = sample(jobs, arguments.sequential_sample)
        one_by_one = sync(chosen, arguments, 1)
    finally:
        server.stdin.close()
        served = json.loads(server.stdout.readline() or "{}")
        server.wait(timeout=60)

    extrapolated = len(chosen) < len(jobs)
    sequential_total = (
        extrapolate(jobs, one_by_one["seconds_by_key"]) if extrapolated else one_by_one["seconds"]
    )
    print(f"{'run':44} {'wall s':>9} {'db/s':>7}  outcome")
    verdict = "ok" if full["seconds"] < TARGET_FULL_S else "MISSED"
    print(
        f"{f'full sync ({arguments.concurrency} at once)':44} {full['seconds']:9.1f} "
        f"{len(jobs) / full['seconds']:7.1f}  {outcome_line(full['outcomes'])}"
        f"  [target < {TARGET_FULL_S:.0f} s: {verdict}]"
    )
    sampled_hanging = sum(job["hangs"] for job in chosen)
    label = (
        f"one at a time ({len(chosen)} of {len(jobs)}, {sampled_hanging} hanging)"
        if extrapolated
        else "one at a time"
    )
    print(
        f"{label:44} {one_by_one['seconds']:9.1f} {len(chosen) / one_by_one['seconds']:7.2f}  "
        f"{outcome_line(one_by_one['outcomes'])}"
    )
    if extrapolated:
        print(
            f"{'  → one at a time, all ' + str(len(jobs)) + ' (EXTRAPOLATED)':44} "
            f"{sequential_total:9.0f} {len(jobs) / sequential_total:7.2f}  "
            f"({sequential_total / 60:.1f} min, not measured: each kind's mean × its count)"
        )
    print(
        f"\nfull sync: every answering database done after {full['answered_by']:.1f} s; the rest "
        f"is the wait for the hanging ones (each gives up after {arguments.call_timeout:g} s)"
    )
    print(f"speed-up of the full sync: {sequential_total / full['seconds']:.0f}×")
    print(
        f"client CPU: {full['cpu']:.1f} s (full sync), {one_by_one['cpu']:.1f} s (one at a time); "
        f"test server CPU {served.get('cpu_s', float('nan')):.1f} s in all"
    )
    print(f"on_done calls: {full['callbacks']} (full), {one_by_one['callbacks']} (one at a time)")
    if served:
        print(f"requests served: {dict(sorted(served['served'].items()))}")
    client_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    server_rss = served.get("peak_rss_mb", float("nan"))
    print(f"peak RSS: client {client_rss:.0f} MB, test server {server_rss:.0f} MB")
    print(f"load average after the runs: {'/'.join(f'{load:.1f}' for load in os.getloadavg())}")
    server_log.seek(0)
    noise = server_log.read().count("Error handling request")
    if noise:
        print(f"test server: {noise} requests cut by a client timeout (log: {server_log.name})")
    else:
        os.unlink(server_log.name)


if __name__ == "__main__":
    main()
