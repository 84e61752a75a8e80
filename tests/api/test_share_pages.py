"""The links people follow to a share's page in the web app (not the API): the access URL
(`/s/{token}`, for anyone with the link), the invitation's link (`/portal/shares/{id}`, for a
signed-in portal user), and the folder tree's `can_upload`, which tells the page where
"Upload to …" may point.

Uses the share fixtures of `share_fixtures.py` ("For customers": the folder Design with Drafts,
the tag Design, brief.pdf in Projects on its own).
"""

from __future__ import annotations

import pytest
from django.core import mail

from archivist.documents.models import Share
from tests.api.share_fixtures import (  # noqa: F401
    client,
    library_fixture,
    people_fixture,
    share_fixture,
)

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


def update(share: Share, **fields) -> None:
    Share.objects.filter(pk=share.pk).update(**fields)
    share.refresh_from_db()


def test_the_access_url_is_the_share_page_which_opens_without_signing_in(people, share):
    data = client(people.manager).get(f"/api/shares/{share.pk}/").json()
    assert data["access_url"] == f"http://testserver/s/{share.token}"
    page = client().get(f"/s/{share.token}")
    # The web app's page (503 when the app is not built), never a redirect to sign in.
    assert page.status_code in (200, 503) and "Location" not in page
    assert client(people.clerk).get(f"/api/shares/{share.pk}/").status_code == 403


def test_the_invitation_links_to_the_portal_page_of_the_share(people, share):
    response = client(people.manager).post(f"/api/shares/{share.pk}/invite/")
    assert response.status_code == 200
    body = mail.outbox[0].body
    assert f"http://testserver/portal/shares/{share.pk}\n" in body
    assert "/api/" not in body
    # The page is the web app's, behind the sign-in for someone who is not signed in.
    assert client().get(f"/portal/shares/{share.pk}").status_code == 302


def test_the_folder_tree_says_where_visitors_may_upload(share, library):
    update(share, show_folders=True)
    visitor = client()
    tree = {node["name"]: node for node in visitor.get(f"/api/visit/{share.token}/folders/").json()}
    assert not any(node["can_upload"] for node in tree.values())  # uploads are off
    update(share, allow_upload=True)
    tree = {node["name"]: node for node in visitor.get(f"/api/visit/{share.token}/folders/").json()}
    assert tree["Design"]["can_upload"] and tree["Drafts"]["can_upload"]
    # Projects only holds brief.pdf, shared on its own: shown, not writable.
    assert tree["Projects"]["can_upload"] is False
    tags = visitor.get(f"/api/visit/{share.token}/tags/")
    assert tags.status_code == 403  # tags are not shown: nothing to say about them
