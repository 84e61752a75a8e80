"""A share's images shown inline for the slideshow (`…/attachments/{id}/preview/`): logged as
a view and never counted as a download, refused wherever a download would be (a file outside
the share, a file drop, a closed link, a missing password, a spent limit) and in a share
without the slideshow. And tags turned off in Settings: visitors are offered no tag to add.

The fixture share "For customers" holds the folder Design (room.png; Drafts/sketch.txt), the tag
Design and brief.pdf on its own; contract.pdf and salaries.csv are outside it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from archivist.documents.models import Share, ShareAccess, Tag
from archivist.documents.services import installation
from archivist.documents.services.shares import generate_token, set_password
from tests.api.share_fixtures import (  # noqa: F401
    PNG,
    client,
    library_fixture,
    people_fixture,
    share_fixture,
)

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


def preview(share: Share, attachment_id: int, token: str | None = None) -> str:
    return f"/api/visit/{token or share.token}/attachments/{attachment_id}/preview/"


def update(share: Share, **fields) -> None:
    Share.objects.filter(pk=share.pk).update(**fields)
    share.refresh_from_db()


@pytest.fixture
def slideshow(share: Share) -> Share:
    update(share, slideshow=True, download_limit=1)
    return share


def test_a_slideshow_view_is_logged_as_a_view_and_spends_no_download(slideshow, library):
    visitor = client()
    for _ in range(3):
        response = visitor.get(preview(slideshow, library.room.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
    slideshow.refresh_from_db()
    assert slideshow.download_count == 0
    assert ShareAccess.objects.filter(action="view", attachment=library.room).count() == 3
    assert not ShareAccess.objects.filter(action="download").exists()
    assert visitor.get(f"/api/visit/{slideshow.token}/").json()["downloads_left"] == 1
    # The one download the limit allows is still there.
    download = f"/api/visit/{slideshow.token}/attachments/{library.room.pk}/download/"
    assert visitor.get(download).status_code == 200


def test_a_portal_user_views_too(people, slideshow, library):
    url = f"/api/portal/shares/{slideshow.pk}/attachments/{library.room.pk}/preview/"
    assert client(people.alice).get(url).status_code == 200
    assert client(people.bob).get(url).status_code == 403  # not named on the share
    entry = ShareAccess.objects.get(action="view", attachment=library.room)
    assert entry.user == people.alice


def test_files_outside_the_share_and_unknown_ids_are_refused(slideshow, library):
    visitor = client()
    for attachment in (library.salaries, library.contract):
        response = visitor.get(preview(slideshow, attachment.pk))
        assert response.status_code == 403, attachment.name
    assert visitor.get(preview(slideshow, 999_999)).status_code == 403
    assert ShareAccess.objects.filter(action="denied").count() == 2
    assert not ShareAccess.objects.filter(action="view").exists()


def test_only_images_are_shown(slideshow, library):
    response = client().get(preview(slideshow, library.brief.pk))
    assert response.status_code == 415 and response.json()["code"] == "not_an_image"


def test_a_share_without_the_slideshow_refuses(slideshow, library):
    update(slideshow, slideshow=False)
    response = client().get(preview(slideshow, library.room.pk))
    assert response.status_code == 403 and "slideshow" in response.json()["detail"]


def test_a_file_drop_shows_nothing(slideshow, library):
    update(slideshow, upload_only=True, upload_folder=library.legal)
    assert client().get(preview(slideshow, library.room.pk)).status_code == 403


@pytest.mark.parametrize("case", ["expired", "archived", "revoked"])
def test_a_closed_link_refuses(slideshow, library, case):
    token = slideshow.token
    if case == "expired":
        update(slideshow, expires_on=timezone.localdate() - dt.timedelta(days=1))
    elif case == "archived":
        update(slideshow, active=False)
    else:
        generate_token(slideshow)
    response = client().get(preview(slideshow, library.room.pk, token))
    assert response.status_code == 404 and response.json()["code"] == "share_closed"


def test_a_password_is_needed_first(slideshow, library):
    set_password(slideshow, "open sesame")
    visitor = client()
    refused = visitor.get(preview(slideshow, library.room.pk))
    assert refused.status_code == 403 and refused.json()["code"] == "password_required"
    wrong = visitor.post(f"/api/visit/{slideshow.token}/unlock/", {"password": "open says me"})
    assert wrong.status_code == 403
    assert visitor.get(preview(slideshow, library.room.pk)).status_code == 403
    visitor.post(f"/api/visit/{slideshow.token}/unlock/", {"password": "open sesame"})
    assert visitor.get(preview(slideshow, library.room.pk)).status_code == 200


def test_a_spent_limit_stops_views_too_except_for_internal_previews(people, slideshow, library):
    visitor = client()
    download = f"/api/visit/{slideshow.token}/attachments/{library.room.pk}/download/"
    assert visitor.get(download).status_code == 200
    refused = visitor.get(preview(slideshow, library.room.pk))
    assert refused.status_code == 403 and refused.json()["code"] == "download_limit_reached"
    internal = f"/api/portal/shares/{slideshow.pk}/attachments/{library.room.pk}/preview/"
    assert client(people.manager).get(internal).status_code == 200


# -- tags turned off -------------------------------------------------------------------------


def test_with_tags_off_visitors_may_add_no_tag(share, library, people):
    update(share, allow_add_tags=True, show_tags=True)
    visitor = client()
    body = {"parent": library.images.pk, "name": "Photos"}
    installation.save(people.admin, {"tags_enabled": False})
    summary = visitor.get(f"/api/visit/{share.token}/").json()
    assert summary["permissions"]["allow_add_tags"] is False
    tree = visitor.get(f"/api/visit/{share.token}/tags/").json()
    assert tree and not any(node["can_add_children"] for node in tree)
    refused = visitor.post(f"/api/visit/{share.token}/tags/", body)
    assert refused.status_code == 403 and "tags are turned off" in refused.json()["detail"]
    assert not Tag.objects.filter(name="Photos").exists()

    installation.save(people.admin, {"tags_enabled": True})
    assert visitor.get(f"/api/visit/{share.token}/").json()["permissions"]["allow_add_tags"]
    assert visitor.post(f"/api/visit/{share.token}/tags/", body).status_code == 201
