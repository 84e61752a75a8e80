"""A request as the protocol modules see it, and the answers they give (no aiohttp here).

The protocol modules are synchronous functions `HttpCall -> Answer`; `server.py` turns aiohttp
requests into `HttpCall`s and `Answer`s into responses, and applies latency and faults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

WERKZEUG_404 = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.</p>\n"
)
WERKZEUG_405 = (
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n"
)


@dataclass(frozen=True)
class HttpCall:
    """One HTTP request to a site: `path` is after the site prefix, header names lower case."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str  # with charset where Odoo sends one
    headers: Mapping[str, str] = field(default_factory=dict)


def json_answer(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Answer:
    """Odoo's `make_json_response`: UTF-8 JSON, non-ASCII kept."""
    body = json.dumps(value, ensure_ascii=False).encode()
    return Answer(status, body, "application/json; charset=utf-8", headers or {})


def html_answer(status: int, html: str, headers: Mapping[str, str] | None = None) -> Answer:
    return Answer(status, html.encode(), "text/html; charset=utf-8", headers or {})


def not_found_html() -> Answer:
    """Werkzeug's 404 page: what a route that does not exist (or no database) answers."""
    return html_answer(404, WERKZEUG_404)


def method_not_allowed_html(allowed: str = "POST") -> Answer:
    return html_answer(405, WERKZEUG_405, {"Allow": allowed})


def xml_answer(body: str) -> Answer:
    return Answer(200, body.encode(), "text/xml; charset=utf-8")
