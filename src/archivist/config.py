"""Every setting Archivist reads from the environment, declared once.

`settings.py` reads values through `value()`; `docs/configuration.md` is checked against this
list by a test, so a new setting cannot go undocumented. The settings whose help names a
section of the Settings page are defaults: a value an administrator saves there wins
(`documents.services.installation`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ARCHIVIST_HOME", "./var", "Folder for Archivist's data: SQLite database, blobs, keys."
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///$ARCHIVIST_HOME/archivist.sqlite3",
        "Archivist's own database (SQLite in WAL mode by default, or postgresql://…).",
    ),
    Setting(
        "ARCHIVIST_DB_CONN_MAX_AGE",
        "600",
        "Seconds a server thread keeps its database connection between requests (0: a new one "
        "per request).",
    ),
    Setting(
        "ARCHIVIST_SECRET_KEY",
        "generated into $ARCHIVIST_HOME/secret_key",
        "Django secret key (sessions, CSRF). Set it when several processes share a database.",
    ),
    Setting(
        "ARCHIVIST_DEBUG", "false", "Django debug mode; never enable it on a reachable server."
    ),
    Setting(
        "ARCHIVIST_ALLOWED_HOSTS",
        "localhost,127.0.0.1,[::1]",
        "Comma-separated host names the web server answers to.",
    ),
    Setting(
        "ARCHIVIST_BLOB_STORE",
        "local",
        "Where file contents are stored: `local` (files under `$ARCHIVIST_HOME/blobs`) or "
        "`s3://bucket/prefix?endpoint_url=http://host:9000&region=…&path_style=true` (every "
        "option optional; credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or "
        "`AWS_PROFILE`).",
    ),
    Setting("ARCHIVIST_HOST", "127.0.0.1", "Address `archivist serve` listens on."),
    Setting("ARCHIVIST_PORT", "8000", "Port `archivist serve` listens on."),
    Setting(
        "ARCHIVIST_PREPARE_INTERVAL",
        "900",
        "Seconds between two scheduled 'Prepare folders' runs in `archivist serve`, each followed "
        "by archiving expired shares (0 disables both). Settings page: Schedules.",
    ),
    Setting(
        "ARCHIVIST_SYNC_INTERVAL",
        "900",
        "Seconds between two scheduled sync cycles ('Prepare sync queue' then 'Run sync queue') "
        "in `archivist serve` (0 disables them). Settings page: Schedules.",
    ),
    Setting(
        "ARCHIVIST_SYNC_MAX_RETRIES",
        "6",
        "Attempts of an ordinary sync operation before it is failed (30 s, 60 s, … apart). "
        "Settings page: Sync.",
    ),
    Setting(
        "ARCHIVIST_SYNC_MAX_RETRIES_REVERSE",
        "4",
        "Attempts of a reverse-sync or move operation before it is failed (these can block "
        "others, so they give up sooner). Settings page: Sync.",
    ),
    Setting(
        "ARCHIVIST_SYNC_TRANSFERS",
        "16",
        "Operations a worker runs at once (uploads and downloads in parallel).",
    ),
    Setting(
        "ARCHIVIST_SYNC_PROCESSES",
        "1",
        "Child processes that send the uploads of a large sync round (a round of at least 200 "
        "uploads), each with its share of ARCHIVIST_SYNC_TRANSFERS, so that sending uses another "
        "core than the worker's bookkeeping. 0 sends every upload from the worker's own threads.",
    ),
    Setting(
        "ARCHIVIST_SYNC_KEEP_LOCAL_HOURS",
        "24",
        "Hours Archivist keeps its own copy of a file after syncing it; then, once the cloud "
        "copy is verified (hash, or read back), only the link stays, as the spec's Files Sync "
        "says. -1 keeps local copies for ever.",
    ),
    Setting(
        "ARCHIVIST_SYNC_NON_SYNCED_MIMETYPES",
        "",
        "Comma-separated mimetypes never sent to the cloud, on top of the defaults (text/html, "
        "text/css, text/javascript, application/javascript, text/xml, application/xml, "
        "odoo.spreadsheet). Settings page: Sync.",
    ),
    Setting(
        "ARCHIVIST_SYNC_LOG_DAYS",
        "30",
        "Days sync log lines are kept (at least 3); the scheduler deletes older ones daily. "
        "Settings page: Sync.",
    ),
    Setting(
        "ARCHIVIST_SYNC_LOG_EXPORT_LINES",
        "10000",
        "Most lines a sync log export (CSV) holds, newest first. Settings page: Sync.",
    ),
    Setting(
        "ARCHIVIST_PREPARE_BUDGET",
        "200000",
        "Most records one scheduled 'Prepare folders' run evaluates; the next run resumes.",
    ),
    Setting(
        "ARCHIVIST_PREPARE_FULL_EVERY",
        "24",
        "Hours after which a rule gets a full pass even if change tracking saw nothing "
        "(catches changes a source made without touching its change column).",
    ),
    Setting(
        "ARCHIVIST_MAX_UPLOAD",
        str(4 * 1024**3),
        "Largest file, in bytes, an upload may store (larger ones get HTTP 413).",
    ),
    Setting(
        "ARCHIVIST_ZIP_MAX_FILES",
        "10000",
        "Most files one ZIP download may hold.",
    ),
    Setting(
        "ARCHIVIST_EMAIL_URL",
        "console:",
        "Where mail goes: console: (printed), smtp://user:password@host:587 (STARTTLS), "
        "smtps://…:465 (TLS).",
    ),
    Setting("ARCHIVIST_EMAIL_FROM", "archivist@localhost", "Sender address of Archivist's mail."),
    Setting(
        "ARCHIVIST_FLEET_CONCURRENCY",
        "64",
        "Fleet databases read at once by a synchronisation (each on its own connection).",
    ),
    Setting(
        "ARCHIVIST_FLEET_TIMEOUT",
        "15",
        'Seconds one call to an Odoo database may take before it fails with "Timeout".',
    ),
    Setting(
        "ARCHIVIST_FLEET_DATABASE_TIMEOUT",
        "60",
        "Seconds the whole synchronisation of one Odoo database may take (all its calls).",
    ),
    Setting(
        "ARCHIVIST_EMBED_ORIGINS",
        "",
        "Comma-separated origins (`https://erp.example.com`, `https://*.example.com`) whose "
        "pages may frame a record's attachment box at `/embed/records/…` (CSP "
        "`frame-ancestors`); empty: only Archivist's own pages.",
    ),
    Setting(
        "ARCHIVIST_PREPARE_BATCH",
        "2000",
        "Records read, compared and written per transaction by 'Prepare folders'.",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def value(name: str) -> str:
    """The environment's value of a declared setting, else its default."""
    setting = _BY_NAME[name]
    return os.environ.get(name, setting.default)


def home() -> Path:
    """`ARCHIVIST_HOME` as an absolute path, created if missing."""
    path = Path(value("ARCHIVIST_HOME")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def flag(name: str) -> bool:
    return value(name).strip().lower() in {"1", "true", "yes", "on"}


def integer(name: str) -> int:
    raw = value(name)
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


_ORIGIN = re.compile(
    r"^https?://(\[[0-9A-Fa-f:.]+\]|(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)(:\d{1,5})?$"
)


def origins(name: str) -> list[str]:
    """A comma-separated list of web origins (scheme://host[:port], `*.` allowed before the
    host); ValueError naming the setting and the bad entry otherwise."""
    found: list[str] = []
    for entry in value(name).split(","):
        origin = entry.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.match(origin):
            raise ValueError(
                f"{name}: {origin!r} is not an origin like https://erp.example.com "
                "(scheme, host and optional port; no path)"
            )
        found.append(origin)
    return found


def email_settings(url: str) -> dict[str, object]:
    """Django email settings from ARCHIVIST_EMAIL_URL."""
    from urllib.parse import unquote, urlsplit

    if url in ("console:", "console://", ""):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(
            f"ARCHIVIST_EMAIL_URL must be console: or smtp(s)://user:password@host:port, "
            f"got {parts.scheme or url!r}"
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp",
    }
