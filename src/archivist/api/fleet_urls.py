from django.urls import path

from archivist.api import fleet

urlpatterns = [
    path("fleet/databases/", fleet.DatabaseListView.as_view(), name="api-fleet-databases"),
    path(
        "fleet/databases/<int:pk>/",
        fleet.DatabaseDetailView.as_view(),
        name="api-fleet-database",
    ),
    path(
        "fleet/databases/<int:pk>/users/",
        fleet.DatabaseUsersView.as_view(),
        name="api-fleet-database-users",
    ),
    path(
        "fleet/databases/<int:pk>/sync/",
        fleet.DatabaseSyncView.as_view(),
        name="api-fleet-database-sync",
    ),
    path(
        "fleet/databases/<int:pk>/connect/",
        fleet.DatabaseConnectView.as_view(),
        name="api-fleet-database-connect",
    ),
    path("fleet/sync/", fleet.SyncView.as_view(), name="api-fleet-sync"),
    path("fleet/runs/", fleet.RunListView.as_view(), name="api-fleet-runs"),
    path("fleet/runs/<int:pk>/", fleet.RunDetailView.as_view(), name="api-fleet-run"),
    path("fleet/discover/", fleet.DiscoverView.as_view(), name="api-fleet-discover"),
    path("fleet/invite/", fleet.InviteView.as_view(), name="api-fleet-invite"),
    path("fleet/remove/", fleet.RemoveView.as_view(), name="api-fleet-remove"),
    path("fleet/people/", fleet.PeopleView.as_view(), name="api-fleet-people"),
    path("fleet/tags/", fleet.TagListView.as_view(), name="api-fleet-tags"),
    path("fleet/settings/", fleet.SettingsView.as_view(), name="api-fleet-settings"),
]
