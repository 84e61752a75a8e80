"""The OpenAPI schema documents every documents endpoint, validates without warnings, and
describes what the endpoints really return."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from archivist.api.serializers import AttachmentSerializer, FolderNodeSerializer
from tests.api.conftest import add_file

pytestmark = pytest.mark.django_db

DOCUMENTS_PATHS = [
    "/api/folders/",
    "/api/folders/default/",
    "/api/folders/{id}/",
    "/api/folders/{id}/move/",
    "/api/folders/{id}/archive/",
    "/api/folders/{id}/restore/",
    "/api/folders/{id}/archive.zip",
    "/api/folders/{id}/select/",
    "/api/folders/{id}/record/",
    "/api/records/{source}/{model}/{record_id}/box/",
    "/api/attachments/",
    "/api/attachments/url/",
    "/api/attachments/bulk/",
    "/api/attachments/archive.zip",
    "/api/attachments/slideshow/",
    "/api/attachments/{id}/",
    "/api/attachments/{id}/download/",
    "/api/attachments/{id}/preview/",
    "/api/cloud/{connection}/{path}",
    "/api/tags/",
    "/api/tags/{id}/",
    "/api/tags/{id}/archive/",
    "/api/tags/{id}/restore/",
    "/api/tags/{id}/archive.zip",
    "/api/mass-actions/",
    "/api/mass-actions/{id}/run/",
    "/api/mail/attachable/",
    "/api/mail/send/",
    "/api/tokens/",
]


def test_schema_validates_without_warnings_and_documents_every_endpoint(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    for route in DOCUMENTS_PATHS:
        assert route in schema["paths"], route
        for method, operation in schema["paths"][route].items():
            assert operation.get("summary"), f"{method.upper()} {route} has no summary"


def test_responses_match_their_serializers(admin_api, order_folder):
    add_file(order_folder, "offer.txt", b"offer")
    folders = admin_api.get("/api/folders/").json()["results"]
    assert set(folders[0]) == set(FolderNodeSerializer().fields)
    box = admin_api.get("/api/records/demo/sale_order/10/box/").json()
    assert set(box["attachments"][0]) == set(AttachmentSerializer().fields)
    assert set(box["folder"]) == set(FolderNodeSerializer().fields)
