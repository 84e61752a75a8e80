"""Documents models; one module per concept, re-exported here for Django and callers."""

from archivist.documents.models.access import AccessPolicy, AccessVersion
from archivist.documents.models.attachments import Attachment
from archivist.documents.models.folders import Folder, FolderKind
from archivist.documents.models.installation import InstallationSettings
from archivist.documents.models.jobs import JobLease
from archivist.documents.models.rules import (
    DefaultFile,
    DefaultFolder,
    FolderRule,
    FolderRulePeriod,
    FolderRuleState,
    PendingParentCheck,
)
from archivist.documents.models.settings import MassAction, UserPreference
from archivist.documents.models.shares import Share, ShareAccess, ShareMessage
from archivist.documents.models.sources import Source
from archivist.documents.models.tags import Tag

__all__ = [
    "AccessPolicy",
    "AccessVersion",
    "Attachment",
    "DefaultFile",
    "DefaultFolder",
    "Folder",
    "FolderKind",
    "FolderRule",
    "FolderRulePeriod",
    "FolderRuleState",
    "InstallationSettings",
    "JobLease",
    "MassAction",
    "PendingParentCheck",
    "Share",
    "ShareAccess",
    "ShareMessage",
    "Source",
    "Tag",
    "UserPreference",
]
