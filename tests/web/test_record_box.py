"""A record's page and its attachment box (spec "Attachment box"), and the box embedded in
another page: the record "Azure Interior" of the demo, whose folder holds "room design.png" and
"contract.pdf" and the manual subfolder "Signed contracts" (tests/web/seed_records.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.helpers import api, card, folder_id, row
from tests.web.seed import png
from tests.web.seed_records import BOX_SUBFOLDER

pytestmark = pytest.mark.web

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def record_path(page: Any) -> str:
    """The record page of Azure Interior, found as a person would: its folder's record."""
    record = api(page, "GET", f"/api/folders/{folder_id(page, 'Azure Interior')}/")["record"]
    return f"/records/{record['source']}/{record['model']}/{record['id']}"


def box_cards(page: Any) -> set[str]:
    page.wait_for_function("() => !document.querySelector('.box-cards[aria-busy=true]')")
    return set(page.locator(".box-card .card-name").all_inner_texts())


def test_records_picture_and_phone_width(sign_in):
    page = sign_in("admin", width=1360, height=760).page
    path = record_path(page)
    page.goto(path)
    card(page, "room design.png").wait_for()
    card(page, "contract.pdf").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.box-card img')]"
        ".every(i => i.complete && i.naturalWidth)"
    )
    IMAGES.mkdir(exist_ok=True)
    page.screenshot(path=str(IMAGES / "attachment-box.png"))

    phone = sign_in("admin", width=390, height=844).page
    phone.goto(path)
    card(phone, "contract.pdf").wait_for()
    row(phone, BOX_SUBFOLDER).wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_record_page_fields_upload_preview_delete_and_the_file_manager_and_back(sign_in):
    page = sign_in("admin").page
    path = record_path(page)
    page.goto(path)

    # the record: its name, its fields (many2one ones by the related record's name)
    page.get_by_role("heading", name="Azure Interior", level=1).wait_for()
    fields = page.get_by_label("Fields")
    assert fields.locator("dt", has_text="Country").count() == 1
    assert "United States" in fields.inner_text()

    # the box opens on the record's own folder, its manual subfolder in the tree
    card(page, "contract.pdf").wait_for()
    assert box_cards(page) >= {"room design.png", "contract.pdf"}
    row(page, BOX_SUBFOLDER).click()
    page.get_by_role("heading", name=BOX_SUBFOLDER).wait_for()
    page.get_by_text("No attachments here").wait_for()

    # upload into the subfolder by button and by a dropped file: listed there, not elsewhere
    page.set_input_files(
        "input[aria-label='Files to attach']",
        files=[{"name": "signed offer.txt", "mimeType": "text/plain", "buffer": b"signed\n"}],
    )
    page.locator(".upload[data-state=done]", has_text="signed offer.txt").wait_for()
    page.evaluate(
        """(bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "stamp.png", {type: "image/png"}));
            const area = document.querySelector(".box-files");
            for (const type of ["dragenter", "dragover", "drop"]) {
                const init = {dataTransfer: data, bubbles: true, cancelable: true};
                area.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        list(png(8, 8, (200, 30, 30))),
    )
    page.locator(".upload[data-state=done]", has_text="stamp.png").wait_for()
    card(page, "stamp.png").wait_for()
    assert box_cards(page) == {"signed offer.txt", "stamp.png"}
    subfolder = folder_id(page, BOX_SUBFOLDER)
    stored = api(page, "GET", f"/api/attachments/?folders={subfolder}")["results"]
    assert sorted(a["name"] for a in stored) == ["signed offer.txt", "stamp.png"]
    row(page, "Azure Interior").click()
    card(page, "contract.pdf").wait_for()
    assert not box_cards(page) & {"signed offer.txt", "stamp.png"}

    # preview an image and a PDF
    card(page, "room design.png").get_by_role("button", name="Preview room design.png").click()
    dialog = page.get_by_role("dialog", name="room design.png")
    page.wait_for_function(
        "() => document.querySelector('dialog .preview img')?.naturalWidth === 80"
    )
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="detached")
    card(page, "contract.pdf").get_by_role("button", name="Preview contract.pdf").click()
    page.get_by_role("dialog", name="contract.pdf").locator("iframe").wait_for()
    page.keyboard.press("Escape")

    # delete, after confirming
    row(page, BOX_SUBFOLDER).click()
    card(page, "signed offer.txt").get_by_role("button", name="Delete signed offer.txt").click()
    page.get_by_role("dialog", name="Delete signed offer.txt").get_by_role(
        "button", name="Delete"
    ).click()
    card(page, "signed offer.txt").wait_for(state="detached")
    assert box_cards(page) == {"stamp.png"}
    stored = api(page, "GET", f"/api/attachments/?folders={subfolder}")["results"]
    assert [a["name"] for a in stored] == ["stamp.png"]

    # right-click menus: the manual subfolder may be renamed and archived, the record's
    # folder (automatic) not; both open in the file manager; a subfolder made here shows
    row(page, "Azure Interior").click(button="right")
    menu = page.get_by_role("menu", name="Azure Interior")
    menu.get_by_role("menuitem", name="Settings").wait_for()
    items = menu.get_by_role("menuitem").all_inner_texts()
    assert "Open in File Manager" in items and "Download as archive" in items
    assert "Rename" not in items and "Archive" not in items
    page.keyboard.press("Escape")
    row(page, BOX_SUBFOLDER).click(button="right")
    menu = page.get_by_role("menu", name=BOX_SUBFOLDER)
    menu.get_by_role("menuitem", name="Rename").wait_for()
    assert {"Archive", "Open in File Manager"} <= set(
        menu.get_by_role("menuitem").all_inner_texts()
    )
    menu.get_by_role("menuitem", name="Create subfolder").click()
    page.get_by_label("Name").fill("Drafts")
    page.get_by_role("button", name="OK").click()
    page.get_by_role("tree", name="Folders").get_by_role(
        "button", name=f"Open {BOX_SUBFOLDER}"
    ).click()
    row(page, "Drafts").wait_for()

    # the folder search marks the match and Reset brings the whole box back
    page.get_by_label("Search folders").fill("draf")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator(".tree-row.match", has_text="Drafts").wait_for()
    assert row(page, "Azure Interior").count() == 1  # the match's parents stay shown
    page.get_by_role("button", name="Reset").click()
    page.locator(".tree-row.match").first.wait_for(state="detached")

    # Open in File Manager on the subfolder, and the breadcrumbs back to the record
    row(page, BOX_SUBFOLDER).click(button="right")
    page.get_by_role("menu", name=BOX_SUBFOLDER).get_by_role(
        "menuitem", name="Open in File Manager"
    ).click()
    page.wait_for_url(f"**/files?folder={subfolder}*")
    card(page, "stamp.png").wait_for()
    assert {"room design.png", "contract.pdf"}.isdisjoint(
        page.locator(".card .card-name").all_inner_texts()
    )
    trail = page.get_by_role("navigation", name="Breadcrumbs")
    trail.get_by_role("link", name="Azure Interior").click()
    page.wait_for_url(f"**{path}")
    page.get_by_role("heading", name="Azure Interior", level=1).wait_for()

    # the file manager's "Open linked record" leads to this page too
    page.goto("/files")
    page.get_by_label("Search folders").fill("Azure Interior")
    found = page.locator(".tree-row.match", has_text="Azure Interior").first
    found.click(button="right")
    page.get_by_role("menuitem", name="Open linked record").click()
    page.wait_for_url(f"**{path}")
    card(page, "contract.pdf").wait_for()


def test_a_reader_is_refused_and_the_embedded_box_may_be_framed(sign_in):
    visit = sign_in("reader")
    reader = visit.page
    reader.goto("/records/demo/res_partner/1")
    refusal = reader.get_by_role("alert")
    refusal.get_by_role("heading", name="You cannot open this record").wait_for()
    assert "cannot read record" in refusal.inner_text()
    assert reader.locator(".record-box").count() == 0
    # the browser logs the API's 403, the answer this page is about: the only error expected
    refused = (
        "console: Failed to load resource: the server responded with a status of 403 (Forbidden)"
    )
    assert visit.errors == [refused]
    visit.errors.clear()

    page = sign_in("admin").page
    embed = "/embed/records/demo/res_partner/1"
    response = page.goto(embed)
    assert response.status == 200
    headers = response.headers
    assert headers["content-security-policy"].startswith("frame-ancestors 'self'")
    assert "x-frame-options" not in headers
    card(page, "contract.pdf").wait_for()
    assert page.locator(".topbar").count() == 0
    page.get_by_role("link", name="Open in Archivist").wait_for()

    # framed by a page of Archivist's own origin: the box shows, the app's other pages do not
    assert page.request.get("/files").headers["x-frame-options"] == "DENY"
    page.goto("/files")
    page.evaluate(
        """(src) => {
            const frame = document.createElement("iframe");
            frame.src = src;
            frame.title = "Embedded box";
            frame.style.width = "900px";
            frame.style.height = "600px";
            document.body.append(frame);
        }""",
        embed,
    )
    framed = page.frame_locator("iframe[title='Embedded box']")
    framed.get_by_role("article", name="contract.pdf").wait_for()
