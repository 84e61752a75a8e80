"""`SqlRecordSource`: reflection, display names, change columns, fetching, scanning, snapshots,
read-only connections and URL handling, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from archivist.sources.base import Criteria, Dependency, Reach, RecordQuery, TableSnapshot
from archivist.sources.domain import parse_domain
from archivist.sources.errors import DomainError, FieldPathError, SourceError, SourceUnavailable
from archivist.sources.reflection import field_type
from archivist.sources.schema import FieldType
from archivist.sources.sql import SqlRecordSource, parse_url, safe_url
from tests.sources.conftest import database
from tests.sources.shop import create_lab, create_shop

T = FieldType


@pytest.fixture(scope="module")
def lab_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database(backend, tmp_path_factory, create_lab) as url:
        yield url


@pytest.fixture(scope="module")
def lab(lab_url: str) -> Iterator[SqlRecordSource]:
    source = SqlRecordSource(lab_url, name="lab")
    yield source
    source.close()


@pytest.fixture
def open_source() -> Iterator[Callable[..., SqlRecordSource]]:
    """Opens sources that are closed after the test, whatever happens in it."""
    opened: list[SqlRecordSource] = []

    def open_(url: str, **options: Any) -> SqlRecordSource:
        opened.append(SqlRecordSource(url, **options))
        return opened[-1]

    yield open_
    for source in opened:
        source.close()


def keys(source: SqlRecordSource, query: RecordQuery) -> list[Any]:
    return [row[0] for row in source.fetch(query)]


def criteria(domain: Any) -> Criteria:
    return Criteria(domain=parse_domain(domain))


# --- reflection ------------------------------------------------------------------------------


def test_columns_become_typed_fields(shop: SqlRecordSource, lab: SqlRecordSource) -> None:
    orders = shop.schema()["orders"]
    assert {name: field.type for name, field in orders.fields.items()} == {
        "id": T.INTEGER,
        "name": T.CHAR,
        "partner_id": T.MANY2ONE,
        "state": T.CHAR,
        "amount": T.FLOAT,
        "date_order": T.DATETIME,
        "order_date": T.DATE,
        "done": T.BOOLEAN,  # TINYINT(1) on MariaDB
        "note": T.TEXT,
        "order_lines_ids": T.ONE2MANY,
        "tag_ids": T.MANY2MANY,
    }
    assert (orders.primary_key, orders.integer_key) == ("id", True)
    assert (orders.field("id").primary_key, orders.field("name").nullable) == (True, False)
    people = lab.schema()["people"]
    assert (people.field("photo").type, people.field("score").type) == (T.BINARY, T.FLOAT)
    assert lab.field_type("projects", "owner_id.updated_at") is T.DATETIME


def test_mysql_tinyint_1_is_a_boolean_and_wider_tinyints_are_integers() -> None:
    assert field_type(sa.Column("a", mysql.TINYINT(display_width=1))) is T.BOOLEAN
    assert field_type(sa.Column("b", mysql.TINYINT(display_width=4))) is T.INTEGER
    assert field_type(sa.Column("c", mysql.TINYINT())) is T.INTEGER


def test_mariadb_tinyint_1_columns_read_as_booleans(
    mariadb_url: str, open_source: Callable[..., SqlRecordSource]
) -> None:
    engine = sa.create_engine(mariadb_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE flags (id INT PRIMARY KEY, on_ TINYINT(1), n TINYINT)")
        )
        connection.execute(
            sa.text("INSERT INTO flags VALUES (1, 1, 3), (2, 0, 0), (3, NULL, NULL)")
        )
    engine.dispose()
    source = open_source(mariadb_url)
    flags = source.schema()["flags"]
    assert (flags.field("on_").type, flags.field("n").type) == (T.BOOLEAN, T.INTEGER)
    rows = source.fetch(RecordQuery("flags", fields=("on_", "n")))
    assert rows == [(1, True, 3), (2, False, 0), (3, None, None)]
    assert [type(row[1]) for row in rows[:2]] == [bool, bool]
    assert source.search("flags", [["on_", "=", False]]) == [2, 3]


def test_relations_are_named_after_their_tables_and_columns(
    shop: SqlRecordSource, lab: SqlRecordSource
) -> None:
    schema = shop.schema()
    partner_id = schema["orders"].field("partner_id")
    assert (partner_id.column, partner_id.relation) == ("partner_id", "partners")
    lines = schema["orders"].field("order_lines_ids")
    assert (lines.relation, lines.inverse_column, lines.column) == ("order_lines", "order_id", None)
    children = schema["partners"].field("partners_ids")  # through partners.parent_id
    assert (children.relation, children.inverse_column) == ("partners", "parent_id")
    assert schema["countries"].field("partners_ids").inverse_column == "country_id"
    tags = schema["orders"].field("tag_ids")
    assert (tags.relation, tags.link_table, tags.link_column, tags.link_target_column) == (
        "tags",
        "order_tag_rel",
        "order_id",
        "tag_id",
    )
    assert schema["tags"].field("order_ids").link_column == "tag_id"
    people = lab.schema()["people"]
    assert people.field("projects_ids_by_owner_id").inverse_column == "owner_id"
    assert people.field("projects_ids_by_reviewer_id").inverse_column == "reviewer_id"
    assert "projects_ids" not in people.fields
    assert people.field("skill_ids").link_table == "people_skills"  # a link table with an id
    assert lab.schema()["skills"].field("person_ids").relation == "people"


def test_tables_without_a_single_column_key_have_no_primary_key(
    shop: SqlRecordSource, lab: SqlRecordSource
) -> None:
    for source, name in [(shop, "order_tag_rel"), (lab, "readings"), (lab, "pairs")]:
        described = source.schema()[name]
        assert described.primary_key is None
        with pytest.raises(SourceError, match=f"model {name} has no single-column primary key"):
            described.require_key()
        with pytest.raises(SourceError, match="cannot be told apart"):
            source.fetch(RecordQuery(name))


def test_refresh_reads_the_schema_again(
    tmp_path: Path, open_source: Callable[..., SqlRecordSource]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    create_shop(url)
    source = open_source(url)
    assert "invoices" not in source.schema()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, name TEXT)"))
    engine.dispose()
    assert "invoices" not in source.schema()
    source.refresh()
    assert source.schema()["invoices"].display == "name"


# --- display names ---------------------------------------------------------------------------


def test_display_name_defaults_to_display_name_then_name_then_key(lab: SqlRecordSource) -> None:
    schema = lab.schema()
    assert [schema[m].display for m in ("people", "projects", "events")] == [
        "display_name",
        "name",
        "code",
    ]
    assert lab.display_names("people", [1, 2]) == {1: "Dr. Ada", 2: ""}
    assert lab.display_names("events", ["A-1", "E-10"]) == {"A-1": "A-1", "E-10": "E-10"}
    rows = lab.fetch(
        RecordQuery("projects", fields=("owner_id.display_name", "reviewer_id.display_name"))
    )
    assert rows == [(1, "Dr. Ada", None), (2, None, None)]


def test_a_configured_display_column(
    shop_url: str, open_source: Callable[..., SqlRecordSource]
) -> None:
    source = open_source(shop_url, display={"partners": "email", "countries": "code"})
    assert source.display_names("partners", [1, 2, 3]) == {1: "info@acme.be", 2: "", 3: ""}
    assert source.search("orders", [["partner_id.country_id", "=", "US"]]) == [3]


def test_a_configured_display_template_also_through_a_many2one(
    shop_url: str, open_source: Callable[..., SqlRecordSource]
) -> None:
    template = "{{object.name}} ({{object.country_id or 'nowhere'}})"
    source = open_source(shop_url, display={"partners": template})
    names = source.display_names("partners", [1, 4])
    assert names == {1: "Acme (Belgium)", 4: "Nobody (nowhere)"}
    rows = source.fetch(RecordQuery("orders", fields=("partner_id.display_name",), ids=[3, 4]))
    assert rows == [(3, "Globex (United States)"), (4, None)]
    with pytest.raises(DomainError, match=r"^domain\[0\]: partner_id: the display name of"):
        source.search("orders", [["partner_id", "=", "Acme"]])


@pytest.mark.parametrize(
    ("display", "message"),
    [
        ({"orders": "colour"}, "orders: display name column 'colour' does not exist"),
        ({"orders": "tag_ids"}, "orders: display name column 'tag_ids' does not exist"),
        ({"orders": "{{object.name"}, "orders: display name template"),
        ({"invoices": "name"}, "invoices: unknown model 'invoices' in source 'shop'"),
    ],
)
def test_bad_display_settings_name_the_model(
    shop_url: str,
    display: dict[str, str],
    message: str,
    open_source: Callable[..., SqlRecordSource],
) -> None:
    with pytest.raises(FieldPathError) as error:
        open_source(shop_url, name="shop", display=display).schema()
    assert str(error.value).startswith(message)


# --- change columns --------------------------------------------------------------------------


def test_change_columns_are_detected_by_name(shop: SqlRecordSource, lab: SqlRecordSource) -> None:
    assert shop.schema()["partners"].change_column == "write_date"
    assert shop.schema()["orders"].change_column is None
    changes = {name: lab.schema()[name].change_column for name in ("people", "projects", "events")}
    assert changes == {"people": "updated_at", "projects": "modified", "events": None}


def test_change_columns_can_be_set_or_disabled(
    lab_url: str, open_source: Callable[..., SqlRecordSource]
) -> None:
    source = open_source(lab_url, change_columns={"events": "happened", "people": ""})
    schema = source.schema()
    assert (schema["events"].change_column, schema["people"].change_column) == ("happened", None)


@pytest.mark.parametrize("column", ["name", "colour", "owner_id"])
def test_a_change_column_that_is_not_a_date_is_an_error_naming_the_model(
    lab_url: str, column: str, open_source: Callable[..., SqlRecordSource]
) -> None:
    with pytest.raises(FieldPathError) as error:
        open_source(lab_url, change_columns={"projects": column}).schema()
    assert (
        str(error.value) == f"projects: change column {column!r} is not a date or datetime column"
    )


# --- fetching --------------------------------------------------------------------------------


def test_fetch_reads_fields_through_many2ones(shop: SqlRecordSource) -> None:
    fields = ("name", "partner_id.name", "partner_id.country_id.code", "partner_id.parent_id.name",
              "amount", "order_date", "done")  # fmt: skip
    assert shop.fetch(RecordQuery("orders", fields=fields)) == [
        (1, "SO001", "Acme", "BE", None, Decimal("100.00"), dt.date(2023, 1, 15), True),
        (2, "SO002", "Acme, Joe", "BE", "Acme", Decimal("250.50"), dt.date(2023, 3, 1), False),
        (3, "SO003", "Globex", "US", None, Decimal("0.00"), dt.date(2023, 3, 2), None),
        (4, "SO004", None, None, None, None, None, None),
        (5, "SO005", "Nobody", None, None, Decimal("75.00"), dt.date(2024, 2, 29), True),
    ]
    assert shop.read("orders", [2], ["partner_id", "date_order"]) == [
        {"id": 2, "partner_id": 2, "date_order": dt.datetime(2023, 3, 1, 8, 30)}  # noqa: DTZ001
    ]
    with pytest.raises(
        FieldPathError, match=r"tag_ids\.name: one2many and many2many fields cannot"
    ):
        shop.fetch(RecordQuery("orders", fields=("tag_ids.name",)))


def test_fetch_leaves_out_excluded_records(shop: SqlRecordSource) -> None:
    sale_or_draft = criteria([["state", "in", ["sale", "draft"]]])
    urgent = criteria([["tag_ids.name", "=", "Urgent"]])
    assert keys(shop, RecordQuery("orders", include=sale_or_draft, exclude=(urgent,))) == [2, 3]
    # An exclusion that is unknown for a record (NULL amount) does not exclude it.
    big = criteria([["amount", ">", 50]])
    assert keys(shop, RecordQuery("orders", exclude=(big,))) == [3, 4]
    sale = criteria([["state", "=", "sale"]])
    assert keys(shop, RecordQuery("orders", exclude=(big, sale))) == [4]


def test_fetch_by_ids_after_a_key_and_up_to_a_limit(shop: SqlRecordSource) -> None:
    assert keys(shop, RecordQuery("orders", ids=[5, 1, 42])) == [1, 5]
    assert keys(shop, RecordQuery("orders", ids=[])) == []
    assert keys(shop, RecordQuery("orders", after=2)) == [3, 4, 5]
    assert keys(shop, RecordQuery("orders", after=2, limit=1)) == [3]
    assert keys(shop, RecordQuery("orders", limit=2)) == [1, 2]
    sale = criteria([["state", "=", "sale"]])
    assert keys(shop, RecordQuery("orders", include=sale, after=2, ids=[1, 2, 3])) == [3]


def test_count_counts_what_fetch_returns(shop: SqlRecordSource) -> None:
    assert shop.count(RecordQuery("orders")) == 5
    sale = criteria([["state", "=", "sale"]])
    assert shop.count(RecordQuery("orders", include=sale)) == 2
    assert shop.count(RecordQuery("orders", exclude=(sale,), after=1)) == 2
    assert shop.count(RecordQuery("partners", include=criteria([["orders_ids", "!=", False]]))) == 4


@pytest.mark.parametrize("batch_size", [1, 2, 4, 5, 6])
def test_scan_yields_every_row_once_in_key_order(shop: SqlRecordSource, batch_size: int) -> None:
    batches = list(shop.scan(RecordQuery("orders", fields=("name",)), batch_size=batch_size))
    assert [row for batch in batches for row in batch] == shop.fetch(
        RecordQuery("orders", fields=("name",))
    )
    assert all(0 < len(batch) <= batch_size for batch in batches)
    assert all(len(batch) == batch_size for batch in batches[:-1])
    not_sale = RecordQuery("orders", include=criteria([["state", "!=", "sale"]]), after=1)
    assert list(shop.scan(not_sale, batch_size=1)) == [[(4,)], [(5,)]]


def test_scan_of_a_large_table_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "large.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199999) "
            "INSERT INTO items SELECT i * 3, printf('item number %08d', i) FROM n"
        )
    connection.close()
    source = SqlRecordSource(f"sqlite:///{path}")
    query = RecordQuery("items")
    source.fetch(RecordQuery("items", limit=1))  # reads the schema, fills the statement cache
    tracemalloc.start()
    try:
        seen, last = 0, -1
        for batch in source.scan(query, batch_size=1_000):
            assert (len(batch), batch[0][0] > last) == (1_000, True)
            seen, last = seen + len(batch), batch[-1][0]
        scan_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        assert len(source.fetch(query)) == seen == 200_000
        fetch_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        source.close()
    assert scan_peak < fetch_peak / 5, (scan_peak, fetch_peak)


# --- dependencies and snapshots --------------------------------------------------------------


def test_dependencies_list_every_table_a_query_reads(shop: SqlRecordSource) -> None:
    query = RecordQuery(
        "orders",
        include=criteria(
            [["tag_ids.name", "=", "x"], ["order_lines_ids.order_id.partner_id", "=", 1]]
        ),
        exclude=(criteria([["partner_id.parent_id.name", "=", "x"]]),),
        fields=("partner_id.country_id.code",),
    )
    assert shop.dependencies(query) == [
        Dependency("", "orders", Reach.ROOT, None),
        Dependency("partner_id", "partners", Reach.MANY2ONE, "write_date"),
        Dependency("partner_id.country_id", "countries", Reach.MANY2ONE, None),
        Dependency("tag_ids", "tags", Reach.X2MANY, None),
        Dependency("tag_ids", "order_tag_rel", Reach.X2MANY, None),
        Dependency("order_lines_ids", "order_lines", Reach.X2MANY, None),
        Dependency("order_lines_ids.order_id", "orders", Reach.X2MANY, None),
        Dependency("partner_id.parent_id", "partners", Reach.MANY2ONE, "write_date"),
    ]
    nested = RecordQuery(
        "countries", include=criteria([["partners_ids.orders_ids.amount", ">", 1]])
    )
    assert [(d.path, d.reach) for d in shop.dependencies(nested)] == [
        ("", Reach.ROOT),
        ("partners_ids", Reach.X2MANY),
        ("partners_ids.orders_ids", Reach.X2MANY),
    ]


def test_dependencies_include_the_link_table_of_a_many2many(shop: SqlRecordSource) -> None:
    query = RecordQuery("orders", include=criteria([["tag_ids.name", "=", "x"]]))
    assert "order_tag_rel" in {d.model for d in shop.dependencies(query)}


def test_snapshot_of_a_link_table_changes_when_pairs_change(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'links.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE a (id INTEGER PRIMARY KEY)"))
        connection.execute(sa.text("CREATE TABLE b (id INTEGER PRIMARY KEY)"))
        connection.execute(
            sa.text(
                "CREATE TABLE a_b_rel (a_id INTEGER REFERENCES a(id), "
                "b_id INTEGER REFERENCES b(id), PRIMARY KEY (a_id, b_id))"
            )
        )
        connection.execute(sa.text("INSERT INTO a VALUES (1), (2)"))
        connection.execute(sa.text("INSERT INTO b VALUES (1), (2)"))
        connection.execute(sa.text("INSERT INTO a_b_rel VALUES (1, 1), (2, 2)"))
    source = SqlRecordSource(url, name="links")
    before = source.snapshot("a_b_rel")
    assert (before.count, before.max_key) == (2, None)
    with engine.begin() as connection:  # same ids, same sums, other pairs
        connection.execute(sa.text("DELETE FROM a_b_rel"))
        connection.execute(sa.text("INSERT INTO a_b_rel VALUES (1, 2), (2, 1)"))
    engine.dispose()
    after = source.snapshot("a_b_rel")
    source.close()
    assert after.count == before.count
    assert after != before


def test_snapshot_sums_up_a_table(shop: SqlRecordSource, lab: SqlRecordSource) -> None:
    assert shop.snapshot("orders") == TableSnapshot(count=5, key_sum=15, max_key=5, watermark=None)
    partners = shop.snapshot("partners")
    assert partners == TableSnapshot(4, 10, 4, dt.datetime(2023, 6, 1, 9, 0))  # noqa: DTZ001
    assert partners.as_json() == {
        "count": 4,
        "key_sum": 10,
        "max_key": 4,
        "watermark": "2023-06-01T09:00:00",
    }
    assert shop.snapshot("partners", after_key=2) == TableSnapshot(2, 7, 4, None)
    assert shop.snapshot("partners", after_key=4) == TableSnapshot(0, None, None, None)
    events = lab.snapshot("events")
    assert (events.count, events.key_sum, events.max_key) == (3, None, "E-2")
    assert (shop.key_from_text("orders", "12"), lab.key_from_text("events", "12")) == (12, "12")


# --- read-only, availability, URLs -----------------------------------------------------------


def test_the_source_cannot_write(shop: SqlRecordSource, backend: str) -> None:
    with pytest.raises(sa.exc.DBAPIError) as error, shop._engine.begin() as connection:
        connection.execute(sa.text("UPDATE orders SET state = 'written' WHERE id = 1"))
    original = error.value.orig
    if backend == "sqlite":
        assert isinstance(original, sqlite3.OperationalError)
        assert "readonly" in str(original)
    elif backend == "postgresql":
        assert type(original).__name__ == "ReadOnlySqlTransaction"
    else:
        assert "READ ONLY" in str(original)
    assert shop.search("orders", [["state", "=", "written"]]) == []


def test_a_missing_sqlite_file_is_unavailable_and_not_created(
    tmp_path: Path, open_source: Callable[..., SqlRecordSource]
) -> None:
    path = tmp_path / "missing.sqlite3"
    source = open_source(f"sqlite:///{path}", name="gone")
    with pytest.raises(SourceUnavailable, match="source 'gone' cannot be read: unable to open"):
        source.schema()
    with pytest.raises(SourceUnavailable):
        source.fetch(RecordQuery("orders"))
    assert not path.exists()


def test_an_unreachable_server_is_unavailable_without_showing_the_password(
    open_source: Callable[..., SqlRecordSource],
) -> None:
    source = open_source("postgresql+psycopg://user:s3cret@127.0.0.1:1/crm", name="crm")
    with pytest.raises(SourceUnavailable, match="source 'crm' cannot be read") as error:
        source.schema()
    assert "s3cret" not in str(error.value)
    assert "s3cret" not in repr(source)


BAD_URLS = {
    "not-a-url": ("not a url", "url: 'not a url' is not a database URL such as sqlite:///"),
    "unparsable-with-password": (
        "postgres ql://me:s3cret@db/crm",
        "url: 'postgres ql://***@db/crm' is not a database URL",
    ),
    "port-not-a-number": (
        "postgresql://me:s3cret@db:port/crm",
        "url: 'postgresql://***@db:port/crm' is not a database URL",
    ),
    "unsupported": ("oracle://scott@db/orcl", "url: 'oracle' databases are not supported"),
    "sqlite-without-file": ("sqlite://", "url: a SQLite source needs a file path"),
    "sqlite-in-memory": ("sqlite:///:memory:", "url: a SQLite source needs a file path"),
    "unknown-driver": (
        "postgresql+nosuch://db/crm",
        "url: the database driver 'postgresql+nosuch'",
    ),
    "driver-not-installed": ("mysql+mysqldb://db/crm", "url: the database driver 'mysql+mysqldb'"),
}


@pytest.mark.parametrize(("url", "problem"), BAD_URLS.values(), ids=BAD_URLS)
def test_bad_urls_are_source_errors_naming_the_problem(url: str, problem: str) -> None:
    with pytest.raises(SourceError) as error:
        parse_url(url)
    assert str(error.value).startswith(problem)
    assert "s3cret" not in str(error.value)
    with pytest.raises(SourceError):
        SqlRecordSource(url)


def test_good_urls_parse() -> None:
    assert parse_url("sqlite:///relative.db").database == "relative.db"
    assert parse_url("mariadb+pymysql://root@127.0.0.1/crm").get_backend_name() == "mariadb"
    assert parse_url("postgresql+psycopg://u:p@127.0.0.1:5433/crm").port == 5433


def test_safe_url_hides_passwords() -> None:
    assert (
        safe_url("postgresql+psycopg://user:s3cret@db/crm")
        == "postgresql+psycopg://user:***@db/crm"
    )
    assert safe_url("mysql+pymysql://root@127.0.0.1/crm") == "mysql+pymysql://root@127.0.0.1/crm"
    assert safe_url("postgresql://user:s3cret@db:port/crm") == "<invalid URL>"
    assert safe_url("nonsense") == "<invalid URL>"
