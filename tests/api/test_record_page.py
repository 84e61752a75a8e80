"""/api/records/{source}/{model}/{id}/: a record's page above its attachment box (display name
and readable fields), open to whoever may read the record, as the box."""

from __future__ import annotations

import sqlite3

import pytest

from archivist.documents.models import Source
from archivist.documents.services.record_page import MAX_FIELDS, label_of, readable_fields
from archivist.documents.services.sources import open_source

pytestmark = pytest.mark.django_db

PAGE = "/api/records/demo/sale_order/10/"


def test_a_reader_of_the_record_sees_its_name_and_readable_fields(clerk_api, order_folder):
    response = clerk_api.get(PAGE)
    assert response.status_code == 200, response.json()
    page = response.json()
    assert (page["source"], page["model"], page["id"]) == ("demo", "sale_order", 10)
    assert page["display_name"] == "S00010"
    assert page["folder"] == order_folder.pk
    fields = {field["name"]: field for field in page["fields"]}
    assert "id" not in fields  # the key is in the URL already
    assert fields["name"] == {"name": "name", "label": "Name", "type": "char", "value": "S00010"}
    # many2one fields show the related record's display name, not its key
    assert fields["partner_id"]["label"] == "Partner"
    assert fields["partner_id"]["type"] == "many2one"
    assert fields["partner_id"]["value"] == "Azure Interior, John Brown"
    assert isinstance(fields["amount_total"]["value"], float)
    assert fields["date_order"]["type"] == "datetime"
    assert fields["date_order"]["value"].startswith("20")  # ISO 8601
    # the box of the same record answers for the same user
    assert clerk_api.get(f"{PAGE}box/").status_code == 200


def test_only_scalar_fields_in_column_order_and_at_most_twenty(tree):
    schema = open_source(Source.objects.get(name="demo")).schema()
    partner = readable_fields(schema["res_partner"])
    assert partner[:2] == ["name", "is_company"]  # display_name is the title, not a field
    assert "sale_order_ids" not in partner  # one2many: not one value
    assert "id" not in partner
    assert all(len(readable_fields(model)) <= MAX_FIELDS for model in schema.values())
    assert label_of("country_id") == "Country"
    assert label_of("date_order") == "Date order"


def test_people_who_cannot_read_the_record_are_refused(
    stranger_api, portal_api, client_for, order_folder
):
    assert stranger_api.get(PAGE).status_code == 403
    assert "cannot read record" in stranger_api.get(PAGE).json()["detail"]
    assert portal_api.get(PAGE).status_code == 403
    assert client_for(None).get(PAGE).status_code == 403


def test_a_record_without_folder_or_gone_from_its_source_is_not_found(clerk_api, tree):
    missing = clerk_api.get("/api/records/demo/sale_order/999999/")
    assert missing.status_code == 404 and "has no folder" in missing.json()["detail"]
    with sqlite3.connect(tree.path) as database:
        database.execute("DELETE FROM sale_order WHERE id = 10")
    gone = clerk_api.get(PAGE)
    assert gone.status_code == 404 and "no longer exists" in gone.json()["detail"]


def test_an_unreadable_source_is_a_503_naming_it(clerk_api, tree):
    with sqlite3.connect(tree.path) as database:
        database.execute("ALTER TABLE sale_order RENAME TO sale_order_moved")
    response = clerk_api.get(PAGE)
    assert response.status_code == 503, response.json()
    assert "demo" in response.json()["detail"]


# -- the embeddable box's page (/embed/records/…): who may frame it ------------------------

EMBED = "/embed/records/demo/sale_order/10"


def test_the_embedded_box_may_be_framed_only_by_the_listed_origins(clerk_api, settings):
    settings.EMBED_ORIGINS = ["https://erp.example.com", "https://*.intranet.example.com"]
    response = clerk_api.get(EMBED)
    assert response.status_code in (200, 503)  # 503: the web app is not built here
    assert response["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://erp.example.com https://*.intranet.example.com"
    )
    assert "X-Frame-Options" not in response
    # every other page keeps refusing frames
    assert clerk_api.get("/api/records/demo/sale_order/10/")["X-Frame-Options"] == "DENY"
    settings.EMBED_ORIGINS = []
    assert clerk_api.get(EMBED)["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_a_visitor_not_signed_in_gets_a_sign_in_link_in_a_new_tab(client_for, tree):
    response = client_for(None).get(EMBED)
    assert response.status_code == 401
    assert "X-Frame-Options" not in response
    page = response.content.decode()
    assert 'href="/login/?next=/embed/records/demo/sale_order/10"' in page
    assert 'target="_blank"' in page


def test_embed_origins_are_checked_when_read(monkeypatch):
    from archivist import config

    monkeypatch.setenv("ARCHIVIST_EMBED_ORIGINS", " https://erp.example.com/ , http://[::1]:8069")
    assert config.origins("ARCHIVIST_EMBED_ORIGINS") == [
        "https://erp.example.com",
        "http://[::1]:8069",
    ]
    monkeypatch.setenv("ARCHIVIST_EMBED_ORIGINS", "https://erp.example.com/web#menu")
    with pytest.raises(
        ValueError, match=r"ARCHIVIST_EMBED_ORIGINS: 'https://erp\.example\.com/web#menu'"
    ):
        config.origins("ARCHIVIST_EMBED_ORIGINS")
    monkeypatch.setenv("ARCHIVIST_EMBED_ORIGINS", "erp.example.com")
    with pytest.raises(ValueError, match="not an origin"):
        config.origins("ARCHIVIST_EMBED_ORIGINS")
