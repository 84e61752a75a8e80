"""The `archivist` command. Every error ends the command with a one-line reason and exit code 1.

`docs/cli.md` is generated from this module's help texts (`scripts/gen-docs`).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archivist.settings")
    import django

    django.setup()


def _fails_cleanly(command: F) -> F:
    """Turns the errors a person can act on into `error: …` and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import ValidationError
        from django.core.management import CommandError

        from archivist.connectors.errors import ConnectorError
        from archivist.documents.services.demo import DemoExists
        from archivist.documents.services.rules_io import RulesFileError
        from archivist.sources.errors import SourceError

        try:
            return command(*args, **kwargs)
        except ValidationError as error:
            raise click.ClickException(_validation_text(error)) from None
        except (
            SourceError,
            RulesFileError,
            DemoExists,
            CommandError,
            ConnectorError,
            OSError,
        ) as error:
            raise click.ClickException(str(error)) from None

    return wrapper  # type: ignore[return-value]


def _validation_text(error: Any) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archivist")
def main() -> None:
    """Archivist: folder trees over the records of any database, documents and cloud sync."""
    _django()


# -- setup and serving -----------------------------------------------------------------------


@main.command()
@_fails_cleanly
def demo() -> None:
    """Create the demo business database, register it as source "demo" and add its rules."""
    from archivist.documents.services.demo import create_demo

    result = create_demo()
    click.echo(f"demo database: {result.path} ({result.rows} rows)")
    click.echo(f"source 'demo' registered with {result.rules} folder rules")


@main.command()
@click.option("--host", default=None, help="Address to listen on [ARCHIVIST_HOST].")
@click.option("--port", default=None, type=int, help="Port to listen on [ARCHIVIST_PORT].")
@click.option("--no-scheduler", is_flag=True, help="Do not run scheduled jobs in this process.")
@_fails_cleanly
def serve(host: str | None, port: int | None, no_scheduler: bool) -> None:
    """Serve the web app and run the scheduled jobs.

    Every prepare-folders interval (Settings page, else ARCHIVIST_PREPARE_INTERVAL seconds):
    "Prepare folders", then archive expired shares.
    """
    from archivist.serve import serve as run_server

    run_server(host=host, port=port, scheduler=not no_scheduler)


@main.command()
@click.option("--no-serve", is_flag=True, help="Set up, then exit instead of serving.")
@_fails_cleanly
def quickstart(no_serve: bool) -> None:
    """Migrate, create the demo and an admin account if missing, prepare folders, serve."""
    from django.core.management import call_command

    from archivist.documents.models import Source
    from archivist.documents.services.demo import DEMO_SOURCE, create_demo
    from archivist.documents.services.prepare_folders import prepare_folders
    from archivist.web.accounts import ensure_admin

    call_command("migrate", interactive=False, verbosity=0)
    if not Source.objects.filter(name=DEMO_SOURCE).exists():
        result = create_demo()
        click.echo(
            f"demo database created: {result.path} ({result.rows} rows, "
            f"{result.rules} folder rules)"
        )
    click.echo(ensure_admin())
    stats = prepare_folders(full=True, budget=0)
    click.echo(f"folders prepared: {_stats_text(stats.as_dict())}")
    if not no_serve:
        from archivist.serve import serve as run_server

        run_server(host=None, port=None, scheduler=True)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def manage(arguments: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, changepassword, …)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["archivist manage", *arguments])


# -- sources ---------------------------------------------------------------------------------


@main.group()
def sources() -> None:
    """Record sources: databases whose records become folders."""


@sources.command("add")
@click.argument("name")
@click.argument("url")
@click.option(
    "--display",
    multiple=True,
    metavar="MODEL=COLUMN",
    help="Column (or {{ }} template) naming a model's records; repeatable.",
)
@click.option(
    "--change-column",
    multiple=True,
    metavar="MODEL=COLUMN",
    help='Column that changes whenever a row does ("" for none); repeatable.',
)
@_fails_cleanly
def sources_add(
    name: str, url: str, display: tuple[str, ...], change_column: tuple[str, ...]
) -> None:
    """Register a database as a record source (it is opened read-only and checked now)."""
    from archivist.documents.services.source_admin import add_source

    source, models = add_source(
        name, url, _pairs(display, "--display"), _pairs(change_column, "--change-column")
    )
    click.echo(f"source {source.name!r} added: {models} models")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_fails_cleanly
def sources_list(as_json: bool) -> None:
    """List the record sources (passwords hidden)."""
    from archivist.documents.services.source_admin import describe_sources

    described = describe_sources()
    if as_json:
        click.echo(json.dumps(described, indent=2))
        return
    for item in described:
        status = f"{item['models']} models" if item["error"] is None else f"error: {item['error']}"
        click.echo(f"{item['name']}\t{item['url']}\t{item['rules']} rules\t{status}")


# -- rules -----------------------------------------------------------------------------------


@main.group()
def rules() -> None:
    """Folder rules: import and export (schema in docs/rules-file.md)."""


@rules.command("import")
@click.argument("file", type=click.File("r"))
@_fails_cleanly
def rules_import(file: Any) -> None:
    """Create or update the rules of a YAML or JSON FILE ("-" for standard input)."""
    from archivist.documents.services import rules_io

    try:
        text = file.read()
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{file.name}: not UTF-8 text (byte {error.start}: {error.reason})"
        ) from None
    imported = rules_io.import_rules(rules_io.load(text))
    click.echo(f"{len(imported)} rules imported: {', '.join(rule.key for rule in imported)}")


@rules.command("export")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
@click.option("-o", "--output", type=click.File("w"), default="-", help="File (default: stdout).")
@_fails_cleanly
def rules_export(fmt: str, output: Any) -> None:
    """Print every rule with everything it holds (periods, default folders and files)."""
    from archivist.documents.services import rules_io

    output.write(rules_io.dump(rules_io.export_rules(), fmt))


# -- folders ---------------------------------------------------------------------------------


@main.group()
def folders() -> None:
    """The folder tree."""


@folders.command("prepare")
@click.option("--all", "full", is_flag=True, help="Re-check every rule and record, no budget.")
@click.option("--budget", type=int, default=None, help="Most records to evaluate (0: no limit).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_fails_cleanly
def folders_prepare(full: bool, budget: int | None, as_json: bool) -> None:
    """Run "Prepare folders" now: create, rename, move and archive folders."""
    from archivist.documents.services.prepare_folders import prepare_folders

    stats = prepare_folders(full=full, budget=0 if full and budget is None else budget)
    summary = stats.as_dict()
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    elif stats.skipped:
        click.echo("another 'Prepare folders' run is in progress; nothing done")
    else:
        click.echo(_stats_text(summary))
    if stats.errors:
        for error in stats.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(1)


@folders.command("tree")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of nodes.")
@click.option("--archived", is_flag=True, help="Include archived folders.")
@_fails_cleanly
def folders_tree(as_json: bool, archived: bool) -> None:
    """Print the folder tree (JSON: path, kind, record, active per node)."""
    from archivist.documents.services.tree import tree_nodes

    nodes = tree_nodes(include_archived=archived)
    if as_json:
        click.echo("[")
        first = True
        for node in nodes:
            click.echo(("" if first else ",\n") + "  " + json.dumps(node.as_json()), nl=False)
            first = False
        click.echo("\n]")
        return
    for node in nodes:
        marker = "" if node.active else "  (archived)"
        click.echo("  " * (len(node.path) - 1) + node.path[-1] + marker)


# -- blobs -----------------------------------------------------------------------------------


@main.group()
def blobs() -> None:
    """The blob store holding file contents (ARCHIVIST_BLOB_STORE)."""


@blobs.command("gc")
@click.option(
    "--grace-hours",
    type=click.FloatRange(min=1),
    default=24,
    show_default=True,
    help="Keep unreferenced blobs younger than this (uploads whose rows are not saved yet).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_fails_cleanly
def blobs_gc(grace_hours: float, dry_run: bool, as_json: bool) -> None:
    """Delete stored blobs that no attachment or default file refers to."""
    import datetime as dt

    from archivist.documents.blobstore import blob_store_from_settings
    from archivist.documents.services.blob_gc import collect_garbage

    try:
        store = blob_store_from_settings()
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    stats = collect_garbage(store, grace=dt.timedelta(hours=grace_hours), dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(stats.as_dict(), indent=2))
        return
    verb = "would delete" if dry_run else "deleted"
    click.echo(
        f"{stats.scanned} blobs scanned: {verb} {stats.deleted} ({stats.bytes_freed} bytes), "
        f"kept {stats.referenced} referenced and {stats.young} inside the grace period"
    )


# -- shares ----------------------------------------------------------------------------------


@main.group()
def shares() -> None:
    """Portal shares."""


@shares.command("expire")
@_fails_cleanly
def shares_expire() -> None:
    """Archive the shares whose expiry date has passed (`serve` also does it on schedule)."""
    from archivist.documents.services.shares import expire_shares

    click.echo(f"{expire_shares()} expired shares archived")


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        model, sep, column = value.partition("=")
        if not sep or not model:
            raise click.BadParameter(f"{value!r} is not MODEL=COLUMN", param_hint=option)
        pairs[model] = column
    return pairs


def _stats_text(summary: dict[str, Any]) -> str:
    keys = ("created", "renamed", "moved", "archived", "restored", "deferred", "evaluated")
    text = ", ".join(f"{summary[key]} {key}" for key in keys)
    if summary.get("rules_unfinished"):
        text += f"; {summary['rules_unfinished']} rules left for the next run"
    return text


import archivist.cli_fleet  # noqa: E402  (registers `fleet`)
import archivist.cli_sync  # noqa: E402, F401  (registers `connections` and `sync`)

if __name__ == "__main__":  # pragma: no cover
    # `python -m archivist.cli`: run the importable module's group, on which the other command
    # modules registered their commands
    from archivist.cli import main as registered

    registered()
