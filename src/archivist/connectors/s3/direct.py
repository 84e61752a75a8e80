"""Small uploads as one signed PUT, and listings as signed GETs, without botocore's client
machinery.

botocore spends about 2.5 ms of CPU on a PutObject of a few kilobytes (events, serialisation,
parameter checks, response parsing), and a first sync sends thousands from threads that share
one core's worth of Python; its parser takes about 100 ms for each page of a 1,000-key listing.
`DirectPut` sends the same requests — signed by botocore's own SigV4 signer with the client's
credentials and region, at the URL botocore itself resolves for the bucket (path or virtual-host
style) — on its own connection pool. It reads only the status and headers of a PUT's answer
(about a third of the CPU), and parses a listing page with ElementTree (a tenth of the time).

Errors come back as botocore's `ClientError` (code and message from the XML body, the HTTP
status and headers), so the connector translates them as any other; connection errors, 5xx and
throttling are tried again like botocore's standard mode. Where the request would differ from
botocore's own (a proxy from the environment), `direct_put` answers None and botocore sends.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit
from xml.etree import ElementTree

import urllib3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError

__all__ = ["DirectPut", "direct_put"]

_PROBE = "archivist-probe"
_PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")
_RETRIED_STATUS = {429, 500, 502, 503, 504}
_RETRIED_CODES = {"SlowDown", "Throttling", "RequestTimeout", "InternalError", "ServiceUnavailable"}
_LONGEST_PAUSE = 20.0  # seconds, as botocore's standard mode
_ERROR_BODY = 64 * 1024  # read at most this much of an error's XML
_Answer = tuple[dict[str, str], bytes]
"""An answer's headers (lower-case names) and, for a GET, its body."""
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("Code", "Message")}


def direct_put(
    client: Any, bucket: str, credentials: Credentials | None, *, max_attempts: int, pool_size: int
) -> DirectPut | None:
    """A DirectPut for the bucket of this botocore client, or None where botocore must send
    (a proxy configured in the environment, or no credentials known yet)."""
    if credentials is None or any(os.environ.get(name) for name in _PROXIES):
        return None
    try:
        probe = client.generate_presigned_url(
            "put_object", Params={"Bucket": bucket, "Key": _PROBE}, ExpiresIn=60
        )
    except BotoCoreError:
        return None
    base = probe.partition("?")[0]
    if not base.endswith("/" + _PROBE):
        return None
    return DirectPut(
        base[: -len(_PROBE)],
        client.meta.region_name,
        credentials,
        max_attempts=max_attempts,
        pool_size=pool_size,
    )


class DirectPut:
    """PUTs of one object at `base` + the key, signed with SigV4."""

    def __init__(
        self,
        base: str,
        region: str,
        credentials: Credentials,
        *,
        max_attempts: int,
        pool_size: int,
    ) -> None:
        self.base = base
        # the bucket's own URL: `base` without the slash that starts keys in path style
        self._bucket_url = base if urlsplit(base).path == "/" else base.rstrip("/")
        self._region = region
        self._credentials = credentials
        self._max_attempts = max(1, max_attempts)
        self.listeners: list[Callable[[str, str], None]] = []
        """Called with the operation (PutObject, ListObjectsV2) and the URL before each request
        is sent (tests and benchmarks count)."""
        self._pool = urllib3.PoolManager(
            maxsize=pool_size,
            timeout=urllib3.Timeout(connect=10, read=60),
            ca_certs=os.environ.get("AWS_CA_BUNDLE") or None,
            retries=False,
        )

    def put(self, key: str, body: bytes | bytearray, headers: Mapping[str, str]) -> dict[str, str]:
        """Sends the object; the answer's headers (lower-case names). Raises ClientError for
        an error answer and HTTPClientError when no answer came, after the retries."""
        url = self.base + quote(key, safe="/~")
        return self._retried(lambda: self._send("PUT", "PutObject", url, body, headers))[0]

    def list_page(
        self, prefix: str, token: str | None, max_keys: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One ListObjectsV2 page below `prefix`: its objects (`Key`, `Size`, `ETag`,
        `LastModified`, as botocore names them) and the token of the next page, if any. Errors
        as for `put`."""
        query = {
            "list-type": "2",
            "encoding-type": "url",
            "max-keys": str(max_keys),
            "prefix": prefix,
        }
        if token:
            query["continuation-token"] = token
        encoded = "&".join(f"{name}={quote(value, safe='-_.~')}" for name, value in query.items())
        url = f"{self._bucket_url}?{encoded}"
        body = self._retried(lambda: self._send("GET", "ListObjectsV2", url, b"", {}))[1]
        return listing_page(body)

    def close(self) -> None:
        self._pool.clear()

    def _retried(self, send: Callable[[], _Answer]) -> _Answer:
        """`send()`, tried again as botocore's standard mode would."""
        attempt = 1
        while True:
            try:
                return send()
            except (ClientError, HTTPClientError) as failure:
                if attempt >= self._max_attempts or not _retried(failure):
                    raise
            time.sleep(random.uniform(0, min(_LONGEST_PAUSE, 2.0**attempt)))
            attempt += 1

    def _send(
        self,
        method: str,
        operation: str,
        url: str,
        body: bytes | bytearray,
        headers: Mapping[str, str],
    ) -> _Answer:
        """One request: the answer's headers (lower-case names) and, for a GET, its body."""
        for listener in self.listeners:
            listener(operation, url)
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        frozen = self._credentials.get_frozen_credentials()
        S3SigV4Auth(frozen, "s3", self._region).add_auth(request)
        try:
            response = self._pool.urlopen(
                method,
                url,
                body=None if method == "GET" else body,
                headers=dict(request.headers.items()),
                preload_content=False,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as error:
            raise HTTPClientError(error=error) from error
        try:
            answer = {name.lower(): value for name, value in response.headers.items()}
            if response.status < 300:
                if method == "GET":
                    return answer, response.read()
                response.drain_conn()
                return answer, b""
            text = response.read(_ERROR_BODY).decode("utf-8", "replace")
        except urllib3.exceptions.HTTPError as error:
            raise HTTPClientError(error=error) from error
        finally:
            response.release_conn()
        raise ClientError(_error_response(response.status, answer, text), operation)


def listing_page(body: bytes) -> tuple[list[dict[str, Any]], str | None]:
    """The objects and the next continuation token of a ListObjectsV2 answer."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise HTTPClientError(error=ValueError(f"unreadable listing: {error}")) from error
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    decode = unquote_plus if root.findtext(f"{ns}EncodingType") == "url" else str
    objects = [
        {
            "Key": decode(node.findtext(f"{ns}Key") or ""),
            "Size": int(node.findtext(f"{ns}Size") or 0),
            "ETag": node.findtext(f"{ns}ETag"),
            "LastModified": _timestamp(node.findtext(f"{ns}LastModified")),
        }
        for node in root.iterfind(f"{ns}Contents")
    ]
    more = root.findtext(f"{ns}IsTruncated") == "true"
    return objects, (root.findtext(f"{ns}NextContinuationToken") if more else None)


def _timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _error_response(status: int, headers: dict[str, str], text: str) -> dict[str, Any]:
    """The shape botocore gives an error answer, for the connector's translation."""
    found = {name: pattern.search(text) for name, pattern in _TAG.items()}
    error = {name: match.group(1).strip() for name, match in found.items() if match}
    return {
        "Error": {"Code": error.get("Code") or str(status), "Message": error.get("Message", "")},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers},
    }


def _retried(failure: ClientError | HTTPClientError) -> bool:
    if isinstance(failure, HTTPClientError):
        return True
    status = int(failure.response["ResponseMetadata"]["HTTPStatusCode"])
    return status in _RETRIED_STATUS or failure.response["Error"]["Code"] in _RETRIED_CODES
