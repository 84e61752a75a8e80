"""Routes of the Settings page's API."""

from django.urls import path

from archivist.api import settings_api

urlpatterns = [
    path("settings/", settings_api.InstallationSettingsView.as_view(), name="settings"),
    path(
        "settings/mass-actions/",
        settings_api.MassActionSettingsView.as_view(),
        name="settings-mass-actions",
    ),
    path(
        "settings/mass-actions/<int:pk>/",
        settings_api.MassActionSettingView.as_view(),
        name="settings-mass-action",
    ),
    path("settings/groups/", settings_api.GroupListView.as_view(), name="settings-groups"),
]
