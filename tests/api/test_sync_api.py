"""Sync API: connections without secrets, the queue, the log with its filters and CSV export —
each for administrators only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from archivist.documents.roles import ADMINISTRATION
from archivist.sync.models import CloudConnection, LogLevel, SyncLog, SyncOperation
from archivist.sync.services.connections import configure
from archivist.sync.services.logs import LEVELS, clean_logs

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/sync/connections/",
    "/api/sync/operations/",
    "/api/sync/logs/",
    "/api/sync/logs.csv",
]


@pytest.fixture
def admin(django_user_model, client):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("boss", password="pw")
    user.groups.add(Group.objects.get(name=ADMINISTRATION))
    client.force_login(user)
    return client


@pytest.fixture
def bucket():
    connection = CloudConnection(name="Bucket", kind="s3")
    configure(connection, {"bucket": "docs", "secret_key": "top-secret-value"})
    connection.save()
    return connection


@pytest.fixture
def lines(bucket):
    now = timezone.now()
    made = []
    for minutes, level, message in [
        (50, "debug", "listed 3 folders"),
        (40, "info", "12 operations in 2 rounds"),
        (30, "warning", "Customers/Tables: put back where Archivist has it"),
        (20, "error", "=HYPERLINK(evil) failed"),
        (10, "critical", "the remote refused the credentials"),
    ]:
        line = SyncLog.objects.create(connection=bucket, level=level, message=message)
        SyncLog.objects.filter(pk=line.pk).update(at=now - dt.timedelta(minutes=minutes))
        made.append(line)
    SyncLog.objects.create(connection=None, level="info", message="no connection")
    return made


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_sync_endpoint_is_for_administrators_only(endpoint, client, django_user_model, admin):
    assert admin.get(endpoint).status_code == 200
    clerk = django_user_model.objects.create_user("clerk", password="pw")
    client.force_login(clerk)
    assert client.get(endpoint).status_code == 403
    client.logout()
    assert client.get(endpoint).status_code in (401, 403)


def test_pause_reconnect_and_reset_for_administrators_only(admin, bucket, django_user_model):
    from django.test import Client

    base = f"/api/sync/connections/{bucket.pk}"
    clerk = django_user_model.objects.create_user("clerk", password="pw")
    client = Client()  # not the administrator's
    client.force_login(clerk)
    for action in ("pause/", "reconnect/", "reset/"):
        assert client.post(f"{base}/{action}", {"confirm": True}).status_code == 403
    assert client.get(f"{base}/reset/").status_code == 403
    assert admin.post(f"{base}/pause/").json()["state"] == "paused"
    assert admin.post(f"{base}/reconnect/").json()["state"] == "active"
    preview = admin.get(f"{base}/reset/").json()
    assert preview == {"folders": 0, "files": 0, "files_to_download": 0, "bytes_to_download": 0}
    refused = admin.post(f"{base}/reset/", {"confirm": False}, content_type="application/json")
    assert refused.status_code == 400 and "confirm" in refused.json()
    bucket.refresh_from_db()
    assert bucket.state == "active"
    done = admin.post(f"{base}/reset/", {"confirm": True}, content_type="application/json")
    assert done.status_code == 200
    bucket.refresh_from_db()
    assert bucket.state == "reset"
    assert admin.post("/api/sync/connections/9999/pause/").status_code == 404


def test_connections_never_show_secrets(admin, bucket):
    body = admin.get("/api/sync/connections/").content
    assert b"Bucket" in body and b"top-secret-value" not in body and b"secret_key" not in body


def test_the_queue_lists_operations_by_state(admin, bucket):
    SyncOperation.objects.create(
        connection=bucket,
        kind="upload",
        item="file:1",
        path="a.txt",
        next_attempt_at=timezone.now(),
        state="failed",
        last_error="read-only share",
    )
    failed = admin.get("/api/sync/operations/?state=failed").json()
    assert [row["last_error"] for row in failed] == ["read-only share"]
    assert admin.get("/api/sync/operations/?state=pending").json() == []
    bad = admin.get("/api/sync/operations/?state=stuck")
    assert bad.status_code == 400 and "state" in bad.json()


def test_log_filters_by_level_search_period_and_connection(admin, bucket, lines):
    def messages(query: str) -> list[str]:
        response = admin.get(f"/api/sync/logs/{query}")
        assert response.status_code == 200, response.content
        return [line["message"] for line in response.json()]

    assert messages("?level=error") == [
        "the remote refused the credentials",
        "=HYPERLINK(evil) failed",
    ]
    assert messages("?search=TABLES") == ["Customers/Tables: put back where Archivist has it"]
    since = (timezone.now() - dt.timedelta(minutes=35)).isoformat()
    until = (timezone.now() - dt.timedelta(minutes=15)).isoformat()
    assert (
        len(messages(f"?since={since.replace('+', '%2B')}&until={until.replace('+', '%2B')}")) == 2
    )
    assert len(messages(f"?connection={bucket.pk}")) == 5
    assert len(messages("")) == 6
    assert messages(f"?before={lines[1].pk}") == ["listed 3 folders"]
    for query, field in [
        ("?level=loud", "level"),
        ("?since=yesterday", "since"),
        ("?connection=x", "connection"),
    ]:
        response = admin.get(f"/api/sync/logs/{query}")
        assert response.status_code == 400 and field in response.json(), query


def test_csv_export_is_newest_first_limited_and_formula_safe(admin, bucket, lines, settings):
    settings.SYNC_LOG_EXPORT_LINES = 3
    response = admin.get(f"/api/sync/logs.csv?connection={bucket.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["time (UTC)", "level", "connection", "operation", "item", "message"]
    assert [row[5] for row in rows[1:]] == [
        "the remote refused the credentials",
        "'=HYPERLINK(evil) failed",
        "Customers/Tables: put back where Archivist has it",
    ]


def test_retention_keeps_at_least_three_days(bucket):
    old = SyncLog.objects.create(connection=bucket, level="info", message="old")
    recent = SyncLog.objects.create(connection=bucket, level="info", message="recent")
    SyncLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=10))
    SyncLog.objects.filter(pk=recent.pk).update(at=timezone.now() - dt.timedelta(days=2))
    assert clean_logs(days=1) == 1, "asking for one day still keeps three"
    assert list(SyncLog.objects.values_list("message", flat=True)) == ["recent"]


def test_levels_match_the_model():
    assert [level.value for level in LogLevel] == LEVELS
