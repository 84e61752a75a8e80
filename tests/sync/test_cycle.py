"""A whole sync cycle on Archivist's own database, against a real folder (the local connector)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core import mail

from archivist.cli import main
from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.documents.services.attachments import store_file
from archivist.sync.models import (
    CloudConnection,
    ConnectionState,
    FolderConnection,
    SyncItem,
    SyncLog,
)
from archivist.sync.services.connections import configure, open_connector
from archivist.sync.services.cycle import run_connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.archivist_db]


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    root = tmp_path / "nas"
    root.mkdir()
    return root


@pytest.fixture
def connection(remote: Path) -> CloudConnection:
    connection = CloudConnection(name="NAS", kind="local")
    configure(connection, {"path": str(remote)})
    connection.save()
    return connection


@pytest.fixture
def customers(connection: CloudConnection) -> Folder:
    folder = Folder.objects.create(name="Customers", kind=FolderKind.MANUAL)
    FolderConnection.objects.create(folder=folder, connection=connection)
    return folder


def _file(folder: Folder, name: str, data: bytes) -> Attachment:
    return store_file(folder, name, io.BytesIO(data))


def test_a_first_cycle_sends_folders_and_files(connection, customers, remote):
    azure = Folder.objects.create(name="Azure Interior", kind=FolderKind.MANUAL, parent=customers)
    _file(azure, "scan1.jpeg", b"jpeg bytes")
    Folder.objects.create(name="not synced", kind=FolderKind.MANUAL)
    report = run_connection(connection)
    assert report.converged and not report.failed and report.applied == 3
    assert (remote / "Archivist/Customers/Azure Interior/scan1.jpeg").read_bytes() == b"jpeg bytes"
    assert not (remote / "Archivist/not synced").exists()
    assert SyncItem.objects.filter(connection=connection).count() == 3
    again = run_connection(connection)
    assert again.applied == 0 and again.converged, "a second cycle has nothing to do"


def test_cloud_changes_come_back(connection, customers, remote):
    run_connection(connection)
    folder = remote / "Archivist/Customers"
    (folder / "Terms").mkdir()
    (folder / "Terms/terms.pdf").write_bytes(b"%PDF terms")
    run_connection(connection)
    terms_folder = Folder.objects.get(name="Terms")
    assert terms_folder.parent == customers and terms_folder.kind == FolderKind.MANUAL
    terms = Attachment.objects.get(name="terms.pdf")
    assert terms.folder == terms_folder and terms.blob == "" and terms.size == 10
    assert terms.url.startswith(f"/api/cloud/{connection.pk}/")


def test_archiving_a_folder_brings_files_home(connection, customers, remote):
    plans = Folder.objects.create(name="Plans", kind=FolderKind.MANUAL, parent=customers)
    _file(plans, "plan.txt", b"plan")
    run_connection(connection)
    (remote / "Archivist/Customers/Plans/cloud.txt").write_bytes(b"from the cloud")
    run_connection(connection)
    Folder.objects.filter(pk=plans.pk).update(active=False)
    run_connection(connection)
    assert not (remote / "Archivist/Customers/Plans").exists()
    cloud = Attachment.objects.get(name="cloud.txt")
    assert cloud.blob and cloud.size == 14, "its bytes came home before the cloud copy went"


def test_a_paused_connection_does_nothing(connection, customers, remote):
    connection.state = ConnectionState.PAUSED
    connection.save()
    _file(customers, "a.txt", b"a")
    run_connection(connection)
    assert not (remote / "Archivist").exists()


def test_an_unreachable_remote_pauses_and_tells_the_subscribers(
    connection, customers, remote, django_user_model
):
    alice = django_user_model.objects.create_user("alice", "alice@example.com", "pw")
    connection.subscribers.add(alice)
    remote.rmdir()  # the NAS share went away
    run_connection(connection)
    connection.refresh_from_db()
    assert connection.state == ConnectionState.PAUSED
    assert "cannot" in connection.last_error
    assert SyncLog.objects.filter(connection=connection, level="critical").exists()
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]


def test_secrets_are_encrypted_and_bad_options_named(remote):
    connection = CloudConnection(name="S3", kind="s3")
    configure(connection, {"bucket": "docs", "access_key": "AKIA", "secret_key": "very-secret"})
    assert "very-secret" not in connection.secrets and connection.secrets
    assert "secret_key" not in connection.options
    configure(connection, {"bucket": "other"})  # an empty secret keeps the stored one
    assert connection.options["bucket"] == "other" and "very-secret" not in str(connection.options)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        configure(CloudConnection(name="x", kind="local"), {})
    assert "path" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        configure(CloudConnection(name="y", kind="dropbox-ish"), {})
    assert "kind" in raised.value.message_dict


def test_the_command_line_adds_assigns_and_runs(remote, tmp_path):
    folder = Folder.objects.create(name="Projects", kind=FolderKind.MANUAL)
    _file(folder, "brief.txt", b"brief")
    runner = CliRunner()
    added = runner.invoke(
        main, ["connections", "add", "NAS", "--type", "local", "--option", f"path={remote}"]
    )
    assert added.exit_code == 0, added.output
    assigned = runner.invoke(main, ["connections", "assign", "NAS", "--folder", str(folder.pk)])
    assert assigned.exit_code == 0, assigned.output
    ran = runner.invoke(main, ["sync", "run"])
    assert ran.exit_code == 0, ran.output
    assert "NAS: 2 operations, 0 failed, 0 to retry, converged" in ran.output
    assert (remote / "Archivist/Projects/brief.txt").read_bytes() == b"brief"
    bad = runner.invoke(main, ["connections", "add", "Broken", "--type", "local"])
    assert bad.exit_code == 1 and "path: is required" in bad.output
    missing = runner.invoke(main, ["sync", "run", "--connection", "nope"])
    assert missing.exit_code == 1 and "no connection called 'nope'" in missing.output


def test_open_connector_roots_paths_in_the_root_folder(connection, remote):
    connector = open_connector(connection)
    connector.ensure_root()  # type: ignore[attr-defined]
    assert (remote / "Archivist").is_dir()
    connector.make_folder("inside")
    assert (remote / "Archivist/inside").is_dir()
    assert [entry.path for entry in connector.list_tree()] == ["inside"]


def test_the_scheduled_sync_runs_each_active_connection_once_per_interval(
    connection, customers, remote, settings
):
    from archivist.sync.services.cycle import scheduled_sync

    settings.SYNC_INTERVAL = 3600
    _file(customers, "a.txt", b"a")
    paused = CloudConnection.objects.create(name="Paused", kind="local", state="paused")
    assert scheduled_sync() == {"NAS": "2 done, 0 to retry, 0 failed"}
    assert (remote / "Archivist/Customers/a.txt").exists()
    assert scheduled_sync() is None, "another process already ran it this interval"
    paused.refresh_from_db()
    assert paused.last_run_at is None
    settings.SYNC_INTERVAL = 0
    assert scheduled_sync() is None


def test_a_cloud_only_file_downloads_through_archivist(
    connection, customers, remote, admin_client, client, django_user_model
):
    run_connection(connection)
    (remote / "Archivist/Customers/photo.png").write_bytes(b"\x89PNG cloud bytes")
    run_connection(connection)
    photo = Attachment.objects.get(name="photo.png")
    assert photo.blob == ""
    download = admin_client.get(f"/api/attachments/{photo.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG cloud bytes"
    assert download["Content-Length"] == "16"
    by_link = admin_client.get(photo.url)
    assert by_link.status_code == 200 and b"".join(by_link.streaming_content).endswith(b"bytes")
    preview = admin_client.get(f"/api/attachments/{photo.pk}/preview/")
    assert preview.status_code == 200 and "inline" in preview["Content-Disposition"]
    preview.close()  # as a server does: the cloud stream is closed unread
    # someone who may not read the folder gets nothing, by either route
    owner = django_user_model.objects.create_user("owner", password="pw")
    customers.users.add(owner)
    stranger = django_user_model.objects.create_user("stranger", password="pw")
    client.force_login(stranger)
    assert client.get(f"/api/attachments/{photo.pk}/download/").status_code == 403
    assert client.get(photo.url).status_code == 403
    # gone from the cloud: a clear 404, not a broken stream
    (remote / "Archivist/Customers/photo.png").unlink()
    missing = admin_client.get(f"/api/attachments/{photo.pk}/download/")
    assert missing.status_code == 404
    assert "no longer in the cloud" in missing.json()["detail"]
    assert admin_client.get(f"/api/cloud/{connection.pk}/nothing/here.txt").status_code == 404


def test_reset_brings_everything_home_then_pauses(connection, customers, remote):
    from archivist.sync.services.states import reconnect, reset, reset_impact

    _file(customers, "kept.txt", b"kept here")
    run_connection(connection)
    (remote / "Archivist/Customers/cloud.txt").write_bytes(b"only in the cloud")
    run_connection(connection)
    impact = reset_impact(connection)
    assert (impact.folders, impact.files, impact.files_to_download) == (1, 2, 1)
    assert impact.bytes_to_download == len(b"only in the cloud")
    reset(connection)
    report = run_connection(connection)
    assert report.converged
    assert list((remote / "Archivist").iterdir()) == []
    cloud = Attachment.objects.get(name="cloud.txt")
    assert cloud.blob and cloud.size == 17
    assert Attachment.objects.get(name="kept.txt").blob
    connection.refresh_from_db()
    assert connection.state == ConnectionState.PAUSED
    assert SyncItem.objects.filter(connection=connection).count() == 0
    reconnect(connection)
    run_connection(connection)
    assert (remote / "Archivist/Customers/cloud.txt").read_bytes() == b"only in the cloud"


def test_the_command_line_previews_and_resets(connection, customers, remote):
    runner = CliRunner()
    _file(customers, "a.txt", b"a")
    run_connection(connection)
    preview = runner.invoke(main, ["connections", "reset", "NAS"])
    assert preview.exit_code == 0 and "1 files and 1 folders come back" in preview.output
    assert "--yes" in preview.output
    connection.refresh_from_db()
    assert connection.state == ConnectionState.ACTIVE, "a preview changes nothing"
    assert runner.invoke(main, ["connections", "reset", "NAS", "--yes"]).exit_code == 0
    connection.refresh_from_db()
    assert connection.state == ConnectionState.RESET
    assert runner.invoke(main, ["connections", "pause", "NAS"]).exit_code == 0
    assert runner.invoke(main, ["connections", "reconnect", "NAS"]).exit_code == 0
    connection.refresh_from_db()
    assert connection.state == ConnectionState.ACTIVE
