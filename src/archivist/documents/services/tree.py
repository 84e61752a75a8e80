"""The folder tree as a flat list of nodes in display order (for the CLI and exports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from archivist.documents.models import Folder


@dataclass(frozen=True)
class Node:
    path: tuple[str, ...]
    kind: str
    record: dict[str, Any] | None
    active: bool
    folder_id: int

    def as_json(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "kind": self.kind,
            "record": self.record,
            "active": self.active,
        }


def record_id_value(text: str) -> int | str:
    """Record ids are stored as text; integer keys come back as numbers."""
    if text.isdigit() and str(int(text)) == text:
        return int(text)
    return text


def tree_nodes(*, include_archived: bool = False) -> Iterator[Node]:
    """Depth first, siblings by sequence then name. Archived folders (and what they hold) are
    left out unless asked for."""
    folders = Folder.objects.all()
    if not include_archived:
        folders = folders.filter(active=True)
    children: dict[int | None, list[tuple[Any, ...]]] = defaultdict(list)
    for row in folders.values_list(
        "pk",
        "parent_id",
        "name",
        "kind",
        "source__name",
        "model",
        "record_id",
        "active",
        "sequence",
    ).iterator(chunk_size=5000):
        children[row[1]].append(row)
    for siblings in children.values():
        siblings.sort(key=lambda row: (row[8], row[2].casefold(), row[0]))
    stack: list[tuple[tuple[str, ...], tuple[Any, ...]]] = [
        ((), row) for row in reversed(children.get(None, []))
    ]
    while stack:
        prefix, row = stack.pop()
        pk, _, name, kind, source, model, record_id, active, _ = row
        path = (*prefix, name)
        record = (
            {"source": source, "model": model, "id": record_id_value(record_id)}
            if record_id
            else None
        )
        yield Node(path, kind, record, active, pk)
        stack.extend((path, child) for child in reversed(children.get(pk, [])))
