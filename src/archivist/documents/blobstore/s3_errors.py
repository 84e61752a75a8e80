"""botocore's errors, translated at the S3 store's boundary into the blob-store contract's:
`BlobMissing` for an absent object, `BlobStoreError` for everything else, each with a message
naming the operation and the object, and the cause chained."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from archivist.documents.blobstore.base import BlobMissing, BlobStoreError

_MISSING = {"NoSuchKey", "NotFound", "404"}
_REFUSED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}


@contextlib.contextmanager
def translated_errors(bucket: str, operation: str, key: str) -> Iterator[None]:
    """Re-raises botocore's errors from the block as BlobMissing or BlobStoreError."""
    where = f"s3://{bucket}/{key}"
    try:
        yield
    except ClientError as error:
        code = error_code(error)
        message = error.response.get("Error", {}).get("Message", "")
        if code == "NoSuchBucket":
            raise BlobStoreError(f"S3 bucket {bucket!r} does not exist") from error
        if code in _MISSING:
            raise BlobMissing(f"no blob at {where}") from error
        if code in _REFUSED:
            raise BlobStoreError(
                f"S3 {operation} of {where} was refused ({code}): check the credentials "
                "and the bucket's policy"
            ) from error
        raise BlobStoreError(f"S3 {operation} of {where} failed: {code} {message}") from error
    except NoCredentialsError as error:
        raise BlobStoreError(
            f"S3 {operation} of {where} needs credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
        ) from error
    except BotoCoreError as error:
        raise BlobStoreError(f"S3 {operation} of {where} failed: {error}") from error


def error_code(error: ClientError) -> str:
    """The S3 error code ("NoSuchKey", "PreconditionFailed"…; the status for a HEAD)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
