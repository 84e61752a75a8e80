"""Opening the configured record sources."""

from __future__ import annotations

import json
import threading

from archivist.documents.models import Source
from archivist.sources.sql import SqlRecordSource

_lock = threading.Lock()
# Reflection of a large schema takes seconds, so open sources are kept per configuration:
# editing a source (URL, display names, change columns) yields a new entry.
_open: dict[tuple[int, str], SqlRecordSource] = {}


def open_source(source: Source) -> SqlRecordSource:
    """The record source for a configured Source (shared, thread-safe)."""
    signature = json.dumps(
        [source.url, source.display_names, source.change_columns], sort_keys=True
    )
    key = (source.pk, signature)
    with _lock:
        opened = _open.get(key)
        if opened is None:
            for stale in [k for k in _open if k[0] == source.pk]:
                _open.pop(stale).close()
            opened = SqlRecordSource(
                source.url,
                name=source.name,
                display=source.display_names,
                change_columns=source.change_columns,
            )
            _open[key] = opened
        return opened
