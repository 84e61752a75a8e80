"""The demo business database: tables, the spec's example records, determinism, other backends."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from archivist.documents.demo.database import DEMO_TABLES, create_demo_database

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, dict[str, int]]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    counts = create_demo_database(f"sqlite:///{path}", TODAY)
    engine = create_engine(f"sqlite:///{path}")
    yield engine, counts
    engine.dispose()


@pytest.fixture
def engine(built: tuple[Engine, dict[str, int]]) -> Engine:
    return built[0]


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def one(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def partner(engine: Engine, name: str) -> Any:
    return one(engine, "SELECT * FROM res_partner WHERE name = :name", name=name)


def partner_name(engine: Engine, partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    name: str = scalar(engine, "SELECT name FROM res_partner WHERE id = :id", id=partner_id)
    return name


def user_name(engine: Engine, user_id: int) -> str:
    name: str = scalar(engine, "SELECT name FROM res_users WHERE id = :id", id=user_id)
    return name


def test_returned_counts_match_the_tables(built: tuple[Engine, dict[str, int]]) -> None:
    engine, counts = built
    assert set(counts) == set(DEMO_TABLES)
    assert set(inspect(engine).get_table_names()) == set(DEMO_TABLES)
    for table, count in counts.items():
        assert scalar(engine, f"SELECT count(*) FROM {table}") == count, table
    assert 5000 < sum(counts.values()) < 10000
    assert counts["res_country"] >= 8
    assert counts["sale_order"] >= 1900
    assert counts["account_move"] >= 900
    assert counts["res_partner"] >= 1800


def test_columns_and_foreign_keys_are_reflected(engine: Engine) -> None:
    inspector = inspect(engine)
    references = {
        (table, tuple(fk["constrained_columns"]), fk["referred_table"])
        for table in DEMO_TABLES
        for fk in inspector.get_foreign_keys(table)
    }
    assert ("res_users", ("partner_id",), "res_partner") in references
    assert ("res_partner", ("parent_id",), "res_partner") in references
    assert ("res_partner", ("commercial_partner_id",), "res_partner") in references
    assert ("sale_order", ("partner_id",), "res_partner") in references
    assert ("project_task", ("project_id",), "project_project") in references
    assert ("project_tag_rel", ("tag_id",), "project_tags") in references
    assert ("hr_employee", ("parent_id",), "hr_employee") in references
    assert ("hr_department", ("parent_id",), "hr_department") in references

    rel_columns = {c["name"] for c in inspector.get_columns("project_tag_rel")}
    assert rel_columns == {"project_id", "tag_id"}
    assert inspector.get_pk_constraint("project_tag_rel")["constrained_columns"] == [
        "project_id",
        "tag_id",
    ]
    for table in set(DEMO_TABLES) - {"project_tag_rel"}:
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert {"id", "create_date", "write_date"} <= set(columns), table
        assert not columns["write_date"]["nullable"], table
        indexed = {tuple(i["column_names"]) for i in inspector.get_indexes(table)}
        assert ("write_date",) in indexed, table


def test_foreign_keys_hold(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []


def test_timestamps_are_in_the_past(engine: Engine) -> None:
    midnight = datetime.datetime.combine(TODAY, datetime.time())
    for table in set(DEMO_TABLES) - {"project_tag_rel"}:
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT create_date, write_date FROM {table}")).all()
        for created, written in rows:
            created = datetime.datetime.fromisoformat(created)
            written = datetime.datetime.fromisoformat(written)
            assert created <= written < midnight, table


def test_countries(engine: Engine) -> None:
    with engine.connect() as conn:
        codes: dict[str, str] = dict(conn.execute(text("SELECT code, name FROM res_country")).all())
    assert {
        "US": "United States",
        "BE": "Belgium",
        "FR": "France",
        "DE": "Germany",
        "GB": "United Kingdom",
        "NL": "Netherlands",
        "ES": "Spain",
        "IT": "Italy",
    }.items() <= codes.items()


@pytest.mark.parametrize(
    "name",
    [
        "Azure Interior",
        "Deco Addict",
        "Gemini Furniture",
        "Ready Mat",
        "Lumber Inc",
        "Wood Corner",
        "The Jackson Group",
    ],
)
def test_customer_companies(engine: Engine, name: str) -> None:
    row = partner(engine, name)
    assert row.is_company
    assert row.customer_rank > 0
    assert row.parent_id is None
    assert row.commercial_partner_id == row.id
    assert row.display_name == name


@pytest.mark.parametrize("name", ["Furniture Supplies Ltd", "Steel & Co", "Fabric World"])
def test_vendor_companies(engine: Engine, name: str) -> None:
    row = partner(engine, name)
    assert row.is_company
    assert row.supplier_rank > 0
    assert row.customer_rank == 0
    assert scalar(engine, "SELECT count(*) FROM product_template WHERE vendor_id = :id", id=row.id)


def test_generated_companies_and_vendors(engine: Engine) -> None:
    customers = scalar(
        engine, "SELECT count(*) FROM res_partner WHERE is_company AND customer_rank > 0"
    )
    vendors = scalar(
        engine,
        "SELECT count(*) FROM res_partner WHERE is_company AND supplier_rank > 0"
        " AND customer_rank = 0",
    )
    assert customers >= 300
    assert vendors >= 40
    # company names are distinct
    assert scalar(
        engine, "SELECT count(DISTINCT name) FROM res_partner WHERE is_company"
    ) == scalar(engine, "SELECT count(*) FROM res_partner WHERE is_company")
    # every vendor has a product, and products only ever point at vendors
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM res_partner v WHERE v.is_company AND v.supplier_rank > 0"
            " AND NOT EXISTS (SELECT 1 FROM product_template p WHERE p.vendor_id = v.id)",
        )
        == 0
    )
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM product_template p JOIN res_partner v ON v.id = p.vendor_id"
            " WHERE v.customer_rank > 0 OR v.supplier_rank = 0 OR NOT v.is_company",
        )
        == 0
    )


def test_people(engine: Engine) -> None:
    john = partner(engine, "John Brown")
    assert partner_name(engine, john.parent_id) == "Azure Interior"
    assert john.commercial_partner_id == john.parent_id
    assert john.display_name == "Azure Interior, John Brown"
    assert not john.is_company

    addison = partner(engine, "Addison Olson")
    assert partner_name(engine, addison.parent_id) == "Deco Addict"
    assert addison.display_name == "Deco Addict, Addison Olson"

    elena = partner(engine, "Elena Green")
    assert elena.parent_id is None
    assert elena.commercial_partner_id == elena.id
    assert elena.customer_rank > 0
    assert elena.display_name == "Elena Green"

    for name in ("Abigail Peterson", "Anita Oliver", "Doris Cole", "Mitchel Admin"):
        row = partner(engine, name)
        assert row.parent_id is None, name
        assert row.customer_rank == 0, name

    abigail = partner(engine, "Abigail Peterson")
    assert (abigail.phone, abigail.mobile) == ("356745", None)
    anita = partner(engine, "Anita Oliver")
    assert (anita.phone, anita.mobile) == (None, "+37854756231")


def test_generated_people(engine: Engine) -> None:
    people = scalar(engine, "SELECT count(*) FROM res_partner WHERE NOT is_company")
    with_company = scalar(
        engine, "SELECT count(*) FROM res_partner WHERE NOT is_company AND parent_id IS NOT NULL"
    )
    assert people >= 1500
    assert with_company > people / 2
    assert scalar(engine, "SELECT count(*) FROM res_partner WHERE phone IS NULL") > 500
    assert scalar(engine, "SELECT count(*) FROM res_partner WHERE mobile IS NULL") > 500
    # Odoo's display_name and commercial partner rules hold for every partner
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM res_partner p LEFT JOIN res_partner c ON c.id = p.parent_id"
            " WHERE (c.id IS NULL AND (p.display_name != p.name"
            "                          OR p.commercial_partner_id != p.id))"
            " OR (c.id IS NOT NULL AND (p.display_name != c.name || ', ' || p.name"
            "                           OR p.commercial_partner_id != c.id))",
        )
        == 0
    )


def test_users(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT u.login, u.name, p.name FROM res_users u"
                " JOIN res_partner p ON p.id = u.partner_id WHERE u.active"
            )
        ).all()
    users = {login: (name, partner) for login, name, partner in rows}
    assert users == {
        "admin": ("Mitchel Admin", "Mitchel Admin"),
        "anita": ("Anita Oliver", "Anita Oliver"),
        "abigail": ("Abigail Peterson", "Abigail Peterson"),
        "doris": ("Doris Cole", "Doris Cole"),
        "marc": ("Marc Demo", "Marc Demo"),
        "joel": ("Joel Willis", "Joel Willis"),
    }


def test_sales_teams(engine: Engine) -> None:
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM crm_team")).scalars())
    assert names == {"Europe", "America", "Pacific", "Website", "Direct Sales"}


@pytest.mark.parametrize(
    ("order", "customer", "company", "salesperson"),
    [
        ("S00010", "John Brown", "Azure Interior", "Anita Oliver"),
        ("S00020", "Elena Green", None, "Doris Cole"),
        ("S00030", "John Brown", "Azure Interior", "Abigail Peterson"),
    ],
)
def test_example_sale_orders(
    engine: Engine, order: str, customer: str, company: str | None, salesperson: str
) -> None:
    row = one(engine, "SELECT * FROM sale_order WHERE name = :name", name=order)
    assert row.id == int(order[1:])
    assert row.state == "sale"
    assert partner_name(engine, row.partner_id) == customer
    assert partner_name(engine, partner(engine, customer).parent_id) == company
    assert user_name(engine, row.user_id) == salesperson


def test_sale_orders(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name, state, date_order FROM sale_order")).all()
    assert len(rows) >= 1900
    assert all(name == f"S{id_:05d}" for id_, name, _state, _date in rows)
    states = {state for _id, _name, state, _date in rows}
    assert states == {"draft", "sent", "sale", "done", "cancel"}
    dates = [datetime.datetime.fromisoformat(d).date() for *_rest, d in rows]
    assert min(dates) >= TODAY - datetime.timedelta(days=550)
    assert max(dates) < TODAY


def test_invoices(engine: Engine) -> None:
    three_months_ago = datetime.date(2026, 2, 20)
    recent = scalar(
        engine, "SELECT count(*) FROM account_move WHERE invoice_date >= :d", d=three_months_ago
    )
    assert 150 < recent < 350
    assert scalar(engine, "SELECT min(invoice_date) FROM account_move") >= "2025-05-20"
    with engine.connect() as conn:
        kinds: dict[str, int] = dict(
            conn.execute(text("SELECT move_type, count(*) FROM account_move GROUP BY 1")).all()
        )
        rows = conn.execute(text("SELECT name, move_type, invoice_date FROM account_move")).all()
    assert kinds["out_invoice"] > kinds["in_invoice"] > 0
    prefixes = {"out_invoice": "INV", "in_invoice": "BILL", "out_refund": "RINV"}
    for name, move_type, invoice_date in rows:
        prefix, year, number = name.split("/")
        assert (prefix, year) == (prefixes[move_type], invoice_date[:4])
        assert len(number) == 5
    # vendor bills come from vendors
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM account_move m JOIN res_partner p ON p.id = m.partner_id"
            " WHERE m.move_type = 'in_invoice' AND p.supplier_rank = 0",
        )
        == 0
    )


def test_purchase_orders(engine: Engine) -> None:
    assert scalar(engine, "SELECT count(*) FROM purchase_order") >= 250
    assert scalar(engine, "SELECT name FROM purchase_order WHERE id = 1") == "P00001"
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM purchase_order o JOIN res_partner p ON p.id = o.partner_id"
            " WHERE p.supplier_rank = 0 OR p.customer_rank > 0",
        )
        == 0
    )


def test_projects_and_tasks(engine: Engine) -> None:
    def tags(project: str) -> set[str]:
        with engine.connect() as conn:
            return set(
                conn.execute(
                    text(
                        "SELECT t.name FROM project_tag_rel r"
                        " JOIN project_tags t ON t.id = r.tag_id"
                        " JOIN project_project p ON p.id = r.project_id WHERE p.name = :name"
                    ),
                    {"name": project},
                ).scalars()
            )

    def customer(project: str) -> str | None:
        row = one(engine, "SELECT partner_id FROM project_project WHERE name = :n", n=project)
        return partner_name(engine, row.partner_id)

    assert customer("Software Design") == "Azure Interior"
    assert tags("Software Design") == {"Internal", "Design"}
    assert customer("Office Design") == "Deco Addict"
    assert customer("Renovations") == "Gemini Furniture"
    assert customer("Research & Development") is None
    assert tags("Research & Development") == {"Internal"}
    with engine.connect() as conn:
        all_tags = set(conn.execute(text("SELECT name FROM project_tags")).scalars())
    assert {"Internal", "External", "Design", "Urgent"} <= all_tags
    assert scalar(engine, "SELECT count(*) FROM project_project WHERE partner_id IS NOT NULL") > 40

    task = one(engine, "SELECT * FROM project_task WHERE name = 'Prepare Specification'")
    project = one(engine, "SELECT * FROM project_project WHERE id = :id", id=task.project_id)
    assert project.name == "Software Design"
    assert partner_name(engine, project.partner_id) == "Azure Interior"
    assert scalar(engine, "SELECT count(*) FROM project_task") > 400


def test_employees(engine: Engine) -> None:
    def employee(name: str) -> tuple[str, str | None]:
        with engine.connect() as conn:
            department, login = conn.execute(
                text(
                    "SELECT d.name, u.login FROM hr_employee e"
                    " JOIN hr_department d ON d.id = e.department_id"
                    " LEFT JOIN res_users u ON u.id = e.user_id WHERE e.name = :name"
                ),
                {"name": name},
            ).one()
        return department, login

    assert employee("Mitchel Admin") == ("Administration", "admin")
    assert employee("Abigail Peterson") == ("Sales", "abigail")
    assert employee("Anita Oliver") == ("Sales", "anita")
    assert employee("Doris Cole") == ("Sales", "doris")
    assert scalar(engine, "SELECT count(*) FROM hr_employee") >= 60

    with engine.connect() as conn:
        departments: dict[str, str | None] = dict(
            conn.execute(
                text(
                    "SELECT d.name, p.name FROM hr_department d"
                    " LEFT JOIN hr_department p ON p.id = d.parent_id"
                )
            ).all()
        )
    assert departments == {
        "Administration": None,
        "Sales": None,
        "Research & Development": None,
        "Management": None,
        "Professional Services": None,
        "Long Term Projects": "Research & Development",
        "Human Resources": None,
    }


def test_leads(engine: Engine) -> None:
    with engine.connect() as conn:
        per_team: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT t.name, count(*) FROM crm_lead l"
                    " JOIN crm_team t ON t.id = l.team_id GROUP BY t.name"
                )
            ).all()
        )
        types = set(conn.execute(text("SELECT DISTINCT type FROM crm_lead")).scalars())
    assert len(per_team) == 5
    assert sum(per_team.values()) >= 750
    assert types == {"lead", "opportunity"}
    assert scalar(engine, "SELECT count(*) FROM crm_lead WHERE won != (stage = 'Won')") == 0


def _dump(path: Path, tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {
                table: [
                    tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
                ]
                for table in tables
            }
    finally:
        engine.dispose()


def test_deterministic_for_a_seed_and_today(tmp_path: Path) -> None:
    tables = ["res_partner", "sale_order", "account_move", "project_task", "hr_employee"]
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    assert create_demo_database(f"sqlite:///{first}", TODAY) == create_demo_database(
        f"sqlite:///{second}", TODAY
    )
    create_demo_database(f"sqlite:///{other}", TODAY, seed=8)
    assert _dump(first, tables) == _dump(second, tables)
    assert _dump(first, tables) != _dump(other, tables)


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    counts = create_demo_database(url, TODAY)
    before = _dump(tmp_path / "demo.db", ["res_partner", "sale_order"])
    with pytest.raises(ValueError, match="already has demo tables"):
        create_demo_database(url, TODAY, seed=3)
    assert _dump(tmp_path / "demo.db", ["res_partner", "sale_order"]) == before
    engine = create_engine(url)
    try:
        assert scalar(engine, "SELECT count(*) FROM sale_order") == counts["sale_order"]
    finally:
        engine.dispose()


def test_refuses_when_a_single_demo_table_exists(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE sale_order (id INTEGER PRIMARY KEY, note TEXT)"))
            conn.execute(text("INSERT INTO sale_order (note) VALUES ('keep me')"))
        with pytest.raises(ValueError, match="sale_order"):
            create_demo_database(url, TODAY)
        assert set(inspect(engine).get_table_names()) == {"sale_order"}
        assert scalar(engine, "SELECT note FROM sale_order") == "keep me"
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- server backends


def _throwaway_database(server_url: str, label: str) -> Iterator[str]:
    """Creates `archivist_demo_test_<random>` on the server and yields its URL; drops it after."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        pytest.skip(f"{label} not reachable at {admin.url.host}:{admin.url.port}: {reason}")
    name = f"archivist_demo_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    finally:
        admin.dispose()


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    yield from _throwaway_database(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", "PostgreSQL"
    )


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    yield from _throwaway_database("mysql+pymysql://root@127.0.0.1:3306/", "MariaDB")


def test_postgresql(postgresql_url: str) -> None:
    check_server_backend(postgresql_url)


def test_mariadb(mariadb_url: str) -> None:
    check_server_backend(mariadb_url)


def check_server_backend(url: str) -> None:
    counts = create_demo_database(url, TODAY)
    engine = create_engine(url)
    try:
        for table in ("res_partner", "sale_order", "account_move", "project_tag_rel"):
            assert scalar(engine, f"SELECT count(*) FROM {table}") == counts[table]
        row = one(
            engine,
            "SELECT p.display_name, u.name AS salesperson FROM sale_order o"
            " JOIN res_partner p ON p.id = o.partner_id"
            " JOIN res_users u ON u.id = o.user_id WHERE o.name = 'S00010'",
        )
        assert tuple(row) == ("Azure Interior, John Brown", "Anita Oliver")
        fks = inspect(engine).get_foreign_keys("res_users")
        assert [fk["referred_table"] for fk in fks] == ["res_partner"]
        # ids continue after the inserted rows
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO project_tags (name, write_date) VALUES ('New', :now)"),
                {"now": datetime.datetime.combine(TODAY, datetime.time())},
            )
        assert scalar(engine, "SELECT max(id) FROM project_tags") == counts["project_tags"] + 1
        with pytest.raises(ValueError, match="already has demo tables"):
            create_demo_database(url, TODAY)
    finally:
        engine.dispose()
