"""Security: Databases Users see only the databases where they have an account, Databases
Administrators see all and alone see API keys — in the one queryset function and in the back
office. Models keep their invariants (URL required with a hosting, unique, keys encrypted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from archivist.fleet.models import Database, DatabaseUser, Hosting
from archivist.fleet.services.access import visible_databases
from archivist.fleet.services.databases import api_key, new_database, save_database

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_root() -> None:
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def databases(people):
    acme = save_database(
        new_database(name="acme", hosting=Hosting.PREMISE, url="https://acme.example"),
        api_key="acme-secret-key",
    )
    other = save_database(
        new_database(name="other", hosting=Hosting.PREMISE, url="https://other.example"),
        api_key="other-secret-key",
    )
    DatabaseUser.objects.create(database=acme, login="JANE@firm.example", name="Jane")
    return acme, other


def names(user) -> set[str]:
    return set(visible_databases(user).values_list("name", flat=True))


def test_each_role_sees_its_databases(people, databases):
    acme, other = databases
    assert names(people.admin) == {"acme", "other"}
    assert names(people.consultant) == {"acme"}  # her email is a login there (any case)
    assert names(people.outsider) == set()
    assert names(people.stranger) == set()
    DatabaseUser.objects.create(database=other, login="otto")  # by username too
    assert names(people.outsider) == {"other"}
    DatabaseUser.objects.create(database=acme, login="x@elsewhere", local_user=people.stranger)
    assert names(people.stranger) == set()  # not in a fleet group: nothing at all
    people.consultant.is_active = False
    assert names(people.consultant) == set()


def test_the_back_office_lists_only_visible_databases_read_only(client, people, databases):
    acme, other = databases
    client.force_login(people.consultant)
    page = client.get(reverse("admin:fleet_database_changelist"))
    assert page.status_code == 200
    assert b"acme" in page.content and b"other.example" not in page.content
    assert client.get(reverse("admin:fleet_database_change", args=[acme.pk])).status_code == 200
    hidden = client.get(reverse("admin:fleet_database_change", args=[other.pk]))
    assert hidden.status_code in (302, 404)  # Django's "does not exist" redirect
    assert client.get(reverse("admin:fleet_database_add")).status_code == 403
    view = client.get(reverse("admin:fleet_database_change", args=[acme.pk]))
    assert b"acme-secret-key" not in view.content and b"api_key" not in view.content
    assert client.get(reverse("admin:fleet_fleetsettings_changelist")).status_code == 403


def test_administrators_edit_and_set_keys_that_are_never_shown_back(client, people, databases):
    acme, _ = databases
    client.force_login(people.admin)
    url = reverse("admin:fleet_database_change", args=[acme.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="api_key"' in page.content
    assert (
        b"acme-secret-key" not in page.content
        and acme.api_key_encrypted.encode() not in page.content
    )
    assert client.get(reverse("admin:fleet_fleetsettings_changelist")).status_code == 200
    assert client.get(reverse("admin:fleet_syncrun_changelist")).status_code == 200


def test_people_outside_the_fleet_groups_get_no_fleet_page(client, people, databases):
    client.force_login(people.stranger)
    assert client.get(reverse("admin:fleet_database_changelist")).status_code == 403


def test_a_hosted_database_needs_a_unique_url_and_its_key_is_encrypted(db):
    with pytest.raises(ValidationError) as raised:
        save_database(new_database(name="a", hosting=Hosting.SAAS))
    assert "url" in raised.value.message_dict
    first = save_database(new_database(name="a", hosting=Hosting.SAAS, url="https://a.example/"))
    assert first.url == "https://a.example"
    with pytest.raises(ValidationError) as raised:
        save_database(new_database(name="b", hosting=Hosting.SAAS, url="https://a.example"))
    assert "url" in str(raised.value.message_dict) or "__all__" in raised.value.message_dict
    save_database(first, api_key="clear-text-key")
    stored = Database.objects.get(pk=first.pk)
    assert "clear-text-key" not in stored.api_key_encrypted
    assert api_key(stored) == "clear-text-key"


def test_the_back_office_synchronize_action_and_connect_link(client, people, odoo_peer):
    from tests.fleet.helpers import odoo_database

    acme, _ = odoo_database(odoo_peer, "acme", profile="17.0")
    client.force_login(people.consultant)  # not yet a user of acme: the action skips it
    changelist = reverse("admin:fleet_database_changelist")
    action = {"action": "synchronize", "_selected_action": [acme.pk], "index": 0}
    client.post(changelist, action, follow=True)
    acme.refresh_from_db()
    assert acme.last_sync is None
    client.force_login(people.admin)
    page = client.post(changelist, action, follow=True)
    assert b"acme: synchronized" in page.content.lower()
    listing = client.get(changelist)
    assert f'href="{acme.url}/web"'.encode() in listing.content


def test_an_administrator_adds_a_database_in_the_back_office(client, people):
    client.force_login(people.admin)
    add = reverse("admin:fleet_database_add")
    assert client.get(add).status_code == 200
    form = {
        "name": "Client SA",
        "hosting": "premise",
        "url": "https://erp.client.example",
        "database_name": "prod",
        "api_login": "admin@client.example",
        "api_key": "typed-secret",
        "fetch_documents": "on",
        "users-TOTAL_FORMS": "0",
        "users-INITIAL_FORMS": "0",
    }
    saved = client.post(add, form)
    assert saved.status_code == 302, saved.content[:2000]
    database = Database.objects.get(name="Client SA")
    assert api_key(database) == "typed-secret"
    assert "typed-secret" not in database.api_key_encrypted
    form["name"], form["api_key"] = "Client SA renamed", ""  # empty keeps the stored key
    client.post(reverse("admin:fleet_database_change", args=[database.pk]), form)
    database.refresh_from_db()
    assert (database.name, api_key(database)) == ("Client SA renamed", "typed-secret")


def test_invite_and_remove_users_from_the_back_office(client, people, odoo_peer):
    from tests.fleet.helpers import odoo_database

    one, one_site = odoo_database(odoo_peer, "one")
    two, two_site = odoo_database(odoo_peer, "two", profile="17.0")
    changelist = reverse("admin:fleet_database_changelist")
    selected = [one.pk, two.pk]
    client.force_login(people.consultant)  # a Databases User has no such action
    refused = {"action": "invite_users", "_selected_action": selected, "apply": "Invite",
               "users": [people.outsider.pk]}  # fmt: skip
    page = client.post(changelist, refused, follow=True)
    assert page.status_code == 200 and b"Choose the local users" not in page.content
    assert one_site.databases["one"].user_by_login("otto@firm.example") is None
    client.force_login(people.admin)
    page = client.post(changelist, {"action": "invite_users", "_selected_action": selected})
    assert page.status_code == 200 and b"Choose the local users" in page.content
    invited = client.post(
        changelist,
        {
            "action": "invite_users",
            "_selected_action": selected,
            "apply": "Invite",
            "users": [people.outsider.pk],
        },
        follow=True,
    )
    assert b"invited otto@firm.example" in invited.content
    assert one_site.databases["one"].user_by_login("otto@firm.example").active
    page = client.post(changelist, {"action": "remove_users", "_selected_action": selected})
    assert b"otto@firm.example" in page.content
    removed = client.post(
        changelist,
        {
            "action": "remove_users",
            "_selected_action": selected,
            "apply": "Remove",
            "logins": ["otto@firm.example"],
        },
        follow=True,
    )
    assert b"deactivated otto@firm.example" in removed.content
    assert two_site.databases["two"].user_by_login("otto@firm.example").active is False
    assert not DatabaseUser.objects.filter(login="otto@firm.example").exists()
