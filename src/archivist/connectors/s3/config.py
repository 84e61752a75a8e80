"""The S3 connector's options, declared once, and the checked settings built from them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archivist.connectors.base import check_path
from archivist.connectors.errors import Fatal
from archivist.connectors.options import Option, OptionError

__all__ = ["OPTIONS", "S3Settings"]

MIB = 1024 * 1024
DEFAULT_LINK_EXPIRY = 24 * 3600
MAX_LINK_EXPIRY = 7 * 24 * 3600  # the longest a SigV4 presigned URL may live
DEFAULT_THRESHOLD_MB = 16
MIN_PART_MB, MAX_THRESHOLD_MB = 5, 1024  # S3's smallest part; one part is held in memory
# Strict AWS names are 3–63 of [a-z0-9.-]; self-hosted servers also accept older, looser names.
_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]")

OPTIONS = (
    Option("bucket", "Name of the bucket to sync into.", required=True),
    Option("prefix", "Folder inside the bucket to sync into (empty: the whole bucket).", "path"),
    Option(
        "endpoint_url",
        "URL of an S3-compatible server (MinIO, SeaweedFS, Ceph, Wasabi…); empty for AWS.",
        "url",
    ),
    Option(
        "region",
        "Region of the bucket (e.g. eu-west-3); empty: from the environment, or us-east-1 "
        "with endpoint_url.",
    ),
    Option(
        "path_style",
        "Address the bucket in the URL path (http://host/bucket/key), as most self-hosted "
        "servers need, instead of as a host name.",
        "boolean",
        default=False,
    ),
    Option(
        "access_key",
        "Access key ID; empty: the AWS_ACCESS_KEY_ID environment variable, profile or role.",
    ),
    Option("secret_key", "Secret access key belonging to access_key.", "secret"),
    Option(
        "link_expiry_seconds",
        f"How long a shared download link works, in seconds (at most {MAX_LINK_EXPIRY}).",
        "integer",
        default=DEFAULT_LINK_EXPIRY,
    ),
    Option(
        "multipart_threshold_mb",
        "Files larger than this many MiB are sent in parts of this size (one part at a time "
        f"in memory per transfer; {MIN_PART_MB} to {MAX_THRESHOLD_MB}).",
        "integer",
        default=DEFAULT_THRESHOLD_MB,
    ),
    Option(
        "conditional_writes",
        "The server honours If-Match and If-None-Match on writes (AWS, MinIO, SeaweedFS, "
        "Ceph); turn off for servers that ignore them, so Archivist checks just before.",
        "boolean",
        default=True,
    ),
    Option(
        "md5_etags",
        "ETags of files sent in one part are their MD5 (turn off for buckets encrypted with "
        "SSE-KMS or SSE-C, where they are not).",
        "boolean",
        default=True,
    ),
    Option(
        "sha256_checksums",
        "Send a SHA-256 checksum with every upload for the server to verify; turn off for "
        "servers that reject x-amz-checksum-sha256.",
        "boolean",
        default=True,
    ),
)


@dataclass(frozen=True, slots=True)
class S3Settings:
    """Checked connection settings; OptionError names the option that is wrong."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    path_style: bool = False
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    link_expiry_seconds: int = DEFAULT_LINK_EXPIRY
    multipart_threshold_mb: int = DEFAULT_THRESHOLD_MB
    conditional_writes: bool = True
    md5_etags: bool = True
    sha256_checksums: bool = True

    def __post_init__(self) -> None:
        if not _BUCKET.fullmatch(self.bucket or ""):
            raise OptionError(
                "bucket", f"expected 3 to 255 letters, digits, dots or hyphens, got {self.bucket!r}"
            )
        object.__setattr__(self, "prefix", _checked_prefix(self.prefix or ""))
        if self.endpoint_url is not None and not self.endpoint_url.startswith(
            ("http://", "https://")
        ):
            raise OptionError("endpoint_url", f"expected an http(s) URL, got {self.endpoint_url!r}")
        if bool(self.access_key) != bool(self.secret_key):
            missing = "secret_key" if self.access_key else "access_key"
            raise OptionError(missing, "is required when the other key is given")
        if not 1 <= self.link_expiry_seconds <= MAX_LINK_EXPIRY:
            raise OptionError(
                "link_expiry_seconds",
                f"expected 1 to {MAX_LINK_EXPIRY} seconds, got {self.link_expiry_seconds}",
            )
        if not MIN_PART_MB <= self.multipart_threshold_mb <= MAX_THRESHOLD_MB:
            raise OptionError(
                "multipart_threshold_mb",
                f"expected {MIN_PART_MB} to {MAX_THRESHOLD_MB} MiB, "
                f"got {self.multipart_threshold_mb}",
            )

    @classmethod
    def from_options(cls, values: Mapping[str, Any]) -> S3Settings:
        """Settings from `parse_options` output (empty strings already became defaults)."""
        return cls(**{name: value for name, value in values.items() if value is not None})

    @property
    def multipart_threshold(self) -> int:
        return self.multipart_threshold_mb * MIB


def _checked_prefix(prefix: str) -> str:
    stripped = prefix.strip("/")
    try:
        return check_path(stripped)
    except Fatal as error:
        raise OptionError("prefix", error.message) from None
