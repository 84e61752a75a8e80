"""Connect URLs per hosting and version."""

from __future__ import annotations

import pytest

from archivist.fleet.models import FleetSettings, Hosting
from archivist.fleet.services.connect import connect_url
from archivist.fleet.services.databases import new_database, save_database
from tests.fleet.helpers import odoo_database

pytestmark = pytest.mark.django_db


def test_odoo_online_connects_through_odoo_com_with_the_database_uuid(odoo_peer):
    database, site = odoo_database(odoo_peer, "online", hosting=Hosting.SAAS)
    uuid = site.databases["online"].uuid
    assert connect_url(database) == f"https://www.odoo.com/my/databases/connect/{uuid}"
    database.refresh_from_db()
    assert database.uuid == uuid  # read once, kept
    site.fault = __import__("tests.peers.odoo", fromlist=["Fault"]).Fault(kind="reset")
    assert connect_url(database).endswith(uuid)  # no call needed any more
    assert FleetSettings.load().odoo_com_url == "https://www.odoo.com"


@pytest.mark.parametrize(
    ("hosting", "version", "path"),
    [
        (Hosting.PREMISE, "17.2", "/odoo"),
        (Hosting.PREMISE, "saas~17.4+e", "/odoo"),
        (Hosting.PAAS, "18.0+e", "/odoo"),
        (Hosting.PREMISE, "17.0", "/web"),
        (Hosting.PAAS, "16.0+e", "/web"),
        (Hosting.PREMISE, "", "/web"),
    ],
)
def test_on_premise_and_odoo_sh_open_the_web_client_of_their_version(db, hosting, version, path):
    database = save_database(
        new_database(name="x", hosting=hosting, url="https://erp.client.example/", version=version)
    )
    assert connect_url(database) == f"https://erp.client.example{path}"


def test_outside_odoo_opens_the_stored_url(db):
    database = save_database(
        new_database(name="wiki", hosting=Hosting.OTHER, url="https://wiki.client.example/start")
    )
    assert connect_url(database) == "https://wiki.client.example/start"
