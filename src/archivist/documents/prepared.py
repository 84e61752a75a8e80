"""`PreparedQuery`: a lookup the ORM compiles to SQL once, then only executes.

Django compiles a queryset to SQL at every evaluation. For a one-row lookup by key that costs
several times the lookup itself (0.3-0.5 ms of CPU against 0.05 ms on SQLite, measured on this
project's machines), and a few such lookups run on nearly every API request: the API token with
its user, the user's groups, the access version. Those are written as ordinary `values_list()`
querysets and prepared here: compiled once per thread and database, run with the value of the
request, their values converted exactly as the ORM converts them (aware datetimes, booleans on
SQLite…). The statements still go through Django's cursor, so query logging, execute wrappers
and `CaptureQueriesContext` see them.

    _GROUP_NAMES = PreparedQuery(
        lambda user_id: Group.objects.filter(user=user_id).values_list("name"), example=0
    )
    names = [name for (name,) in _GROUP_NAMES.rows(user.pk)]
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Stand-ins for the value while compiling, found again among the statement's parameters. The
# int is positive and within 32 bits: Django compiles a lookup of a value outside the column's
# range (PostgreSQL's integer, a positive field) to "no rows" rather than to a parameter.
_MARKERS: dict[type, Any] = {int: 2_147_483_629, str: "\x00prepared-query-value\x00"}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slot: int
    compiler: Any  # the SQLCompiler that made `sql`: it converts the fetched rows…
    converters: dict[int, Any]  # …with these, worked out once


class PreparedQuery:
    """A `values_list()` lookup with one varying value, compiled once per thread and database.

    `build(value)` returns the queryset for one value; the value must appear exactly once among
    the compiled statement's parameters, and be of the type of `example` (an int or a str: the
    values this takes are passed to the database as they are, as the ORM passes them)."""

    def __init__(self, build: Callable[[Any], QuerySet[Any, Any]], *, example: Any) -> None:
        if type(example) not in _MARKERS:
            raise TypeError(f"a prepared query takes an int or a str, not {type(example)!r}")
        self._build = build
        self._type = type(example)
        self._local = threading.local()  # compilers hold their thread's connection

    def rows(self, value: Any, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
        """The rows for `value`, as `values_list()` would return them."""
        if type(value) is not self._type:
            raise TypeError(f"expected a {self._type.__name__}, got {value!r}")
        compiled = self._compiled(using)
        params = list(compiled.params)
        params[compiled.slot] = value
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in fetched]
        return [
            tuple(row) for row in compiled.compiler.apply_converters(fetched, compiled.converters)
        ]

    def first(self, value: Any, *, using: str = DEFAULT_DB_ALIAS) -> tuple[Any, ...] | None:
        found = self.rows(value, using=using)
        return found[0] if found else None

    def _compiled(self, using: str) -> _Compiled:
        cache: dict[str, _Compiled] = self._local.__dict__.setdefault("by_alias", {})
        compiled = cache.get(using)
        # a changed DATABASES setting (tests) replaces the thread's connection object
        if compiled is None or compiled.compiler.connection is not connections[using]:
            compiled = cache[using] = self._compile(using)
        return compiled

    def _compile(self, using: str) -> _Compiled:
        marker = _MARKERS[self._type]
        compiler = self._build(marker).using(using).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [
            i for i, param in enumerate(params) if type(param) is self._type and param == marker
        ]
        if len(slots) != 1:
            raise ValueError(
                f"a prepared query's value must appear once among its parameters, not "
                f"{len(slots)} times: {sql}"
            )
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError(f"a prepared query cannot select a composite key: {sql}")
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slot=slots[0],
            compiler=compiler,
            converters=compiler.get_converters(columns),
        )
