"""Garbage collection: referenced blobs stay, unreferenced ones go once past the grace period;
and the `archivist blobs gc` command."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archivist.cli import main
from archivist.documents.blobstore import BlobStore, LocalBlobStore
from archivist.documents.models import Attachment, DefaultFile, Folder, FolderRule, Source
from archivist.documents.services.blob_gc import collect_garbage, referenced_digests
from tests.documents.blobstore.conftest import Backend

pytestmark = pytest.mark.django_db

GRACE = dt.timedelta(hours=24)
LATER = dt.timedelta(days=2)  # `now` this far ahead makes every stored blob older than GRACE


def files_in_a_folder(store: BlobStore, *contents: bytes) -> list[str]:
    folder = Folder.objects.create(name="Inbox", kind="manual")
    digests = []
    for number, content in enumerate(contents):
        blob = store.put_bytes(content)
        Attachment.objects.create(name=f"file {number}", folder=folder, blob=blob.sha256)
        digests.append(blob.sha256)
    return digests


def default_file(store: BlobStore, content: bytes) -> str:
    source = Source.objects.create(name="erp", url="sqlite:///erp.sqlite3")
    rule = FolderRule.objects.create(key="customers", name="Customers", source=source, model="p")
    blob = store.put_bytes(content)
    DefaultFile.objects.create(rule=rule, name="Checklist.txt", blob=blob.sha256, size=blob.size)
    return blob.sha256


def stored(store: BlobStore) -> set[str]:
    return {blob.sha256 for blob in store.blobs()}


def later() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + LATER


def test_referenced_blobs_stay_and_unreferenced_old_ones_go(backend: Backend):
    store = backend.store
    attached = files_in_a_folder(store, b"invoice", b"contract")
    template = default_file(store, b"checklist")
    orphans = [store.put_bytes(b"deleted attachment"), store.put_bytes(b"abandoned upload")]
    Attachment.objects.create(
        name="link", folder=Folder.objects.get(), url="https://example.com/"
    )  # a URL attachment refers to no blob

    stats = collect_garbage(store, grace=GRACE, now=later())

    assert stored(store) == {*attached, template}
    assert (stats.scanned, stats.referenced, stats.young, stats.deleted) == (5, 3, 0, 2)
    assert stats.bytes_freed == sum(orphan.size for orphan in orphans)
    assert backend.leftovers() == []


def test_unreferenced_blobs_inside_the_grace_period_stay(backend: Backend):
    store = backend.store
    young = store.put_bytes(b"uploaded a moment ago; its row is not saved yet")
    stats = collect_garbage(store, grace=GRACE)
    assert stored(store) == {young.sha256}
    assert (stats.scanned, stats.young, stats.deleted, stats.bytes_freed) == (1, 1, 0, 0)


def test_a_dry_run_deletes_nothing(backend: Backend):
    store = backend.store
    kept = files_in_a_folder(store, b"kept")
    orphan = store.put_bytes(b"orphan")
    stats = collect_garbage(store, grace=GRACE, now=later(), dry_run=True)
    assert stored(store) == {*kept, orphan.sha256}
    assert (stats.deleted, stats.bytes_freed, stats.dry_run) == (1, orphan.size, True)


def test_an_old_blob_stored_again_is_young_again(tmp_path: Path):
    store = LocalBlobStore(tmp_path)
    blob = store.put_bytes(b"re-uploaded")
    os.utime(store.path(blob.sha256), (1_000_000_000, 1_000_000_000))
    store.put_bytes(b"re-uploaded")  # a new upload of the same bytes; its row comes next
    assert collect_garbage(store, grace=GRACE).young == 1
    assert store.exists(blob.sha256)


def test_references_are_read_per_prefix(tmp_path: Path):
    store = LocalBlobStore(tmp_path)
    digests = files_in_a_folder(store, *(f"file {n}".encode() for n in range(30)))
    for prefix in {digest[:2] for digest in digests}:
        assert referenced_digests(prefix) == {d for d in digests if d.startswith(prefix)}
    assert referenced_digests("ff") == {d for d in digests if d.startswith("ff")}


def test_a_grace_period_shorter_than_an_hour_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="grace period must be at least 1:00:00"):
        collect_garbage(LocalBlobStore(tmp_path), grace=dt.timedelta(minutes=5))


# -- the command -----------------------------------------------------------------------------


def age(store: LocalBlobStore, sha256: str, hours: float) -> None:
    then = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).timestamp()
    os.utime(store.path(sha256), (then, then))


def test_the_command_collects_with_its_grace_period(settings: Any):
    store = LocalBlobStore(settings.BLOB_ROOT)
    kept = files_in_a_folder(store, b"kept")[0]
    old, young = store.put_bytes(b"old orphan"), store.put_bytes(b"young orphan")
    age(store, old.sha256, hours=30)
    age(store, young.sha256, hours=3)

    result = CliRunner().invoke(main, ["blobs", "gc", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "3 blobs scanned: would delete 1 (10 bytes), kept 1 referenced and 1 inside the grace "
        "period\n"
    )
    assert stored(store) == {kept, old.sha256, young.sha256}

    result = CliRunner().invoke(main, ["blobs", "gc", "--grace-hours", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "scanned": 3,
        "referenced": 1,
        "young": 0,
        "deleted": 2,
        "bytes_freed": 22,
        "dry_run": False,
    }
    assert stored(store) == {kept}


def test_the_command_against_s3(settings: Any, s3_server: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_access_key)
    settings.BLOB_STORE = (
        f"s3://{s3_server.bucket}/cli-gc?endpoint_url={s3_server.endpoint_url}"
        f"&region={s3_server.region}&path_style=true"
    )
    result = CliRunner().invoke(main, ["blobs", "gc"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 blobs scanned: deleted 0 (0 bytes)")


@pytest.mark.parametrize(
    ("arguments", "setting", "error"),
    [
        (["--grace-hours", "0.5"], "local", "0.5 is not in the range x>=1"),
        ([], "s3://bucket/p?colour=blue", "ARCHIVIST_BLOB_STORE: unknown option(s) colour"),
    ],
)
def test_the_command_explains_what_is_wrong(
    settings: Any, arguments: list[str], setting: str, error: str
):
    settings.BLOB_STORE = setting
    result = CliRunner().invoke(main, ["blobs", "gc", *arguments])
    assert result.exit_code != 0
    assert error in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.django_db
def test_daily_collection_runs_once_a_day_across_processes(settings, tmp_path):
    from archivist.documents.services.blob_gc import daily_garbage_collection

    settings.BLOB_STORE = "local"
    settings.BLOB_ROOT = tmp_path / "blobs"
    first = daily_garbage_collection()
    assert first is not None and first["scanned"] == 0
    assert daily_garbage_collection() is None  # the lease holds until tomorrow
