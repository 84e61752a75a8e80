"""Small helpers for the web tests: locating tree rows and cards, and calling the API with the
page's own session (cookies and CSRF token)."""

from __future__ import annotations

import time
from typing import Any


def tree(page: Any, name: str = "Folders") -> Any:
    return page.get_by_role("tree", name=name)


def row(page: Any, name: str, tree_name: str = "Folders") -> Any:
    return tree(page, tree_name).get_by_role("treeitem", name=name, exact=True)


def card(page: Any, name: str) -> Any:
    return page.get_by_role("article", name=name, exact=True)


def card_names(page: Any) -> set[str]:
    page.wait_for_function("() => !document.querySelector('.grid[aria-busy=true]')")
    return set(page.locator(".card .card-name").all_inner_texts())


def csrf_token(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken"))


def api(page: Any, method: str, path: str, data: Any = None, multipart: Any = None) -> Any:
    """Calls the API as the signed-in page does; returns the decoded JSON (asserts success)."""
    response = page.request.fetch(
        path,
        method=method,
        data=data,
        multipart=multipart,
        headers={"X-CSRFToken": csrf_token(page), "Referer": page.url},
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json() if response.status != 204 else None


def upload(page: Any, folder: int, name: str, content: bytes, mimetype: str) -> Any:
    file = {"name": name, "mimeType": mimetype, "buffer": content}
    return api(page, "POST", "/api/attachments/", multipart={"folder": str(folder), "file": file})


def folder_id(page: Any, name: str) -> int:
    found = api(page, "GET", f"/api/folders/?search={name}")
    ids = [f["id"] for f in found["results"] if f["name"] == name and f["id"] in found["matches"]]
    assert len(ids) == 1, found
    return int(ids[0])


def tag_id(page: Any, name: str) -> int:
    tags = api(page, "GET", "/api/tags/")["results"]
    return int(next(tag["id"] for tag in tags if tag["name"] == name))


def reveal(page: Any, name: str, tree_name: str = "Folders") -> Any:
    """The row, scrolled into the virtualised tree (only rows in view are in the page); waits
    for a level that is still loading."""
    scroller = tree(page, tree_name)
    if not row(page, name, tree_name).count():
        scroller.evaluate("t => { t.scrollTop = 0; }")
        page.wait_for_timeout(50)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = row(page, name, tree_name)
        if found.count():
            found.scroll_into_view_if_needed()
            return found
        at_end = scroller.evaluate(
            "t => { const end = t.scrollTop + t.clientHeight >= t.scrollHeight - 1;"
            " t.scrollTop = end ? 0 : t.scrollTop + t.clientHeight * 0.8; return end; }"
        )
        page.wait_for_timeout(100 if at_end else 20)
    raise AssertionError(f"no row {name!r} in the tree {tree_name}")
