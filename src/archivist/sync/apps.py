from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "archivist.sync"
    label = "sync"
    verbose_name = "Cloud sync"
