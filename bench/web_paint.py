"""First meaningful paint of the file manager, measured in Debian's chromium with the
browser's performance API.

Starts a real Archivist (the demo plus the web tests' seed) on a free port, signs in once, then
opens /files again and again, each time in a fresh browser context (cold: empty cache) and in
the same context (warm: assets cached). "Meaningful" is the moment the folder tree's rows and
the first attachment cards are in the page, taken with `performance.now()` from a
MutationObserver installed before the page's scripts run; first contentful paint comes from
`performance.getEntriesByType("paint")`. Prints p50 and p95 of each, in milliseconds.

    .venv/bin/python bench/web_paint.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web.seed import PASSWORD  # noqa: E402

WATCH = """
(() => {
  const seen = () => document.querySelector('[role=treeitem]') && document.querySelector('.card');
  new MutationObserver((_, observer) => {
    if (seen()) { window.__meaningful = performance.now(); observer.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
})();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVIST_", "DJANGO_"))}
    env.update(
        ARCHIVIST_HOME=str(home),
        ARCHIVIST_PREPARE_INTERVAL="0",
        DJANGO_SETTINGS_MODULE="archivist.settings",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run([str(ROOT / "scripts/build-frontend")], check=True)
    archivist = str(ROOT / ".venv/bin/archivist")
    subprocess.run(
        [archivist, "quickstart", "--no-serve"], check=True, env=env, capture_output=True
    )
    subprocess.run([sys.executable, "-m", "tests.web.seed"], check=True, env=env, cwd=ROOT)
    return serve(env)


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """`archivist serve` on a free port with `env`, once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/archivist"), "serve", "--no-scheduler"],
        env=dict(env, ARCHIVIST_PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2).close()
            return server, url
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def measure(page: object) -> tuple[float, float]:
    page.goto("/files")  # type: ignore[attr-defined]
    page.wait_for_function("() => window.__meaningful !== undefined")  # type: ignore[attr-defined]
    meaningful = page.evaluate("window.__meaningful")  # type: ignore[attr-defined]
    fcp = page.evaluate(  # type: ignore[attr-defined]
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN"
    )
    return float(fcp), float(meaningful)


def report(label: str, values: list[float]) -> None:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label:<38} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="archivist-bench-web-"))
    server, url = start_server(home)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            login = browser.new_context(base_url=url)
            page = login.new_page()
            page.goto("/login/?next=/files")
            page.fill("#id_username", "admin")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/files")
            state = login.storage_state()
            login.close()

            cold: list[tuple[float, float]] = []
            for _ in range(args.runs):
                context = browser.new_context(base_url=url, storage_state=state)
                context.add_init_script(WATCH)
                cold.append(measure(context.new_page()))
                context.close()
            context = browser.new_context(base_url=url, storage_state=state)
            context.add_init_script(WATCH)
            warm_page = context.new_page()
            measure(warm_page)
            warm = [measure(warm_page) for _ in range(args.runs)]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)
    print(f"file manager on the demo, {args.runs} runs each, chromium {url}")
    report("cold: first contentful paint", [fcp for fcp, _ in cold])
    report("cold: tree and first cards painted", [m for _, m in cold])
    report("warm: first contentful paint", [fcp for fcp, _ in warm])
    report("warm: tree and first cards painted", [m for _, m in warm])


if __name__ == "__main__":
    main()
