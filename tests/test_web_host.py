"""The pages Django serves around the web app: sign-in, sign-out and the app's host page."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import User
from django.test import Client

from archivist.web import frontend


@pytest.fixture
def built(settings, tmp_path):
    """A stand-in for frontend/dist (the real build is the e2e tests' business), nothing
    collected."""
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div>')
    settings.FRONTEND_DIST = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()  # empty: nothing collected
    return tmp_path


@pytest.mark.django_db
def test_the_app_needs_signing_in_first(built):
    answer = Client().get("/files?x=1")
    assert answer.status_code == 302
    assert answer["Location"] == "/login/?next=/files%3Fx%3D1"


@pytest.mark.django_db
def test_every_app_page_serves_the_index_with_a_csrf_cookie(built):
    client = Client()
    client.force_login(User.objects.create_user("someone"))
    for path in ["/", "/files", "/records/demo/sale_order/10"]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert b'<div id="root">' in answer.content
        assert "csrftoken" in answer.cookies
    assert client.get("/nothing-here").status_code == 404


@pytest.mark.django_db
def test_an_unbuilt_app_says_how_to_build_it(settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path / "missing"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    client = Client()
    client.force_login(User.objects.create_user("someone"))
    answer = client.get("/files")
    assert answer.status_code == 503
    assert b"scripts/build-frontend" in answer.content


@pytest.mark.django_db
def test_sign_in_and_sign_out():
    User.objects.create_user("someone", password="a long enough password")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/?next=/files")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    wrong = client.post(
        "/login/",
        {"username": "someone", "password": "wrong", "csrfmiddlewaretoken": token},
    )
    assert wrong.status_code == 200
    assert b"did not match" in wrong.content
    answer = client.post(
        "/login/",
        {
            "username": "someone",
            "password": "a long enough password",
            "next": "/files",
            "csrfmiddlewaretoken": token,
        },
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/files"
    token = client.cookies["csrftoken"].value
    out = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert out.status_code == 302
    assert out["Location"] == "/login/"
    assert client.get("/files").status_code == 302


def test_the_index_is_read_again_when_rebuilt(settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    index = tmp_path / "index.html"
    index.write_text("one")
    assert frontend.index_html() == "one"
    index.write_text("two, longer")
    os.utime(index, (1, 1))  # a different modification time, whatever the clock's resolution
    assert frontend.index_html() == "two, longer"


def test_the_copy_collected_with_the_assets_comes_first(settings, tmp_path):
    """A rebuild while the server runs must not name assets the server has not collected."""
    settings.FRONTEND_DIST = tmp_path / "dist"
    settings.FRONTEND_DIST.mkdir()
    (settings.FRONTEND_DIST / "index.html").write_text("rebuilt since")
    settings.STATIC_ROOT = tmp_path / "static"
    (settings.STATIC_ROOT / "app").mkdir(parents=True)
    (settings.STATIC_ROOT / "app" / "index.html").write_text("collected at start")
    assert frontend.index_html() == "collected at start"
