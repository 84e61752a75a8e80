"""Deterministic rows for the demo business database (see `database.py` for the tables).

`generate_demo_data(today, seed)` returns, per table name, the list of rows to insert, in an
order where every foreign key points at a row inserted earlier. All randomness comes from one
`random.Random(seed)`; the only notion of time is `today`. Datetimes are naive UTC, whole
seconds (MariaDB's DATETIME drops fractions), and every timestamp lies before `today` 00:00.
"""

from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal
from typing import Any

from archivist.documents.demo.vocabulary import (
    COMPANY_PREFIXES,
    COMPANY_SUFFIXES,
    COUNTRIES,
    CUSTOMER_CORES,
    DEPARTMENTS,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    LEAD_TEMPLATES,
    N_CUSTOMER_COMPANIES,
    N_EMPLOYEES,
    N_INVOICES,
    N_LEADS,
    N_PEOPLE,
    N_PROJECTS,
    N_PURCHASE_ORDERS,
    N_SALE_ORDERS,
    N_TASKS,
    N_VENDOR_COMPANIES,
    NAMED_CUSTOMERS,
    NAMED_VENDORS,
    PRODUCT_ITEMS,
    PRODUCT_MATERIALS,
    PROJECT_KINDS,
    PROJECT_TAGS,
    STREETS,
    TASK_OBJECTS,
    TASK_VERBS,
    TEAMS,
    USERS,
    VENDOR_CORES,
)

Row = dict[str, Any]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount between `low` and `high` (whole currency units), two decimals."""
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def _slug(name: str) -> str:
    """`Steel & Co` -> `steel-co`, for e-mail domains."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


class _DemoBuilder:
    """Builds the rows table by table; later tables look up the ids of earlier ones."""

    def __init__(self, today: datetime.date, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = datetime.datetime.combine(today, datetime.time())
        self.rows: dict[str, list[Row]] = {}
        self.partner_by_name: dict[str, Row] = {}
        self.user_by_login: dict[str, Row] = {}
        self.team_by_name: dict[str, Row] = {}

    # ------------------------------------------------------------------ helpers

    def _moment(self, max_days: int, min_days: int = 0) -> datetime.datetime:
        """A whole-second moment between `max_days` and `min_days` days before today 00:00."""
        seconds = self.rng.randint(min_days * 86400 + 1, max_days * 86400)
        return self.now - datetime.timedelta(seconds=seconds)

    def _stamps(self, created: datetime.datetime) -> Row:
        """create_date `created` and a write_date between it and today 00:00: half the rows were
        last written within a month of their creation, the others at any time since."""
        span = max(int((self.now - created).total_seconds()) - 1, 0)
        if self.rng.random() < 0.5:
            span = min(span, 30 * 86400)
        written = created + datetime.timedelta(seconds=self.rng.randint(0, span))
        return {"create_date": created, "write_date": written}

    def _add(self, table: str, values: Row, created: datetime.datetime | None = None) -> Row:
        rows = self.rows.setdefault(table, [])
        row = {"id": len(rows) + 1, **values}
        if created is not None:
            row.update(self._stamps(created))
        rows.append(row)
        return row

    def _phone(self, calling_code: str) -> str:
        r = self.rng
        return (
            f"+{calling_code} {r.randint(100, 999)} {r.randint(100, 999)} {r.randint(1000, 9999)}"
        )

    # ------------------------------------------------------------------ tables

    def build(self) -> dict[str, list[Row]]:
        self.countries()
        self.partners()
        self.users_and_teams()
        self.products()
        self.sale_orders()
        self.invoices()
        self.purchase_orders()
        self.leads()
        self.projects()
        self.employees()
        self.ranks()
        return self.rows

    def countries(self) -> None:
        for name, code, _calling, _cities in COUNTRIES:
            self._add("res_country", {"name": name, "code": code}, self._moment(1500, 1400))

    def _partner(
        self,
        name: str,
        *,
        parent: Row | None = None,
        age: tuple[int, int] = (1000, 560),
        **values: Any,
    ) -> Row:
        """A partner created `age` (oldest, newest) days ago, before any order or invoice, and
        not before its company."""
        created = self._moment(*age)
        if parent:
            created = max(created, parent["create_date"])
        row = self._add(
            "res_partner",
            {
                "name": name,
                "display_name": f"{parent['name']}, {name}" if parent else name,
                "is_company": False,
                "parent_id": parent["id"] if parent else None,
                "commercial_partner_id": None,
                "email": None,
                "phone": None,
                "mobile": None,
                "street": parent["street"] if parent else None,
                "city": parent["city"] if parent else None,
                "country_id": parent["country_id"] if parent else None,
                "customer_rank": 0,
                "supplier_rank": 0,
                "active": True,
                **values,
            },
            created,
        )
        row["commercial_partner_id"] = parent["id"] if parent else row["id"]
        self.partner_by_name[name] = row
        return row

    def _company(self, name: str, code: str, *, vendor: bool, city: str | None = None) -> Row:
        index = [c[1] for c in COUNTRIES].index(code)
        _country, _code, calling, cities = COUNTRIES[index]
        return self._partner(
            name,
            is_company=True,
            email=f"info@{_slug(name)}.example.com",
            phone=self._phone(calling) if self.rng.random() < 0.7 else None,
            street=f"{self.rng.randint(1, 250)} {self.rng.choice(STREETS)}",
            city=city or self.rng.choice(cities),
            country_id=index + 1,
            customer_rank=0 if vendor else 1,
            supplier_rank=1 if vendor else 0,
        )

    def partners(self) -> None:
        rng = self.rng
        self.customers = [self._company(n, c, vendor=False, city=t) for n, c, t in NAMED_CUSTOMERS]
        self.vendors = [self._company(n, c, vendor=True) for n, c in NAMED_VENDORS]
        codes = [c[1] for c in COUNTRIES]
        pairs = [(p, c) for p in COMPANY_PREFIXES for c in CUSTOMER_CORES]
        for prefix, core in rng.sample(pairs, N_CUSTOMER_COMPANIES):
            code = rng.choice(codes)
            name = f"{prefix} {core} {rng.choice(COMPANY_SUFFIXES[code])}"
            self.customers.append(self._company(name, code, vendor=False))
        pairs = [(p, c) for p in COMPANY_PREFIXES for c in VENDOR_CORES]
        for prefix, core in rng.sample(pairs, N_VENDOR_COMPANIES):
            code = rng.choice(codes)
            name = f"{prefix} {core} {rng.choice(COMPANY_SUFFIXES[code])}"
            self.vendors.append(self._company(name, code, vendor=True))

        for name, login, _team in USERS:
            phone, mobile = {  # the spec's examples of a phone only and a mobile only
                "Abigail Peterson": ("356745", None),
                "Anita Oliver": (None, "+37854756231"),
            }.get(name, (None, None))
            email = f"{login}@yourcompany.example.com"
            self._partner(name, email=email, phone=phone, mobile=mobile, age=(1400, 1200))

        azure, deco = self.partner_by_name["Azure Interior"], self.partner_by_name["Deco Addict"]
        self.contacts = [
            self._partner(
                "John Brown", parent=azure, email="john.brown@azure-interior.example.com"
            ),
            self._partner(
                "Addison Olson", parent=deco, email="addison.olson@deco-addict.example.com"
            ),
        ]
        belgium = codes.index("BE") + 1
        elena = self._partner(
            "Elena Green", email="elena.green@example.com", phone="+32 475 55 12 34",
            street="12 Avenue Louise", city="Brussels", country_id=belgium, customer_rank=1,
        )  # fmt: skip
        self.individuals = [elena]

        reserved = set(self.partner_by_name)
        names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        names = rng.sample([n for n in names if n not in reserved], N_PEOPLE + N_EMPLOYEES)
        self.employee_names = names[N_PEOPLE:]
        for name in names[:N_PEOPLE]:
            roll = rng.random()
            parent = None
            if roll < 0.75:
                parent = rng.choice(self.customers)
            elif roll < 0.85:
                parent = rng.choice(self.vendors)
            domain = f"{_slug(parent['name'])}.example.com" if parent else "example.com"
            calling = COUNTRIES[(parent["country_id"] if parent else 1) - 1][2]
            values: Row = {
                "email": f"{name.lower().replace(' ', '.')}@{domain}",
                "phone": self._phone(calling) if rng.random() < 0.35 else None,
                "mobile": self._phone(calling) if rng.random() < 0.3 else None,
            }
            if parent is None:
                index = rng.randrange(len(COUNTRIES))
                values.update(
                    street=f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
                    city=rng.choice(COUNTRIES[index][3]),
                    country_id=index + 1,
                    customer_rank=1,
                )
            person = self._partner(name, parent=parent, **values)
            if parent is None:
                self.individuals.append(person)
            elif parent["customer_rank"]:
                self.contacts.append(person)

    def users_and_teams(self) -> None:
        for name, login, _team in USERS:
            partner = self.partner_by_name[name]
            self.user_by_login[login] = self._add(
                "res_users",
                {"login": login, "name": name, "partner_id": partner["id"], "active": True},
                partner["create_date"],
            )
        for name, leader in TEAMS:
            self.team_by_name[name] = self._add(
                "crm_team",
                {"name": name, "user_id": self.user_by_login[leader]["id"], "active": True},
                self._moment(1200, 1000),
            )
        self.salespeople = [(self.user_by_login[login], team) for _n, login, team in USERS]

    def products(self) -> None:
        rng = self.rng
        names = rng.sample([f"{m} {i}" for m in PRODUCT_MATERIALS for i in PRODUCT_ITEMS], 110)
        # every vendor makes at least one product; the others get a random vendor or none
        vendor_ids: list[int | None] = [v["id"] for v in self.vendors]
        choices = [*vendor_ids, None]
        vendor_ids += [rng.choice(choices) for _ in names[len(vendor_ids) :]]
        for name, vendor_id in zip(names, vendor_ids, strict=True):
            self._add(
                "product_template",
                {
                    "name": name,
                    "list_price": _money(rng, 15, 2500),
                    "vendor_id": vendor_id,
                    "active": rng.random() < 0.95,
                },
                self._moment(900, 560),
            )

    def _customer(self) -> Row:
        roll = self.rng.random()
        if roll < 0.5:
            return self.rng.choice(self.contacts)
        if roll < 0.85:
            return self.rng.choice(self.customers)
        return self.rng.choice(self.individuals)

    def sale_orders(self) -> None:
        rng = self.rng
        dates = sorted(self._moment(548, 1) for _ in range(N_SALE_ORDERS))
        special = {
            10: ("John Brown", "anita", "Europe"),
            20: ("Elena Green", "doris", "Direct Sales"),
            30: ("John Brown", "abigail", "Europe"),
        }
        for number, date_order in enumerate(dates, start=1):
            user, team = rng.choice(self.salespeople)
            if rng.random() < 0.12:
                team = "Website"
            partner = self._customer()
            if (self.now - date_order).days < 30:
                states, weights = ["draft", "sent", "sale", "cancel"], [30, 25, 38, 7]
            else:
                states, weights = ["draft", "sent", "sale", "done", "cancel"], [4, 6, 55, 27, 8]
            state = rng.choices(states, weights)[0]
            if number in special:  # the orders the spec's examples talk about
                partner_name, login, team = special[number]
                partner, user = self.partner_by_name[partner_name], self.user_by_login[login]
                state = "sale"
            self._add(
                "sale_order",
                {
                    "name": f"S{number:05d}",
                    "partner_id": partner["id"],
                    "user_id": user["id"],
                    "team_id": self.team_by_name[team]["id"],
                    "state": state,
                    "date_order": date_order,
                    "amount_total": _money(rng, 50, 25000),
                },
                date_order,
            )

    def invoices(self) -> None:
        rng = self.rng
        kinds = rng.choices(["out_invoice", "out_refund", "in_invoice"], [85, 5, 10], k=N_INVOICES)
        dated = sorted(
            (self.today - datetime.timedelta(days=rng.randint(1, 365)), kind) for kind in kinds
        )
        prefixes = {"out_invoice": "INV", "out_refund": "RINV", "in_invoice": "BILL"}
        sequences: dict[tuple[str, int], int] = {}
        for invoice_date, kind in dated:
            key = (prefixes[kind], invoice_date.year)
            sequences[key] = sequences.get(key, 0) + 1
            if kind == "in_invoice":
                partner = rng.choice(self.vendors)
            else:
                partner = self._partner_row(self._customer()["commercial_partner_id"])
            age = (self.today - invoice_date).days
            state = "draft" if age < 20 and rng.random() < 0.3 else "posted"
            if rng.random() < 0.03:
                state = "cancel"
            created = datetime.datetime.combine(
                invoice_date, datetime.time(8)
            ) - datetime.timedelta(seconds=rng.randint(0, 86400))
            self._add(
                "account_move",
                {
                    "name": f"{key[0]}/{key[1]}/{sequences[key]:05d}",
                    "partner_id": partner["id"],
                    "move_type": kind,
                    "state": state,
                    "invoice_date": invoice_date,
                    "amount_total": _money(rng, 50, 20000),
                },
                created,
            )

    def _partner_row(self, partner_id: int) -> Row:
        return self.rows["res_partner"][partner_id - 1]

    def purchase_orders(self) -> None:
        rng = self.rng
        buyers = [self.user_by_login[login] for login in ("admin", "marc", "joel")]
        for number, date_order in enumerate(
            sorted(self._moment(548, 1) for _ in range(N_PURCHASE_ORDERS)), start=1
        ):
            recent = (self.now - date_order).days < 30
            states = ["draft", "sent", "purchase", "done", "cancel"]
            weights = [25, 20, 45, 5, 5] if recent else [3, 3, 50, 38, 6]
            self._add(
                "purchase_order",
                {
                    "name": f"P{number:05d}",
                    "partner_id": rng.choice(self.vendors)["id"],
                    "user_id": rng.choice(buyers)["id"],
                    "state": rng.choices(states, weights)[0],
                    "date_order": date_order,
                    "amount_total": _money(rng, 100, 40000),
                },
                date_order,
            )

    def leads(self) -> None:
        rng = self.rng
        probability = {
            "New": 10.0,
            "Qualified": 30.0,
            "Proposition": 60.0,
            "Won": 100.0,
            "Lost": 0.0,
        }
        members = {team: [u for u, t in self.salespeople if t == team] for team, _l in TEAMS}
        team_names = [t for t, _l in TEAMS]
        for _ in range(N_LEADS):
            team = rng.choices(team_names, [30, 25, 15, 20, 10])[0]
            kind = "lead" if rng.random() < 0.35 else "opportunity"
            if kind == "lead":
                stage = "New"
                partner = (
                    rng.choice(self.customers + self.individuals) if rng.random() < 0.4 else None
                )
            else:
                stage = rng.choices(list(probability), [20, 20, 20, 25, 15])[0]
                partner = self._customer()
            created = self._moment(365, 1)
            deadline = None
            if stage not in ("Won", "Lost") and rng.random() < 0.6:
                deadline = self.today + datetime.timedelta(days=rng.randint(-30, 120))
            template = rng.choice(LEAD_TEMPLATES)
            item = rng.choice(PRODUCT_ITEMS).lower()
            self._add(
                "crm_lead",
                {
                    "name": template.format(n=rng.randint(2, 150), item=item),
                    "partner_id": partner["id"] if partner else None,
                    "team_id": self.team_by_name[team]["id"],
                    "user_id": rng.choice(members[team])["id"],
                    "type": kind,
                    "stage": stage,
                    "won": stage == "Won",
                    "probability": probability[stage],
                    "expected_revenue": _money(rng, 500, 80000),
                    "date_deadline": deadline,
                    "active": stage != "Lost",
                },
                created,
            )

    def projects(self) -> None:
        rng = self.rng
        tags = {
            name: self._add("project_tags", {"name": name}, self._moment(1000, 700))["id"]
            for name in PROJECT_TAGS
        }
        managers = [self.user_by_login[login] for login in ("admin", "marc", "anita", "joel")]
        named: list[tuple[str, str | None, list[str]]] = [
            ("Software Design", "Azure Interior", ["Internal", "Design"]),
            ("Office Design", "Deco Addict", ["External", "Design"]),
            ("Renovations", "Gemini Furniture", ["External", "Urgent"]),
            ("Research & Development", None, ["Internal"]),
        ]
        pairs = rng.sample(
            [(c, k) for c in self.customers[len(NAMED_CUSTOMERS) :] for k in PROJECT_KINDS],
            N_PROJECTS,
        )
        for company, kind in pairs:
            extra = rng.sample(
                ["Design", "Urgent", "Construction", "Maintenance"], rng.randint(0, 2)
            )
            named.append((f"{company['name']}: {kind}", company["name"], ["External", *extra]))
        for name, customer, tag_names in named:
            created = self._moment(540, 30)
            finished = rng.random() < 0.3
            project = self._add(
                "project_project",
                {
                    "name": name,
                    "partner_id": self.partner_by_name[customer]["id"] if customer else None,
                    "user_id": rng.choice(managers)["id"],
                    "active": not finished or rng.random() < 0.5,
                    "date_start": created.date(),
                    "date": created.date() + datetime.timedelta(days=rng.randint(30, 400))
                    if finished or rng.random() < 0.4
                    else None,
                },
                created,
            )
            for tag in tag_names:
                self.rows.setdefault("project_tag_rel", []).append(
                    {"project_id": project["id"], "tag_id": tags[tag]}
                )
        projects = self.rows["project_project"]
        software = projects[0]
        users = list(self.user_by_login.values())
        tasks = [("Prepare Specification", software)]
        tasks += [
            (f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_OBJECTS)}", rng.choice(projects))
            for _ in range(N_TASKS)
        ]
        for name, project in tasks:
            created = max(project["create_date"], self._moment(540, 1))
            self._add(
                "project_task",
                {
                    "name": name,
                    "project_id": project["id"],
                    "user_id": rng.choice(users)["id"] if rng.random() < 0.85 else None,
                    "stage": rng.choices(["To Do", "In Progress", "Done"], [30, 25, 45])[0],
                    "priority": "1" if rng.random() < 0.2 else "0",
                    "date_deadline": self.today + datetime.timedelta(days=rng.randint(-60, 90))
                    if rng.random() < 0.6
                    else None,
                },
                created,
            )

    def employees(self) -> None:
        rng = self.rng
        departments: dict[str, Row] = {}
        for name, parent in DEPARTMENTS:
            departments[name] = self._add(
                "hr_department",
                {
                    "name": name,
                    "parent_id": departments[parent]["id"] if parent else None,
                    "active": True,
                },
                self._moment(1400, 1300),
            )
        heads: dict[str, Row] = {}

        def employee(name: str, department: str, login: str | None, title: str) -> Row:
            manager = heads.get(department) or heads.get("Administration")
            row = self._add(
                "hr_employee",
                {
                    "name": name,
                    "department_id": departments[department]["id"],
                    "job_title": title,
                    "work_email": f"{name.lower().replace(' ', '.')}@yourcompany.example.com",
                    "user_id": self.user_by_login[login]["id"] if login else None,
                    "parent_id": manager["id"] if manager else None,
                    "active": True,
                },
                self._moment(1300, 30),
            )
            heads.setdefault(department, row)
            return row

        employee("Mitchel Admin", "Administration", "admin", "Chief Executive Officer")
        employee("Anita Oliver", "Sales", "anita", "Sales Manager")
        employee("Abigail Peterson", "Sales", "abigail", "Account Manager")
        employee("Doris Cole", "Sales", "doris", "Account Manager")
        employee("Joel Willis", "Sales", "joel", "Sales Representative")
        employee("Marc Demo", "Research & Development", "marc", "R&D Manager")
        names = list(self.employee_names)
        # first one head per remaining department, so managers precede their reports
        order = [d for d, _p in DEPARTMENTS if d not in heads]
        order += rng.choices([d for d, _p in DEPARTMENTS], k=len(names) - len(order))
        for name, department in zip(names, order, strict=True):
            employee(name, department, None, rng.choice(JOB_TITLES[department]))
        for row in self.rows["hr_employee"][len(USERS) :]:
            row["active"] = rng.random() < 0.95

    def ranks(self) -> None:
        """Odoo-like ranks: one per sale order / customer invoice / purchase / vendor bill."""
        partners = self.rows["res_partner"]
        for order in self.rows["sale_order"]:
            partners[order["partner_id"] - 1]["customer_rank"] += 1
        for move in self.rows["account_move"]:
            field = "supplier_rank" if move["move_type"] == "in_invoice" else "customer_rank"
            partners[move["partner_id"] - 1][field] += 1
        for order in self.rows["purchase_order"]:
            partners[order["partner_id"] - 1]["supplier_rank"] += 1


def generate_demo_data(today: datetime.date, seed: int = 7) -> dict[str, list[Row]]:
    """Every demo row, per table name; referenced rows come before the rows referencing them."""
    return _DemoBuilder(today, seed).build()
