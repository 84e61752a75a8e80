"""What the web tests (and the screenshots) click on, added to the demo of a real server's
ARCHIVIST_HOME: people with known passwords, manual folders (one restricted to some users),
tags, and a few files.

Run by the web fixtures as `python -m tests.web.seed` with the server's environment, after
`archivist quickstart --no-serve` made the demo.
"""

from __future__ import annotations

import io
import struct
import zlib

PASSWORD = "web-tests-password"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour (thumbnails and the slideshow decode it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def seed() -> None:
    from django.contrib.auth.models import Group, User

    from archivist.documents import roles
    from archivist.documents.models import Folder, FolderKind
    from archivist.documents.services import attachments, folders, share_admin, tags

    admin = User.objects.get(username="admin")
    admin.set_password(PASSWORD)
    admin.first_name, admin.last_name = "Anita", "Oliver"
    admin.save()
    file_managers = Group.objects.get(name=roles.FILE_MANAGER)
    manager = User.objects.create_user("manager", password=PASSWORD, first_name="Marc")
    manager.groups.add(file_managers)
    reader = User.objects.create_user("reader", password=PASSWORD, first_name="Rita")
    reader.groups.add(file_managers)

    marketing = folders.create_folder(admin, "Marketing", None, notes="Brochures and logos")
    logos = folders.create_folder(admin, "Logos", marketing)
    folders.create_folder(admin, "Archive box", None)
    board = folders.create_folder(admin, "Board minutes", None)
    folders.set_security(admin, board, users=[admin, manager], groups=[])

    important = tags.create_tag(admin, "Important", color=1)
    design = tags.create_tag(admin, "Design", color=6)
    tags.create_tag(admin, "Logo", design, color=7)

    def put(folder: Folder, name: str, content: bytes) -> object:
        return attachments.upload(admin, folder, name, io.BytesIO(content))

    logo = put(marketing, "logo.png", png(64, 48, (47, 95, 208)))
    brief = put(marketing, "brief.pdf", PDF)
    put(marketing, "price list.csv", b"product,price\nchair,120\n")
    put(logos, "logo-dark.png", png(64, 48, (29, 42, 74)))
    put(board, "minutes.txt", b"confidential\n")
    attachments.update_tags(admin, [logo], add=[design])
    attachments.update_tags(admin, [brief], add=[important])
    share_admin.save_share(
        admin,
        None,
        {"name": "For customers"},
        share_admin.Contents(attachments=[brief]),
        access_by_token=True,
    )
    azure = Folder.objects.filter(name="Azure Interior", kind=FolderKind.RECORD).first()
    if azure is not None:
        room = put(azure, "room design.png", png(80, 60, (95, 183, 96)))
        attachments.update_tags(admin, [room], add=[design, important])
        put(azure, "contract.pdf", PDF)

    # each area of the app adds what its own tests click on
    from tests.web import (
        seed_cloud,
        seed_fleet,
        seed_polish,
        seed_portal,
        seed_records,
        seed_security,
        seed_settings,
        seed_sync,
    )

    areas = (seed_records, seed_portal, seed_sync, seed_fleet, seed_settings, seed_security)
    for area in (*areas, seed_cloud, seed_polish):
        area.seed()


if __name__ == "__main__":
    import django

    django.setup()
    seed()
