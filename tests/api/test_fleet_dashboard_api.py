"""What the fleet dashboard needs beyond the fleet API of test_fleet_api.py: the local people
an administrator invites or makes responsible (`/api/fleet/people/`), the responsible's name
in the list and the `responsible` filter."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from archivist.fleet.models import DatabaseUser
from archivist.fleet.services.databases import new_database, save_database
from tests.fleet.helpers import People, make_people

pytestmark = pytest.mark.django_db


def client_of(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def people() -> People:
    return make_people()


def test_people_are_listed_for_administrators_only(people: People) -> None:
    people.consultant.first_name, people.consultant.last_name = "Jane", "Doe"
    people.consultant.save()
    people.outsider.is_active = False
    people.outsider.save()

    answer = client_of(people.admin).get("/api/fleet/people/", {"search": "jane"})
    assert answer.status_code == 200
    assert answer.json() == [
        {"id": people.consultant.pk, "username": "jane", "name": "Jane Doe",
         "email": "jane@firm.example"}
    ]  # fmt: skip
    everyone = client_of(people.admin).get("/api/fleet/people/").json()
    assert "otto" not in {person["username"] for person in everyone}  # inactive
    chosen = client_of(people.admin).get(
        "/api/fleet/people/", {"ids": f"{people.stranger.pk},{people.admin.pk}"}
    )
    assert [person["username"] for person in chosen.json()] == ["boss", "sam"]
    assert client_of(people.admin).get("/api/fleet/people/", {"ids": "x"}).status_code == 400

    for refused in (people.consultant, people.stranger):
        assert client_of(refused).get("/api/fleet/people/").status_code == 403
    assert APIClient().get("/api/fleet/people/").status_code == 403


def test_the_list_names_the_responsible_and_filters_on_them(people: People) -> None:
    people.admin.first_name, people.admin.last_name = "Bea", "Oss"
    people.admin.save()
    mine = save_database(new_database(name="Mine", responsible=people.admin))
    save_database(new_database(name="Theirs", responsible=people.stranger))
    save_database(new_database(name="Nobody's"))
    DatabaseUser.objects.create(database=mine, login="jane@firm.example")

    rows = client_of(people.admin).get("/api/fleet/databases/").json()
    assert {row["name"]: row["responsible_name"] for row in rows} == {
        "Mine": "Bea Oss",
        "Theirs": "sam",
        "Nobody's": None,
    }
    filtered = client_of(people.admin).get(
        "/api/fleet/databases/", {"responsible": people.admin.pk}
    )
    assert [row["name"] for row in filtered.json()] == ["Mine"]
    bad = client_of(people.admin).get("/api/fleet/databases/", {"responsible": "me"})
    assert bad.status_code == 400
    assert "responsible" in bad.json()

    # a Databases User filters their own databases the same way
    theirs = client_of(people.consultant).get(
        "/api/fleet/databases/", {"responsible": people.admin.pk}
    )
    assert [row["name"] for row in theirs.json()] == ["Mine"]
    assert (
        client_of(people.consultant)
        .get("/api/fleet/databases/", {"responsible": people.stranger.pk})
        .json()
        == []
    )


def test_the_people_endpoint_is_in_the_schema() -> None:
    schema = APIClient().get("/api/schema/?format=json")
    assert schema.status_code == 200, schema.content[:200]
    operation = schema.json()["paths"]["/api/fleet/people/"]["get"]
    assert operation["summary"]
