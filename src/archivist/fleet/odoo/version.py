"""Odoo version strings as servers report them: "17.0", "saas~18.4", "16.0+e", "19.0-20251010"."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["OdooVersion", "parse_version"]

# "saas~" (or the older "saas-") marks an Odoo Online release; "+e" an Enterprise build; a
# "-…" suffix is a build date or tag; a "~…" or "+…" suffix after the edition is tolerated too.
_VERSION = re.compile(
    r"^(?P<saas>saas[~-])?(?P<major>\d{1,3})\.(?P<minor>\d{1,3})"
    r"(?:\+(?P<edition>[a-z]+))?(?P<suffix>[-+~.][\w.+~-]*)?$"
)


@dataclass(frozen=True)
class OdooVersion:
    """A parsed version; `raw` is the text as reported, `edition` "" (community) or "e"."""

    major: int
    minor: int
    saas: bool
    edition: str
    raw: str

    @property
    def web_path(self) -> str:
        """The web client's root: "/odoo" since 17.2 (path-based URLs), "/web" before."""
        return "/odoo" if (self.major, self.minor) >= (17, 2) else "/web"

    @property
    def has_json2(self) -> bool:
        """Whether the server has the JSON-2 API (`/json/2/…`, Odoo 19.0 and later)."""
        return self.major >= 19

    def __str__(self) -> str:
        return self.raw


def parse_version(text: str) -> OdooVersion:
    """Parses a reported version; raises ValueError naming the text when it is not one."""
    match = _VERSION.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an Odoo version (expected e.g. '17.0' or 'saas~18.4')")
    return OdooVersion(
        major=int(match["major"]),
        minor=int(match["minor"]),
        saas=match["saas"] is not None,
        edition=match["edition"] or "",
        raw=text.strip(),
    )
