"""The people and groups directory that folder security and connection subscribers pick from."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from tests.api.share_fixtures import People, client, people_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_file_managers_search_internal_people_and_groups(people: People) -> None:
    Group.objects.create(name="Sales")
    User.objects.create_user("elena", first_name="Elena", last_name="Green")
    User.objects.create_user("gone", first_name="Elena", is_active=False)
    api = client(people.manager)

    found = api.get("/api/directory/people/", {"search": "green"}).json()
    assert [(row["username"], row["name"]) for row in found] == [("elena", "Elena Green")]
    everyone = {row["username"] for row in api.get("/api/directory/people/").json()}
    assert "manager" in everyone and "elena" in everyone
    assert "gone" not in everyone, "inactive users are not offered"
    assert "alice" not in everyone, "portal users are not offered"

    groups = [row["name"] for row in api.get("/api/directory/groups/", {"search": "sal"}).json()]
    assert groups == ["Sales"]
    assert "Portal" not in [row["name"] for row in api.get("/api/directory/groups/").json()]


def test_reading_back_by_ids(people: People) -> None:
    api = client(people.manager)
    ids = f"{people.clerk.pk},{people.admin.pk}"
    rows = api.get("/api/directory/people/", {"ids": ids}).json()
    assert [row["username"] for row in rows] == ["admin", "clerk"]
    sales = Group.objects.create(name="Sales")
    assert api.get("/api/directory/groups/", {"ids": str(sales.pk)}).json() == [
        {"id": sales.pk, "name": "Sales"}
    ]
    bad = api.get("/api/directory/people/", {"ids": "3,x"})
    assert bad.status_code == 400 and "ids" in bad.json()


def test_the_directory_needs_file_manager_access(people: People) -> None:
    for user in (None, people.clerk, people.alice):
        for path in ("/api/directory/people/", "/api/directory/groups/"):
            assert client(user).get(path).status_code == 403, (user, path)
