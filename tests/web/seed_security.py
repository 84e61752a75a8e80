"""What the web tests of the security work click on, added after the common seed (`seed.py`):
a manual folder open to every file manager ("Team handbook", with a file) that a test restricts
through its settings dialog, and a connection with nothing assigned ("Handbook mirror") plus a
folder ("Scans inbox") for the connection form's pickers."""

from __future__ import annotations

import io

HANDBOOK, SCANS, MIRROR = "Team handbook", "Scans inbox", "Handbook mirror"


def seed() -> None:
    from django.contrib.auth.models import User

    from archivist.documents.services import attachments, folders
    from archivist.sync.models import CloudConnection
    from archivist.sync.services.connections import configure

    admin = User.objects.get(username="admin")
    handbook = folders.create_folder(admin, HANDBOOK, None, notes="How we work")
    attachments.upload(admin, handbook, "onboarding.txt", io.BytesIO(b"welcome\n"))
    folders.create_folder(admin, SCANS, None)

    mirror = CloudConnection(name=MIRROR, kind="local", root_folder="Mirror")
    configure(mirror, {"path": "/srv/mirror"})
    mirror.save()
