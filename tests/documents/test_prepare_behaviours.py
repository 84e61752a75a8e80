""" "Prepare folders" beyond the demo's happy path: prioritisation, sources without change
tracking, overlapping runs, unreachable sources, name fallbacks, re-parented rules, and
PostgreSQL and MariaDB as record sources."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archivist.documents.models import Folder, FolderKind, FolderRule, Source
from archivist.documents.services import rules_io
from archivist.documents.services.demo import demo_rules_text
from archivist.documents.services.leases import lease
from archivist.documents.services.prepare_folders import LEASE_NAME, prepare_folders
from archivist.documents.services.priorities import clear_priority
from archivist.documents.services.tree import tree_nodes
from tests.conftest import DEMO_TODAY
from tests.documents.test_prepare_folders import path_of, paths, prepare, record_folder

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


def lead_folder(demo: Any) -> tuple[int, Folder]:
    lead = demo.scalar("SELECT min(id) FROM crm_lead WHERE team_id IS NOT NULL")
    return lead, record_folder("crm_lead", lead)


def test_restricted_rule_defers_changes_until_its_next_check(demo):
    t0 = timezone.now()
    prepare(now=t0)
    lead, folder = lead_folder(demo)
    assert folder.next_check is None  # a new folder has no restriction yet
    demo.execute(
        "UPDATE crm_lead SET name = 'First rename', write_date = '2026-11-05 10:00:00' "
        "WHERE id = :id",
        id=lead,
    )
    prepare(now=t0 + dt.timedelta(minutes=15))
    folder.refresh_from_db()
    assert folder.name == "First rename"
    assert folder.next_check == t0 + dt.timedelta(minutes=15, hours=2)
    demo.execute(
        "UPDATE crm_lead SET name = 'Second rename', write_date = '2026-11-05 11:00:00' "
        "WHERE id = :id",
        id=lead,
    )
    stats = prepare(now=t0 + dt.timedelta(hours=1))
    folder.refresh_from_db()
    assert folder.name == "First rename" and folder.needs_check
    assert stats["deferred"] == 1
    prepare(now=t0 + dt.timedelta(hours=3))
    folder.refresh_from_db()
    assert folder.name == "Second rename" and not folder.needs_check


def test_clear_next_folders_priority_applies_waiting_changes_at_the_next_run(demo):
    t0 = timezone.now()
    prepare(now=t0)
    lead, folder = lead_folder(demo)
    demo.execute(
        "UPDATE crm_lead SET name = 'A', write_date = '2026-11-05 10:00:00' WHERE id = :id", id=lead
    )
    prepare(now=t0 + dt.timedelta(minutes=1))
    demo.execute(
        "UPDATE crm_lead SET name = 'B', write_date = '2026-11-05 11:00:00' WHERE id = :id", id=lead
    )
    prepare(now=t0 + dt.timedelta(minutes=2))
    folder.refresh_from_db()
    assert folder.name == "A"
    assert clear_priority(FolderRule.objects.get(key="sales-teams")) >= 1
    prepare(now=t0 + dt.timedelta(minutes=3))
    folder.refresh_from_db()
    assert folder.name == "B"
    assert folder.next_check == t0 + dt.timedelta(minutes=3, hours=2)


def test_child_rule_is_restricted_at_least_as_much_as_its_parent(demo):
    teams = FolderRule.objects.get(key="sales-teams")
    leads = FolderRule.objects.get(key="leads")
    teams.restrict_monitoring, teams.restrict_hours = True, 10
    teams.save()
    assert leads.restriction_hours() == 10
    leads.restrict_hours = 24
    leads.save()
    assert leads.restriction_hours() == 24


@pytest.fixture
def untracked(db: None, tmp_path: Any) -> Any:
    """A source whose tables have no change column: changes are found by fingerprint."""
    path = tmp_path / "plain.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as db_connection:
        db_connection.execute(sa.text("CREATE TABLE shelf (id INTEGER PRIMARY KEY, name TEXT)"))
        db_connection.execute(
            sa.text(
                "CREATE TABLE box (id INTEGER PRIMARY KEY, name TEXT, "
                "shelf_id INTEGER REFERENCES shelf(id))"
            )
        )
        db_connection.execute(sa.text("INSERT INTO shelf VALUES (1, 'Top'), (2, 'Bottom')"))
        db_connection.execute(
            sa.text(
                "INSERT INTO box VALUES (1, 'Invoices', 1), (2, 'Letters', 1), (3, 'Photos', 2)"
            )
        )
    source = Source.objects.create(name="plain", url=f"sqlite:///{path}")
    shelves = FolderRule.objects.create(key="shelves", name="Shelves", source=source, model="shelf")
    FolderRule.objects.create(
        key="boxes",
        name="Boxes",
        source=source,
        model="box",
        parent=shelves,
        parent_field="shelf_id",
    )

    def execute(sql: str) -> None:
        with engine.begin() as db_connection:
            db_connection.execute(sa.text(sql))

    return execute


def test_source_without_change_column_is_compared_by_fingerprint(untracked):
    prepare()
    assert ("Shelves", "Top", "Boxes", "Letters") in paths()
    with CaptureQueriesContext(connection) as queries:
        stats = prepare()
    assert stats["evaluated"] == 0
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "joblease" not in q["sql"]
    ]
    untracked("UPDATE box SET name = 'Old letters', shelf_id = 2 WHERE id = 2")
    untracked("DELETE FROM box WHERE id = 1")
    stats = prepare()
    assert stats["full_passes"] == 1  # boxes only: the shelves did not change
    tree = paths()
    assert ("Shelves", "Bottom", "Boxes", "Old letters") in tree
    assert ("Shelves", "Top", "Boxes", "Invoices") not in tree


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_never_duplicate_folders(demo):
    errors: list[BaseException] = []

    def run() -> None:
        try:
            prepare_folders(today=DEMO_TODAY, budget=0, use_lease=False, batch_size=300)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    records = Folder.objects.filter(kind=FolderKind.RECORD)
    assert records.count() == len(set(records.values_list("source", "model", "record_id")))
    overlapped = {node.path for node in tree_nodes()}
    prepare(full=True)
    assert {node.path for node in tree_nodes()} == overlapped


def test_a_run_waits_while_another_holds_the_lease(demo):
    with lease(LEASE_NAME) as held:
        assert held is not None
        assert prepare_folders(today=DEMO_TODAY).skipped
    assert not prepare_folders(today=DEMO_TODAY, budget=0).skipped


def test_unreachable_source_is_reported_and_archives_nothing(demo):
    prepare()
    active = Folder.objects.filter(active=True).count()
    demo.path.rename(demo.path.with_suffix(".moved"))
    stats = prepare_folders(today=DEMO_TODAY, budget=0, full=True)
    assert stats.errors and "cannot be read" in stats.errors[0]
    assert Folder.objects.filter(active=True).count() == active
    assert not demo.path.exists()  # the read-only source never creates a missing file


def test_failing_or_empty_template_falls_back_to_display_name(demo):
    contacts = FolderRule.objects.get(key="contacts")
    contacts.name_template = "{{ object.mobile.upper() }}"
    contacts.save()
    prepare()
    abigail = demo.scalar("SELECT id FROM res_partner WHERE name = 'Abigail Peterson'")
    assert record_folder("res_partner", abigail).name == "Abigail Peterson"
    contacts.name_template = "{{ object.mobile or '' }}"
    contacts.save()
    prepare()
    assert record_folder("res_partner", abigail).name == "Abigail Peterson"
    anita = demo.scalar("SELECT id FROM res_partner WHERE name = 'Anita Oliver'")
    assert record_folder("res_partner", anita).name == "-37854756231"


def test_reparented_rule_moves_its_folders(demo):
    prepare()
    orders = FolderRule.objects.get(key="customer-orders")
    orders.parent, orders.parent_field = None, ""
    orders.save()
    stats = prepare()
    tree = paths()
    assert ("Orders", "S00010") in tree
    assert ("Customers", "Azure Interior", "Orders") not in tree
    assert stats["moved"] > 0
    assert Folder.objects.filter(kind=FolderKind.RULE, rule=orders, active=True).count() == 1


def test_record_handed_to_another_rule_gets_that_rules_child_folders(demo):
    prepare()
    john = demo.scalar("SELECT id FROM res_partner WHERE name = 'John Brown'")
    folder = record_folder("res_partner", john)
    assert path_of(folder)[0] == "Contacts"
    demo.execute(
        "UPDATE res_partner SET parent_id = NULL, commercial_partner_id = id, "
        "display_name = 'John Brown', write_date = '2026-11-05 10:00:00' "
        "WHERE id = :id",
        id=john,
    )
    prepare()
    folder.refresh_from_db()
    assert path_of(folder) == ("Customers", "John Brown")
    children = set(Folder.objects.filter(parent=folder).values_list("name", flat=True))
    assert {"Projects", "Orders"} <= children
    assert ("Customers", "John Brown", "Orders", "S00010") in paths()


def _demo_on(url: str) -> None:
    from archivist.documents.demo.database import create_demo_database

    create_demo_database(url, DEMO_TODAY)
    Source.objects.create(name="demo", url=url)
    rules_io.import_rules(rules_io.load(demo_rules_text()))


@pytest.mark.parametrize("server", ["postgres_url", "mariadb_url"])
def test_demo_on_a_server_database_builds_the_same_tree(server, request, demo_template):
    _demo_on(request.getfixturevalue(server))
    prepare()
    tree = paths()
    assert (
        "Customers",
        "Azure Interior",
        "Projects",
        "Software Design",
        "Tasks",
        "Prepare Specification",
    ) in tree
    assert ("Customers", "Azure Interior", "Orders", "S00010") in tree
    assert ("Contacts", "Anita Oliver no phone, -37854756231") in tree
    assert prepare()["evaluated"] == 0


def test_a_changed_many2many_link_is_seen(demo):
    """Removing the tag "Internal" from a project (a row of the link table, which has no change
    column) takes the project out of the rule filtering on that tag."""
    prepare()
    research = demo.scalar("SELECT id FROM project_project WHERE name = 'Research & Development'")
    assert ("Internal Projects", "Research & Development") in paths()
    demo.execute(
        "DELETE FROM project_tag_rel WHERE project_id = :p AND tag_id = "
        "(SELECT id FROM project_tags WHERE name = 'Internal')",
        p=research,
    )
    prepare()
    assert ("Internal Projects", "Research & Development") not in paths()
