"""The scheduler of `archivist serve` runs "Prepare folders" on its own, again and again."""

import time

import pytest
from django.db import connection

from archivist.documents.models import Folder, FolderRuleState
from archivist.serve import Scheduler


@pytest.mark.django_db(transaction=True)
def test_scheduler_prepares_folders_at_each_interval(demo, settings):
    settings.PREPARE_BUDGET = 0
    scheduler = Scheduler(interval=0.2)
    scheduler.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = FolderRuleState.objects.exclude(last_run_at=None)
            if states.count() >= 15:
                break
            time.sleep(0.2)
    finally:
        scheduler.stop()
        scheduler.join(timeout=60)
        connection.close()
    assert not scheduler.is_alive()
    assert Folder.objects.filter(name="S00010", active=True).exists()
    assert FolderRuleState.objects.exclude(last_run_at=None).count() == 15
