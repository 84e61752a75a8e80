"""Managing shares through the API (spec "Sharing in Portal"): every endpoint with an allowed
and a forbidden case, the share tree, partners, token URL, password, invitations, archive and
restore, the access log, the ZIP, the chat and the mass action "Share"; and share expiry by the
scheduler and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from click.testing import CliRunner
from django.core import mail
from django.db import connection
from django.utils import timezone

from archivist.cli import main
from archivist.documents.models import MassAction, Share, ShareAccess, ShareMessage
from archivist.serve import Scheduler
from tests.api.share_fixtures import (  # noqa: F401
    client,
    library_fixture,
    make_file,
    make_share,
    people_fixture,
    share_fixture,
)

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


def today() -> dt.date:
    """Today when asked: a date taken when the module was collected is yesterday's for the tests
    that run after midnight."""
    return timezone.localdate()


def url(share: Share, action: str = "") -> str:
    return f"/api/shares/{share.pk}/{action}"


# -- list, create, read, change --------------------------------------------------------------


def test_file_managers_and_administrators_list_shares_others_may_not(people, share):
    for user in (people.manager, people.admin):
        response = client(user).get("/api/shares/")
        assert response.status_code == 200
        assert [item["name"] for item in response.json()] == ["For customers"]
    for user in (people.clerk, people.alice, None):
        assert client(user).get("/api/shares/").status_code == 403


def test_a_file_manager_creates_a_share_with_everything(people, library):
    body = {
        "name": "For customers",
        "partners": [people.alice.pk, people.bob.pk],
        "access_by_token": True,
        "expires_on": str(today() + dt.timedelta(days=30)),
        "folders": [library.design.pk],
        "tags": [library.hr.pk],
        "attachments": [library.brief.pk],
        "allow_upload": True,
        "upload_folder": library.drafts.pk,
        "show_folders": True,
        "allow_add_folders": True,
        "show_chat": True,
        "download_limit": 10,
        "notes": "for the spring campaign",
    }
    response = client(people.manager).post("/api/shares/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    share = Share.objects.get(pk=data["id"])
    assert set(share.partners.all()) == {people.alice, people.bob}
    assert list(share.folders.all()) == [library.design]
    assert list(share.tags.all()) == [library.hr]
    assert list(share.attachments.all()) == [library.brief]
    assert share.upload_folder == library.drafts and share.created_by == people.manager
    assert data["access_by_token"] is True and share.token
    assert data["access_url"] == f"http://testserver/s/{share.token}"
    assert data["has_password"] is False and data["download_count"] == 0


def test_clerks_and_portal_users_cannot_create_shares(people):
    for user in (people.clerk, people.alice):
        response = client(user).post("/api/shares/", {"name": "Mine"}, format="json")
        assert response.status_code == 403
    assert not Share.objects.exists()


def test_only_portal_users_may_be_partners_and_the_error_names_the_others(people):
    body = {"name": "Mixed", "partners": [people.alice.pk, people.clerk.pk, people.manager.pk]}
    response = client(people.manager).post("/api/shares/", body, format="json")
    assert response.status_code == 400
    message = response.json()["partners"][0]
    assert "clerk" in message and "manager" in message and "alice" not in message
    assert not Share.objects.exists()


def test_bad_settings_get_a_field_message(people, library):
    manager = client(people.manager)
    cases = [
        ({"name": "  "}, "name"),
        ({"name": "Old", "expires_on": str(today() - dt.timedelta(days=1))}, "expires_on"),
        ({"name": "Drop", "upload_only": True}, "upload_folder"),
        ({"name": "Bad", "folders": [999999]}, "folders"),
    ]
    for body, field in cases:
        response = manager.post("/api/shares/", body, format="json")
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    assert not Share.objects.exists()


def test_the_tree_has_parents_and_search_shows_matches_with_their_ancestors(people):
    customers = make_share(name="For customers")
    azure = make_share(name="Azure Interior", parent=customers)
    make_share(name="For partners")
    make_share(name="Azure archive", active=False)
    manager = client(people.manager)
    tree = {item["name"]: item for item in manager.get("/api/shares/").json()}
    assert set(tree) == {"For customers", "Azure Interior", "For partners"}
    assert tree["Azure Interior"]["parent"] == customers.pk
    found = manager.get("/api/shares/", {"search": "azure"}).json()
    assert {(item["id"], item["matches_search"]) for item in found} == {
        (azure.pk, True),
        (customers.pk, False),
    }
    archived = manager.get("/api/shares/", {"search": "azure", "archived": "true"}).json()
    assert {item["name"] for item in archived} == {
        "Azure Interior",
        "For customers",
        "Azure archive",
    }


def test_a_share_cannot_be_moved_inside_itself(people):
    parent = make_share(name="Parent")
    child = make_share(name="Child", parent=parent)
    response = client(people.manager).patch(url(parent), {"parent": child.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_reading_a_share_needs_file_manager_access(people, share):
    response = client(people.manager).get(url(share))
    assert response.status_code == 200
    assert response.json()["partners"] == [people.alice.pk]
    assert response.json()["access_url"].endswith(f"/s/{share.token}")
    assert client(people.alice).get(url(share)).status_code == 403
    assert client(people.clerk).get(url(share)).status_code == 403
    assert client(people.manager).get("/api/shares/999999/").status_code == 404


def test_any_file_manager_changes_any_share(people, share, library):
    body = {"name": "For clients", "partners": [people.bob.pk], "show_tags": True}
    response = client(people.admin).patch(url(share), body, format="json")
    assert response.status_code == 200, response.json()
    share.refresh_from_db()
    assert share.name == "For clients" and share.show_tags
    assert list(share.partners.all()) == [people.bob]
    assert list(share.folders.all()) == [library.design]  # lists not sent stay as they were
    response = client(people.clerk).patch(url(share), {"name": "Hijacked"}, format="json")
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.name == "For clients"


def test_a_file_manager_cannot_share_what_he_cannot_read(people, library, share):
    library.private.users.add(people.admin)  # extra security: only the admin reads Private
    manager = client(people.manager)
    body = {"folders": [library.design.pk, library.private.pk]}
    assert manager.patch(url(share), body, format="json").status_code == 403
    body = {"attachments": [library.brief.pk, library.salaries.pk]}
    assert manager.patch(url(share), body, format="json").status_code == 403
    assert client(people.admin).patch(url(share), body, format="json").status_code == 200
    # What someone else shared stays when the manager sends the list back unchanged.
    response = manager.patch(url(share), {"name": "Renamed", **body}, format="json")
    assert response.status_code == 200
    assert set(share.attachments.all()) == {library.brief, library.salaries}


def test_html_in_a_share_name_is_stored_as_text(people):
    name = '<script>alert("x")</script> & <b>friends</b>'
    response = client(people.manager).post("/api/shares/", {"name": name}, format="json")
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == name
    assert Share.objects.get().name == name


# -- token URL and password ------------------------------------------------------------------


def test_regenerating_the_token_kills_the_old_url(people, share):
    old = share.token
    assert client().get(f"/api/visit/{old}/").status_code == 200
    response = client(people.manager).post(url(share, "token/"))
    assert response.status_code == 200
    new = response.json()["token"]
    assert new != old and response.json()["access_url"].endswith(f"/s/{new}")
    closed = client().get(f"/api/visit/{old}/")
    assert closed.status_code == 404
    assert closed.json() == {
        "detail": "this link has expired or was revoked",
        "code": "share_closed",
    }
    assert client().get(f"/api/visit/{new}/").status_code == 200


def test_removing_the_token_closes_the_url(people, share):
    token = share.token
    assert client(people.manager).delete(url(share, "token/")).status_code == 204
    share.refresh_from_db()
    assert share.token is None and not share.access_by_token
    assert client().get(f"/api/visit/{token}/").json()["code"] == "share_closed"


def test_only_file_managers_touch_the_token(people, share):
    token = share.token
    assert client(people.alice).post(url(share, "token/")).status_code == 403
    assert client(people.clerk).delete(url(share, "token/")).status_code == 403
    share.refresh_from_db()
    assert share.token == token


def test_access_by_token_can_be_switched_off_and_on(people, share):
    manager = client(people.manager)
    assert (
        manager.patch(url(share), {"access_by_token": False}, format="json").json()["access_url"]
        is None
    )
    data = manager.patch(url(share), {"access_by_token": True}, format="json").json()
    assert data["access_by_token"] and data["token"]


def test_setting_and_removing_the_password(people, share):
    manager = client(people.manager)
    assert manager.post(url(share, "password/"), {"password": "abc"}, format="json").json() == {
        "password": ["use at least 6 characters"]
    }
    response = manager.post(url(share, "password/"), {"password": "open sesame"}, format="json")
    assert response.status_code == 204
    assert manager.get(url(share)).json()["has_password"] is True
    assert client().get(f"/api/visit/{share.token}/").status_code == 403
    assert (
        manager.post(url(share, "password/"), {"password": None}, format="json").status_code == 204
    )
    assert manager.get(url(share)).json()["has_password"] is False
    assert client().get(f"/api/visit/{share.token}/").status_code == 200


def test_only_file_managers_set_passwords(people, share):
    response = client(people.alice).post(url(share, "password/"), {"password": "123456"})
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.password == ""


# -- invitations, archive, restore -----------------------------------------------------------


def test_invitations_email_each_partner_the_link(people, share):
    share.partners.add(people.bob, people.carol)
    response = client(people.manager).post(url(share, "invite/"), {"note": "See you"})
    assert response.status_code == 200
    assert response.json() == {"sent": ["alice", "bob"], "skipped": ["carol"]}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.com",
        "bob@example.com",
    ]
    message = mail.outbox[0]
    assert message.subject == "Shared with you: For customers"
    assert f"http://testserver/portal/shares/{share.pk}\n" in message.body
    assert "See you" in message.body and len(message.to) == 1


def test_invitations_need_partners_and_file_manager_access(people, share):
    assert client(people.clerk).post(url(share, "invite/")).status_code == 403
    share.partners.clear()
    response = client(people.manager).post(url(share, "invite/"))
    assert response.status_code == 400 and "partners" in response.json()
    assert mail.outbox == []


def test_archiving_a_share_archives_its_children_and_closes_it_restore_reopens(people, share):
    child = make_share(name="Child", parent=share)
    manager = client(people.manager)
    assert manager.post(url(share, "archive/")).json() == {"changed": 2}
    assert not Share.objects.filter(active=True).exists()
    assert client().get(f"/api/visit/{share.token}/").status_code == 404
    assert manager.post(url(child, "restore/")).status_code == 400  # parent first
    assert manager.post(url(share, "restore/")).json() == {"changed": 2}
    assert client().get(f"/api/visit/{share.token}/").status_code == 200


def test_an_expired_share_is_restored_only_with_a_later_date(people, share):
    Share.objects.filter(pk=share.pk).update(
        active=False, expires_on=today() - dt.timedelta(days=2)
    )
    manager = client(people.manager)
    response = manager.post(url(share, "restore/"))
    assert response.status_code == 400 and "expires_on" in response.json()
    later = str(today() + dt.timedelta(days=7))
    assert manager.patch(url(share), {"expires_on": later}, format="json").status_code == 200
    assert manager.post(url(share, "restore/")).status_code == 200


def test_only_file_managers_archive_and_restore(people, share):
    assert client(people.alice).post(url(share, "archive/")).status_code == 403
    assert client(people.clerk).post(url(share, "restore/")).status_code == 403
    share.refresh_from_db()
    assert share.active


# -- access log, ZIP, chat -------------------------------------------------------------------


def test_the_access_log_records_who_downloaded_what(people, share, library):
    alice = client(people.alice)
    assert alice.get(f"/api/portal/shares/{share.pk}/").status_code == 200
    download = f"/api/portal/shares/{share.pk}/attachments/{library.room.pk}/download/"
    assert alice.get(download).status_code == 200
    visitor = client()
    visitor.get(f"/api/visit/{share.token}/attachments/{library.sketch.pk}/download/")
    visitor.get(f"/api/visit/{share.token}/attachments/{library.salaries.pk}/download/")
    log = client(people.manager).get(url(share, "access-log/")).json()
    rows = [(row["action"], row["user"], row["attachment"], row["detail"]) for row in log]
    assert rows == [
        ("denied", None, library.salaries.pk, "salaries.csv"),
        ("download", None, library.sketch.pk, "sketch.txt"),
        ("download", "alice", library.room.pk, "room.png"),
        ("view", "alice", None, ""),
    ]
    assert log[1]["address"] == "127.0.0.1"
    only = client(people.manager).get(url(share, "access-log/"), {"action": "download"}).json()
    assert len(only) == 2
    assert client(people.manager).get(url(share, "access-log/"), {"limit": "x"}).status_code == 400
    assert client(people.alice).get(url(share, "access-log/")).status_code == 403


def test_a_file_manager_downloads_the_whole_share_as_a_zip(people, share):
    response = client(people.manager).get(url(share, "archive.zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="For customers.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "Design/room.png",
        "Drafts/sketch.txt",
        "Projects/brief.pdf",
    ]
    assert archive.read("Drafts/sketch.txt") == b"a sketch\n"
    assert client(people.alice).get(url(share, "archive.zip")).status_code == 403


def test_a_zip_over_the_file_limit_is_refused(people, share, library, settings):
    settings.ZIP_MAX_FILES = 5
    for number in range(3):
        make_file(library.design, f"extra-{number}.txt")
    response = client(people.manager).get(url(share, "archive.zip"))
    assert response.status_code == 400
    assert "at most 5 files" in response.json()["attachments"][0]


def test_internal_users_answer_in_the_chat(people, share):
    ShareMessage.objects.create(share=share, author_name="Visitor", body="Hello?")
    manager = client(people.manager)
    body = "<img src=x onerror=alert(1)> Welcome"
    response = manager.post(url(share, "messages/"), {"body": body}, format="json")
    assert response.status_code == 201
    assert response.json()["author_name"] == "manager"
    thread = manager.get(url(share, "messages/")).json()
    assert [(m["author_name"], m["body"]) for m in thread] == [
        ("Visitor", "Hello?"),
        ("manager", body),
    ]
    assert client(people.alice).post(url(share, "messages/"), {"body": "hi"}).status_code == 403
    assert client(people.alice).get(url(share, "messages/")).status_code == 403
    assert ShareMessage.objects.count() == 2


# -- the mass action "Share" -----------------------------------------------------------------


def test_mass_action_share_adds_attachments_to_an_existing_share(people, share, library):
    body = {
        "attachments": [library.contract.pk],
        "share": share.pk,
        "tags": [library.hr.pk],
        "folders": [library.legal.pk],
    }
    response = client(people.manager).post("/api/shares/add/", body, format="json")
    assert response.status_code == 200, response.json()
    assert library.contract in share.attachments.all()
    assert library.hr in share.tags.all() and library.legal in share.folders.all()
    assert library.design in share.folders.all()


def test_mass_action_share_creates_a_new_share_and_invites(people, library):
    body = {
        "attachments": [library.brief.pk, library.room.pk],
        "name": "Azure Interior",
        "partners": [people.alice.pk],
        "access_by_token": True,
        "expires_on": str(today() + dt.timedelta(days=3)),
        "folders": [library.legal.pk],
        "invite": True,
    }
    response = client(people.manager).post("/api/shares/add/", body, format="json")
    assert response.status_code == 200, response.json()
    share = Share.objects.get(name="Azure Interior")
    assert set(share.attachments.all()) == {library.brief, library.room}
    assert list(share.folders.all()) == [library.legal] and share.token
    assert share.expires_on == today() + dt.timedelta(days=3)
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]


def test_mass_action_share_wants_one_target_and_readable_attachments(people, share, library):
    manager = client(people.manager)
    both = {"attachments": [library.brief.pk], "share": share.pk, "name": "New"}
    assert "share" in manager.post("/api/shares/add/", both, format="json").json()
    neither = {"attachments": [library.brief.pk]}
    assert manager.post("/api/shares/add/", neither, format="json").status_code == 400
    library.private.users.add(people.admin)
    hidden = {"attachments": [library.salaries.pk], "share": share.pk}
    assert manager.post("/api/shares/add/", hidden, format="json").status_code == 403
    assert library.salaries not in share.attachments.all()


def test_mass_action_share_is_refused_when_not_offered(people, share, library):
    body = {"attachments": [library.contract.pk], "share": share.pk}
    assert client(people.clerk).post("/api/shares/add/", body, format="json").status_code == 403
    MassAction.objects.filter(kind=MassAction.Kind.SHARE).update(active=False)
    assert client(people.manager).post("/api/shares/add/", body, format="json").status_code == 403
    assert library.contract not in share.attachments.all()


# -- expiry ----------------------------------------------------------------------------------


def test_the_cli_archives_expired_shares(share):
    Share.objects.filter(pk=share.pk).update(expires_on=today() - dt.timedelta(days=1))
    current = make_share(name="Current", expires_on=today())
    result = CliRunner().invoke(main, ["shares", "expire"])
    assert result.exit_code == 0, result.output
    assert result.output == "1 expired shares archived\n"
    share.refresh_from_db()
    current.refresh_from_db()
    assert not share.active and current.active


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_archives_expired_shares(settings):
    settings.PREPARE_BUDGET = 0
    expired = make_share(name="Old", expires_on=today() - dt.timedelta(days=1))
    scheduler = Scheduler(interval=0.1)
    scheduler.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and Share.objects.filter(active=True).exists():
            time.sleep(0.1)
    finally:
        scheduler.stop()
        scheduler.join(timeout=60)
        connection.close()
    assert not scheduler.is_alive()
    expired.refresh_from_db()
    assert not expired.active
    assert not ShareAccess.objects.exists()
