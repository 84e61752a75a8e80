"""Synchronisation against the Odoo test server over HTTP: what is stored, the error count,
the scheduled run's skipping rules, and background runs with readable progress."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from archivist.fleet.models import Database, DatabaseUser, Hosting, RunState, SyncRun
from archivist.fleet.services.databases import new_database, save_database
from archivist.fleet.services.runs import (
    INLINE_LIMIT,
    process_pending_runs,
    scheduled_synchronize_all,
    start_sync,
)
from archivist.fleet.services.synchronize import (
    NOT_ODOO,
    due_for_scheduled_sync,
    synchronize,
)
from tests.fleet.helpers import KPIS, PeerUser, odoo_database
from tests.peers.odoo import Fault

pytestmark = pytest.mark.django_db


def test_a_19_database_syncs_kpis_users_version_and_uuid_over_json2(odoo_peer):
    jane = User.objects.create_user("jane", email="Jane@Firm.example")
    database, site = odoo_database(odoo_peer, "acme")
    [outcome] = synchronize([database])
    assert outcome.ok, outcome.message
    database.refresh_from_db()
    assert database.version == "19.0"
    assert database.uuid == site.databases["acme"].uuid
    assert database.documents == 7
    assert database.draft_entries == 15
    assert database.tax_return_status == "late"  # the worst of to_do and late
    assert database.kpis["account_journal_type.bank"] == {
        "name": "Bank",
        "type": "integer",
        "value": 12,
    }
    assert database.kpis["account_return.be_vat"]["value"] == "to_do"
    assert (database.sync_errors, database.last_error) == (0, "")
    assert database.last_sync is not None
    rows = {row.login: row for row in database.users.all()}
    # internal, active users only (no portal user, no OdooBot, no public user)
    assert set(rows) == {"jane@firm.example", "bob@client.example", "admin@acme.example"}
    assert rows["jane@firm.example"].latest_authentication == dt.datetime(
        2026, 11, 20, 8, tzinfo=dt.UTC
    )
    assert rows["jane@firm.example"].local_user == jane  # matched by email, any case
    assert rows["bob@client.example"].latest_authentication is None
    assert rows["bob@client.example"].local_user is None
    assert {request.protocol for request in site.requests} <= {"json2", "version"}


def test_a_17_database_falls_back_to_xmlrpc(odoo_peer):
    database, site = odoo_database(odoo_peer, "legacy", profile="17.0")
    [outcome] = synchronize([database])
    assert outcome.ok, outcome.message
    database.refresh_from_db()
    assert database.version == "17.0"
    assert database.documents == 7 and database.users.count() == 3
    assert "xmlrpc" in {request.protocol for request in site.requests}


def test_a_16_database_without_kpi_provider_still_syncs_users_and_version(odoo_peer):
    database, _ = odoo_database(odoo_peer, "old", profile="16.0")
    [outcome] = synchronize([database])
    assert outcome.ok
    assert "kpi.provider" in outcome.message
    database.refresh_from_db()
    assert database.version.startswith("16.0")
    assert database.kpis == {} and database.documents is None
    assert database.users.count() == 3
    assert "kpi.provider" in database.sync_notes


def test_errors_count_up_and_a_successful_manual_sync_resets_them(odoo_peer):
    database, _ = odoo_database(odoo_peer, "acme")
    Database.objects.filter(pk=database.pk).update(sync_errors=6)  # past the scheduled limit
    save_database(database, api_key="wrong-key")
    [outcome] = synchronize([database])
    assert (outcome.ok, outcome.message) == (False, "Invalid apikey")
    database.refresh_from_db()
    assert (database.sync_errors, database.last_error) == (7, "Invalid apikey")
    save_database(database, api_key="key-acme")
    assert synchronize([database])[0].ok  # a manual sync never skips
    database.refresh_from_db()
    assert (database.sync_errors, database.last_error) == (0, "")


def test_missing_credentials_are_named(odoo_peer):
    database, _ = odoo_database(odoo_peer, "acme")
    Database.objects.filter(pk=database.pk).update(api_login="")
    database.refresh_from_db()
    [outcome] = synchronize([database])
    assert outcome.message == "We are missing the database name, the api login or the api key"
    database.refresh_from_db()
    assert database.sync_errors == 1


def test_a_hanging_database_times_out_without_holding_back_the_others(odoo_peer, settings):
    settings.FLEET_CALL_TIMEOUT = 1.0
    slow, slow_site = odoo_database(odoo_peer, "slow")
    fine, _ = odoo_database(odoo_peer, "fine", profile="18.0")
    slow_site.fault = Fault(kind="hang")
    outcomes = {outcome.name: outcome for outcome in synchronize([slow, fine])}
    assert outcomes["fine"].ok
    assert (outcomes["slow"].ok, outcomes["slow"].message) == (False, "Timeout")
    slow.refresh_from_db()
    assert (slow.sync_errors, slow.last_error) == (1, "Timeout")


def test_users_are_upserted_by_login_and_gone_ones_dropped(odoo_peer):
    database, site = odoo_database(odoo_peer, "acme")
    synchronize([database])
    remote = site.databases["acme"]
    remote.user_by_login("bob@client.example").active = False
    remote.user_by_login("jane@firm.example").name = "Jane Smith"
    remote.add_user(PeerUser(login="new@client.example", name="New"))
    jane_row = DatabaseUser.objects.get(database=database, login="jane@firm.example")
    synchronize([database])
    logins = set(database.users.values_list("login", flat=True))
    assert logins == {"jane@firm.example", "new@client.example", "admin@acme.example"}
    jane_row.refresh_from_db()  # the same row, updated
    assert jane_row.name == "Jane Smith"


def test_fetch_settings_choose_what_is_kept(odoo_peer):
    database, _ = odoo_database(odoo_peer, "acme", fetch_documents=False, fetch_tax_returns=False)
    synchronize([database])
    database.refresh_from_db()
    assert database.documents is None
    assert database.tax_return_status == ""
    assert set(database.kpis) == {"account_journal_type.bank", "account_journal_type.sale"}


def test_outside_odoo_databases_are_not_synchronised(db):
    link = save_database(
        new_database(name="Wiki", hosting=Hosting.OTHER, url="http://127.0.0.1:9/")
    )
    [outcome] = synchronize([link])
    assert (outcome.ok, outcome.message) == (False, NOT_ODOO)
    link.refresh_from_db()
    assert link.sync_errors == 0


def test_the_scheduled_run_skips_recent_and_failing_databases(odoo_peer):
    odoo_database(odoo_peer, "due")
    recent, _ = odoo_database(odoo_peer, "recent")
    failing, _ = odoo_database(odoo_peer, "failing")
    four_errors, _ = odoo_database(odoo_peer, "four")
    old, _ = odoo_database(odoo_peer, "old")
    now = timezone.now()
    Database.objects.filter(pk=recent.pk).update(last_sync=now - dt.timedelta(hours=23))
    Database.objects.filter(pk=old.pk).update(last_sync=now - dt.timedelta(hours=25))
    Database.objects.filter(pk=failing.pk).update(sync_errors=5)
    Database.objects.filter(pk=four_errors.pk).update(sync_errors=4)
    assert set(due_for_scheduled_sync().values_list("name", flat=True)) == {"due", "four", "old"}
    summary = scheduled_synchronize_all()
    assert summary == {"synchronize all": "3 synced, 0 failed"}
    run = SyncRun.objects.get()
    assert run.scheduled and run.state == RunState.DONE
    assert {result["name"] for result in run.results.values()} == {"due", "four", "old"}
    failing.refresh_from_db()
    assert failing.last_sync is None and failing.sync_errors == 5
    assert scheduled_synchronize_all() is None  # once a day (a 24-hour lease)


def test_more_than_20_databases_become_a_background_run_with_progress(odoo_peer, people):
    databases = [odoo_database(odoo_peer, f"client{n:02d}")[0] for n in range(INLINE_LIMIT + 1)]
    save_database(databases[0], api_key="bad")
    started = start_sync(databases, requested_by=people.admin)
    assert isinstance(started, SyncRun)
    assert (started.state, started.total, started.done) == (RunState.PENDING, 21, 0)
    summary = process_pending_runs()
    started.refresh_from_db()
    failures = [result for result in started.results.values() if not result["ok"]]
    assert summary == {f"run {started.pk}": "20 synced, 1 failed"}, failures
    assert (started.state, started.done, started.failed) == (RunState.DONE, 21, 1)
    assert started.results[str(databases[0].pk)] == {
        "name": "client00",
        "ok": False,
        "message": "Invalid apikey",
    }
    assert process_pending_runs() is None  # nothing left
    assert Database.objects.filter(sync_errors=0, documents=7).count() == 20


def test_twenty_databases_are_synchronised_inline(odoo_peer):
    database, _ = odoo_database(odoo_peer, "acme")
    outcomes = start_sync([database])
    assert isinstance(outcomes, list) and outcomes[0].ok
    assert not SyncRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_background_run_starts_at_once_in_its_own_thread(odoo_peer, settings):
    settings.FLEET_RUNS_IN_THREAD = True
    databases = [odoo_database(odoo_peer, f"t{n:02d}")[0] for n in range(INLINE_LIMIT + 1)]
    started = start_sync(databases)
    assert isinstance(started, SyncRun)
    deadline = time.monotonic() + 120  # a bound against hanging, not a speed assertion
    while time.monotonic() < deadline:
        started.refresh_from_db()
        if started.state == RunState.DONE:
            break
        time.sleep(0.05)
    failures = [result for result in started.results.values() if not result["ok"]]
    assert (started.state, started.done, started.failed) == (RunState.DONE, 21, 0), failures
    assert process_pending_runs() is None  # the thread claimed it: nothing for the scheduler


def test_a_run_whose_worker_stopped_resumes_where_it_was(odoo_peer):
    first, _ = odoo_database(odoo_peer, "first")
    second, _ = odoo_database(odoo_peer, "second")
    stale = SyncRun.objects.create(
        database_ids=[first.pk, second.pk],
        total=2,
        state=RunState.RUNNING,
        done=2,  # counted, but only the first result was saved before the worker stopped
        results={str(first.pk): {"name": "first", "ok": True, "message": ""}},
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert process_pending_runs() == {f"run {stale.pk}": "2 synced, 0 failed"}
    stale.refresh_from_db()
    assert (stale.state, stale.done, stale.failed) == (RunState.DONE, 2, 0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.last_sync is None  # not synchronised twice
    assert second.last_sync is not None


def test_an_odoo_online_database_without_its_own_key_uses_the_odoo_com_credentials(odoo_peer):
    from archivist.fleet.services.databases import set_odoo_com_credentials

    site = odoo_peer.add_site("online", profile="saas~19.1+e")
    site.add_database("online", login="me@firm.example", api_key="odoo-com-key", kpis=KPIS)
    database = save_database(
        new_database(name="online", hosting=Hosting.SAAS, url=site.url, database_name="online")
    )
    [outcome] = synchronize([database])
    assert outcome.message == "We are missing the database name, the api login or the api key"
    set_odoo_com_credentials(login="me@firm.example", key="odoo-com-key")
    [outcome] = synchronize([database])
    assert outcome.ok, outcome.message
    database.refresh_from_db()
    assert database.version == "saas~19.1+e" and database.sync_errors == 0
