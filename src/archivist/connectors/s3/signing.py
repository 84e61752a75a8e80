"""AWS Signature Version 4 for S3 requests whose payload hash is already known.

The same canonical request botocore's `S3SigV4Auth` builds (S3 paths are signed as sent, not
normalised; the query is sorted by its encoded names; header values trimmed), with the signing
key kept per day instead of derived with four HMACs per request. The caller passes the payload's
SHA-256: a blob's name is its SHA-256, so an upload's body is never hashed a second time.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from botocore.credentials import Credentials

__all__ = ["EMPTY_SHA256", "Signer", "amz_date"]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_ALGORITHM = "AWS4-HMAC-SHA256"
_SERVICE = "s3"


def amz_date(seconds: float | None = None) -> str:
    """The X-Amz-Date form of a UTC time (now by default): 20261123T201500Z."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


class Signer:
    """Signs requests to one region with the credentials' current keys."""

    def __init__(self, credentials: Credentials, region: str) -> None:
        self._credentials = credentials
        self._region = region
        self._keys: tuple[str, str, bytes] | None = None
        """(secret key, day, signing key) of the last request."""

    def headers(
        self,
        method: str,
        host: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        payload_sha256: str,
        when: str | None = None,
    ) -> dict[str, str]:
        """`headers` plus Host, X-Amz-Date, X-Amz-Content-SHA256, the session token if any,
        and Authorization. `path` and `query` are as sent (already URI-encoded); `when` is an
        X-Amz-Date (now by default)."""
        frozen = self._credentials.get_frozen_credentials()
        when = when or amz_date()
        day = when[:8]
        added = {"Host": host, "X-Amz-Date": when, "X-Amz-Content-SHA256": payload_sha256}
        if frozen.token:
            added["X-Amz-Security-Token"] = frozen.token
        sent = {**headers, **added}
        signed = {name.lower(): " ".join(value.split()) for name, value in sent.items()}
        names = sorted(signed)
        signed_names = ";".join(names)
        canonical = "\n".join(
            (
                method,
                path,
                _canonical_query(query),
                "".join(f"{name}:{signed[name]}\n" for name in names),
                signed_names,
                payload_sha256,
            )
        )
        scope = f"{day}/{self._region}/{_SERVICE}/aws4_request"
        to_sign = "\n".join(
            (_ALGORITHM, when, scope, hashlib.sha256(canonical.encode()).hexdigest())
        )
        signature = hmac.new(self._key(frozen.secret_key, day), to_sign.encode(), "sha256")
        sent["Authorization"] = (
            f"{_ALGORITHM} Credential={frozen.access_key}/{scope}, "
            f"SignedHeaders={signed_names}, Signature={signature.hexdigest()}"
        )
        return sent

    def _key(self, secret: str, day: str) -> bytes:
        kept = self._keys
        if kept is not None and kept[0] == secret and kept[1] == day:
            return kept[2]
        key = f"AWS4{secret}".encode()
        for part in (day, self._region, _SERVICE, "aws4_request"):
            key = hmac.digest(key, part.encode(), "sha256")
        self._keys = (secret, day, key)
        return key


def _canonical_query(query: str) -> str:
    """The query's name=value pairs, sorted by name then value (as sent: URI-encoded)."""
    if not query:
        return ""
    pairs = sorted(pair.partition("=")[::2] for pair in query.split("&"))
    return "&".join(f"{name}={value}" for name, value in pairs)
