"""/api/records/{source}/{model}/{id}/box/: a record's attachment box (spec "Attachment box")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from archivist.documents.models import Folder, FolderKind
from tests.api.conftest import add_file

pytestmark = pytest.mark.django_db

BOX = "/api/records/demo/sale_order/10/box/"


def test_the_box_needs_only_read_access_to_the_record(clerk_api, order_folder):
    related = Folder.objects.create(
        name="Related Documents", kind=FolderKind.MANUAL, parent=order_folder
    )
    secret = Folder.objects.create(name="Secret", kind=FolderKind.MANUAL, parent=order_folder)
    secret.users.add(User.objects.create_user("someone-else"))  # not the clerk
    add_file(order_folder, "offer.txt", b"offer")
    add_file(related, "terms.txt", b"terms")
    add_file(secret, "hidden.txt", b"hidden")
    response = clerk_api.get(BOX)
    assert response.status_code == 200, response.json()
    box = response.json()
    assert box["folder"]["id"] == order_folder.pk and box["folder"]["parent"] is None
    assert [f["name"] for f in box["folders"]] == ["S00010", "Related Documents"]
    assert box["folders"][1]["parent"] == order_folder.pk
    assert sorted(a["name"] for a in box["attachments"]) == ["offer.txt", "terms.txt"]
    one = clerk_api.get(f"{BOX}?folder={related.pk}").json()
    assert [a["name"] for a in one["attachments"]] == ["terms.txt"]
    outside = clerk_api.get(f"{BOX}?folder={secret.pk}")
    assert outside.status_code == 400 and "folder" in outside.json()


def test_the_box_of_an_unreadable_record_is_forbidden(stranger_api, portal_api, order_folder):
    assert stranger_api.get(BOX).status_code == 403
    assert portal_api.get(BOX).status_code == 403


def test_a_record_without_folder_has_no_box(clerk_api, tree):
    response = clerk_api.get("/api/records/demo/sale_order/999999/box/")
    assert response.status_code == 404 and "has no folder" in response.json()["detail"]
