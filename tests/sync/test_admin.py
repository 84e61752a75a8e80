"""The sync back office: every page opens for an administrator, secrets never appear."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from archivist.sync.models import CloudConnection, SyncLog
from archivist.sync.services.connections import configure

pytestmark = pytest.mark.django_db

SYNC_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "sync"),
    key=lambda model: model._meta.model_name,
)


@pytest.fixture(autouse=True)
def _static_root() -> None:
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def connection() -> CloudConnection:
    connection = CloudConnection(name="Bucket", kind="s3")
    configure(connection, {"bucket": "docs", "secret_key": "never-shown-back"})
    connection.save()
    SyncLog.objects.create(connection=connection, level="warning", message="moved back")
    return connection


@pytest.mark.parametrize("model", SYNC_MODELS, ids=lambda model: model._meta.model_name)
def test_every_sync_page_opens_for_an_admin(admin_client, connection, model):
    page = admin_client.get(reverse(f"admin:sync_{model._meta.model_name}_changelist"))
    assert page.status_code == 200
    assert b"never-shown-back" not in page.content


def test_the_connection_form_never_shows_secrets(admin_client, connection):
    page = admin_client.get(reverse("admin:sync_cloudconnection_change", args=[connection.pk]))
    assert page.status_code == 200
    assert (
        b"never-shown-back" not in page.content and connection.secrets.encode() not in page.content
    )


def test_the_log_is_read_only(admin_client, connection):
    log = SyncLog.objects.get()
    assert admin_client.get(reverse("admin:sync_synclog_add")).status_code == 403
    change = admin_client.post(reverse("admin:sync_synclog_change", args=[log.pk]), {})
    assert change.status_code == 403
    found = admin_client.get(reverse("admin:sync_synclog_changelist") + "?q=moved")
    assert b"moved back" in found.content


def test_people_without_staff_rights_are_refused(client, django_user_model, connection):
    clerk = django_user_model.objects.create_user("clerk", password="pw")
    client.force_login(clerk)
    page = client.get(reverse("admin:sync_cloudconnection_changelist"))
    assert page.status_code == 302 and "/login/" in page["Location"]


def _form_data(page) -> dict:
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = value
    return data


def test_the_connection_form_has_a_field_per_declared_option(admin_client, connection):
    url = reverse("admin:sync_cloudconnection_change", args=[connection.pk])
    page = admin_client.get(url)
    fields = page.context["adminform"].form.fields
    assert {"option__bucket", "option__endpoint_url", "option__secret_key"} <= set(fields)
    assert page.context["adminform"].form.initial.get("option__secret_key") is None
    data = {
        **_form_data(page),
        "option__bucket": "archive",
        "option__path_style": "true",
        "option__secret_key": "",
    }
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    connection.refresh_from_db()
    assert connection.options["bucket"] == "archive" and connection.options["path_style"] is True
    from archivist.sync.services.connections import _secrets

    assert _secrets(connection) == {"secret_key": "never-shown-back"}, "an empty secret keeps it"


def test_a_bad_option_is_named_on_its_field(admin_client, connection):
    url = reverse("admin:sync_cloudconnection_change", args=[connection.pk])
    data = {
        **_form_data(admin_client.get(url)),
        "option__bucket": "",
        "option__endpoint_url": "ftp://x",
    }
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "option__bucket" in errors or "option__endpoint_url" in errors
    connection.refresh_from_db()
    assert connection.options["bucket"] == "docs", "nothing stored on a refused form"


def test_adding_a_connection_asks_for_its_type_first(admin_client):
    page = admin_client.get(reverse("admin:sync_cloudconnection_add"))
    assert page.status_code == 200
    fields = page.context["adminform"].form.fields
    assert "kind" in fields and not any(name.startswith("option__") for name in fields)
