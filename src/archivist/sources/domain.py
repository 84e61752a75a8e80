"""The filter language: Odoo-style prefix domains, parsed and checked.

A domain is a JSON list of terms. A term is a leaf `[path, operator, value]` or one of the
prefix operators `"&"` (and, two operands), `"|"` (or, two operands), `"!"` (not, one operand).
Terms left over at the top level are AND-ed, so `[A, B]` means `["&", A, B]` and `[]` matches
every record. Paths are field names joined by dots and walk through relations:
`["partner_id.country_id.code", "=", "US"]`.

Operators: `= != > >= < <= in not in like ilike not like not ilike =like =ilike`.
`[f, "=", false]` means "f is not set", `[f, "!=", false]` "f is set". `like`/`ilike` match a
substring (with `%` and `_` as wildcards), `=like`/`=ilike` the whole value against a pattern.

`parse_domain` only checks the shape; whether the fields exist is checked when a source compiles
the domain against its schema. Every error names where it is (`domain[2]`) and what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from archivist.sources.errors import DomainError

COMPARISONS = frozenset({"=", "!=", ">", ">=", "<", "<="})
MEMBERSHIP = frozenset({"in", "not in"})
PATTERNS = frozenset({"like", "ilike", "not like", "not ilike", "=like", "=ilike"})
OPERATORS = COMPARISONS | MEMBERSHIP | PATTERNS
NEGATIVE = frozenset({"!=", "not in", "not like", "not ilike"})
_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Leaf:
    path: str
    operator: str
    value: Any
    location: str

    def __str__(self) -> str:
        return json.dumps([self.path, self.operator, self.value], default=str)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Constant:
    """Matches every record (True) or none (False); Odoo writes these `(1, '=', 1)`."""

    value: bool


Node = Leaf | And | Or | Not | Constant
TRUE = Constant(True)


def parse_domain(raw: object, name: str = "domain") -> Node:
    """Parses a domain given as a JSON string or an already decoded list."""
    if isinstance(raw, str):
        text = raw.strip() or "[]"
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise DomainError(
                name, f"not valid JSON: {error.msg} at character {error.pos}"
            ) from None
    if not isinstance(raw, list | tuple):
        raise DomainError(name, f"a domain is a list of terms, got {type(raw).__name__}")
    stack: list[Node] = []
    # Prefix notation read right to left: operands are on the stack when their operator comes.
    for index in range(len(raw) - 1, -1, -1):
        term = raw[index]
        location = f"{name}[{index}]"
        if term in ("&", "|"):
            if len(stack) < 2:
                raise DomainError(location, f"operator {term!r} needs two terms after it")
            first, second = stack.pop(), stack.pop()
            stack.append(And((first, second)) if term == "&" else Or((first, second)))
        elif term == "!":
            if not stack:
                raise DomainError(location, "operator '!' needs a term after it")
            stack.append(Not(stack.pop()))
        else:
            stack.append(_leaf(term, location))
    stack.reverse()
    if not stack:
        return TRUE
    if len(stack) == 1:
        return stack[0]
    return And(tuple(stack))


def leaves(node: Node) -> Iterator[Leaf]:
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from leaves(child)
    elif isinstance(node, Not):
        yield from leaves(node.child)


def to_json(node: Node) -> list[Any]:
    """The prefix-notation list for a parsed domain (round-trips through `parse_domain`)."""
    if isinstance(node, Constant):
        return [] if node.value else [[0, "=", 1]]
    terms: list[Any] = []
    _flatten(node, terms)
    return terms


def _flatten(node: Node, out: list[Any]) -> None:
    if isinstance(node, Leaf):
        out.append([node.path, node.operator, node.value])
    elif isinstance(node, Constant):
        out.append([1, "=", 1] if node.value else [0, "=", 1])
    elif isinstance(node, Not):
        out.append("!")
        _flatten(node.child, out)
    else:
        symbol = "&" if isinstance(node, And) else "|"
        out.extend([symbol] * (len(node.children) - 1))
        for child in node.children:
            _flatten(child, out)


def _leaf(term: object, location: str) -> Node:
    if not isinstance(term, list | tuple) or len(term) != 3:
        raise DomainError(
            location, f'expected "&", "|", "!" or a [field, operator, value] term, got {term!r}'
        )
    path, operator, value = term
    if path in (0, 1) and operator == "=" and value == 1:
        return Constant(bool(path))
    if not isinstance(path, str) or not _PATH.match(path):
        raise DomainError(location, f"{path!r} is not a field path such as 'partner_id.name'")
    if not isinstance(operator, str) or operator.lower() not in OPERATORS:
        allowed = " ".join(sorted(OPERATORS))
        raise DomainError(
            location, f"unknown operator {operator!r} on {path}; use one of {allowed}"
        )
    operator = operator.lower()
    _check_value(path, operator, value, location)
    if isinstance(value, tuple):
        value = list(value)
    return Leaf(path, operator, value, location)


def _check_value(path: str, operator: str, value: object, location: str) -> None:
    if operator in MEMBERSHIP:
        if not isinstance(value, list | tuple):
            raise DomainError(location, f"{path} {operator} needs a list of values, got {value!r}")
        for item in value:
            _check_scalar(path, operator, item, location)
    elif operator in PATTERNS:
        if not isinstance(value, str):
            raise DomainError(location, f"{path} {operator} needs a text pattern, got {value!r}")
    else:
        _check_scalar(path, operator, value, location)
        if (value is None or value is False) and operator not in ("=", "!="):
            raise DomainError(location, f"{path} {operator} false: only = and != test 'not set'")


def _check_scalar(path: str, operator: str, value: object, location: str) -> None:
    if not isinstance(value, str | int | float | bool) and value is not None:
        raise DomainError(
            location, f"{path} {operator}: {value!r} is not a text, number, boolean or null"
        )


def normalize(raw: Sequence[Any] | str) -> list[Any]:
    """Parses and re-serialises a domain: the canonical form stored and exported."""
    return to_json(parse_domain(raw))
