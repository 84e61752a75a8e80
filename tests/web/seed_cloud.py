"""What the web tests of the cloud work click on, added after the common seed (`seed.py`): the
record folder "Deco Addict" (res_partner of the demo) synced to "Team DAV", a generic WebDAV
connection whose root folder is `Archivist` (its server is never contacted: the links are built
from the options), as a sync leaves it — the folder and "site survey.docx" in the cloud, the
file's bytes offloaded (cloud-only) — and "visit notes.txt", added since and not synced yet."""

from __future__ import annotations

import io

CONNECTION = "Team DAV"
DAV_URL = "http://127.0.0.1:9/dav/"
ROOT_FOLDER = "Archivist"
RECORD_FOLDER = "Deco Addict"
SYNCED_FILE = "site survey.docx"
LOCAL_FILE = "visit notes.txt"


def seed() -> None:
    from django.contrib.auth.models import User

    from archivist.connectors.base import Entry
    from archivist.documents.models import Folder, FolderKind
    from archivist.documents.services import attachments
    from archivist.sync.models import CloudConnection, FolderConnection, SyncItem
    from archivist.sync.services.connections import configure
    from archivist.sync.services.scope import file_key, folder_key
    from archivist.sync.services.stores import DjangoLocalStore

    admin = User.objects.get(username="admin")
    dav = CloudConnection(name=CONNECTION, kind="webdav", root_folder=ROOT_FOLDER)
    configure(
        dav, {"url": DAV_URL, "username": "web", "password": "not-a-password", "flavour": "generic"}
    )
    dav.save()

    deco = Folder.objects.get(name=RECORD_FOLDER, kind=FolderKind.RECORD, model="res_partner")
    FolderConnection.objects.create(folder=deco, connection=dav)
    content = b"PK\x03\x04 a survey of the site\n"
    survey = attachments.upload(admin, deco, SYNCED_FILE, io.BytesIO(content))
    attachments.upload(admin, deco, LOCAL_FILE, io.BytesIO(b"call back on Monday\n"))

    # what a sync run records: the folder and the file on the remote (paths below the root)
    SyncItem.objects.create(
        connection=dav, key=folder_key(deco.pk), kind="folder", name=deco.name, path=deco.name
    )
    path = f"{deco.name}/{SYNCED_FILE}"
    SyncItem.objects.create(
        connection=dav,
        key=file_key(survey.pk),
        kind="file",
        parent=folder_key(deco.pk),
        name=SYNCED_FILE,
        path=path,
        etag="e1",
        size=len(content),
    )
    # ... and the bytes offloaded as the engine does it: the attachment follows the remote copy
    # (no local blob, its url `/api/cloud/<connection>/<path>`)
    entry = Entry(path=path, is_folder=False, size=len(content), etag="e1")
    DjangoLocalStore(dav).follow_remote(file_key(survey.pk), entry)
