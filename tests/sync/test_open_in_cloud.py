"""Open in Cloud after a real sync: the redirect for a synced file or folder, per connector,
against the real peers (S3 on moto, WebDAV on wsgidav, a local folder), and who gets it."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from archivist.connectors.base import Entry
from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.documents.services.attachments import store_file
from archivist.sync.models import CloudConnection, FolderConnection, SyncItem
from archivist.sync.services.connections import configure, open_connector
from archivist.sync.services.cycle import run_connection
from tests.peers.s3 import S3Peer, s3_server  # noqa: F401 (a session fixture)
from tests.peers.webdav import WebDavPeer, webdav_server  # noqa: F401 (a session fixture)

pytestmark = [pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4 the offer"


def _synced(kind: str, options: dict[str, Any]) -> tuple[CloudConnection, Folder, Attachment]:
    """A connection, a folder assigned to it with one file, after one real sync cycle."""
    connection = CloudConnection(name=f"{kind} cloud", kind=kind)
    configure(connection, options)
    connection.save()
    folder = Folder.objects.create(name="Offers 2026", kind=FolderKind.MANUAL)
    FolderConnection.objects.create(folder=folder, connection=connection)
    offer = store_file(folder, "offer ü 1.pdf", io.BytesIO(PDF))
    report = run_connection(connection)
    assert report.converged and not report.failed
    assert SyncItem.objects.filter(key=f"file:{offer.pk}", connection=connection).exists()
    return connection, folder, offer


def _remote(connection: CloudConnection, path: str) -> Entry:
    connector = open_connector(connection)
    try:
        return connector.stat(path)
    finally:
        connector.close()


def test_s3_files_open_by_a_fresh_presigned_link(
    s3_server: S3Peer,  # noqa: F811
    admin_client: Client,
) -> None:
    _connection, folder, offer = _synced(
        "s3",
        {
            "bucket": s3_server.bucket,
            "prefix": f"open-{uuid.uuid4().hex[:8]}",
            "endpoint_url": s3_server.endpoint_url,
            "region": s3_server.region,
            "path_style": True,
            "access_key": s3_server.access_key_id,
            "secret_key": s3_server.secret_access_key,
        },
    )
    listed = admin_client.get("/api/attachments/", {"folders": folder.pk}).json()["results"]
    assert listed[0]["cloud_open"] == f"/api/attachments/{offer.pk}/open-in-cloud/"

    opened = admin_client.get(listed[0]["cloud_open"])
    assert opened.status_code == 302 and opened["Cache-Control"] == "no-store"
    assert "X-Amz-Signature=" in opened["Location"]
    fetched = httpx.get(opened["Location"], trust_env=False)  # no Archivist session needed
    assert fetched.status_code == 200 and fetched.content == PDF

    detail = admin_client.get(f"/api/folders/{folder.pk}/").json()
    assert detail["cloud"] == {
        "connection": "s3 cloud",
        "kind": "s3",
        "open": f"/api/folders/{folder.pk}/open-in-cloud/",
    }
    refused = admin_client.get(detail["cloud"]["open"])
    assert refused.status_code == 409 and refused.json()["detail"].startswith(
        "this S3-compatible server has no folder page"
    )


def test_nextcloud_items_open_on_their_file_page(
    webdav_server: WebDavPeer,  # noqa: F811
    admin_client: Client,
) -> None:
    url, _disk = webdav_server.new_root("nextcloud")
    connection, folder, offer = _synced(
        "webdav",
        {
            "url": url,
            "username": webdav_server.user,
            "password": webdav_server.password,
            "flavour": "nextcloud",
        },
    )
    file_id = _remote(connection, "Offers 2026/offer ü 1.pdf").id
    folder_id = _remote(connection, "Offers 2026").id
    assert file_id and folder_id and file_id != folder_id
    server = webdav_server.base_url
    opened = admin_client.get(f"/api/attachments/{offer.pk}/open-in-cloud/")
    assert opened.status_code == 302
    assert opened["Location"] == f"{server}/index.php/f/{file_id}"
    in_folder = admin_client.get(f"/api/folders/{folder.pk}/open-in-cloud/")
    assert in_folder["Location"] == f"{server}/index.php/f/{folder_id}"


def test_generic_webdav_items_open_at_their_address(
    webdav_server: WebDavPeer,  # noqa: F811
    admin_client: Client,
) -> None:
    url, _disk = webdav_server.new_root("plain")
    credentials = {"username": webdav_server.user, "password": webdav_server.password}
    _connection, folder, offer = _synced("webdav", {"url": url, **credentials})
    opened = admin_client.get(f"/api/attachments/{offer.pk}/open-in-cloud/")
    assert opened["Location"] == f"{url}/Archivist/Offers%202026/offer%20%C3%BC%201.pdf"
    auth = (webdav_server.user, webdav_server.password)
    assert httpx.get(opened["Location"], auth=auth, trust_env=False).content == PDF
    in_folder = admin_client.get(f"/api/folders/{folder.pk}/open-in-cloud/")
    assert in_folder["Location"] == f"{url}/Archivist/Offers%202026/"


def test_local_folders_have_no_link_and_say_so(tmp_path: Path, admin_client: Client) -> None:
    _connection, folder, offer = _synced("local", {"path": str(tmp_path)})
    listed = admin_client.get("/api/attachments/", {"folders": folder.pk}).json()["results"]
    assert listed[0]["cloud_open"] is None, "no link is offered where none exists"
    assert admin_client.get(f"/api/folders/{folder.pk}/").json()["cloud"] == {
        "connection": "local cloud",
        "kind": "local",
        "open": None,
    }
    refused = admin_client.get(f"/api/attachments/{offer.pk}/open-in-cloud/")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Local path connections have no web address to open"


def test_only_readers_of_synced_items_get_the_link(
    tmp_path: Path, admin_client: Client, client: Client, django_user_model: Any
) -> None:
    _connection, folder, offer = _synced("local", {"path": str(tmp_path)})
    owner = django_user_model.objects.create_user("owner")
    folder.users.add(owner)
    client.force_login(django_user_model.objects.create_user("stranger"))
    assert client.get(f"/api/attachments/{offer.pk}/open-in-cloud/").status_code == 403
    assert client.get(f"/api/folders/{folder.pk}/open-in-cloud/").status_code == 403
    client.logout()
    assert client.get(f"/api/attachments/{offer.pk}/open-in-cloud/").status_code == 403
    # an item that is not synced: 404, and no `cloud` on the folder
    home = Folder.objects.create(name="Not synced", kind=FolderKind.MANUAL)
    local = store_file(home, "note.txt", io.BytesIO(b"local"))
    assert admin_client.get(f"/api/attachments/{local.pk}/open-in-cloud/").status_code == 404
    assert admin_client.get(f"/api/folders/{home.pk}/").json()["cloud"] is None
    assert not SyncItem.objects.filter(key=f"file:{local.pk}").exists()
