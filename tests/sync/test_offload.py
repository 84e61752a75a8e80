"""Offload: after the keep period, a synced file whose cloud copy is verified keeps only its
link; a file that changed on either side, or whose cloud copy differs, keeps its bytes."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from archivist.documents.models import Attachment, Folder
from archivist.documents.services.attachments import store_file
from archivist.sync.models import CloudConnection, SyncItem, SyncLog
from archivist.sync.services.connections import open_connector
from archivist.sync.services.cycle import run_connection
from archivist.sync.services.offload import offload_synced_files
from tests.peers.s3 import S3Peer, s3_server  # noqa: F401 (a session fixture)
from tests.sync.connected import connected_folder, s3_options

pytestmark = [pytest.mark.django_db(transaction=True)]

LATER = timezone.now() + dt.timedelta(hours=25)


def _offload(connection: CloudConnection, *, keep_hours: int = 24, now: dt.datetime = LATER):
    connector = open_connector(connection)
    try:
        return offload_synced_files(connection, connector, keep_hours=keep_hours, now=now)
    finally:
        connector.close()


@pytest.fixture
def nas(tmp_path: Path) -> tuple[CloudConnection, Folder, Path]:
    connection, folder = connected_folder("local", {"path": str(tmp_path)})
    return connection, folder, tmp_path / "Archivist" / "Invoices"


def test_verified_files_keep_only_their_link_after_the_keep_period(
    nas: tuple[CloudConnection, Folder, Path], admin_client: Client
) -> None:
    connection, folder, remote = nas
    invoice = store_file(folder, "march.pdf", io.BytesIO(b"%PDF march"))
    assert run_connection(connection).converged

    soon = _offload(connection, now=timezone.now() + dt.timedelta(hours=23))
    assert soon.released == 0, "kept during the keep period"
    report = _offload(connection)
    assert (report.released, report.released_bytes) == (1, 10)
    assert report.read_back_bytes == 10, "a local folder gives no hash: read back"

    invoice.refresh_from_db()
    assert invoice.blob == "" and invoice.url.startswith(f"/api/cloud/{connection.pk}/")
    download = admin_client.get(f"/api/attachments/{invoice.pk}/download/")
    assert b"".join(download.streaming_content) == b"%PDF march"
    again = run_connection(connection)
    assert again.converged and again.applied == 0, "the release is no change to sync"
    assert (remote / "march.pdf").read_bytes() == b"%PDF march"
    assert SyncLog.objects.filter(operation="offload", message__contains="1 verified").exists()


def test_files_changed_on_either_side_keep_their_bytes(
    nas: tuple[CloudConnection, Folder, Path],
) -> None:
    connection, folder, remote = nas
    edited_here = store_file(folder, "here.txt", io.BytesIO(b"v1"))
    edited_there = store_file(folder, "there.txt", io.BytesIO(b"v1"))
    assert run_connection(connection).converged
    # edited in Archivist (a new blob the sync has not sent yet), and in the cloud
    new_blob = store_file(Folder.objects.create(name="elsewhere"), "v2", io.BytesIO(b"v2 here"))
    Attachment.objects.filter(pk=edited_here.pk).update(blob=new_blob.blob, size=new_blob.size)
    (remote / "there.txt").write_bytes(b"v2 there")
    report = _offload(connection)
    assert (report.released, report.changed) == (0, 1)
    kept = Attachment.objects.filter(pk__in=[edited_here.pk, edited_there.pk]).exclude(blob="")
    assert kept.count() == 2
    assert run_connection(connection).converged
    edited_there.refresh_from_db()
    assert edited_there.blob == "", "the cloud won: the attachment follows its version"
    assert (remote / "here.txt").read_bytes() == b"v2 here"


def test_a_cloud_copy_with_other_bytes_is_never_trusted(
    nas: tuple[CloudConnection, Folder, Path],
) -> None:
    connection, folder, remote = nas
    contract = store_file(folder, "contract.pdf", io.BytesIO(b"%PDF signed"))
    assert run_connection(connection).converged
    copy = remote / "contract.pdf"
    before = copy.stat()
    with copy.open("r+b") as damaged:  # same size, same inode, same time: same ETag
        damaged.write(b"%PDF forged")
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = _offload(connection)
    assert (report.released, report.mismatched) == (0, 1)
    contract.refresh_from_db()
    assert contract.blob, "Archivist's bytes are kept"
    error = SyncLog.objects.get(operation="offload", level="error")
    assert error.item == "Invoices/contract.pdf" and "differs" in error.message


def test_s3_copies_are_verified_by_their_md5_without_reading_back(
    s3_server: S3Peer,  # noqa: F811
    admin_client: Client,
) -> None:
    connection, folder = connected_folder("s3", s3_options(s3_server, "offload"))
    scans = [store_file(folder, f"scan {n}.png", io.BytesIO(b"\x89PNG%d" % n)) for n in range(3)]
    assert run_connection(connection).converged
    report = _offload(connection)
    assert report.released == 3 and report.read_back_bytes == 0
    for scan in scans:
        scan.refresh_from_db()
        assert scan.blob == ""
        body = admin_client.get(f"/api/attachments/{scan.pk}/download/").streaming_content
        assert b"".join(body).startswith(b"\x89PNG")
    assert run_connection(connection).applied == 0


def test_the_cycle_offloads_per_the_setting(
    nas: tuple[CloudConnection, Folder, Path], settings: object
) -> None:
    connection, folder, _remote = nas
    store_file(folder, "a.txt", io.BytesIO(b"a"))
    settings.SYNC_KEEP_LOCAL_HOURS = 0  # type: ignore[attr-defined]
    first = run_connection(connection)
    assert first.converged and first.released == 1, "0: released once verified"
    assert run_connection(connection).applied == 0
    settings.SYNC_KEEP_LOCAL_HOURS = -1  # type: ignore[attr-defined]
    store_file(folder, "b.txt", io.BytesIO(b"b"))
    run_connection(connection)
    assert run_connection(connection).released == 0, "-1 keeps local copies for ever"
    assert SyncItem.objects.filter(connection=connection).count() == 3
