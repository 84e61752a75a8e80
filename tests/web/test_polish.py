"""File manager and portal polish in a browser: a `/files?folder=<id>` link opens the folder's
branch (and an unreadable one says so), tags turned off offer no tag editing, and a share's
slideshow shows its images without spending the share's download limit. The data is made by
`seed_polish.py`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import Server
from tests.web.helpers import api, card, folder_id, reveal, row, tree
from tests.web.seed_polish import DEEP, SLIDES, TAG

pytestmark = pytest.mark.web

BRANCH = ("Polish", "Level two", "Level three")


def forget_refusals(errors: list[str]) -> None:
    """The browser logs the API's expected 403 answers as console errors."""
    errors[:] = [error for error in errors if "status of 403" not in error]


def test_a_folder_link_opens_its_branch_selects_it_and_uploads_there(sign_in):
    page = sign_in("admin").page
    deep = folder_id(page, DEEP)
    page.goto(f"/files?folder={deep}")

    target = row(page, DEEP)
    target.wait_for()
    assert target.get_attribute("aria-selected") == "true"
    assert target.get_attribute("aria-level") == "4"  # under its three ancestors
    # Forty folders come before the branch's last level: the row was scrolled into view.
    box, frame = target.bounding_box(), tree(page).bounding_box()
    assert box is not None and frame is not None
    assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    for name in BRANCH:  # the virtualised tree renders rows in view: scroll up to each
        assert reveal(page, name).get_attribute("aria-expanded") == "true", name
    page.get_by_role("button", name=f"Upload to {DEEP}").wait_for()
    card(page, "deep.png").wait_for()

    page.set_input_files(
        "input[type=file]",
        files=[{"name": "linked.txt", "mimeType": "text/plain", "buffer": b"by link\n"}],
    )
    page.locator(".upload[data-state=done]", has_text="linked.txt").wait_for()
    card(page, "linked.txt").wait_for()
    stored = api(page, "GET", f"/api/attachments/?folders={deep}")["results"]
    assert "linked.txt" in {attachment["name"] for attachment in stored}


def test_a_link_to_a_folder_the_user_may_not_read_says_so(sign_in):
    admin = sign_in("admin").page
    board = folder_id(admin, "Board minutes")  # the admin and the manager only
    visit = sign_in("reader")
    page = visit.page
    page.goto(f"/files?folder={board}")
    alert = page.get_by_role("alert").filter(has_text="The linked folder cannot be opened")
    alert.wait_for()
    assert f"you cannot read folder {board}" in alert.inner_text()
    tree(page).wait_for()
    assert tree(page).locator("[aria-selected=true]").count() == 0
    assert page.get_by_role("button", name="Upload to Board minutes").count() == 0
    forget_refusals(visit.errors)


def test_with_tags_off_no_tag_editing_is_offered(sign_in):
    page = sign_in("admin").page
    deep = folder_id(page, DEEP)
    api(page, "PATCH", "/api/settings/", {"tags_enabled": False})
    try:
        page.goto(f"/files?folder={deep}")
        card(page, "deep.png").wait_for()
        assert tree(page, "Tags").count() == 0  # no tag to drop cards on, create or edit

        card(page, "deep.png").get_by_role("button", name="Details", exact=True).click()
        details = page.get_by_role("dialog", name="Details: deep.png")
        details.get_by_label("Name").wait_for()
        assert details.locator("fieldset", has_text="Tags").count() == 0
        assert details.get_by_label(TAG).count() == 0
        details.get_by_label("Name").fill("deep-renamed.png")
        details.get_by_role("button", name="Save").click()
        card(page, "deep-renamed.png").wait_for()
        # Saving without the tag list kept the attachment's tags.
        stored = api(page, "GET", f"/api/attachments/?folders={deep}")["results"]
        renamed = next(a for a in stored if a["name"] == "deep-renamed.png")
        assert [tag["name"] for tag in renamed["tags"]] == [TAG]

        card(page, "deep-renamed.png").get_by_role("checkbox").check()
        panel = page.get_by_role("complementary", name="Selection")
        panel.get_by_role("button", name="Download").wait_for()
        assert panel.get_by_role("button", name="Update tags").count() == 0
    finally:
        api(page, "PATCH", "/api/settings/", {"tags_enabled": True})
        api(page, "PATCH", f"/api/attachments/{renamed_id(page, deep)}/", {"name": "deep.png"})
    page.goto(f"/files?folder={deep}")
    page.get_by_role("tree", name="Tags").wait_for()


def renamed_id(page: Any, folder: int) -> int:
    stored = api(page, "GET", f"/api/attachments/?folders={folder}")["results"]
    return int(next(a["id"] for a in stored if a["name"].startswith("deep")))


@pytest.fixture
def visitor(browser: Any, web_server: Server) -> Iterator[tuple[Any, list[str]]]:
    """A page of someone who is not signed in, with what its console said."""
    context = browser.new_context(base_url=web_server.url, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    yield page, errors
    context.close()
    assert not errors, errors


def shown_image(page: Any, number: int) -> None:
    """Waits until image `number` of the slideshow is on screen, decoded."""
    page.wait_for_function(
        """n => { const img = document.querySelector('.slideshow img');
        return img && img.alt.startsWith(`Image ${n} of`) && img.complete
            && img.naturalWidth > 0; }""",
        arg=number,
    )


def test_a_share_slideshow_spends_none_of_the_download_limit(visitor):
    page, _ = visitor
    page.goto(f"/s/{SLIDES}")
    page.get_by_role("heading", name="Polish slideshow").wait_for()
    page.get_by_text("1 downloads left").wait_for()
    page.get_by_role("button", name="Slideshow").click()
    show = page.get_by_role("dialog", name="Slideshow")
    show.get_by_role("button", name="Pause").click()  # it plays at once
    stage = show.locator(".slideshow")
    shown_image(page, 1)
    for number in (2, 3, 4, 1):  # round the end and back to the first
        stage.press("ArrowRight")
        shown_image(page, number)
    stage.press("Escape")
    show.wait_for(state="hidden")

    summary = page.request.get(f"/api/visit/{SLIDES}/").json()
    assert summary["downloads_left"] == 1
    with page.expect_download() as started:
        page.get_by_role("link", name="Download slide-2.png").click()
    assert started.value.suggested_filename == "slide-2.png"
    assert page.request.get(f"/api/visit/{SLIDES}/").json()["downloads_left"] == 0
