"""What the web tests of the cloud work click on, added after the common seed (`seed.py`)."""

from __future__ import annotations


def seed() -> None:
    pass
