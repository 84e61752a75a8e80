""" "Open in Cloud" (spec "Attachment box", "Synchronization Principles"): a synced file's card in
the file manager and in the attachment box links to it in its cloud, and the box's header opens
the record's folder there, each in a new tab through Archivist's redirect. The record folder
"Deco Addict" is synced to the generic WebDAV connection "Team DAV" (tests/web/seed_cloud.py):
the links are the WebDAV addresses below its root folder; the server itself is never asked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.helpers import api, card, folder_id
from tests.web.seed_cloud import (
    CONNECTION,
    DAV_URL,
    LOCAL_FILE,
    RECORD_FOLDER,
    ROOT_FOLDER,
    SYNCED_FILE,
)

pytestmark = pytest.mark.web

FOLDER_IN_DAV = f"{DAV_URL}{ROOT_FOLDER}/Deco%20Addict/"
FILE_IN_DAV = f"{FOLDER_IN_DAV}site%20survey.docx"


def redirect_of(page: Any, href: str) -> str:
    """Where Archivist sends the page's session for `href` (asserts a redirect)."""
    response = page.request.get(href, max_redirects=0)
    assert response.status == 302, f"{href}: {response.status} {response.text()}"
    assert response.headers["cache-control"] == "no-store"
    return str(response.headers["location"])


def cloud_link(page: Any, name: str) -> Any:
    return card(page, name).get_by_role("link", name=f"Open {name} in cloud", exact=True)


def opens_in_a_new_tab(link: Any) -> str:
    assert link.get_attribute("target") == "_blank"
    assert set(link.get_attribute("rel").split()) == {"noopener", "noreferrer"}
    return str(link.get_attribute("href"))


def test_a_synced_card_in_the_file_manager_opens_the_file_in_its_cloud(sign_in):
    page = sign_in("admin").page
    page.get_by_role("searchbox", name="Search attachments").fill("site survey")
    page.get_by_role("button", name="Search", exact=True).click()
    card(page, SYNCED_FILE).get_by_text("synced").wait_for()
    href = opens_in_a_new_tab(cloud_link(page, SYNCED_FILE))
    assert redirect_of(page, href) == FILE_IN_DAV

    # a click opens a new tab that Archivist sends to the WebDAV address (where the browser
    # refuses the test's port 9: nothing is contacted)
    def opening(response: Any) -> bool:
        return "/open-in-cloud/" in response.url

    with page.context.expect_event("response", opening) as answer, page.expect_popup() as popup:
        cloud_link(page, SYNCED_FILE).click()
    assert answer.value.status == 302
    assert answer.value.headers["location"] == FILE_IN_DAV
    assert answer.value.frame.page == popup.value
    popup.value.close()

    # a file with local bytes (not synced yet) has no cloud link, nor the badge
    page.get_by_role("button", name="Remove search on name").click()
    page.get_by_role("searchbox", name="Search attachments").fill("visit notes")
    page.get_by_role("button", name="Search", exact=True).click()
    card(page, LOCAL_FILE).wait_for()
    assert card(page, LOCAL_FILE).get_by_role("link", name="in cloud").count() == 0
    assert card(page, LOCAL_FILE).get_by_text("synced").count() == 0


def test_the_box_opens_the_records_folder_and_its_synced_files_in_the_cloud(sign_in):
    page = sign_in("admin").page
    record = api(page, "GET", f"/api/folders/{folder_id(page, RECORD_FOLDER)}/")["record"]
    page.goto(f"/records/{record['source']}/{record['model']}/{record['id']}")
    card(page, LOCAL_FILE).wait_for()

    header = page.get_by_role("link", name="Open in Cloud", exact=True)
    assert CONNECTION in header.get_attribute("title")
    assert redirect_of(page, opens_in_a_new_tab(header)) == FOLDER_IN_DAV

    assert redirect_of(page, opens_in_a_new_tab(cloud_link(page, SYNCED_FILE))) == FILE_IN_DAV
    assert card(page, LOCAL_FILE).get_by_role("link", name="in cloud").count() == 0
    # the synced file still downloads through Archivist, and can be deleted like any other
    assert card(page, SYNCED_FILE).get_by_role("link", name=f"Download {SYNCED_FILE}").count()
    assert card(page, SYNCED_FILE).get_by_role("button", name=f"Delete {SYNCED_FILE}").count()


def test_a_box_whose_folder_is_not_synced_offers_no_cloud(sign_in):
    page = sign_in("admin").page
    record = api(page, "GET", f"/api/folders/{folder_id(page, 'Azure Interior')}/")["record"]
    page.goto(f"/records/{record['source']}/{record['model']}/{record['id']}")
    card(page, "contract.pdf").wait_for()
    page.get_by_role("button", name="Attach files").wait_for()  # the folder's detail is in
    assert page.get_by_role("link", name="Open in Cloud").count() == 0
    assert page.get_by_role("link", name="in cloud").count() == 0
