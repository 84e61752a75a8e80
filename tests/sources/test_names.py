"""Name templates (Odoo-like `{{ expression }}` parts) and folder-name sanitising."""

from __future__ import annotations

import contextlib
import re
import string
import unicodedata
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivist.sources.errors import TemplateError
from archivist.sources.names import (
    FORBIDDEN_CHARACTERS,
    MAX_NAME_LENGTH,
    NameTemplate,
    render_value,
    sanitize_folder_name,
)

DAY = date(2021, 7, 12)


def render(text: str, **values: object) -> str:
    """Render `text` with field values keyed by path (`__` in a keyword stands for `.`)."""
    return NameTemplate.parse(text).render({k.replace("__", "."): v for k, v in values.items()})


# --- the spec's examples ---------------------------------------------------------------------


def test_spec_literal_text_around_a_field() -> None:
    assert (
        render("Files of {{object.name}}, partner", name="Abigail Peterson")
        == "Files of Abigail Peterson, partner"
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"mobile": "+3234"}, "+3234"),
        ({"mobile": ""}, "no mobile phone"),
        ({"mobile": None}, "no mobile phone"),
        ({}, "no mobile phone"),
    ],
)
def test_spec_and_or_condition(values: dict[str, object], expected: str) -> None:
    template = NameTemplate.parse("{{object.mobile and object.mobile or 'no mobile phone'}}")
    assert template.render(values) == expected


def test_spec_two_conditions() -> None:
    template = NameTemplate.parse(
        "{{object.name}} {{object.phone and object.phone or 'no phone'}}, "
        "{{object.mobile and object.mobile or 'no mobile'}}"
    )
    assert template.paths == ("name", "phone", "mobile")
    abigail = {"name": "Abigail Peterson", "phone": "356745", "mobile": False}
    assert template.render(abigail) == "Abigail Peterson 356745, no mobile"
    anita = template.render({"name": "Anita Oliver", "phone": None, "mobile": "+37854756231"})
    assert anita == "Anita Oliver no phone, +37854756231"
    assert sanitize_folder_name(anita) == "Anita Oliver no phone, -37854756231"


def test_spec_selection_field() -> None:
    assert render("{{object.name}}, {{object.state}}", name="S03093", state="draft") == (
        "S03093, draft"
    )


def test_spec_decimal_renders_as_float() -> None:
    text = "{{object.name}}, Total {{object.amount_total}}"
    assert render(text, name="P00001", amount_total=Decimal("28700")) == "P00001, Total 28700.0"


def test_spec_date() -> None:
    text = "{{object.name}}, {{object.invoice_date}}"
    rendered = render(text, name="BILL-2018-09-0001", invoice_date=date(2021, 7, 12))
    assert rendered == "BILL-2018-09-0001, 2021-07-12"


def test_spec_related_field_path() -> None:
    template = NameTemplate.parse("{{ object.project_id.name }}")
    assert template.paths == ("project_id.name",)
    assert template.render({"project_id.name": "Office", "project_id": 7}) == "Office"


def test_spec_condition_without_or_shows_false() -> None:
    assert render("{{object.mobile and object.mobile}}") == "False"
    assert render("{{object.mobile and object.mobile}}", mobile=None) == "False"


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("object.__class__", "starting with '_'"),
        ("object.name._private", "starting with '_'"),
        ("open('x')", "calling 'open' is not allowed"),
        ("__import__('os')", "calling '__import__' is not allowed"),
        ("(lambda: 1)()", "lambda is not allowed"),
        ("'a' * 10**9", "operator '*' is not allowed"),
        ("[x for x in object.name]", "comprehension is not allowed"),
        ("object.name.format(1)", "method format() is not allowed"),
    ],
)
def test_spec_sandbox_rejects_at_parse_time(expression: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(problem)) as raised:
        NameTemplate.parse("{{ " + expression + " }}")
    assert f'name template: expression 1 "{expression}" is rejected: ' in str(raised.value)


def test_spec_sanitize_examples() -> None:
    assert sanitize_folder_name("a*b?c\"d'e:f<g>h/i+j%k!l@m\\n") == "a-b-c-d-e-f-g-h-i-j-k-l-m-n"
    assert len(sanitize_folder_name("x" * 250)) == MAX_NAME_LENGTH == 100
    assert sanitize_folder_name("  two\nlines\t ") == "two lines"


@given(st.text())
def test_sanitize_is_bounded_clean_and_idempotent(text: str) -> None:
    name = sanitize_folder_name(text)
    assert len(name) <= MAX_NAME_LENGTH
    assert not set(name) & set(FORBIDDEN_CHARACTERS)
    assert not any(unicodedata.category(char) == "Cc" for char in name)
    assert name == name.strip()
    assert sanitize_folder_name(name) == name


# --- sanitising ------------------------------------------------------------------------------


def test_sanitize_cuts_then_strips_and_takes_max_length() -> None:
    assert sanitize_folder_name("abc def", max_length=4) == "abc"
    assert sanitize_folder_name("a\x00b\x7fc\x85d") == "a b c d"
    assert sanitize_folder_name(" \t\n ") == ""
    with pytest.raises(ValueError, match="at least 1"):
        sanitize_folder_name("abc", max_length=0)


# --- parsing ---------------------------------------------------------------------------------


def test_literal_only_and_empty_templates() -> None:
    assert NameTemplate.parse("").render({}) == ""
    plain = NameTemplate.parse("Plain { text } here")
    assert plain.paths == ()
    assert plain.render({}) == "Plain { text } here"


def test_paths_are_unique_and_in_first_use_order() -> None:
    template = NameTemplate.parse(
        "{{ object.b }}-{{ object.a if object.c.d else object.b }}{{ object.a.upper() }}"
    )
    assert template.paths == ("b", "a", "c.d")


def test_chain_is_one_path_never_attribute_access() -> None:
    template = NameTemplate.parse("{{ object.partner_id.title }}")
    assert template.render({"partner_id": object(), "partner_id.title": "Dr"}) == "Dr"


def test_templates_compare_by_text() -> None:
    first, second = NameTemplate.parse("{{ object.a }}"), NameTemplate.parse("{{ object.a }}")
    assert first == second
    assert hash(first) == hash(second)
    assert first.text == "{{ object.a }}"


def test_syntax_error_names_expression_and_problem() -> None:
    with pytest.raises(TemplateError) as raised:
        NameTemplate.parse("{{ object.ref }} {{ object.name + }}")
    assert str(raised.value) == (
        'name template: expression 2 "object.name +" is not valid Python: invalid syntax'
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{{ object.name ", 'expression 1 "object.name" lacks "}}"'),
        ("{{ object.a }} and {{ object.b", 'expression 2 "object.b" lacks "}}"'),
        ("name }} here", '"}}" without "{{" in "name }} here"'),
        ("{{ object.a }}}}", '"}}" without "{{"'),
        ("{{  }}", 'expression 1 "" is empty'),
        ("{{ x }}", "unknown name 'x': only `object` is available"),
        ("{{ object }}", "`object` alone has no value"),
        ("{{ str }}", "unknown name 'str'"),
        ("{{ object.a.b(1) }}", "method b() is not allowed"),
        ("{{ (object.a or object.b).c }}", "only allowed on `object` field paths"),
        ("{{ 'x'.upper }}", "only allowed on `object` field paths"),
        ("{{ b'x' }}", "bytes constant is not allowed"),
        ("{{ 1j }}", "complex constant is not allowed"),
        ("{{ f'{object.a}' }}", "f-string is not allowed"),
        ("{{ (y := 1) }}", "walrus"),
        ("{{ [*object.a] }}", "unpacking with * is not allowed"),
        ("{{ {'a': 1} }}", "dict display is not allowed"),
        ("{{ 1 / 2 }}", "operator '/' is not allowed"),
        ("{{ 5 % 2 }}", "operator '%' is not allowed"),
        ("{{ ~1 }}", "operator '~' is not allowed"),
        ("{{ object.a.upper(1) }}", "upper() takes 0 argument(s), 1 given"),
        ("{{ round(1, 2, 3) }}", "round() takes 1 to 2 argument(s), 3 given"),
        ("{{ str(object.a, errors='x') }}", "keyword arguments are not allowed"),
        ("{{ getattr(object, 'a') }}", "calling 'getattr' is not allowed"),
        ("{{ object.a.upper()() }}", "calling 'object.a.upper()' is not allowed"),
        ("{{ (lambda: 1)() }}", "lambda is not allowed"),
        ("{{ object.a)\n + (object.b }}", "is not valid Python"),
        ("{{ 1 if 2 }}", "is not valid Python"),
    ],
)
def test_parse_errors(text: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(problem)):
        NameTemplate.parse(text)


def test_limits_on_template_and_expression_size() -> None:
    NameTemplate.parse("x" * 2000)
    with pytest.raises(TemplateError, match="2,001 characters long; the limit is 2,000"):
        NameTemplate.parse("x" * 2001)
    with pytest.raises(TemplateError, match="over 200 syntax nodes"):
        NameTemplate.parse("{{ " + " + ".join(["object.a"] * 50) + " }}")
    with pytest.raises(TemplateError, match="over 200 syntax nodes"):
        NameTemplate.parse("{{ " + "-" * 300 + "1 }}")


def test_multi_line_expressions() -> None:
    template = NameTemplate.parse("{{ object.phone\n   and object.phone\n   or 'none' }}")
    assert template.render({}) == "none"
    assert render("{{ object.a # a comment\n }}", a="x") == "x"


def test_invalid_escape_in_literal_is_not_a_warning() -> None:
    assert render("{{ '\\d' }}") == "\\d"


# --- evaluation ------------------------------------------------------------------------------


def test_short_circuit_returns_operands_and_skips_the_rest() -> None:
    assert render("{{ object.a and object.a[99] }}", a="") == ""
    assert render("{{ object.a or 1 + 'x' }}", a="set") == "set"
    assert render("{{ object.a or object.b or 0 }}", b=0) == "0"
    assert render("{{ object.a if object.a else 'none' }}") == "none"
    assert render("{{ not object.a }}") == "True"


def test_comparisons() -> None:
    assert render("{{ 1 < object.n < 3 }}", n=2) == "True"
    assert render("{{ 1 < object.n < 3 }}", n=5) == "False"
    assert render("{{ 'ab' in object.s and 'x' not in object.s }}", s="cabd") == "True"
    assert render("{{ object.s is False and object.n is not None }}", n=1) == "True"
    assert render("{{ object.s == False }}", s=None) == "True"
    assert render("{{ object.state != 'draft' }}", state="draft") == "False"


def test_arithmetic_and_containers() -> None:
    assert render("{{ object.a + ' ' + object.b }}", a="x", b="y") == "x y"
    assert render("{{ object.n - 1 }}", n=10) == "9"
    assert render("{{ -object.n }} {{ +object.n }}", n=2) == "-2 2"
    assert render("{{ object.amount + 0.5 }}", amount=Decimal("1.25")) == "1.75"
    assert render("{{ [1, 'a'] }} {{ (object.n,) }}", n=3) == "[1, 'a'] (3,)"
    assert render("{{ (1, 2) + (3,) }}") == "(1, 2, 3)"
    assert render("{{ None }} {{ True }} {{ 1.5 }}") == "False True 1.5"


def test_subscripts() -> None:
    assert render("{{ object.name[:3] }}", name="Abigail") == "Abi"
    assert render("{{ object.name[0] }}{{ object.name[-1] }}", name="Abigail") == "Al"
    assert render("{{ object.name[1:-1:2] }}", name="Abigail") == "bgi"


def test_builtins() -> None:
    assert render("{{ str(object.n) + '!' }}", n=4) == "4!"
    assert render("{{ int(object.s) + 1 }} {{ float(object.s) }}", s="41") == "42 41.0"
    assert render("{{ len(object.s) }} {{ abs(-3) }}", s="abc") == "3 3"
    assert render("{{ round(object.x) }} {{ round(object.x, 1) }}", x=2.345) == "2 2.3"
    assert render("{{ round(object.n, -100) }} {{ round(2.5, None) }}", n=5) == "0 2"


def test_string_methods() -> None:
    text = (
        "{{ object.s.strip().upper() }}|{{ object.s.lower() }}|{{ object.t.title() }}|"
        "{{ object.t.capitalize() }}|{{ object.s.lstrip() }}|{{ object.s.rstrip(' B') }}|"
        "{{ object.t.replace('o', '0') }}|{{ object.t.replace('o', '', 1) }}|{{ '7'.zfill(3) }}"
    )
    rendered = render(text, s=" aB ", t="foo bar")
    assert rendered == "AB| ab |Foo Bar|Foo bar|aB | a|f00 bar|fo bar|007"


def test_date_methods() -> None:
    text = "{{ object.d.strftime('%d/%m/%Y') }} {{ object.t.isoformat() }}"
    rendered = render(text, d=date(2021, 7, 12), t=datetime(2021, 7, 12, 10, 0))  # noqa: DTZ001
    assert rendered == "12/07/2021 2021-07-12T10:00:00"
    stamp = datetime(2021, 7, 12, 10, 0)  # noqa: DTZ001
    assert render("{{ object.t.isoformat(' ') }}", t=stamp) == "2021-07-12 10:00:00"


def test_methods_go_through_the_base_type() -> None:
    class Sneaky(str):
        def upper(self) -> str:
            raise AssertionError("subclass method called")

    assert render("{{ object.s.upper() }}", s=Sneaky("ab")) == "AB"


@pytest.mark.parametrize(
    ("text", "values", "problem"),
    [
        ("{{ 1 + 'a' }}", {}, r'expression 1 "1 \+ \'a\'" failed: TypeError'),
        ("{{ object.name[5] }}", {"name": "ab"}, "failed: IndexError"),
        ("{{ object.name.upper() }}", {}, r"method upper\(\) is not available on bool False"),
        ("{{ object.d.upper() }}", {"d": date(2021, 7, 12)}, "not available on date"),
        ("{{ object.s.strftime('%Y') }}", {"s": "x"}, "not available on str"),
        ("{{ object.d.isoformat(' ') }}", {"d": date(2021, 7, 12)}, "failed: TypeError"),
        ("{{ object.d.strftime('" + "%Y" * 26 + "') }}", {"d": DAY}, "format over 50"),
        ("{{ object.a + object.a }}", {"a": "x" * 6000}, "longer than 10,000 characters"),
        ("{{ object.a.replace('x', 'yyy') }}", {"a": "x" * 4000}, "replace"),
        ("{{ object.a.replace('', 'yy') }}", {"a": "x" * 4000}, "replace"),
        ("{{ object.a.zfill(20000) }}", {"a": "1"}, "zfill"),
        ("{{ str(object.a) }}", {"a": ["x" * 10_000]}, "longer than 10,000"),
        ("{{ int(object.s) }}", {"s": "nope"}, "failed: ValueError"),
        ("{{ round(object.n, -1000000) }}", {"n": 5}, "at most 100 digits"),
        ("{{ len(object.n) }}", {"n": 3}, "failed: TypeError"),
        ("{{ object.n < 'a' }}", {"n": 3}, "failed: TypeError"),
        ("{{ round(float(object.s)) }}", {"s": "inf"}, "failed: OverflowError"),
    ],
)
def test_render_errors_name_the_expression(
    text: str, values: dict[str, object], problem: str
) -> None:
    template = NameTemplate.parse(text)
    with pytest.raises(TemplateError, match=problem):
        template.render(values)


def test_bounded_replace_just_under_the_cap_works() -> None:
    assert len(render("{{ object.a.replace('x', 'yy') }}", a="x" * 5000)) == 10_000


# --- render_value ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "False"),
        (False, "False"),
        (True, "True"),
        (0, "0"),
        (Decimal("28700"), "28700.0"),
        (Decimal("12.50"), "12.5"),
        (50.0, "50.0"),
        (0.1, "0.1"),
        (date(2021, 7, 12), "2021-07-12"),
        (datetime(2021, 7, 12, 10, 0), "2021-07-12 10:00:00"),  # noqa: DTZ001
        (datetime(2021, 7, 12, 10, 0, 0, 5), "2021-07-12 10:00:00.000005"),  # noqa: DTZ001
        (b"\x00\x01", "<binary>"),
        (memoryview(b"ab"), "<binary>"),
        ("text", "text"),
    ],
)
def test_render_value(value: object, expected: str) -> None:
    assert render_value(value) == expected


# --- robustness ------------------------------------------------------------------------------

_TEMPLATE_ALPHABET = string.ascii_letters[:6] + "{}()[].,:'\"+-*/%<>=! _\n" + "object"


@given(st.text(alphabet=_TEMPLATE_ALPHABET, max_size=60), st.dictionaries(st.text(), st.text()))
def test_any_text_parses_or_raises_template_error(text: str, values: dict[str, str]) -> None:
    try:
        template = NameTemplate.parse(text)
    except TemplateError:
        return
    with contextlib.suppress(TemplateError):
        assert isinstance(template.render(values), str)
