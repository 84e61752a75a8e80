"""Cloud connections: options and encrypted secrets, and the connector they open.

Secret options (declared `kind="secret"` by the connector) are stored encrypted with Fernet under
a key derived from `ARCHIVIST_SECRET_KEY`; they are never shown back. Changing the secret key
makes stored secrets unreadable: they must then be entered again.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError

from archivist.connectors import connector_type
from archivist.connectors.errors import Fatal
from archivist.connectors.options import OptionError, parse_options
from archivist.connectors.rooted import RootedConnector
from archivist.sync.models import CloudConnection

__all__ = [
    "configure",
    "connector_options",
    "open_connector",
    "secret_names",
    "secrets_cipher",
    "stored_secret_names",
]


def secrets_cipher() -> Fernet:
    """The key that encrypts secrets at rest (connection credentials, fleet API keys), derived
    from ARCHIVIST_SECRET_KEY."""
    digest = hashlib.sha256(b"archivist/connection-secrets\0" + settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def secret_names(kind: str) -> set[str]:
    return {option.name for option in connector_type(kind).options if option.secret}


def configure(connection: CloudConnection, values: Mapping[str, Any]) -> None:
    """Check `values` against the connector's declared options, then store them (secrets
    encrypted). A secret left empty keeps the stored one. Errors name the option."""
    try:
        kind = connector_type(connection.kind)
    except KeyError as error:
        raise ValidationError({"kind": str(error.args[0])}) from None
    merged = {**_secrets(connection), **{k: v for k, v in values.items() if v not in (None, "")}}
    try:
        parse_options(kind.options, merged)
    except OptionError as error:
        raise ValidationError({error.option: error.problem}) from None
    hidden = secret_names(connection.kind)
    connection.options = {k: v for k, v in merged.items() if k not in hidden}
    secrets = {k: v for k, v in merged.items() if k in hidden}
    sealed = secrets_cipher().encrypt(json.dumps(secrets).encode()).decode() if secrets else ""
    connection.secrets = sealed


def stored_secret_names(connection: CloudConnection) -> set[str]:
    """The secret options that hold a stored value (their values are never shown back)."""
    return set(_secrets(connection))


def _secrets(connection: CloudConnection) -> dict[str, Any]:
    if not connection.secrets:
        return {}
    try:
        loaded: dict[str, Any] = json.loads(secrets_cipher().decrypt(connection.secrets.encode()))
    except InvalidToken:
        raise Fatal(
            "the stored secrets cannot be read (was ARCHIVIST_SECRET_KEY changed?): "
            "enter them again"
        ) from None
    return loaded


def open_connector(connection: CloudConnection) -> RootedConnector:
    """The connector for `connection`, rooted in its root folder (created when missing)."""
    kind = connector_type(connection.kind)
    inner = kind.connect(connector_options(connection))
    return RootedConnector(inner, connection.root_folder)


def connector_options(connection: CloudConnection) -> dict[str, Any]:
    """The options `connection`'s connector opens with, secrets decrypted (never to be shown)."""
    return {**connection.options, **_secrets(connection)}
