"""The demo business database behind `archivist demo`: Odoo-shaped tables and their data.

The tables mimic the Odoo models the spec's examples use (partners, sale orders, invoices,
projects, employees, ...), with Odoo's table and column names, so folder rules written for a
real Odoo database read the same against the demo. The rows come from `data.py`.

SQLAlchemy Core only; works on SQLite, PostgreSQL and MariaDB/MySQL.
"""

from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    inspect,
    text,
)
from sqlalchemy.engine import Connection

from archivist.documents.demo.data import generate_demo_data

__all__ = ["DEMO_TABLES", "create_demo_database", "metadata"]

# --------------------------------------------------------------------------- tables

metadata = MetaData()


def _odoo_table(name: str, *columns: Column[object]) -> Table:
    """A table with Odoo's `id`, `create_date` and `write_date` columns around `columns`."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        *columns,
        Column("create_date", DateTime),
        Column("write_date", DateTime, nullable=False, index=True),
    )


def _name(length: int = 255) -> Column[object]:
    return Column("name", String(length), nullable=False)


def _fk(name: str, target: str, *, nullable: bool = True) -> Column[object]:
    return Column(name, Integer, ForeignKey(target), nullable=nullable, index=True)


def _money(name: str) -> Column[object]:
    return Column(name, Numeric(12, 2), nullable=False)


def _active() -> Column[object]:
    return Column("active", Boolean, nullable=False, default=True)


res_country = _odoo_table(
    "res_country",
    _name(64),
    Column("code", String(2), nullable=False, unique=True),
)

# res_partner is created before res_users and has no foreign key to it: no cycle to break.
res_partner = _odoo_table(
    "res_partner",
    _name(),
    Column("display_name", String(512), nullable=False),
    Column("is_company", Boolean, nullable=False),
    _fk("parent_id", "res_partner.id"),
    _fk("commercial_partner_id", "res_partner.id"),
    Column("email", String(255)),
    Column("phone", String(32)),
    Column("mobile", String(32)),
    Column("street", String(255)),
    Column("city", String(128)),
    _fk("country_id", "res_country.id"),
    Column("customer_rank", Integer, nullable=False, default=0),
    Column("supplier_rank", Integer, nullable=False, default=0),
    _active(),
)

res_users = _odoo_table(
    "res_users",
    Column("login", String(64), nullable=False, unique=True),
    _name(),
    _fk("partner_id", "res_partner.id", nullable=False),
    _active(),
)

crm_team = _odoo_table(
    "crm_team",
    _name(128),
    _fk("user_id", "res_users.id"),
    _active(),
)

crm_lead = _odoo_table(
    "crm_lead",
    _name(),
    _fk("partner_id", "res_partner.id"),
    _fk("team_id", "crm_team.id"),
    _fk("user_id", "res_users.id"),
    Column("type", String(16), nullable=False),
    Column("stage", String(32), nullable=False),
    Column("won", Boolean, nullable=False),
    Column("probability", Float, nullable=False),
    _money("expected_revenue"),
    Column("date_deadline", Date),
    _active(),
)

product_template = _odoo_table(
    "product_template",
    _name(),
    _money("list_price"),
    _fk("vendor_id", "res_partner.id"),
    _active(),
)

sale_order = _odoo_table(
    "sale_order",
    Column("name", String(32), nullable=False, unique=True),
    _fk("partner_id", "res_partner.id", nullable=False),
    _fk("user_id", "res_users.id"),
    _fk("team_id", "crm_team.id"),
    Column("state", String(16), nullable=False),
    Column("date_order", DateTime, nullable=False),
    _money("amount_total"),
)

account_move = _odoo_table(
    "account_move",
    Column("name", String(32), nullable=False),
    _fk("partner_id", "res_partner.id", nullable=False),
    Column("move_type", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("invoice_date", Date, nullable=False),
    _money("amount_total"),
)

purchase_order = _odoo_table(
    "purchase_order",
    Column("name", String(32), nullable=False, unique=True),
    _fk("partner_id", "res_partner.id", nullable=False),
    _fk("user_id", "res_users.id"),
    Column("state", String(16), nullable=False),
    Column("date_order", DateTime, nullable=False),
    _money("amount_total"),
)

project_tags = _odoo_table("project_tags", _name(64))

project_project = _odoo_table(
    "project_project",
    _name(),
    _fk("partner_id", "res_partner.id"),
    _fk("user_id", "res_users.id"),
    _active(),
    Column("date_start", Date),
    Column("date", Date),
)

# Odoo's many2many link tables have no id and no create/write dates.
project_tag_rel = Table(
    "project_tag_rel",
    metadata,
    Column("project_id", Integer, ForeignKey("project_project.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("project_tags.id"), primary_key=True, index=True),
)

project_task = _odoo_table(
    "project_task",
    _name(),
    _fk("project_id", "project_project.id", nullable=False),
    _fk("user_id", "res_users.id"),
    Column("stage", String(32), nullable=False),
    Column("priority", String(1), nullable=False, default="0"),
    Column("date_deadline", Date),
)

hr_department = _odoo_table(
    "hr_department",
    _name(128),
    _fk("parent_id", "hr_department.id"),
    _active(),
)

hr_employee = _odoo_table(
    "hr_employee",
    _name(),
    _fk("department_id", "hr_department.id"),
    Column("job_title", String(128)),
    Column("work_email", String(255)),
    _fk("user_id", "res_users.id"),
    _fk("parent_id", "hr_employee.id"),
    _active(),
)

DEMO_TABLES: tuple[str, ...] = tuple(table.name for table in metadata.sorted_tables)
"""Every demo table name, each after the tables it references."""


# --------------------------------------------------------------------------- creation


def create_demo_database(url: str, today: datetime.date, *, seed: int = 7) -> dict[str, int]:
    """Creates every demo table in the (empty) database at SQLAlchemy `url` and fills it.

    Deterministic for a given seed and today. Returns the row count per table.
    Raises ValueError if any demo table already exists (never overwrites data).
    """
    data = generate_demo_data(today, seed)
    engine = create_engine(url)
    try:
        existing = sorted(set(inspect(engine).get_table_names()) & set(DEMO_TABLES))
        if existing:
            raise ValueError(
                f"the database already has demo tables ({', '.join(existing)}); "
                "create the demo in an empty database"
            )
        try:
            with engine.begin() as conn:
                metadata.create_all(conn)
                for table in metadata.sorted_tables:
                    rows = data.get(table.name, [])
                    if rows:
                        conn.execute(table.insert(), rows)
                _advance_sequences(conn)
        except BaseException:
            # MySQL/MariaDB commit DDL implicitly: drop what this call created, since none of
            # the demo tables existed before (checked above).
            metadata.drop_all(engine, checkfirst=True)
            raise
    finally:
        engine.dispose()
    return {name: len(data.get(name, [])) for name in DEMO_TABLES}


def _advance_sequences(conn: Connection) -> None:
    """Rows are inserted with explicit ids; move PostgreSQL's id sequences past them so later
    inserts without an id work (SQLite and MySQL/MariaDB do this by themselves)."""
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        if "id" not in table.c:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 1))"
            )
        )
