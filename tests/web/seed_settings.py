"""What the web tests of the Settings page click on, added after the common seed (`seed.py`):
a group "Editors" that the manager is in and the reader is not (to limit a mass action)."""

from __future__ import annotations


def seed() -> None:
    from django.contrib.auth.models import Group, User

    editors = Group.objects.create(name="Editors")
    User.objects.get(username="manager").groups.add(editors)
