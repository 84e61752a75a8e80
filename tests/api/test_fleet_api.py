"""Fleet API against the Odoo test server: every endpoint with an allowed and a forbidden
caller. Databases Users see (and sync, and connect to) only the databases where they have an
account; Databases Administrators do everything and alone see API keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from archivist.fleet.models import Database, FleetSettings
from archivist.fleet.services.runs import process_pending_runs
from archivist.fleet.services.synchronize import synchronize
from tests.fleet.helpers import People, make_people, odoo_database, quick_timeouts
from tests.peers.odoo import database_entry, odoo_peer  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

FLEET_PATHS = [
    "/api/fleet/databases/",
    "/api/fleet/databases/{id}/",
    "/api/fleet/databases/{id}/users/",
    "/api/fleet/databases/{id}/sync/",
    "/api/fleet/databases/{id}/connect/",
    "/api/fleet/sync/",
    "/api/fleet/runs/",
    "/api/fleet/runs/{id}/",
    "/api/fleet/discover/",
    "/api/fleet/invite/",
    "/api/fleet/remove/",
    "/api/fleet/tags/",
    "/api/fleet/settings/",
]


@dataclass
class Fleet:
    people: People
    acme: Database  # jane (the consultant) has an account on it
    other: Database  # she has none
    peer: Any

    def api(self, user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def fleet(odoo_peer, settings) -> Fleet:  # noqa: F811
    quick_timeouts(settings)
    people = make_people()
    acme, _ = odoo_database(odoo_peer, "acme")
    other, _ = odoo_database(odoo_peer, "other", users=[])
    acme.tags.create(name="Accounting")
    other.tags.create(name="Secret client")
    assert all(outcome.ok for outcome in synchronize([acme, other]))
    return Fleet(people, acme, other, odoo_peer)


def test_the_list_shows_each_role_what_it_may_see(fleet):
    admin = fleet.api(fleet.people.admin).get("/api/fleet/databases/")
    assert admin.status_code == 200
    assert {row["name"] for row in admin.json()} == {"acme", "other"}
    assert {row["api_key"] for row in admin.json()} == {"key-acme", "key-other"}
    mine = fleet.api(fleet.people.consultant).get("/api/fleet/databases/")
    assert mine.status_code == 200
    [row] = mine.json()
    assert row["name"] == "acme" and "api_key" not in row
    assert row["kpis"]["account_journal_type.bank"]["value"] == 12
    assert (row["documents"], row["draft_entries"], row["tax_return_status"]) == (7, 15, "late")
    assert fleet.api(fleet.people.outsider).get("/api/fleet/databases/").json() == []
    assert fleet.api(fleet.people.stranger).get("/api/fleet/databases/").status_code == 403
    assert fleet.api(None).get("/api/fleet/databases/").status_code in (401, 403)


def test_the_list_filters_and_sorts(fleet):
    Database.objects.filter(pk=fleet.other.pk).update(sync_errors=2, tax_return_status="done")
    api = fleet.api(fleet.people.admin)
    by_status = api.get("/api/fleet/databases/?ordering=tax_return_status").json()
    assert [row["name"] for row in by_status] == ["acme", "other"]  # late before done
    assert [r["name"] for r in api.get("/api/fleet/databases/?errors=1").json()] == ["other"]
    assert [r["name"] for r in api.get("/api/fleet/databases/?tag=Accounting").json()] == ["acme"]
    assert api.get("/api/fleet/databases/?ordering=secret").status_code == 400
    assert [r["name"] for r in api.get("/api/fleet/databases/?search=OTH").json()] == ["other"]
    counts = {r["name"]: r["user_count"] for r in api.get("/api/fleet/databases/").json()}
    assert counts == {"acme": 3, "other": 1}  # jane, bob and the API user; the API user


def test_only_administrators_add_change_and_delete_databases(fleet, odoo_peer):  # noqa: F811
    body = {
        "name": "new",
        "hosting": "premise",
        "url": "https://erp.new.example",
        "database_name": "prod",
        "api_login": "admin@new.example",
        "api_key": "new-secret-key",
        "tags": ["Retail"],
    }
    assert fleet.api(fleet.people.consultant).post("/api/fleet/databases/", body).status_code == 403
    created = fleet.api(fleet.people.admin).post("/api/fleet/databases/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["api_key"] == "new-secret-key" and created.json()["tags"] == ["Retail"]
    stored = Database.objects.get(name="new")
    assert "new-secret-key" not in stored.api_key_encrypted  # encrypted at rest
    url = f"/api/fleet/databases/{stored.pk}/"
    denied = fleet.api(fleet.people.consultant).patch(url, {"name": "x"}, format="json")
    assert denied.status_code == 403
    changed = fleet.api(fleet.people.admin).patch(url, {"version": "1"}, format="json")
    assert changed.status_code == 400 and "version" in changed.json()  # not writable
    bad = fleet.api(fleet.people.admin).patch(url, {"hosting": "premise", "url": ""}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()
    assert fleet.api(fleet.people.consultant).delete(url).status_code == 403
    assert fleet.api(fleet.people.admin).delete(url).status_code == 204
    assert not Database.objects.filter(name="new").exists()


def test_one_database_its_users_sync_and_connect_follow_visibility(fleet):
    consultant = fleet.api(fleet.people.consultant)
    stranger = fleet.api(fleet.people.stranger)
    for suffix, method in [("", "get"), ("users/", "get"), ("sync/", "post"), ("connect/", "get")]:
        mine = getattr(consultant, method)(f"/api/fleet/databases/{fleet.acme.pk}/{suffix}")
        assert mine.status_code == 200, (suffix, mine.content)
        hidden = getattr(consultant, method)(f"/api/fleet/databases/{fleet.other.pk}/{suffix}")
        assert hidden.status_code == 403, suffix
        assert (
            getattr(consultant, method)(f"/api/fleet/databases/99999/{suffix}").status_code == 404
        )
        assert (
            getattr(stranger, method)(f"/api/fleet/databases/{fleet.acme.pk}/{suffix}").status_code
            == 403
        )
    users = consultant.get(f"/api/fleet/databases/{fleet.acme.pk}/users/").json()
    jane = next(row for row in users if row["login"] == "jane@firm.example")
    assert jane["local_username"] == "jane" and jane["latest_authentication"].startswith(
        "2026-11-20"
    )
    synced = consultant.post(f"/api/fleet/databases/{fleet.acme.pk}/sync/").json()
    assert synced["ok"] is True
    url = consultant.get(f"/api/fleet/databases/{fleet.acme.pk}/connect/").json()["url"]
    assert url == f"{fleet.acme.url}/odoo"


def test_sync_of_a_selection_inline_and_of_many_in_the_background(fleet, odoo_peer):  # noqa: F811
    consultant = fleet.api(fleet.people.consultant)
    answer = consultant.post("/api/fleet/sync/", {"databases": [fleet.acme.pk]}, format="json")
    assert answer.status_code == 200
    assert [result["name"] for result in answer.json()["results"]] == ["acme"]
    hidden = consultant.post("/api/fleet/sync/", {"databases": [fleet.other.pk]}, format="json")
    assert hidden.status_code == 403
    mine = consultant.post("/api/fleet/sync/", {"all": True}, format="json").json()
    assert [result["name"] for result in mine["results"]] == ["acme"]
    assert (
        fleet.api(fleet.people.stranger).post("/api/fleet/sync/", {"all": True}).status_code == 403
    )
    for number in range(20):
        odoo_database(odoo_peer, f"more{number:02d}")
    admin = fleet.api(fleet.people.admin)
    started = admin.post("/api/fleet/sync/", {"all": True}, format="json")
    assert started.status_code == 202
    run = started.json()
    assert (run["state"], run["total"], run["done"]) == ("pending", 22, 0)
    assert (
        fleet.api(fleet.people.consultant).get(f"/api/fleet/runs/{run['id']}/").status_code == 403
    )
    process_pending_runs()
    progress = admin.get(f"/api/fleet/runs/{run['id']}/").json()
    assert (progress["state"], progress["done"], progress["failed"]) == ("done", 22, 0)
    assert len(progress["results"]) == 22
    assert [r["id"] for r in admin.get("/api/fleet/runs/").json()] == [run["id"]]
    assert consultant.get("/api/fleet/runs/").json() == []  # not hers
    assert fleet.api(fleet.people.stranger).get("/api/fleet/runs/").status_code == 403


def test_discover_is_for_administrators(fleet, odoo_peer):  # noqa: F811
    odoo_peer.odoo_com.set_account(
        login="me@firm.example",
        api_key="ocom",
        databases=[
            database_entry("fresh", f"{odoo_peer.base_url}/fresh", "me@firm.example", "18.0")
        ],
    )
    settings_url = "/api/fleet/settings/"
    body = {
        "odoo_com_login": "me@firm.example",
        "odoo_com_api_key": "ocom",
        "odoo_com_url": f"{odoo_peer.base_url}/odoo.com",
    }
    assert fleet.api(fleet.people.consultant).patch(settings_url, body).status_code == 403
    saved = fleet.api(fleet.people.admin).patch(settings_url, body, format="json")
    assert saved.status_code == 200 and saved.json()["odoo_com_api_key_set"] is True
    assert "ocom" not in str(saved.json().values()).replace("odoo.com", "")
    assert FleetSettings.load().odoo_com_api_key_encrypted != "ocom"
    assert fleet.api(fleet.people.consultant).post("/api/fleet/discover/").status_code == 403
    found = fleet.api(fleet.people.admin).post("/api/fleet/discover/")
    assert found.status_code == 200
    assert [(r["name"], r["action"]) for r in found.json()["results"]] == [("fresh", "created")]
    fleet.api(fleet.people.admin).patch(settings_url, {"odoo_com_api_key": "bad"}, format="json")
    refused = fleet.api(fleet.people.admin).post("/api/fleet/discover/")
    assert refused.status_code == 502 and refused.json()["detail"] == "Invalid apikey"
    assert fleet.api(fleet.people.consultant).get(settings_url).status_code == 403
    assert fleet.api(fleet.people.admin).get(settings_url).status_code == 200


def test_invite_and_remove_are_for_administrators_and_report_per_database(fleet):
    otto = fleet.people.outsider
    body = {"databases": [fleet.acme.pk, fleet.other.pk], "users": [otto.pk]}
    consultant = fleet.api(fleet.people.consultant)
    assert consultant.post("/api/fleet/invite/", body, format="json").status_code == 403
    admin = fleet.api(fleet.people.admin)
    invited = admin.post("/api/fleet/invite/", body, format="json")
    assert invited.status_code == 200
    assert [(r["name"], r["ok"]) for r in invited.json()["results"]] == [
        ("acme", True),
        ("other", True),
    ]
    # otto now has accounts: as a Databases User he sees both databases
    assert len(fleet.api(otto).get("/api/fleet/databases/").json()) == 2
    remove = {"logins": ["otto@firm.example"], "everywhere": True}
    assert consultant.post("/api/fleet/remove/", remove, format="json").status_code == 403
    removed = admin.post("/api/fleet/remove/", remove, format="json")
    assert removed.status_code == 200
    assert all(r["ok"] for r in removed.json()["results"])
    assert fleet.api(otto).get("/api/fleet/databases/").json() == []
    both = {"logins": ["x@y.example"], "everywhere": True, "databases": [fleet.acme.pk]}
    assert admin.post("/api/fleet/remove/", both, format="json").status_code == 400


def test_tags_are_those_of_visible_databases(fleet):
    assert fleet.api(fleet.people.consultant).get("/api/fleet/tags/").json() == ["Accounting"]
    assert fleet.api(fleet.people.admin).get("/api/fleet/tags/").json() == [
        "Accounting",
        "Secret client",
    ]
    assert fleet.api(fleet.people.stranger).get("/api/fleet/tags/").status_code == 403


def test_the_schema_documents_every_fleet_endpoint(tmp_path, db):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    for route in FLEET_PATHS:
        assert route in schema["paths"], route
        for method, operation in schema["paths"][route].items():
            assert operation.get("summary"), f"{method.upper()} {route} has no summary"
