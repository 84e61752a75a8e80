"""Documents models; one module per concept, re-exported here for Django and callers."""

from archivist.documents.models.attachments import Attachment
from archivist.documents.models.folders import Folder, FolderKind
from archivist.documents.models.jobs import JobLease
from archivist.documents.models.rules import (
    DefaultFile,
    DefaultFolder,
    FolderRule,
    FolderRulePeriod,
    FolderRuleState,
    PendingParentCheck,
)
from archivist.documents.models.sources import Source

__all__ = [
    "Attachment",
    "DefaultFile",
    "DefaultFolder",
    "Folder",
    "FolderKind",
    "FolderRule",
    "FolderRulePeriod",
    "FolderRuleState",
    "JobLease",
    "PendingParentCheck",
    "Source",
]
