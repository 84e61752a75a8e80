"""The Settings page (Administration): tags and sharing on/off as the file manager and a share's
link show them, a mass action limited to a group, a wrong mimetype, and who may open the page.

The web server is shared by every web test: each switch is put back before the test ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Server
from tests.web.helpers import api, card, row, tree

pytestmark = pytest.mark.web

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def section(page: Any, name: str) -> Any:
    return page.get_by_role("form", name=name)


def save(page: Any, name: str) -> None:
    form = section(page, name)
    form.get_by_role("button", name=f"Save {name.lower()}").click()
    form.get_by_role("status").get_by_text("Saved").wait_for()


def switch(page: Any, label: str, on: bool) -> None:
    page.goto("/settings")
    box = section(page, "Documents").get_by_label(label)
    box.set_checked(on)
    save(page, "Documents")


def test_settings_turn_tags_and_sharing_off_and_on(sign_in, browser, web_server: Server) -> None:
    page = sign_in("admin").page
    shares = api(page, "GET", "/api/shares/")
    listed = shares["results"] if isinstance(shares, dict) else shares
    share_id = next(share["id"] for share in listed if share["name"] == "For customers")
    token = api(page, "GET", f"/api/shares/{share_id}/")["token"]
    try:
        switch(page, "Tags", False)
        page.goto("/files")
        tree(page).wait_for()
        assert tree(page, "Tags").count() == 0
        search_in = page.get_by_role("combobox", name="Search in")
        assert search_in.locator("option", has_text="Tag").count() == 0
        switch(page, "Tags", True)
        page.goto("/files")
        row(page, "Important", "Tags").wait_for()

        switch(page, "Sharing", False)
        page.goto("/files")
        tree(page).wait_for()
        assert tree(page, "Shares").count() == 0
        visitor = browser.new_context(base_url=web_server.url)
        try:
            link = visitor.new_page()
            failures: list[str] = []
            link.on("pageerror", lambda error: failures.append(str(error)))
            link.goto(f"/s/{token}")
            link.get_by_role("alert").get_by_text("Sharing is turned off in Settings").wait_for()
            assert not failures, failures
        finally:
            visitor.close()
    finally:
        api(page, "PATCH", "/api/settings/", {"tags_enabled": True, "sharing_enabled": True})
    page.goto("/files")
    row(page, "For customers", "Shares").wait_for()


def test_a_mass_action_limited_to_a_group_and_a_wrong_mimetype(sign_in) -> None:
    visit = sign_in("admin")
    page = visit.page
    page.goto("/settings")
    actions = section(page, "Mass actions")
    slideshow = actions.get_by_role("listitem").filter(has_text="Slideshow")
    slideshow.locator("summary").click()
    slideshow.get_by_label("Editors").check()
    slideshow_id = next(
        a["id"] for a in api(page, "GET", "/api/settings/mass-actions/") if a["kind"] == "slideshow"
    )
    try:
        save(page, "Mass actions")
        slideshow.locator("summary").get_by_text("Groups: Editors").wait_for()

        for username, offered in (("reader", False), ("manager", True)):
            person = sign_in(username).page
            row(person, "Marketing").click()
            card(person, "logo.png").get_by_role("checkbox").check()
            panel = person.get_by_role("complementary", name="Selection")
            panel.get_by_role("button", name="Download").wait_for()
            assert (panel.get_by_role("button", name="Slideshow").count() == 1) is offered, username
    finally:
        api(page, "PATCH", f"/api/settings/mass-actions/{slideshow_id}/", {"groups": []})

    sync = section(page, "Sync")
    sync.get_by_label("Mimetype to add").fill("pdf")
    sync.get_by_role("button", name="Add", exact=True).click()
    sync.get_by_role("button", name="Save sync").click()
    sync.get_by_text("'pdf' is not a mimetype").wait_for()
    refused = [e for e in visit.errors if "status of 400" in e]
    assert len(refused) == 1, visit.errors  # the browser logs the refused PATCH: expected
    visit.errors.remove(refused[0])
    sync.get_by_role("button", name="Remove pdf").click()
    sync.get_by_label("Mimetype to add").fill("video/mp4")
    sync.get_by_label("Mimetype to add").press("Enter")
    save(page, "Sync")
    assert api(page, "GET", "/api/settings/")["non_synced_mimetypes"][-1:] == ["video/mp4"]
    sync.get_by_role("button", name="Remove video/mp4").click()
    save(page, "Sync")


def test_settings_picture_phone_width_and_who_may_open_it(sign_in) -> None:
    page = sign_in("admin", width=1360, height=760).page
    page.goto("/settings")
    section(page, "Mass actions").get_by_role("listitem").first.wait_for()
    IMAGES.mkdir(exist_ok=True)
    page.screenshot(path=str(IMAGES / "settings.png"))

    phone = sign_in("admin", width=390, height=844).page
    phone.goto("/settings")
    section(phone, "Schedules").wait_for()
    section(phone, "Mass actions").get_by_role("listitem").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    manager = sign_in("manager").page
    manager.goto("/settings")
    manager.get_by_role("heading", name="Not available").wait_for()
    answer = manager.request.get("/api/settings/")
    assert answer.status == 403
