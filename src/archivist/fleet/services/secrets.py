"""API keys at rest: encrypted with the same Fernet key as the cloud connections' secrets
(`archivist.sync.services.connections`, derived from `ARCHIVIST_SECRET_KEY`)."""

from __future__ import annotations

from cryptography.fernet import InvalidToken

from archivist.sync.services.connections import secrets_cipher

__all__ = ["UnreadableSecret", "decrypt", "encrypt"]


class UnreadableSecret(Exception):
    """The stored value cannot be decrypted (ARCHIVIST_SECRET_KEY changed)."""


def encrypt(value: str) -> str:
    """The token to store; "" for an empty value."""
    return secrets_cipher().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str, *, field: str) -> str:
    """The stored value ("" when nothing is stored); `field` names it in the error."""
    if not token:
        return ""
    try:
        return secrets_cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            f"the stored {field} cannot be read (was ARCHIVIST_SECRET_KEY changed?): enter it again"
        ) from None
