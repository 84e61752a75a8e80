"""The pictures of the README and docs/, taken from the running app so they stay current."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.helpers import card, reveal, row

pytestmark = pytest.mark.web

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def test_file_manager_picture_and_phone_width(sign_in):
    page = sign_in("admin", width=1360, height=760).page
    row(page, "Customers").get_by_role("button", name="Open Customers").click()
    reveal(page, "Azure Interior").click()
    reveal(page, "Marketing").click()
    row(page, "Design", "Tags").get_by_role("button", name="Open Design").click()
    card(page, "room design.png").wait_for()
    card(page, "logo.png").get_by_role("checkbox").check()
    card(page, "room design.png").get_by_role("checkbox").check()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.card img')].every(i => i.complete && i.naturalWidth)"
    )
    IMAGES.mkdir(exist_ok=True)
    page.screenshot(path=str(IMAGES / "file-manager.png"))

    phone = sign_in("admin", width=390, height=844).page
    row(phone, "Marketing").click()
    card(phone, "logo.png").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
