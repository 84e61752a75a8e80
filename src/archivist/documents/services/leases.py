"""Job leases: at most one holder per job at a time, on SQLite and PostgreSQL alike.

A lease is taken with one conditional UPDATE (atomic on every database) and expires by itself
if its holder dies, so a crashed run never blocks the next one for longer than the lease.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from archivist.documents.models import JobLease


class Lease:
    def __init__(self, name: str, duration: dt.timedelta) -> None:
        self.name = name
        self.duration = duration
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        now = timezone.now()
        free = Q(expires_at__isnull=True) | Q(expires_at__lt=now) | Q(holder=self.holder)
        with transaction.atomic():
            taken = JobLease.objects.filter(free, name=self.name).update(
                holder=self.holder, expires_at=now + self.duration
            )
        if taken:
            return True
        try:
            with transaction.atomic():
                JobLease.objects.create(
                    name=self.name, holder=self.holder, expires_at=now + self.duration
                )
        except IntegrityError:
            return False
        return True

    def renew(self) -> None:
        JobLease.objects.filter(name=self.name, holder=self.holder).update(
            expires_at=timezone.now() + self.duration
        )

    def release(self) -> None:
        JobLease.objects.filter(name=self.name, holder=self.holder).update(
            holder="", expires_at=None
        )


@contextmanager
def lease(name: str, duration: dt.timedelta = dt.timedelta(minutes=10)) -> Iterator[Lease | None]:
    """Yields the lease if it was free, else None (another run holds it)."""
    held = Lease(name, duration)
    if not held.acquire():
        yield None
        return
    try:
        yield held
    finally:
        held.release()
