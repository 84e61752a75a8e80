"""The direct path's SigV4 signatures are exactly botocore's for the same request and time: the
keys an S3 server checks (names with spaces, `+`, `%`, `~`, Unicode; listing queries; session
tokens; header values with runs of spaces)."""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import quote

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from archivist.connectors.s3.signing import EMPTY_SHA256, Signer, amz_date

WHEN = datetime.datetime(2026, 11, 23, 20, 15, 0, tzinfo=datetime.UTC)


def botocore_headers(
    credentials: Credentials, url: str, method: str, headers: dict[str, str], body: bytes
) -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    S3SigV4Auth(credentials, "s3", "eu-west-3").add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize(
    "key",
    ["plain.txt", "a b/ü.txt", "tilde~/plus+and%percent", "deep/er/ & = ? #.bin", "日本/語"],
)
@pytest.mark.parametrize("token", [None, "session-token/with+chars="])
def test_a_put_is_signed_as_botocore_signs_it(monkeypatch, key, token):
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: WHEN)
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", token)
    body = b"some content"
    headers = {"Content-Type": "text/plain", "Content-MD5": "abc==", "If-None-Match": "*"}
    path = "/bucket/" + quote(key, safe="/~")
    expected = botocore_headers(credentials, "http://127.0.0.1:9000" + path, "PUT", headers, body)
    ours = Signer(credentials, "eu-west-3").headers(
        "PUT",
        "127.0.0.1:9000",
        path,
        "",
        headers,
        hashlib.sha256(body).hexdigest(),
        when=amz_date(WHEN.timestamp()),
    )
    assert ours["Authorization"] == expected["Authorization"]
    assert ours["X-Amz-Content-SHA256"] == expected["X-Amz-Content-SHA256"]
    assert ours.get("X-Amz-Security-Token") == expected.get("X-Amz-Security-Token")


def test_a_listing_query_and_spaced_header_values_are_signed_as_botocore_signs_them(monkeypatch):
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: WHEN)
    credentials = Credentials("AKIDEXAMPLE", "secret")
    query = "list-type=2&encoding-type=url&max-keys=1000&prefix=a%20b%2B&continuation-token=x%3D"
    headers = {"X-Amz-Meta-Note": "  two   spaces  "}
    expected = botocore_headers(
        credentials, f"https://bucket.s3.example.com/?{query}", "GET", headers, b""
    )
    ours = Signer(credentials, "eu-west-3").headers(
        "GET",
        "bucket.s3.example.com",
        "/",
        query,
        headers,
        EMPTY_SHA256,
        when=amz_date(WHEN.timestamp()),
    )
    assert ours["Authorization"] == expected["Authorization"]


def test_the_signing_key_follows_the_day_and_the_secret():
    credentials = Credentials("id", "first")
    signer = Signer(credentials, "us-east-1")

    def signature(when: str) -> str:
        return signer.headers("PUT", "h", "/b/k", "", {}, EMPTY_SHA256, when=when)["Authorization"]

    monday, tuesday = signature("20261123T235959Z"), signature("20261124T000000Z")
    assert monday != tuesday and "/20261124/" in tuesday
    assert signature("20261123T235959Z") == monday  # the kept key is the day's
    credentials.secret_key = "second"  # rotated keys are used from the next request on
    assert signature("20261123T235959Z") != monday
