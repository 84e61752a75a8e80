"""What the web tests of the records pages click on, added after the common seed (`seed.py`):
a manual subfolder "Signed contracts" in the attachment box of the record "Azure Interior"
(res_partner 1 of the demo), which already holds "room design.png" and "contract.pdf"."""

from __future__ import annotations

BOX_SUBFOLDER = "Signed contracts"


def seed() -> None:
    from django.contrib.auth.models import User

    from archivist.documents.models import Folder, FolderKind
    from archivist.documents.services import folders

    admin = User.objects.get(username="admin")
    azure = Folder.objects.get(name="Azure Interior", kind=FolderKind.RECORD, model="res_partner")
    folders.create_folder(admin, BOX_SUBFOLDER, azure, notes="Contracts signed by the customer")
