"""The connection form's API: connector types with their declared options, adding and editing a
connection (secrets write-only, errors naming the option, assignments), the connection test, the
queue's paging and the log's level and connection toggles — administrators only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from archivist.documents.models import Folder
from archivist.documents.roles import ADMINISTRATION
from archivist.sync.models import CloudConnection, FolderConnection, SyncLog, SyncOperation
from archivist.sync.services.connections import _secrets

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(django_user_model):
    user = django_user_model.objects.create_user("boss", password="pw", first_name="Bea")
    user.groups.add(Group.objects.get(name=ADMINISTRATION))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def clerk(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("clerk", password="pw"))
    return client


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def patch(client, path, body):
    return client.patch(path, body, content_type="application/json")


def test_connector_types_declare_their_options(admin, clerk):
    assert clerk.get("/api/sync/connector-types/").status_code == 403
    types = {t["name"]: t for t in admin.get("/api/sync/connector-types/").json()}
    assert {"local", "s3", "webdav", "sftp"} <= set(types)
    assert types["local"]["label"] == "Local path"
    (path,) = types["local"]["options"]
    assert path["name"] == "path" and path["required"] and path["kind"] == "path"
    assert path["label"] == "Path" and path["help"]
    s3 = {o["name"]: o for o in types["s3"]["options"]}
    assert s3["secret_key"]["secret"] and not s3["bucket"]["secret"]
    assert s3["endpoint_url"]["label"] == "Endpoint URL"
    webdav = {o["name"]: o for o in types["webdav"]["options"]}
    assert webdav["flavour"]["choices"] and webdav["flavour"]["kind"] == "choice"
    sftp = {o["name"]: o for o in types["sftp"]["options"]}
    assert sftp["port"]["default"] == 22 and sftp["port"]["kind"] == "integer"


def test_add_a_connection_and_errors_name_the_option(admin, clerk, tmp_path):
    body = {"name": "NAS", "type": "local", "root_folder": "Archive", "options": {}}
    assert post(clerk, "/api/sync/connections/", body).status_code == 403
    missing = post(admin, "/api/sync/connections/", body)
    assert missing.status_code == 400
    assert missing.json() == {"options": {"path": ["is required"]}}
    unknown = post(admin, "/api/sync/connections/", {**body, "options": {"colour": "red"}})
    assert unknown.status_code == 400 and "colour" in unknown.json()["options"]
    bad_type = post(admin, "/api/sync/connections/", {**body, "type": "ftp"})
    assert bad_type.status_code == 400 and "type" in bad_type.json()
    bad_root = post(admin, "/api/sync/connections/", {**body, "root_folder": "a/../b"})
    assert bad_root.status_code == 400 and "root_folder" in bad_root.json()
    assert not CloudConnection.objects.exists()

    made = post(admin, "/api/sync/connections/", {**body, "options": {"path": str(tmp_path)}})
    assert made.status_code == 201, made.json()
    answer = made.json()
    assert answer["name"] == "NAS" and answer["type"] == "local" and answer["state"] == "active"
    assert answer["options"] == {"path": str(tmp_path)} and answer["secrets"] == {}
    assert answer["queue"] == {"pending": 0, "running": 0, "failed": 0}
    twice = post(admin, "/api/sync/connections/", {**body, "options": {"path": str(tmp_path)}})
    assert twice.status_code == 400 and "name" in twice.json()
    assert admin.get(f"/api/sync/connections/{answer['id']}/").json()["root_folder"] == "Archive"


def test_secrets_are_write_only_and_an_empty_one_keeps_the_stored_one(admin, clerk):
    made = post(
        admin,
        "/api/sync/connections/",
        {
            "name": "Bucket",
            "type": "s3",
            "options": {"bucket": "docs", "access_key": "AK", "secret_key": "very-secret-1"},
        },
    ).json()
    url = f"/api/sync/connections/{made['id']}/"
    assert made["secrets"]["secret_key"] == {"set": True}
    detail = admin.get(url)
    assert b"very-secret-1" not in detail.content
    assert clerk.get(url).status_code == 403
    assert patch(clerk, url, {"name": "Stolen"}).status_code == 403

    kept = patch(admin, url, {"options": {"bucket": "papers", "secret_key": ""}}).json()
    assert kept["options"]["bucket"] == "papers" and kept["secrets"]["secret_key"] == {"set": True}
    connection = CloudConnection.objects.get(pk=made["id"])
    assert _secrets(connection)["secret_key"] == "very-secret-1"
    patch(admin, url, {"options": {"bucket": "papers", "secret_key": "very-secret-2"}})
    connection.refresh_from_db()
    assert _secrets(connection)["secret_key"] == "very-secret-2"

    bad = patch(admin, url, {"options": {"bucket": "papers", "endpoint_url": "ftp://x"}})
    assert bad.status_code == 400 and "endpoint_url" in bad.json()["options"]
    retyped = patch(admin, url, {"type": "local"})
    assert retyped.status_code == 400 and "type" in retyped.json()
    renamed = patch(admin, url, {"name": "Papers", "root_folder": "Office/Archive"}).json()
    assert (renamed["name"], renamed["root_folder"]) == ("Papers", "Office/Archive")
    assert renamed["options"]["bucket"] == "papers"  # options not sent: unchanged
    assert admin.get("/api/sync/connections/999/").status_code == 404


def test_subscribers_and_folder_assignments(admin, django_user_model, tmp_path):
    root = Folder.objects.create(name="Contracts", kind="manual")
    other = Folder.objects.create(name="Invoices", kind="manual")
    first = CloudConnection.objects.create(name="First", kind="local", options={"path": "/"})
    FolderConnection.objects.create(folder=other, connection=first)
    made = post(
        admin,
        "/api/sync/connections/",
        {
            "name": "NAS",
            "type": "local",
            "options": {"path": str(tmp_path)},
            "subscribers": [admin.user.pk],
            "folders": [root.pk, other.pk],
        },
    ).json()
    assert made["subscribers"] == [{"id": admin.user.pk, "name": "Bea"}]
    assert [f["name"] for f in made["folders"]] == ["Contracts", "Invoices"]
    assert FolderConnection.objects.get(folder=other).connection_id == made["id"]  # moved
    url = f"/api/sync/connections/{made['id']}/"
    after = patch(admin, url, {"folders": [root.pk], "subscribers": []}).json()
    assert [f["name"] for f in after["folders"]] == ["Contracts"] and after["subscribers"] == []
    assert not FolderConnection.objects.filter(folder=other).exists()
    missing = patch(admin, url, {"folders": [987654]})
    assert missing.status_code == 400 and "folders" in missing.json()


def test_the_connection_test_lists_the_root_or_says_what_is_wrong(admin, clerk, tmp_path):
    (tmp_path / "Archivist").mkdir()
    (tmp_path / "Archivist" / "hello.txt").write_text("hi")
    made = post(
        admin,
        "/api/sync/connections/",
        {"name": "NAS", "type": "local", "options": {"path": str(tmp_path)}},
    ).json()
    url = f"/api/sync/connections/{made['id']}/test/"
    assert clerk.post(url).status_code == 403
    assert admin.post(url).json() == {"ok": True, "error": "", "entries": ["hello.txt"]}
    patch(admin, f"/api/sync/connections/{made['id']}/", {"options": {"path": "/no/such/dir"}})
    failed = admin.post(url).json()
    assert failed["ok"] is False and "does not exist" in failed["error"]


def test_queue_pages_and_log_toggles(admin):
    nas = CloudConnection.objects.create(name="NAS", kind="local", options={"path": "/"})
    box = CloudConnection.objects.create(name="Box", kind="local", options={"path": "/"})
    now = timezone.now()
    SyncOperation.objects.bulk_create(
        SyncOperation(
            connection=nas,
            kind="upload",
            item=f"file:{n}",
            path=f"{n}.txt",
            next_attempt_at=now,
            reason="new file",
        )
        for n in range(205)
    )
    first = admin.get("/api/sync/operations/").json()
    second = admin.get("/api/sync/operations/?offset=200").json()
    assert len(first) == 200 and len(second) == 5
    assert first[0]["connection_name"] == "NAS" and first[0]["reason"] == "new file"
    assert not {row["id"] for row in first} & {row["id"] for row in second}
    listed = admin.get("/api/sync/connections/").json()
    assert next(c for c in listed if c["name"] == "NAS")["queue"]["pending"] == 205

    for minutes, connection, level in [
        (5, nas, "info"),
        (4, box, "warning"),
        (3, nas, "error"),
        (2, None, "info"),
        (1, box, "debug"),
    ]:
        line = SyncLog.objects.create(connection=connection, level=level, message=f"m{minutes}")
        SyncLog.objects.filter(pk=line.pk).update(at=now - dt.timedelta(minutes=minutes))

    def messages(query: str) -> list[str]:
        answer = admin.get(f"/api/sync/logs/?{query}")
        assert answer.status_code == 200, answer.json()
        return [row["message"] for row in answer.json()]

    assert messages("levels=info,error") == ["m2", "m3", "m5"]
    assert messages(f"connections={box.pk}") == ["m1", "m4"]
    assert messages(f"levels=warning,error&connections={nas.pk},{box.pk}") == ["m3", "m4"]
    bad = admin.get("/api/sync/logs/?levels=loud")
    assert bad.status_code == 400 and "levels" in bad.json()
    assert admin.get("/api/sync/logs/?connections=a,b").status_code == 400
    csv_text = b"".join(admin.get("/api/sync/logs.csv?levels=error").streaming_content).decode()
    assert csv_text.count("\n") == 2 and "m3" in csv_text

    # paging follows the list's order (time, then id) even when ids are not in time order
    late = SyncLog.objects.create(connection=nas, level="info", message="old, made late")
    SyncLog.objects.filter(pk=late.pk).update(at=now - dt.timedelta(minutes=10))
    everything = messages("")
    assert everything[-1] == "old, made late"
    pages = [messages(f"before={SyncLog.objects.get(message=m).pk}") for m in ("m3", "m5")]
    assert pages == [["m4", "m5", "old, made late"], ["old, made late"]]
