"""The portal pages in a browser: a share's page by its token link for someone who is not signed
in (files, downloads, the ZIP, uploads, trees, slideshow, chat), the password prompt, a closed
link, the file-drop page, and a portal user's "Shares" home after signing in. The shares are
made by `seed_portal.py`; a file outside them never appears."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import FAILED, Server
from tests.web.seed import PASSWORD, PDF, png
from tests.web.seed_portal import BOARD_PASSWORD, DROP, EXPIRED, LOCKED, OPEN, PORTAL_USER

pytestmark = pytest.mark.web

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SHARED = {"plan.pdf", "photo-1.png", "photo-2.png", "drawing.png"}
OUTSIDE = {"secret.txt", "minutes.txt", "contract.pdf", "brief.pdf"}
CLOSED = "This link has expired or was revoked"


@pytest.fixture
def open_page(
    browser: Any, web_server: Server, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., Any]]:
    """`open_page(path)`: a page in a fresh browser context that is not signed in. The page
    fails the test on a console error, except the failed requests of `allow` statuses (the API
    answers 403 before a password, 404 for a closed link, and the browser logs those)."""
    contexts: list[Any] = []
    pages: list[tuple[Any, list[str]]] = []

    def open_as(path: str, *, width: int = 1360, height: int = 900, allow: tuple[int, ...] = ()):
        context = browser.new_context(
            base_url=web_server.url,
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        pages.append((page, errors))
        expected = [f"status of {status}" for status in allow]

        def console(message: Any) -> None:
            if message.type == "error" and not any(text in message.text for text in expected):
                errors.append(f"console: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.goto(path)
        return page

    yield open_as
    if request.node.stash.get(FAILED, False):
        for number, (page, _) in enumerate(pages):
            shot = tmp_path / f"page-{number}.png"
            page.screenshot(path=str(shot))
            print(f"screenshot of the failed page: {shot}")
    for context in contexts:
        context.close()
    for _, errors in pages:
        assert not errors, errors


def file_names(page: Any) -> set[str]:
    page.get_by_role("table", name="Files").wait_for()
    page.wait_for_load_state("networkidle")
    return set(page.locator(".share-files tbody .file-name").all_inner_texts())


def wait_for_names(page: Any, names: set[str]) -> None:
    page.wait_for_function(
        "names => { const shown = [...document.querySelectorAll('.share-files tbody .file-name')]"
        ".map(cell => cell.textContent); return shown.length === names.length"
        " && names.every(name => shown.includes(name)); }",
        arg=sorted(names),
    )


def drop_file(page: Any, selector: str, name: str, content: bytes, mimetype: str) -> None:
    """A drop of a file from the desktop onto `selector`, as the browser delivers it."""
    page.evaluate(
        """([selector, name, bytes, type]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name, {type}));
            const zone = document.querySelector(selector);
            const init = {dataTransfer: data, bubbles: true, cancelable: true};
            for (const kind of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(kind, init));
            }
        }""",
        [selector, name, list(content), mimetype],
    )


def test_portal_picture_and_phone_width(open_page):
    page = open_page(f"/s/{OPEN}", width=1360, height=760)
    page.get_by_role("heading", name="Project Falcon").wait_for()
    wait_for_names(page, SHARED)
    page.get_by_role("tree", name="Folders").get_by_role("treeitem", name="Falcon").wait_for()
    IMAGES.mkdir(exist_ok=True)
    page.screenshot(path=str(IMAGES / "portal.png"))

    phone = open_page(f"/s/{OPEN}", width=390, height=844)
    wait_for_names(phone, SHARED)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_visitor_with_the_link_downloads_searches_uploads_and_chats(open_page):
    page = open_page(f"/s/{OPEN}")
    page.get_by_role("heading", name="Project Falcon").wait_for()
    wait_for_names(page, SHARED)
    assert not file_names(page) & OUTSIDE
    assert page.get_by_text("Back office").count() == 0  # no app navigation for visitors

    # One file, then the whole share as a ZIP (one directory per folder).
    with page.expect_download() as one:
        page.get_by_role("link", name="Download plan.pdf").click()
    assert one.value.suggested_filename == "plan.pdf"
    assert Path(one.value.path()).read_bytes() == PDF
    with page.expect_download() as whole:
        page.get_by_role("button", name="Download share as archive").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(whole.value.path()).read_bytes()))
    assert sorted(archive.namelist()) == [
        "Drawings/drawing.png",
        "Falcon/photo-1.png",
        "Falcon/photo-2.png",
        "Falcon/plan.pdf",
    ]

    # Search by tag, then sort by folder; a search that finds nothing says so.
    page.get_by_label("Search in").select_option("tag")
    page.get_by_label("Search files").fill("approved")
    page.locator(".share-search").get_by_role("button", name="Search").click()
    wait_for_names(page, {"photo-1.png"})
    page.get_by_role("button", name="Remove Tag: approved").click()
    wait_for_names(page, SHARED)
    page.get_by_label("Sort by").select_option("-folder")
    page.wait_for_function(
        "() => document.querySelector('.share-files tbody .file-folder')?.textContent === 'Falcon'"
    )
    page.get_by_label("Search in").select_option("name")
    page.get_by_label("Search files").fill("secret")
    page.locator(".share-search").get_by_role("button", name="Search").click()
    page.get_by_text("No file found.").wait_for()
    page.get_by_role("button", name="Remove Name: secret").click()

    # The folder tree: a search marks the match; picking a folder filters and targets uploads.
    folders = page.get_by_role("region", name="Folders")
    folders.get_by_label("Search folders").fill("draw")
    folders.get_by_role("button", name="Search").click()
    folders.locator(".tree-row.match", has_text="Drawings").wait_for()
    folders.get_by_role("treeitem", name="Drawings").click()
    wait_for_names(page, {"drawing.png"})
    upload_button = page.get_by_role("button", name="Upload to Drawings")
    with page.expect_file_chooser() as chooser:
        upload_button.click()
    chooser.value.set_files(
        {"name": "<b>site notes.txt", "mimeType": "text/plain", "buffer": b"notes\n"}
    )
    page.locator(".upload[data-state=done]", has_text="site notes").wait_for()
    wait_for_names(page, {"drawing.png", "<b>site notes.txt"})
    assert page.locator(".share-files b").count() == 0  # a name is text, never markup
    drop_file(page, ".share-main", "dropped.png", png(8, 8, (1, 2, 3)), "image/png")
    page.locator(".upload[data-state=done]", has_text="dropped.png").wait_for()
    wait_for_names(page, {"drawing.png", "<b>site notes.txt", "dropped.png"})
    folders.get_by_role("button", name="Reset").first.click()

    # The tag tree: create a subtag from the right-click menu.
    tags = page.get_by_role("region", name="Tags")
    tags.get_by_role("treeitem", name="Client").click(button="right")
    page.get_by_role("menuitem", name="Create subtag").click()
    dialog = page.get_by_role("dialog", name="Create subtag in Client")
    dialog.get_by_label("Name").fill("From the visitor")
    dialog.get_by_role("button", name="Create").click()
    tags.get_by_role("treeitem", name="From the visitor").wait_for()

    # The slideshow of the images found: → steps, Esc closes.
    page.get_by_role("button", name="Slideshow").click()
    show = page.get_by_role("dialog", name="Slideshow")
    first = show.locator("img").get_attribute("alt")
    show.get_by_role("button", name="Pause").click()
    show.locator(".slideshow").press("ArrowRight")
    page.wait_for_function(
        "first => document.querySelector('.slideshow img')?.alt !== first", arg=first
    )
    show.locator(".slideshow").press("Escape")
    show.wait_for(state="hidden")

    # The chat below the list.
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Message", exact=True).fill("Is the <i>plan</i> final?")
    page.get_by_role("button", name="Send").click()
    messages = page.get_by_role("list", name="Messages")
    messages.get_by_text("Is the <i>plan</i> final?").wait_for()
    assert "Vera Visitor" in messages.inner_text()


def test_password_prompt_closed_links_and_the_drop_page(open_page):
    page = open_page(f"/s/{LOCKED}", allow=(403,))
    page.get_by_role("heading", name="This share is protected").wait_for()
    assert page.get_by_text("plan.pdf").count() == 0
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Open the share").click()
    page.get_by_role("alert").get_by_text("the password is not right").wait_for()
    page.get_by_label("Password").fill(BOARD_PASSWORD)
    page.get_by_role("button", name="Open the share").click()
    page.get_by_role("heading", name="Board pack").wait_for()
    wait_for_names(page, {"plan.pdf"})

    for token in (EXPIRED, "no-such-token"):
        closed = open_page(f"/s/{token}", allow=(404,))
        closed.get_by_role("heading", name=CLOSED).wait_for()
        assert "Old offer" not in closed.content()
        assert closed.url.endswith(f"/s/{token}")  # never sent to the sign-in page

    drop = open_page(f"/s/{DROP}")
    drop.get_by_role("heading", name="Send us files").wait_for()
    assert drop.get_by_role("table", name="Files").count() == 0
    with drop.expect_file_chooser() as chooser:
        drop.get_by_role("button", name="Choose files").click()
    chooser.value.set_files({"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF})
    drop_file(drop, ".drop-zone", "scan.png", png(4, 4, (9, 9, 9)), "image/png")
    sent = drop.get_by_role("list", name="Sent in this session")
    sent.get_by_text("invoice.pdf").wait_for()
    sent.get_by_text("scan.png").wait_for()
    drop.reload()
    drop.get_by_role("list", name="Sent in this session").get_by_text("scan.png").wait_for()
    # Another visitor of the same link sees nothing of it.
    other = open_page(f"/s/{DROP}")
    other.get_by_text("Nothing yet.").wait_for()


def test_a_portal_user_signs_in_and_opens_their_shares(open_page):
    page = open_page("/login/")
    page.fill("#id_username", PORTAL_USER)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/portal")
    shares = page.get_by_role("list", name="Shares")
    shares.get_by_role("link", name="Project Falcon").wait_for()
    links = shares.get_by_role("link").all_inner_texts()
    assert {text.strip() for text in links} == {"Project Falcon", "Board pack"}
    assert page.get_by_role("link", name="Files").count() == 0  # no file manager for portal users

    shares.get_by_role("link", name="Board pack").click()
    page.wait_for_url(re.compile(r"/portal/shares/\d+$"))
    wait_for_names(page, {"plan.pdf"})  # no password for the share's own portal users

    page.get_by_role("link", name="Shares").click()
    page.get_by_role("list", name="Shares").get_by_role("link", name="Project Falcon").click()
    page.get_by_role("heading", name="Project Falcon").wait_for()
    names = file_names(page)
    assert names >= SHARED and not names & OUTSIDE
    assert page.get_by_label("Your name").count() == 0  # messages go under her own name
    page.get_by_label("Message", exact=True).fill("Thanks, Paula")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("list", name="Messages").get_by_text("Paula Partner").wait_for()
