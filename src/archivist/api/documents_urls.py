"""Routes for folders, records' attachment boxes, attachments, tags, mass actions, mail and
API tokens."""

urlpatterns: list[object] = []
