"""`fetch_many`, `map_databases` and `run`: many databases at once against the Odoo test server."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from archivist.fleet.odoo import (
    Credentials,
    FetchSettings,
    InternalError,
    MissingCredentials,
    OdooClient,
    OdooError,
    Snapshot,
    Timeout,
    fetch_many,
    map_databases,
    run,
)
from tests.peers.odoo import (
    Fault,
    OdooPeer,
    odoo_peer,  # noqa: F401 — the fixture
)

KEY = "k-1"


def add_sites(peer: OdooPeer, profiles: list[str]) -> list[tuple[str, Credentials, FetchSettings]]:
    jobs = []
    for number, profile in enumerate(profiles):
        site = peer.add_site(f"site{number}", profile=profile)
        name = f"db{number}"
        site.add_database(name, login=f"admin@{name}.example", api_key=KEY)
        jobs.append(
            (name, Credentials(site.url, name, f"admin@{name}.example", KEY), FetchSettings())
        )
    return jobs


def test_one_hanging_database_does_not_delay_the_others(odoo_peer: OdooPeer) -> None:  # noqa: F811
    jobs = add_sites(odoo_peer, ["16.0", "17.0", "18.0", "19.0", "saas~19.1+e", "19.0"])
    odoo_peer.sites["site5"].fault = Fault("hang")
    done: list[tuple[str, Snapshot | OdooError]] = []
    # Each call may wait 30 s, but the database's budget is 1 s in total: the Timeout met
    # must be the budget's.
    results = run(
        fetch_many(
            jobs,
            call_timeout=30,
            database_timeout=1.0,
            on_done=lambda key, result: done.append((key, result)),
        )
    )
    assert list(results) == [key for key, _, _ in jobs]
    hung = results["db5"]
    assert isinstance(hung, Timeout)
    assert (hung.message, hung.detail) == (
        "Timeout",
        f"{jobs[5][1].url} took more than 1 s in total",
    )
    for key in ("db0", "db1", "db2", "db3", "db4"):
        snapshot = results[key]
        assert isinstance(snapshot, Snapshot), (key, snapshot)
        assert snapshot.users[0].login == f"admin@{key}.example"
    assert sorted(key for key, _ in done) == sorted(results)  # once per job
    assert done[-1][0] == "db5"  # the others were reported before the hanging one
    assert dict(done) == results


def test_per_call_timeout_applies_to_each_database(odoo_peer: OdooPeer) -> None:  # noqa: F811
    jobs = add_sites(odoo_peer, ["19.0", "17.0"])
    odoo_peer.sites["site1"].fault = Fault("hang")
    results = run(fetch_many(jobs, call_timeout=0.5, database_timeout=30))
    assert isinstance(results["db0"], Snapshot)
    hung = results["db1"]
    assert isinstance(hung, Timeout)
    assert hung.detail.endswith("did not answer within 0.5 s")


def test_missing_credentials_are_a_result_not_a_raise(odoo_peer: OdooPeer) -> None:  # noqa: F811
    jobs = add_sites(odoo_peer, ["19.0"])
    jobs.append(("empty", Credentials(jobs[0][1].url, "", "x", "y"), FetchSettings()))
    results = run(fetch_many(jobs))
    assert isinstance(results["db0"], Snapshot)
    assert isinstance(results["empty"], MissingCredentials)


def test_on_done_runs_on_the_thread_that_called_run_outside_the_loop(
    odoo_peer: OdooPeer,  # noqa: F811
) -> None:
    jobs = add_sites(odoo_peer, ["19.0", "17.0", "16.0"])
    seen: list[tuple[str, bool]] = []

    def on_done(key: str, result: Snapshot | OdooError) -> None:
        try:
            asyncio.get_running_loop()
            in_loop = True
        except RuntimeError:
            in_loop = False
        seen.append((key, in_loop or threading.current_thread() is not caller))

    caller = threading.current_thread()
    run(fetch_many(jobs, concurrency=2, on_done=on_done))
    assert sorted(seen) == [("db0", False), ("db1", False), ("db2", False)]


def test_run_from_a_thread_with_a_running_loop(odoo_peer: OdooPeer) -> None:  # noqa: F811
    jobs = add_sites(odoo_peer, ["19.0"])

    async def async_caller() -> dict[str, Snapshot | OdooError]:
        return run(fetch_many(jobs))  # e.g. from an async view: run() still works

    results = asyncio.run(async_caller())
    assert isinstance(results["db0"], Snapshot)


def test_an_error_in_on_done_stops_the_run_and_propagates(odoo_peer: OdooPeer) -> None:  # noqa: F811
    jobs = add_sites(odoo_peer, ["19.0", "19.0"])

    def on_done(key: str, result: Snapshot | OdooError) -> None:
        raise LookupError(f"cannot store {key}")

    with pytest.raises(LookupError, match="cannot store db"):
        run(fetch_many(jobs, on_done=on_done))


def test_map_databases_runs_any_action(odoo_peer: OdooPeer) -> None:  # noqa: F811
    jobs = add_sites(odoo_peer, ["19.0", "17.0"])

    async def invite(key: str, client: OdooClient) -> Any:
        await client.invite([f"consultant@{key}.example"])
        return client.protocol

    results = run(map_databases([(key, credentials) for key, credentials, _ in jobs], invite))
    assert results == {"db0": "json2", "db1": "xmlrpc"}
    for number in (0, 1):
        database = odoo_peer.sites[f"site{number}"].databases[f"db{number}"]
        assert database.user_by_login(f"consultant@db{number}.example") is not None


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="concurrency must be at least 1"):
        run(fetch_many([], concurrency=0))


def test_a_defect_on_one_database_is_an_internal_error_for_it_alone(
    odoo_peer: OdooPeer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = add_sites(odoo_peer, ["19.0", "17.0"])

    async def fragile(key: str, client: OdooClient) -> str:
        version = await client.version()
        if version.major == 17:
            raise KeyError("server_version")  # stands for a bug met on one answer
        return version.raw

    results = run(map_databases([(key, credentials) for key, credentials, _ in jobs], fragile))
    assert results["db0"] == "19.0"
    failed = results["db1"]
    assert isinstance(failed, InternalError)
    assert (
        failed.message == "Internal error while reading this database: KeyError: 'server_version'"
    )
    assert isinstance(failed.cause, KeyError)
    assert "Reading the Odoo database 'db1'" in caplog.text
