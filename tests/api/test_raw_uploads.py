"""Uploads whose body is the file: POST /api/folders/{id}/files/?name=…"""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from archivist.documents.models import Attachment
from tests.api.share_fixtures import (  # noqa: F401 (fixtures)
    PNG,
    Library,
    People,
    client,
    library_fixture,
    people_fixture,
)

pytestmark = pytest.mark.django_db


def _put(api: APIClient, folder: int, name: str | None, body: bytes, kind: str = "text/plain"):
    query = "" if name is None else f"?name={name}"
    return api.post(f"/api/folders/{folder}/files/{query}", body, content_type=kind)


def test_the_body_becomes_the_file(people: People, library: Library) -> None:
    api = client(people.manager)
    made = _put(api, library.design.pk, "mock-up.png", PNG)  # a lying Content-Type
    assert made.status_code == 201, made.content
    data = made.json()
    assert (data["name"], data["folder"], data["size"]) == ("mock-up.png", library.design.pk, 72)
    assert data["mimetype"] == "image/png", "sniffed from the content"
    assert data["checksum"] == hashlib.sha256(PNG).hexdigest()
    assert data["tags"] == [] and data["cloud_open"] is None
    download = api.get(data["download_url"])
    assert b"".join(download.streaming_content) == PNG
    empty = _put(api, library.design.pk, "empty.txt", b"")
    assert empty.status_code == 201 and empty.json()["size"] == 0


def test_bad_names_forms_and_sizes_are_refused_and_nothing_is_stored(
    people: People, library: Library
) -> None:
    api = client(people.manager)
    before = Attachment.objects.count()
    for name in (None, "", "..%2Fescape.txt", "nul%00.txt", "x" * 300):
        refused = _put(api, library.design.pk, name, b"data")
        assert refused.status_code == 400 and "name" in refused.json(), (name, refused.content)
    form = _put(api, library.design.pk, "a.txt", b"a=1", "application/x-www-form-urlencoded")
    assert form.status_code == 415 and "not a form" in form.json()["detail"]
    with override_settings(MAX_UPLOAD_BYTES=10):
        big = _put(api, library.design.pk, "big.bin", b"x" * 11, "application/octet-stream")
    assert big.status_code == 413
    assert (
        api.post(
            "/api/folders/999999/files/?name=a.txt", b"a", content_type="text/plain"
        ).status_code
        == 404
    )
    assert Attachment.objects.count() == before


def test_only_people_who_may_write_the_folder_upload(people: People, library: Library) -> None:
    library.private.users.add(people.manager)  # Private: the manager only
    assert _put(client(people.clerk), library.private.pk, "a.txt", b"a").status_code == 403
    assert _put(client(people.alice), library.private.pk, "a.txt", b"a").status_code == 403
    assert _put(client(None), library.private.pk, "a.txt", b"a").status_code == 403
    assert _put(client(people.clerk), library.projects.pk, "a.txt", b"a").status_code == 201


def test_a_browser_session_needs_the_csrf_token(people: People, library: Library) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(people.manager)
    browser.get("/files")  # the app's page sets the CSRF cookie
    url = f"/api/folders/{library.design.pk}/files/?name=a.txt"
    assert browser.post(url, b"a", content_type="text/plain").status_code == 403
    token = browser.cookies["csrftoken"].value
    body = b"%PDF-1.4 " + bytes(range(256)) * 64
    sent = browser.post(url, body, content_type="application/pdf", HTTP_X_CSRFTOKEN=token)
    assert sent.status_code == 201
    download = browser.get(sent.json()["download_url"])
    assert b"".join(download.streaming_content) == body, "the CSRF check read none of it"
