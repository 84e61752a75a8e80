"""/api/attachments/: listing, upload, links, one attachment, download (with ranges), preview,
bulk changes, selection ZIPs and the slideshow."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from archivist.documents.blobstore import default_store
from archivist.documents.models import Attachment, Folder, FolderKind
from tests.api.conftest import PDF, PNG, add_file, add_tag, record_folder, upload

pytestmark = pytest.mark.django_db


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_upload_into_a_readable_record_folder(clerk_api, stranger_api, portal_api, order_folder):
    response = upload(clerk_api, order_folder, "room.png", PNG, content_type="text/plain")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["name"] == "room.png" and created["folder"] == order_folder.pk
    assert created["mimetype"] == "image/png"  # from the bytes, not the claimed type
    assert created["checksum"] == hashlib.sha256(PNG).hexdigest()
    assert created["size"] == len(PNG) and created["kind"] == "file"
    assert created["author"]["username"] == "clerk" and created["previewable"] is True
    assert default_store().read_range(created["checksum"], 0, len(PNG))
    assert upload(stranger_api, order_folder, "x.txt", b"x").status_code == 403
    assert upload(portal_api, order_folder, "x.txt", b"x").status_code == 403
    assert Attachment.objects.filter(folder=order_folder).count() == 1


def test_upload_names_and_missing_fields(clerk_api, order_folder):
    named = upload(clerk_api, order_folder, "scan0001.pdf", PDF, name="Signed offer.pdf")
    assert named.status_code == 201 and named.json()["name"] == "Signed offer.pdf"
    assert named.json()["mimetype"] == "application/pdf"
    no_folder = clerk_api.post("/api/attachments/", {"file": io.BytesIO(b"x")}, format="multipart")
    assert no_folder.status_code == 400 and "folder" in no_folder.json()
    assert upload(clerk_api, 999999, "x.txt", b"x").json() == {"folder": ["no folder 999999"]}


def test_listing_filters_and_pages(manager_api, clerk_api, order_folder):
    other = record_folder("sale_order", 20)
    legal = add_tag("Legal")
    first = add_file(order_folder, "a.txt", b"a")
    add_file(order_folder, "b.txt", b"b")
    third = add_file(other, "c.txt", b"c")
    first.tags.add(legal)
    third.tags.add(legal)
    page = manager_api.get(f"/api/attachments/?folders={order_folder.pk},{other.pk}&limit=2")
    assert page.status_code == 200
    body = page.json()
    assert [a["name"] for a in body["results"]] == ["a.txt", "b.txt"]
    rest = manager_api.get(
        f"/api/attachments/?folders={order_folder.pk},{other.pk}&limit=2"
        f"&cursor={body['next_cursor']}"
    ).json()
    assert [a["name"] for a in rest["results"]] == ["c.txt"] and rest["next_cursor"] is None
    both = manager_api.get(f"/api/attachments/?folders={order_folder.pk}&tags={legal.pk}").json()
    assert [a["name"] for a in both["results"]] == ["a.txt"]  # folders AND tags
    assert both["results"][0]["tags"] == [{"id": legal.pk, "name": "Legal", "color": 0}]
    by_name = manager_api.get("/api/attachments/?name=c.t&order=-created").json()
    assert [a["name"] for a in by_name["results"]] == ["c.txt"]
    assert manager_api.get("/api/attachments/?folders=1,x").json() == {
        "folders": ["expected ids separated by commas, e.g. 1,2,3"]
    }
    assert "order" in manager_api.get("/api/attachments/?order=colour").json()
    assert clerk_api.get("/api/attachments/").status_code == 403


def test_links(clerk_api, stranger_api, order_folder):
    data = {"name": "Spec", "url": "https://example.com/spec", "folder": order_folder.pk}
    response = clerk_api.post("/api/attachments/url/", data, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "url"
    download = clerk_api.get(f"/api/attachments/{response.json()['id']}/download/")
    assert download.status_code == 302 and download["Location"] == "https://example.com/spec"
    bad = clerk_api.post("/api/attachments/url/", {**data, "url": "javascript:alert(1)"}, "json")
    assert bad.status_code == 400 and "url" in bad.json()
    assert stranger_api.post("/api/attachments/url/", data, format="json").status_code == 403


def test_read_change_and_delete_one_attachment(clerk_api, stranger_api, order_folder):
    other = record_folder("sale_order", 20)
    tag = add_tag("Signed")
    attachment = add_file(order_folder, "offer.txt", b"offer")
    url = f"/api/attachments/{attachment.pk}/"
    assert clerk_api.get(url).json()["name"] == "offer.txt"
    assert stranger_api.get(url).status_code == 403
    assert stranger_api.patch(url, {"name": "x.txt"}, format="json").status_code == 403
    assert stranger_api.delete(url).status_code == 403
    response = clerk_api.patch(
        url,
        {"name": "offer v2.txt", "folder": other.pk, "color": 3, "add_tags": [tag.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    changed = response.json()
    # Re-attached to another record (spec "re-attaching items between objects").
    assert changed["folder"] == other.pk and changed["name"] == "offer v2.txt"
    assert changed["color"] == 3 and [t["id"] for t in changed["tags"]] == [tag.pk]
    untagged = clerk_api.patch(url, {"remove_tags": [tag.pk]}, format="json")
    assert untagged.json()["tags"] == []
    assert clerk_api.delete(url).status_code == 204
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert clerk_api.get(url).status_code == 404


def test_a_refused_change_changes_nothing(clerk_api, order_folder, documents):
    secret = Folder.objects.create(name="Secret", kind=FolderKind.MANUAL)
    secret.users.add(documents.created_by)  # only the admin
    attachment = add_file(order_folder, "offer.txt", b"offer")
    response = clerk_api.patch(
        f"/api/attachments/{attachment.pk}/", {"name": "moved.txt", "folder": secret.pk}, "json"
    )
    assert response.status_code == 403
    attachment.refresh_from_db()
    assert attachment.name == "offer.txt" and attachment.folder_id == order_folder.pk


def test_download_whole_and_ranges(clerk_api, stranger_api, order_folder):
    content = bytes(range(256)) * 4
    attachment = add_file(order_folder, "data.bin", content)
    url = f"/api/attachments/{attachment.pk}/download/"
    whole = clerk_api.get(url)
    assert whole.status_code == 200 and body_of(whole) == content
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert whole["Content-Length"] == str(len(content))
    assert whole["Content-Disposition"].startswith('attachment; filename="data.bin"')
    first = clerk_api.get(url, HTTP_RANGE="bytes=0-9")
    assert first.status_code == 206 and body_of(first) == content[:10]
    assert first["Content-Range"] == f"bytes 0-9/{len(content)}"
    suffix = clerk_api.get(url, HTTP_RANGE="bytes=-100")
    assert suffix.status_code == 206 and body_of(suffix) == content[-100:]
    assert suffix["Content-Range"] == f"bytes {len(content) - 100}-{len(content) - 1}/1024"
    tail = clerk_api.get(url, HTTP_RANGE="bytes=1000-")
    assert body_of(tail) == content[1000:]
    past = clerk_api.get(url, HTTP_RANGE=f"bytes={len(content)}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(content)}"
    garbage = clerk_api.get(url, HTTP_RANGE="bytes=a-b")
    assert garbage.status_code == 200 and body_of(garbage) == content
    stale = clerk_api.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"other"')
    assert stale.status_code == 200 and body_of(stale) == content
    cached = clerk_api.get(url, HTTP_IF_NONE_MATCH=whole["ETag"])
    assert cached.status_code == 304
    assert stranger_api.get(url).status_code == 403


def test_preview_only_images_and_pdf(clerk_api, stranger_api, order_folder):
    image = add_file(order_folder, "room.png", PNG)
    text = add_file(order_folder, "notes.txt", b"hello")
    response = clerk_api.get(f"/api/attachments/{image.pk}/preview/")
    assert response.status_code == 200 and body_of(response) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    refused = clerk_api.get(f"/api/attachments/{text.pk}/preview/")
    assert refused.status_code == 415 and "download" in refused.json()["detail"]
    assert stranger_api.get(f"/api/attachments/{image.pk}/preview/").status_code == 403


def test_bulk_changes(clerk_api, stranger_api, order_folder):
    other = record_folder("sale_order", 20)
    tag = add_tag("Batch")
    files = [add_file(order_folder, f"f{i}.txt", f"{i}".encode()) for i in range(3)]
    ids = [f.pk for f in files]
    response = clerk_api.post(
        "/api/attachments/bulk/",
        {"ids": ids, "move": other.pk, "add_tags": [tag.pk], "color": 5},
        format="json",
    )
    assert response.status_code == 200 and response.json() == {"updated": 3}
    for attachment in Attachment.objects.filter(pk__in=ids):
        assert attachment.folder_id == other.pk and attachment.color == 5
        assert list(attachment.tags.all()) == [tag]
    assert (
        stranger_api.post("/api/attachments/bulk/", {"ids": ids, "color": 1}, "json").status_code
        == 403
    )
    nothing = clerk_api.post("/api/attachments/bulk/", {"ids": ids}, format="json")
    assert nothing.status_code == 400
    mixed = clerk_api.post(
        "/api/attachments/bulk/", {"ids": ids, "delete": True, "color": 1}, "json"
    )
    assert mixed.status_code == 400 and "delete" in mixed.json()
    deleted = clerk_api.post("/api/attachments/bulk/", {"ids": ids, "delete": True}, "json")
    assert deleted.json() == {"deleted": 3}
    assert not Attachment.objects.filter(pk__in=ids).exists()


def test_selection_zip(clerk_api, stranger_api, order_folder):
    a = add_file(order_folder, "same.txt", b"one")
    b = add_file(record_folder("sale_order", 20), "same.txt", b"two")
    response = clerk_api.post("/api/attachments/archive.zip", {"ids": [a.pk, b.pk]}, "json")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body_of(response)))
    assert len(archive.namelist()) == 2  # duplicate names made distinct
    assert sorted(archive.read(name) for name in archive.namelist()) == [b"one", b"two"]
    assert (
        stranger_api.post("/api/attachments/archive.zip", {"ids": [a.pk]}, "json").status_code
        == 403
    )


def test_slideshow_lists_the_images_in_order(clerk_api, stranger_api, order_folder):
    second = add_file(order_folder, "b.png", PNG)
    text = add_file(order_folder, "a.txt", b"text")
    first = add_file(order_folder, "c.png", PNG + b"1")
    ids = f"{first.pk},{text.pk},{second.pk}"
    response = clerk_api.get(f"/api/attachments/slideshow/?ids={ids}")
    assert response.status_code == 200 and response.json() == {"results": [first.pk, second.pk]}
    assert stranger_api.get(f"/api/attachments/slideshow/?ids={ids}").status_code == 403


def test_the_attachment_answer_is_what_drf_fields_give(people, documents):
    """`AttachmentSerializer.to_representation` reads the fields directly: it must give what
    DRF's generic path gives from the declared fields, for files and links, with and without
    author, tags (archived ones hidden) and a cloud link."""
    from rest_framework import serializers

    from archivist.api.serializers import AttachmentSerializer, new_attachment_json
    from archivist.documents.services import attachments as attachment_service

    file = add_file(documents, "plan.pdf", PDF)
    shown, archived = add_tag("Shown"), add_tag("Archived")
    archived.active = False
    archived.save()
    file.tags.add(shown, archived)
    file.author = people.manager
    file.save()
    link = attachment_service.add_url(people.manager, documents, "Site", "https://example.com/")
    for attachment in (Attachment.objects.get(pk=file.pk), Attachment.objects.get(pk=link.pk)):
        fast = AttachmentSerializer(attachment).data
        generic = serializers.ModelSerializer.to_representation(
            AttachmentSerializer(attachment), attachment
        )
        assert list(fast) == AttachmentSerializer.Meta.fields
        assert dict(fast) == dict(generic)
    assert [tag["name"] for tag in AttachmentSerializer(file).data["tags"]] == ["Shown"]
    rows = Attachment.objects.filter(folder=documents).order_by("pk")
    page = AttachmentSerializer(rows, many=True).data
    assert [item["id"] for item in page] == [file.pk, link.pk] and page[1]["kind"] == "url"
    new = Attachment.objects.get(pk=link.pk)
    assert new_attachment_json(new) == dict(AttachmentSerializer(new).data)
