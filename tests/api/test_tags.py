"""/api/tags/: the tag tree, its changes (cycle-proof moves), archive/restore and ZIPs."""

from __future__ import annotations

import io
import zipfile

import pytest

from archivist.documents.models import Tag
from tests.api.conftest import add_file, add_tag, stored_state

pytestmark = pytest.mark.django_db


def test_tree_search_create_and_change(manager_api):
    important = manager_api.post("/api/tags/", {"name": "Important", "color": 2}, "json")
    assert important.status_code == 201, important.json()
    parent_id = important.json()["id"]
    design = manager_api.post(
        "/api/tags/", {"name": "Design", "parent": parent_id, "notes": "for rooms"}, "json"
    ).json()
    assert design["parent"] == parent_id and design["notes"] == "for rooms"
    assert manager_api.get(f"/api/tags/{design['id']}/").json()["name"] == "Design"
    listed = manager_api.get("/api/tags/").json()
    by_name = {t["name"]: t for t in listed["results"]}
    assert by_name["Important"]["has_children"] and not by_name["Design"]["has_children"]
    found = manager_api.get("/api/tags/?search=desi").json()
    assert found["matches"] == [design["id"]] and found["parents"] == [parent_id]
    changed = manager_api.patch(
        f"/api/tags/{design['id']}/", {"name": "Décor", "color": 4, "parent": None}, "json"
    )
    assert changed.status_code == 200
    assert changed.json()["name"] == "Décor" and changed.json()["parent"] is None
    bad_colour = manager_api.patch(f"/api/tags/{design['id']}/", {"color": 99}, "json")
    assert bad_colour.status_code == 400 and "color" in bad_colour.json()


def test_moves_are_cycle_proof(manager_api):
    top = add_tag("Top")
    middle = add_tag("Middle", top)
    leaf = add_tag("Leaf", middle)
    before = stored_state()
    response = manager_api.patch(f"/api/tags/{top.pk}/", {"parent": leaf.pk}, "json")
    assert response.status_code == 400 and "parent" in response.json()
    itself = manager_api.patch(f"/api/tags/{top.pk}/", {"parent": top.pk}, "json")
    assert itself.status_code == 400
    assert stored_state() == before


def test_archive_and_restore(manager_api):
    top = add_tag("Top")
    child = add_tag("Child", top)
    assert manager_api.post(f"/api/tags/{top.pk}/archive/").json()["active"] is False
    assert not Tag.objects.get(pk=child.pk).active
    assert manager_api.get("/api/tags/").json()["results"] == []
    assert len(manager_api.get("/api/tags/?archived=1").json()["results"]) == 2
    assert manager_api.post(f"/api/tags/{top.pk}/restore/").json()["active"] is True
    assert Tag.objects.get(pk=child.pk).active


def test_tag_archive_zip(manager_api, order_folder):
    tag = add_tag("Legal")
    add_file(order_folder, "contract.txt", b"contract").tags.add(tag)
    add_file(order_folder, "other.txt", b"other")
    response = manager_api.get(f"/api/tags/{tag.pk}/archive.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["S00010/contract.txt"]


@pytest.mark.parametrize("who", ["clerk_api", "portal_api"])
def test_tags_need_file_manager_access(request, who, people):
    client = request.getfixturevalue(who)
    tag = add_tag("Legal")
    assert client.get("/api/tags/").status_code == 403
    assert client.post("/api/tags/", {"name": "X"}, "json").status_code == 403
    assert client.get(f"/api/tags/{tag.pk}/").status_code == 403
    assert client.patch(f"/api/tags/{tag.pk}/", {"name": "X"}, "json").status_code == 403
    assert client.post(f"/api/tags/{tag.pk}/archive/").status_code == 403
    assert client.post(f"/api/tags/{tag.pk}/restore/").status_code == 403
    assert client.get(f"/api/tags/{tag.pk}/archive.zip").status_code == 403
    assert Tag.objects.get(pk=tag.pk).name == "Legal"
