"""A connector seen from one of its folders: the connection's root folder (`Archivist`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, suppress
from typing import BinaryIO

from archivist.connectors.base import (
    Capabilities,
    Connector,
    Entry,
    SupportsWebLinks,
    check_path,
    join_path,
)
from archivist.connectors.errors import AlreadyExists, Fatal, NotFound

__all__ = ["RootedConnector"]


class RootedConnector:
    """Paths given to and returned by this connector are relative to `root` on `inner`."""

    def __init__(self, inner: Connector, root: str):
        self.inner = inner
        self.root = check_path(root.strip("/"))
        self.capabilities: Capabilities = inner.capabilities

    def _outer(self, path: str) -> str:
        return join_path(self.root, check_path(path)) if path else self.root

    def _inner_entry(self, entry: Entry) -> Entry:
        if not self.root:
            return entry
        # (not dataclasses.replace: a listing moves every entry, and replace is three times slower)
        return Entry(
            entry.path[len(self.root) + 1 :],
            entry.is_folder,
            entry.size,
            entry.id,
            entry.etag,
            entry.hashes,
            entry.modified,
        )

    def ensure_root(self) -> None:
        """Create the root folder (and its parents) when missing."""
        if not self.root:
            return
        parts = self.root.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            try:
                self.inner.stat(path)
            except NotFound:
                with suppress(AlreadyExists):
                    self.inner.make_folder(path)

    def list_tree(
        self, path: str = "", *, skip: Callable[[Entry], bool] | None = None
    ) -> Iterator[Entry]:
        wrapped = None if skip is None else (lambda entry: skip(self._inner_entry(entry)))
        for entry in self.inner.list_tree(self._outer(path), skip=wrapped):
            yield self._inner_entry(entry)

    def stat(self, path: str) -> Entry:
        return self._inner_entry(self.inner.stat(self._outer(path)))

    def make_folder(self, path: str) -> Entry:
        return self._inner_entry(self.inner.make_folder(self._outer(path)))

    def upload(
        self,
        path: str,
        content: BinaryIO,
        size: int,
        *,
        if_match: str | None = None,
        if_absent: bool = False,
    ) -> Entry:
        entry = self.inner.upload(
            self._outer(path), content, size, if_match=if_match, if_absent=if_absent
        )
        return self._inner_entry(entry)

    def open_read(self, path: str, *, offset: int = 0) -> AbstractContextManager[BinaryIO]:
        return self.inner.open_read(self._outer(path), offset=offset)

    def move(self, source: str, target: str, *, if_match: str | None = None) -> Entry:
        moved = self.inner.move(self._outer(source), self._outer(target), if_match=if_match)
        return self._inner_entry(moved)

    def delete(self, path: str, *, if_match: str | None = None) -> None:
        self.inner.delete(self._outer(path), if_match=if_match)

    def web_link(self, path: str, *, folder: bool, remote_id: str = "") -> str:
        """The inner connector's `web_link` (`SupportsWebLinks`); Fatal when it has none."""
        if not isinstance(self.inner, SupportsWebLinks):
            raise Fatal(
                "this kind of storage has no web address to open: reach it where it is mounted",
                path=path,
            )
        return self.inner.web_link(self._outer(path), folder=folder, remote_id=remote_id)

    def close(self) -> None:
        self.inner.close()
