"""What the web tests of the fleet pages click on, added after the common seed (`seed.py`):
a Databases User (colin, whose email is a login on some of the test databases) and a local
user to invite (ivy). The databases themselves are registered by the tests through the API,
as they live on an Odoo test server whose port is only known at test time."""

from __future__ import annotations

from tests.web.seed import PASSWORD

CONSULTANT_EMAIL = "colin@firm.example"
INVITEE_EMAIL = "ivy@firm.example"


def seed() -> None:
    from django.contrib.auth.models import Group, User

    from archivist.fleet.services.access import DATABASES_USER

    admin = User.objects.get(username="admin")
    admin.email = admin.email or "anita@firm.example"
    admin.save()
    colin = User.objects.create_user(
        "colin", email=CONSULTANT_EMAIL, password=PASSWORD, first_name="Colin", last_name="Wu"
    )
    colin.groups.add(Group.objects.get(name=DATABASES_USER))
    User.objects.create_user(
        "ivy", email=INVITEE_EMAIL, password=PASSWORD, first_name="Ivy", last_name="Lane"
    )
