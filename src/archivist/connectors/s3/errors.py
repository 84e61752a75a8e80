"""botocore's errors, translated at the S3 connector's boundary into `connectors.errors`.

Each S3 error code (or, for a HEAD, which has no body, the HTTP status) maps to one class, so
the queue can decide from the class alone; the botocore exception stays attached as `cause`:

    NoSuchKey, 404                           → NotFound
    PreconditionFailed, 412                  → PreconditionFailed (AlreadyExists for a create)
    ConditionalRequestConflict, 409          → Conflict
    AccessDenied, AllAccessDisabled…         → PermissionDenied (the keys work, the policy says no)
    InvalidAccessKeyId, SignatureDoesNotMatch,
    ExpiredToken…, a bare 403, no credentials → AuthExpired
    SlowDown, Throttling…, 429, 503          → RateLimited (with Retry-After when sent)
    QuotaExceeded, XMinioStorageFull…, 507   → QuotaExceeded
    InternalError, RequestTimeout, other 5xx,
    connection errors and timeouts           → Transient
    NoSuchBucket, wrong region, bad TLS…     → Fatal, with a message naming the option to fix
    anything else                            → Fatal
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    HTTPClientError,
    IncompleteReadError,
    NoCredentialsError,
    PartialCredentialsError,
    SSLError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from archivist.connectors.errors import (
    AuthExpired,
    Conflict,
    ConnectorError,
    Fatal,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    QuotaExceeded,
    RateLimited,
    Transient,
)

__all__ = ["error_code", "http_status", "translate", "translated"]

_NOT_FOUND = {"NoSuchKey", "NotFound", "404"}
_PRECONDITION = {"PreconditionFailed", "412"}
_CONFLICT = {"ConditionalRequestConflict", "409"}
_PERMISSION = {"AccessDenied", "AllAccessDisabled", "AccountProblem", "InvalidPayer"}
_AUTH = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "InvalidClientTokenId",
    "403",  # a HEAD has no body: wrong keys, or keys without the right (ambiguous; pause)
}
_RATE = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "TooManyRequests",
    "TooManyRequestsException",
    "ServiceUnavailable",
    "429",
    "503",
}
_QUOTA = {"QuotaExceeded", "XMinioStorageFull", "XMinioAdminBucketQuotaExceeded", "507"}
_TRANSIENT = {
    "InternalError",
    "RequestTimeout",
    "OperationAborted",  # a conflicting operation on the bucket is in progress
    "BadDigest",  # the body was damaged on the way: sending it again fixes it
    "XAmzContentSHA256Mismatch",
    "IncompleteBody",
    "NoSuchUpload",  # the multipart upload vanished (aborted elsewhere): start again
}
_FATAL_HINTS = {
    "NoSuchBucket": "the bucket does not exist: check the bucket option (and endpoint_url)",
    "PermanentRedirect": "the bucket is in another region or endpoint: check region",
    "AuthorizationHeaderMalformed": "the request was signed for the wrong region: check region",
    "RequestTimeTooSkewed": "this machine's clock differs too much from the server's",
    "InvalidBucketName": "the bucket name is not valid: check the bucket option",
    "InvalidObjectState": "the object is archived (e.g. Glacier) and must be restored first",
    "NotImplemented": (
        "the server does not support this request (for If-Match/If-None-Match or checksum "
        "headers, turn off conditional_writes or sha256_checksums)"
    ),
}


def error_code(error: ClientError) -> str:
    """The S3 error code ("NoSuchKey", "SlowDown"…; the HTTP status for a bodiless HEAD)."""
    code = error.response.get("Error", {}).get("Code")
    return str(code) if code else str(http_status(error))


def http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def translate(
    error: BaseException,
    *,
    action: str,
    path: str,
    bucket: str,
    precondition: type[Conflict] = PreconditionFailed,
) -> ConnectorError:
    """The connector error for botocore's `error` during `action` on `path`.

    `precondition` is the class a failed precondition becomes (AlreadyExists for create-only
    writes, PreconditionFailed for If-Match).
    """
    if isinstance(error, ClientError):
        return _client_error(error, action, path, bucket, precondition)
    if isinstance(error, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError):
        message = (
            f"S3 {action} has no usable credentials ({error}): set access_key and secret_key, "
            "or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables"
        )
        return AuthExpired(message, path=path, cause=error)
    if isinstance(error, SSLError):
        message = f"S3 {action} failed the TLS handshake ({error}): check endpoint_url"
        return Fatal(message, path=path, cause=error)
    if isinstance(error, BotoConnectionError | HTTPClientError | IncompleteReadError | OSError):
        return Transient(f"S3 {action} failed: {error}", path=path, cause=error)
    return Fatal(f"S3 {action} failed: {error}", path=path, cause=error)


def _client_error(
    error: ClientError, action: str, path: str, bucket: str, precondition: type[Conflict]
) -> ConnectorError:
    code, status = error_code(error), http_status(error)
    detail = error.response.get("Error", {}).get("Message") or ""
    said = f"{code}: {detail}" if detail else code
    if code in _FATAL_HINTS:
        where = f"S3 bucket {bucket!r}" if code == "NoSuchBucket" else f"S3 {action}"
        return Fatal(f"{where}: {_FATAL_HINTS[code]} ({said})", path=path, cause=error)
    if code in _NOT_FOUND:
        return NotFound("no such object", path=path, cause=error)
    if code in _PRECONDITION:
        message = (
            "the item already exists"
            if precondition is not PreconditionFailed
            else "the item changed since it was observed"
        )
        return precondition(message, path=path, cause=error)
    if code in _CONFLICT:
        return Conflict(f"S3 {action} met a concurrent change ({said})", path=path, cause=error)
    if code in _PERMISSION:
        message = f"S3 {action} was denied ({said}): check the bucket policy and the key's rights"
        return PermissionDenied(message, path=path, cause=error)
    if code in _AUTH:
        message = (
            f"S3 refused the credentials ({said}): check access_key and secret_key"
            if code != "403"
            else "S3 refused the request (403): wrong credentials or a missing permission"
        )
        return AuthExpired(message, path=path, cause=error)
    if code in _RATE or status in (429, 503):
        message = f"S3 asks to slow down ({said})"
        return RateLimited(message, retry_after=_retry_after(error), path=path, cause=error)
    if code in _QUOTA or status == 507:
        return QuotaExceeded(f"S3 storage is full ({said})", path=path, cause=error)
    if code in _TRANSIENT or status >= 500:
        return Transient(f"S3 {action} failed ({said})", path=path, cause=error)
    if status == 404:
        return NotFound(f"not found ({said})", path=path, cause=error)
    if status == 412:
        return precondition(f"a precondition failed ({said})", path=path, cause=error)
    return Fatal(f"S3 {action} failed ({said})", path=path, cause=error)


def _retry_after(error: ClientError) -> float | None:
    headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    try:
        seconds = float(headers.get("retry-after", ""))
    except ValueError:
        return None  # absent, or an HTTP date: the queue's back-off applies
    return max(seconds, 0.0)


@contextlib.contextmanager
def translated(
    action: str,
    path: str,
    *,
    bucket: str,
    precondition: type[Conflict] = PreconditionFailed,
) -> Iterator[None]:
    """Re-raises botocore's errors from the block as connector errors (see `translate`)."""
    try:
        yield
    except ConnectorError:
        raise
    except (ClientError, BotoCoreError, OSError) as error:
        raise translate(
            error, action=action, path=path, bucket=bucket, precondition=precondition
        ) from error
