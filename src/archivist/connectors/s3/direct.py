"""Small uploads as one signed PUT, without botocore's client machinery.

botocore spends about 2.5 ms of CPU on a PutObject of a few kilobytes (events, serialisation,
parameter checks, response parsing), and a first sync sends thousands from threads that share
one core's worth of Python. `DirectPut` sends the same request — signed by botocore's own SigV4
signer with the client's credentials and region, at the URL botocore itself resolves for the
bucket (path or virtual-host style) — on its own connection pool, and reads only the status and
headers of the answer: about a third of the CPU.

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
from typing import Any
from urllib.parse import quote

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
        self._region = region
        self._credentials = credentials
        self._max_attempts = max(1, max_attempts)
        self.listeners: list[Callable[[str], None]] = []
        """Called with the object's URL before each PUT is sent (tests and benchmarks count)."""
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
        attempt = 1
        while True:
            try:
                return self._send(url, body, headers)
            except (ClientError, HTTPClientError) as failure:
                if attempt >= self._max_attempts or not _retried(failure):
                    raise
            time.sleep(random.uniform(0, min(_LONGEST_PAUSE, 2.0**attempt)))
            attempt += 1

    def close(self) -> None:
        self._pool.clear()

    def _send(
        self, url: str, body: bytes | bytearray, headers: Mapping[str, str]
    ) -> dict[str, str]:
        for listener in self.listeners:
            listener(url)
        request = AWSRequest(method="PUT", url=url, data=body, headers=dict(headers))
        frozen = self._credentials.get_frozen_credentials()
        S3SigV4Auth(frozen, "s3", self._region).add_auth(request)
        try:
            response = self._pool.urlopen(
                "PUT",
                url,
                body=body,
                headers=dict(request.headers.items()),
                preload_content=False,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as error:
            raise HTTPClientError(error=error) from error
        try:
            answer = {name.lower(): value for name, value in response.headers.items()}
            if response.status < 300:
                response.drain_conn()
                return answer
            text = response.read(_ERROR_BODY).decode("utf-8", "replace")
        except urllib3.exceptions.HTTPError as error:
            raise HTTPClientError(error=error) from error
        finally:
            response.release_conn()
        raise ClientError(_error_response(response.status, answer, text), "PutObject")


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
