"""Domains: parsing (shape, errors, round trips), then what they match in a real database.

The semantic tests run on SQLite, PostgreSQL and MariaDB with the same shop data
(tests/sources/shop.py, whose docstring lists the rows) and expect the same keys.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivist.sources.domain import (
    TRUE,
    And,
    Constant,
    Leaf,
    Node,
    Not,
    Or,
    leaves,
    normalize,
    parse_domain,
    to_json,
)
from archivist.sources.errors import DomainError, SourceError, UnknownModel
from archivist.sources.sql import SqlRecordSource

A = ["state", "=", "sale"]
B = ["amount", ">", 10]
C = ["partner_id.name", "ilike", "acme"]


# --- parsing ---------------------------------------------------------------------------------


def test_terms_left_at_the_top_level_are_and_ed() -> None:
    assert to_json(parse_domain([A, B, C])) == ["&", "&", A, B, C]
    assert to_json(parse_domain(["|", A, B, C])) == ["&", "|", A, B, C]
    assert isinstance(parse_domain([A, B]), And)


def test_prefix_operators_take_the_terms_after_them() -> None:
    node = parse_domain(["|", "!", A, "&", B, C])
    assert isinstance(node, Or)
    assert isinstance(node.children[0], Not)
    assert isinstance(node.children[1], And)
    assert [leaf.path for leaf in leaves(node)] == ["state", "amount", "partner_id.name"]
    assert [leaf.location for leaf in leaves(node)] == ["domain[2]", "domain[4]", "domain[5]"]


@pytest.mark.parametrize("raw", [[], "", "  ", "[]", [[1, "=", 1]]])
def test_an_empty_domain_matches_everything(raw: object) -> None:
    assert parse_domain(raw) == TRUE


def test_odoo_constant_leaves() -> None:
    assert parse_domain([[0, "=", 1]]) == Constant(False)
    assert to_json(Constant(False)) == [[0, "=", 1]]
    assert to_json(Or((Constant(True), parse_domain([A])))) == ["|", [1, "=", 1], A]


def test_operators_are_case_insensitive_and_tuples_become_lists() -> None:
    leaf = parse_domain([("state", "NOT IN", ("a", "b"))])
    assert leaf == Leaf("state", "not in", ["a", "b"], "domain[0]")


PARSE_ERRORS = {
    "or-one-term": (["|", A], "domain[0]", "operator '|' needs two terms after it"),
    "and-alone": (["&"], "domain[0]", "operator '&' needs two terms after it"),
    "not-at-the-end": ([A, "!"], "domain[1]", "operator '!' needs a term after it"),
    "or-nested": ([A, "|", "&", B, C], "domain[1]", "operator '|' needs two terms after it"),
    "unknown-operator": ([["state", "~", 1]], "domain[0]", "unknown operator '~' on state; use"),
    "leaf-of-two": ([A, ["state", "=="]], "domain[1]", 'expected "&", "|", "!" or a [field'),
    "number-term": ([42], "domain[0]", 'expected "&", "|", "!" or a [field, operator, value]'),
    "unknown-symbol": (["^", A], "domain[0]", 'expected "&", "|", "!"'),
    "space-in-path": ([["a b", "=", 1]], "domain[0]", "'a b' is not a field path"),
    "empty-path-step": ([["partner_id..name", "=", 1]], "domain[0]", "is not a field path"),
    "list-value": ([["state", "=", ["x"]]], "domain[0]", "['x'] is not a text, number, boolean"),
    "in-without-list": ([["state", "in", "x"]], "domain[0]", "state in needs a list of values"),
    "in-with-dict": ([["state", "in", [{}]]], "domain[0]", "{} is not a text, number, boolean"),
    "like-number": ([["state", "like", 5]], "domain[0]", "state like needs a text pattern"),
    "greater-than-false": ([A, ["amount", ">", False]], "domain[1]", "amount > false: only ="),
    "less-than-null": ([["amount", "<=", None]], "domain[0]", "amount <= false: only = and !="),
    "not-a-list": ({"state": "sale"}, "domain", "a domain is a list of terms, got dict"),
    "broken-json": ("[[", "domain", "not valid JSON"),
    "unquoted-json": ('[["state", "=", x]]', "domain", "not valid JSON: Expecting value at"),
}


@pytest.mark.parametrize(("raw", "location", "problem"), PARSE_ERRORS.values(), ids=PARSE_ERRORS)
def test_parse_errors_name_the_location_and_the_problem(
    raw: object, location: str, problem: str
) -> None:
    with pytest.raises(DomainError) as error:
        parse_domain(raw)
    assert error.value.location == location
    assert problem in error.value.problem
    assert str(error.value).startswith(f"{location}: ")


def test_parse_errors_use_the_given_name() -> None:
    with pytest.raises(DomainError, match=r"^rules\[3\]\.domain\[1\]: unknown operator"):
        parse_domain([A, ["state", "is", 1]], name="rules[3].domain")


def test_to_json_and_normalize_round_trip() -> None:
    text = '[["state", "=", "sale"], "|", ["done", "!=", false], ["tag_ids", "in", [1, 2]]]'
    canonical = normalize(text)
    assert canonical == ["&", A, "|", ["done", "!=", False], ["tag_ids", "in", [1, 2]]]
    assert normalize(canonical) == canonical
    assert normalize(json.dumps(canonical)) == canonical
    assert to_json(parse_domain(canonical)) == canonical


# Generated domains: leaves are distinct boolean "facts" f0, f1, … so a tree can be evaluated.
_facts = st.integers(0, 5).map(lambda n: [f"f{n}", "=", True])


def _trees(leaf: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(["&", "|"]), inner, inner),
            st.tuples(st.just("!"), inner),
        ),
        max_leaves=12,
    )


def _prefix(tree: Any) -> list[Any]:
    if isinstance(tree, tuple):
        return [tree[0], *(term for child in tree[1:] for term in _prefix(child))]
    return [tree]


def _truth(tree: Any, facts: dict[str, bool]) -> bool:
    if isinstance(tree, tuple):
        values = [_truth(child, facts) for child in tree[1:]]
        return not values[0] if tree[0] == "!" else (all if tree[0] == "&" else any)(values)
    return facts[tree[0]]


def _evaluate(node: Node, facts: dict[str, bool]) -> bool:
    if isinstance(node, Leaf):
        return facts[node.path]
    if isinstance(node, Constant):
        return node.value
    if isinstance(node, Not):
        return not _evaluate(node.child, facts)
    results = [_evaluate(child, facts) for child in node.children]
    return all(results) if isinstance(node, And) else any(results)


@given(
    trees=st.lists(_trees(_facts), min_size=1, max_size=3),
    facts=st.fixed_dictionaries({f"f{n}": st.booleans() for n in range(6)}),
)
def test_generated_domains_mean_what_they_say_and_round_trip(
    trees: list[Any], facts: dict[str, bool]
) -> None:
    domain = [term for tree in trees for term in _prefix(tree)]
    node = parse_domain(json.dumps(domain))
    assert _evaluate(node, facts) == all(_truth(tree, facts) for tree in trees)
    canonical = to_json(node)
    again = parse_domain(canonical)
    assert _evaluate(again, facts) == _evaluate(node, facts)
    assert to_json(again) == canonical
    assert normalize(canonical) == canonical


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5), st.floats(-9, 9)
)
_leaves = st.one_of(
    st.tuples(
        st.sampled_from(["name", "partner_id.name", "a.b.c"]),
        st.sampled_from(["=", "!="]),
        _values,
    ),
    st.tuples(st.just("tag_ids"), st.sampled_from(["in", "not in"]), st.lists(_values)),
    st.tuples(st.just("name"), st.sampled_from(["like", "=ilike", "not ilike"]), st.text()),
).map(list)


@given(trees=st.lists(_trees(_leaves), max_size=3))
def test_generated_leaves_round_trip_through_json(trees: list[Any]) -> None:
    domain = [term for tree in trees for term in _prefix(tree)]
    canonical = normalize(json.dumps(domain))
    assert normalize(json.dumps(canonical)) == canonical
    assert [leaf.value for leaf in leaves(parse_domain(canonical))] == [
        term[2] for term in domain if isinstance(term, list)
    ]


# --- semantics, on each database -------------------------------------------------------------


def match(source: SqlRecordSource, domain: Any, model: str = "orders") -> list[Any]:
    return source.search(model, domain)


def on_mariadb(source: SqlRecordSource) -> bool:
    return source.url.startswith(("mysql", "mariadb"))


def check(
    source: SqlRecordSource, cases: list[tuple[Any, list[int]]], model: str = "orders"
) -> None:
    """Each domain of `cases` matches exactly its keys (all checked; failures listed together)."""
    wrong = {
        json.dumps(domain): (found, expected)
        for domain, expected in cases
        if (found := match(source, domain, model)) != expected
    }
    assert wrong == {}


def test_comparison_operators(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["state", "=", "sale"]], [2, 3]),
            ([["amount", "=", 250.5]], [2]),
            ([["amount", ">", 75]], [1, 2]),
            ([["amount", ">=", 75]], [1, 2, 5]),
            ([["amount", "<", 75]], [3]),
            ([["amount", "<=", "0"]], [3]),
            ([["name", ">", "SO003"]], [4, 5]),
            ([["partner_id", "=", 1]], [1]),
            ([["id", "in", [2, 4, 99]]], [2, 4]),
            ([["state", "in", ["draft", "cancel"]]], [1, 5]),
            ([["state", "in", []]], []),
            ([["done", "=", True]], [1, 5]),
            ([["done", "!=", True]], [2, 3, 4]),
            ([["done", "in", [True]]], [1, 5]),
        ],
    )


def test_negative_operators_keep_records_where_the_field_is_not_set(
    shop: SqlRecordSource,
) -> None:
    check(
        shop,
        [
            ([["state", "!=", "sale"]], [1, 4, 5]),
            ([["state", "not in", ["sale", "cancel"]]], [1, 4]),
            ([["state", "not in", []]], [1, 2, 3, 4, 5]),
            ([["amount", "!=", 100]], [2, 3, 4, 5]),
            ([["partner_id", "!=", 1]], [2, 3, 4, 5]),
            ([["note", "not like", "rgent"]], [2, 3, 5]),
            ([["note", "not ilike", "URGENT"]], [2, 3, 5]),
        ],
    )


def test_pattern_operators(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["note", "like", "rgent"]], [1, 4]),
            ([["note", "ilike", "URGENT"]], [1, 4]),
            ([["note", "=like", "%delivery"]], [1]),
            ([["note", "=ilike", "URGENT%"]], [1, 4]),
            ([["name", "=like", "SO00_"]], [1, 2, 3, 4, 5]),
            ([["note", "like", "_"]], [1, 4, 5]),
            # A backslash escapes the wildcards, on every database.
            ([["note", "like", "100\\%"]], [5]),
            ([["note", "=like", "%sure\\_"]], [5]),
            ([["note", "like", "sure\\%"]], []),
            # A non-text column is compared as text.
            ([["amount", "like", "250"]], [2]),
        ],
    )


def test_like_is_case_sensitive(shop: SqlRecordSource, request: pytest.FixtureRequest) -> None:
    request.applymarker(
        pytest.mark.xfail(
            on_mariadb(shop),
            reason="MariaDB compares text with the column's (case-insensitive) collation",
            strict=True,
        )
    )
    check(
        shop,
        [
            ([["note", "like", "Urgent"]], [1]),
            ([["note", "=like", "urgent"]], [4]),
            ([["note", "not like", "Urgent"]], [2, 3, 4, 5]),
            ([["state", "=", "SALE"]], []),
        ],
    )


def test_false_means_not_set(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["partner_id", "=", False]], [4]),
            ([["partner_id", "!=", False]], [1, 2, 3, 5]),
            ([["state", "=", None]], [4]),
            # Text: the empty string is not set either.
            ([["note", "=", False]], [2, 3]),
            ([["note", "!=", False]], [1, 4, 5]),
            # Booleans: false and not set are the same.
            ([["done", "=", False]], [2, 3, 4]),
            ([["done", "!=", False]], [1, 5]),
            # Numbers and dates: only NULL (0 is set).
            ([["amount", "=", False]], [4]),
            ([["amount", "!=", False]], [1, 2, 3, 5]),
            ([["order_date", "=", False]], [4]),
        ],
    )
    check(shop, [([["email", "=", False]], [2, 3]), ([["email", "!=", False]], [1, 4])], "partners")


def test_false_in_a_list_means_not_set(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["partner_id", "in", [1, False]]], [1, 4]),
            ([["partner_id", "not in", [1, False]]], [2, 3, 5]),
            ([["amount", "in", [0, None]]], [3, 4]),
            ([["done", "in", [False]]], [2, 3, 4]),
            ([["done", "not in", [False]]], [1, 5]),
            ([["done", "in", [True, False]]], [1, 2, 3, 4, 5]),
            ([["done", "not in", [True, False]]], []),
        ],
    )


def test_negation_never_turns_null_into_a_match(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            (["!", ["amount", ">", 50]], [3]),
            (["!", "!", ["amount", ">", 50]], [1, 2, 5]),
            (["!", ["partner_id.country_id.code", "=", "BE"]], [3]),
            (["!", ["state", "=", "sale"]], [1, 5]),
            (["!", ["state", "!=", "sale"]], [2, 3]),
            (["!", "&", ["amount", ">", 50], ["state", "=", "draft"]], [2, 3, 5]),
            # Conditions that are never unknown negate to their complement.
            (["!", ["done", "=", True]], [2, 3, 4]),
            (["!", ["partner_id", "=", False]], [1, 2, 3, 5]),
            (["!", ["tag_ids.name", "=", "Internal"]], [2, 4, 5]),
        ],
    )


def test_and_or_and_json_text(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            (["|", ["state", "=", "draft"], ["amount", "<", 10]], [1, 3]),
            ([["state", "=", "sale"], ["amount", ">", 10]], [2]),
            (["&", "|", ["done", "=", True], ["state", "=", "sale"], ["amount", ">", 80]], [1, 2]),
            ([[0, "=", 1]], []),
            ([], [1, 2, 3, 4, 5]),
        ],
    )
    assert match(shop, '[["state", "=", "sale"]]') == [2, 3]


def test_dotted_paths_follow_many2ones(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["partner_id.country_id.code", "=", "BE"]], [1, 2]),
            ([["partner_id.country_id.code", "!=", "BE"]], [3, 4, 5]),
            ([["partner_id.country_id", "=", False]], [4, 5]),
            ([["partner_id.parent_id.name", "=", "Acme"]], [2]),
            ([["partner_id.country_id.name", "ilike", "united"]], [3]),
            (
                [
                    "|",
                    ["partner_id.name", "=", "Globex"],
                    ["partner_id.country_id.code", "=", "BE"],
                ],
                [1, 2, 3],
            ),
        ],
    )
    check(shop, [([["parent_id.country_id.code", "=", "BE"]], [2])], "partners")


def test_a_many2one_compared_with_text_matches_the_display_name(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["partner_id", "=", "Acme"]], [1]),
            ([["partner_id", "in", ["Acme", "Globex"]]], [1, 3]),
            ([["partner_id", "!=", "Acme"]], [2, 3, 4, 5]),
            ([["partner_id", "ilike", "acme"]], [1, 2]),
            ([["partner_id.country_id", "=", "Belgium"]], [1, 2]),
            ([["partner_id.display_name", "=", "Globex"]], [3]),
            ([["partner_id", "=", 3]], [3]),
            ([["partner_id", "=", "3"]], []),
        ],
    )


def test_one2many_fields_match_when_any_related_record_does(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["order_lines_ids", "!=", False]], [1, 2, 3]),
            ([["order_lines_ids", "=", False]], [4, 5]),
            ([["order_lines_ids.product", "=", "Chair"]], [1, 2]),
            ([["order_lines_ids.product", "!=", "Chair"]], [3, 4, 5]),
            ([["order_lines_ids.product", "=", False]], [3]),
            ([["order_lines_ids.quantity", ">", 1]], [1, 2]),
            ([["order_lines_ids", "in", [3]]], [2]),
        ],
    )
    check(
        shop,
        [
            ([["orders_ids.state", "=", "sale"]], [2, 3]),
            ([["partners_ids", "!=", False]], [1]),
            ([["orders_ids", "=", False]], []),
        ],
        "partners",
    )
    check(shop, [([["partners_ids.orders_ids.amount", ">", 200]], [1])], "countries")


def test_many2many_fields_go_through_the_link_table(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["tag_ids.name", "=", "Internal"]], [1, 3]),
            ([["tag_ids.name", "not in", ["Internal", "Urgent"]]], [2, 4, 5]),
            ([["tag_ids", "in", [1, 2]]], [1, 2, 3]),
            ([["tag_ids", "not in", [1]]], [2, 4, 5]),
            ([["tag_ids", "=", "Urgent"]], [1]),
            ([["tag_ids", "!=", False]], [1, 2, 3]),
            ([["tag_ids", "=", False]], [4, 5]),
        ],
    )
    check(shop, [([["order_ids.state", "=", "sale"]], [1, 2])], "tags")


def test_dates_and_datetimes_compare_with_text(shop: SqlRecordSource) -> None:
    check(
        shop,
        [
            ([["order_date", "=", "2023-03-01"]], [2]),
            ([["order_date", ">", "2023-03-01"]], [3, 5]),
            ([["order_date", ">=", "2023-03-01"]], [2, 3, 5]),
            ([["order_date", "<", "2023-03-01 12:00:00"]], [1]),
            ([["order_date", "in", ["2023-01-15", "2024-02-29"]]], [1, 5]),
            ([["order_date", "!=", "2023-01-15"]], [2, 3, 4, 5]),
            ([["date_order", "=", "2023-01-15 10:00:00"]], [1]),
            ([["date_order", ">=", "2023-03-01"]], [2, 3, 5]),
            ([["date_order", "<", "2023-03-01 12:00:00"]], [1, 2]),
            ([["date_order", ">", "2023-03-01T20:00:00"]], [3, 5]),
        ],
    )


COMPILE_ERRORS = {
    "unknown-field-after-many2one": (
        [A, ["partner_id.colour", "=", 1]],
        "domain[1]: partner_id.colour: unknown field 'colour' on model partners",
    ),
    "unknown-field": ([["colour", "=", 1]], "domain[0]: colour: unknown field 'colour' on model"),
    "unknown-field-after-many2many": (
        [["tag_ids.colour", "=", 1]],
        "domain[0]: tag_ids.colour: unknown field 'colour' on model tags",
    ),
    "not-a-relation": (
        [["state.name", "=", 1]],
        "domain[0]: state.name: 'state' on model orders is not a relation to follow",
    ),
    "not-a-date": (
        ["|", A, ["order_date", ">", "soon"]],
        "domain[2]: order_date: 'soon' is not a date (YYYY-MM-DD)",
    ),
    "not-a-datetime": ([["date_order", "=", "x"]], "domain[0]: date_order: 'x' is not a date and"),
    "greater-than-false": ([["amount", ">", False]], "domain[0]: amount > false: only = and !="),
    "not-a-number": ([["amount", ">", "lots"]], "domain[0]: amount: 'lots' is not a number"),
    "not-a-whole-number": ([["id", "=", "abc"]], "domain[0]: id: 'abc' is not a whole number"),
    "not-a-boolean": ([["done", "=", "yes"]], "domain[0]: done: 'yes' is not true or false"),
    "boolean-for-text": ([["state", "=", True]], "domain[0]: state: True is not a text"),
}


@pytest.mark.parametrize(("domain", "message"), COMPILE_ERRORS.values(), ids=COMPILE_ERRORS)
def test_errors_name_the_location_and_the_problem(
    shop: SqlRecordSource, domain: Any, message: str
) -> None:
    with pytest.raises(DomainError) as error:
        shop.search("orders", domain)
    assert str(error.value).startswith(message)


def test_an_unknown_model_is_named(shop: SqlRecordSource) -> None:
    with pytest.raises(UnknownModel, match="unknown model 'invoices' in source 'shop'"):
        shop.search("invoices", [])
    with pytest.raises(SourceError, match="model order_tag_rel has no single-column primary key"):
        shop.search("order_tag_rel", [])
