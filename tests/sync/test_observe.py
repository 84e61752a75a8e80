"""Listing the remote: folders whose ETag covers their content are not listed again when
unchanged (Nextcloud, ownCloud); other remotes are always listed whole."""

from __future__ import annotations

import dataclasses
import io

from archivist.connectors.memory import MemoryConnector
from archivist.sync.engine import observe


class CountingRemote(MemoryConnector):
    def __init__(self, *, covering: bool):
        super().__init__()
        self.capabilities = dataclasses.replace(
            self.capabilities, folder_etags_cover_content=covering
        )
        self.descended: list[str] = []

    def list_tree(self, path="", *, skip=None):  # type: ignore[no-untyped-def]
        def counting(entry):  # type: ignore[no-untyped-def]
            skipped = bool(skip and skip(entry))
            if not skipped:
                self.descended.append(entry.path)
            return skipped

        return super().list_tree(path, skip=counting)

    def touch_folder(self, path: str) -> None:
        self._nodes[path].etag = self._new_etag()


def _remote(covering: bool) -> CountingRemote:
    remote = CountingRemote(covering=covering)
    for folder in ("a", "a/deep", "b"):
        remote.make_folder(folder)
    for path in ("a/deep/1.txt", "b/2.txt"):
        remote.upload(path, io.BytesIO(b"x"), 1)
    return remote


def test_unchanged_folders_are_not_listed_again_where_etags_cover_content():
    remote = _remote(covering=True)
    first = observe(remote)
    remote.upload("b/3.txt", io.BytesIO(b"y"), 1)
    remote.touch_folder("b")  # as Nextcloud does when something inside changes
    remote.descended.clear()
    second = observe(remote, first)
    assert "a" not in remote.descended and "a/deep" not in remote.descended
    assert "b" in remote.descended
    assert set(second) == set(first) | {"b/3.txt"}
    assert second["a/deep/1.txt"] == first["a/deep/1.txt"]


def test_other_remotes_are_always_listed_whole():
    remote = _remote(covering=False)
    first = observe(remote)
    remote.delete("a/deep/1.txt")  # a folder ETag that does not cover content would hide this
    second = observe(remote, first)
    assert "a/deep/1.txt" not in second
