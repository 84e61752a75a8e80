"""The first administrator account."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

PASSWORD_FILE = "initial-admin-password"


def ensure_admin(username: str = "admin") -> str:
    """Creates an administrator with a random password when there is none, keeping the password
    in ARCHIVIST_HOME/initial-admin-password (readable by the owner only) until it is changed.
    Returns a sentence for the person starting Archivist."""
    users = get_user_model()
    path = settings.HOME / PASSWORD_FILE
    if users.objects.filter(is_superuser=True).exists():
        admin = users.objects.filter(username=username, is_superuser=True).first()
        if admin is not None and path.exists() and admin.check_password(path.read_text().strip()):
            return f"admin account: {username} / {path.read_text().strip()}  (from {path})"
        return "admin account exists (reset a password with: archivist manage changepassword NAME)"
    password = secrets.token_urlsafe(12)
    users.objects.create_superuser(username=username, email="", password=password)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return f"admin account created: {username} / {password}  (also in {path})"
