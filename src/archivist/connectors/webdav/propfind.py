"""PROPFIND bodies and a streaming, entity-free parser of `207 Multi-Status` responses.

The parser drives expat directly: a document type declaration is refused outright, so no
entity can be declared, expanded or fetched (the defusedxml rules, with the standard library
only). It is fed the response in chunks and hands back each `<response>` as soon as it is
complete, so a folder with tens of thousands of items never sits in memory as one XML tree.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

__all__ = [
    "DAV",
    "OC",
    "MalformedXml",
    "Multistatus",
    "MultistatusParser",
    "Resource",
    "UnsafeXml",
    "propfind_body",
]

DAV = "DAV:"
OC = "http://owncloud.org/ns"

_STANDARD = ("getetag", "getcontentlength", "getlastmodified", "resourcetype")
_OWNCLOUD = ("fileid", "checksums", "size")
_HASH_NAMES = {"sha1": "sha1", "md5": "md5", "sha256": "sha256"}  # oc:checksums → hashlib


class MalformedXml(ValueError):
    """The response is not a well-formed `DAV:multistatus` document."""


class UnsafeXml(MalformedXml):
    """The response declared a document type (and so possibly entities): refused."""


@dataclass(frozen=True, slots=True)
class Resource:
    """One `<response>`: the decoded href path and the properties the server found (2xx)."""

    href: str
    status: int | None = None
    """The `<status>` of a response without properties (errors of DELETE/MOVE in a 207)."""
    is_collection: bool = False
    etag: str | None = None
    size: int | None = None
    modified: datetime | None = None
    fileid: str | None = None
    hashes: dict[str, str] = field(default_factory=dict)


def propfind_body(*, owncloud: bool) -> bytes:
    """The `<propfind>` asking for what an `Entry` needs (plus `oc:` ids and checksums)."""
    props = "".join(f"<d:{name}/>" for name in _STANDARD)
    if owncloud:
        props += "".join(f"<oc:{name}/>" for name in _OWNCLOUD)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<d:propfind xmlns:d="{DAV}" xmlns:oc="{OC}"><d:prop>{props}</d:prop></d:propfind>'
    ).encode()


def href_path(href: str) -> str:
    """The percent-decoded path of an href (servers send absolute URLs or absolute paths)."""
    return unquote(urlsplit(href.strip()).path)


def status_code(line: str) -> int | None:
    """200 from `HTTP/1.1 200 OK`; None when unreadable."""
    parts = line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


class MultistatusParser:
    """Feed it bytes; it returns the `Resource`s completed so far."""

    def __init__(self) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.ExternalEntityRefHandler = self._refuse_reference
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.buffer_text = True
        self._parser = parser
        self._stack: list[str] = []
        self._text_parts: list[str] = []
        self._done: list[Resource] = []
        self._response: dict[str, object] | None = None
        self._props: dict[str, object] = {}
        self._propstat_status: int | None = None
        self._seen_multistatus = False

    def feed(self, data: bytes) -> list[Resource]:
        self._parse(data, final=False)
        return self._take()

    def close(self) -> list[Resource]:
        self._parse(b"", final=True)
        if not self._seen_multistatus:
            raise MalformedXml("the response is not a DAV:multistatus document")
        return self._take()

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as error:
            raise MalformedXml(f"malformed XML: {error}") from error

    def _take(self) -> list[Resource]:
        done, self._done = self._done, []
        return done

    def _refuse(self, *args: object) -> None:
        raise UnsafeXml("XML with a document type declaration or entities is refused")

    def _refuse_reference(self, *args: object) -> int:
        self._refuse()
        return 0

    def _start(self, name: str, attributes: object) -> None:
        self._stack.append(name)
        self._text_parts = []
        if name == f"{DAV} multistatus" and len(self._stack) == 1:
            self._seen_multistatus = True
        elif name == f"{DAV} response" and len(self._stack) == 2:
            self._response = {}
        elif name == f"{DAV} propstat" and self._response is not None:
            self._props, self._propstat_status = {}, None
        elif name == f"{DAV} collection" and self._parent(f"{DAV} resourcetype"):
            self._props["collection"] = True

    def _end(self, name: str) -> None:
        text = "".join(self._text_parts).strip()
        self._text_parts = []
        self._stack.pop()
        response = self._response
        if response is None:
            return
        parent = self._stack[-1] if self._stack else ""
        if name == f"{DAV} href" and parent == f"{DAV} response":
            response["href"] = text
        elif name == f"{DAV} status" and parent == f"{DAV} propstat":
            self._propstat_status = status_code(text)
        elif name == f"{DAV} status" and parent == f"{DAV} response":
            response["status"] = status_code(text)
        elif name == f"{OC} checksum":  # Nextcloud nests them: <oc:checksums><oc:checksum>
            self._props[f"{OC} checksums"] = f"{self._props.get(f'{OC} checksums', '')} {text}"
        elif parent == f"{DAV} prop":
            if text or name not in self._props:
                self._props[name] = text
        elif name == f"{DAV} propstat":
            if self._propstat_status is not None and 200 <= self._propstat_status < 300:
                response.update(self._props)
        elif name == f"{DAV} response":
            self._done.append(_resource(response))
            self._response = None

    def _text(self, data: str) -> None:
        self._text_parts.append(data)

    def _parent(self, name: str) -> bool:
        return len(self._stack) >= 2 and self._stack[-2] == name


@dataclass
class Multistatus:
    """Parses a body given as chunks; iterate for the resources in document order."""

    chunks: Iterable[bytes]

    def __iter__(self) -> Iterator[Resource]:
        parser = MultistatusParser()
        for chunk in self.chunks:
            yield from parser.feed(chunk)
        yield from parser.close()


def _resource(values: dict[str, object]) -> Resource:
    def text(local: str, namespace: str = DAV) -> str | None:
        value = values.get(f"{namespace} {local}")
        return value if isinstance(value, str) and value else None

    size = text("getcontentlength") or text("size", OC)  # oc:size where no length is given
    status = values.get("status")
    return Resource(
        href=href_path(str(values.get("href", ""))),
        status=status if isinstance(status, int) else None,
        is_collection=values.get("collection") is True,
        etag=text("getetag"),
        size=int(size) if size and size.isdigit() else None,
        modified=_http_date(text("getlastmodified")),
        fileid=text("fileid", OC),
        hashes=_checksums(text("checksums", OC)),
    )


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _checksums(value: str | None) -> dict[str, str]:
    """`SHA1:ab… MD5:cd…` (ownCloud's `oc:checksums`) → {"sha1": "ab…", "md5": "cd…"}."""
    hashes: dict[str, str] = {}
    for item in (value or "").split():
        kind, _, digest = item.partition(":")
        name = _HASH_NAMES.get(kind.lower())
        if name and digest:
            hashes[name] = digest.lower()
    return hashes
