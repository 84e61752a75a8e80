"""Listing attachments: the file manager's filter semantics (folders any-of, tags any-of, shares
any-of, the three AND-ed), text search, access, and keyset pages that never skip or repeat."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group, User

from archivist.documents import roles
from archivist.documents.models import Attachment, Folder, FolderKind, Share, Tag
from archivist.documents.services.listing import (
    AttachmentFilter,
    attachments_queryset,
    page,
    search_folders,
    search_tags,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager() -> User:
    user = User.objects.create_user("manager")
    user.groups.add(Group.objects.get(name=roles.FILE_MANAGER))
    return user


def add(folder: Folder, name: str, *tags: Tag, size: int = 1, mimetype: str = "text/plain"):
    attachment = Attachment.objects.create(
        name=name, folder=folder, blob="0" * 64, size=size, mimetype=mimetype
    )
    attachment.tags.set(tags)
    return attachment


@pytest.fixture
def library(manager):
    customers = Folder.objects.create(name="Customers", kind=FolderKind.MANUAL)
    projects = Folder.objects.create(name="Projects", kind=FolderKind.MANUAL)
    inner = Folder.objects.create(name="Inner", kind=FolderKind.MANUAL, parent=projects)
    legal = Tag.objects.create(name="Legal")
    design = Tag.objects.create(name="Design")
    files = {
        "contract": add(customers, "contract.pdf", legal, mimetype="application/pdf"),
        "logo": add(customers, "logo.png", design, mimetype="image/png"),
        "plan": add(projects, "plan.pdf", legal, design, mimetype="application/pdf"),
        "notes": add(projects, "notes.txt"),
        "deep": add(inner, "deep.txt", legal),
    }
    for_customers = Share.objects.create(name="For Customers")
    for_customers.attachments.add(files["contract"], files["plan"])
    return {
        "customers": customers,
        "projects": projects,
        "inner": inner,
        "legal": legal,
        "design": design,
        "files": files,
        "share": for_customers,
    }


def names(user, **criteria) -> set[str]:
    return set(
        attachments_queryset(user, AttachmentFilter(**criteria)).values_list("name", flat=True)
    )


def test_folders_tags_and_shares_combine_as_the_spec_says(manager, library):
    folders = [library["customers"].pk, library["projects"].pk]
    assert names(manager, folders=folders) == {"contract.pdf", "logo.png", "plan.pdf", "notes.txt"}
    assert names(manager, tags=[library["legal"].pk, library["design"].pk]) == {
        "contract.pdf",
        "logo.png",
        "plan.pdf",
        "deep.txt",
    }
    # Folders any-of, AND tag Legal, AND share "For Customers".
    assert names(
        manager, folders=folders, tags=[library["legal"].pk], shares=[library["share"].pk]
    ) == {"contract.pdf", "plan.pdf"}
    assert names(manager, folders=[library["projects"].pk], include_subfolders=True) == {
        "plan.pdf",
        "notes.txt",
        "deep.txt",
    }


def test_text_search_by_name_folder_tag_and_mimetype(manager, library):
    assert names(manager, name="PLAN") == {"plan.pdf"}
    assert names(manager, folder_name="cust") == {"contract.pdf", "logo.png"}
    assert names(manager, tag_name="desi") == {"logo.png", "plan.pdf"}
    assert names(manager, mimetype="application/") == {"contract.pdf", "plan.pdf"}


def test_share_holds_its_folders_subfolders_and_tags(manager, library):
    share = Share.objects.create(name="Projects and design")
    share.folders.add(library["projects"])
    share.tags.add(library["design"])
    assert names(manager, shares=[share.pk]) == {"plan.pdf", "notes.txt", "deep.txt", "logo.png"}


def test_listing_never_shows_unreadable_folders(library):
    outsider = User.objects.create_user("outsider")
    library["projects"].users.set([User.objects.create_user("owner")])
    assert names(outsider) == {"contract.pdf", "logo.png"}


@pytest.mark.parametrize("order", ["name", "-name", "size", "-size", "created", "-created"])
def test_keyset_pages_cover_every_attachment_once_in_order(manager, order):
    folder = Folder.objects.create(name="Many", kind=FolderKind.MANUAL)
    rng = random.Random(order)
    for _ in range(57):  # ties on name and size on purpose
        add(folder, f"file {rng.randint(0, 9)}.txt", size=rng.randint(0, 4))
    rows = attachments_queryset(manager, AttachmentFilter(folders=[folder.pk]))
    seen, cursor = [], None
    while True:
        result = page(rows, order, cursor, limit=10)
        seen += result.items
        cursor = result.next_cursor
        if cursor is None:
            break
    key = {"name": "name", "size": "size", "created": "created_at"}[order.lstrip("-")]
    expected = sorted(
        Attachment.objects.filter(folder=folder),
        key=lambda a: (getattr(a, key), a.pk),
        reverse=order.startswith("-"),
    )
    assert [a.pk for a in seen] == [a.pk for a in expected]


def test_a_forged_cursor_is_a_clear_error(manager, library):
    from django.core.exceptions import ValidationError

    rows = attachments_queryset(manager, AttachmentFilter())
    with pytest.raises(ValidationError, match="cursor"):
        page(rows, "name", "not-a-cursor!!", limit=10)
    with pytest.raises(ValidationError, match="sort by one of"):
        page(rows, "colour", None, limit=10)


def test_folder_and_tag_search_return_matches_and_their_parents(manager, library):
    found = search_folders(manager, "inn")
    assert found["matches"] == [library["inner"].pk]
    assert found["parents"] == [library["projects"].pk]
    child = Tag.objects.create(name="Drawings", parent=library["design"])
    tags = search_tags("draw")
    assert tags == {"matches": [child.pk], "parents": [library["design"].pk]}
