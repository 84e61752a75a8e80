"""/api/mass-actions/: the actions offered per group, and running them (all or nothing)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from archivist.documents.models import Attachment, Folder, FolderKind, MassAction
from tests.api.conftest import add_file, add_tag, record_folder

pytestmark = pytest.mark.django_db


def action(kind: str) -> MassAction:
    return MassAction.objects.get(kind=kind)


def test_the_users_actions(manager_api, people):
    admins_only = MassAction.objects.create(name="Paint red", kind="custom", values={"color": 1})
    admins_only.groups.add(Group.objects.get(name="Administration"))
    names = [a["name"] for a in manager_api.get("/api/mass-actions/").json()]
    assert "Update folder" in names and "Delete" in names and "Paint red" not in names


def test_run_update_folder_tags_and_custom(manager_api, order_folder):
    other = record_folder("sale_order", 20)
    tag = add_tag("Checked")
    files = [add_file(order_folder, f"f{i}.txt", str(i).encode()) for i in range(2)]
    ids = [f.pk for f in files]
    moved = manager_api.post(
        f"/api/mass-actions/{action('update_folder').pk}/run/",
        {"ids": ids, "params": {"folder": other.pk}},
        format="json",
    )
    assert moved.status_code == 200 and moved.json() == {"moved": 2}
    tagged = manager_api.post(
        f"/api/mass-actions/{action('update_tags').pk}/run/",
        {"ids": ids, "params": {"add_tags": [tag.pk]}},
        format="json",
    )
    assert tagged.json() == {"updated": 2}
    paint = MassAction.objects.create(name="Paint", kind="custom", values={"color": 7})
    painted = manager_api.post(f"/api/mass-actions/{paint.pk}/run/", {"ids": ids}, "json")
    assert painted.status_code == 200
    for attachment in Attachment.objects.filter(pk__in=ids):
        assert attachment.folder_id == other.pk and attachment.color == 7
        assert list(attachment.tags.all()) == [tag]
    download = manager_api.post(
        f"/api/mass-actions/{action('download').pk}/run/", {"ids": ids}, "json"
    )
    assert download.status_code == 400 and "own endpoint" in download.json()["action"][0]


def test_a_refused_custom_action_changes_nothing(manager_api, people, order_folder):
    secret = Folder.objects.create(name="Secret", kind=FolderKind.MANUAL)
    secret.users.add(people.admin)
    attachment = add_file(order_folder, "f.txt", b"f")
    paint_and_move = MassAction.objects.create(
        name="Hide", kind="custom", values={"color": 3, "folder": secret.pk}
    )
    response = manager_api.post(
        f"/api/mass-actions/{paint_and_move.pk}/run/", {"ids": [attachment.pk]}, "json"
    )
    assert response.status_code == 403
    attachment.refresh_from_db()
    assert attachment.color == 0 and attachment.folder_id == order_folder.pk


@pytest.mark.parametrize("who", ["clerk_api", "portal_api"])
def test_mass_actions_need_file_manager_access(request, who, order_folder):
    client = request.getfixturevalue(who)
    attachment = add_file(order_folder, "f.txt", b"f")
    assert client.get("/api/mass-actions/").status_code == 403
    run = client.post(
        f"/api/mass-actions/{action('delete').pk}/run/", {"ids": [attachment.pk]}, "json"
    )
    assert run.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_an_action_hidden_from_the_user_is_refused(manager_api, order_folder):
    attachment = add_file(order_folder, "f.txt", b"f")
    delete = action("delete")
    delete.groups.add(Group.objects.get(name="Administration"))
    response = manager_api.post(
        f"/api/mass-actions/{delete.pk}/run/", {"ids": [attachment.pk]}, "json"
    )
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()
