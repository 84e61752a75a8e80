"""The connection form's rule picker: `GET /api/sync/rules/` lists the active folder rules by
name (searched by name or model) with their model and source — administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from archivist.documents.models import FolderRule, Source
from archivist.documents.roles import ADMINISTRATION, FILE_MANAGER

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules() -> dict[str, FolderRule]:
    erp = Source.objects.create(name="erp", url="sqlite:///erp.db")
    made = {
        name: FolderRule.objects.create(key=key, name=name, source=erp, model=model)
        for key, name, model in [
            ("orders", "Sale orders", "sale_order"),
            ("partners", "Contacts", "res_partner"),
            ("tasks", "Tasks", "project_task"),
        ]
    }
    FolderRule.objects.filter(pk=made["Tasks"].pk).update(active=False)
    return made


def signed_in(django_user_model, username: str, group: str) -> Client:
    user = django_user_model.objects.create_user(username, password="pw")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_administrators_list_and_search_the_active_rules(django_user_model, rules):
    admin = signed_in(django_user_model, "boss", ADMINISTRATION)
    listed = admin.get("/api/sync/rules/")
    assert listed.status_code == 200
    assert listed.json() == [
        {"id": rules["Contacts"].pk, "name": "Contacts", "model": "res_partner", "source": "erp"},
        {
            "id": rules["Sale orders"].pk,
            "name": "Sale orders",
            "model": "sale_order",
            "source": "erp",
        },
    ]  # by name; the archived rule "Tasks" makes no folders and is not offered
    by_name = admin.get("/api/sync/rules/", {"search": "ORDER"}).json()
    assert [rule["name"] for rule in by_name] == ["Sale orders"]
    by_model = admin.get("/api/sync/rules/", {"search": "partner"}).json()
    assert [rule["name"] for rule in by_model] == ["Contacts"]
    assert admin.get("/api/sync/rules/", {"search": "nothing like it"}).json() == []


def test_file_managers_and_visitors_are_refused(django_user_model, rules):
    manager = signed_in(django_user_model, "marc", FILE_MANAGER)
    refused = manager.get("/api/sync/rules/")
    assert refused.status_code == 403
    assert "Administration" in refused.json()["detail"]
    assert b"Sale orders" not in refused.content
    assert Client().get("/api/sync/rules/").status_code in (401, 403)
