from django.urls import path

from archivist.api import sync, sync_rules

urlpatterns = [
    path(
        "sync/connector-types/",
        sync.ConnectorTypeListView.as_view(),
        name="api-sync-connector-types",
    ),
    path("sync/connections/", sync.ConnectionListView.as_view(), name="api-sync-connections"),
    path(
        "sync/connections/<int:pk>/",
        sync.ConnectionDetailView.as_view(),
        name="api-sync-connection",
    ),
    path(
        "sync/connections/<int:pk>/test/",
        sync.ConnectionTestView.as_view(),
        name="api-sync-connection-test",
    ),
    path(
        "sync/connections/<int:pk>/pause/",
        sync.ConnectionPauseView.as_view(),
        name="api-sync-connection-pause",
    ),
    path(
        "sync/connections/<int:pk>/reconnect/",
        sync.ConnectionReconnectView.as_view(),
        name="api-sync-connection-reconnect",
    ),
    path(
        "sync/connections/<int:pk>/reset/",
        sync.ConnectionResetView.as_view(),
        name="api-sync-connection-reset",
    ),
    path("sync/rules/", sync_rules.RuleListView.as_view(), name="api-sync-rules"),
    path("sync/operations/", sync.OperationListView.as_view(), name="api-sync-operations"),
    path("sync/logs/", sync.LogListView.as_view(), name="api-sync-logs"),
    path("sync/logs.csv", sync.LogExportView.as_view(), name="api-sync-logs-csv"),
]
