"""End-to-end fixtures: a real Archivist server (the demo plus `seed.py`) on a free port of
127.0.0.1, the web app built once per session, and Debian's chromium driven by Playwright
(never a downloaded browser). Without chromium, npm or Playwright the web tests skip and say
which is missing.

Pages record console errors and uncaught exceptions; a test fails when its page had any.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.web.seed import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The pictures first: taken on the seeded data alone, they stay the same from run to run
    (the other tests upload, tag and move things on the shared server)."""
    here = Path(__file__).parent
    web = [item for item in items if item.path.parent == here]
    if not web:
        return
    first = items.index(web[0])
    ordered = sorted(web, key=lambda item: item.path.name != "test_pictures.py")
    rest = [item for item in items if item.path.parent != here]
    items[:] = rest[:first] + ordered + rest[first:]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(home: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARCHIVIST_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        ARCHIVIST_HOME=str(home),
        ARCHIVIST_PORT=str(port),
        ARCHIVIST_PREPARE_INTERVAL="0",
        DJANGO_SETTINGS_MODULE="archivist.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    """frontend/dist, built by scripts/build-frontend when older than its sources."""
    if shutil.which("npm") is None:
        pytest.skip("npm is missing: the web app cannot be built (install Node.js 20+)")
    subprocess.run([str(ROOT / "scripts" / "build-frontend")], check=True, cwd=ROOT)
    dist = ROOT / "frontend" / "dist"
    assert (dist / "index.html").exists()
    return dist


@dataclass
class Server:
    url: str
    home: Path
    log: Path


@pytest.fixture(scope="session")
def web_server(built_frontend: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`archivist quickstart --no-serve` (migrations, demo, folders), the seed, then
    `archivist serve` on a free port, stopped at the end of the session."""
    home = tmp_path_factory.mktemp("web-home")
    port = free_port()
    env = _environment(home, port)
    subprocess.run(
        [str(BIN / "archivist"), "quickstart", "--no-serve"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "tests.web.seed"], check=True, env=env, cwd=ROOT, capture_output=True
    )
    log = home / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BIN / "archivist"), "serve", "--no-scheduler"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"{url}/login/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the server did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield Server(url=url, home=home, log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One chromium for the web tests. Package-scoped: Playwright's synchronous API keeps an
    event loop running meanwhile, under which Django refuses database calls of other tests."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@dataclass
class Visit:
    """A signed-in page and what its console said."""

    page: Any
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="package")
def sessions() -> dict[str, Any]:
    """Each person's signed-in browser state (cookies), from their first sign-in."""
    return {}


@pytest.fixture
def sign_in(
    browser: Any,
    web_server: Server,
    sessions: dict[str, Any],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Iterator[Callable[..., Visit]]:
    """`sign_in("admin")`: a fresh browser context on the file manager, signed in through the
    sign-in page the first time and with the same session cookies afterwards. Fails the test if
    the page logged an error; a failed test leaves a screenshot of each of its pages in its
    tmp_path (named in the failure report)."""
    contexts: list[Any] = []
    visits: list[Visit] = []

    def open_as(username: str, *, width: int = 1440, height: int = 900) -> Visit:
        context = browser.new_context(
            base_url=web_server.url,
            viewport={"width": width, "height": height},
            accept_downloads=True,
            storage_state=sessions.get(username),
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page)
        visits.append(visit)
        page.on("console", lambda message: _console(visit, message))
        page.on("pageerror", lambda error: visit.errors.append(f"page error: {error}"))
        page.goto("/files")
        if username not in sessions:  # the first time, through the sign-in page
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/files")
            sessions[username] = context.storage_state()
        page.get_by_role("tree", name="Folders").wait_for()
        return visit

    yield open_as
    if request.node.stash.get(FAILED, False):
        for number, visit in enumerate(visits):
            shot = tmp_path / f"page-{number}.png"
            visit.page.screenshot(path=str(shot))
            print(f"screenshot of the failed page: {shot}")
    for context in contexts:
        context.close()
    for visit in visits:
        assert not visit.errors, visit.errors


def _console(visit: Visit, message: Any) -> None:
    if message.type == "error":
        visit.errors.append(f"console: {message.text}")
