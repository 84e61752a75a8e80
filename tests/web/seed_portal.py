"""What the web tests of the portal pages click on, added after the common seed (`seed.py`).

A portal user (paula) and four shares with known token links:

    Project Falcon   OPEN      the folder Falcon (plan.pdf, photo-1.png, photo-2.png;
                               Drawings/drawing.png) and the tag Client; uploads, folders and
                               tags shown, searched and added, slideshow, chat; paula's
    Board pack       LOCKED    plan.pdf alone, password BOARD_PASSWORD; paula's
    Old offer        EXPIRED   expired yesterday
    Send us files    DROP      upload only, into the folder Drop box

Outside every share: Falcon internal/secret.txt (and the common seed's files).
"""

from __future__ import annotations

import datetime as dt
import io

OPEN = "web-portal-open-token"
LOCKED = "web-portal-locked-token"
EXPIRED = "web-portal-expired-token"
DROP = "web-portal-drop-token"
BOARD_PASSWORD = "board-password"
PORTAL_USER = "paula"


def seed() -> None:
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from archivist.documents import roles
    from archivist.documents.models import Share
    from archivist.documents.services import attachments, folders, share_admin, tags
    from archivist.documents.services.shares import set_password
    from tests.web.seed import PASSWORD, PDF, png

    admin = User.objects.get(username="admin")
    paula = User.objects.create_user(
        PORTAL_USER, password=PASSWORD, first_name="Paula", last_name="Partner",
        email="paula@example.com",
    )  # fmt: skip
    paula.groups.add(Group.objects.get_or_create(name=roles.PORTAL)[0])

    falcon = folders.create_folder(admin, "Falcon", None)
    drawings = folders.create_folder(admin, "Drawings", falcon)
    internal = folders.create_folder(admin, "Falcon internal", None)
    drop_box = folders.create_folder(admin, "Drop box", None)
    client = tags.create_tag(admin, "Client", color=4)
    approved = tags.create_tag(admin, "Approved", client, color=5)

    def put(folder: object, name: str, content: bytes) -> object:
        return attachments.upload(admin, folder, name, io.BytesIO(content))

    plan = put(falcon, "plan.pdf", PDF)
    photo = put(falcon, "photo-1.png", png(120, 80, (208, 95, 47)))
    put(falcon, "photo-2.png", png(120, 80, (47, 160, 95)))
    put(drawings, "drawing.png", png(90, 90, (95, 47, 208)))
    put(internal, "secret.txt", b"not for customers\n")
    attachments.update_tags(admin, [photo], add=[approved])

    def share(token: str, values: dict[str, object], contents: object, partners=()) -> Share:
        made = share_admin.save_share(admin, None, values, contents, access_by_token=True)
        made.partners.set(partners)
        Share.objects.filter(pk=made.pk).update(token=token)
        return made

    everything = {
        "allow_upload": True, "show_tags": True, "allow_add_tags": True,
        "allow_search_tags": True, "show_folders": True, "allow_add_folders": True,
        "allow_search_folders": True, "slideshow": True, "show_chat": True,
    }  # fmt: skip
    share(
        OPEN,
        {"name": "Project Falcon", **everything},
        share_admin.Contents(folders=[falcon], tags=[client]),
        [paula],
    )
    locked = share(
        LOCKED, {"name": "Board pack"}, share_admin.Contents(attachments=[plan]), [paula]
    )
    set_password(locked, BOARD_PASSWORD)
    old = share(EXPIRED, {"name": "Old offer"}, share_admin.Contents(attachments=[plan]))
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Share.objects.filter(pk=old.pk).update(expires_on=yesterday)
    share(
        DROP,
        {"name": "Send us files", "upload_only": True, "upload_folder": drop_box},
        share_admin.Contents(),
    )
