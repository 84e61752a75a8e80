"""From S3 objects to `Entry`s: a flat key listing becomes a tree of folders and files.

Folders exist in two ways on S3: as a zero-byte marker object `path/` (written by
`make_folder`, so an empty folder survives) and implicitly, as the common prefix of other keys.
`tree` yields both kinds from a single pass over the keys, each folder once and before its
first child, whatever order the server lists in (SeaweedFS does not list in key order).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from archivist.connectors.base import Entry, check_path
from archivist.connectors.errors import Fatal

__all__ = ["bare_etag", "file_entry", "folder_entry", "quoted", "sha256_hex", "tree"]

log = logging.getLogger(__name__)

_MD5 = re.compile(r"[0-9a-f]{32}")
_MULTIPART = re.compile(r"-[0-9]+$")


def tree(
    objects: Iterable[Mapping[str, Any]], *, root: str, under: str, md5_etags: bool
) -> Iterator[Entry]:
    """Entries for listed `objects` (ListObjectsV2 `Contents` items) below the folder `under`.

    `root` is the key prefix of the connector's root (`""` or ending in `/`). Keys that are not
    valid remote paths (`a//b`, `./x`, a name not in NFC form…) cannot be reached through the
    connector, so they are logged and left out rather than reported as unreachable items.
    """
    seen: set[str] = set()  # folders already yielded
    unreachable: set[str] = set()  # folders already reported as left out
    depth = len(under.split("/")) if under else 0
    for item in objects:
        key: str = item["Key"]
        relative = key[len(root) :]
        is_marker = relative.endswith("/")
        path = relative[:-1] if is_marker else relative
        if path == under:
            continue  # the listed folder's own marker
        segments = path.split("/")
        folders = ["/".join(segments[:end]) for end in range(depth + 1, len(segments) + is_marker)]
        for folder in folders:
            if folder in seen:
                continue
            if folder in unreachable or not _reachable(folder, key):
                unreachable.add(folder)
                break
            seen.add(folder)
            yield folder_entry(folder)
        else:
            if not is_marker and _reachable(path, key):
                yield file_entry(path, item, md5_etags=md5_etags)


def _reachable(path: str, key: str) -> bool:
    try:
        normal = check_path(path)
    except Fatal as error:
        log.warning("S3 key %r left out of the listing: %s", key, error.message)
        return False
    if normal != path:
        log.warning("S3 key %r left out of the listing: its name is not in NFC form", key)
        return False
    return True


def folder_entry(path: str) -> Entry:
    """A folder: S3 keeps no ETag, size or time for it (a marker's are meaningless)."""
    return Entry(path=path, is_folder=True)


def file_entry(path: str, item: Mapping[str, Any], *, md5_etags: bool) -> Entry:
    """A file from a ListObjectsV2 item or a HEAD/GET response (`Size` or `ContentLength`)."""
    etag = bare_etag(item.get("ETag"))
    hashes: dict[str, str] = {}
    if md5_etags and etag and _MD5.fullmatch(etag):  # not "…-N" (multipart)
        hashes["md5"] = etag
    sha256 = sha256_hex(item.get("ChecksumSHA256"))
    if sha256 and etag and not _MULTIPART.search(etag):
        # Single-part objects only: moto reports a digest of the part checksums without "-N".
        hashes["sha256"] = sha256
    size = item.get("Size", item.get("ContentLength", 0))
    return Entry(
        path=path,
        is_folder=False,
        size=int(size),
        etag=etag,
        hashes=hashes,
        modified=_utc_seconds(item.get("LastModified")),
    )


def _utc_seconds(value: object) -> datetime | None:
    """UTC to the second: listings give milliseconds, HEAD only seconds; keep them equal."""
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC).replace(microsecond=0)


def bare_etag(value: object) -> str | None:
    """The ETag without its quotes (and weak marker): what `Entry.etag` holds."""
    if not isinstance(value, str) or not value:
        return None
    return value.removeprefix("W/").strip('"')


def quoted(etag: str) -> str:
    """An ETag as the If-Match header wants it."""
    return f'"{bare_etag(etag)}"'


def sha256_hex(checksum: object) -> str | None:
    """The hex digest of a full-object x-amz-checksum-sha256 value, None for a composite."""
    if not isinstance(checksum, str) or "-" in checksum:
        return None
    try:
        digest = base64.b64decode(checksum, validate=True)
    except ValueError:
        return None
    return digest.hex() if len(digest) == 32 else None
