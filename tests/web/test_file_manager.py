"""The file manager in a real browser, on a real server with the demo (spec "Files Manager
Interface"): navigating and filtering, uploads, the selection and its mass actions, drag and
drop, right-click menus, and a folder a user may not read never appearing."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.web.helpers import (
    api,
    card,
    card_names,
    folder_id,
    reveal,
    row,
    tag_id,
    tree,
    upload,
)
from tests.web.seed import PDF, png

pytestmark = pytest.mark.web

MARKETING = {"brief.pdf", "logo.png", "price list.csv"}


def test_folders_tags_and_shares_combine_as_the_spec_says(sign_in):
    page = sign_in("admin").page
    row(page, "Marketing").click()
    page.get_by_text("logo.png").wait_for()
    assert card_names(page) >= MARKETING  # other tests may upload into Marketing too

    # A closed folder loads its children when opened (lazy tree).
    assert row(page, "Azure Interior").count() == 0
    row(page, "Customers").get_by_role("button", name="Open Customers").click()
    reveal(page, "Azure Interior").click()  # folders: any of
    page.get_by_text("room design.png").wait_for()
    assert {"room design.png", "contract.pdf"} | MARKETING <= card_names(page)
    # The parent of a selected child is marked, so the choice shows even when closed.
    tree(page).evaluate("t => { t.scrollTop = 0; }")
    assert "marked" in row(page, "Customers").get_attribute("class")

    row(page, "Design", "Tags").click()  # AND tags: any of
    page.wait_for_function("() => document.querySelectorAll('.card').length === 2")
    assert card_names(page) == {"logo.png", "room design.png"}

    row(page, "For customers", "Shares").click()  # AND shares: brief.pdf only, not Design
    page.get_by_text("No attachments match.").wait_for()

    page.get_by_role("region", name="Shares").get_by_role("button", name="Reset").click()
    page.get_by_role("region", name="Tags").get_by_role("button", name="Reset").click()
    page.get_by_role("region", name="Folders").get_by_role("button", name="Reset").click()
    # Nothing chosen: every readable attachment, here found by the search bar.
    page.get_by_role("searchbox", name="Search attachments").fill("minutes")
    page.get_by_role("button", name="Search", exact=True).click()
    card(page, "minutes.txt").wait_for()


def test_folder_search_highlights_matches_and_shows_their_parents(sign_in):
    page = sign_in("admin").page
    page.get_by_role("searchbox", name="Search folders").fill("azure")
    match = row(page, "Azure Interior")
    match.locator("mark").wait_for()
    assert match.locator("mark").inner_text() == "Azure"
    assert row(page, "Customers").get_attribute("aria-expanded") == "true"
    assert row(page, "Marketing").count() == 0
    # While searching, uploads go to the first folder shown (when it may be written).
    page.get_by_role("searchbox", name="Search folders").fill("archive bo")
    page.get_by_role("button", name="Upload to Archive box").wait_for()
    page.get_by_role("searchbox", name="Search folders").fill("")
    row(page, "Marketing").wait_for()
    page.get_by_role("button", name="Upload to Archive box").wait_for(state="detached")


def test_search_bar_finds_by_name_and_by_tag(sign_in):
    page = sign_in("admin").page
    page.get_by_role("searchbox", name="Search attachments").fill("logo")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.card').length === 2")
    assert card_names(page) == {"logo.png", "logo-dark.png"}
    page.get_by_role("button", name="Remove search on name").click()
    page.get_by_label("Search in").select_option("tag")
    page.get_by_role("searchbox", name="Search attachments").fill("important")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.card').length === 2")
    assert card_names(page) == {"brief.pdf", "room design.png"}


def test_upload_by_button_and_by_drag_and_drop_into_the_chosen_folder(sign_in):
    page = sign_in("admin").page
    page.get_by_role("button", name="+ Create folder").click()
    page.get_by_label("Name").fill("Inbox")
    page.get_by_role("button", name="OK").click()
    row(page, "Inbox").click()
    upload = page.get_by_role("button", name="Upload to Inbox")
    upload.wait_for()

    page.set_input_files(
        "input[type=file]",
        files=[
            {"name": "hello.txt", "mimeType": "text/plain", "buffer": b"hello\n"},
            {"name": "<img src=x onerror=alert(1)>.txt", "mimeType": "text/plain", "buffer": b"x"},
        ],
    )
    page.locator(".upload[data-state=done]", has_text="hello.txt").wait_for()
    card(page, "hello.txt").wait_for()
    card(page, "<img src=x onerror=alert(1)>.txt").wait_for()  # a name is text, never markup
    assert page.locator(".card img[src=x]").count() == 0

    # A drop of files from the desktop onto the centre, as the browser delivers it.
    page.evaluate(
        """(bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "dropped.png", {type: "image/png"}));
            const grid = document.querySelector(".grid");
            for (const type of ["dragenter", "dragover", "drop"]) {
                const init = {dataTransfer: data, bubbles: true, cancelable: true};
                grid.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        list(png(8, 8, (200, 30, 30))),
    )
    page.locator(".upload[data-state=done]", has_text="dropped.png").wait_for()
    card(page, "dropped.png").wait_for()

    inbox = folder_id(page, "Inbox")
    listed = api(page, "GET", f"/api/attachments/?folders={inbox}")["results"]
    assert {a["name"]: a["mimetype"] for a in listed} == {
        "dropped.png": "image/png",
        "hello.txt": "text/plain",
        "<img src=x onerror=alert(1)>.txt": "text/plain",
    }


def test_selection_survives_navigation_and_downloads_as_a_zip(sign_in):
    page = sign_in("admin").page
    row(page, "Marketing").click()
    card(page, "logo.png").get_by_role("checkbox").check()
    card(page, "brief.pdf").get_by_role("checkbox").check()
    row(page, "Marketing").click()  # deselect the folder
    row(page, "Archive box").click()
    page.get_by_text("No attachments match.").wait_for()
    panel = page.get_by_role("complementary", name="Selection")
    assert panel.locator(".badge").inner_text() == "2"

    with page.expect_download() as info:
        panel.get_by_role("button", name="Download").click()
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    assert sorted(archive.namelist()) == ["brief.pdf", "logo.png"]
    assert archive.read("logo.png") == png(64, 48, (47, 95, 208))
    assert archive.read("brief.pdf") == PDF

    panel.get_by_role("button", name="Reset").click()
    assert panel.locator(".badge").inner_text() == "0"

    row(page, "Marketing").click()
    card(page, "logo.png").wait_for()
    page.get_by_role("button", name="Select all found").click()
    page.get_by_text("found attachment(s) selected").wait_for()
    assert panel.locator(".badge").inner_text() == str(page.locator(".card").count())


def test_dragging_selected_cards_onto_a_tag_tags_them_all(sign_in):
    page = sign_in("admin").page
    row(page, "Marketing").click()
    card(page, "price list.csv").get_by_role("checkbox").check()
    card(page, "logo.png").get_by_role("checkbox").check()
    card(page, "logo.png").drag_to(row(page, "Important", "Tags"))
    page.get_by_text("Tag Important added to 2 attachment(s)").wait_for()
    marketing = folder_id(page, "Marketing")
    listed = api(page, "GET", f"/api/attachments/?folders={marketing}")["results"]
    tagged = {a["name"] for a in listed if "Important" in {t["name"] for t in a["tags"]}}
    assert {"price list.csv", "logo.png", "brief.pdf"} <= tagged

    # A tag dragged onto another goes inside it.
    drafts = api(page, "POST", "/api/tags/", {"name": "Drafts"})
    page.reload()
    row(page, "Drafts", "Tags").drag_to(row(page, "Important", "Tags"))
    page.get_by_text("Tag moved into Important").wait_for()
    assert api(page, "GET", f"/api/tags/{drafts['id']}/")["parent"] == tag_id(page, "Important")


def test_manual_folders_move_by_drag_and_drop_automatic_ones_do_not(sign_in):
    page = sign_in("admin").page
    api(page, "POST", "/api/folders/", {"name": "Drawer"})
    moving = api(page, "POST", "/api/folders/", {"name": "Loose papers"})
    page.reload()
    row(page, "Loose papers").drag_to(row(page, "Drawer"))
    page.get_by_text("Folder moved into Drawer").wait_for()
    assert api(page, "GET", f"/api/folders/{moving['id']}/")["parent"] == folder_id(page, "Drawer")
    assert row(page, "Loose papers").count() == 0  # now inside the closed Drawer
    assert row(page, "Customers").get_attribute("draggable") == "false"
    assert row(page, "Drawer").get_attribute("draggable") == "true"


def test_right_click_menus_differ_for_automatic_and_manual_folders(sign_in):
    page = sign_in("admin").page
    menu = page.get_by_role("menu")

    row(page, "Customers").click(button="right")
    menu.get_by_role("menuitem", name="Settings").wait_for()
    items = menu.get_by_role("menuitem").all_inner_texts()
    assert items == ["Download as archive", "Create subfolder", "Settings"]
    page.keyboard.press("Escape")

    row(page, "Customers").get_by_role("button", name="Open Customers").click()
    reveal(page, "Azure Interior").click(button="right")
    menu.get_by_role("menuitem", name="Open linked record").click()  # the record's page
    page.get_by_role("heading", name="Azure Interior", level=1).wait_for()
    assert "/records/demo/res_partner/" in page.url
    page.go_back()

    api(page, "POST", "/api/folders/", {"name": "Rename me"})
    page.reload()
    row(page, "Rename me").click(button="right")
    menu.get_by_role("menuitem", name="Rename").wait_for()
    assert menu.get_by_role("menuitem").all_inner_texts() == [
        "Download as archive",
        "Create subfolder",
        "Rename",
        "Edit settings",
        "Archive",
    ]
    menu.get_by_role("menuitem", name="Rename").click()
    page.get_by_label("New name").fill("Renamed & co")
    page.get_by_role("button", name="OK").click()
    row(page, "Renamed & co").wait_for()

    # Keyboard: the menu key of a focused row opens the same menu.
    row(page, "Renamed & co").focus()
    page.keyboard.press("Shift+F10")
    menu.get_by_role("menuitem", name="Archive", exact=True).click()
    page.get_by_role("dialog", name="Archive Renamed & co").get_by_role(
        "button", name="Archive"
    ).click()
    row(page, "Renamed & co").wait_for(state="detached")


def test_a_folder_the_user_may_not_read_never_appears(sign_in):
    page = sign_in("reader").page
    row(page, "Marketing").wait_for()
    assert row(page, "Board minutes").count() == 0
    page.get_by_role("searchbox", name="Search folders").fill("Board")
    tree(page).wait_for(state="detached")
    page.get_by_role("region", name="Folders").get_by_text("Nothing here").wait_for()
    page.get_by_role("searchbox", name="Search attachments").fill("minutes")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("No attachments match.").wait_for()
    names = {f["name"] for f in api(page, "GET", "/api/folders/")["results"]}
    assert "Marketing" in names
    assert "Board minutes" not in names

    other = sign_in("manager").page  # named on the folder: sees it
    row(other, "Board minutes").wait_for()


def test_keyboard_alone_selects_a_folder_and_opens_a_card(sign_in):
    page = sign_in("admin").page
    row(page, "Archive box").focus()
    for _ in range(30):  # other tests add folders at the top: walk down to Marketing
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        if focused == "Marketing":
            break
        page.keyboard.press("ArrowDown")
        # the app moves the focus after the key event: read the next row only once it has
        page.wait_for_function(
            "(before) => document.activeElement.getAttribute('aria-label') !== before", arg=focused
        )
    page.keyboard.press("Enter")
    card(page, "logo.png").wait_for()
    assert row(page, "Marketing").get_attribute("aria-selected") == "true"
    card(page, "logo.png").get_by_role("button", name="Preview logo.png").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="logo.png")
    dialog.locator("img").wait_for()
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")


def test_add_url_details_form_and_moving_cards_onto_a_folder(sign_in):
    page = sign_in("admin").page
    api(page, "POST", "/api/folders/", {"name": "Links"})
    api(page, "POST", "/api/folders/", {"name": "Moved here"})
    page.reload()
    row(page, "Links").click()
    page.get_by_role("button", name="Upload to Links").wait_for()
    page.get_by_role("button", name="Add URL").click()
    dialog = page.get_by_role("dialog", name="Add a URL to Links")
    dialog.get_by_label("Name").fill("Spec")
    dialog.get_by_label("URL").fill("https://example.com/spec")
    dialog.get_by_role("button", name="Add").click()
    card(page, "Spec").wait_for()

    card(page, "Spec").get_by_role("button", name="Details", exact=True).click()
    details = page.get_by_role("dialog", name="Details: Spec")
    details.get_by_label("Name").fill("Spec v2")
    details.get_by_label("Design").check()
    details.get_by_role("button", name="Save").click()
    card(page, "Spec v2").get_by_text("Design").wait_for()

    card(page, "Spec v2").drag_to(row(page, "Moved here"))
    page.get_by_text("1 attachment(s) moved to Moved here").wait_for()
    moved = api(page, "GET", f"/api/attachments/?folders={folder_id(page, 'Moved here')}")
    assert [(a["name"], a["kind"], a["url"]) for a in moved["results"]] == [
        ("Spec v2", "url", "https://example.com/spec")
    ]


def test_mass_actions_update_tags_slideshow_share_and_delete(sign_in):
    page = sign_in("admin").page
    folder = api(page, "POST", "/api/folders/", {"name": "Mass actions"})
    upload(page, folder["id"], "one.png", png(20, 20, (10, 10, 200)), "image/png")
    upload(page, folder["id"], "two.png", png(20, 20, (200, 10, 10)), "image/png")
    page.reload()
    row(page, "Mass actions").click()
    card(page, "two.png").wait_for()
    page.get_by_role("button", name="Select all found").click()
    panel = page.get_by_role("complementary", name="Selection")
    panel.get_by_role("button", name="one.png").wait_for()

    panel.get_by_role("button", name="Update tags").click()
    dialog = page.get_by_role("dialog", name="Update tags")
    dialog.locator("fieldset", has_text="Tags").first.get_by_label("Important").check()
    dialog.get_by_role("button", name="Apply").click()
    card(page, "one.png").get_by_text("Important").wait_for()
    card(page, "two.png").get_by_text("Important").wait_for()

    panel.get_by_role("button", name="Slideshow").click()
    show = page.get_by_role("dialog", name="Slideshow")
    show.get_by_role("img", name="Image 1 of 2").wait_for()
    show.get_by_role("button", name="Next ▶").click()
    show.get_by_role("img", name="Image 2 of 2").wait_for()
    show.get_by_role("button", name="Play").click()
    show.get_by_role("button", name="Pause").click()
    page.keyboard.press("Escape")
    show.wait_for(state="detached")

    panel.get_by_role("button", name="Share").click()
    sharing = page.get_by_role("dialog", name="Share 2 attachment(s)")
    sharing.get_by_label("or a new share named").fill("Mass shared")
    sharing.get_by_role("button", name="Share").click()
    row(page, "Mass shared", "Shares").wait_for()

    panel.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete attachments").get_by_role(
        "button", name="Delete"
    ).click()
    page.get_by_text("No attachments match.").wait_for()
    assert panel.locator(".badge").inner_text() == "0"
    assert api(page, "GET", f"/api/attachments/?folders={folder['id']}")["results"] == []
