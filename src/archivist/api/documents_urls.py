"""Routes for folders, records' attachment boxes, attachments, tags, mass actions, mail and
API tokens."""

from django.urls import path

from archivist.api import (
    attachments,
    cloud_links,
    folders,
    mail,
    mass_actions,
    raw_uploads,
    records,
    selections,
    tags,
    tokens,
)

urlpatterns = [
    # folders
    path("folders/", folders.FolderListView.as_view(), name="api-folders"),
    path("folders/default/", folders.DefaultFolderView.as_view(), name="api-folder-default"),
    path("folders/<int:pk>/", folders.FolderDetailView.as_view(), name="api-folder"),
    path("folders/<int:pk>/move/", folders.FolderMoveView.as_view(), name="api-folder-move"),
    path(
        "folders/<int:pk>/archive/", folders.FolderArchiveView.as_view(), name="api-folder-archive"
    ),
    path(
        "folders/<int:pk>/restore/", folders.FolderRestoreView.as_view(), name="api-folder-restore"
    ),
    path("folders/<int:pk>/archive.zip", folders.FolderZipView.as_view(), name="api-folder-zip"),
    path("folders/<int:pk>/select/", folders.FolderSelectView.as_view(), name="api-folder-select"),
    path("folders/<int:pk>/record/", folders.FolderRecordView.as_view(), name="api-folder-record"),
    # a record's page and its attachment box
    path(
        "records/<str:source>/<str:model>/<str:record_id>/",
        records.RecordPageView.as_view(),
        name="api-record",
    ),
    path(
        "records/<str:source>/<str:model>/<str:record_id>/box/",
        records.RecordBoxView.as_view(),
        name="api-record-box",
    ),
    # attachments
    path("attachments/", attachments.AttachmentListView.as_view(), name="api-attachments"),
    path("attachments/url/", attachments.AttachmentLinkView.as_view(), name="api-attachment-url"),
    path("attachments/bulk/", selections.BulkView.as_view(), name="api-attachments-bulk"),
    path(
        "attachments/archive.zip",
        selections.SelectionZipView.as_view(),
        name="api-attachments-zip",
    ),
    path(
        "attachments/slideshow/",
        selections.SlideshowView.as_view(),
        name="api-attachments-slideshow",
    ),
    path(
        "attachments/<int:pk>/", attachments.AttachmentDetailView.as_view(), name="api-attachment"
    ),
    path(
        "cloud/<int:connection>/<path:path>",
        attachments.CloudFileView.as_view(),
        name="api-cloud-file",
    ),
    path(
        "attachments/<int:pk>/download/",
        attachments.AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
    path(
        "attachments/<int:pk>/open-in-cloud/",
        cloud_links.AttachmentInCloudView.as_view(),
        name="api-attachment-in-cloud",
    ),
    path("folders/<int:pk>/files/", raw_uploads.FolderFilesView.as_view(), name="api-folder-files"),
    path(
        "folders/<int:pk>/open-in-cloud/",
        cloud_links.FolderInCloudView.as_view(),
        name="api-folder-in-cloud",
    ),
    path(
        "attachments/<int:pk>/preview/",
        attachments.AttachmentPreviewView.as_view(),
        name="api-attachment-preview",
    ),
    # tags
    path("tags/", tags.TagListView.as_view(), name="api-tags"),
    path("tags/<int:pk>/", tags.TagDetailView.as_view(), name="api-tag"),
    path("tags/<int:pk>/archive/", tags.TagArchiveView.as_view(), name="api-tag-archive"),
    path("tags/<int:pk>/restore/", tags.TagRestoreView.as_view(), name="api-tag-restore"),
    path("tags/<int:pk>/archive.zip", tags.TagZipView.as_view(), name="api-tag-zip"),
    # mass actions
    path("mass-actions/", mass_actions.MassActionListView.as_view(), name="api-mass-actions"),
    path(
        "mass-actions/<int:pk>/run/",
        mass_actions.MassActionRunView.as_view(),
        name="api-mass-action-run",
    ),
    # mail
    path("mail/attachable/", mail.AttachableView.as_view(), name="api-mail-attachable"),
    path("mail/send/", mail.SendView.as_view(), name="api-mail-send"),
    # API tokens
    path("tokens/", tokens.TokenView.as_view(), name="api-tokens"),
]
