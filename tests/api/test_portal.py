"""Portal users reach documents only through shares: every documents endpoint refuses them,
and changes nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import add_file, add_tag, stored_state

pytestmark = pytest.mark.django_db


def test_portal_users_get_403_everywhere(portal_api, order_folder, documents):
    attachment = add_file(order_folder, "offer.txt", b"offer")
    tag = add_tag("Legal")
    f, a, t = order_folder.pk, attachment.pk, tag.pk
    calls = [
        ("get", "/api/folders/"),
        ("post", "/api/folders/"),
        ("get", "/api/folders/default/"),
        ("get", f"/api/folders/{f}/"),
        ("patch", f"/api/folders/{documents.pk}/"),
        ("post", f"/api/folders/{documents.pk}/move/"),
        ("post", f"/api/folders/{documents.pk}/archive/"),
        ("post", f"/api/folders/{documents.pk}/restore/"),
        ("get", f"/api/folders/{f}/archive.zip"),
        ("post", f"/api/folders/{f}/select/"),
        ("get", f"/api/folders/{f}/record/"),
        ("get", "/api/records/demo/sale_order/10/box/"),
        ("get", "/api/attachments/"),
        ("post", "/api/attachments/"),
        ("post", "/api/attachments/url/"),
        ("post", "/api/attachments/bulk/"),
        ("post", "/api/attachments/archive.zip"),
        ("get", f"/api/attachments/slideshow/?ids={a}"),
        ("get", f"/api/attachments/{a}/"),
        ("patch", f"/api/attachments/{a}/"),
        ("delete", f"/api/attachments/{a}/"),
        ("get", f"/api/attachments/{a}/download/"),
        ("get", f"/api/attachments/{a}/preview/"),
        ("get", "/api/tags/"),
        ("post", "/api/tags/"),
        ("get", f"/api/tags/{t}/"),
        ("patch", f"/api/tags/{t}/"),
        ("post", f"/api/tags/{t}/archive/"),
        ("post", f"/api/tags/{t}/restore/"),
        ("get", f"/api/tags/{t}/archive.zip"),
        ("get", "/api/mass-actions/"),
        ("post", "/api/mass-actions/1/run/"),
        ("get", "/api/mail/attachable/"),
        ("post", "/api/mail/send/"),
        ("post", "/api/tokens/"),
        ("delete", "/api/tokens/"),
    ]
    before = stored_state()
    for method, url in calls:
        if method == "get":
            response = portal_api.get(url)
        else:
            response = getattr(portal_api, method)(url, {"name": "x", "ids": [a]}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
    assert stored_state() == before
