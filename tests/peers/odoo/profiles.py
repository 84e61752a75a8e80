"""Odoo version profiles: what one fake Odoo server answers, version by version.

research/odoo-protocol.md §1 (version matrix) and §4 (version endpoints). A profile decides the
`server_version`/`server_version_info` of `common.version()` and `/web/webclient/version_info`,
whether JSON-2 and `GET /json/version` exist (19.0+), whether `kpi.provider` exists (absent from
the "16.0" profile, as on a 16.0 build before the backport), which web client root answers
(`/odoo` from 17.2) and how `web_create_users` names new users (≤16: the email's local part).
"""

from __future__ import annotations

from dataclasses import dataclass

VersionInfo = tuple[int | str, int, int, str, int, str]


@dataclass(frozen=True)
class VersionProfile:
    """One Odoo release as seen from outside."""

    name: str  # the key in PROFILES, e.g. "19.0"
    version: str  # release.version: "19.0", "saas~17.2", "saas~19.1+e"
    version_info: VersionInfo  # release.version_info
    json2: bool  # JSON-2 routes, /json/version and /web/version (the 19.0 `rpc` addon)
    kpi_provider: bool  # the kpi.provider model (base_setup)
    path_web_client: bool  # the web client lives at /odoo (17.2+) rather than /web
    short_invited_names: bool  # ≤16: web_create_users names users after the email's local part

    @property
    def serie(self) -> str:
        """release.serie: the first two parts of version_info ("19.0", "saas~19.1")."""
        return f"{self.version_info[0]}.{self.version_info[1]}"

    def version_dict(self) -> dict[str, object]:
        """`common.version()`: also the result of /web/webclient/version_info."""
        return {
            "server_version": self.version,
            "server_version_info": list(self.version_info),
            "server_serie": self.serie,
            "protocol_version": 1,
        }

    def json_version(self) -> dict[str, object]:
        """The body of `GET /json/version` (19.0+)."""
        return {"version_info": list(self.version_info), "version": self.version}


PROFILES: dict[str, VersionProfile] = {
    profile.name: profile
    for profile in (
        VersionProfile("16.0", "16.0", (16, 0, 0, "final", 0, ""), False, False, False, True),
        VersionProfile("17.0", "17.0", (17, 0, 0, "final", 0, ""), False, True, False, False),
        VersionProfile(
            "17.2", "saas~17.2", ("saas~17", 2, 0, "final", 0, ""), False, True, True, False
        ),
        VersionProfile("18.0", "18.0", (18, 0, 0, "final", 0, ""), False, True, True, False),
        VersionProfile("19.0", "19.0", (19, 0, 0, "final", 0, ""), True, True, True, False),
        VersionProfile(
            "saas~19.1+e",
            "saas~19.1+e",
            ("saas~19", 1, 0, "final", 0, "e"),
            True,
            True,
            True,
            False,
        ),
    )
}


def profile_named(profile: str | VersionProfile) -> VersionProfile:
    """The profile for a name of PROFILES (or the profile itself); ValueError names the choices."""
    if isinstance(profile, VersionProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValueError(
            f"profile: unknown Odoo version profile {profile!r}; known: {', '.join(PROFILES)}"
        ) from None
