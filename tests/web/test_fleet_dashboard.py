"""The fleet dashboard end to end: databases on the Odoo test server (tests/peers/odoo/, started
in this process on 127.0.0.1) registered through the fleet API, then the pages as an
administrator (filters, "Synchronize all" as a background run of the server started with
--no-scheduler, invite and remove users, the trash icon, Connect), as a Databases User (only
their databases, no write actions, phone width) and as someone outside the fleet groups."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.peers.odoo import OdooDatabase, OdooPeer, OdooSite, RemoteUser
from tests.web.conftest import Server, Visit
from tests.web.helpers import api
from tests.web.seed import PASSWORD
from tests.web.seed_fleet import CONSULTANT_EMAIL, INVITEE_EMAIL

pytestmark = pytest.mark.web

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def kpis(inbox: int, bank: int, status: str) -> list[dict[str, Any]]:
    return [
        {"id": "documents.inbox", "name": "Inbox", "type": "integer", "value": inbox},
        {"id": "account_journal_type.bank", "name": "Bank", "type": "integer", "value": bank},
        {"id": "account_move_type.in_invoice", "name": "Bills", "type": "integer", "value": 2},
        {"id": "account_return.vat", "name": "VAT Return", "type": "return_status",
         "value": status},
    ]  # fmt: skip


# name: (profile, hosting, tags, KPIs, the consultant has an account, responsible is admin)
SPECS: dict[str, tuple[str, str, list[str], list[dict[str, Any]], bool, bool]] = {
    "Northwind Books": ("19.0", "premise", ["Accounting"], kpis(7, 12, "late"), True, True),
    "Oak & Ash Legal": ("18.0", "premise", ["Accounting"], kpis(3, 4, "to_do"), True, False),
    "Harbor Freight": ("19.0", "premise", ["Retail"], kpis(0, 9, "to_submit"), False, False),
    "Blue Lagoon Spa": ("17.0", "premise", ["Retail"], kpis(5, 1, "longterm"), True, False),
    "Cedar Clinic": ("saas~19.1+e", "premise", [], kpis(2, 0, "done"), False, True),
    "Old Mill Bakery": ("16.0", "paas", [], [], False, False),
    **{
        f"Client {n:02}": ("19.0", "premise", [], kpis(n, n % 4, "done" if n % 3 else "longterm"),
                           False, False)
        for n in range(1, 16)
    },
}  # fmt: skip
BROKEN = "Broken Keys Ltd"  # registered with a wrong API key: its sync fails
TOTAL = len(SPECS) + 1  # more than 20: "Synchronize all" is a background run


@dataclass
class Fleet:
    peer: OdooPeer
    admin: Any  # a page signed in as admin, for API calls
    sites: dict[str, OdooSite] = field(default_factory=dict)
    databases: dict[str, OdooDatabase] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


def signed_in_context(browser: Any, server: Server, username: str, **size: int) -> Any:
    context = browser.new_context(
        base_url=server.url, viewport={"width": size.get("width", 1440),
                                       "height": size.get("height", 900)}
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login/?next=/fleet")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/fleet")
    return context, page


@pytest.fixture(scope="module")
def fleet(browser: Any, web_server: Server) -> Iterator[Fleet]:
    """The Odoo test server with TOTAL databases, each registered in Archivist by the API."""
    started = time.monotonic()
    peer = OdooPeer().start()
    context, page = signed_in_context(browser, web_server, "admin")
    found = Fleet(peer=peer, admin=page)
    admin_id = api(page, "GET", "/api/me/")["id"]
    try:
        for name, (profile, hosting, tags, figures, consultant, mine) in SPECS.items():
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
            site = peer.add_site(slug, profile=profile)
            site.latency = (0.05, 0.15)
            users = [
                RemoteUser(login=f"admin@{slug}.example", name="Administrator",
                           login_date="2026-03-02 08:30:00"),
                RemoteUser(login=f"clerk@{slug}.example", name="Clerk"),
            ]  # fmt: skip
            if consultant:
                users.append(RemoteUser(login=CONSULTANT_EMAIL, name="Colin Wu"))
            found.databases[name] = site.add_database(
                slug, login=f"admin@{slug}.example", api_key=f"key-{slug}", users=users,
                kpis=figures,
            )  # fmt: skip
            found.sites[name] = site
            body = {
                "name": name, "hosting": hosting, "url": site.url, "database_name": slug,
                "api_login": f"admin@{slug}.example", "api_key": f"key-{slug}", "tags": tags,
                "responsible": admin_id if mine else None,
            }  # fmt: skip
            found.ids[name] = api(page, "POST", "/api/fleet/databases/", data=body)["id"]
        broken = peer.add_site("broken", profile="19.0")
        broken.add_database("broken", login="admin@broken.example", api_key="right-key")
        body = {"name": BROKEN, "hosting": "premise", "url": broken.url, "database_name": "broken",
                "api_login": "admin@broken.example", "api_key": "wrong-key"}  # fmt: skip
        found.ids[BROKEN] = api(page, "POST", "/api/fleet/databases/", data=body)["id"]
        print(f"fleet registered in {time.monotonic() - started:.1f} s")
        yield found
    finally:
        context.close()
        peer.stop()


def ensure_synced(fleet: Fleet) -> None:
    """Synchronizes every database through the API unless it was done (the tests may run
    alone, in any order)."""
    rows = api(fleet.admin, "GET", "/api/fleet/databases/")
    if all(row["last_sync"] or row["name"] == BROKEN for row in rows):
        return
    run = api(fleet.admin, "POST", "/api/fleet/sync/", data={"all": True})
    deadline = time.monotonic() + 60
    while run["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, run
        time.sleep(0.3)
        run = api(fleet.admin, "GET", f"/api/fleet/runs/{run['id']}/")
    assert run["state"] == "done", run


def shown(page: Any) -> list[str]:
    page.wait_for_function("() => document.querySelector('.fleet-table[aria-busy=false]')")
    return list(page.locator(".fleet-table tbody tr").evaluate_all(
        "rows => rows.map(row => row.getAttribute('aria-label'))"
    ))  # fmt: skip


def until(check: Callable[[], Any], what: str, seconds: float = 10) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def cell(page: Any, name: str, column: str) -> Any:
    """A row's cell under the heading `column`."""
    headings = page.locator(".fleet-table thead th").all_inner_texts()
    index = next(i for i, text in enumerate(headings) if text.rstrip(" ▲▼") == column)
    return page.get_by_role("row", name=name, exact=True).locator("td").nth(index)


def test_fleet_dashboard_as_administrator(sign_in: Callable[..., Visit], fleet: Fleet) -> None:
    page = sign_in("admin").page
    page.goto("/fleet")
    assert set(shown(page)) == {*SPECS, BROKEN}

    # filters and search (each asks the API again)
    page.get_by_label("Tag", exact=True).select_option("Accounting")
    until(lambda: shown(page) == ["Northwind Books", "Oak & Ash Legal"], "the tag filter")
    page.get_by_label("Tag", exact=True).select_option("")
    page.get_by_label("Responsible").select_option(label="Anita Oliver")
    until(lambda: shown(page) == ["Cedar Clinic", "Northwind Books"], "the responsible filter")
    page.get_by_label("Responsible").select_option("")
    page.get_by_label("Hosting").select_option(label="Odoo.sh")
    until(lambda: shown(page) == ["Old Mill Bakery"], "the hosting filter")
    page.get_by_role("button", name="Reset filters").click()
    page.get_by_role("searchbox", name="Search").fill("harbor")
    until(lambda: shown(page) == ["Harbor Freight"], "the search")
    page.get_by_role("button", name="Reset filters").click()
    until(lambda: len(shown(page)) == TOTAL, "the reset")

    # "Synchronize all": more than 20 databases, so a background run whose progress shows;
    # the server runs without its scheduler, so the run's own thread does the work
    fleet.databases["Northwind Books"].set_kpis(kpis(41, 12, "late"))
    page.get_by_role("button", name="Synchronize all").click()
    progress = page.get_by_role("region", name="Synchronization")
    progress.get_by_role("progressbar", name="Synchronization progress").wait_for()
    finished = re.compile(rf"^Synchronized\s+{TOTAL} / {TOTAL}")
    progress.get_by_text(finished).first.wait_for(timeout=60_000)
    assert "1 failed" in progress.inner_text()
    assert progress.get_by_role("listitem").inner_text() == f"{BROKEN}: Invalid apikey"
    until(lambda: cell(page, "Northwind Books", "Documents").inner_text() == "41", "the KPIs")
    assert cell(page, "Northwind Books", "Version").inner_text() == "19.0"
    assert cell(page, "Oak & Ash Legal", "Version").inner_text() == "18.0"
    assert cell(page, "Northwind Books", "Draft entries").inner_text() == "14"
    late = cell(page, "Northwind Books", "Tax returns").locator(".tax-badge")
    assert late.inner_text() == "Late" and "tax-red" in (late.get_attribute("class") or "")
    to_do = cell(page, "Oak & Ash Legal", "Tax returns").locator(".tax-badge")
    assert to_do.inner_text() == "To do" and "tax-yellow" in (to_do.get_attribute("class") or "")
    assert cell(page, BROKEN, "Errors").inner_text() == "1"
    assert cell(page, "Northwind Books", "Users").inner_text() == "3"

    # sorting by tax returns: worst first
    page.get_by_role("button", name="Tax returns").click()
    until(lambda: shown(page)[:2] == ["Northwind Books", "Oak & Ash Legal"], "worst first")
    header = page.locator("th", has=page.get_by_role("button", name="Tax returns"))
    assert header.get_attribute("aria-sort") == "ascending"

    # invite Ivy to two databases: a result per database, and the accounts on the fake
    page.get_by_role("checkbox", name="Select Northwind Books").check()
    page.get_by_role("checkbox", name="Select Harbor Freight").check()
    page.get_by_role("button", name="Invite users").click()
    dialog = page.get_by_role("dialog", name="Invite users")
    dialog.get_by_label("Find local users").fill("ivy")
    dialog.get_by_role("checkbox", name=re.compile("Ivy Lane")).check()
    dialog.get_by_role("button", name="Invite").click()
    results = dialog.get_by_role("table", name="Invitations")
    results.wait_for()
    assert sorted(results.locator("tbody tr").all_inner_texts()) == [
        f"Harbor Freight\tDone\tinvited {INVITEE_EMAIL}",
        f"Northwind Books\tDone\tinvited {INVITEE_EMAIL}",
    ]
    for name in ("Northwind Books", "Harbor Freight"):
        invited = fleet.databases[name].user_by_login(INVITEE_EMAIL)
        assert invited is not None and invited.active, name
    dialog.get_by_role("button", name="Close", exact=True).first.click()
    until(lambda: cell(page, "Northwind Books", "Users").inner_text() == "4", "the new user")

    # remove her from one of them with the Remove users dialog
    page.get_by_role("checkbox", name="Select Harbor Freight").uncheck()
    page.get_by_role("button", name="Remove users").click()
    dialog = page.get_by_role("dialog", name="Remove users")
    dialog.get_by_label("Logins (one per line)").fill(INVITEE_EMAIL)
    dialog.get_by_role("button", name="Remove", exact=True).click()
    removals = dialog.get_by_role("table", name="Removals")
    removals.wait_for()
    assert removals.locator("tbody tr td").all_inner_texts()[:2] == ["Northwind Books", "Done"]
    gone = fleet.databases["Northwind Books"].user_by_login(INVITEE_EMAIL)
    assert gone is not None and not gone.active  # deactivated, never deleted
    kept = fleet.databases["Harbor Freight"].user_by_login(INVITEE_EMAIL)
    assert kept is not None and kept.active
    dialog.get_by_role("button", name="Close", exact=True).first.click()

    # the database form: its users, the trash icon, Connect
    page.get_by_role("link", name="Harbor Freight").click()
    page.get_by_role("heading", name="Harbor Freight", level=1).wait_for()
    users = page.locator(".fleet-users")
    users.get_by_role("cell", name=INVITEE_EMAIL, exact=True).wait_for()
    users.get_by_role("cell", name="Colin Wu", exact=True).wait_for(state="detached")
    page.get_by_role("button", name=f"Remove {INVITEE_EMAIL}").click()
    confirm = page.get_by_role("dialog", name=f"Remove {INVITEE_EMAIL}")
    confirm.get_by_role("button", name="Remove", exact=True).click()
    users.get_by_role("cell", name=INVITEE_EMAIL, exact=True).wait_for(state="detached")
    kept = fleet.databases["Harbor Freight"].user_by_login(INVITEE_EMAIL)
    assert kept is not None and not kept.active
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Connect").click()
    tab = opened.value
    harbor = fleet.sites["Harbor Freight"]
    # 19.0: {url}/odoo, which the test server sends on to its sign-in page
    tab.wait_for_url(f"{harbor.url}/web/login?redirect=%2Fodoo")
    assert any(request.path == "/odoo" for request in harbor.requests)
    tab.close()

    # an administrator edits what PATCH accepts
    page.get_by_label("Tags (comma-separated)").fill("Retail, Logistics")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Saved.").wait_for()
    tags = api(page, "GET", f"/api/fleet/databases/{fleet.ids['Harbor Freight']}/")["tags"]
    assert tags == ["Logistics", "Retail"]


def test_fleet_for_a_databases_user_and_for_others(
    browser: Any, web_server: Server, sign_in: Callable[..., Visit], fleet: Fleet
) -> None:
    ensure_synced(fleet)
    context, page = signed_in_context(browser, web_server, "colin", width=390, height=844)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # only the databases where his email is a login, and no administrator's actions
        assert shown(page) == ["Blue Lagoon Spa", "Northwind Books", "Oak & Ash Legal"]
        page.get_by_role("button", name="Synchronize all").wait_for()
        for action in ("Invite users", "Remove users", "Pull from Odoo.com"):
            assert page.get_by_role("button", name=action).count() == 0, action
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.get_by_role("link", name="Oak & Ash Legal").click()
        users = page.locator(".fleet-users")
        users.get_by_role("cell", name=CONSULTANT_EMAIL, exact=True).wait_for()
        assert page.get_by_role("button", name=re.compile("^Remove")).count() == 0
        assert page.get_by_role("button", name="Save").count() == 0
        assert page.get_by_role("button", name="Delete").count() == 0
        page.get_by_role("button", name="Synchronize").click()
        page.get_by_role("status").filter(has_text="1 synchronized, 0 failed.").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # a database he has no account on is refused by the API, and the page says so
        page.goto(f"/fleet/databases/{fleet.ids['Harbor Freight']}")
        page.get_by_role("heading", name="This database cannot be shown").wait_for()
        assert "you have no account on database" in page.get_by_role("alert").inner_text()
    finally:
        context.close()
    assert [e for e in errors if "403" not in e] == []  # the refused read is expected

    reader = sign_in("reader").page  # File Manager Access, no fleet group
    reader.goto("/fleet")
    reader.get_by_role("heading", name="Not available").wait_for()
    assert "Databases User" in reader.get_by_role("alert").inner_text()
    assert reader.get_by_role("link", name="Fleet").count() == 0


def test_fleet_picture(sign_in: Callable[..., Visit], fleet: Fleet) -> None:
    ensure_synced(fleet)
    page = sign_in("admin", width=1360, height=760).page
    page.goto("/fleet")
    page.get_by_role("button", name="Tax returns").click()
    until(lambda: shown(page)[:1] == ["Northwind Books"], "sorted by tax returns")
    page.get_by_role("checkbox", name="Select Oak & Ash Legal").check()
    IMAGES.mkdir(exist_ok=True)
    page.screenshot(path=str(IMAGES / "fleet.png"))
