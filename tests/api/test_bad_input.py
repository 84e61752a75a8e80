"""Bad input (issue 3, item 12): each is refused with a 4xx naming the field, or stored safely,
and nothing stored is lost or corrupted."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from archivist.documents import roles
from archivist.documents.models import Attachment, Folder, FolderKind
from tests.api.conftest import add_file, add_tag, make_user, stored_state, upload

pytestmark = pytest.mark.django_db

BAD_NAMES = {
    "path": ("../../etc/passwd", "a name cannot contain /"),
    "nul": ("report\x00.pdf", "control characters"),
    "control": ("report\x07\n.pdf", "control characters"),
    "too long": ("x" * 300 + ".pdf", "no more than"),
    "right-to-left override": ("invoice\u202efdp.exe", "direction marks"),
    "right-to-left mark": ("\u200freport.pdf", "direction marks"),
    "dots": ("..", "dots only"),
}


def assert_refused(response, field: str, fragment: str) -> None:
    assert response.status_code == 400, response.content
    messages = " ".join(response.json()[field])
    assert fragment in messages, messages


@pytest.mark.parametrize("case", BAD_NAMES)
def test_bad_names_are_refused_everywhere(case, manager_api, order_folder, documents):
    name, fragment = BAD_NAMES[case]
    attachment = add_file(order_folder, "offer.txt", b"offer")
    tag = add_tag("Legal")
    before = stored_state()
    assert_refused(upload(manager_api, order_folder, "ok.txt", b"x", name=name), "name", fragment)
    assert_refused(
        manager_api.patch(f"/api/attachments/{attachment.pk}/", {"name": name}, format="json"),
        "name",
        fragment,
    )
    link = {"name": name, "url": "https://example.com", "folder": order_folder.pk}
    assert_refused(manager_api.post("/api/attachments/url/", link, format="json"), "name", fragment)
    assert_refused(
        manager_api.post("/api/folders/", {"name": name}, format="json"), "name", fragment
    )
    assert_refused(
        manager_api.patch(f"/api/folders/{documents.pk}/", {"name": name}, format="json"),
        "name",
        fragment,
    )
    assert_refused(manager_api.post("/api/tags/", {"name": name}, format="json"), "name", fragment)
    assert_refused(
        manager_api.patch(f"/api/tags/{tag.pk}/", {"name": name}, format="json"), "name", fragment
    )
    assert stored_state() == before


def test_an_uploaded_file_name_is_made_safe(manager_api, order_folder):
    long_name = upload(manager_api, order_folder, "y" * 300 + ".txt", b"x")
    assert long_name.status_code == 201  # Django cuts it to 255, keeping the extension
    assert long_name.json()["name"] == "y" * 251 + ".txt"
    # A path, control characters and direction marks never survive in a multipart file name
    # (Django keeps the last part and drops unprintable characters).
    marks = upload(manager_api, order_folder, "a\u202egpj.exe", b"x")
    assert marks.status_code == 201 and marks.json()["name"] == "agpj.exe"
    stripped = upload(manager_api, order_folder, "../../evil.txt", b"x")
    assert stripped.status_code == 201 and stripped.json()["name"] == "evil.txt"


def test_html_in_names_is_stored_as_text_and_escaped_by_the_admin(
    manager_api, client_for, people, order_folder
):
    name = '<img src=x onerror="alert(1)">.txt'
    response = upload(manager_api, order_folder, "x.txt", b"x", name=name)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    pk = response.json()["id"]
    assert manager_api.get(f"/api/attachments/{pk}/").json()["name"] == name
    assert Attachment.objects.get(pk=pk).name == name
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    page = client_for(people.admin).get("/admin/documents/attachment/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.txt" in html
    assert '<img src=x onerror="alert(1)">' not in html


def test_a_zero_byte_file(clerk_api, order_folder):
    response = upload(clerk_api, order_folder, "empty.txt", b"")
    assert response.status_code == 201, response.json()
    assert response.json()["size"] == 0
    download = clerk_api.get(f"/api/attachments/{response.json()['id']}/download/")
    assert download.status_code == 200 and download["Content-Length"] == "0"
    assert b"".join(download.streaming_content) == b""
    ranged = clerk_api.get(
        f"/api/attachments/{response.json()['id']}/download/", HTTP_RANGE="bytes=0-"
    )
    assert ranged.status_code == 416


@pytest.mark.parametrize("size", [1_500, 200_000], ids=["file over the limit", "body over"])
def test_a_file_over_the_maximum_is_refused_before_storing(size, settings, clerk_api, order_folder):
    settings.MAX_UPLOAD_BYTES = 1_000
    before = stored_state()
    response = upload(clerk_api, order_folder, "big.bin", b"\x01" * size)
    assert response.status_code == 413
    assert "larger than the maximum of 1000 bytes" in response.json()["file"][0]
    assert stored_state() == before
    incoming = Path(settings.BLOB_ROOT) / "incoming"
    assert not incoming.exists() or not any(incoming.iterdir())
    exact = upload(clerk_api, order_folder, "fits.bin", b"\x01" * 1_000)
    assert exact.status_code == 201


def test_a_lying_content_type_is_ignored(clerk_api, order_folder):
    page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    response = upload(clerk_api, order_folder, "picture.png", page, content_type="image/png")
    assert response.status_code == 201
    created = response.json()
    assert created["mimetype"] == "text/html" and created["previewable"] is False
    assert clerk_api.get(f"/api/attachments/{created['id']}/preview/").status_code == 415
    download = clerk_api.get(f"/api/attachments/{created['id']}/download/")
    assert download["Content-Type"] == "text/html"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"


def test_zip_requests_over_the_maximum_are_refused(settings, manager_api, order_folder):
    settings.ZIP_MAX_FILES = 5
    files = [add_file(order_folder, f"f{i}.txt", str(i).encode()) for i in range(6)]
    folder_zip = manager_api.get(f"/api/folders/{order_folder.pk}/archive.zip")
    assert folder_zip.status_code == 400
    assert "at most 5 files" in folder_zip.json()["attachments"][0]
    ids = [f.pk for f in files]
    selection = manager_api.post("/api/attachments/archive.zip", {"ids": ids}, format="json")
    assert selection.status_code == 400 and "at most 5" in selection.json()["attachments"][0]
    fits = manager_api.post("/api/attachments/archive.zip", {"ids": ids[:5]}, format="json")
    assert fits.status_code == 200


def _assert_no_cycle() -> None:
    folders = {f.pk: f for f in Folder.objects.all()}
    for folder in folders.values():
        expected = "/" if folder.parent_id is None else folders[folder.parent_id].subtree_prefix()
        assert folder.parent_path == expected, folder
        assert folder.pk not in folder.path_ids, folder
        seen = set()
        current = folder
        while current.parent_id is not None:  # a cycle would loop here
            assert current.pk not in seen
            seen.add(current.pk)
            current = folders[current.parent_id]


def _move(user: User, folder: Folder, target: Folder, start: threading.Barrier, out: list) -> None:
    client = APIClient()
    client.force_login(user)
    try:
        start.wait()
        response = client.post(f"/api/folders/{folder.pk}/move/", {"parent": target.pk}, "json")
        out.append(response.status_code)
    finally:
        connection.close()  # each thread has its own connection


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_never_build_a_cycle():
    users = [make_user(f"mover{i}", roles.FILE_MANAGER) for i in range(2)]
    for round_number in range(4):
        a = Folder.objects.create(name=f"A{round_number}", kind=FolderKind.MANUAL)
        b = Folder.objects.create(name=f"B{round_number}", kind=FolderKind.MANUAL)
        Folder.objects.create(name="inside A", kind=FolderKind.MANUAL, parent=a)
        start = threading.Barrier(2)
        statuses: list[int] = []
        threads = [
            threading.Thread(target=_move, args=(users[0], a, b, start, statuses)),
            threading.Thread(target=_move, args=(users[1], b, a, start, statuses)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200, 400]  # one move wins, the other sees the cycle
        _assert_no_cycle()
