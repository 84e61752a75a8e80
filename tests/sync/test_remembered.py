"""The observation a cycle leaves behind (`RemoteEntry` rows): written once per version of an
item, not again by every cycle that lists the same versions."""

from __future__ import annotations

import io

import pytest

from archivist.documents.services.attachments import store_file
from archivist.sync.models import CloudConnection, RemoteEntry
from archivist.sync.services.cycle import run_connection
from tests.peers.s3 import S3Peer
from tests.peers.seaweedfs import seaweedfs  # noqa: F401 (a session fixture)
from tests.sync.connected import connected_folder, s3_options

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.archivist_db]


def test_a_cycle_that_lists_the_same_versions_rewrites_no_rows(
    seaweedfs: S3Peer,  # noqa: F811 (SeaweedFS answers an upload with its SHA-256; moto does not)
) -> None:
    connection, folder = connected_folder("s3", s3_options(seaweedfs, "remembered"), folder="Scans")
    for n in range(3):
        store_file(folder, f"scan {n}.png", io.BytesIO(b"\x89PNG %d" % n))
    assert run_connection(connection).converged
    first = _files(connection)
    assert len(first) == 3
    assert all("sha256" in hashes for hashes in first.values()), "the uploads' answers"

    assert run_connection(connection).applied == 0  # lists the same versions (without SHA-256)
    assert _files(connection) == first, "kept as they were"

    store_file(folder, "scan 3.png", io.BytesIO(b"\x89PNG 3"))
    assert run_connection(connection).applied == 1
    now = _files(connection)
    assert len(now) == 4 and set(first) < set(now)


def _files(connection: CloudConnection) -> dict[int, dict[str, str]]:
    rows = RemoteEntry.objects.filter(connection=connection, is_folder=False)
    return {row.pk: row.hashes for row in rows}
