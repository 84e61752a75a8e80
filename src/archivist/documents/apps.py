from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "archivist.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from archivist.documents import signals

        signals.connect()
