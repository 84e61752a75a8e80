"""`PreparedQuery`: lookups compiled once give what the ORM gives, through Django's cursor."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archivist.documents.models import Folder, FolderKind
from archivist.documents.prepared import PreparedQuery

pytestmark = pytest.mark.django_db

USER_COLUMNS = ("username", "is_active", "date_joined", "last_login")
_BY_USERNAME = PreparedQuery(
    lambda name: User.objects.filter(username=name).values_list(*USER_COLUMNS), example=""
)
_GROUPS = PreparedQuery(
    lambda pk: Group.objects.filter(user=pk).order_by("name").values_list("name"), example=0
)


def test_rows_are_what_values_list_gives_converted_alike() -> None:
    anne = User.objects.create_user("anne", is_active=False, last_login=timezone.now())
    anne.groups.add(Group.objects.create(name="b"), Group.objects.create(name="a"))
    with CaptureQueriesContext(connection) as queries:
        found = _BY_USERNAME.first("anne")
    assert len(queries) == 1, "one statement, seen by Django's query log"
    assert found == User.objects.filter(username="anne").values_list(*USER_COLUMNS).get()
    assert found is not None and found[1] is False and timezone.is_aware(found[2])
    assert _BY_USERNAME.rows("nobody") == [] and _BY_USERNAME.first("nobody") is None
    assert _GROUPS.rows(anne.pk) == [("a",), ("b",)]
    assert _GROUPS.rows(anne.pk + 1) == []


def test_values_of_another_type_are_refused() -> None:
    with pytest.raises(TypeError, match="expected a int"):
        _GROUPS.rows("1")
    with pytest.raises(TypeError, match="an int or a str"):
        PreparedQuery(lambda value: Group.objects.all(), example=1.5)


def test_a_value_that_is_not_exactly_one_parameter_is_refused() -> None:
    twice = PreparedQuery(
        lambda pk: Folder.objects.filter(pk=pk, parent_id=pk).values_list("name"), example=0
    )
    with pytest.raises(ValueError, match="once among its parameters, not 2 times"):
        twice.rows(1)
    unused = PreparedQuery(lambda pk: Folder.objects.values_list("name"), example=0)
    with pytest.raises(ValueError, match="not 0 times"):
        unused.rows(1)


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_on_its_own_connection() -> None:
    folder = Folder.objects.create(name="Shared", kind=FolderKind.MANUAL)
    by_pk = PreparedQuery(
        lambda pk: Folder.objects.filter(pk=pk).values_list("name", "active"), example=0
    )
    assert by_pk.first(folder.pk) == ("Shared", True)
    seen: list[object] = []

    def other() -> None:
        try:
            seen.append(by_pk.first(folder.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [("Shared", True)]
