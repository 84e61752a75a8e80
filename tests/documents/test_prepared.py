"""`PreparedQuery` and `PreparedInsert`: statements written once give what the ORM gives, through
Django's cursor (on both of Archivist's databases)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archivist.documents.models import Attachment, Folder, FolderKind
from archivist.documents.prepared import PreparedInsert, PreparedQuery

pytestmark = [pytest.mark.archivist_db, pytest.mark.django_db]

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


_NEW_ATTACHMENT = PreparedInsert(Attachment)
_FIELDS = [field.attname for field in Attachment._meta.concrete_fields]


def test_an_insert_stores_what_create_stores() -> None:
    folder = Folder.objects.create(name="Inbox", kind=FolderKind.MANUAL)
    author = User.objects.create_user("anne")
    values: dict[str, Any] = {
        "name": "Ünïcode & <b>.pdf",
        "folder": folder,
        "blob": "ab" * 32,
        "size": 5_000_000_000,  # past 32 bits
        "mimetype": "application/pdf",
        "author": author,
    }
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        made = _NEW_ATTACHMENT.create(**values)
    assert len(queries) == 1, "one statement, seen by Django's query log"
    by_orm = Attachment.objects.create(**values)
    assert made.pk is not None and made.pk != by_orm.pk
    assert not made._state.adding and made._state.db == "default"
    stored = Attachment.objects.values(*_FIELDS).get(pk=made.pk)
    assert stored == {field: getattr(made, field) for field in _FIELDS}, "as the instance says"
    reference = Attachment.objects.values(*_FIELDS).get(pk=by_orm.pk)
    differing = {field for field in _FIELDS if stored[field] != reference[field]}
    assert differing == {"id", "created_at", "updated_at"}
    assert stored["color"] == 0 and stored["url"] == "" and stored["default_origin_id"] is None
    for stamp in ("created_at", "updated_at"):
        assert before <= stored[stamp] <= timezone.now()
        assert abs(stored[stamp] - reference[stamp]) < dt.timedelta(minutes=1)


def test_an_insert_sends_the_save_signals() -> None:
    folder = Folder.objects.create(name="Inbox", kind=FolderKind.MANUAL)
    heard: list[tuple[str, Any]] = []

    def before(instance: Attachment, **kwargs: Any) -> None:
        heard.append(("pre_save", instance.pk))

    def after(instance: Attachment, created: bool, **kwargs: Any) -> None:
        heard.append(("post_save", (instance.pk, created)))

    pre_save.connect(before, sender=Attachment)
    post_save.connect(after, sender=Attachment)
    try:
        made = _NEW_ATTACHMENT.create(name="a.txt", folder=folder, blob="cd" * 32, size=1)
    finally:
        pre_save.disconnect(before, sender=Attachment)
        post_save.disconnect(after, sender=Attachment)
    assert heard == [("pre_save", None), ("post_save", (made.pk, True))]


def test_a_refused_insert_stores_nothing() -> None:
    folder = Folder.objects.create(name="Inbox", kind=FolderKind.MANUAL)
    with pytest.raises(IntegrityError), transaction.atomic():  # neither a file nor a URL
        _NEW_ATTACHMENT.create(name="empty", folder=folder, blob="", url="")
    assert not Attachment.objects.filter(folder=folder).exists()
