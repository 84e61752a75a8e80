"""Where a person opens an S3 folder: the AWS console's page of its prefix.

Only Amazon S3 has such a page at a known address; MinIO, SeaweedFS, Ceph and the others have
consoles of their own at addresses the connector does not know, so their folders have no link
(files still get presigned URLs from the connector).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from archivist.connectors.errors import Fatal
from archivist.connectors.s3.config import S3Settings

__all__ = ["aws_console_url"]

CONSOLE = "https://s3.console.aws.amazon.com/s3/buckets/"


def aws_console_url(settings: S3Settings, prefix: str) -> str:
    """The console page listing `prefix` (ending in `/`, or empty for the bucket)."""
    if settings.endpoint_url and not _is_aws(settings.endpoint_url):
        raise Fatal(
            "this S3-compatible server has no folder page Archivist knows of: open its own "
            "console, or open the files one by one",
            path=prefix,
        )
    params = {"region": settings.region or "", "prefix": prefix}
    query = urlencode({name: value for name, value in params.items() if value}, quote_via=quote)
    return f"{CONSOLE}{quote(settings.bucket)}{'?' if query else ''}{query}"


def _is_aws(endpoint_url: str) -> bool:
    host = (urlsplit(endpoint_url).hostname or "").lower()
    return host == "amazonaws.com" or host.endswith(".amazonaws.com")
