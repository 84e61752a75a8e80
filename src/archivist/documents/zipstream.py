"""Streamed ZIP archives of documents: flat memory, ZIP64, and archive paths safe to unpack.

`stream_zip` yields the archive in chunks, ready for a streaming HTTP response; it opens one entry
at a time, when the archive reaches it. `safe_archive_paths` turns the untrusted folder and file
names stored in Archivist into paths that cannot escape the folder they are unpacked into
(zip-slip), are valid on Windows, macOS and Linux, and do not collide. Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

__all__ = ["TooManyEntries", "ZipEntry", "safe_archive_paths", "stream_zip"]

MAX_PART_BYTES = 255  # the file-name limit of NTFS, APFS and ext4
ZIP64_LIMIT = 1 << 32  # a size of 4 GiB or more needs ZIP64
# Formats that deflate cannot shrink further; they are STORED to save CPU.
COMPRESSED_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "bz2", "xz", "7z", "rar"}
    | {"mp3", "mp4", "mov", "avi", "mkv", "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp"}
)
# C0 and C1 controls (NUL included), bidi embeddings/overrides/isolates (which can make
# "gpj.exe" display as "exe.jpg"), and lone surrogates (not encodable in UTF-8).
_REMOVED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_REPLACED = re.compile(r'[/\\<>:"|?*]')  # separators, and characters invalid on Windows
_RESERVED_STEMS = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in "123456789\u00b9\u00b2\u00b3"}
)
_MAX_EXTENSION_CHARS = 16  # a longer "extension" is just part of the name
_FIRST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_LAST_ZIP_TIME = (2107, 12, 31, 23, 59, 58)


class TooManyEntries(ValueError):
    """The archive would hold more entries than `max_entries` allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The archive would hold more than {limit} entries (max_entries={limit}); "
            "select fewer documents or raise the limit."
        )
        self.limit = limit


@dataclass(frozen=True)
class ZipEntry:
    """One file of an archive.

    `path` is the folder names then the file name, as stored in Archivist (untrusted text; see
    `safe_archive_paths`). `open` is called when the archive reaches this entry; the stream it
    returns is read to its end and closed before the next entry is opened. `size`, when known,
    lets small files skip ZIP64 (zipfile raises RuntimeError if a file declared under 4 GiB
    turns out bigger). `modified` becomes the entry's time (an aware time is written in UTC;
    ZIP times are naive and limited to 1980-2107, so others are clamped; none means 1980-01-01).
    """

    path: tuple[str, ...]
    open: Callable[[], BinaryIO]
    size: int | None = None
    modified: datetime | None = None


def stream_zip(
    entries: Iterable[ZipEntry], *, chunk_size: int = 1 << 20, max_entries: int | None = None
) -> Iterator[bytes]:
    """Return an iterator over the bytes of a ZIP archive of `entries`, in their order.

    Memory stays flat whatever the size of the files: entries are opened one at a time, copied
    in reads of at most `chunk_size` bytes, and closed. Every yielded chunk but the last is
    exactly `chunk_size` bytes; the last is at most that. Only the number of entries makes memory
    grow (the central directory and the names seen so far), which is what `max_entries` bounds.
    Entries whose size is unknown or 4 GiB or more, and archives over 4 GiB, use ZIP64. Sizes
    and CRCs follow the data (data descriptors), as the output cannot seek back. Names are made
    safe by `safe_archive_paths` and are stored in UTF-8 (zipfile sets the UTF-8 flag on every
    non-ASCII name). Entries are DEFLATED, except those with an already-compressed extension
    (`COMPRESSED_EXTENSIONS`), which are STORED.

    Errors: if `entries` is a Sequence longer than `max_entries`, this call raises
    `TooManyEntries` before any output exists. Any other iterable is counted as it is consumed:
    `TooManyEntries` is raised by the iterator when entry `max_entries + 1` is reached (before it
    is opened), after the earlier entries were yielded, so the output is a truncated archive.
    An exception from an entry's `open()` or `read()` propagates from the iterator in the same
    way; a caller who prefers to skip unreadable files should handle that inside `open`.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1 byte, got {chunk_size}.")
    if max_entries is not None:
        if max_entries < 0:
            raise ValueError(f"max_entries must be 0 or more, got {max_entries}.")
        if isinstance(entries, Sequence) and len(entries) > max_entries:
            raise TooManyEntries(max_entries)
    return _stream_archive(entries, chunk_size, max_entries)


def safe_archive_paths(paths: Iterable[tuple[str, ...]]) -> Iterator[str]:
    """Turn untrusted name tuples (folders then file name) into safe, unique archive paths.

    Each part: NUL, control characters, bidi override/isolate characters (U+202A-U+202E,
    U+2066-U+2069) and lone surrogates are removed; `/ \\ < > : " | ? *` become `-`; leading
    and trailing spaces and dots are stripped, and a part left empty (as `.` and `..` are)
    becomes `_`; a Windows device name (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM1-9, LPT1-9,
    and COM/LPT with a superscript 1-3; any case, with or without extension) gets `_` after its
    stem (`con.txt` -> `con_.txt`); a part is cut to 255 bytes of UTF-8 on a character
    boundary, keeping its extension. The parts are joined with `/`, so a path is never absolute
    and has no `..` part.

    Uniqueness is case-insensitive (Windows and macOS unpack so) and blind to Unicode
    normalisation (NFC and NFD spellings are one name on macOS): folders whose names differ only
    in case are merged under the first spelling; a later file whose path is taken, by a file or
    a folder, becomes `report (2).pdf`, `report (3).pdf`...; a later folder whose name is taken
    by a file is renamed `name (2)` (the file was already written). Deterministic: the same
    input gives the same output. Raises ValueError for an empty tuple (no file name).
    """
    names = _ArchiveNames()
    for path in paths:
        yield names.add(path)


def _stream_archive(
    entries: Iterable[ZipEntry], chunk_size: int, max_entries: int | None
) -> Iterator[bytes]:
    sink = _ChunkSink()
    names = _ArchiveNames()
    with zipfile.ZipFile(sink, mode="w") as archive:
        for count, entry in enumerate(entries, start=1):
            if max_entries is not None and count > max_entries:
                raise TooManyEntries(max_entries)
            info = _zip_info(names.add(entry.path), entry)
            large = entry.size is None or entry.size >= ZIP64_LIMIT
            # Open the source first: if it fails, no header of this entry was written.
            with entry.open() as source, archive.open(info, "w", force_zip64=large) as target:
                while data := source.read(chunk_size):
                    target.write(data)
                    yield from sink.take(chunk_size)
            yield from sink.take(chunk_size)
    yield from sink.take(chunk_size, final=True)


class _ChunkSink:
    """A write-only, unseekable file for zipfile: bytes accumulate until taken as chunks."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def write(self, data: bytes, /) -> int:
        self._buffer += data
        return len(data)

    def flush(self) -> None:
        """Nothing to do: chunks are taken by `take`."""

    def close(self) -> None:
        """Nothing to do: the buffer is released with the sink."""

    def take(self, size: int, *, final: bool = False) -> Iterator[bytes]:
        """Yield full chunks of `size` bytes; with `final`, the remainder too."""
        while len(self._buffer) >= size or (final and self._buffer):
            chunk = bytes(self._buffer[:size])
            del self._buffer[:size]
            yield chunk


def _zip_info(name: str, entry: ZipEntry) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_zip_time(entry.modified))
    info.create_system = 3  # Unix, so that external_attr holds permissions on every platform
    info.external_attr = 0o644 << 16
    info.file_size = entry.size or 0  # zipfile also picks ZIP64 when this is close to 4 GiB
    extension = _split_extension(name.rpartition("/")[2])[1].lower().lstrip(".")
    compressed = extension in COMPRESSED_EXTENSIONS
    info.compress_type = zipfile.ZIP_STORED if compressed else zipfile.ZIP_DEFLATED
    return info


def _zip_time(modified: datetime | None) -> tuple[int, int, int, int, int, int]:
    if modified is None:
        return _FIRST_ZIP_TIME
    if modified.tzinfo is not None:
        modified = modified.astimezone(UTC)
    day, time = modified.date(), modified.time()
    moment = (day.year, day.month, day.day, time.hour, time.minute, time.second)
    return min(max(moment, _FIRST_ZIP_TIME), _LAST_ZIP_TIME)


class _ArchiveNames:
    """The names given so far, to keep each new path unique (see `safe_archive_paths`)."""

    def __init__(self) -> None:
        self._taken: dict[tuple[str, ...], bool] = {}  # output key path -> is a folder
        self._folders: dict[tuple[str, ...], tuple[str, ...]] = {}  # input key -> output path

    def add(self, path: tuple[str, ...]) -> str:
        if not path:
            raise ValueError("An archive path needs at least a file name; got an empty tuple.")
        parts = [_safe_part(part) for part in path]
        folder: tuple[str, ...] = ()
        for depth in range(1, len(parts)):
            input_key = tuple(_key(part) for part in parts[:depth])
            if input_key not in self._folders:
                name = self._free_name(folder, parts[depth - 1], is_folder=True)
                self._folders[input_key] = (*folder, name)
                self._taken[_key_path((*folder, name))] = True
            folder = self._folders[input_key]
        name = self._free_name(folder, parts[-1], is_folder=False)
        self._taken[_key_path((*folder, name))] = False
        return "/".join((*folder, name))

    def _free_name(self, folder: tuple[str, ...], name: str, *, is_folder: bool) -> str:
        stem, extension = ("", "") if is_folder else _split_extension(name)
        candidate, number = name, 1
        while _key_path((*folder, candidate)) in self._taken:
            number += 1
            if is_folder:
                candidate = _fit(name, f" ({number})")
            else:
                candidate = _fit(stem, f" ({number}){extension}")
        return candidate


def _safe_part(part: str) -> str:
    part = _REPLACED.sub("-", _REMOVED.sub("", part)).strip(" .") or "_"
    stem, dot, rest = part.partition(".")
    if stem.rstrip(" ").upper() in _RESERVED_STEMS:
        part = f"{stem}_{dot}{rest}"
    if len(part.encode()) <= MAX_PART_BYTES:
        return part
    stem, extension = _split_extension(part)
    return _fit(stem, extension)


def _split_extension(name: str) -> tuple[str, str]:
    """`report.pdf` -> (`report`, `.pdf`); no extension when the suffix is long or has spaces."""
    stem, dot, suffix = name.rpartition(".")
    if stem and dot and 0 < len(suffix) <= _MAX_EXTENSION_CHARS and " " not in suffix:
        return stem, f".{suffix}"
    return name, ""


def _fit(stem: str, tail: str) -> str:
    """`stem + tail`, the stem cut on a character boundary to fit in MAX_PART_BYTES."""
    budget = MAX_PART_BYTES - len(tail.encode())
    cut = stem.encode()[:budget].decode(errors="ignore").rstrip(" .")
    return f"{cut or '_'}{tail}"


def _key(part: str) -> str:
    """Comparison key: case-insensitive, and NFC, as macOS treats composed and decomposed as one."""
    return unicodedata.normalize("NFC", part.casefold())


def _key_path(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_key(part) for part in parts)
