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
        }


def test_me_refuses_anonymous_callers(client_for):
    answer = client_for(None).get("/api/me/")
    assert answer.status_code == 403
    assert "credentials" in answer.json()["detail"]
