"""The back office: rules and sources (`rules`), folders, attachments, tags, shares and access
policies (`documents`)."""

from archivist.documents.admin import documents, rules

__all__ = ["documents", "rules"]
