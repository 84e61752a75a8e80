"""GET /api/me/: who is signed in and what the web app may offer them."""

from __future__ import annotations


def test_me_tells_the_web_app_what_each_person_may_open(people, client_for):
    expected = {
        "admin": (False, True, True),
        "manager": (False, True, False),
        "clerk": (False, False, False),
        "visitor": (True, False, False),
    }
    for username, (portal, file_manager, administrator) in expected.items():
        user = getattr(people, username)
        answer = client_for(user).get("/api/me/")
        assert answer.status_code == 200, answer.content
        assert answer.json() == {
            "id": user.pk,
            "username": username,
            "name": username,
            "portal": portal,
            "file_manager": file_manager,
            "administrator": administrator,
            "back_office": False,
            "fleet_user": False,
            "fleet_administrator": False,
            "tags_enabled": True,
            "sharing_enabled": True,
        }


def test_me_tells_who_may_open_the_fleet(people, client_for):
    from django.contrib.auth.models import Group

    from archivist.fleet.services.access import DATABASES_ADMINISTRATOR, DATABASES_USER

    people.manager.groups.add(Group.objects.get_or_create(name=DATABASES_USER)[0])
    people.clerk.groups.add(Group.objects.get_or_create(name=DATABASES_ADMINISTRATOR)[0])
    people.visitor.groups.add(Group.objects.get_or_create(name=DATABASES_ADMINISTRATOR)[0])
    flags = {
        username: (answer["fleet_user"], answer["fleet_administrator"])
        for username in ("admin", "manager", "clerk", "visitor")
        for answer in [client_for(getattr(people, username)).get("/api/me/").json()]
    }
    assert flags == {
        "admin": (False, False),
        "manager": (True, False),
        "clerk": (True, True),
        "visitor": (False, False),  # a portal user never reaches the fleet
    }


def test_me_refuses_anonymous_callers(client_for):
    answer = client_for(None).get("/api/me/")
    assert answer.status_code == 403
    assert "credentials" in answer.json()["detail"]
