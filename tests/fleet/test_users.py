"""Inviting and removing users across databases, with a result per database."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from archivist.fleet.models import DatabaseUser
from archivist.fleet.services.databases import save_database
from archivist.fleet.services.synchronize import synchronize
from archivist.fleet.services.users import databases_of_login, invite, remove
from tests.fleet.helpers import odoo_database

pytestmark = pytest.mark.django_db


def test_invite_creates_accounts_without_reset_mail_and_reports_each_database(odoo_peer):
    ann = User.objects.create_user("ann", email="Ann@Firm.example", first_name="Ann")
    one, one_site = odoo_database(odoo_peer, "one")
    two, two_site = odoo_database(odoo_peer, "two", profile="17.0")
    broken, _ = odoo_database(odoo_peer, "broken")
    save_database(broken, api_key="wrong")
    results = {result.name: result for result in invite([one, two, broken], [ann])}
    assert results["one"].ok and results["two"].ok, results
    assert (results["broken"].ok, results["broken"].message) == (False, "Invalid apikey")
    for site, name in ((one_site, "one"), (two_site, "two")):
        remote = site.databases[name]
        created = remote.user_by_login("ann@firm.example")
        assert created is not None and created.active and not created.invitation_sent
        assert remote.web_create_users_calls[-1].context.get("no_reset_password") is True
    tracked = DatabaseUser.objects.filter(login="ann@firm.example")
    assert {row.database.name for row in tracked} == {"one", "two"}
    assert {row.local_user for row in tracked} == {ann}


def test_invite_needs_an_email(db):
    nameless = User.objects.create_user("nomail")
    with pytest.raises(ValidationError, match="no email"):
        invite([], [nameless])


def test_remove_deactivates_never_deletes_and_stops_tracking(odoo_peer):
    one, one_site = odoo_database(odoo_peer, "one")
    two, two_site = odoo_database(odoo_peer, "two", profile="17.0")
    synchronize([one, two])
    [result] = remove([one], ["jane@firm.example"])
    assert result.ok, result.message
    jane = one_site.databases["one"].user_by_login("jane@firm.example")
    assert jane is not None and jane.active is False  # still there, deactivated
    assert not one.users.filter(login="jane@firm.example").exists()
    assert two.users.filter(login="jane@firm.example").exists()
    assert two_site.databases["two"].user_by_login("jane@firm.example").active


def test_remove_everywhere_reaches_every_database_with_the_login(odoo_peer):
    one, one_site = odoo_database(odoo_peer, "one")
    two, two_site = odoo_database(odoo_peer, "two", profile="17.0")
    odoo_database(odoo_peer, "other", users=[])
    synchronize([one, two])
    everywhere = list(databases_of_login("JANE@firm.example"))
    assert {database.name for database in everywhere} == {"one", "two"}
    results = remove(everywhere, ["jane@firm.example"])
    assert all(result.ok for result in results), results
    assert not DatabaseUser.objects.filter(login="jane@firm.example").exists()
    for site, name in ((one_site, "one"), (two_site, "two")):
        assert site.databases[name].user_by_login("jane@firm.example").active is False


def test_removing_an_unknown_login_says_so(odoo_peer):
    one, _ = odoo_database(odoo_peer, "one")
    [result] = remove([one], ["nobody@nowhere.example"])
    assert result.ok and "no such user" in result.message
