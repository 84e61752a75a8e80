"""The README's run command works from a fresh clone: it installs, migrates, creates the demo and
an admin account, prepares the folders, builds the web app and serves it and the back office,
where the admin can sign in and find the demo's folders."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.fresh_clone


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(predicate, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_run_command_from_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARCHIVIST_", "DJANGO_", "DATABASE_URL", "VIRTUAL_ENV"))
    }
    env.update(ARCHIVIST_HOME=str(tmp_path / "home"), ARCHIVIST_PORT=str(port))
    log = tmp_path / "run.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["scripts/run"],
            cwd=clone,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: "listening on" in log.read_text() or server.poll() is not None,
            600,
            "the server to start",
        )
        text = log.read_text()
        assert server.poll() is None, text
        credentials = re.search(r"admin account created: (\S+) / (\S+)", text)
        assert credentials, text
        assert "folders prepared:" in text

        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        base = f"http://127.0.0.1:{port}"
        login_page = browser.open(f"{base}/admin/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
        assert token
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": credentials.group(1),
                "password": credentials.group(2),
                "next": "/admin/",
            }
        ).encode()
        browser.open(
            urllib.request.Request(
                f"{base}/admin/login/", data=form, headers={"Referer": f"{base}/admin/login/"}
            )
        )
        page = browser.open(f"{base}/admin/documents/folder/?q=S00010").read().decode()
        assert "S00010" in page
        assert "Log out" in page or "logout" in page

        # The web app was built by the run command and is served with its assets.
        app = browser.open(f"{base}/files").read().decode()
        assert '<div id="root">' in app
        script = re.search(r'src="(/static/app/assets/[^"]+\.js)"', app)
        assert script, app
        assert browser.open(f"{base}{script.group(1)}").status == 200

        tree = subprocess.run(
            [".venv/bin/archivist", "folders", "tree", "--json"],
            cwd=clone,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        folders = {tuple(node["path"]) for node in json.loads(tree.stdout)}
        assert (
            "Customers",
            "Azure Interior",
            "Projects",
            "Software Design",
            "Tasks",
            "Prepare Specification",
        ) in folders
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
