"""Fixtures for the documents API tests: the prepared demo tree, people in each role with API
clients signed in (by session) as them, and helpers to upload bytes.

People:
- `admin`: Administration (reads everything);
- `manager`: File Manager Access, and the group "Sales" whose access policy reads every sale
  order of the demo (so orders show flat: customers are not readable);
- `clerk`: internal, in "Sales" but without File Manager Access (the attachment box only);
- `stranger`: internal, no group at all;
- `visitor`: a portal user.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from archivist.documents import roles
from archivist.documents.blobstore import default_store
from archivist.documents.models import AccessPolicy, Attachment, Folder, FolderKind, Tag
from archivist.documents.services.prepare_folders import prepare_folders
from tests.conftest import DEMO_TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class People:
    admin: User
    manager: User
    clerk: User
    stranger: User
    visitor: User


def make_user(username: str, *groups: str) -> User:
    user = User.objects.create_user(username)  # no password: tests sign in with force_login
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def tree(demo: Any) -> Any:
    """The demo database with its folder tree prepared."""
    stats = prepare_folders(today=DEMO_TODAY, budget=0)
    assert not stats.errors
    return demo


@pytest.fixture
def people(tree: Any) -> People:
    sales = Group.objects.create(name="Sales")
    AccessPolicy.objects.create(source=tree.source, model="sale_order", group=sales)
    return People(
        admin=make_user("admin", roles.ADMINISTRATION),
        manager=make_user("manager", roles.FILE_MANAGER, "Sales"),
        clerk=make_user("clerk", "Sales"),
        stranger=make_user("stranger"),
        visitor=make_user("visitor", roles.PORTAL),
    )


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client signed in (by session) as the user, or anonymous for None."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def admin_api(people: People, client_for: Any) -> APIClient:
    return client_for(people.admin)


@pytest.fixture
def manager_api(people: People, client_for: Any) -> APIClient:
    return client_for(people.manager)


@pytest.fixture
def clerk_api(people: People, client_for: Any) -> APIClient:
    return client_for(people.clerk)


@pytest.fixture
def stranger_api(people: People, client_for: Any) -> APIClient:
    return client_for(people.stranger)


@pytest.fixture
def portal_api(people: People, client_for: Any) -> APIClient:
    return client_for(people.visitor)


def record_folder(model: str, record_id: int) -> Folder:
    return Folder.objects.get(kind=FolderKind.RECORD, model=model, record_id=str(record_id))


@pytest.fixture
def order_folder(tree: Any) -> Folder:
    """The folder of sale order S00010 (Customers > Azure Interior > Orders > S00010)."""
    return record_folder("sale_order", 10)


@pytest.fixture
def documents(people: People) -> Folder:
    """A manual root folder "Documents", open to everyone."""
    return Folder.objects.create(name="Documents", kind=FolderKind.MANUAL, created_by=people.admin)


def upload(
    client: APIClient,
    folder: Folder | int,
    filename: str,
    content: bytes,
    *,
    content_type: str = "application/octet-stream",
    **fields: Any,
) -> Any:
    """POSTs `content` as a multipart upload of a file named `filename` into `folder`."""
    handle = io.BytesIO(content)
    handle.name = filename
    data: dict[str, Any] = {"file": handle, "folder": getattr(folder, "pk", folder), **fields}
    # The test client takes the part's content type from a `content_type` attribute.
    handle.content_type = content_type  # type: ignore[attr-defined]
    return client.post("/api/attachments/", data, format="multipart")


def add_file(folder: Folder, name: str, content: bytes, *, mimetype: str = "") -> Attachment:
    """An attachment made directly (no API), for tests about reading."""
    from archivist.documents.services.attachments import store_file

    attachment = store_file(folder, name, io.BytesIO(content))
    if mimetype:
        Attachment.objects.filter(pk=attachment.pk).update(mimetype=mimetype)
        attachment.refresh_from_db()
    return attachment


def add_tag(name: str, parent: Tag | None = None) -> Tag:
    return Tag.objects.create(name=name, parent=parent)


def stored_state() -> dict[str, Any]:
    """Everything an API call could change in Archivist's database and blob store."""
    return {
        "folders": list(
            Folder.objects.order_by("pk").values_list(
                "pk", "name", "parent_id", "parent_path", "active", "notes"
            )
        ),
        "attachments": list(
            Attachment.objects.order_by("pk").values_list(
                "pk", "name", "folder_id", "blob", "url", "color", "mimetype"
            )
        ),
        "attachment_tags": sorted(
            Attachment.tags.through.objects.values_list("attachment_id", "tag_id")
        ),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "name", "parent_id", "active")),
        "blobs": sorted(blob.sha256 for blob in default_store().blobs()),
    }
