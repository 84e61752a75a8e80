"""The Settings page's API: installation settings (saved values win over the environment's),
the tags and sharing switches as every endpoint applies them, and mass actions per group."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group

from archivist.documents import roles
from archivist.documents.models import MassAction, Share, Tag
from archivist.documents.services import installation
from tests.api.share_fixtures import (  # noqa: F401 (fixtures)
    People,
    client,
    library_fixture,
    people_fixture,
    share_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    installation.forget()
    yield
    installation.forget()


def test_only_administrators_read_and_change_settings(people: People) -> None:
    for user in (None, people.manager, people.clerk, people.alice):
        api = client(user)
        for path in ("/api/settings/", "/api/settings/mass-actions/", "/api/settings/groups/"):
            assert api.get(path).status_code == 403, (user, path)
        assert (
            api.patch("/api/settings/", {"tags_enabled": False}, format="json").status_code == 403
        )
        action = MassAction.objects.first()
        assert action is not None
        answer = api.patch(f"/api/settings/mass-actions/{action.pk}/", {"active": False})
        assert answer.status_code == 403
    assert installation.current().tags_enabled
    assert MassAction.objects.filter(active=False).count() == 0


def test_saved_values_win_over_the_environment_and_null_restores_it(people, settings) -> None:
    settings.SYNC_MAX_RETRIES = 7
    settings.SYNC_INTERVAL = 600
    admin = client(people.admin)
    first = admin.get("/api/settings/").json()
    assert first["max_attempts"] == 7 and first["sync_interval_seconds"] == 600
    assert first["defaults"]["max_attempts"] == 7 and first["saved"] == []
    assert "text/html" in first["builtin_non_synced_mimetypes"]

    changes = {
        "max_attempts": 3,
        "max_attempts_reverse": 2,
        "log_days": 14,
        "log_export_lines": 500,
        "prepare_interval_seconds": 300,
        "sync_interval_seconds": 0,
        "non_synced_mimetypes": ["Video/MP4", "application/x-msdownload", "video/mp4"],
    }
    answer = admin.patch("/api/settings/", changes, format="json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["max_attempts"] == 3 and data["defaults"]["max_attempts"] == 7
    assert data["non_synced_mimetypes"] == ["video/mp4", "application/x-msdownload"]
    assert data["saved"] == sorted(changes)
    now = installation.current()
    assert (now.max_attempts, now.max_attempts_reverse, now.log_days) == (3, 2, 14)
    assert (now.prepare_interval_seconds, now.sync_interval_seconds) == (300, 0)

    answer = admin.patch("/api/settings/", {"max_attempts": None}, format="json")
    assert answer.json()["max_attempts"] == 7 and "max_attempts" not in answer.json()["saved"]
    assert installation.current().log_export_lines == 500


def test_wrong_values_are_refused_field_by_field_and_nothing_changes(people) -> None:
    admin = client(people.admin)
    before = admin.get("/api/settings/").json()
    wrong = {
        "max_attempts": 0,
        "max_attempts_reverse": 51,
        "log_days": 2,
        "log_export_lines": 0,
        "prepare_interval_seconds": -1,
        "sync_interval_seconds": "soon",
        "non_synced_mimetypes": ["text/plain", "pdf"],
    }
    answer = admin.patch("/api/settings/", wrong, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == set(wrong), errors
    assert "'pdf' is not a mimetype" in str(errors["non_synced_mimetypes"])
    typo = admin.patch("/api/settings/", {"colour": "red"}, format="json")
    assert typo.status_code == 400 and "unknown field" in typo.json()["colour"][0]
    assert admin.get("/api/settings/").json() == before


def test_tags_off_hides_them_and_refuses_changes_but_keeps_them(people, library) -> None:
    admin, manager = client(people.admin), client(people.manager)
    assert admin.patch("/api/settings/", {"tags_enabled": False}, format="json").status_code == 200
    assert manager.get("/api/me/").json()["tags_enabled"] is False
    refused = manager.post("/api/tags/", {"name": "New"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Tags are turned off in Settings")
    assert manager.patch(f"/api/tags/{library.hr.pk}/", {"name": "X"}).status_code == 403
    assert manager.post(f"/api/tags/{library.hr.pk}/archive/").status_code == 403
    assert manager.get("/api/tags/").status_code == 200  # attachments keep showing theirs
    kinds = {action["kind"] for action in manager.get("/api/mass-actions/").json()}
    assert "update_tags" not in kinds
    tagging = MassAction.objects.get(kind="update_tags")
    ran = manager.post(
        f"/api/mass-actions/{tagging.pk}/run/",
        {"ids": [library.brief.pk], "params": {"add_tags": [library.hr.pk]}},
        format="json",
    )
    assert ran.status_code == 403
    by_patch = manager.patch(
        f"/api/attachments/{library.brief.pk}/", {"add_tags": [library.hr.pk]}, format="json"
    )
    assert by_patch.status_code == 403 and "turned off" in by_patch.json()["detail"]
    in_bulk = manager.post(
        "/api/attachments/bulk/",
        {"ids": [library.room.pk], "remove_tags": [library.images.pk]},
        format="json",
    )
    assert in_bulk.status_code == 403
    assert not library.brief.tags.exists()
    assert library.room.tags.filter(pk=library.images.pk).exists(), "kept while tags are off"

    admin.patch("/api/settings/", {"tags_enabled": True}, format="json")
    assert manager.get("/api/me/").json()["tags_enabled"] is True
    assert manager.post("/api/tags/", {"name": "New"}, format="json").status_code == 201
    assert Tag.objects.filter(name="HR", active=True).exists()
    kinds = {action["kind"] for action in manager.get("/api/mass-actions/").json()}
    assert "update_tags" in kinds


def test_sharing_off_closes_links_and_management_but_keeps_shares(people, share) -> None:
    admin, manager = client(people.admin), client(people.manager)
    assert client().get(f"/api/visit/{share.token}/").status_code == 200
    admin.patch("/api/settings/", {"sharing_enabled": False}, format="json")

    visit = client().get(f"/api/visit/{share.token}/")
    assert visit.status_code == 403
    assert visit.json()["code"] == "sharing_off"
    assert "Sharing is turned off" in visit.json()["detail"]
    assert client(people.alice).get("/api/portal/shares/").status_code == 403
    assert client(people.alice).get(f"/api/portal/shares/{share.pk}/").status_code == 403
    listed = manager.get("/api/shares/")
    assert listed.status_code == 403 and "Sharing is turned off" in listed.json()["detail"]
    assert manager.post("/api/shares/", {"name": "Another"}, format="json").status_code == 403
    assert manager.get("/api/me/").json()["sharing_enabled"] is False
    kinds = {action["kind"] for action in manager.get("/api/mass-actions/").json()}
    assert "share" not in kinds
    assert Share.objects.filter(pk=share.pk, active=True).exists()

    admin.patch("/api/settings/", {"sharing_enabled": True}, format="json")
    assert client().get(f"/api/visit/{share.token}/").status_code == 200
    assert manager.get("/api/shares/").status_code == 200


def test_mass_actions_are_listed_reordered_switched_and_limited_to_groups(people) -> None:
    admin, manager = client(people.admin), client(people.manager)
    editors = Group.objects.create(name="Editors")
    listed = admin.get("/api/settings/mass-actions/").json()
    assert [a["sequence"] for a in listed] == sorted(a["sequence"] for a in listed)
    delete = next(a for a in listed if a["kind"] == "delete")
    assert delete["groups"] == [] and delete["active"]

    path = f"/api/settings/mass-actions/{delete['id']}/"
    answer = admin.patch(path, {"groups": ["Editors"]}, format="json")
    assert answer.status_code == 200, answer.content
    assert [g["name"] for g in answer.json()["groups"]] == ["Editors"]
    offered = {a["kind"] for a in manager.get("/api/mass-actions/").json()}
    assert "delete" not in offered
    people.manager.groups.add(editors)
    offered = {a["kind"] for a in manager.get("/api/mass-actions/").json()}
    assert "delete" in offered

    by_id = admin.patch(path, {"groups": [editors.pk]}, format="json")
    assert [g["id"] for g in by_id.json()["groups"]] == [editors.pk]
    unknown = admin.patch(path, {"groups": ["Nobody"]}, format="json")
    assert unknown.status_code == 400 and "no group 'Nobody'" in str(unknown.json()["groups"])

    moved = admin.patch(path, {"sequence": -5, "active": False}, format="json").json()
    assert moved["sequence"] == -5 and moved["active"] is False
    first = admin.get("/api/settings/mass-actions/").json()[0]
    assert first["id"] == delete["id"]
    offered = {a["kind"] for a in manager.get("/api/mass-actions/").json()}
    assert "delete" not in offered, "an action turned off is offered to nobody"
    assert admin.patch("/api/settings/mass-actions/999999/", {"active": True}).status_code == 404


def test_groups_are_listed_for_the_picker(people) -> None:
    names = [g["name"] for g in client(people.admin).get("/api/settings/groups/").json()]
    assert names == sorted(names)
    assert {roles.FILE_MANAGER, roles.ADMINISTRATION, roles.PORTAL} <= set(names)
