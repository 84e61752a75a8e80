"""`archivist connections …` and `archivist sync …`: cloud connections from the command line."""

from __future__ import annotations

import json
from typing import Any

import click

from archivist.cli import _fails_cleanly, main


def _options(values: tuple[str, ...]) -> dict[str, str]:
    options = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--option")
        options[name] = text
    return options


@main.group()
def connections() -> None:
    """Cloud connections (options of each type: docs/connectors.md)."""


@connections.command("add")
@click.argument("name")
@click.option("--type", "kind", required=True, help="local, s3, webdav, sftp or memory")
@click.option("--option", "values", multiple=True, help="NAME=VALUE, repeatable")
@click.option("--root-folder", default="Archivist", show_default=True)
@_fails_cleanly
def connections_add(name: str, kind: str, values: tuple[str, ...], root_folder: str) -> None:
    """Add a connection, or update the one called NAME (secret options are encrypted)."""
    from archivist.sync.models import CloudConnection
    from archivist.sync.services.connections import configure

    connection = CloudConnection.objects.filter(name=name).first() or CloudConnection(name=name)
    connection.kind, connection.root_folder = kind, root_folder
    configure(connection, _options(values))
    connection.full_clean()
    connection.save()
    click.echo(f"connection {name!r} saved")


@connections.command("list")
@click.option("--json", "as_json", is_flag=True)
@_fails_cleanly
def connections_list(as_json: bool) -> None:
    """The connections, their state and last run (secrets are never shown)."""
    from archivist.sync.models import CloudConnection

    rows = [
        {
            "name": c.name,
            "type": c.kind,
            "root_folder": c.root_folder,
            "state": c.state,
            "options": c.options,
            "last_run_at": c.last_run_at.isoformat() if c.last_run_at else None,
            "last_error": c.last_error,
        }
        for c in CloudConnection.objects.all()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']}\t{row['type']}\t{row['state']}\t{row['last_error']}")


@connections.command("assign")
@click.argument("name")
@click.option("--folder", "folders", type=int, multiple=True, help="folder id, repeatable")
@click.option("--rule", "rules", type=int, multiple=True, help="folder rule id, repeatable")
@_fails_cleanly
def connections_assign(name: str, folders: tuple[int, ...], rules: tuple[int, ...]) -> None:
    """Sync these folders (and their subfolders), or every folder of these rules, to NAME."""
    from archivist.sync.models import FolderConnection, RuleConnection

    connection = _connection(name)
    for folder in folders:
        FolderConnection.objects.update_or_create(
            folder_id=folder, defaults={"connection": connection}
        )
    for rule in rules:
        RuleConnection.objects.update_or_create(rule_id=rule, defaults={"connection": connection})
    click.echo(f"{len(folders)} folders and {len(rules)} rules assigned to {name!r}")


def _connection(name: str) -> Any:
    from archivist.sync.models import CloudConnection

    found = CloudConnection.objects.filter(name=name).first()
    if found is None:
        raise click.ClickException(f"no connection called {name!r}")
    return found


@main.group()
def sync() -> None:
    """Two-way sync with the cloud connections (docs/sync.md)."""


@sync.command("run")
@click.option("--connection", "name", help="only this connection (default: every active one)")
@click.option("--force-deletes", is_flag=True, help="go past the mass-delete guard")
@_fails_cleanly
def sync_run(name: str | None, force_deletes: bool) -> None:
    """Run one full sync cycle now (the spec's "Launch sync")."""
    from archivist.sync.models import CloudConnection, ConnectionState
    from archivist.sync.services.cycle import run_connection

    chosen = (
        [_connection(name)]
        if name
        else list(CloudConnection.objects.exclude(state=ConnectionState.PAUSED))
    )
    for connection in chosen:
        report = run_connection(connection, force_deletes=force_deletes)
        connection.refresh_from_db()
        state = "converged" if report.converged else f"not converged: {connection.last_error}"
        click.echo(
            f"{connection.name}: {report.applied} operations, {report.failed} failed, "
            f"{report.retried} to retry, {state}"
        )


@main.command()
@click.option("--once", is_flag=True, help="run what is ready now, then stop")
@click.option("--idle", default=5.0, show_default=True, help="seconds to wait when idle")
@_fails_cleanly
def worker(once: bool, idle: float) -> None:
    """Run queued sync operations of every connection (any number of workers on PostgreSQL;
    one on SQLite). `archivist serve` also runs one in its scheduler."""
    import time

    from django.conf import settings

    from archivist.sync.services.queue import claim, run_claimed, worker_name

    name = worker_name()
    while True:
        rows = claim(name, settings.SYNC_TRANSFERS * 4)
        if rows:
            settled = run_claimed(rows)
            click.echo(
                f"{settled.done} done, {settled.retried} to retry, {settled.failed} failed, "
                f"{settled.replanned} re-planned"
            )
        elif once:
            return
        else:
            time.sleep(idle)


@connections.command("pause")
@click.argument("name")
@_fails_cleanly
def connections_pause(name: str) -> None:
    """Stop syncing NAME until `reconnect`."""
    from archivist.sync.services.states import pause

    pause(_connection(name))
    click.echo(f"{name!r} paused")


@connections.command("reconnect")
@click.argument("name")
@_fails_cleanly
def connections_reconnect(name: str) -> None:
    """Sync NAME again (after a pause, or new credentials: `connections add` updates them)."""
    from archivist.sync.services.states import reconnect

    reconnect(_connection(name))
    click.echo(f"{name!r} reconnected")


@connections.command("reset")
@click.argument("name")
@click.option("--yes", is_flag=True, help="do it (without it, only show what would come back)")
@_fails_cleanly
def connections_reset(name: str, yes: bool) -> None:
    """Reverse sync of everything on NAME: every file comes back and leaves the cloud."""
    from archivist.sync.services.states import reset, reset_impact

    connection = _connection(name)
    impact = reset(connection) if yes else reset_impact(connection)
    click.echo(
        f"{impact.files} files and {impact.folders} folders come back; "
        f"{impact.files_to_download} files ({impact.bytes_to_download} bytes) are downloaded"
        + ("" if yes else "\nrun again with --yes to reset")
    )
