"""/api/folders/: the tree as each user sees it, manual folders' life cycle, archives, the
default upload folder and the linked record."""

from __future__ import annotations

import io
import zipfile

import pytest

from archivist.documents.models import Folder, FolderKind, UserPreference
from tests.api.conftest import add_file

pytestmark = pytest.mark.django_db


def by_name(results: list[dict]) -> dict[str, dict]:
    return {node["name"]: node for node in results}


def test_admin_sees_the_whole_tree_in_order(admin_api, order_folder):
    response = admin_api.get("/api/folders/")
    assert response.status_code == 200
    results = response.json()["results"]
    ids = [node["id"] for node in results]
    assert len(ids) == Folder.objects.filter(active=True).count()
    node = next(node for node in results if node["id"] == order_folder.pk)
    assert node["parent"] == order_folder.parent_id
    assert node["record"] == {"source": "demo", "model": "sale_order", "id": 10}
    assert node["kind"] == "record" and node["notes"] is None and node["security"] is None
    # Depth first: every folder comes after its parent.
    seen: set[int] = set()
    for node in results:
        assert node["parent"] is None or node["parent"] in seen
        seen.add(node["id"])


def test_order_readers_see_orders_flat(manager_api, order_folder):
    results = manager_api.get("/api/folders/").json()["results"]
    names = by_name(results)
    assert "Customers" not in names and "Azure Interior" not in names
    node = next(node for node in results if node["id"] == order_folder.pk)
    assert node["parent"] is None  # its parents are unreadable: shown at the top
    assert "Quotations" in names  # a rule folder at the top follows its model


@pytest.mark.parametrize("who", ["clerk_api", "stranger_api", "portal_api"])
def test_the_tree_needs_file_manager_access(request, who):
    response = request.getfixturevalue(who).get("/api/folders/")
    assert response.status_code == 403


def test_anonymous_requests_are_refused(client_for, people):
    assert client_for(None).get("/api/folders/").status_code == 403


def test_lazy_loading_one_level(admin_api, tree):
    top = admin_api.get("/api/folders/?parent=root").json()["results"]
    assert all(node["parent"] is None for node in top)
    customers = by_name(top)["Customers"]
    assert customers["has_children"] is True
    level = admin_api.get(f"/api/folders/?parent={customers['id']}").json()["results"]
    assert level and all(node["parent"] == customers["id"] for node in level)
    assert "Azure Interior" in by_name(level)
    assert admin_api.get("/api/folders/?parent=nope").status_code == 400


def test_search_returns_matches_and_parents_to_highlight(admin_api, manager_api, order_folder):
    found = admin_api.get("/api/folders/?search=S00010").json()
    assert found["matches"] == [order_folder.pk]
    assert set(found["parents"]) == set(order_folder.path_ids)
    assert {node["id"] for node in found["results"]} == {order_folder.pk, *order_folder.path_ids}
    flat = manager_api.get("/api/folders/?search=S00010").json()
    assert flat["matches"] == [order_folder.pk] and flat["parents"] == []


def test_create_manual_folders(manager_api, clerk_api, stranger_api, order_folder):
    response = manager_api.post("/api/folders/", {"name": "Office design"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["kind"] == "manual" and created["parent"] is None and created["can_manage"]
    # Without File Manager Access: subfolders of readable folders only (the attachment box).
    sub = clerk_api.post(
        "/api/folders/", {"name": "Related Documents", "parent": order_folder.pk}, format="json"
    )
    assert sub.status_code == 201 and sub.json()["parent"] == order_folder.pk
    assert clerk_api.post("/api/folders/", {"name": "Mine"}, format="json").status_code == 403
    refused = stranger_api.post(
        "/api/folders/", {"name": "Nope", "parent": order_folder.pk}, format="json"
    )
    assert refused.status_code == 403
    missing = manager_api.post("/api/folders/", {"name": "X", "parent": 999999}, format="json")
    assert missing.status_code == 400 and "parent" in missing.json()


def test_rename_notes_and_extra_security(manager_api, clerk_api, client_for, people, documents):
    url = f"/api/folders/{documents.pk}/"
    assert client_for(people.stranger).get(url).status_code == 200  # open to everyone
    response = manager_api.patch(
        url,
        {"name": "Important", "notes": "<b>keep</b>", "users": [people.manager.pk], "groups": []},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "Important" and body["notes"] == "<b>keep</b>"
    assert body["security"] == {
        "restricted": True,
        "users": [{"id": people.manager.pk, "username": "manager"}],
        "groups": [],
    }
    assert client_for(people.stranger).get(url).status_code == 403
    assert clerk_api.patch(url, {"name": "Mine"}, format="json").status_code == 403
    assert manager_api.patch(url, {"colour": 3}, format="json").status_code == 400
    bad_user = manager_api.patch(url, {"users": [999999]}, format="json")
    assert bad_user.status_code == 400 and "users" in bad_user.json()


def test_automatic_folders_are_read_only(admin_api, order_folder):
    response = admin_api.patch(f"/api/folders/{order_folder.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403
    assert "rule" in response.json()["detail"]
    moved = admin_api.post(f"/api/folders/{order_folder.pk}/move/", {"parent": None}, format="json")
    assert moved.status_code == 403
    assert Folder.objects.get(pk=order_folder.pk).name == "S00010"


def test_move_manual_folders(manager_api, stranger_api, documents):
    inner = Folder.objects.create(name="Inner", kind=FolderKind.MANUAL, parent=documents)
    other = Folder.objects.create(name="Other", kind=FolderKind.MANUAL)
    response = manager_api.post(f"/api/folders/{inner.pk}/move/", {"parent": other.pk}, "json")
    assert response.status_code == 200 and response.json()["parent"] == other.pk
    assert Folder.objects.get(pk=inner.pk).parent_path == f"/{other.pk}/"
    cycle = manager_api.post(f"/api/folders/{other.pk}/move/", {"parent": inner.pk}, "json")
    assert cycle.status_code == 400 and "parent" in cycle.json()
    back = manager_api.post(f"/api/folders/{inner.pk}/move/", {"parent": None}, "json")
    assert back.status_code == 200 and back.json()["parent"] is None
    assert (
        stranger_api.post(f"/api/folders/{inner.pk}/move/", {"parent": None}, "json").status_code
        == 403
    )


def test_archive_and_restore(manager_api, clerk_api, documents):
    inner = Folder.objects.create(name="Inner", kind=FolderKind.MANUAL, parent=documents)
    assert clerk_api.post(f"/api/folders/{documents.pk}/archive/").status_code == 403
    response = manager_api.post(f"/api/folders/{documents.pk}/archive/")
    assert response.status_code == 200 and response.json()["active"] is False
    assert not Folder.objects.get(pk=inner.pk).active
    listed = by_name(manager_api.get("/api/folders/").json()["results"])
    assert "Documents" not in listed
    archived = by_name(manager_api.get("/api/folders/?archived=1").json()["results"])
    assert archived["Documents"]["active"] is False
    assert clerk_api.post(f"/api/folders/{documents.pk}/restore/").status_code == 403
    restored = manager_api.post(f"/api/folders/{documents.pk}/restore/")
    assert restored.status_code == 200 and restored.json()["active"] is True
    assert Folder.objects.get(pk=inner.pk).active


def test_folder_archive_zip(clerk_api, stranger_api, order_folder):
    sub = Folder.objects.create(name="Signed", kind=FolderKind.MANUAL, parent=order_folder)
    add_file(order_folder, "offer.txt", b"offer")
    add_file(sub, "contract.txt", b"contract")
    url = f"/api/folders/{order_folder.pk}/archive.zip"
    response = clerk_api.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="S00010.zip"' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == ["offer.txt"]
    deep = clerk_api.get(url + "?subfolders=1")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(deep.streaming_content)))
    assert sorted(archive.namelist()) == ["Signed/contract.txt", "offer.txt"]
    assert archive.read("Signed/contract.txt") == b"contract"
    assert clerk_api.get(url + "?subfolders=maybe").status_code == 400
    assert stranger_api.get(url).status_code == 403


def test_default_upload_folder_and_selection(manager_api, clerk_api, order_folder):
    first = manager_api.get("/api/folders/default/")
    assert first.status_code == 200
    tree = manager_api.get("/api/folders/").json()["results"]
    assert first.json()["id"] in {node["id"] for node in tree}
    selected = manager_api.post(f"/api/folders/{order_folder.pk}/select/")
    assert selected.status_code == 200
    assert manager_api.get("/api/folders/default/").json()["id"] == order_folder.pk
    assert UserPreference.objects.get(user__username="manager").last_folder_id == order_folder.pk
    assert clerk_api.get("/api/folders/default/").status_code == 403
    assert clerk_api.post(f"/api/folders/{order_folder.pk}/select/").status_code == 403


def test_open_the_linked_record(manager_api, stranger_api, order_folder):
    response = manager_api.get(f"/api/folders/{order_folder.pk}/record/")
    assert response.status_code == 200, response.json()
    record = response.json()
    assert record["source"] == "demo" and record["model"] == "sale_order" and record["id"] == 10
    assert record["display_name"] == "S00010"
    assert record["fields"]["name"] == "S00010"
    assert "partner_id" in record["fields"]
    assert stranger_api.get(f"/api/folders/{order_folder.pk}/record/").status_code == 403
    orders = Folder.objects.get(pk=order_folder.parent_id)  # under an unreadable customer
    assert manager_api.get(f"/api/folders/{orders.pk}/record/").status_code == 403


def test_linked_record_of_a_rule_folder_is_not_found(admin_api, order_folder):
    orders = Folder.objects.get(pk=order_folder.parent_id)
    response = admin_api.get(f"/api/folders/{orders.pk}/record/")
    assert response.status_code == 404 and "not linked" in response.json()["detail"]


def test_missing_and_unreadable_folders(admin_api, stranger_api, tree):
    assert admin_api.get("/api/folders/999999/").status_code == 404
    customers = Folder.objects.get(kind=FolderKind.RULE, name="Customers", parent=None)
    assert admin_api.get(f"/api/folders/{customers.pk}/").status_code == 200
    assert stranger_api.get(f"/api/folders/{customers.pk}/").status_code == 403


def test_a_folder_names_its_readable_ancestors_root_first(admin_api, manager_api, order_folder):
    """`path` opens the branch of a `/files?folder=` link: every ancestor for the admin, none
    for a reader of orders alone (the tree shows them flat), and no folder for a stranger."""
    url = f"/api/folders/{order_folder.pk}/"
    ancestors = order_folder.path_ids
    assert len(ancestors) == 3  # Customers > Azure Interior > Orders
    assert admin_api.get(url).json()["path"] == ancestors
    seen = manager_api.get(url).json()
    assert seen["path"] == [] and seen["parent"] is None
    customers = ancestors[0]
    assert manager_api.get(f"/api/folders/{customers}/").status_code == 403


def test_a_folder_link_to_an_unreadable_folder_is_refused(stranger_api, order_folder):
    response = stranger_api.get(f"/api/folders/{order_folder.pk}/")
    assert response.status_code == 403
    assert response.json()["detail"] == f"you cannot read folder {order_folder.pk}"
