"""Django settings, all read from the environment through `archivist.config`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from archivist import config

HOME = config.home()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    if _env_has("ARCHIVIST_SECRET_KEY"):
        return config.value("ARCHIVIST_SECRET_KEY")
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _env_has(name: str) -> bool:
    return name in os.environ


def _database() -> dict[str, Any]:
    if _env_has("DATABASE_URL"):
        database: dict[str, Any] = dj_database_url.parse(config.value("DATABASE_URL"))
    else:
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "archivist.sqlite3")}
    if database["ENGINE"] == "django.db.backends.sqlite3":
        options = database.setdefault("OPTIONS", {})
        # WAL lets readers work while "Prepare folders" writes; IMMEDIATE avoids the
        # deadlock-prone upgrade from a read to a write lock.
        options.setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
            "PRAGMA wal_autocheckpoint=10000;",
        )
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 30)
    # Opening a connection (and, on SQLite, warming its page cache) costs more than a small
    # request: server threads keep theirs, checked before reuse.
    database["CONN_MAX_AGE"] = config.integer("ARCHIVIST_DB_CONN_MAX_AGE")
    database["CONN_HEALTH_CHECKS"] = True
    return database


SECRET_KEY = _secret_key()
DEBUG = config.flag("ARCHIVIST_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in config.value("ARCHIVIST_ALLOWED_HOSTS").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "archivist.documents",
    "archivist.sync",
    "archivist.fleet",
    "archivist.api",
    "archivist.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archivist.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "archivist.wsgi.application"

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The web app built by `npm run build` (scripts/build-frontend): assets under /static/app/.
FRONTEND_DIST = BASE_DIR.parent.parent / "frontend" / "dist"
STATICFILES_DIRS = [("app", FRONTEND_DIST)] if FRONTEND_DIST.is_dir() else []
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

BLOB_ROOT = HOME / "blobs"
BLOB_STORE = config.value("ARCHIVIST_BLOB_STORE")  # "local" (BLOB_ROOT) or s3://…
SOURCES_ROOT = HOME / "sources"

PREPARE_INTERVAL_SECONDS = config.integer("ARCHIVIST_PREPARE_INTERVAL")
PREPARE_BUDGET = config.integer("ARCHIVIST_PREPARE_BUDGET")
PREPARE_BATCH = config.integer("ARCHIVIST_PREPARE_BATCH")
PREPARE_FULL_EVERY_HOURS = config.integer("ARCHIVIST_PREPARE_FULL_EVERY")
MAX_UPLOAD_BYTES = config.integer("ARCHIVIST_MAX_UPLOAD")
ZIP_MAX_FILES = config.integer("ARCHIVIST_ZIP_MAX_FILES")
# Uploads above 8 MiB go to a temporary file, never into memory; the request body itself
# may be as large as the largest upload.
FILE_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Pages of these origins may frame a record's attachment box (/embed/records/…).
EMBED_ORIGINS = config.origins("ARCHIVIST_EMBED_ORIGINS")
DEFAULT_FROM_EMAIL = config.value("ARCHIVIST_EMAIL_FROM")
globals().update(config.email_settings(config.value("ARCHIVIST_EMAIL_URL")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's token authentication with its lookup compiled once (a per-request cost)
        "archivist.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "archivist.api.errors.handle",
    "DEFAULT_PAGINATION_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Archivist API",
    "DESCRIPTION": "Folders, attachments, tags, shares and mass actions of Archivist.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's scripts come from this installation, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several components have a field "kind" with different choices: each enum gets a name.
    "ENUM_NAME_OVERRIDES": {
        "FolderKindEnum": "archivist.documents.models.folders.FolderKind",
        "MassActionKindEnum": "archivist.documents.models.settings.MassAction.Kind",
        "AttachmentKindEnum": "archivist.api.serializers.ATTACHMENT_KINDS",
        "ConnectionStateEnum": "archivist.sync.models.connections.ConnectionState",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"archivist": {"handlers": ["console"], "level": "INFO"}},
}

SYNC_INTERVAL = config.integer("ARCHIVIST_SYNC_INTERVAL")
SYNC_MAX_RETRIES = config.integer("ARCHIVIST_SYNC_MAX_RETRIES")
SYNC_MAX_RETRIES_REVERSE = config.integer("ARCHIVIST_SYNC_MAX_RETRIES_REVERSE")
SYNC_TRANSFERS = config.integer("ARCHIVIST_SYNC_TRANSFERS")
SYNC_PROCESSES = config.integer("ARCHIVIST_SYNC_PROCESSES")
SYNC_KEEP_LOCAL_HOURS = config.integer("ARCHIVIST_SYNC_KEEP_LOCAL_HOURS")
SYNC_NON_SYNCED_MIMETYPES = config.value("ARCHIVIST_SYNC_NON_SYNCED_MIMETYPES")
SYNC_LOG_DAYS = max(3, config.integer("ARCHIVIST_SYNC_LOG_DAYS"))
SYNC_LOG_EXPORT_LINES = config.integer("ARCHIVIST_SYNC_LOG_EXPORT_LINES")

FLEET_CONCURRENCY = config.integer("ARCHIVIST_FLEET_CONCURRENCY")
FLEET_CALL_TIMEOUT = float(config.integer("ARCHIVIST_FLEET_TIMEOUT"))
FLEET_DATABASE_TIMEOUT = float(config.integer("ARCHIVIST_FLEET_DATABASE_TIMEOUT"))
# A manual sync of more than 20 databases starts its background run in a thread at once (the
# scheduler picks up any run left pending); tests turn it off to run it in their own thread.
FLEET_RUNS_IN_THREAD = True
