"""Access rights, with the spec's own examples ("Access Rights" chapter)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from archivist.documents import roles
from archivist.documents.models import AccessPolicy, Folder, FolderKind, FolderRule, Source
from archivist.documents.services.access import folder_access, resolve_user
from tests.conftest import DEMO_TODAY
from tests.documents.test_prepare_folders import path_of, prepare

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]


@pytest.fixture
def shop(demo_template, tmp_path) -> dict[str, Any]:
    """Customers > John Brown > Orders > S00010 (manager Anita Oliver), S00030 (Abigail
    Peterson); Customers > Elena Green > Orders > S00020 (Doris Cole)."""
    path = tmp_path / "shop.sqlite3"
    shutil.copyfile(demo_template, path)
    source = Source.objects.create(name="demo", url=f"sqlite:///{path}")
    customers = FolderRule.objects.create(
        key="customers",
        name="Customers",
        source=source,
        model="res_partner",
        domain=[["name", "in", ["John Brown", "Elena Green"]]],
        name_template="{{ object.name }}",
    )
    FolderRule.objects.create(
        key="orders",
        name="Orders",
        source=source,
        model="sale_order",
        parent=customers,
        parent_field="partner_id",
        domain=[["name", "in", ["S00010", "S00020", "S00030"]]],
        name_template="{{ object.name }}",
    )
    prepare(today=DEMO_TODAY)
    all_documents = Group.objects.create(name="Sales / User: All Documents")
    own_documents = Group.objects.create(name="Sales / User: Own Documents Only")
    AccessPolicy.objects.create(source=source, model="res_partner", group=all_documents)
    AccessPolicy.objects.create(source=source, model="sale_order", group=all_documents)
    AccessPolicy.objects.create(
        source=source,
        model="sale_order",
        group=own_documents,
        row_filter=[["user_id.login", "=", {"user": "login"}]],
    )
    anita = User.objects.create_user("anita")
    anita.groups.add(all_documents)
    doris = User.objects.create_user("doris")
    doris.groups.add(own_documents)
    folders = {path_of(folder): folder for folder in Folder.objects.all()}
    return {
        "source": source,
        "anita": anita,
        "doris": doris,
        "folders": folders,
        "all_documents": all_documents,
        "own_documents": own_documents,
    }


def readable_paths(user: User, folders: dict[tuple[str, ...], Folder]) -> set[tuple[str, ...]]:
    access = folder_access(user)
    return {path for path, folder in folders.items() if access.can_read(folder.pk)}


def test_all_documents_user_reads_the_whole_tree(shop):
    assert readable_paths(shop["anita"], shop["folders"]) == set(shop["folders"])


def test_own_documents_user_reads_only_her_order_and_sees_it_flat(shop):
    folders = shop["folders"]
    assert readable_paths(shop["doris"], folders) == {
        ("Customers", "Elena Green", "Orders", "S00020")
    }
    access = folder_access(shop["doris"])
    assert access.visible_parent(folders[("Customers", "Elena Green", "Orders", "S00020")]) is None


def test_orders_without_partner_access_are_shown_flat(shop):
    orders_only = Group.objects.create(name="Orders only")
    AccessPolicy.objects.create(source=shop["source"], model="sale_order", group=orders_only)
    clerk = User.objects.create_user("clerk")
    clerk.groups.add(orders_only)
    readable = readable_paths(clerk, shop["folders"])
    assert readable == {
        ("Customers", "John Brown", "Orders", "S00010"),
        ("Customers", "John Brown", "Orders", "S00030"),
        ("Customers", "Elena Green", "Orders", "S00020"),
    }


def test_rule_folders_follow_their_parent_or_the_model(shop):
    """'Orders' follows 'John Brown'; 'Customers' (no parent) follows the partner model."""
    partners_only = Group.objects.create(name="Partners only")
    AccessPolicy.objects.create(
        source=shop["source"],
        model="res_partner",
        group=partners_only,
        row_filter=[["name", "=", "John Brown"]],
    )
    viewer = User.objects.create_user("viewer")
    viewer.groups.add(partners_only)
    assert readable_paths(viewer, shop["folders"]) == {
        ("Customers",),
        ("Customers", "John Brown"),
        ("Customers", "John Brown", "Orders"),
    }


def test_manual_folders_follow_their_parent(shop):
    folders = shop["folders"]
    places = {
        "root": None,
        "in order": folders[("Customers", "John Brown", "Orders", "S00010")],
        "in rule folder": folders[("Customers", "John Brown", "Orders")],
        "in root rule folder": folders[("Customers",)],
    }
    manual = {
        key: Folder.objects.create(name="Documents", kind=FolderKind.MANUAL, parent=parent)
        for key, parent in places.items()
    }
    nobody = User.objects.create_user("nobody")
    doris_access = folder_access(shop["doris"])
    nobody_access = folder_access(nobody)
    anita_access = folder_access(shop["anita"])
    # A stand-alone manual folder is open to everyone unless restricted.
    assert nobody_access.can_read(manual["root"].pk)
    assert doris_access.can_read(manual["root"].pk)
    # Inside S00010: only who reads S00010.
    assert anita_access.can_read(manual["in order"].pk)
    assert not doris_access.can_read(manual["in order"].pk)
    # Inside 'Orders' under John Brown: who reads John Brown; inside 'Customers': the model.
    assert anita_access.can_read(manual["in rule folder"].pk)
    assert not doris_access.can_read(manual["in rule folder"].pk)
    assert anita_access.can_read(manual["in root rule folder"].pk)
    assert not doris_access.can_read(manual["in root rule folder"].pk)


def test_restrictions_along_a_branch_intersect(shop):
    """John Brown > Documents > Important > Top Priority, the spec's example."""
    john = shop["folders"][("Customers", "John Brown")]
    documents = Folder.objects.create(name="Documents", kind=FolderKind.MANUAL, parent=john)
    important = Folder.objects.create(name="Important", kind=FolderKind.MANUAL, parent=documents)
    top = Folder.objects.create(name="Top Priority", kind=FolderKind.MANUAL, parent=important)
    groups = {
        name: Group.objects.create(name=name)
        for name in (
            "Sales / Administration",
            "Project / Administration",
            "Inventory / Administrator",
        )
    }
    people = {}
    for login in ("mitchel", "abigail", "anita_oliver", "sales_admin", "inventory_admin"):
        person = User.objects.create_user(login)
        person.groups.add(shop["all_documents"])  # everyone reads John Brown
        people[login] = person
    people["sales_admin"].groups.add(groups["Sales / Administration"])
    people["inventory_admin"].groups.add(groups["Inventory / Administrator"])
    important.users.set([people["mitchel"], people["abigail"]])
    important.groups.set([groups["Sales / Administration"], groups["Project / Administration"]])
    top.users.set([people["mitchel"], people["anita_oliver"]])
    top.groups.set([groups["Sales / Administration"], groups["Inventory / Administrator"]])
    can_read_top = {
        login for login, person in people.items() if folder_access(person).can_read(top.pk)
    }
    assert can_read_top == {"mitchel", "sales_admin"}
    assert folder_access(people["abigail"]).can_read(important.pk)
    assert not folder_access(people["abigail"]).can_read(top.pk)
    assert folder_access(people["anita_oliver"]).can_read(documents.pk)


def test_administrators_read_everything_and_portal_users_nothing(shop):
    admin = User.objects.create_user("boss")
    admin.groups.add(Group.objects.get(name=roles.ADMINISTRATION))
    secret = Folder.objects.create(name="Secret", kind=FolderKind.MANUAL)
    secret.users.set([shop["anita"]])
    assert folder_access(admin).can_read(secret.pk)
    assert all(folder_access(admin).can_read(f.pk) for f in shop["folders"].values())
    visitor = User.objects.create_user("visitor")
    visitor.groups.add(Group.objects.get(name=roles.PORTAL))
    assert not any(folder_access(visitor).can_read(f.pk) for f in shop["folders"].values())


def test_archived_folders_are_not_readable(shop):
    folder = Folder.objects.create(name="Old", kind=FolderKind.MANUAL, active=False)
    assert not folder_access(shop["anita"]).can_read(folder.pk)


def test_row_filters_name_the_current_user():
    class Person:
        username, email, id = "doris", "doris@example.com", 7

    domain = [["user_id.login", "=", {"user": "login"}], ["x", "in", ["user.email", "other"]]]
    assert resolve_user(domain, Person()) == [
        ["user_id.login", "=", "doris"],
        ["x", "in", ["doris@example.com", "other"]],
    ]


def test_cached_tree_follows_changes_to_folders_security_and_groups(shop):
    """The whole-tree result is cached per user; every change access depends on invalidates it."""
    anita, folders = shop["anita"], shop["folders"]
    s10 = folders[("Customers", "John Brown", "Orders", "S00010")]
    assert s10.pk in folder_access(anita).readable
    private = Folder.objects.create(name="Private", kind=FolderKind.MANUAL, parent=s10)
    assert private.pk in folder_access(anita).readable  # a new folder is seen at once
    private.users.set([shop["doris"]])
    assert private.pk not in folder_access(anita).readable  # extra security, at once
    anita.groups.remove(shop["all_documents"])
    assert not folder_access(anita).readable  # group membership, at once


def test_one_folder_is_checked_without_computing_the_tree(shop, django_assert_max_num_queries):
    s20 = shop["folders"][("Customers", "Elena Green", "Orders", "S00020")]
    access = folder_access(shop["doris"])
    with django_assert_max_num_queries(4):
        assert access.can_read(s20.pk)
    assert access._full is None  # the point: no whole-tree computation


def test_a_users_next_requests_reuse_their_groups_and_checked_folders(
    shop, django_assert_max_num_queries
):
    """Each request makes a new FolderAccess: the second one about the same folder asks only
    the user's roles and the access version (no groups, policies or security; no row filter
    sent to the source)."""
    doris, folders = shop["doris"], shop["folders"]
    s20 = folders[("Customers", "Elena Green", "Orders", "S00020")]
    s10 = folders[("Customers", "John Brown", "Orders", "S00010")]
    assert folder_access(doris).can_read(s20.pk)
    assert not folder_access(doris).can_read(s10.pk)
    with django_assert_max_num_queries(3):
        again = folder_access(doris)
        assert again.can_read(s20.pk) and not again.can_read(s10.pk)
    # …until something access depends on changes: a group, and the user's own login
    doris.groups.add(shop["all_documents"])
    assert folder_access(doris).can_read(s10.pk)
    doris.groups.remove(shop["all_documents"])
    assert not folder_access(doris).can_read(s10.pk)
    anita_order = s10  # S00010's salesperson is Anita Oliver (login "anita" in the demo)
    User.objects.filter(pk=shop["anita"].pk).update(username="anita-oliver")
    doris.username = "anita"
    doris.save()
    assert folder_access(doris).can_read(anita_order.pk)
