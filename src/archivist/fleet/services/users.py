"""Users across databases (spec "User Management"): invite local users to many databases at
once, remove (deactivate, never delete) users from chosen databases or from every database
where they have an account. Each database is handled concurrently and reported on its own:
which succeeded, which failed and why."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from archivist.fleet.models import Database, DatabaseUser
from archivist.fleet.models.databases import ODOO_HOSTINGS
from archivist.fleet.odoo import Credentials, OdooClient, OdooError, map_databases, run
from archivist.fleet.services.databases import effective_login_and_key
from archivist.fleet.services.secrets import UnreadableSecret

__all__ = ["UserActionResult", "databases_of_login", "invite", "remove"]


@dataclass(frozen=True)
class UserActionResult:
    database_id: int
    name: str
    ok: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def databases_of_login(login: str) -> QuerySet[Database]:
    """Every database where `login` is a known user ("remove everywhere")."""
    return Database.objects.filter(users__login__iexact=login).distinct()


def invite(databases: Sequence[Database], people: Sequence[Any]) -> list[UserActionResult]:
    """Creates (or reactivates) an account with each person's email on each database, without
    password-reset mails; tracks them here as database users at once."""
    emails = []
    for person in people:
        if not person.email:
            raise ValidationError({"users": f"{person.get_username()} has no email address"})
        emails.append(person.email.strip().lower())
    if not emails:
        raise ValidationError({"users": "choose at least one user to invite"})

    async def action(client: OdooClient) -> str:
        await client.invite(emails)
        return f"invited {', '.join(emails)}"

    results = _on_each(databases, action)
    by_email = {person.email.strip().lower(): person for person in people}
    for result in results:
        if result.ok:
            for email, person in by_email.items():
                DatabaseUser.objects.update_or_create(
                    database_id=result.database_id,
                    login=email,
                    defaults={"name": person.get_full_name() or email, "local_user": person},
                )
    return results


def remove(databases: Sequence[Database], logins: Sequence[str]) -> list[UserActionResult]:
    """Deactivates the users with these logins on each database (search by login, then
    `active = False`) and stops tracking them there."""
    wanted = sorted({login.strip() for login in logins if login.strip()})
    if not wanted:
        raise ValidationError({"logins": "give at least one login to remove"})

    async def action(client: OdooClient) -> str:
        gone = await client.deactivate(wanted)
        if not gone:
            return "no such user here (nothing to remove)"
        return f"deactivated {', '.join(gone)}"

    results = _on_each(databases, action)
    for result in results:
        if result.ok:
            tracked = DatabaseUser.objects.filter(database_id=result.database_id)
            for login in wanted:
                tracked.filter(login__iexact=login).delete()
    return results


def local_users(user_ids: Sequence[int]) -> list[Any]:
    """The local users with these ids; an unknown id is named in the error."""
    found = {user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids)}
    unknown = [str(pk) for pk in user_ids if pk not in found]
    if unknown:
        raise ValidationError({"users": f"no local user with id {', '.join(unknown)}"})
    return [found[pk] for pk in user_ids]


def _on_each(
    databases: Sequence[Database], action: Callable[[OdooClient], Awaitable[str]]
) -> list[UserActionResult]:
    results: dict[int, UserActionResult] = {}
    jobs: list[tuple[int, Credentials]] = []
    for database in databases:
        if database.hosting not in ODOO_HOSTINGS:
            results[database.pk] = UserActionResult(
                database.pk, database.name, False, "Outside Odoo databases have no users"
            )
            continue
        try:
            login, secret = effective_login_and_key(database)
        except UnreadableSecret as error:
            results[database.pk] = UserActionResult(database.pk, database.name, False, str(error))
            continue
        credentials = Credentials(database.url, database.database_name, login, secret)
        jobs.append((database.pk, credentials))

    async def each(key: int, client: OdooClient) -> str:
        return await action(client)

    names = {database.pk: database.name for database in databases}
    answers = run(
        map_databases(
            jobs,
            each,
            concurrency=settings.FLEET_CONCURRENCY,
            call_timeout=settings.FLEET_CALL_TIMEOUT,
            database_timeout=settings.FLEET_DATABASE_TIMEOUT,
        )
    )
    for key, answer in answers.items():
        if isinstance(answer, OdooError):
            results[key] = UserActionResult(key, names[key], False, answer.message)
        else:
            results[key] = UserActionResult(key, names[key], True, answer)
    return [results[database.pk] for database in databases]
