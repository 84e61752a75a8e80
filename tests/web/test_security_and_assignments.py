"""People and group pickers end to end (seed: `seed_security.py`): a file manager restricts a
manual folder to one user through its settings dialog, and the folder disappears for another
file manager who saw it; an administrator assigns a folder, a folder rule and a subscriber to a
connection, and finds them again after a reload, as the API has them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.helpers import api, folder_id, reveal, row, tree
from tests.web.seed_security import HANDBOOK, MIRROR, SCANS

pytestmark = pytest.mark.web


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_a_file_manager_restricts_a_manual_folder_to_one_user(sign_in):
    reader = sign_in("reader").page
    reveal(reader, HANDBOOK)  # open to every file manager at first
    handbook = folder_id(reader, HANDBOOK)

    visit = sign_in("manager")
    page = visit.page
    reveal(page, HANDBOOK).click(button="right")
    page.get_by_role("menu").get_by_role("menuitem", name="Edit settings").click()
    dialog = page.get_by_role("dialog", name=f"Settings: {HANDBOOK}")
    expect(
        dialog.get_by_text("None chosen: everyone who may read the parent folder")
    ).to_be_visible()
    expect(dialog.get_by_role("list", name="Chosen users")).to_have_count(0)

    # keyboard only: type, the one match is picked with Enter
    users = dialog.get_by_role("combobox", name="Users", exact=True)
    users.fill("marc")
    expect(dialog.get_by_role("option")).to_have_count(1)
    expect(users).to_have_attribute("aria-expanded", "true")
    users.press("Enter")
    chosen = dialog.get_by_role("list", name="Chosen users")
    expect(chosen).to_have_text("Marc×")
    expect(dialog).to_be_visible()  # Enter picked, it did not submit

    # a name the API refuses: said under the name, the dialog stays open with the choice
    dialog.get_by_label("Name").fill("Team/handbook")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#folder-name-error")).to_contain_text("cannot contain /")
    expect(dialog.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(chosen).to_have_text("Marc×")
    dialog.get_by_label("Name").fill(HANDBOOK)
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)

    security = api(page, "GET", f"/api/folders/{handbook}/")["security"]
    assert security["restricted"] is True
    assert [user["username"] for user in security["users"]] == ["manager"]
    assert security["groups"] == []

    # the manager (named on it) still sees it, and the dialog shows who is named
    page.reload()
    reveal(page, HANDBOOK).click(button="right")
    page.get_by_role("menu").get_by_role("menuitem", name="Edit settings").click()
    expect(dialog.get_by_role("list", name="Chosen users")).to_have_text("Marc×")
    dialog.get_by_role("button", name="Cancel").click()

    # the reader, who saw it before, no longer does: not in the tree, not found, not readable
    reader.reload()
    row(reader, "Marketing").wait_for()
    reader.get_by_role("searchbox", name="Search folders").fill("handbook")
    tree(reader).wait_for(state="detached")
    reader.get_by_role("region", name="Folders").get_by_text("Nothing here").wait_for()
    assert reader.request.get(f"/api/folders/{handbook}/").status in (403, 404)

    # the browser logs the refused save (the bad name): expected
    refused = [error for error in visit.errors if "status of 400" in error]
    assert len(refused) == 1, visit.errors
    visit.errors[:] = [error for error in visit.errors if error not in refused]


def test_an_administrator_assigns_a_folder_a_rule_and_a_subscriber(sign_in):
    page = sign_in("admin").page
    page.goto("/sync")
    page.get_by_role("table", name="Connections").get_by_role("link", name=MIRROR).click()
    page.get_by_role("heading", name=MIRROR, level=1).wait_for()
    connection = int(page.url.rstrip("/").rsplit("/", 1)[1])
    for picked in ("Chosen folders", "Chosen folder rules", "Chosen subscribers"):
        expect(page.get_by_role("list", name=picked)).to_have_count(0)

    folders = page.get_by_role("combobox", name="Folders", exact=True)
    folders.fill("scans")
    scans = page.get_by_role("option").filter(has_text=SCANS)
    expect(scans).to_contain_text("at the top")
    scans.click()
    rules = page.get_by_role("combobox", name="Folder rules", exact=True)
    rules.fill("quotation")
    quotations = page.get_by_role("option").filter(has_text="Quotations")
    expect(quotations).to_contain_text("sale_order")
    quotations.click()
    subscribers = page.get_by_role("combobox", name="Subscribers", exact=True)
    subscribers.fill("rit")
    expect(page.get_by_role("option")).to_have_count(1)
    subscribers.press("ArrowDown")
    subscribers.press("Enter")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_role("list", name="Chosen folders")).to_have_text(f"{SCANS}×")
    expect(page.get_by_role("list", name="Chosen folder rules")).to_have_text("Quotations×")
    expect(page.get_by_role("list", name="Chosen subscribers")).to_have_text("Rita×")
    detail = api(page, "GET", f"/api/sync/connections/{connection}/")
    assert [folder["name"] for folder in detail["folders"]] == [SCANS]
    assert [rule["name"] for rule in detail["rules"]] == ["Quotations"]
    assert [person["name"] for person in detail["subscribers"]] == ["Rita"]

    # removing a chip and saving drops it from the connection
    page.get_by_role("button", name="Remove Rita").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    assert api(page, "GET", f"/api/sync/connections/{connection}/")["subscribers"] == []
    assert api(page, "GET", f"/api/sync/connections/{connection}/")["folders"][0]["id"] == (
        folder_id(page, SCANS)
    )
