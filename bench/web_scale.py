"""The file manager at scale, in Debian's chromium: the data of `documents_api.py` (at scale 1.0:
100,000 folders, 1,000,000 attachments, 200 tags) seen by its restricted user (`user03`, who
reads 2,500 of the 50,000 record folders and all 50,000 manual ones).

Prints, in milliseconds (p50 and worst of `--runs`):
- opening /files cold (a fresh browser context) until the tree and the first cards are painted;
- opening a folder with 1,000 subfolders until they are rows of the tree, and scrolling the tree
  to the last of them until it is painted;
- scrolling the attachment grid to its end, page after page (each one more keyset page of
  120 cards), until the new cards are painted;
- a folder search by name until its matches are painted (typing included, and the 250 ms the
  search box waits for more typing).

    .venv/bin/python bench/web_scale.py [--scale 1.0] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from web_paint import WATCH, serve  # noqa: E402

USER, PASSWORD = "user03", "x"


def child(scale: float) -> None:
    import django

    django.setup()
    from documents_api import build

    started = time.perf_counter()
    setup = build(scale)
    setup["seconds"] = time.perf_counter() - started
    print(json.dumps(setup))


def timed(page: Any, action: str, until: str, arg: Any = None) -> float:
    """Milliseconds from `action` (JS run in the page) until the predicate `until` holds,
    both measured in the page (performance.now) to leave Playwright's round trips out."""
    page.evaluate(f"(arg) => {{ window.__started = performance.now(); {action} }}", arg)
    page.wait_for_function(until, arg=arg, timeout=60_000, polling="raf")
    return float(page.evaluate("performance.now() - window.__started"))


def measure(browser: Any, url: str, state: Any, team: str, projects: int) -> dict[str, float]:
    context = browser.new_context(
        base_url=url, storage_state=state, viewport={"width": 1440, "height": 900}
    )
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto("/files")
    page.wait_for_function("() => window.__meaningful !== undefined", timeout=60_000)
    figures = {"open /files cold": float(page.evaluate("window.__meaningful"))}

    shared = page.get_by_role("treeitem", name="Shared", exact=True)
    shared.get_by_role("button", name="Open Shared").click()
    page.get_by_role("treeitem", name=team, exact=True).wait_for()
    last = f"Project {projects - 1:04d}"
    figures[f"open a folder of {projects:,} subfolders"] = timed(
        page,
        f"document.querySelector('[role=tree] [aria-label=\"Open {team}\"]').click();",
        "() => [...document.querySelectorAll('[role=treeitem]')]"
        ".some(r => r.getAttribute('aria-label') === 'Project 0001')",
    )
    figures["scroll the tree to its last subfolder"] = timed(
        page,
        # down to the team's last subfolder: the team's row index + its subfolders, in rows
        "const t = document.querySelector('[role=tree]');"
        "const team = [...t.querySelectorAll('[role=treeitem]')]"
        "  .find(r => r.getAttribute('aria-label') === arg.team);"
        "const below = (Number(team.dataset.index) + arg.projects) * team.offsetHeight;"
        "t.scrollTop = below - t.clientHeight / 2;",
        "(arg) => [...document.querySelectorAll('[role=treeitem]')]"
        ".some(r => r.getAttribute('aria-label') === arg.last)",
        {"team": team, "projects": projects, "last": last},
    )
    pages = []
    for _ in range(5):
        before = page.evaluate("document.querySelector('.grid').scrollHeight")
        pages.append(
            timed(
                page,
                "const g = document.querySelector('.grid'); g.scrollTop = g.scrollHeight;",
                "(before) => document.querySelector('.grid').scrollHeight > before && "
                "document.querySelector('.grid').getAttribute('aria-busy') === 'false'",
                before,
            )
        )
    figures["scroll the grid one page further (mean of 5)"] = statistics.mean(pages)
    started = time.perf_counter()  # typing, the 250 ms pause before asking, the answer
    page.get_by_placeholder("Search folders").fill("Project 0042")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=treeitem]')]"
        ".some(r => r.getAttribute('aria-label') === 'Project 0042')",
        timeout=60_000,
        polling="raf",
    )
    figures["folder search by name (with the 250 ms pause)"] = (
        time.perf_counter() - started
    ) * 1000
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.scale)
        return
    from playwright.sync_api import sync_playwright

    subprocess.run([str(ROOT / "scripts/build-frontend")], check=True)
    with tempfile.TemporaryDirectory(prefix="archivist-webscale-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVIST_", "DJANGO_"))}
        env.pop("DATABASE_URL", None)
        env.update(
            ARCHIVIST_HOME=home,
            ARCHIVIST_PREPARE_INTERVAL="0",
            DJANGO_SETTINGS_MODULE="archivist.settings",
            PYTHONPATH=str(ROOT),
        )
        built = subprocess.run(
            [sys.executable, __file__, "--child", "--scale", str(arguments.scale)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(built.stdout.strip().splitlines()[-1])
        print(
            f"File manager at scale {arguments.scale}: {setup['folders']:,} folders, "
            f"{setup['attachments']:,} attachments (built in {setup['seconds']:.0f} s), "
            f"as {USER}"
        )
        server, url = serve(env)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
                login = browser.new_context(base_url=url)
                page = login.new_page()
                page.goto("/login/?next=/files")
                page.fill("#id_username", USER)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url("**/files")
                state = login.storage_state()
                login.close()
                projects = int(1_000 * arguments.scale)
                runs = [
                    measure(browser, url, state, f"Team {10 + n:02d}", projects)
                    for n in range(arguments.runs)
                ]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    for label in runs[0]:
        values = sorted(run[label] for run in runs)
        print(f"  {label:<46} p50 {statistics.median(values):8.1f} ms   worst {values[-1]:8.1f} ms")


if __name__ == "__main__":
    main()
