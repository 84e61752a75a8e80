from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "archivist.api"
    label = "api"
    verbose_name = "API"
