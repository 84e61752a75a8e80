"""Visiting shares, by token URL and as a portal user (spec "Sharing in Portal"): every visitor
endpoint with an allowed and a forbidden case; what the spec promises (folders and tags include
their subfolders and subtags, uploads land in the upload folder and show in the back office,
portal-made folders and tags are children of shared ones, the chat is seen on both sides); the
extras (password, file drop, download limit); and bad input (expired, tampered and revoked
tokens, HTML, archives over the limit).

The fixture share "For customers" holds the folder Design (room.png; Drafts/sketch.txt), the tag
Design (room.png via its subtag Images) and brief.pdf (in Projects) on its own; contract.pdf
(Projects/Legal) and salaries.csv (Private) are outside it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from archivist.documents.models import Attachment, Folder, FolderKind, Share, ShareAccess, Tag
from archivist.documents.services.shares import generate_token, set_password
from tests.api.share_fixtures import (  # noqa: F401
    PNG,
    client,
    library_fixture,
    make_file,
    make_share,
    people_fixture,
    share_fixture,
)
from tests.conftest import DEMO_TODAY

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


def today() -> dt.date:
    """Today when asked: a date taken when the module was collected is yesterday's for the tests
    that run after midnight."""
    return timezone.localdate()


CLOSED = {"detail": "this link has expired or was revoked", "code": "share_closed"}


def visit(share: Share, action: str = "") -> str:
    return f"/api/visit/{share.token}/{action}"


def portal(share: Share, action: str = "") -> str:
    return f"/api/portal/shares/{share.pk}/{action}"


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["items"]]


def zip_names(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return sorted(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist())


def update(share: Share, **fields) -> None:
    Share.objects.filter(pk=share.pk).update(**fields)
    share.refresh_from_db()


# -- entering --------------------------------------------------------------------------------


def test_a_token_visitor_needs_no_account_and_sees_the_summary(share):
    response = client().get(visit(share))
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "For customers" and data["access"] == "token"
    assert data["counts"] == {"attachments": 3, "folders": None, "tags": None, "messages": None}
    assert data["permissions"]["download"] is True and data["permissions"]["upload"] is False
    assert data["downloads_left"] is None
    assert ShareAccess.objects.get().action == "view"


@pytest.mark.parametrize("case", ["unknown", "tampered", "expired", "archived", "revoked"])
def test_a_closed_link_answers_404_share_closed(share, case):
    token = share.token
    if case == "unknown":
        token = "x" * 43
    elif case == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "expired":
        update(share, expires_on=today() - dt.timedelta(days=1))  # not yet archived by the job
    elif case == "archived":
        update(share, active=False)
    else:
        generate_token(share)
    for action in ("", "attachments/", "archive.zip", "folders/", "messages/"):
        response = client().get(f"/api/visit/{token}/{action}")
        assert response.status_code == 404 and response.json() == CLOSED, action
    for action in ("upload/", "unlock/", "messages/", "tags/"):
        response = client().post(f"/api/visit/{token}/{action}", {"body": "hi"})
        assert response.status_code == 404 and response.json() == CLOSED, action


def test_html_in_a_share_name_reaches_visitors_as_text(share):
    name = '<img src=x onerror="alert(1)">Plans "2026"'
    update(share, name=name)
    response = client().get(visit(share))
    assert response["Content-Type"] == "application/json" and response.json()["name"] == name
    archive = client().get(visit(share, "archive.zip"))
    disposition = archive["Content-Disposition"]
    # Quotes cannot end the header's quoted name early; the exact name travels encoded.
    assert disposition.startswith(
        'attachment; filename="<img src=x onerror=alert(1)>Plans 2026.zip"'
    )
    assert disposition.endswith(
        "%3Cimg%20src%3Dx%20onerror%3D%22alert%281%29%22%3EPlans%20%222026%22.zip"
    )


def test_a_share_open_until_today_still_works(share):
    update(share, expires_on=today())
    assert client().get(visit(share)).status_code == 200


def test_portal_users_reach_only_the_shares_that_list_them(people, share):
    mine = make_share(name="Alice's other", partners=(people.alice,))
    make_share(name="Bob's", partners=(people.bob,))
    make_share(name="Expired", partners=(people.alice,), expires_on=today() - dt.timedelta(days=1))
    make_share(name="Archived", partners=(people.alice,), active=False)
    listed = client(people.alice).get("/api/portal/shares/").json()
    assert [item["name"] for item in listed] == ["Alice's other", "For customers"]
    assert client().get("/api/portal/shares/").status_code == 403
    response = client(people.alice).get(portal(share))
    assert response.status_code == 200 and response.json()["access"] == "portal"
    assert client(people.alice).get(portal(mine, "attachments/")).status_code == 200
    assert client(people.bob).get(portal(share)).status_code == 403
    assert client(people.bob).get(portal(share, "attachments/")).status_code == 403
    assert client().get(portal(share)).status_code == 403
    assert client(people.alice).get("/api/portal/shares/999999/").status_code == 404


def test_internal_users_preview_any_share_through_the_portal(people, share):
    response = client(people.manager).get(portal(share))
    assert response.status_code == 200 and response.json()["access"] == "internal"
    assert client(people.clerk).get(portal(share)).status_code == 403


# -- password --------------------------------------------------------------------------------


def test_a_password_is_asked_once_per_session(people, share):
    set_password(share, "open sesame")
    visitor = client()
    response = visitor.get(visit(share))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "this share needs its password",
        "code": "password_required",
    }
    assert visitor.get(visit(share, "attachments/")).status_code == 403
    wrong = visitor.post(visit(share, "unlock/"), {"password": "open says me"})
    assert wrong.status_code == 403 and wrong.json()["code"] == "password_required"
    assert ShareAccess.objects.filter(action="denied", detail="wrong password").count() == 1
    assert visitor.post(visit(share, "unlock/"), {"password": "open sesame"}).json() == {
        "unlocked": True
    }
    assert visitor.get(visit(share)).status_code == 200
    assert names(visitor.get(visit(share, "attachments/"))) == [
        "brief.pdf",
        "room.png",
        "sketch.txt",
    ]
    assert client().get(visit(share)).status_code == 403  # another browser
    set_password(share, "a new secret")
    assert visitor.get(visit(share)).status_code == 403  # a new password locks everyone out
    # Portal users are named on the share and signed in: no password for them.
    assert client(people.alice).get(portal(share)).status_code == 200


def test_password_guessing_is_slowed_down_per_address(share):
    set_password(share, "open sesame")
    guesser, other = client(), client()
    for attempt in range(10):
        wrong = guesser.post(visit(share, "unlock/"), {"password": f"guess {attempt}"})
        assert wrong.status_code == 403
    refused = guesser.post(visit(share, "unlock/"), {"password": "open sesame"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_guesses"
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60 + 1
    assert guesser.get(visit(share)).status_code == 403, "the right password was not accepted"
    # another address is not locked out by the guesser
    other_ok = other.post(
        visit(share, "unlock/"), {"password": "open sesame"}, REMOTE_ADDR="192.0.2.7"
    )
    assert other_ok.status_code == 200
    # the window passes: the guesser may try again
    ShareAccess.objects.filter(detail="wrong password").update(
        at=timezone.now() - dt.timedelta(minutes=16)
    )
    assert guesser.post(visit(share, "unlock/"), {"password": "open sesame"}).status_code == 200


# -- attachments: listing, search, sort ------------------------------------------------------


def test_visitors_see_exactly_the_share(people, share):
    expected = ["brief.pdf", "room.png", "sketch.txt"]
    assert names(client().get(visit(share, "attachments/"))) == expected
    assert names(client(people.alice).get(portal(share, "attachments/"))) == expected


def test_folders_include_subfolders_and_tags_include_subtags(share, library):
    visitor = client()
    by_folder = visitor.get(visit(share, "attachments/"), {"folder": library.design.pk})
    assert names(by_folder) == ["room.png", "sketch.txt"]
    by_tag = visitor.get(visit(share, "attachments/"), {"tag": library.design_tag.pk})
    assert names(by_tag) == ["room.png"]
    outside = visitor.get(visit(share, "attachments/"), {"folder": library.private.pk})
    assert outside.status_code == 403
    assert visitor.get(visit(share, "attachments/"), {"tag": library.hr.pk}).status_code == 403


def test_sorting_and_searching_work_whatever_the_share_shows(share):
    listing = visit(share, "attachments/")
    visitor = client()
    by_folder = visitor.get(listing, {"order": "folder"})
    assert names(by_folder) == ["room.png", "sketch.txt", "brief.pdf"]  # Design, Drafts, Projects
    assert names(visitor.get(listing, {"order": "-name"})) == [
        "sketch.txt",
        "room.png",
        "brief.pdf",
    ]
    assert names(visitor.get(listing, {"search": "ROO"})) == ["room.png"]
    assert names(visitor.get(listing, {"search": "imag", "search_in": "tag"})) == ["room.png"]
    assert names(visitor.get(listing, {"search": "draft", "search_in": "folder"})) == ["sketch.txt"]
    page = visitor.get(listing, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [item["name"] for item in page["items"]] == ["room.png"]
    assert "order" in visitor.get(listing, {"order": "size"}).json()
    assert "limit" in visitor.get(listing, {"limit": 0}).json()


def test_folders_and_tags_of_attachments_show_only_when_the_share_shows_them(share, library):
    items = client().get(visit(share, "attachments/")).json()["items"]
    assert all(item["folder"] is None and item["tags"] is None for item in items)
    update(share, show_folders=True, show_tags=True)
    room = next(
        item
        for item in client().get(visit(share, "attachments/")).json()["items"]
        if item["name"] == "room.png"
    )
    assert room["folder"] == {"id": library.design.pk, "name": "Design"}
    assert room["tags"] == [{"id": library.images.pk, "name": "Images"}]


# -- folder and tag trees --------------------------------------------------------------------


def test_the_folder_tree_shows_only_when_enabled_and_searches_only_when_allowed(share, library):
    visitor = client()
    assert visitor.get(visit(share, "folders/")).status_code == 403
    update(share, show_folders=True)
    tree = {node["name"]: node for node in visitor.get(visit(share, "folders/")).json()}
    assert set(tree) == {"Projects", "Design", "Drafts"}  # Projects: brief.pdf's folder
    assert tree["Drafts"]["parent"] == library.design.pk
    assert tree["Design"]["parent"] == library.projects.pk
    assert tree["Design"]["upload_target"] is True  # the shared folder with the least sequence
    assert not tree["Design"]["can_add_children"]
    assert visitor.get(visit(share, "folders/"), {"search": "draft"}).status_code == 403
    update(share, allow_search_folders=True)
    found = visitor.get(visit(share, "folders/"), {"search": "draft"}).json()
    assert {(node["name"], node["matches_search"]) for node in found} == {
        ("Drafts", True),
        ("Design", False),
        ("Projects", False),
    }


def test_the_tag_tree_shows_only_when_enabled_and_searches_only_when_allowed(share, library):
    visitor = client()
    assert visitor.get(visit(share, "tags/")).status_code == 403
    update(share, show_tags=True)
    tree = {node["name"]: node for node in visitor.get(visit(share, "tags/")).json()}
    assert set(tree) == {"Design", "Images"}
    assert tree["Images"]["parent"] == library.design_tag.pk and tree["Design"]["parent"] is None
    assert visitor.get(visit(share, "tags/"), {"search": "ima"}).status_code == 403
    update(share, allow_search_tags=True)
    found = visitor.get(visit(share, "tags/"), {"search": "ima"}).json()
    assert {(node["name"], node["matches_search"]) for node in found} == {
        ("Images", True),
        ("Design", False),
    }


def test_portal_made_folders_are_children_of_shared_ones_and_show_in_the_back_office(
    people, share, library
):
    alice = client(people.alice)
    body = {"parent": library.design.pk, "name": "From Alice"}
    assert alice.post(portal(share, "folders/"), body).status_code == 403
    update(share, allow_add_folders=True, show_folders=True)
    response = alice.post(portal(share, "folders/"), body)
    assert response.status_code == 201
    assert response.json()["parent"] == library.design.pk
    made = Folder.objects.get(name="From Alice")
    assert made.parent == library.design and made.kind == FolderKind.MANUAL
    assert made.created_by == people.alice
    tree = {node["name"]: node for node in alice.get(portal(share, "folders/")).json()}
    assert tree["From Alice"]["parent"] == library.design.pk and tree["Design"]["can_add_children"]
    # Never outside the shared folders, nor in the folder of a file shared on its own.
    for parent in (library.private, library.projects):
        refused = alice.post(portal(share, "folders/"), {"parent": parent.pk, "name": "X"})
        assert refused.status_code == 403
    assert (
        client().post(visit(share, "folders/"), {"parent": 999999, "name": "X"}).status_code == 403
    )
    assert not Folder.objects.filter(name="X").exists()


def test_portal_made_tags_are_children_of_shared_ones(share, library):
    visitor = client()
    body = {"parent": library.images.pk, "name": "<b>Photos</b>"}
    assert visitor.post(visit(share, "tags/"), body).status_code == 403
    update(share, allow_add_tags=True, show_tags=True)
    response = visitor.post(visit(share, "tags/"), body)
    assert response.status_code == 201, response.json()
    made = Tag.objects.get(parent=library.images)
    # Tag names follow folder-name rules: < > / become "-".
    assert response.json()["parent"] == library.images.pk and made.name == "-b-Photos--b-"
    refused = visitor.post(visit(share, "tags/"), {"parent": library.hr.pk, "name": "Mine"})
    assert refused.status_code == 403
    tree = {node["name"] for node in visitor.get(visit(share, "tags/")).json()}
    assert made.name in tree


# -- downloads -------------------------------------------------------------------------------


def test_downloading_a_file_counts_and_logs_it(people, share, library):
    response = client(people.alice).get(portal(share, f"attachments/{library.room.pk}/download/"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert 'filename="room.png"' in response["Content-Disposition"]
    entry = ShareAccess.objects.get(action="download")
    assert (entry.user, entry.attachment) == (people.alice, library.room)


def test_files_outside_the_share_are_never_served(share, library):
    visitor = client()
    for attachment in (library.salaries, library.contract):
        response = visitor.get(visit(share, f"attachments/{attachment.pk}/download/"))
        assert response.status_code == 403
    assert visitor.get(visit(share, "attachments/999999/download/")).status_code == 403
    assert ShareAccess.objects.filter(action="denied").count() == 2


def test_a_link_attachment_redirects(share, library):
    link = Attachment.objects.create(name="Site", folder=library.design, url="https://example.com/")
    response = client().get(visit(share, f"attachments/{link.pk}/download/"))
    assert response.status_code == 302 and response["Location"] == "https://example.com/"


def test_the_download_limit_is_enforced(people, share, library):
    update(share, download_limit=2)
    visitor = client()
    file = visit(share, f"attachments/{library.sketch.pk}/download/")
    assert visitor.get(file).status_code == 200
    assert visitor.get(visit(share)).json()["downloads_left"] == 1
    assert visitor.get(visit(share, "archive.zip")).status_code == 200  # an archive is one
    refused = visitor.get(file)
    assert refused.status_code == 403 and refused.json()["code"] == "download_limit_reached"
    assert visitor.get(visit(share, "archive.zip")).status_code == 403
    assert visitor.get(visit(share)).json()["permissions"]["download"] is False
    share.refresh_from_db()
    assert share.download_count == 2
    # Internal users previewing the share are not counted.
    preview = client(people.manager).get(
        portal(share, f"attachments/{library.sketch.pk}/download/")
    )
    assert preview.status_code == 200


def test_the_whole_share_a_folder_or_a_tag_as_a_zip(share, library):
    visitor = client()
    assert zip_names(visitor.get(visit(share, "archive.zip"))) == [
        "Design/room.png",
        "Drafts/sketch.txt",
        "Projects/brief.pdf",
    ]
    folder_zip = visit(share, f"folders/{library.design.pk}/archive.zip")
    tag_zip = visit(share, f"tags/{library.important.pk}/archive.zip")
    assert visitor.get(folder_zip).status_code == 403  # folders are not shown
    assert visitor.get(tag_zip).status_code == 403
    update(share, show_folders=True, show_tags=True)
    assert zip_names(visitor.get(folder_zip)) == ["Drafts/sketch.txt", "room.png"]
    assert zip_names(visitor.get(visit(share, f"tags/{library.design_tag.pk}/archive.zip"))) == [
        "Design/room.png"
    ]
    outside = visitor.get(visit(share, f"folders/{library.private.pk}/archive.zip"))
    assert outside.status_code == 403
    assert visitor.get(visit(share, f"tags/{library.hr.pk}/archive.zip")).status_code == 403
    details = set(ShareAccess.objects.filter(action="archive").values_list("detail", flat=True))
    assert details == {"For customers: 3 files", "Design: 2 files", "Design: 1 files"}


def test_a_zip_over_the_file_limit_is_refused(share, library, settings):
    settings.ZIP_MAX_FILES = 5
    for number in range(3):
        make_file(library.drafts, f"extra-{number}.txt")
    response = client().get(visit(share, "archive.zip"))
    assert response.status_code == 400
    assert "at most 5 files" in response.json()["attachments"][0]
    share.refresh_from_db()
    assert share.download_count == 0 and not ShareAccess.objects.filter(action="archive").exists()


# -- uploads ---------------------------------------------------------------------------------


def upload(client, url: str, name: str = "notes.txt", content: bytes = b"hello\n", **fields):
    return client.post(url, {"file": SimpleUploadedFile(name, content), **fields})


def test_uploads_need_permission(share):
    assert upload(client(), visit(share, "upload/")).status_code == 403
    assert not Attachment.objects.filter(name="notes.txt").exists()


def test_uploads_land_in_the_upload_folder_and_show_in_the_back_office(people, share, library):
    update(share, allow_upload=True, upload_folder=library.legal)
    response = upload(client(people.alice), portal(share, "upload/"))
    assert response.status_code == 201, response.json()
    stored = Attachment.objects.get(name="notes.txt")
    assert stored.folder == library.legal and stored.author == people.alice
    assert response.json() == [
        {
            "id": stored.pk,
            "name": "notes.txt",
            "size": 6,
            "mimetype": "text/plain",
            "folder": library.legal.pk,
        }
    ]
    # The back office sees it in its folder; visitors see it in the share.
    assert library.legal.attachments.filter(pk=stored.pk).exists()
    assert "notes.txt" in names(client().get(visit(share, "attachments/")))
    assert ShareAccess.objects.get(action="upload").attachment == stored


def test_uploads_go_to_a_chosen_shared_folder_never_elsewhere(share, library):
    update(share, allow_upload=True)
    visitor = client()
    response = upload(visitor, visit(share, "upload/"), "a.txt", folder=library.drafts.pk)
    assert response.status_code == 201
    assert Attachment.objects.get(name="a.txt").folder == library.drafts
    default = upload(visitor, visit(share, "upload/"), "b.txt")
    assert Attachment.objects.get(pk=default.json()[0]["id"]).folder == library.design
    for folder in (library.private.pk, library.projects.pk, 999999):
        refused = upload(visitor, visit(share, "upload/"), "c.txt", folder=folder)
        assert refused.status_code == 403
    assert not Attachment.objects.filter(name="c.txt").exists()


def test_a_file_drop_takes_uploads_and_shows_nothing(share, library):
    update(share, upload_only=True, upload_folder=library.legal)
    visitor = client()
    summary = visitor.get(visit(share)).json()
    assert summary["counts"]["attachments"] == 0 and summary["permissions"]["download"] is False
    assert upload(visitor, visit(share, "upload/"), "drop.txt").status_code == 201
    assert names(visitor.get(visit(share, "attachments/"))) == []
    dropped = Attachment.objects.get(name="drop.txt")
    assert visitor.get(visit(share, f"attachments/{dropped.pk}/download/")).status_code == 403
    assert visitor.get(visit(share, "archive.zip")).status_code == 403
    assert dropped.folder == library.legal


def test_an_upload_named_with_a_path_and_html_is_stored_safely(share, library):
    update(share, allow_upload=True)
    response = upload(client(), visit(share, "upload/"), "../../<img src=x>.png", PNG)
    assert response.status_code == 201
    stored = Attachment.objects.get(pk=response.json()[0]["id"])
    assert stored.folder == library.design and stored.mimetype == "image/png"
    assert "/" not in stored.name and stored.name.endswith(".png")


# -- chat ------------------------------------------------------------------------------------


def test_the_chat_is_seen_on_both_sides(people, share):
    visitor = client()
    assert visitor.get(visit(share, "messages/")).status_code == 403
    assert visitor.post(visit(share, "messages/"), {"body": "hi"}).status_code == 403
    update(share, show_chat=True)
    body = "<script>alert('x')</script> Is the plan final?"
    response = visitor.post(visit(share, "messages/"), {"body": body, "author_name": "Guest"})
    assert response.status_code == 201
    manager = client(people.manager)
    assert manager.post(f"/api/shares/{share.pk}/messages/", {"body": "Yes."}).status_code == 201
    client(people.alice).post(portal(share, "messages/"), {"body": "Thanks"})
    expected = [("Guest", body), ("manager", "Yes."), ("alice", "Thanks")]
    for side in (
        visitor.get(visit(share, "messages/")),
        manager.get(f"/api/shares/{share.pk}/messages/"),
    ):
        assert [(m["author_name"], m["body"]) for m in side.json()] == expected
    assert visitor.post(visit(share, "messages/"), {"body": "  "}).status_code == 400


# -- the spec's trees ------------------------------------------------------------------------


def test_sharing_a_customer_folder_shares_its_whole_subtree(demo, people):
    from archivist.documents.services.prepare_folders import prepare_folders

    assert not prepare_folders(today=DEMO_TODAY, budget=0).errors
    azure = Folder.objects.get(kind=FolderKind.RECORD, model="res_partner", name="Azure Interior")
    order = Folder.objects.get(kind=FolderKind.RECORD, model="sale_order", name="S00010")
    assert f"/{azure.pk}/" in order.parent_path
    make_file(order, "quotation.pdf", b"%PDF-1.4\n")
    make_file(Folder.objects.get(kind=FolderKind.RECORD, name="Deco Addict"), "other.pdf")
    share = make_share(name="Azure Interior", folders=(azure,), partners=(people.alice,))
    generate_token(share)
    subtree = Folder.objects.filter(parent_path__startswith=azure.subtree_prefix())
    expected = Attachment.objects.filter(folder__in=[azure, *subtree]).order_by("name", "pk")
    visible = names(client().get(visit(share, "attachments/"), {"limit": 500}))
    assert "quotation.pdf" in visible and "other.pdf" not in visible
    assert visible == [attachment.name for attachment in expected]
    assert names(client(people.alice).get(portal(share, "attachments/"), {"limit": 500})) == visible
