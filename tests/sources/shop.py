"""A small shop database (countries, partners, orders, tags, order lines) written into any
empty SQLite, PostgreSQL or MariaDB database, for the record-source tests.

The rows are chosen so every filter has something to miss: NULLs in every kind of column, an
empty string, a partner without a country, an order without a partner, an order without tags.

    countries  1 Belgium BE    2 United States US    3 France FR
    partners   1 Acme (BE)     2 Acme, Joe (parent 1, BE, email "")
               3 Globex (US, email NULL)             4 Nobody (no country)
    orders     id name   partner state  amount date_order        order_date done  note
               1  SO001  1       draft  100.00 2023-01-15 10:00  2023-01-15 true  Urgent delivery
               2  SO002  2       sale   250.50 2023-03-01 08:30  2023-03-01 false ""
               3  SO003  3       sale     0.00 2023-03-01 23:59  2023-03-02 NULL  NULL
               4  SO004  NULL    NULL   NULL   NULL              NULL       NULL  urgent
               5  SO005  4       cancel  75.00 2024-02-29 12:00  2024-02-29 true  100% sure_
    tags       1 Internal  2 External  3 Urgent;   order 1: Internal, Urgent; 2: External;
               3: Internal
    lines      1 order 1 Chair x2   2 order 1 Desk x1   3 order 2 Chair x5   4 order 3 NULL

`create_lab` makes the tables the shop lacks, for reflection: a display_name column, binary
data, two foreign keys to one table, a link table with its own id, a text key, and tables
without a single-column key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

ORDER_IDS = [1, 2, 3, 4, 5]


def shop_metadata() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table(
        "countries",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("code", sa.String(2)),
    )
    sa.Table(
        "partners",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(64)),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("partners.id")),
        sa.Column("country_id", sa.Integer, sa.ForeignKey("countries.id")),
        sa.Column("email", sa.String(64)),
        sa.Column("write_date", sa.DateTime),
    )
    sa.Table(
        "orders",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(16), nullable=False),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("partners.id")),
        sa.Column("state", sa.String(16)),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("date_order", sa.DateTime),
        sa.Column("order_date", sa.Date),
        sa.Column("done", sa.Boolean),
        sa.Column("note", sa.Text),
    )
    sa.Table(
        "tags",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(32), nullable=False),
    )
    sa.Table(
        "order_tag_rel",
        metadata,
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), primary_key=True),
        sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id"), primary_key=True),
    )
    sa.Table(
        "order_lines",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("product", sa.String(32)),
        sa.Column("quantity", sa.Integer),
    )
    return metadata


def _datetime(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _orders() -> list[dict[str, object]]:
    rows = [
        (1, "SO001", 1, "draft", "100.00", "2023-01-15 10:00", True, "Urgent delivery"),
        (2, "SO002", 2, "sale", "250.50", "2023-03-01 08:30", False, ""),
        (3, "SO003", 3, "sale", "0.00", "2023-03-01 23:59", None, None),
        (4, "SO004", None, None, None, None, None, "urgent"),
        (5, "SO005", 4, "cancel", "75.00", "2024-02-29 12:00", True, "100% sure_"),
    ]
    order_dates = ["2023-01-15", "2023-03-01", "2023-03-02", None, "2024-02-29"]
    return [
        {
            "id": key,
            "name": name,
            "partner_id": partner,
            "state": state,
            "amount": None if amount is None else Decimal(amount),
            "date_order": _datetime(moment),
            "order_date": _date(day),
            "done": done,
            "note": note,
        }
        for (key, name, partner, state, amount, moment, done, note), day in zip(
            rows, order_dates, strict=True
        )
    ]


def create_shop(url: str) -> None:
    """Creates the shop's tables and rows in the (empty) database at `url`."""
    metadata = shop_metadata()
    engine = sa.create_engine(url)
    try:
        metadata.create_all(engine)
        tables = metadata.tables
        with engine.begin() as connection:
            connection.execute(
                tables["countries"].insert(),
                [
                    {"id": 1, "name": "Belgium", "code": "BE"},
                    {"id": 2, "name": "United States", "code": "US"},
                    {"id": 3, "name": "France", "code": "FR"},
                ],
            )
            partner = {"parent_id": None, "email": None, "write_date": None}
            connection.execute(
                tables["partners"].insert(),
                [
                    {
                        **partner,
                        "id": 1,
                        "name": "Acme",
                        "country_id": 1,
                        "email": "info@acme.be",
                        "write_date": _datetime("2023-05-01 09:00"),
                    },
                    {
                        **partner,
                        "id": 2,
                        "name": "Acme, Joe",
                        "parent_id": 1,
                        "country_id": 1,
                        "email": "",
                        "write_date": _datetime("2023-06-01 09:00"),
                    },
                    {**partner, "id": 3, "name": "Globex", "country_id": 2},
                    {**partner, "id": 4, "name": "Nobody", "country_id": None, "email": "x@y"},
                ],
            )
            connection.execute(tables["orders"].insert(), _orders())
            connection.execute(
                tables["tags"].insert(),
                [
                    {"id": 1, "name": "Internal"},
                    {"id": 2, "name": "External"},
                    {"id": 3, "name": "Urgent"},
                ],
            )
            connection.execute(
                tables["order_tag_rel"].insert(),
                [
                    {"order_id": 1, "tag_id": 1},
                    {"order_id": 1, "tag_id": 3},
                    {"order_id": 2, "tag_id": 2},
                    {"order_id": 3, "tag_id": 1},
                ],
            )
            connection.execute(
                tables["order_lines"].insert(),
                [
                    {"id": 1, "order_id": 1, "product": "Chair", "quantity": 2},
                    {"id": 2, "order_id": 1, "product": "Desk", "quantity": 1},
                    {"id": 3, "order_id": 2, "product": "Chair", "quantity": 5},
                    {"id": 4, "order_id": 3, "product": None, "quantity": None},
                ],
            )
    finally:
        engine.dispose()


def create_lab(url: str) -> None:
    """Creates the lab's tables and rows (see the module docstring) at `url`."""
    metadata = sa.MetaData()
    key = {"primary_key": True, "autoincrement": False}
    people = sa.Table(
        "people",
        metadata,
        sa.Column("id", sa.Integer, **key),
        sa.Column("display_name", sa.String(64)),
        sa.Column("name", sa.String(64)),
        sa.Column("photo", sa.LargeBinary),
        sa.Column("score", sa.Float),
        sa.Column("updated_at", sa.DateTime),
    )
    sa.Table(
        "skills", metadata, sa.Column("id", sa.Integer, **key), sa.Column("name", sa.String(9))
    )
    sa.Table(
        "people_skills",
        metadata,
        sa.Column("id", sa.Integer, **key),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("skill_id", sa.Integer, sa.ForeignKey("skills.id")),
    )
    projects = sa.Table(
        "projects",
        metadata,
        sa.Column("id", sa.Integer, **key),
        sa.Column("name", sa.String(64)),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("people.id")),
        sa.Column("modified", sa.Date),
    )
    events = sa.Table(
        "events",
        metadata,
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("happened", sa.DateTime),
    )
    sa.Table("readings", metadata, sa.Column("sensor", sa.String(9)), sa.Column("value", sa.Float))
    sa.Table(
        "pairs", metadata, sa.Column("a", sa.Integer, **key), sa.Column("b", sa.Integer, **key)
    )
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            people.insert(),
            [
                {"id": 1, "display_name": "Dr. Ada", "name": "Ada", "photo": b"\x89PNG",
                 "score": 9.5, "updated_at": dt.datetime.fromisoformat("2024-01-02 03:04:05")},
                {"id": 2, "display_name": None, "name": "Bob", "photo": None, "score": None,
                 "updated_at": None},
            ],
        )  # fmt: skip
        connection.execute(
            projects.insert(),
            [
                {"id": 1, "name": "Apollo", "owner_id": 1, "reviewer_id": 2,
                 "modified": dt.date(2024, 3, 1)},
                {"id": 2, "name": "Zephyr", "owner_id": 2, "reviewer_id": None, "modified": None},
            ],
        )  # fmt: skip
        connection.execute(
            events.insert(), [{"code": code, "happened": None} for code in ("E-2", "E-10", "A-1")]
        )
    engine.dispose()
