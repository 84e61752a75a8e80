"""`archivist serve`: its scheduler runs "Prepare folders" on its own, again and again, and
what it loads at startup is kept out of garbage collection."""

import gc
import sys
import time

import pytest
from django.db import connection

from archivist.documents.models import Folder, FolderRuleState
from archivist.serve import Scheduler, freeze_startup_heap


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


def test_a_full_collection_leaves_out_what_the_server_loaded_at_startup():
    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 50_000, "Django, the URL configuration, views"
        assert len(gc.get_objects()) < frozen // 20, "what a full collection still walks"
        assert "archivist.api.raw_uploads" in sys.modules, "the views were loaded first"
    finally:
        gc.unfreeze()
