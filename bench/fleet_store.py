"""Benchmark of a whole Fleet synchronisation as Archivist runs it: read every database
concurrently (the Odoo client's `fetch_many`) and store each result in Archivist's own database
(version, KPIs, users upserted and matched to local users, error counts), one short transaction
per database, as `archivist fleet sync --all` and the daily "Synchronize all" do.

The Odoo test server runs in a child process (`bench/fleet_sync.py --serve`): N databases
(default 500), one per site (a database's URL is unique), version profiles 16.0 … saas~19.1,
50–500 ms per call, 2% of them hanging past the call timeout. Archivist's database is a fresh
SQLite file in a temporary ARCHIVIST_HOME (or `DATABASE_URL`, e.g. a PostgreSQL database you
created for this). It prints the wall time of the first full sync (users created) and of a
second one (users updated), with the outcomes. Nothing is asserted. Everything runs on
127.0.0.1.

    .venv/bin/python bench/fleet_store.py [--databases 500] [--call-timeout 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_FULL_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", type=int, default=500)
    parser.add_argument("--hang-share", type=float, default=0.02)
    parser.add_argument("--call-timeout", type=int, default=15)
    parser.add_argument("--database-timeout", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=64)
    arguments = parser.parse_args()

    os.environ.setdefault("ARCHIVIST_HOME", tempfile.mkdtemp(prefix="archivist-bench-"))
    os.environ["ARCHIVIST_FLEET_TIMEOUT"] = str(arguments.call_timeout)
    os.environ["ARCHIVIST_FLEET_DATABASE_TIMEOUT"] = str(arguments.database_timeout)
    os.environ["ARCHIVIST_FLEET_CONCURRENCY"] = str(arguments.concurrency)
    os.environ["DJANGO_SETTINGS_MODULE"] = "archivist.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "fleet_sync.py"),
            "--serve",
            "--databases",
            str(arguments.databases),
            "--sites",
            str(arguments.databases),  # one database per site: URLs are unique in the fleet
            "--hang-share",
            str(arguments.hang_share),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        jobs = json.loads(server.stdout.readline())["jobs"]
        rows = register(jobs)
        print(
            f"Fleet sync with storing: {len(rows)} databases, 50–500 ms per call, "
            f"{sum(job['hangs'] for job in jobs)} hanging; {arguments.concurrency} at once, "
            f"{arguments.call_timeout} s per call; Archivist's database: "
            f"{django.conf.settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
            f"{os.cpu_count()} CPUs\n"
        )
        print(f"{'run':34} {'wall s':>8}  outcome")
        for label in ("first full sync (users created)", "second full sync (users updated)"):
            seconds, outcomes = full_sync()
            verdict = "ok" if seconds < TARGET_FULL_S else "MISSED"
            print(f"{label:34} {seconds:8.1f}  {outcomes}  [target < 30 s: {verdict}]")
    finally:
        server.stdin.close()
        server.stdout.readline()
        server.wait(timeout=60)
    from archivist.fleet.models import DatabaseUser

    print(f"\ndatabase users stored: {DatabaseUser.objects.count()}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average after the runs: {load} (other processes share the machine)")


def register(jobs: list[dict[str, object]]) -> list[object]:
    from archivist.fleet.models import Database, Hosting
    from archivist.fleet.services.databases import new_database
    from archivist.fleet.services.secrets import encrypt

    Database.objects.all().delete()
    rows = []
    for job in jobs:
        database = new_database(
            name=str(job["key"]),
            hosting=Hosting.PREMISE,
            url=str(job["url"]),
            database_name=str(job["database"]),
            api_login=str(job["login"]),
        )
        database.api_key_encrypted = encrypt(str(job["api_key"]))
        rows.append(database)
    return list(Database.objects.bulk_create(rows))


def full_sync() -> tuple[float, str]:
    from archivist.fleet.models import Database
    from archivist.fleet.services.synchronize import synchronize

    stored: list[float] = []  # when each database that answered was stored

    def on_outcome(outcome: Any) -> None:
        if outcome.ok:
            stored.append(time.perf_counter() - started)

    started = time.perf_counter()
    outcomes = synchronize(Database.objects.all(), on_outcome=on_outcome)
    seconds = time.perf_counter() - started
    counted = Counter("synced" if o.ok else o.message.split(":")[0] for o in outcomes)
    text = ", ".join(f"{count} {label}" for label, count in sorted(counted.items()))
    return seconds, f"{text}; every answering database stored after {max(stored, default=0):.1f} s"


if __name__ == "__main__":
    main()
