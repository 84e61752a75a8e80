from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "archivist.fleet"
    label = "fleet"
    verbose_name = "Fleet"
