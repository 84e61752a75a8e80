"""Every setting Archivist reads from the environment, declared once.

`settings.py` reads values through `value()`; `docs/configuration.md` is checked against this
list by a test, so a new setting cannot go undocumented.
"""

from __future__ import annotations

import os
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
    Setting("ARCHIVIST_HOST", "127.0.0.1", "Address `archivist serve` listens on."),
    Setting("ARCHIVIST_PORT", "8000", "Port `archivist serve` listens on."),
    Setting(
        "ARCHIVIST_PREPARE_INTERVAL",
        "900",
        "Seconds between two scheduled 'Prepare folders' runs in `archivist serve` (0 disables).",
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
