"""Behaviour every connector shares; see the package docstring for the fixtures it needs."""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata

import pytest

from archivist.connectors.base import Connector, Entry
from archivist.connectors.errors import (
    AlreadyExists,
    AuthExpired,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PreconditionFailed,
    Transient,
)

LARGE = 24 * 1024 * 1024
MAX_READ = 16 * 1024 * 1024


class PatternStream(io.RawIOBase):
    """`size` pseudo-random bytes produced on demand; refuses to be read whole at once."""

    def __init__(self, size: int, seed: int = 7):
        self.size, self.position, self.seed = size, 0, seed
        self.largest_read = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        if n is None or n < 0 or n > MAX_READ:
            raise AssertionError(f"the connector read {n} bytes at once instead of streaming")
        n = min(n, self.size - self.position)
        block = _pattern(self.position, n, self.seed)
        self.position += n
        self.largest_read = max(self.largest_read, n)
        self.digest.update(block)
        return block

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(min(len(buffer), MAX_READ))
        buffer[: len(data)] = data
        return len(data)


def _pattern(offset: int, n: int, seed: int) -> bytes:
    block = hashlib.sha256(f"{seed}".encode()).digest() * 2048  # 64 KiB period
    start = offset % len(block)
    out = bytearray()
    while len(out) < n:
        out += block[start:]
        start = 0
    return bytes(out[:n])


def put(connector: Connector, path: str, data: bytes, **kwargs: object) -> Entry:
    return connector.upload(path, io.BytesIO(data), len(data), **kwargs)  # type: ignore[arg-type]


def read(connector: Connector, path: str, offset: int = 0) -> bytes:
    with connector.open_read(path, offset=offset) as stream:
        return stream.read()


def paths(connector: Connector, path: str = "") -> dict[str, bool]:
    return {entry.path: entry.is_folder for entry in connector.list_tree(path)}


def files(connector: Connector, path: str = "") -> set[str]:
    return {entry.path for entry in connector.list_tree(path) if not entry.is_folder}


class ConnectorContract:
    # --- listing -------------------------------------------------------------------------

    def test_a_new_root_lists_nothing(self, connector: Connector) -> None:
        assert list(connector.list_tree()) == []

    def test_listing_a_missing_folder_is_not_found(self, connector: Connector) -> None:
        with pytest.raises(NotFound):
            list(connector.list_tree("missing"))

    def test_listing_is_recursive_with_parents_first(self, connector: Connector) -> None:
        connector.make_folder("a")
        connector.make_folder("a/b")
        put(connector, "a/b/c.txt", b"c")
        put(connector, "a/d.txt", b"dd")
        connector.make_folder("e")
        entries = list(connector.list_tree())
        order = [entry.path for entry in entries]
        assert {e.path: e.is_folder for e in entries} == {
            "a": True,
            "a/b": True,
            "a/b/c.txt": False,
            "a/d.txt": False,
            "e": True,
        }
        assert order.index("a") < order.index("a/b") < order.index("a/b/c.txt")
        sizes = {e.path: e.size for e in entries if not e.is_folder}
        assert sizes == {"a/b/c.txt": 1, "a/d.txt": 2}
        assert paths(connector, "a/b") == {"a/b/c.txt": False}

    def test_listed_entries_match_stat(self, connector: Connector) -> None:
        connector.make_folder("docs")
        written = put(connector, "docs/report.pdf", b"%PDF-1.4 fake")
        (listed,) = [e for e in connector.list_tree() if e.path == "docs/report.pdf"]
        stated = connector.stat("docs/report.pdf")
        for entry in (listed, stated, written):
            assert entry.size == 13
            assert not entry.is_folder
            assert entry.name == "report.pdf"
        assert listed.etag == stated.etag == written.etag
        if connector.capabilities.stable_ids:
            assert listed.id == stated.id == written.id
        for name in connector.capabilities.hash_types:
            assert listed.hashes.get(name) == stated.hashes.get(name)
        if listed.modified is not None:
            assert listed.modified.utcoffset() is not None

    def test_skip_leaves_a_folder_out_where_supported(self, connector: Connector) -> None:
        connector.make_folder("keep")
        connector.make_folder("skip")
        put(connector, "keep/a", b"a")
        put(connector, "skip/b", b"b")
        listed = {e.path for e in connector.list_tree(skip=lambda e: e.path == "skip")}
        assert {"keep", "keep/a", "skip"} <= listed
        assert listed <= {"keep", "keep/a", "skip", "skip/b"}

    # --- folders -------------------------------------------------------------------------

    def test_make_folder_and_stat(self, connector: Connector) -> None:
        made = connector.make_folder("Customers")
        assert made.is_folder
        assert made.path == "Customers"
        assert connector.stat("Customers").is_folder
        nested = connector.make_folder("Customers/Azure Interior")
        assert nested.path == "Customers/Azure Interior"
        assert paths(connector) == {"Customers": True, "Customers/Azure Interior": True}

    def test_make_folder_twice_is_already_exists(self, connector: Connector) -> None:
        connector.make_folder("twice")
        with pytest.raises(AlreadyExists):
            connector.make_folder("twice")

    def test_an_empty_folder_is_kept(self, connector: Connector) -> None:
        connector.make_folder("empty")
        assert paths(connector) == {"empty": True}

    # --- files ---------------------------------------------------------------------------

    def test_upload_and_read_back(self, connector: Connector) -> None:
        data = os.urandom(100_000)
        entry = put(connector, "blob.bin", data)
        assert entry.size == len(data)
        assert entry.etag
        assert read(connector, "blob.bin") == data
        for name, value in entry.hashes.items():
            assert value == hashlib.new(name, data).hexdigest()

    def test_zero_byte_file(self, connector: Connector) -> None:
        entry = put(connector, "empty.txt", b"")
        assert entry.size == 0
        assert read(connector, "empty.txt") == b""
        assert files(connector) == {"empty.txt"}

    def test_read_from_an_offset(self, connector: Connector) -> None:
        put(connector, "digits.txt", b"0123456789")
        assert read(connector, "digits.txt", offset=4) == b"456789"

    def test_stat_and_read_of_a_missing_file_are_not_found(self, connector: Connector) -> None:
        with pytest.raises(NotFound):
            connector.stat("nothing.txt")
        with pytest.raises(NotFound):
            read(connector, "nothing.txt")

    def test_upload_into_a_missing_folder(self, connector: Connector) -> None:
        if not connector.capabilities.real_folders:
            put(connector, "no/such/folder.txt", b"x")
            assert read(connector, "no/such/folder.txt") == b"x"
            return
        with pytest.raises(NotFound):
            put(connector, "no/such/folder.txt", b"x")
        assert list(connector.list_tree()) == []

    def test_upload_onto_a_folder_is_a_conflict(self, connector: Connector) -> None:
        connector.make_folder("folder")
        put(connector, "folder/inside.txt", b"inside")
        if connector.capabilities.real_folders:
            # Key stores (S3) hold "folder" and "folder/…" side by side: nothing to refuse.
            with pytest.raises(Conflict):
                put(connector, "folder", b"file")
        assert read(connector, "folder/inside.txt") == b"inside"

    def test_every_rewrite_changes_the_etag(self, connector: Connector) -> None:
        first = put(connector, "same-size.txt", b"aaaa")
        second = put(connector, "same-size.txt", b"bbbb")
        third = put(connector, "same-size.txt", b"cccc")
        assert len({first.etag, second.etag, third.etag}) == 3
        assert read(connector, "same-size.txt") == b"cccc"

    # --- preconditions -------------------------------------------------------------------

    def test_create_only_never_overwrites(self, connector: Connector) -> None:
        put(connector, "once.txt", b"original", if_absent=True)
        with pytest.raises(AlreadyExists):
            put(connector, "once.txt", b"intruder", if_absent=True)
        assert read(connector, "once.txt") == b"original"

    def test_a_stale_etag_is_refused(self, connector: Connector) -> None:
        first = put(connector, "shared.txt", b"version 1")
        second = put(connector, "shared.txt", b"version 2", if_match=first.etag)
        assert second.etag != first.etag
        with pytest.raises(PreconditionFailed):
            put(connector, "shared.txt", b"lost update", if_match=first.etag)
        assert read(connector, "shared.txt") == b"version 2"

    def test_if_match_on_a_deleted_file_is_refused(self, connector: Connector) -> None:
        first = put(connector, "gone.txt", b"x")
        connector.delete("gone.txt")
        with pytest.raises((PreconditionFailed, NotFound)):
            put(connector, "gone.txt", b"y", if_match=first.etag)
        with pytest.raises(NotFound):
            connector.stat("gone.txt")

    def test_delete_with_a_stale_etag_is_refused(self, connector: Connector) -> None:
        first = put(connector, "keep.txt", b"1")
        put(connector, "keep.txt", b"2")
        with pytest.raises(PreconditionFailed):
            connector.delete("keep.txt", if_match=first.etag)
        assert read(connector, "keep.txt") == b"2"

    # --- moves and deletes ---------------------------------------------------------------

    def test_move_a_file(self, connector: Connector) -> None:
        connector.make_folder("in")
        connector.make_folder("out")
        before = put(connector, "in/a.txt", b"payload")
        after = connector.move("in/a.txt", "out/b.txt")
        assert after.path == "out/b.txt"
        assert read(connector, "out/b.txt") == b"payload"
        with pytest.raises(NotFound):
            connector.stat("in/a.txt")
        if connector.capabilities.stable_ids:
            assert after.id == before.id

    def test_move_a_folder_with_its_content(self, connector: Connector) -> None:
        connector.make_folder("old")
        connector.make_folder("old/sub")
        put(connector, "old/sub/deep.txt", b"deep")
        put(connector, "old/top.txt", b"top")
        before = connector.stat("old")
        after = connector.move("old", "new")
        assert paths(connector) == {
            "new": True,
            "new/sub": True,
            "new/sub/deep.txt": False,
            "new/top.txt": False,
        }
        assert read(connector, "new/sub/deep.txt") == b"deep"
        if connector.capabilities.stable_ids:
            assert after.id == before.id

    def test_move_never_replaces_the_target(self, connector: Connector) -> None:
        put(connector, "a.txt", b"a")
        put(connector, "b.txt", b"b")
        with pytest.raises(AlreadyExists):
            connector.move("a.txt", "b.txt")
        assert read(connector, "a.txt") == b"a"
        assert read(connector, "b.txt") == b"b"

    def test_move_with_a_stale_etag_is_refused(self, connector: Connector) -> None:
        first = put(connector, "m.txt", b"1")
        put(connector, "m.txt", b"2")
        with pytest.raises(PreconditionFailed):
            connector.move("m.txt", "n.txt", if_match=first.etag)
        assert files(connector) == {"m.txt"}

    def test_move_of_a_missing_item_is_not_found(self, connector: Connector) -> None:
        with pytest.raises(NotFound):
            connector.move("ghost.txt", "still-ghost.txt")

    def test_delete_a_file_and_a_folder_tree(self, connector: Connector) -> None:
        connector.make_folder("tree")
        connector.make_folder("tree/branch")
        put(connector, "tree/branch/leaf.txt", b"leaf")
        put(connector, "lone.txt", b"lone")
        connector.delete("lone.txt")
        connector.delete("tree")
        assert list(connector.list_tree()) == []
        with pytest.raises(NotFound):
            connector.delete("lone.txt")

    # --- names ---------------------------------------------------------------------------

    @pytest.mark.parametrize(
        "name",
        [
            "Éléments déjà vus.txt",
            "日本語のファイル.pdf",
            "emoji 📄 file.txt",
            "\u202ertl-mark.txt",
            "spaces  and #hash %25 ?query &amp; +plus.txt",
            'quote\'s "double".txt',
            "[brackets] {braces} (parens) ~tilde.txt",
        ],
    )
    def test_unusual_names_round_trip(self, connector: Connector, name: str) -> None:
        connector.make_folder("Ünïcode folder")
        path = f"Ünïcode folder/{name}"
        put(connector, path, name.encode())
        normal = unicodedata.normalize("NFC", path)
        listed = {unicodedata.normalize("NFC", e.path) for e in connector.list_tree()}
        assert normal in listed
        assert read(connector, path) == name.encode()
        connector.move(path, f"{path}.moved")
        assert read(connector, f"{path}.moved") == name.encode()

    def test_decomposed_names_are_the_composed_name(self, connector: Connector) -> None:
        decomposed = unicodedata.normalize("NFD", "café.txt")
        put(connector, decomposed, b"coffee")
        assert read(connector, "café.txt") == b"coffee"

    def test_case_colliding_names(self, connector: Connector) -> None:
        put(connector, "readme.txt", b"lower")
        if connector.capabilities.case_sensitive:
            put(connector, "README.txt", b"upper", if_absent=True)
            assert files(connector) == {"readme.txt", "README.txt"}
            assert read(connector, "readme.txt") == b"lower"
        else:
            with pytest.raises(AlreadyExists):
                put(connector, "README.txt", b"upper", if_absent=True)
            assert read(connector, "readme.txt") == b"lower"

    @pytest.mark.parametrize(
        "bad", ["../escape.txt", "a/../../b", "/absolute", "nul\x00name", "x" * 300]
    )
    def test_invalid_paths_are_refused_before_any_request(
        self, connector: Connector, bad: str
    ) -> None:
        with pytest.raises(Fatal):
            put(connector, bad, b"x")
        with pytest.raises(Fatal):
            connector.stat(bad)
        assert list(connector.list_tree()) == []

    # --- streaming -----------------------------------------------------------------------

    def test_large_files_are_streamed_both_ways(self, connector: Connector) -> None:
        source = PatternStream(LARGE)
        entry = connector.upload("large.bin", source, LARGE)  # type: ignore[arg-type]
        assert entry.size == LARGE
        assert source.position == LARGE
        digest = hashlib.sha256()
        largest = 0
        with connector.open_read("large.bin") as stream:
            while chunk := stream.read(1 << 20):
                largest = max(largest, len(chunk))
                digest.update(chunk)
        assert digest.hexdigest() == source.digest.hexdigest()
        assert largest <= 1 << 20

    def test_a_short_stream_fails_and_leaves_nothing(self, connector: Connector) -> None:
        put(connector, "whole.txt", b"complete content")
        with pytest.raises(ConnectorError):
            connector.upload("whole.txt", io.BytesIO(b"short"), 100)
        assert read(connector, "whole.txt") == b"complete content"

    # --- errors --------------------------------------------------------------------------

    def test_wrong_credentials_are_auth_expired(self, request: pytest.FixtureRequest) -> None:
        try:
            refused: Connector = request.getfixturevalue("refused_connector")
        except pytest.FixtureLookupError:
            pytest.skip("this remote has no authentication")
        with pytest.raises(AuthExpired):
            list(refused.list_tree())

    def test_an_unreachable_remote_is_transient(self, unreachable_connector: Connector) -> None:
        with pytest.raises((Transient, NotFound)) as raised:
            list(unreachable_connector.list_tree())
        assert raised.value.retryable or isinstance(raised.value, NotFound)
