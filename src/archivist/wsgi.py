"""WSGI entry point: `archivist serve` runs it under waitress."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archivist.settings")
application = get_wsgi_application()
