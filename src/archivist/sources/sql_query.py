"""Compiles a `RecordQuery` into one SQLAlchemy SELECT.

Many2one steps of a path become LEFT OUTER JOINs, shared by every path with the same prefix;
one2many and many2many steps become correlated EXISTS subqueries ("any related record
matches"; a negative operator means "no related record matches the positive form").
Comparisons follow Odoo: `!=` and `not in` also keep records where the field is not set,
`= false` means not set, and a negation never turns NULL into a match. `like` is case-sensitive
and `ilike` not; on MariaDB/MySQL, though, text comparisons (`=`, `in`, `like`, …) follow the
column's collation, which is usually case-insensitive.
"""

from __future__ import annotations

import datetime as dt
import operator as operator_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from archivist.sources.base import Criteria, Dependency, Reach, RecordQuery, Row
from archivist.sources.domain import NEGATIVE, PATTERNS, And, Constant, Leaf, Node, Not, Or
from archivist.sources.errors import DomainError, FieldPathError, PeriodError, SourceError
from archivist.sources.names import NameTemplate
from archivist.sources.periods import Period, group_ranges
from archivist.sources.schema import (
    DISPLAY_NAME,
    TEMPORAL,
    TEXTUAL,
    X2MANY,
    Field,
    FieldType,
    Model,
    Schema,
)

Condition = ColumnElement[bool]
Reader = Callable[[Row], Any]
_POSITIVE = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}
_MAX_DISPLAY_DEPTH = 3
_ORDERING: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator_module.gt,
    ">=": operator_module.ge,
    "<": operator_module.lt,
    "<=": operator_module.le,
}


@dataclass
class Compiled:
    statement: sa.Select[Any]
    readers: list[Reader]
    dependencies: list[Dependency]


@dataclass
class _Joins:
    """The FROM clause of one (sub)query: a root table and the many2one joins hanging off it."""

    compiler: QueryCompiler
    model: Model
    root: sa.FromClause
    prefix: str = ""
    reach: Reach = Reach.ROOT
    aliases: dict[str, tuple[sa.FromClause, Model]] = field(default_factory=dict)
    from_clause: sa.FromClause | None = None

    def __post_init__(self) -> None:
        self.aliases[""] = (self.root, self.model)
        self.from_clause = self.root

    def table_for(self, parts: Sequence[str]) -> tuple[sa.FromClause, Model]:
        """The (aliased) table reached by following many2one fields `parts` from the root."""
        key = ".".join(parts)
        if key in self.aliases:
            return self.aliases[key]
        parent, parent_model = self.table_for(parts[:-1])
        relation = parent_model.field(parts[-1])
        assert relation.relation is not None and relation.column is not None
        target_model = self.compiler.schema[relation.relation]
        alias = self.compiler.table(relation.relation).alias(f"j{self.compiler.next_alias()}")
        target_key = target_model.require_key()
        assert self.from_clause is not None
        self.from_clause = self.from_clause.outerjoin(
            alias, alias.c[target_key] == parent.c[relation.column]
        )
        self.aliases[key] = (alias, target_model)
        reach = Reach.MANY2ONE if self.reach is Reach.ROOT else self.reach
        self.compiler.depend(self._full(key), target_model, reach)
        return alias, target_model

    def _full(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key


class QueryCompiler:
    """Compiles queries for one schema; one instance per query (it numbers aliases)."""

    def __init__(self, schema: Schema, tables: dict[str, sa.Table]) -> None:
        self.schema = schema
        self._tables = tables
        self._alias_count = 0
        self._dependencies: dict[tuple[str, str], Dependency] = {}

    def table(self, model: str) -> sa.Table:
        return self._tables[model]

    def next_alias(self) -> int:
        self._alias_count += 1
        return self._alias_count

    def depend(self, path: str, model: Model, reach: Reach) -> None:
        self._dependencies.setdefault(
            (path, model.name), Dependency(path, model.name, reach, model.change_column)
        )

    def compile(self, query: RecordQuery, *, count: bool = False) -> Compiled:
        model = self.schema[query.model]
        key = model.require_key()
        root = self.table(model.name)
        self.depend("", model, Reach.ROOT)
        joins = _Joins(self, model, root)
        columns: list[ColumnElement[Any]] = [root.c[key]]
        readers = [self._reader(joins, path, columns) for path in query.fields]
        conditions: list[Condition] = [self.criteria(joins, query.include, query.today)]
        for criteria in query.exclude:
            conditions.append(sa.not_(_null_is_false(self.criteria(joins, criteria, query.today))))
        if query.ids is not None:
            conditions.append(root.c[key].in_(list(query.ids)))
        if query.after is not None:
            conditions.append(root.c[key] > query.after)
        if query.changed_since:
            conditions.append(self._changed_since(joins, query.changed_since))
        assert joins.from_clause is not None
        statement = sa.select(*columns).select_from(joins.from_clause).where(*conditions)
        if count:
            statement = sa.select(sa.func.count()).select_from(statement.subquery())
        else:
            statement = statement.order_by(root.c[key])
            if query.limit is not None:
                statement = statement.limit(query.limit)
        return Compiled(statement, readers, list(self._dependencies.values()))

    # -- criteria -------------------------------------------------------------------------

    def criteria(self, joins: _Joins, criteria: Criteria, today: dt.date | None) -> Condition:
        condition = self.domain(joins, criteria.domain)
        if criteria.periods:
            if today is None:
                raise PeriodError("periods need today's date")
            condition = sa.and_(condition, self.periods(joins, criteria.periods, today))
        return condition

    def domain(self, joins: _Joins, node: Node) -> Condition:
        if isinstance(node, Constant):
            return sa.true() if node.value else sa.false()
        if isinstance(node, And):
            return sa.and_(*(self.domain(joins, child) for child in node.children))
        if isinstance(node, Or):
            return sa.or_(*(self.domain(joins, child) for child in node.children))
        if isinstance(node, Not):
            # Plain SQL NOT: where the child is unknown (a comparison with NULL), so is its
            # negation, so a negation never turns a NULL into a match.
            return sa.not_(self.domain(joins, node.child))
        return self._leaf(joins, node)

    def periods(self, joins: _Joins, periods: Sequence[Period], today: dt.date) -> Condition:
        per_field = []
        for path, ranges in group_ranges(periods, today).items():
            column, kind = self._period_column(joins, path)
            options = []
            for span in ranges:
                if kind is FieldType.DATE:
                    options.append(sa.and_(column >= span.start, column <= span.end))
                else:
                    start = dt.datetime.combine(span.start, dt.time())
                    end = dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time())
                    options.append(sa.and_(column >= start, column < end))
            per_field.append(sa.or_(*options))
        return sa.and_(*per_field)

    def _period_column(self, joins: _Joins, path: str) -> tuple[ColumnElement[Any], FieldType]:
        try:
            steps = self.schema.resolve(joins.model.name, path)
        except FieldPathError as error:
            raise PeriodError(f"period field {error}") from None
        if any(step.type in X2MANY for _, step in steps):
            raise PeriodError(f"period field {path}: periods can follow many2one fields only")
        last = steps[-1][1]
        if last.type not in TEMPORAL or last.column is None:
            raise PeriodError(f"period field {path}: {last.type.value} is not a date or datetime")
        table, _ = joins.table_for(path.split(".")[:-1])
        return table.c[last.column], last.type

    def _leaf(self, joins: _Joins, leaf: Leaf) -> Condition:
        parts = leaf.path.split(".")
        steps = self._resolve(joins.model, leaf.path, leaf.location)
        for index, (model, step) in enumerate(steps):
            if step.type in X2MANY:
                outer, _ = joins.table_for(parts[:index])
                rest = ".".join(parts[index + 1 :])
                prefix = ".".join(filter(None, [joins.prefix, *parts[: index + 1]]))
                return self._x2many(outer, model, step, rest, leaf, prefix)
        model, last = steps[-1]
        table, _ = joins.table_for(parts[:-1])
        if last.name == DISPLAY_NAME and last.column is None:
            return _compare(self._display_column(table, model, leaf), FieldType.CHAR, leaf)
        if last.type is FieldType.MANY2ONE and _names_a_record(leaf):
            target, target_model = joins.table_for(parts)
            column = self._display_column(target, target_model, leaf)
            return _compare(column, FieldType.CHAR, leaf)
        assert last.column is not None
        return _compare(table.c[last.column], last.type, leaf)

    def _x2many(
        self, outer: sa.FromClause, model: Model, step: Field, rest: str, leaf: Leaf, prefix: str
    ) -> Condition:
        assert step.relation is not None
        related_model = self.schema[step.relation]
        related_key = related_model.require_key()
        related = self.table(step.relation).alias(f"j{self.next_alias()}")
        inner = _Joins(self, related_model, related, prefix=prefix, reach=Reach.X2MANY)
        self.depend(prefix, related_model, Reach.X2MANY)
        outer_key = outer.c[model.require_key()]
        link = None
        if step.type is FieldType.ONE2MANY:
            assert step.inverse_column is not None
            correlation = related.c[step.inverse_column] == outer_key
        else:
            assert step.link_table and step.link_column and step.link_target_column
            link = self.table(step.link_table).alias(f"j{self.next_alias()}")
            correlation = link.c[step.link_column] == outer_key
            self.depend(prefix, self.schema[step.link_table], Reach.X2MANY)
        if not rest:
            if leaf.value is False or leaf.value is None:
                if leaf.operator not in ("=", "!="):
                    raise DomainError(leaf.location, f"{leaf.path}: compare a list with = or !=")
                condition: Condition = sa.true()
                negative = leaf.operator == "="
            else:
                negative = leaf.operator in NEGATIVE
                positive = Leaf(
                    DISPLAY_NAME if _names_a_record(leaf) else related_key,
                    _POSITIVE.get(leaf.operator, leaf.operator),
                    leaf.value,
                    leaf.location,
                )
                condition = self._leaf(inner, positive)
        else:
            negative = leaf.operator in NEGATIVE
            positive = Leaf(
                rest, _POSITIVE.get(leaf.operator, leaf.operator), leaf.value, leaf.location
            )
            condition = self._leaf(inner, positive)
        assert inner.from_clause is not None
        from_clause = inner.from_clause
        if link is not None:
            assert step.link_target_column is not None
            from_clause = link.join(
                from_clause, related.c[related_key] == link.c[step.link_target_column]
            )
        exists = (
            sa.select(sa.literal(1)).select_from(from_clause).where(correlation, condition).exists()
        )
        return sa.not_(exists) if negative else exists

    def _changed_since(self, joins: _Joins, watermarks: Mapping[str, Any]) -> Condition:
        options = []
        for path, watermark in watermarks.items():
            table, model = joins.table_for(path.split(".") if path else [])
            if model.change_column is None:
                raise SourceError(f"model {model.name} has no change column to compare")
            # At or after: a row changed in the same clock tick as the last one seen may have
            # committed after that run read it.
            options.append(table.c[model.change_column] >= watermark)
        return sa.or_(*options) if options else sa.false()

    # -- reading ------------------------------------------------------------------------------

    def _reader(self, joins: _Joins, path: str, columns: list[ColumnElement[Any]]) -> Reader:
        return self._read_path(joins, path, columns, depth=0)

    def _read_path(
        self, joins: _Joins, path: str, columns: list[ColumnElement[Any]], depth: int
    ) -> Reader:
        parts = path.split(".")
        steps = self._resolve(joins.model, path, path)
        if any(step.type in X2MANY for _, step in steps):
            raise FieldPathError(path, "one2many and many2many fields cannot be read as one value")
        model, last = steps[-1]
        if last.name == DISPLAY_NAME and last.column is None:
            table, _ = joins.table_for(parts[:-1])
            return self._read_display(joins, parts[:-1], model, columns, depth)
        table, _ = joins.table_for(parts[:-1])
        assert last.column is not None
        columns.append(table.c[last.column])
        position = len(columns) - 1
        return lambda row: row[position]

    def _read_display(
        self,
        joins: _Joins,
        prefix: list[str],
        model: Model,
        columns: list[ColumnElement[Any]],
        depth: int,
    ) -> Reader:
        if "{{" not in model.display:
            table, _ = joins.table_for(prefix)
            columns.append(table.c[model.display])
            position = len(columns) - 1
            return lambda row: row[position]
        if depth >= _MAX_DISPLAY_DEPTH:
            raise FieldPathError(model.name, "display name templates nest too deeply")
        template = NameTemplate.parse(model.display)
        readers: dict[str, Reader] = {}
        for sub in template.paths:
            steps = self.schema.resolve(model.name, sub)
            target = sub
            if steps[-1][1].type is FieldType.MANY2ONE:
                target = f"{sub}.{DISPLAY_NAME}"
            full = ".".join([*prefix, target])
            readers[sub] = self._read_path(joins, full, columns, depth + 1)
        own_key = joins.table_for(prefix)[0].c[model.require_key()]
        columns.append(own_key)
        key_position = len(columns) - 1

        def render(row: Row) -> Any:
            if row[key_position] is None:
                return None
            return template.render({sub: reader(row) for sub, reader in readers.items()})

        return render

    def _display_column(self, table: sa.FromClause, model: Model, leaf: Leaf) -> ColumnElement[Any]:
        if "{{" in model.display:
            raise DomainError(
                leaf.location,
                f"{leaf.path}: the display name of {model.name} is a template; "
                "filter on one of its fields instead",
            )
        return table.c[model.display]

    def _resolve(self, model: Model, path: str, location: str) -> list[tuple[Model, Field]]:
        try:
            return self.schema.resolve(model.name, path)
        except FieldPathError as error:
            raise DomainError(location, str(error)) from None


def _names_a_record(leaf: Leaf) -> bool:
    """A relational field compared with text (or a pattern) is compared by display name."""
    if leaf.operator in PATTERNS:
        return True
    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
    return any(isinstance(value, str) for value in values)


def _null_is_false(condition: Condition) -> Condition:
    return sa.func.coalesce(condition, sa.false())


def _compare(column: ColumnElement[Any], kind: FieldType, leaf: Leaf) -> Condition:
    operator, value = leaf.operator, leaf.value
    if operator in PATTERNS:
        return _pattern(column, kind, operator, value)
    if operator in ("in", "not in") and kind is FieldType.BOOLEAN:
        # As `=`/`!=`: false (or null) in the list stands for "not set or false".
        allowed = {item is not None and bool(_coerce(item, kind, leaf)) for item in value}
        if operator == "not in":
            allowed = {True, False} - allowed
        choices: list[Condition] = []
        if True in allowed:
            choices.append(column.is_(True))
        if False in allowed:
            choices.append(sa.or_(column.is_(None), column.is_(False)))
        return sa.or_(*choices) if choices else sa.false()
    if operator in ("in", "not in"):
        unset = (
            any(item is False or item is None for item in value) and kind is not FieldType.BOOLEAN
        )
        values = [
            _coerce(item, kind, leaf)
            for item in value
            if not (unset and (item is False or item is None))
        ]
        if operator == "in":
            options = [column.in_(values)] if values else []
            if unset:
                options.append(column.is_(None))
            return sa.or_(*options) if options else sa.false()
        parts = [sa.or_(column.not_in(values), column.is_(None))] if values else []
        if unset:
            parts.append(column.is_not(None))
        return sa.and_(*parts) if parts else sa.true()
    if value is None or (value is False and kind is not FieldType.BOOLEAN):
        return _unset(column, kind) if operator == "=" else sa.not_(_unset(column, kind))
    if kind is FieldType.BOOLEAN and operator in ("=", "!="):
        wanted = bool(_coerce(value, kind, leaf)) == (operator == "=")
        return column.is_(True) if wanted else sa.or_(column.is_(None), column.is_(False))
    coerced = _coerce(value, kind, leaf)
    if operator == "=":
        equal: Condition = column == coerced
        return equal
    if operator == "!=":
        return sa.or_(column != coerced, column.is_(None))
    ordered: Condition = _ORDERING[operator](column, coerced)
    return ordered


def _unset(column: ColumnElement[Any], kind: FieldType) -> Condition:
    if kind in TEXTUAL:
        return sa.or_(column.is_(None), column == "")
    return column.is_(None)


def _pattern(column: ColumnElement[Any], kind: FieldType, operator: str, value: str) -> Condition:
    text = column if kind in TEXTUAL else sa.cast(column, sa.String)
    pattern = value if operator.startswith("=") else f"%{value}%"
    # Backslash escapes % and _ on every database (SQLite has no default escape character).
    if operator in ("like", "=like"):
        return text.like(pattern, escape="\\")
    if operator in ("ilike", "=ilike"):
        return text.ilike(pattern, escape="\\")
    if operator == "not like":
        return sa.or_(sa.not_(text.like(pattern, escape="\\")), column.is_(None))
    return sa.or_(sa.not_(text.ilike(pattern, escape="\\")), column.is_(None))


def _coerce(value: Any, kind: FieldType, leaf: Leaf) -> Any:
    def fail(expected: str) -> DomainError:
        return DomainError(leaf.location, f"{leaf.path}: {value!r} is not {expected}")

    if kind in (FieldType.INTEGER, FieldType.MANY2ONE):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise fail("a whole number")
        try:
            return int(value)
        except ValueError:
            raise fail("a whole number") from None
    if kind is FieldType.FLOAT:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise fail("a number")
        try:
            return float(value)
        except ValueError:
            raise fail("a number") from None
    if kind is FieldType.BOOLEAN:
        if not isinstance(value, bool) and value not in (0, 1):
            raise fail("true or false")
        return bool(value)
    if kind is FieldType.DATE:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise fail("a date (YYYY-MM-DD)") from None
    if kind is FieldType.DATETIME:
        try:
            return dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise fail("a date and time (YYYY-MM-DD HH:MM:SS)") from None
    if isinstance(value, bool):
        raise fail("a text")
    return str(value)
