"""The REST API under /api/: OpenAPI schema at /api/schema/, browsable docs at /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from archivist.api import session

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", session.CurrentUserView.as_view(), name="api-me"),
    path("", include("archivist.api.documents_urls")),
    path("", include("archivist.api.shares_urls")),
    path("", include("archivist.api.sync_urls")),
    path("", include("archivist.api.fleet_urls")),
    path("", include("archivist.api.settings_urls")),
    path("", include("archivist.api.directory_urls")),
]
