"""Connector options, declared once per connector type.

The admin form, the `archivist connections` CLI and `docs/connectors.md` are generated from
these declarations; `parse_options` turns user input (strings from a form, the CLI or the
environment) into typed values with errors that name the option.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from archivist.connectors.base import Connector
from archivist.connectors.errors import Fatal

__all__ = ["ConnectorType", "Option", "OptionError", "parse_options"]

Kind = Literal["text", "secret", "integer", "boolean", "choice", "url", "path"]
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class OptionError(Fatal):
    """A connection option is missing or malformed; `option` names it."""

    def __init__(self, option: str, problem: str):
        super().__init__(f"{option}: {problem}")
        self.option = option
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    help: str
    kind: Kind = "text"
    default: str | int | bool | None = None
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def secret(self) -> bool:
        """Stored encrypted, never shown back."""
        return self.kind == "secret"


@dataclass(frozen=True, slots=True)
class ConnectorType:
    """A kind of remote: its name (`s3`, `webdav`…), label, options and how to build one."""

    name: str
    label: str
    help: str
    options: tuple[Option, ...]
    build: Callable[[Mapping[str, Any]], Connector]
    web_links: bool = False
    """Its connectors have `web_link` ("Open in Cloud"), known without building one."""

    def connect(self, raw: Mapping[str, object]) -> Connector:
        return self.build(parse_options(self.options, raw))


def parse_options(options: Sequence[Option], raw: Mapping[str, object]) -> dict[str, Any]:
    """Typed values for every declared option; OptionError for an unknown, missing or bad one."""
    known = {option.name for option in options}
    for name in raw:
        if name not in known:
            raise OptionError(name, f"unknown option (known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    for option in options:
        value = raw.get(option.name)
        if value is None or value == "":
            if option.required:
                raise OptionError(option.name, "is required")
            values[option.name] = option.default
            continue
        values[option.name] = _convert(option, value)
    return values


def _convert(option: Option, value: object) -> Any:
    if option.kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise OptionError(option.name, f"expected yes or no, got {value!r}")
    if option.kind == "integer":
        if isinstance(value, bool):
            raise OptionError(option.name, f"expected a whole number, got {value!r}")
        try:
            return int(str(value).strip())
        except ValueError:
            raise OptionError(option.name, f"expected a whole number, got {value!r}") from None
    text = str(value)
    if "\x00" in text:
        raise OptionError(option.name, "may not contain a NUL character")
    if option.kind == "choice" and text not in option.choices:
        raise OptionError(option.name, f"expected one of {', '.join(option.choices)}")
    if option.kind == "url":
        text = text.strip()
        if not text.startswith(("http://", "https://")):
            raise OptionError(option.name, f"expected an http:// or https:// URL, got {text!r}")
    return text
