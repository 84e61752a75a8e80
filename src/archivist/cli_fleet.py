"""`archivist fleet …`: the Odoo databases of the fleet from the command line (docs/fleet.md).

The command line acts as a Databases Administrator, or as the user given by `--as` (then it
sees what that user sees, through the same rule as the API and the back office).
"""

from __future__ import annotations

import json
from typing import Any

import click

from archivist.cli import _fails_cleanly, main


def _fleet_errors(command: Any) -> Any:
    """An Odoo or Odoo.com error ends the command with its message."""
    import functools

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from archivist.fleet.odoo import OdooError
        from archivist.fleet.services.secrets import UnreadableSecret

        try:
            return command(*args, **kwargs)
        except (OdooError, UnreadableSecret) as error:
            raise click.ClickException(str(error)) from None

    return wrapper


def _visible(as_user: str | None) -> Any:
    from django.contrib.auth import get_user_model

    from archivist.fleet.models import Database
    from archivist.fleet.services.access import visible_databases

    if not as_user:
        return Database.objects.all()
    user = get_user_model().objects.filter(username=as_user).first()
    if user is None:
        raise click.ClickException(f"no local user called {as_user!r}")
    return visible_databases(user)


def _named(names: tuple[str, ...]) -> list[Any]:
    from archivist.fleet.models import Database

    found = {db.name: db for db in Database.objects.filter(name__in=names)}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise click.ClickException(f"no database called {', '.join(map(repr, unknown))}")
    return [found[name] for name in dict.fromkeys(names)]


def _report(results: list[Any]) -> None:
    failed = 0
    for result in results:
        state = "ok" if result.ok else "FAILED"
        failed += not result.ok
        click.echo(f"{result.name}: {state}" + (f" — {result.message}" if result.message else ""))
    if failed:
        raise click.ClickException(f"{failed} of {len(results)} databases failed")


@main.group()
def fleet() -> None:
    """The fleet of Odoo databases: KPIs, users, versions (docs/fleet.md)."""


@fleet.command("add")
@click.argument("name")
@click.option(
    "--hosting",
    type=click.Choice(["saas", "paas", "premise", "other"]),
    required=True,
    help="saas = Odoo Online, paas = Odoo.sh, premise = On Premise, other = Outside Odoo.",
)
@click.option("--url", required=True, help="The database's URL, e.g. https://erp.client.com.")
@click.option("--database", "database_name", default="", help="The PostgreSQL database name.")
@click.option("--login", "api_login", default="", help="The API user's login on the database.")
@click.option("--api-key", default=None, help="The API key (stored encrypted).")
@click.option("--api-key-env", default=None, metavar="VARIABLE", help="Read the key from it.")
@click.option("--tag", "tags", multiple=True, help="A tag, repeatable.")
@_fails_cleanly
def fleet_add(
    name: str,
    hosting: str,
    url: str,
    database_name: str,
    api_login: str,
    api_key: str | None,
    api_key_env: str | None,
    tags: tuple[str, ...],
) -> None:
    """Add a database, or update the one called NAME (other fields are kept)."""
    import os

    from archivist.fleet.models import Database
    from archivist.fleet.services.databases import new_database, save_database

    if api_key_env:
        if api_key_env not in os.environ:
            raise click.ClickException(f"the environment has no variable {api_key_env}")
        api_key = os.environ[api_key_env]
    database = Database.objects.filter(name=name).first() or new_database(name=name)
    database.hosting, database.url = hosting, url.rstrip("/")
    if database_name:
        database.database_name = database_name
    if api_login:
        database.api_login = api_login
    save_database(database, api_key=api_key, tags=tags or None)
    click.echo(f"database {name!r} saved")


@fleet.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--as", "as_user", default=None, metavar="USERNAME", help="What this user sees.")
@_fails_cleanly
def fleet_list(as_json: bool, as_user: str | None) -> None:
    """The databases with version, KPIs, users and sync state (API keys are never shown)."""
    rows = [
        {
            "name": db.name,
            "hosting": db.hosting,
            "url": db.url,
            "database": db.database_name,
            "version": db.version,
            "api_login": db.api_login,
            "tags": [tag.name for tag in db.tags.all()],
            "kpis": db.kpis,
            "documents": db.documents,
            "draft_entries": db.draft_entries,
            "tax_return_status": db.tax_return_status,
            "users": db.users.count(),
            "last_sync": db.last_sync.isoformat() if db.last_sync else None,
            "sync_errors": db.sync_errors,
            "last_error": db.last_error,
        }
        for db in _visible(as_user).prefetch_related("tags")
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['name']}\t{row['hosting']}\t{row['version'] or '-'}\t"
            f"docs {row['documents'] if row['documents'] is not None else '-'}\t"
            f"drafts {row['draft_entries'] if row['draft_entries'] is not None else '-'}\t"
            f"tax {row['tax_return_status'] or '-'}\t{row['users']} users\t"
            f"{row['sync_errors']} errors\t{row['last_error']}"
        )


@fleet.command("discover")
@click.option("--login", default=None, help="Save this Odoo.com login first.")
@click.option("--api-key-env", default=None, metavar="VARIABLE", help="Save this Odoo.com key.")
@click.option("--odoo-com-url", default=None, help="Save this Odoo.com address first.")
@_fails_cleanly
@_fleet_errors
def fleet_discover(login: str | None, api_key_env: str | None, odoo_com_url: str | None) -> None:
    """Pull the databases of the Odoo.com account ("Pull from Odoo.com")."""
    import os

    from archivist.fleet.services.databases import set_odoo_com_credentials
    from archivist.fleet.services.discovery import discover

    key = None
    if api_key_env:
        if api_key_env not in os.environ:
            raise click.ClickException(f"the environment has no variable {api_key_env}")
        key = os.environ[api_key_env]
    if login is not None or key is not None or odoo_com_url is not None:
        set_odoo_com_credentials(login=login, key=key, url=odoo_com_url)
    for result in discover():
        click.echo(f"{result.name}\t{result.url}\t{result.action}\t{result.message}")


@fleet.command("sync")
@click.argument("names", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every Odoo database (never skips).")
@click.option("--due", is_flag=True, help="Only those the daily run would sync (24 h, 5 errors).")
@_fails_cleanly
@_fleet_errors
def fleet_sync(names: tuple[str, ...], everything: bool, due: bool) -> None:
    """Synchronize the databases NAME… (or --all, --due) now: KPIs, users, version."""
    from archivist.fleet.models import Database, SyncRun
    from archivist.fleet.models.databases import ODOO_HOSTINGS
    from archivist.fleet.services.runs import execute_run
    from archivist.fleet.services.synchronize import due_for_scheduled_sync, synchronize

    if sum((bool(names), everything, due)) != 1:
        raise click.UsageError("give database names, or --all, or --due")
    if names:
        chosen = _named(names)
    elif due:
        chosen = list(due_for_scheduled_sync())
    else:
        chosen = list(Database.objects.filter(hosting__in=ODOO_HOSTINGS))
    if len(chosen) <= 20:
        _report(synchronize(chosen))
        return
    sync_run = SyncRun.objects.create(database_ids=[db.pk for db in chosen], total=len(chosen))
    finished = execute_run(sync_run.pk)
    assert finished is not None
    failures = {k: v for k, v in finished.results.items() if not v["ok"]}
    for result in failures.values():
        click.echo(f"{result['name']}: FAILED — {result['message']}")
    click.echo(
        f"run {finished.pk}: {finished.done - finished.failed} synchronized, "
        f"{finished.failed} failed of {finished.total}"
    )
    if finished.failed:
        raise click.ClickException(f"{finished.failed} of {finished.total} databases failed")


@fleet.command("invite")
@click.option("--database", "names", multiple=True, required=True, help="Repeatable.")
@click.option("--user", "usernames", multiple=True, required=True, help="Local username.")
@_fails_cleanly
@_fleet_errors
def fleet_invite(names: tuple[str, ...], usernames: tuple[str, ...]) -> None:
    """Invite local users (their email is the login) to databases, without reset mails."""
    from django.contrib.auth import get_user_model

    from archivist.fleet.services.users import invite

    people = []
    for username in usernames:
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise click.ClickException(f"no local user called {username!r}")
        people.append(person)
    _report(invite(_named(names), people))


@fleet.command("remove")
@click.option("--login", "logins", multiple=True, required=True, help="Repeatable.")
@click.option("--database", "names", multiple=True, help="Repeatable.")
@click.option("--everywhere", is_flag=True, help="Every database where the login is a user.")
@_fails_cleanly
@_fleet_errors
def fleet_remove(logins: tuple[str, ...], names: tuple[str, ...], everywhere: bool) -> None:
    """Deactivate users (never deleted) on databases, or --everywhere they have an account."""
    from archivist.fleet.services.users import databases_of_login, remove

    if bool(names) == everywhere:
        raise click.UsageError("give --database names or --everywhere (one of them)")
    if everywhere:
        chosen = {db.pk: db for login in logins for db in databases_of_login(login)}
        databases = list(chosen.values())
        if not databases:
            click.echo("no database has these logins")
            return
    else:
        databases = _named(names)
    _report(remove(databases, logins))


@fleet.command("connect-url")
@click.argument("name")
@_fails_cleanly
@_fleet_errors
def fleet_connect_url(name: str) -> None:
    """Print the URL that opens database NAME (Odoo.com SSO for Odoo Online)."""
    from archivist.fleet.services.connect import connect_url

    click.echo(connect_url(_named((name,))[0]))
