"""Reference documentation generated from the code: `docs/cli.md` from the CLI's help texts
and `docs/configuration.md` from `archivist.config.SETTINGS`. `scripts/gen-docs` writes them;
a test fails when they are out of date."""

from __future__ import annotations

import click

from archivist import config

CLI_HEADER = """# Command line reference

Generated from `archivist --help` by `scripts/gen-docs`; do not edit by hand.
Every command ends with exit code 1 and a one-line `Error: …` when it cannot do its job.
"""

CONFIGURATION_HEADER = """# Configuration

Archivist reads its settings from the environment. Generated from `src/archivist/config.py` by
`scripts/gen-docs`; do not edit by hand.

| variable | default | meaning |
|---|---|---|
"""


def cli_reference() -> str:
    from archivist.cli import main

    parts = [CLI_HEADER]
    for path, command in _walk(main, ("archivist",)):
        with click.Context(
            command,
            info_name=" ".join(path),
            terminal_width=100,
            max_content_width=100,
            help_option_names=["-h", "--help"],
        ) as context:
            help_text = command.get_help(context)
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{help_text}\n```\n")
    return "".join(parts)


def configuration_reference() -> str:
    rows = [
        f"| `{setting.name}` | `{setting.default}` | {setting.help} |\n"
        for setting in config.SETTINGS
    ]
    return CONFIGURATION_HEADER + "".join(rows)


def _walk(
    command: click.Command, path: tuple[str, ...]
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], (*path, name))
    return found


CONNECTORS_HEADER = """# Cloud connectors

Generated from the connectors' option declarations by `scripts/gen-docs`; do not edit by hand.
The sync engine that uses them is described in [sync.md](sync.md).

Every connector passes the same conformance suite (`tests/connectors/contract/`) against a real
server started by the tests: listing, folders, streamed uploads and downloads, preconditions
(a stale ETag is refused, never overwritten), moves that never replace, Unicode and
case-colliding names, and the translation of every provider error into one exception tree
(`archivist.connectors.errors`). Secret options are stored encrypted and never shown back.
"""


def connectors_reference() -> str:
    from archivist.connectors import connector_types

    parts = [CONNECTORS_HEADER]
    for kind in connector_types():
        parts.append(f"\n## {kind.label} (`{kind.name}`)\n\n{kind.help}\n\n")
        parts.append("| option | kind | default | required | meaning |\n|---|---|---|---|---|\n")
        for option in kind.options:
            default = "" if option.default is None else f"`{option.default}`"
            kind_text = option.kind
            if option.choices:
                kind_text += ": " + ", ".join(f"`{choice}`" for choice in option.choices)
            required = "yes" if option.required else ""
            parts.append(
                f"| `{option.name}` | {kind_text} | {default} | {required} | {option.help} |\n"
            )
    return "".join(parts)
