"""Routes for shares: managing them, and visiting them by token or as a portal user (the same
visitor endpoints under `visit/{token}/` and `portal/shares/{id}/`)."""

from django.urls import include, path

from archivist.api import shares, visits

manage = [
    path("shares/", shares.ShareListView.as_view(), name="shares"),
    path("shares/add/", shares.AddToShareView.as_view(), name="shares-add"),
    path("shares/<int:pk>/", shares.ShareDetailView.as_view(), name="share"),
    path("shares/<int:pk>/token/", shares.ShareTokenView.as_view(), name="share-token"),
    path("shares/<int:pk>/password/", shares.SharePasswordView.as_view(), name="share-password"),
    path("shares/<int:pk>/invite/", shares.ShareInviteView.as_view(), name="share-invite"),
    path("shares/<int:pk>/archive/", shares.ShareArchiveView.as_view(), name="share-archive"),
    path("shares/<int:pk>/restore/", shares.ShareRestoreView.as_view(), name="share-restore"),
    path("shares/<int:pk>/access-log/", shares.ShareAccessLogView.as_view(), name="share-log"),
    path("shares/<int:pk>/archive.zip", shares.ShareZipView.as_view(), name="share-zip"),
    path("shares/<int:pk>/messages/", shares.ShareMessagesView.as_view(), name="share-messages"),
]


def visitor_routes(prefix: str) -> list[object]:
    """The visitor endpoints, named `{prefix}-…` (`visit` or `portal-share`)."""
    return [
        path("", visits.SummaryView.as_view(), name=prefix),
        path("attachments/", visits.AttachmentsView.as_view(), name=f"{prefix}-attachments"),
        path(
            "attachments/<int:attachment_id>/download/",
            visits.DownloadView.as_view(),
            name=f"{prefix}-download",
        ),
        path(
            "attachments/<int:attachment_id>/preview/",
            visits.PreviewView.as_view(),
            name=f"{prefix}-preview",
        ),
        path("archive.zip", visits.ArchiveView.as_view(), name=f"{prefix}-zip"),
        path("folders/", visits.FoldersView.as_view(), name=f"{prefix}-folders"),
        path(
            "folders/<int:folder_id>/archive.zip",
            visits.ArchiveView.as_view(),
            name=f"{prefix}-folder-zip",
        ),
        path("tags/", visits.TagsView.as_view(), name=f"{prefix}-tags"),
        path(
            "tags/<int:tag_id>/archive.zip", visits.ArchiveView.as_view(), name=f"{prefix}-tag-zip"
        ),
        path("upload/", visits.UploadView.as_view(), name=f"{prefix}-upload"),
        path("messages/", visits.MessagesView.as_view(), name=f"{prefix}-messages"),
        path("unlock/", visits.UnlockView.as_view(), name=f"{prefix}-unlock"),
    ]


urlpatterns = [
    *manage,
    path("visit/<str:token>/", include(visitor_routes("visit"))),
    path("portal/shares/", visits.PortalSharesView.as_view(), name="portal-shares"),
    path("portal/shares/<int:share_id>/", include(visitor_routes("portal-share"))),
]
