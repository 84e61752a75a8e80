"""/api/tokens/: per-user API tokens for programs; browsers keep session auth with CSRF."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_program_uses_its_token_without_csrf(manager_api, order_folder):
    created = manager_api.post("/api/tokens/")
    assert created.status_code == 201
    key = created.json()["token"]
    program = APIClient(enforce_csrf_checks=True)
    program.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = program.post("/api/folders/", {"name": "From a script"}, format="json")
    assert response.status_code == 201, response.json()
    assert program.get("/api/folders/").status_code == 200
    rotated = manager_api.post("/api/tokens/").json()["token"]
    assert rotated != key
    stale = program.get("/api/folders/")  # the old token stopped working
    assert stale.status_code == 403 and stale.json()["detail"] == "Invalid token."
    assert manager_api.delete("/api/tokens/").status_code == 204
    program.credentials(HTTP_AUTHORIZATION=f"Token {rotated}")
    assert program.get("/api/folders/").json()["detail"] == "Invalid token."


def test_session_posts_without_csrf_are_refused(people):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(people.manager)
    response = browser.post("/api/folders/", {"name": "Forged"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert browser.post("/api/tokens/").status_code == 403


def test_portal_users_and_anonymous_get_no_token(portal_api, client_for):
    assert portal_api.post("/api/tokens/").status_code == 403
    assert portal_api.delete("/api/tokens/").status_code == 403
    assert client_for(None).post("/api/tokens/").status_code == 403


def test_a_token_of_an_inactive_or_deleted_user_is_refused(people, order_folder):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=people.manager).key
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert program.get("/api/folders/").status_code == 200
    people.manager.is_active = False
    people.manager.save()
    refused = program.get("/api/folders/")
    assert refused.status_code == 403 and refused.json()["detail"] == "User inactive or deleted."
    people.manager.delete()
    assert program.get("/api/folders/").json()["detail"] == "Invalid token."
    program.credentials(HTTP_AUTHORIZATION="Token not a key")
    assert "should not contain spaces" in program.get("/api/folders/").json()["detail"]
