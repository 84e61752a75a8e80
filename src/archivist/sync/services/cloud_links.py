"""Open in Cloud: where a person opens a synced file or folder in its cloud.

The link comes from the connection's connector (`SupportsWebLinks`): a presigned URL on S3, the
Nextcloud/ownCloud page of the item (or its public link with "Use Public URLs"), the WebDAV
address, an `sftp://` URL. It is asked for when a person clicks, after the access check, so a
presigned URL is fresh and a public link is made only for an item someone opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from archivist.connectors import CONNECTOR_MODULES, connector_type
from archivist.connectors.errors import ConnectorError, RateLimited, Transient
from archivist.sync.models import SyncItem
from archivist.sync.services.connections import open_connector
from archivist.sync.services.scope import file_key, folder_key

__all__ = [
    "CloudUnreachable",
    "FolderCloud",
    "LinkableFiles",
    "NoCloudLink",
    "NotSynced",
    "folder_cloud",
    "open_in_cloud",
]


class NotSynced(Exception):
    """The item has no copy in any cloud (yet)."""


class NoCloudLink(Exception):
    """The item is synced, but its cloud has no place to open it; the message says why."""


class CloudUnreachable(Exception):
    """The cloud could not make the link now (a public link needs a request); try again."""


@dataclass(frozen=True)
class FolderCloud:
    connection: str
    kind: str
    linkable: bool

    def as_json(self, open_url: str) -> dict[str, str | None]:
        return {
            "connection": self.connection,
            "kind": self.kind,
            "open": open_url if self.linkable else None,
        }


def _synced(key: str) -> SyncItem | None:
    rows = SyncItem.objects.filter(key=key).select_related("connection")
    newest: SyncItem | None = rows.order_by("-synced_at").first()  # while changing connection
    return newest


def open_in_cloud(key: str) -> str:
    """The URL that opens the item `key` (`file:<id>`, `folder:<id>`) in its cloud."""
    item = _synced(key)
    if item is None:
        raise NotSynced("this item is not synced to a cloud yet")
    kind = connector_type(item.connection.kind)
    if not kind.web_links:
        raise NoCloudLink(f"{kind.label} connections have no web address to open")
    connector = open_connector(item.connection)
    try:
        return connector.web_link(item.path, folder=item.kind == "folder", remote_id=item.remote_id)
    except (Transient, RateLimited) as error:
        raise CloudUnreachable(f"the cloud cannot make the link now: {error}") from error
    except ConnectorError as error:
        raise NoCloudLink(str(error)) from error
    finally:
        connector.close()


def folder_cloud(folder_id: int) -> FolderCloud | None:
    """The connection a folder is synced to, or None when no copy of it exists yet."""
    item = _synced(folder_key(folder_id))
    if item is None:
        return None
    kind = item.connection.kind
    return FolderCloud(item.connection.name, kind, _has_web_links(kind))


@dataclass(frozen=True)
class LinkableFiles:
    """Which of some attachments are synced to a cloud that can open them."""

    asked: frozenset[int]
    linkable: frozenset[int]

    @classmethod
    def among(cls, attachment_ids: list[int]) -> LinkableFiles:
        keys = [file_key(pk) for pk in attachment_ids]
        rows = SyncItem.objects.filter(key__in=keys).values_list("key", "connection__kind")
        linkable = {int(key.partition(":")[2]) for key, kind in rows if _has_web_links(kind)}
        return cls(frozenset(attachment_ids), frozenset(linkable))


def _has_web_links(kind: str) -> bool:
    return kind in CONNECTOR_MODULES and connector_type(kind).web_links
