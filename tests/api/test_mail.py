"""/api/mail/: existing attachments in outgoing email (files only, never copied)."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from archivist.documents.models import Attachment
from tests.api.conftest import PNG, add_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def offer(order_folder):
    return add_file(order_folder, "offer.png", PNG)


@pytest.fixture
def link(order_folder, clerk_api):
    data = {"name": "Spec", "url": "https://example.com/spec", "folder": order_folder.pk}
    return Attachment.objects.get(
        pk=clerk_api.post("/api/attachments/url/", data, "json").json()["id"]
    )


def test_attachable_lists_readable_files_only(clerk_api, offer, link, order_folder):
    response = clerk_api.get(f"/api/mail/attachable/?folders={order_folder.pk}")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [offer.pk]


def test_send_attaches_the_bytes_without_creating_attachments(clerk_api, offer):
    before = Attachment.objects.count()
    response = clerk_api.post(
        "/api/mail/send/",
        {
            "to": ["azure@example.com"],
            "subject": "Your offer",
            "body": "Attached.",
            "attachments": [offer.pk],
        },
        format="json",
    )
    assert response.status_code == 200 and response.json() == {"sent": 1}
    [message] = outbox.outbox
    assert message.to == ["azure@example.com"] and message.subject == "Your offer"
    assert message.attachments[0][0] == "offer.png"
    assert message.attachments[0][1] == PNG
    assert Attachment.objects.count() == before


def test_links_and_bad_addresses_are_refused(clerk_api, offer, link):
    base = {"to": ["azure@example.com"], "subject": "S", "body": ""}
    as_link = clerk_api.post("/api/mail/send/", {**base, "attachments": [link.pk]}, "json")
    assert as_link.status_code == 400 and "link" in as_link.json()["attachments"][0]
    bad_to = clerk_api.post(
        "/api/mail/send/", {**base, "to": ["nope"], "attachments": [offer.pk]}, "json"
    )
    assert bad_to.status_code == 400 and "to" in bad_to.json()
    header = clerk_api.post(
        "/api/mail/send/",
        {**base, "subject": "a\nBcc: x@example.com", "attachments": [offer.pk]},
        "json",
    )
    assert header.status_code == 400 and "subject" in header.json()
    assert outbox.outbox == []


def test_unreadable_attachments_cannot_be_sent(stranger_api, portal_api, offer):
    data = {"to": ["a@example.com"], "subject": "S", "body": "", "attachments": [offer.pk]}
    assert stranger_api.post("/api/mail/send/", data, "json").status_code == 403
    assert stranger_api.get("/api/mail/attachable/").json()["results"] == []
    assert portal_api.get("/api/mail/attachable/").status_code == 403
    assert portal_api.post("/api/mail/send/", data, "json").status_code == 403
    assert outbox.outbox == []
