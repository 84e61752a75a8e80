"""Benchmark of "Prepare folders": records per second and peak memory.

A generated source holds N orders under N/100 companies (two-level rule hierarchy: Companies >
company > Orders > order). For each backend (Archivist's database and the source on the same
engine: SQLite files, or PostgreSQL databases) it measures:

1. the first full run (every folder created),
2. an incremental run after 1% of the orders changed (renamed, write_date bumped),
3. a run where nothing changed,

and prints the wall time, records/s and the process's peak RSS. Each backend runs in its own
process, so peak memory is that backend's alone.

    .venv/bin/python bench/prepare_folders.py --records 1000000 --backend both
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate_source(url: str, records: int) -> None:
    import sqlalchemy as sa

    companies = max(1, records // 100)
    metadata = sa.MetaData()
    company = sa.Table(
        "company",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("write_date", sa.DateTime, nullable=False, index=True),
    )
    order = sa.Table(
        "customer_order",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column(
            "company_id", sa.Integer, sa.ForeignKey("company.id"), nullable=False, index=True
        ),
        sa.Column("write_date", sa.DateTime, nullable=False, index=True),
    )
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    # Rows written over the past year, a few per minute, as a business application writes them.
    start_of_year = dt.datetime(2025, 1, 1)

    def stamp(row: int) -> dt.datetime:
        return start_of_year + dt.timedelta(seconds=row * 30)

    with engine.begin() as connection:
        connection.execute(
            company.insert(),
            [
                {"id": i, "name": f"Company {i:07d}", "write_date": stamp(i)}
                for i in range(1, companies + 1)
            ],
        )
        chunk = 50_000
        for start in range(1, records + 1, chunk):
            connection.execute(
                order.insert(),
                [
                    {
                        "id": i,
                        "name": f"SO{i:08d}",
                        "state": "sale",
                        "company_id": (i % companies) + 1,
                        "write_date": stamp(i),
                    }
                    for i in range(start, min(records, start + chunk - 1) + 1)
                ],
            )
    # A live database has planner statistics (autovacuum keeps them); a table loaded a second
    # ago has none yet, and PostgreSQL would plan the keyset scan as if the filter were rare.
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def change_one_percent(url: str, records: int) -> int:
    import sqlalchemy as sa

    step = 100
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        changed = connection.execute(
            sa.text(
                "UPDATE customer_order SET name = name || ' (revised)', "
                "write_date = :stamp WHERE id % :step = 0"
            ),
            {"stamp": dt.datetime(2026, 2, 1), "step": step},
        ).rowcount
    engine.dispose()
    return int(changed)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_backend(backend: str, records: int) -> dict[str, object]:
    """Runs in a child process whose environment already points Archivist at its database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archivist.settings")
    django.setup()
    from django.core.management import call_command

    from archivist.documents.models import FolderRule, Source
    from archivist.documents.services.prepare_folders import prepare_folders

    call_command("migrate", verbosity=0)
    source_url = os.environ["BENCH_SOURCE_URL"]
    started = time.perf_counter()
    generate_source(source_url, records)
    generated = time.perf_counter() - started
    source = Source.objects.create(name="bench", url=source_url)
    companies = FolderRule.objects.create(
        key="companies", name="Companies", sequence=1, source=source, model="company"
    )
    FolderRule.objects.create(
        key="orders",
        name="Orders",
        sequence=2,
        source=source,
        model="customer_order",
        parent=companies,
        parent_field="company_id",
        domain=[["state", "=", "sale"]],
    )
    today = dt.date(2026, 3, 1)
    results: dict[str, object] = {
        "backend": backend,
        "records": records,
        "generate_s": round(generated, 1),
    }

    def timed(label: str, evaluated_floor: int) -> None:
        begin = time.perf_counter()
        stats = prepare_folders(budget=0, today=today)
        seconds = time.perf_counter() - begin
        summary = stats.as_dict()
        assert not summary["errors"], summary["errors"]
        results[label] = {
            "seconds": round(seconds, 2),
            "records_per_s": round(max(evaluated_floor, 1) / seconds),
            "created": summary["created"],
            "renamed": summary["renamed"],
            "evaluated": summary["evaluated"],
            "peak_rss_mb": round(peak_rss_mb()),
        }
        print(
            f"  {backend:10} {label:12} {seconds:8.2f} s  "
            f"{max(evaluated_floor, 1) / seconds:10.0f} records/s  "
            f"created {summary['created']:>8}  renamed {summary['renamed']:>6}  "
            f"peak RSS {peak_rss_mb():.0f} MB",
            flush=True,
        )

    timed("first", records + records // 100)
    changed = change_one_percent(source_url, records)
    timed("incremental", changed)
    timed("no_change", records)
    return results


def child_environment(backend: str, home: Path) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ, ARCHIVIST_HOME=str(home))
    cleanup: list[str] = []
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        env["BENCH_SOURCE_URL"] = f"sqlite:///{home}/source.sqlite3"
        return env, cleanup
    from tests.peers import databases

    server = databases.postgres()
    if server.url is None:
        raise SystemExit(f"PostgreSQL unavailable: {server.unavailable}")
    import sqlalchemy as sa

    names = [f"bench_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("archivist", "source")]
    engine = sa.create_engine(f"{server.url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for name in names:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    plain = server.url.replace("postgresql+psycopg://", "postgresql://")
    env["DATABASE_URL"] = f"{plain}/{names[0]}"
    env["BENCH_SOURCE_URL"] = f"{server.url}/{names[1]}"
    return env, [f"{server.url}|{name}" for name in names]


def drop(databases_to_drop: list[str]) -> None:
    import sqlalchemy as sa

    for item in databases_to_drop:
        url, name = item.split("|")
        engine = sa.create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        results = run_backend(arguments.child, arguments.records)
        print("RESULT " + json.dumps(results), flush=True)
        return
    backends = ["sqlite", "postgresql"] if arguments.backend == "both" else [arguments.backend]
    print(
        f"Prepare folders benchmark: {arguments.records:,} orders under "
        f"{max(1, arguments.records // 100):,} companies"
    )
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="archivist-bench-") as folder:
            env, cleanup = child_environment(backend, Path(folder))
            try:
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        backend,
                        "--records",
                        str(arguments.records),
                    ],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
            finally:
                drop(cleanup)


if __name__ == "__main__":
    main()
