"""`parse_version` on the version strings Odoo servers report (research/odoo-protocol.md §1)."""

from __future__ import annotations

import pytest

from archivist.fleet.odoo import OdooVersion, parse_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17.0", OdooVersion(17, 0, saas=False, edition="", raw="17.0")),
        ("saas~18.4", OdooVersion(18, 4, saas=True, edition="", raw="saas~18.4")),
        ("16.0+e", OdooVersion(16, 0, saas=False, edition="e", raw="16.0+e")),
        ("saas~19.1+e", OdooVersion(19, 1, saas=True, edition="e", raw="saas~19.1+e")),
        ("19.0-20251010", OdooVersion(19, 0, saas=False, edition="", raw="19.0-20251010")),
        ("saas-11.3", OdooVersion(11, 3, saas=True, edition="", raw="saas-11.3")),
        (" 18.0 ", OdooVersion(18, 0, saas=False, edition="", raw="18.0")),
    ],
)
def test_parse_version(text: str, expected: OdooVersion) -> None:
    assert parse_version(text) == expected


@pytest.mark.parametrize("text", ["", "garbage", "17", "v17.0", "17.x", "saas~", "17.0 beta"])
def test_garbage_is_a_value_error_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="is not an Odoo version") as caught:
        parse_version(text)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "web_path", "json2"),
    [
        ("16.0+e", "/web", False),
        ("17.0", "/web", False),
        ("saas~17.1", "/web", False),
        ("saas~17.2", "/odoo", False),
        ("18.0", "/odoo", False),
        ("19.0", "/odoo", True),
    ],
)
def test_web_path_and_json2(text: str, web_path: str, json2: bool) -> None:
    version = parse_version(text)
    assert (version.web_path, version.has_json2) == (web_path, json2)
    assert str(version) == text
