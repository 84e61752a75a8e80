"""Streamed ZIP archives: valid archives, zip-slip-proof and unique names, flat memory for large
files, one file open at a time, entry limits, compression by extension, ZIP64."""

from __future__ import annotations

import io
import random
import struct
import tracemalloc
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivist.documents.zipstream import (
    ZIP64_LIMIT,
    TooManyEntries,
    ZipEntry,
    safe_archive_paths,
    stream_zip,
)

MiB = 1 << 20
UTF8_FLAG = 1 << 11
ZIP64_VERSION = 45


def content(data: bytes) -> Callable[[], BinaryIO]:
    return lambda: io.BytesIO(data)


def build(entries: Iterable[ZipEntry], **options: int) -> bytes:
    return b"".join(stream_zip(entries, **options))


def open_archive(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def names_of(*paths: tuple[str, ...]) -> list[str]:
    return list(safe_archive_paths(paths))


class GeneratedStream(io.RawIOBase):
    """A raw stream over a generator of blocks: the content never exists whole in memory."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = next(self._blocks, b"")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class OpenTracker:
    """Fake openers that record when each file is opened and closed."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.open_now = 0
        self.most_open = 0

    def opener(self, name: str, data: bytes) -> Callable[[], BinaryIO]:
        tracker = self

        class TrackedFile(io.BytesIO):
            def close(self) -> None:
                if not self.closed:
                    tracker.open_now -= 1
                    tracker.events.append(f"close {name}")
                super().close()

        def open_file() -> BinaryIO:
            self.open_now += 1
            self.most_open = max(self.most_open, self.open_now)
            self.events.append(f"open {name}")
            return TrackedFile(data)

        return open_file


def test_archive_round_trips_names_contents_and_times() -> None:
    files = {
        ("Customers", "Acme", "invoice.txt"): b"Invoice 42\n" * 1000,
        ("Customers", "Acme", "scan.jpg"): bytes(range(256)) * 40,
        ("Überweisung — März.csv",): "é,ü\n".encode(),
        ("empty.bin",): b"",
    }
    modified = datetime(2024, 3, 1, 12, 30, 10, tzinfo=timezone(timedelta(hours=2)))
    entries = [
        ZipEntry(path, content(data), size=len(data), modified=modified)
        for path, data in files.items()
    ]

    archive = open_archive(build(entries, chunk_size=1000))

    assert archive.namelist() == ["/".join(path) for path in files]
    for path, data in files.items():
        assert archive.read("/".join(path)) == data
    info = archive.getinfo("empty.bin")
    assert info.date_time == (2024, 3, 1, 10, 30, 10)  # written in UTC
    assert info.external_attr >> 16 == 0o644


@pytest.mark.parametrize(
    ("modified", "expected"),
    [
        (None, (1980, 1, 1, 0, 0, 0)),
        # A naive time is kept as it is; ZIP times have a 2-second resolution.
        (datetime(2023, 5, 6, 7, 8, 9), (2023, 5, 6, 7, 8, 8)),  # noqa: DTZ001
        (datetime(1970, 1, 1, tzinfo=UTC), (1980, 1, 1, 0, 0, 0)),
        (datetime(2200, 1, 1, tzinfo=UTC), (2107, 12, 31, 23, 59, 58)),
    ],
)
def test_times_outside_the_zip_range_are_clamped(
    modified: datetime | None, expected: tuple[int, ...]
) -> None:
    archive = open_archive(build([ZipEntry(("a.txt",), content(b"a"), modified=modified)]))
    assert archive.getinfo("a.txt").date_time == expected


ZIP_SLIP_PATHS = [
    ("..", "..", "etc", "passwd"),
    ("../../etc/passwd",),
    ("/abs",),
    ("/", "abs2"),
    ("a\\..\\b",),
    ("C:evil",),
    ("C:", "evil2"),
    ("\\\\server\\share\\x",),
    ("nul\x00byte.txt",),
    ("bell\x07 and\ttab\nline.txt",),
    ("invoice\u202egpj.exe",),
    ("isolate\u2066x\u2069.txt",),
    (".", "..", "...", " .hidden. "),
    ("",),
]


def test_zip_slip_names_stay_inside_the_extraction_folder(tmp_path: Path) -> None:
    entries = [ZipEntry(path, content(b"x")) for path in ZIP_SLIP_PATHS]
    archive = open_archive(build(entries))

    names = archive.namelist()
    assert len(set(names)) == len(ZIP_SLIP_PATHS)
    for name in names:
        assert not name.startswith("/")
        for part in name.split("/"):
            assert part not in ("", ".", "..")
            assert not set(part) & set('\\:<>"|?*\x00\x07\t\n\u202e\u2066\u2069')
    assert "invoicegpj.exe" in names  # bidi override removed: no longer shows as "exe.jpg"

    target = tmp_path / "extracted"
    archive.extractall(target)
    extracted = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(extracted) == len(ZIP_SLIP_PATHS)
    for path in extracted:
        assert path.resolve().is_relative_to(target.resolve())


def test_duplicates_are_renamed_deterministically() -> None:
    paths = [("report.pdf",)] * 3 + [("report (2).pdf",), ("notes",), ("notes",)]
    expected = [
        "report.pdf",
        "report (2).pdf",
        "report (3).pdf",
        "report (2) (2).pdf",
        "notes",
        "notes (2)",
    ]
    assert names_of(*paths) == expected
    assert names_of(*paths) == expected


def test_clashes_are_case_insensitive_and_normalisation_insensitive() -> None:
    assert names_of(("Report.PDF",), ("report.pdf",), ("REPORT.pdf",)) == [
        "Report.PDF",
        "report (2).pdf",
        "REPORT (3).pdf",
    ]
    assert names_of(("caf\u00e9.txt",), ("cafe\u0301.txt",)) == [
        "caf\u00e9.txt",
        "cafe\u0301 (2).txt",
    ]
    # Folders differing only in case are one folder, spelt as first seen.
    assert names_of(("Acme", "a.txt"), ("ACME", "b.txt"), ("acme", "A.TXT")) == [
        "Acme/a.txt",
        "Acme/b.txt",
        "Acme/A (2).TXT",
    ]


def test_a_file_and_a_folder_of_the_same_name_clash() -> None:
    # The folder came first: the file is renamed.
    assert names_of(("Acme", "a.txt"), ("acme",)) == ["Acme/a.txt", "acme (2)"]
    # The file came first (already written): the folder is renamed, consistently.
    assert names_of(("acme",), ("Acme", "a.txt"), ("ACME", "b.txt")) == [
        "acme",
        "Acme (2)/a.txt",
        "Acme (2)/b.txt",
    ]


@pytest.mark.parametrize(
    ("name", "extension"),
    [("a" * 300 + ".pdf", ".pdf"), ("é" * 300 + ".docx", ".docx"), ("😀" * 300, "")],
)
def test_long_names_are_cut_to_255_bytes_keeping_the_extension(name: str, extension: str) -> None:
    first, second = names_of((name,), (name,))
    for cut in (first, second):
        assert len(cut.encode()) <= 255
        assert cut.endswith(extension)
    assert second.endswith(f" (2){extension}")
    assert len(first.encode()) > 250  # cut, not emptied


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("Nul.tar.gz", "Nul_.tar.gz"),
        ("aux", "aux_"),
        ("PRN.", "PRN_"),
        ("COM1.log", "COM1_.log"),
        ("lpt9", "lpt9_"),
        ("nul .txt", "nul _.txt"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("COM10", "COM10"),
    ],
)
def test_windows_reserved_names_get_a_suffix(name: str, expected: str) -> None:
    assert names_of(("folder", name)) == [f"folder/{expected}"]
    assert names_of((name, "file.txt")) == [f"{expected}/file.txt"]


def test_non_ascii_names_have_the_utf8_flag() -> None:
    data = build(
        [ZipEntry(("Ärger", "日本.txt"), content(b"x")), ZipEntry(("plain.txt",), content(b"y"))]
    )
    archive = open_archive(data)
    unicode_info, ascii_info = archive.infolist()
    assert unicode_info.filename == "Ärger/日本.txt"
    assert unicode_info.flag_bits & UTF8_FLAG  # central directory
    (local_flags,) = struct.unpack_from("<H", data, unicode_info.header_offset + 6)
    assert local_flags & UTF8_FLAG  # local header
    assert not ascii_info.flag_bits & UTF8_FLAG  # ASCII reads the same in any encoding


def test_a_300_mb_entry_streams_in_flat_memory(tmp_path: Path) -> None:
    seed = random.randrange(1 << 32)
    print(f"content seed: {seed}")
    block = random.Random(seed).randbytes(64 * 1024)
    blocks = 300 * MiB // len(block)
    expected_crc = 0
    for _ in range(blocks):
        expected_crc = zlib.crc32(block, expected_crc)
    entry = ZipEntry(
        ("video.mp4",), lambda: GeneratedStream(block for _ in range(blocks)), size=300 * MiB
    )
    output = tmp_path / "large.zip"

    tracemalloc.start()
    try:
        with output.open("wb") as sink:
            chunk_sizes = [sink.write(chunk) for chunk in stream_zip([entry])]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    print(f"tracemalloc peak for a 300 MiB entry: {peak / MiB:.1f} MiB")
    assert peak < 30 * MiB
    assert all(size == MiB for size in chunk_sizes[:-1])
    assert 0 < chunk_sizes[-1] <= MiB
    with zipfile.ZipFile(output) as archive:
        info = archive.getinfo("video.mp4")
        assert (info.file_size, info.CRC) == (300 * MiB, expected_crc)
        assert archive.testzip() is None


def test_incompressible_deflated_content_also_streams_in_flat_memory() -> None:
    seed = random.randrange(1 << 32)
    print(f"content seed: {seed}")
    noise = random.Random(seed)
    entry = ZipEntry(
        ("noise.bin",), lambda: GeneratedStream(noise.randbytes(100_000) for _ in range(320))
    )
    tracemalloc.start()
    try:
        chunk_sizes = [len(chunk) for chunk in stream_zip([entry], chunk_size=256 * 1024)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MiB
    assert all(size == 256 * 1024 for size in chunk_sizes[:-1])
    assert sum(chunk_sizes) > 32_000_000  # deflate could not shrink it


def test_files_are_opened_lazily_one_at_a_time_and_closed() -> None:
    tracker = OpenTracker()
    data = random.Random(0).randbytes(5000)
    entries = (ZipEntry((f"{n}.jpg",), tracker.opener(str(n), data)) for n in range(3))

    chunks = stream_zip(entries, chunk_size=1024)
    assert tracker.events == []  # nothing opened before the archive is read
    first = next(chunks)
    assert tracker.events == ["open 0"]
    archive = open_archive(first + b"".join(chunks))

    assert tracker.events == ["open 0", "close 0", "open 1", "close 1", "open 2", "close 2"]
    assert (tracker.most_open, tracker.open_now) == (1, 0)
    assert [archive.read(name) for name in ("0.jpg", "1.jpg", "2.jpg")] == [data] * 3


def test_too_many_entries_in_a_sequence_fails_before_any_output() -> None:
    tracker = OpenTracker()
    entries = [ZipEntry((f"{n}.txt",), tracker.opener(str(n), b"x")) for n in range(3)]

    with pytest.raises(TooManyEntries, match=r"more than 2 entries") as raised:
        stream_zip(entries, max_entries=2)

    assert raised.value.limit == 2
    assert isinstance(raised.value, ValueError)
    assert tracker.events == []
    assert open_archive(build(entries, max_entries=3)).namelist() == ["0.txt", "1.txt", "2.txt"]


def test_too_many_entries_in_an_iterator_fails_when_the_limit_is_passed() -> None:
    tracker = OpenTracker()
    entries = (ZipEntry((f"{n}.txt",), tracker.opener(str(n), b"x")) for n in range(3))
    chunks = stream_zip(entries, max_entries=2, chunk_size=1)

    received: list[bytes] = []
    with pytest.raises(TooManyEntries):
        received.extend(chunks)  # keeps the chunks yielded before the error

    assert b"".join(received).startswith(b"PK\x03\x04")  # some output already went out
    assert tracker.events == ["open 0", "close 0", "open 1", "close 1"]  # the third never opened


def test_an_error_from_open_propagates() -> None:
    def unreadable() -> BinaryIO:
        raise PermissionError("blob missing")

    entries = [ZipEntry(("ok.txt",), content(b"x")), ZipEntry(("bad.txt",), unreadable)]
    with pytest.raises(PermissionError, match="blob missing"):
        build(entries)


@pytest.mark.parametrize(
    ("name", "compress_type"),
    [
        ("photo.jpg", zipfile.ZIP_STORED),
        ("PHOTO.JPEG", zipfile.ZIP_STORED),
        ("scan.pdf", zipfile.ZIP_STORED),
        ("sheet.xlsx", zipfile.ZIP_STORED),
        ("backup.tar.gz", zipfile.ZIP_STORED),
        ("film.mkv", zipfile.ZIP_STORED),
        ("notes.txt", zipfile.ZIP_DEFLATED),
        ("data.csv", zipfile.ZIP_DEFLATED),
        ("README", zipfile.ZIP_DEFLATED),
        ("pdf", zipfile.ZIP_DEFLATED),
    ],
)
def test_compression_depends_on_the_extension(name: str, compress_type: int) -> None:
    archive = open_archive(build([ZipEntry(("folder.jpg", name), content(b"abc" * 1000))]))
    assert archive.getinfo(f"folder.jpg/{name}").compress_type == compress_type


@pytest.mark.parametrize(("size", "zip64"), [(None, True), (3000, False), (ZIP64_LIMIT, True)])
def test_zip64_when_the_size_is_unknown_or_4_gib_or_more(size: int | None, zip64: bool) -> None:
    # A declared size of 4 GiB with 3000 real bytes only exercises the choice of format.
    archive = open_archive(build([ZipEntry(("a.txt",), content(b"a" * 3000), size=size)]))
    info = archive.getinfo("a.txt")
    assert (info.extract_version == ZIP64_VERSION) is zip64
    assert archive.read("a.txt") == b"a" * 3000


@pytest.mark.slow
def test_files_and_archives_over_4_gib(tmp_path: Path) -> None:
    big = ZIP64_LIMIT + MiB
    block = b"\x5a" * MiB
    entries = [
        ZipEntry(("big.mp4",), lambda: GeneratedStream(block for _ in range(big // MiB)), big),
        ZipEntry(("after.txt",), content(b"past 4 GiB"), size=10),
        ZipEntry(("unknown.mp4",), lambda: GeneratedStream(block for _ in range(big // MiB))),
    ]
    output = tmp_path / "huge.zip"
    with output.open("wb") as sink:
        for chunk in stream_zip(entries):
            sink.write(chunk)

    with zipfile.ZipFile(output) as archive:
        assert archive.testzip() is None
        assert [info.file_size for info in archive.infolist()] == [big, 10, big]
        assert archive.getinfo("after.txt").header_offset > ZIP64_LIMIT
        assert archive.read("after.txt") == b"past 4 GiB"


def test_invalid_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        stream_zip([], chunk_size=0)
    with pytest.raises(ValueError, match="max_entries"):
        stream_zip([], max_entries=-1)
    with pytest.raises(ValueError, match="empty tuple"):
        names_of(())


TRICKY_PARTS = [
    ".",
    "..",
    "",
    " ",
    "...",
    "CON",
    "con.txt",
    "a/b",
    "a\\b",
    "C:",
    "Report.PDF",
    "report.pdf",
    "report (2).pdf",
    "caf\u00e9",
    "cafe\u0301",
    "x" * 300,
    "ü" * 200 + ".pdf",
    "\ud800",
    "\u202e",
    "ß",
    "SS",
]
name_parts = st.one_of(st.text(), st.sampled_from(TRICKY_PARTS))


def key(part: str) -> str:
    return unicodedata.normalize("NFC", part.casefold())


@given(st.lists(st.lists(name_parts, min_size=1, max_size=4).map(tuple), max_size=25))
def test_safe_archive_paths_are_unique_relative_and_short(paths: list[tuple[str, ...]]) -> None:
    names = list(safe_archive_paths(paths))

    assert len(names) == len(paths)
    file_keys = {tuple(key(part) for part in name.split("/")) for name in names}
    assert len(file_keys) == len(names)
    folder_keys = {keys[:depth] for keys in file_keys for depth in range(1, len(keys))}
    assert not file_keys & folder_keys  # no file where a folder is
    for name in names:
        assert not name.startswith("/")
        for part in name.split("/"):
            assert part not in ("", ".", "..")
            assert part == part.strip(" .")
            assert len(part.encode()) <= 255
            assert not set(part) & set('\\:<>"|?*\x00')
