"""Odoo domains (prefix notation) evaluated against plain records, with Odoo's error texts.

A domain is a list of leaves `[field, operator, value]` and the prefix operators "&", "|" and
"!"; consecutive terms are joined by an implicit "&". Supported operators: =, !=, <>, in,
not in, like, ilike, not like, not ilike, =like, =ilike, <, <=, >, >=. `False` matches empty
values, as in Odoo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]

OPERATORS = frozenset(
    {"=", "!=", "<>", "in", "not in", "like", "ilike", "not like", "not ilike", "=like", "=ilike"}
    | {"<", "<=", ">", ">="}
)


def compile_domain(domain: object, model: str, fields: Sequence[str]) -> Predicate:
    """A predicate for `domain`; ValueError (Odoo's wording) for a malformed domain or field."""
    if domain is None or domain is False:
        return lambda record: True
    if not isinstance(domain, list | tuple):
        raise ValueError(f"Invalid domain: {domain!r}")
    terms = list(domain)
    if not terms:
        return lambda record: True
    position = 0

    def parse() -> Predicate:
        nonlocal position
        if position >= len(terms):
            raise ValueError(f"Invalid domain: {domain!r}")
        term = terms[position]
        position += 1
        if term == "!":
            inner = parse()
            return lambda record: not inner(record)
        if term in ("&", "|"):
            left, right = parse(), parse()
            if term == "&":
                return lambda record: left(record) and right(record)
            return lambda record: left(record) or right(record)
        return _leaf(term, model, fields)

    predicates = []
    while position < len(terms):
        predicates.append(parse())
    return lambda record: all(predicate(record) for predicate in predicates)


def mentions_field(domain: object, name: str) -> bool:
    """True when a leaf of `domain` is on field `name` (Odoo then skips the active test)."""
    if not isinstance(domain, list | tuple):
        return False
    return any(
        isinstance(term, list | tuple) and len(term) == 3 and term[0] == name for term in domain
    )


def _leaf(term: object, model: str, fields: Sequence[str]) -> Predicate:
    if not isinstance(term, list | tuple) or len(term) != 3:
        raise ValueError(f"Invalid leaf {term!r}")
    name, operator, value = term
    if not isinstance(name, str) or name not in fields:
        raise ValueError(f"Invalid field {model}.{name} in condition {tuple(term)!r}")
    if operator not in OPERATORS:
        raise ValueError(f"Invalid operator {operator!r} in condition {tuple(term)!r}")
    test = _OPERATOR_TESTS[operator]
    return lambda record: test(_stored(record.get(name)), value)


def _stored(value: Any) -> Any:
    return False if value is None or value == "" else value


def _equal(stored: Any, value: Any) -> bool:
    if value is False or value is None:
        return stored is False
    return bool(stored == value)


def _in(stored: Any, value: Any) -> bool:
    values = value if isinstance(value, list | tuple) else [value]
    return any(_equal(stored, candidate) for candidate in values)


def _like(pattern: Any, stored: Any, *, case: bool, anchored: bool) -> bool:
    if stored is False:
        return False
    text = str(pattern)
    if anchored:
        regex = "".join(
            ".*" if char == "%" else "." if char == "_" else re.escape(char) for char in text
        )
        return re.fullmatch(regex, str(stored), 0 if case else re.IGNORECASE) is not None
    return (text in str(stored)) if case else (text.lower() in str(stored).lower())


def _compare(stored: Any, value: Any, check: Callable[[Any, Any], bool]) -> bool:
    if stored is False or value is False or value is None:
        return False
    try:
        return check(stored, value)
    except TypeError:
        return False


_OPERATOR_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "=": _equal,
    "!=": lambda stored, value: not _equal(stored, value),
    "<>": lambda stored, value: not _equal(stored, value),
    "in": _in,
    "not in": lambda stored, value: not _in(stored, value),
    "like": lambda stored, value: _like(value, stored, case=True, anchored=False),
    "ilike": lambda stored, value: _like(value, stored, case=False, anchored=False),
    "not like": lambda stored, value: not _like(value, stored, case=True, anchored=False),
    "not ilike": lambda stored, value: not _like(value, stored, case=False, anchored=False),
    "=like": lambda stored, value: _like(value, stored, case=True, anchored=True),
    "=ilike": lambda stored, value: _like(value, stored, case=False, anchored=True),
    "<": lambda stored, value: _compare(stored, value, lambda a, b: a < b),
    "<=": lambda stored, value: _compare(stored, value, lambda a, b: a <= b),
    ">": lambda stored, value: _compare(stored, value, lambda a, b: a > b),
    ">=": lambda stored, value: _compare(stored, value, lambda a, b: a >= b),
}
