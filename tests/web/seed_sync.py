"""What the web tests of the sync pages click on, added after the common seed (`seed.py`):
two connections ("Office NAS", a local path with synced items for Reset's preview, and
"Archive bucket", an S3 bucket with a secret), queue rows in every state, and log lines of
every level on both connections (one 10 days old)."""

from __future__ import annotations

import datetime as dt

NAS, BUCKET = "Office NAS", "Archive bucket"

# (minutes ago, connection, level, item, message): oldest first, so ids follow time
LOGS = [
    (60 * 24 * 10, NAS, "info", "", "old cycle: 3 operations"),
    (50, NAS, "debug", "", "listed 4 folders in 0.2 s"),
    (40, NAS, "info", "Marketing/logo.png", "uploaded logo.png"),
    (35, BUCKET, "info", "Marketing", "created folder Marketing"),
    (30, NAS, "warning", "Customers/Tables", "put back where Archivist has it"),
    (25, BUCKET, "error", "Marketing/brief.pdf", "upload refused: bucket is read-only"),
    (20, NAS, "error", "Board minutes/minutes.txt", "permission denied on the share"),
    (15, BUCKET, "warning", "", "rate limited: retrying in 30 s"),
    (10, BUCKET, "critical", "", "the remote refused the credentials"),
    (5, None, "info", "", "sync cycle started for 2 connections"),
]


def seed() -> None:
    from django.utils import timezone

    from archivist.documents.models import Attachment, Folder
    from archivist.sync.models import CloudConnection, SyncItem, SyncLog, SyncOperation
    from archivist.sync.services.connections import configure

    nas = CloudConnection(name=NAS, kind="local", root_folder="Archivist")
    configure(nas, {"path": "/srv/nas/office"})
    nas.save()
    bucket = CloudConnection(name=BUCKET, kind="s3", root_folder="Archive")
    configure(bucket, {"bucket": "archive", "access_key": "AKIA-WEB", "secret_key": "web-secret"})
    bucket.last_error = "the remote refused the credentials"
    bucket.save()

    # what Reset of the NAS would bring back: 2 folders, 3 files
    now = timezone.now()
    for name in ("Marketing", "Logos"):
        folder = Folder.objects.get(name=name)
        SyncItem.objects.create(
            connection=nas, key=f"folder:{folder.pk}", kind="folder", name=name, path=name
        )
    for name in ("logo.png", "brief.pdf", "price list.csv"):
        attachment = Attachment.objects.get(name=name)
        SyncItem.objects.create(
            connection=nas,
            key=f"file:{attachment.pk}",
            kind="file",
            name=name,
            path=f"Marketing/{name}",
            size=attachment.size,
        )

    for connection, kind, path, state, attempts, error, reason in [
        (nas, "upload", "Marketing/new offer.pdf", "pending", 0, "", "new in Archivist"),
        (nas, "mkdir", "Customers/Deco Addict", "running", 1, "", "new folder"),
        (bucket, "upload", "Marketing/brief.pdf", "failed", 5, "bucket is read-only", "changed"),
        (bucket, "delete", "Old/report.xlsx", "pending", 2, "timed out", "deleted in Archivist"),
        (nas, "upload", "Marketing/price list.csv", "done", 1, "", "changed"),
    ]:
        SyncOperation.objects.create(
            connection=connection,
            kind=kind,
            item=f"web:{path}",
            path=path,
            state=state,
            attempts=attempts,
            last_error=error,
            reason=reason,
            next_attempt_at=now + dt.timedelta(minutes=attempts * 5),
        )

    names = {NAS: nas, BUCKET: bucket, None: None}
    for minutes, connection_name, level, item, message in LOGS:
        line = SyncLog.objects.create(
            connection=names[connection_name], level=level, item=item, message=message
        )
        SyncLog.objects.filter(pk=line.pk).update(at=now - dt.timedelta(minutes=minutes))
