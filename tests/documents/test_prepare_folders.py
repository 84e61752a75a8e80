""" "Prepare folders" on the demo database: the spec's trees and the results of filters,
periods, hierarchy changes and deletions (spec "Automatic Folders", "Filters & Periods")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archivist.documents.models import Attachment, Folder, FolderKind, FolderRule
from archivist.documents.services.prepare_folders import prepare_folders
from archivist.documents.services.tree import tree_nodes
from tests.conftest import DEMO_TODAY

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


def prepare(**options: Any) -> dict[str, Any]:
    options.setdefault("today", DEMO_TODAY)
    options.setdefault("budget", 0)
    stats = prepare_folders(**options)
    assert not stats.errors
    return stats.as_dict()


def paths(*, archived: bool = False) -> dict[tuple[str, ...], Any]:
    return {node.path: node for node in tree_nodes(include_archived=archived)}


def record_folder(model: str, record_id: int) -> Folder:
    return Folder.objects.get(kind=FolderKind.RECORD, model=model, record_id=str(record_id))


def path_of(folder: Folder) -> tuple[str, ...]:
    ids = [*folder.path_ids, folder.pk]
    names = dict(Folder.objects.filter(pk__in=ids).values_list("pk", "name"))
    return tuple(names[pk] for pk in ids)


def test_demo_rules_build_the_spec_structures(demo):
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
    assert ("Departments", "Administration", "Employees", "Mitchel Admin") in tree
    assert ("Contacts", "Abigail Peterson 356745, no mobile") in tree
    assert ("Contacts", "Anita Oliver no phone, -37854756231") in tree
    node = tree[("Customers", "Azure Interior", "Orders", "S00010")]
    assert node.kind == "record"
    assert node.record == {"source": "demo", "model": "sale_order", "id": 10}
    assert tree[("Customers",)].kind == "rule"
    # Quotations and confirmed orders are split by filter: no order is in both trees.
    quotations = {p[1].split(",")[0] for p in tree if p[0] == "Quotations" and len(p) == 2}
    confirmed = {p[-1] for p in tree if len(p) == 4 and p[2] == "Orders"}
    assert quotations and confirmed and not quotations & confirmed
    assert all(
        ", draft" in p[1] or ", sent" in p[1] for p in tree if p[0] == "Quotations" and len(p) == 2
    )


def test_rule_folders_follow_rule_sequence(demo):
    prepare()
    roots = [node.path[0] for node in tree_nodes() if len(node.path) == 1]
    sequences = dict(FolderRule.objects.filter(parent=None).values_list("name", "sequence"))
    assert roots == sorted(roots, key=lambda name: sequences[name])


def test_default_folders_and_files_are_created_once(demo):
    prepare()
    task = record_folder("project_task", 1)
    default = Folder.objects.get(parent=task, kind=FolderKind.DEFAULT)
    assert default.name == "Documents to sign"
    file = Attachment.objects.get(folder=default)
    assert file.name == "Terms of agreement.txt"
    assert file.size > 0
    tasks = Folder.objects.filter(kind=FolderKind.RECORD, model="project_task", active=True).count()
    assert Attachment.objects.filter(name="Terms of agreement.txt").count() == tasks
    # The user renames and deletes inside the default folder: later runs never recreate it.
    default.name = "Signed"
    default.save()
    file.delete()
    demo.execute(
        "UPDATE project_task SET name = 'Prepare Specification v2', "
        "write_date = '2026-11-03 10:00:00' WHERE id = 1"
    )
    prepare(today=DEMO_TODAY + dt.timedelta(days=1))
    assert record_folder("project_task", 1).name == "Prepare Specification v2"
    assert list(Folder.objects.filter(parent=task).values_list("name", flat=True)) == ["Signed"]
    assert not Attachment.objects.filter(folder__parent=task).exists()


def test_a_run_where_nothing_changed_writes_nothing(demo):
    prepare()
    with CaptureQueriesContext(connection) as queries:
        stats = prepare()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "documents_joblease" not in q["sql"]
    ]
    assert writes == []
    assert stats["created"] == stats["renamed"] == stats["archived"] == 0


def test_record_that_stops_matching_is_archived_and_comes_back(demo):
    """Spec "Filters & Periods", results 1 and 2."""
    prepare()
    s10 = record_folder("sale_order", 10)
    manual = Folder.objects.create(name="Signed contract", kind=FolderKind.MANUAL, parent=s10)
    demo.execute(
        "UPDATE sale_order SET state = 'cancel', write_date = '2026-11-05 09:00:00' WHERE id = 10"
    )
    stats = prepare()
    s10.refresh_from_db()
    manual.refresh_from_db()
    assert not s10.active and not manual.active
    assert stats["archived"] >= 1
    assert ("Customers", "Azure Interior", "Orders", "S00010") not in paths()
    demo.execute(
        "UPDATE sale_order SET state = 'sale', write_date = '2026-11-06 09:00:00' WHERE id = 10"
    )
    prepare()
    again = record_folder("sale_order", 10)
    manual.refresh_from_db()
    assert again.pk == s10.pk and again.active
    assert manual.active and manual.parent_id == s10.pk
    assert ("Customers", "Azure Interior", "Orders", "S00010", "Signed contract") in paths()


def test_lowest_sequence_wins_and_records_move_between_rules(demo):
    """Spec "Filters & Periods", results 3 and 4: the folder moves with what it holds."""
    source = demo.source
    cancelled = FolderRule.objects.create(
        key="cancelled",
        name="Cancelled Sale Orders",
        sequence=5,
        source=source,
        model="sale_order",
        domain=[["state", "=", "cancel"]],
    )
    prepare()
    s10 = record_folder("sale_order", 10)
    assert path_of(s10) == ("Customers", "Azure Interior", "Orders", "S00010")
    note = Folder.objects.create(name="Notes", kind=FolderKind.MANUAL, parent=s10)
    demo.execute(
        "UPDATE sale_order SET state = 'cancel', write_date = '2026-11-05 09:00:00' WHERE id = 10"
    )
    stats = prepare()
    s10.refresh_from_db()
    assert s10.rule_id == cancelled.pk and s10.active
    assert path_of(s10) == ("Cancelled Sale Orders", "S00010")
    assert stats["moved"] >= 1
    assert path_of(Folder.objects.get(pk=note.pk)) == ("Cancelled Sale Orders", "S00010", "Notes")
    # A cancelled order matches both rules' filters once "Orders" takes every state:
    orders = FolderRule.objects.get(key="customer-orders")
    orders.domain = []
    orders.save()
    prepare()
    assert path_of(record_folder("sale_order", 10)) == ("Cancelled Sale Orders", "S00010")
    assert (
        Folder.objects.filter(kind=FolderKind.RECORD, model="sale_order", record_id="10").count()
        == 1
    )


def test_deleted_record_archives_its_folder(demo):
    prepare()
    folder = record_folder("project_task", 1)
    demo.execute("DELETE FROM project_task WHERE id = 1")
    stats = prepare()
    folder.refresh_from_db()
    assert not folder.active
    assert stats["archived"] >= 1


def test_renamed_record_and_changed_related_record(demo):
    prepare()
    demo.execute(
        "UPDATE res_partner SET name = 'Azure Interior Group', "
        "display_name = 'Azure Interior Group', write_date = '2026-11-05 10:00:00' "
        "WHERE name = 'Azure Interior'"
    )
    stats = prepare()
    assert stats["full_passes"] == 0
    assert ("Customers", "Azure Interior Group", "Orders", "S00010") in paths()
    # A task moves to another project: its folder follows.
    target = demo.scalar("SELECT id FROM project_project WHERE name = 'Office Design'")
    demo.execute(
        "UPDATE project_task SET project_id = :p, write_date = '2026-11-05 11:00:00' WHERE id = 1",
        p=target,
    )
    prepare()
    assert path_of(record_folder("project_task", 1))[:4] == (
        "Customers",
        "Deco Addict",
        "Projects",
        "Office Design",
    )


def test_change_in_a_joined_table_is_seen_incrementally(demo):
    """A filter through a many2one (partner's country) reacts to a change of the partner."""
    FolderRule.objects.create(
        key="us-orders",
        name="US Orders",
        sequence=1,
        source=demo.source,
        model="sale_order",
        domain=[["partner_id.country_id.code", "=", "BE"]],
    )
    prepare()
    s20 = record_folder("sale_order", 20)
    belgium = demo.scalar("SELECT id FROM res_country WHERE code = 'BE'")
    was_belgian = path_of(s20)[0] == "US Orders"
    country = (
        demo.scalar("SELECT id FROM res_country WHERE code = 'US'") if was_belgian else belgium
    )
    demo.execute(
        "UPDATE res_partner SET country_id = :c, write_date = '2026-11-05 10:00:00' "
        "WHERE name = 'Elena Green'",
        c=country,
    )
    stats = prepare()
    assert stats["full_passes"] == 0
    s20.refresh_from_db()
    assert (path_of(s20)[0] == "US Orders") is not was_belgian


def test_periods_move_with_today(demo):
    prepare()
    invoices = FolderRule.objects.get(key="recent-invoices")
    inside = Folder.objects.filter(rule=invoices, kind=FolderKind.RECORD, active=True)
    count_now = inside.count()
    assert count_now > 0
    later = DEMO_TODAY + dt.timedelta(days=62)
    stats = prepare(today=later)
    assert stats["full_passes"] >= 1
    assert stats["archived"] > 0
    assert inside.count() < count_now


def test_parent_record_leaving_takes_its_subtree_and_brings_it_back(demo):
    prepare()
    azure = demo.scalar("SELECT id FROM res_partner WHERE name = 'Azure Interior'")
    task = record_folder("project_task", 1)
    demo.execute(
        "UPDATE res_partner SET customer_rank = 0, write_date = '2026-11-05 10:00:00' "
        "WHERE id = :id",
        id=azure,
    )
    prepare()
    task.refresh_from_db()
    assert not task.active
    demo.execute(
        "UPDATE res_partner SET customer_rank = 3, write_date = '2026-11-06 10:00:00' "
        "WHERE id = :id",
        id=azure,
    )
    prepare()
    task.refresh_from_db()
    assert task.active
    assert path_of(task)[:4] == ("Customers", "Azure Interior", "Projects", "Software Design")


def test_archived_rule_archives_its_folders(demo):
    prepare()
    rule = FolderRule.objects.get(key="departments")
    rule.active = False
    rule.save()
    prepare()
    assert not any(path[0] == "Departments" for path in paths())
    assert not Folder.objects.filter(rule__key="employees", active=True).exists()
    rule.active = True
    rule.save()
    prepare()
    assert ("Departments", "Administration", "Employees", "Mitchel Admin") in paths()


def test_budget_spreads_work_over_runs_with_the_same_result(demo):
    first = prepare(budget=500)
    assert first["rules_unfinished"] > 0 or first["evaluated"] >= 500
    for _ in range(100):
        stats = prepare(budget=500)
        if stats["evaluated"] == 0:
            break
    budgeted = {node.path for node in tree_nodes()}
    stats = prepare(full=True)
    assert stats["created"] == stats["archived"] == stats["moved"] == 0
    assert {node.path for node in tree_nodes()} == budgeted
