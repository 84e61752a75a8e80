"""`SqlRecordSource`: any database SQLAlchemy can reach (SQLite, PostgreSQL, MariaDB/MySQL) as a
read-only record source. The schema is reflected once; connections are opened read-only so
Archivist cannot change a source even by mistake."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from archivist.sources.base import Criteria, Dependency, RecordQuery, Row, TableSnapshot
from archivist.sources.domain import parse_domain
from archivist.sources.errors import SourceError, SourceUnavailable
from archivist.sources.reflection import build_schema, field_type
from archivist.sources.schema import DISPLAY_NAME, FieldType, Schema
from archivist.sources.sql_query import Compiled, QueryCompiler

CONNECT_TIMEOUT_SECONDS = 10
_USER_INFO = re.compile(r"//[^/@]*@")


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and listings."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        return "<invalid URL>"


def parse_url(url: str) -> URL:
    """Checks a source URL; raises SourceError naming the problem."""
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as error:
        shown = _USER_INFO.sub("//***@", url)  # never echo a password
        reason = f" ({error})" if isinstance(error, ValueError) else ""
        raise SourceError(
            f"url: {shown!r} is not a database URL such as sqlite:///path/to/file.db "
            f"or postgresql+psycopg://user@host/db{reason}"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql", "mysql", "mariadb"}:
        raise SourceError(
            f"url: {backend!r} databases are not supported; use SQLite, PostgreSQL or MariaDB/MySQL"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise SourceError("url: a SQLite source needs a file path (sqlite:///path/to/file.db)")
    try:
        parsed.get_dialect().import_dbapi()
    except (sa.exc.NoSuchModuleError, ImportError) as error:
        raise SourceError(
            f"url: the database driver {parsed.drivername!r} is not available ({error})"
        ) from None
    return parsed


class SqlRecordSource:
    """A record source over one SQL database."""

    def __init__(
        self,
        url: str,
        *,
        name: str = "",
        display: Mapping[str, str] | None = None,
        change_columns: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self._display = dict(display or {})
        self._change_columns = dict(change_columns or {})
        self._engine = _read_only_engine(parse_url(url))
        self._lock = threading.Lock()
        self._schema: Schema | None = None
        self._tables: dict[str, sa.Table] = {}

    def __repr__(self) -> str:
        return f"SqlRecordSource({self.name!r}, {safe_url(self.url)!r})"

    # -- schema ---------------------------------------------------------------------------

    def schema(self) -> Schema:
        with self._lock:
            if self._schema is None:
                metadata = sa.MetaData()
                try:
                    metadata.reflect(bind=self._engine)
                except sa.exc.SQLAlchemyError as error:
                    raise SourceUnavailable(
                        f"source {self.name or safe_url(self.url)!r} cannot be read: "
                        f"{_reason(error)}"
                    ) from error
                for table in metadata.tables.values():
                    for column in table.columns:
                        if field_type(column) is FieldType.BOOLEAN and not isinstance(
                            column.type, sa.Boolean
                        ):
                            column.type = sa.Boolean()  # MariaDB's TINYINT(1): read True/False
                self._tables = dict(metadata.tables)
                self._schema = build_schema(
                    metadata,
                    source=self.name,
                    display=self._display,
                    change_columns=self._change_columns,
                )
            return self._schema

    def refresh(self) -> None:
        """Forgets the schema and closes pooled connections: the next use reads both anew."""
        with self._lock:
            self._schema = None
            self._engine.dispose()

    # -- queries --------------------------------------------------------------------------

    def compile(self, query: RecordQuery, *, count: bool = False) -> Compiled:
        schema = self.schema()
        return QueryCompiler(schema, self._tables).compile(query, count=count)

    def fetch(self, query: RecordQuery) -> list[Row]:
        compiled = self.compile(query)
        rows = self._execute(compiled.statement)
        if not compiled.readers:
            return [(row[0],) for row in rows]
        readers = compiled.readers
        return [(row[0], *(read(row) for read in readers)) for row in rows]

    def scan(self, query: RecordQuery, batch_size: int = 2000) -> Iterator[list[Row]]:
        """Every row of the query in batches of `batch_size`, by keyset pagination: memory stays
        flat whatever the table size, and no cursor is held open between batches."""
        after = query.after
        while True:
            page = RecordQuery(
                model=query.model,
                include=query.include,
                exclude=query.exclude,
                fields=query.fields,
                ids=query.ids,
                after=after,
                limit=batch_size,
                changed_since=query.changed_since,
                today=query.today,
            )
            rows = self.fetch(page)
            if rows:
                yield rows
            if len(rows) < batch_size:
                return
            after = rows[-1][0]

    def count(self, query: RecordQuery) -> int:
        compiled = self.compile(query, count=True)
        return int(self._execute(compiled.statement)[0][0])

    def dependencies(self, query: RecordQuery) -> list[Dependency]:
        return self.compile(query).dependencies

    def snapshot(self, model: str, after_key: Any = None) -> TableSnapshot:
        """Row count, key sum (integer keys), largest key and largest change-column value of a
        table, or of its rows with a key above `after_key`. A table without a single-column key
        (a many2many link table) gets a checksum of its integer columns as `key_sum`."""
        described = self.schema()[model]
        table = self._tables[model]
        if described.primary_key is None:
            return self._keyless_snapshot(table)
        key = described.require_key()
        columns: list[Any] = [sa.func.count(), sa.func.max(table.c[key])]
        columns.append(sa.func.sum(table.c[key]) if described.integer_key else sa.null())
        if described.change_column:
            columns.append(sa.func.max(table.c[described.change_column]))
        else:
            columns.append(sa.null())
        statement = sa.select(*columns)
        if after_key is not None:
            statement = statement.where(table.c[key] > after_key)
        values: tuple[Any, ...] = tuple(self._execute(statement)[0])
        count, max_key, key_sum, watermark = values
        return TableSnapshot(
            count=int(count),
            key_sum=None if key_sum is None else int(key_sum),
            max_key=max_key,
            watermark=watermark,
        )

    def _keyless_snapshot(self, table: sa.Table) -> TableSnapshot:
        numbers = [c for c in table.columns if isinstance(c.type, sa.Integer)]
        columns: list[Any] = [sa.func.count()]
        columns += [sa.func.coalesce(sa.func.sum(column), 0) for column in numbers]
        if len(numbers) >= 2:  # catches pairs swapped between rows, which plain sums miss
            columns.append(sa.func.coalesce(sa.func.sum(numbers[0] * numbers[1]), 0))
        count, *sums = tuple(self._execute(sa.select(*columns))[0])
        checksum = 0
        for value in sums:
            checksum = checksum * 1_000_003 + int(value)
        return TableSnapshot(count=int(count), key_sum=checksum, max_key=None, watermark=None)

    def key_from_text(self, model: str, text: str) -> Any:
        described = self.schema()[model]
        if described.integer_key:
            return int(text)
        return text

    # -- conveniences over fetch ----------------------------------------------------------

    def search(self, model: str, domain: object = (), *, limit: int | None = None) -> list[Any]:
        """Keys of the records matching a domain (JSON text or list)."""
        query = RecordQuery(model, include=_criteria(domain), limit=limit)
        return [row[0] for row in self.fetch(query)]

    def read(self, model: str, ids: Sequence[Any], fields: Sequence[str]) -> list[dict[str, Any]]:
        rows = self.fetch(RecordQuery(model, fields=tuple(fields), ids=list(ids)))
        return [{"id": row[0], **dict(zip(fields, row[1:], strict=True))} for row in rows]

    def display_names(self, model: str, ids: Sequence[Any]) -> dict[Any, str]:
        rows = self.fetch(RecordQuery(model, fields=(DISPLAY_NAME,), ids=list(ids)))
        return {row[0]: "" if row[1] is None else str(row[1]) for row in rows}

    def field_type(self, model: str, path: str) -> FieldType:
        return self.schema().resolve(model, path)[-1][1].type

    def close(self) -> None:
        self._engine.dispose()

    def _execute(self, statement: sa.Executable) -> Sequence[sa.Row[Any]]:
        try:
            with self._engine.connect() as connection:
                return connection.execute(statement).all()
        except sa.exc.SQLAlchemyError as error:
            raise SourceUnavailable(
                f"source {self.name or safe_url(self.url)!r} query failed: {_reason(error)}"
            ) from error


def _criteria(domain: object) -> Criteria:
    return Criteria(domain=parse_domain(domain if domain != () else []))


def _reason(error: sa.exc.SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _read_only_engine(url: URL) -> sa.Engine:
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = url.database or ""

        def connect() -> sqlite3.Connection:
            # mode=ro: never create a missing file, never write.
            connection = sqlite3.connect(
                f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False, timeout=30
            )
            # LIKE is case-sensitive, as on PostgreSQL (ilike is compiled with lower()).
            connection.execute("PRAGMA case_sensitive_like = ON")
            return connection

        return sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.QueuePool)
    if backend == "postgresql":
        return sa.create_engine(
            url,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                "options": "-c default_transaction_read_only=on",
            },
        )
    engine = sa.create_engine(
        url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )

    @sa.event.listens_for(engine, "connect")
    def read_only(connection: Any, _record: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")

    return engine
