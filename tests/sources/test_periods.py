"""Relative periods: the spec's worked examples, whole-unit ranges, grouping, the dict form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archivist.sources.base import Criteria, RecordQuery
from archivist.sources.errors import PeriodError
from archivist.sources.periods import (
    ComparedTo,
    DateRange,
    Direction,
    Period,
    Unit,
    group_ranges,
    preview,
)
from archivist.sources.sql import SqlRecordSource
from tests.sources.shop import create_shop

D = dt.date.fromisoformat


def period(**data: Any) -> Period:
    return Period.from_dict({"field": "date", **data})


# --- the spec's worked examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "line", "start", "end"),
    [
        ("2023-09-03", {"interval": 2, "unit": "months"}, "2023-07-01", "2023-08-31"),
        (
            "2023-09-03",
            {"interval": 2, "unit": "months", "include_current": True},
            "2023-08-01",
            "2023-09-30",
        ),
        (
            "2023-09-03",
            {"direction": "next", "interval": 5, "unit": "days"},
            "2023-09-04",
            "2023-09-08",
        ),
        (
            "2023-09-03",
            {"direction": "next", "interval": 5, "unit": "days", "include_current": True},
            "2023-09-03",
            "2023-09-07",
        ),
        ("2020-09-25", {"interval": 2, "unit": "months"}, "2020-07-01", "2020-08-31"),
        (
            "2020-09-25",
            {"interval": 2, "unit": "months", "include_current": True},
            "2020-08-01",
            "2020-09-30",
        ),
    ],
    ids=[
        "last-2-months",
        "last-2-months-including-current",
        "next-5-days",
        "next-5-days-including-current",
        "last-2-months-2020",
        "last-2-months-including-current-2020",
    ],
)
def test_spec_examples_compared_to_today(
    today: str, line: dict[str, Any], start: str, end: str
) -> None:
    assert period(**line).range_on(D(today)) == DateRange(D(start), D(end))


@pytest.mark.parametrize(
    ("today", "including", "without"),
    [
        ("2023-09-15", ("2017-01-01", "2021-12-31"), ("2016-01-01", "2020-12-31")),
        ("2024-01-05", ("2018-01-01", "2022-12-31"), ("2017-01-01", "2021-12-31")),
    ],
    ids=["september-2023", "when-2024-starts"],
)
def test_spec_last_5_years_compared_to_past_2_years(
    today: str, including: tuple[str, str], without: tuple[str, str]
) -> None:
    line = {"interval": 5, "unit": "years", "compared_to": "past", "compared_interval": 2}
    assert period(**line, include_current=True).range_on(D(today)) == DateRange(*map(D, including))
    assert period(**line).range_on(D(today)) == DateRange(*map(D, without))


def test_spec_next_3_weeks_compared_to_future_2_weeks() -> None:
    line = {
        "direction": "next",
        "interval": 3,
        "unit": "weeks",
        "compared_to": "future",
        "compared_interval": 2,
    }
    today = D("2023-09-15")
    assert period(**line, include_current=True).range_on(today) == DateRange(
        D("2023-09-18"), D("2023-10-08")
    )
    assert period(**line).range_on(today) == DateRange(D("2023-09-25"), D("2023-10-15"))


def test_weeks_start_on_monday() -> None:
    sunday = D("2023-09-03")
    this_week = period(interval=1, unit="weeks", include_current=True).range_on(sunday)
    assert this_week == DateRange(D("2023-08-28"), sunday)
    assert period(direction="next", interval=1, unit="weeks").range_on(sunday) == DateRange(
        D("2023-09-04"), D("2023-09-10")
    )


def test_compared_unit_can_differ_from_the_period_unit() -> None:
    # The reference day is 2 months back (2023-07-15, in the week of Monday 2023-07-10); the
    # period is the 2 weeks before that week.
    line = period(
        interval=2, unit="weeks", compared_to="past", compared_interval=2, compared_unit="months"
    )
    assert line.range_on(D("2023-09-15")) == DateRange(D("2023-06-26"), D("2023-07-09"))


def test_a_period_beyond_the_calendar_is_a_period_error() -> None:
    line = period(interval=3000, unit="years")
    with pytest.raises(PeriodError, match=r"date: last 3000 years.*years 1 to 9999"):
        line.range_on(D("2023-01-01"))
    with pytest.raises(PeriodError, match="beyond"):
        period(direction="next", interval=1, unit="days").range_on(dt.date.max)


# --- whole units (property) ------------------------------------------------------------------


def _is_unit_start(day: dt.date, unit: Unit) -> bool:
    return {
        Unit.DAYS: True,
        Unit.WEEKS: day.weekday() == 0,
        Unit.MONTHS: day.day == 1,
        Unit.YEARS: (day.month, day.day) == (1, 1),
    }[unit]


def _units_between(start: dt.date, end: dt.date, unit: Unit) -> int:
    if unit is Unit.DAYS:
        return (end - start).days + 1
    if unit is Unit.WEEKS:
        return ((end - start).days + 1) // 7
    if unit is Unit.MONTHS:
        return (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1
    return end.year - start.year + 1


periods = st.builds(
    Period,
    field=st.just("date"),
    direction=st.sampled_from(Direction),
    interval=st.integers(1, 40),
    unit=st.sampled_from(Unit),
    include_current=st.booleans(),
    compared_to=st.sampled_from(ComparedTo),
    compared_interval=st.integers(1, 12),
    compared_unit=st.none() | st.sampled_from(Unit),
)
days = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


@given(line=periods, today=days)
def test_ranges_are_whole_units(line: Period, today: dt.date) -> None:
    span = line.range_on(today)
    assert span.start <= span.end
    assert _is_unit_start(span.start, line.unit)
    assert _is_unit_start(span.end + dt.timedelta(days=1), line.unit)
    assert _units_between(span.start, span.end, line.unit) == line.interval


@given(
    direction=st.sampled_from(Direction),
    interval=st.integers(1, 40),
    unit=st.sampled_from(Unit),
    today=days,
)
def test_including_current_contains_today_and_excluding_it_does_not(
    direction: Direction, interval: int, unit: Unit, today: dt.date
) -> None:
    including = Period("date", direction, interval, unit, include_current=True).range_on(today)
    without = Period("date", direction, interval, unit).range_on(today)
    assert including.start <= today <= including.end
    assert not without.start <= today <= without.end
    # The current unit is the boundary: "last" without it ends the day before it starts.
    if direction is Direction.LAST:
        assert without.end + dt.timedelta(days=1) <= today
    else:
        assert without.start > today


# --- grouping and preview --------------------------------------------------------------------


def test_group_ranges_collects_the_lines_of_each_field() -> None:
    today = D("2023-09-03")
    lines = [
        Period.from_dict({"field": "order_date", "interval": 1, "unit": "months"}),
        Period.from_dict({"field": "write_date", "interval": 1, "unit": "years"}),
        Period.from_dict({"field": "order_date", "direction": "next", "interval": 1}),
    ]
    assert group_ranges(lines, today) == {
        "order_date": [
            DateRange(D("2023-08-01"), D("2023-08-31")),
            DateRange(D("2023-10-01"), D("2023-10-31")),
        ],
        "write_date": [DateRange(D("2022-01-01"), D("2022-12-31"))],
    }


def test_lines_on_one_field_are_or_ed_and_fields_are_and_ed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    create_shop(url)
    source = SqlRecordSource(url)
    january = Period.from_dict({"field": "order_date", "interval": 1, "unit": "months"})
    march = Period.from_dict({"field": "order_date", "direction": "next", "interval": 1})
    early_2023 = Period.from_dict(
        {"field": "date_order", "interval": 2, "unit": "months", "include_current": True}
    )
    today = D("2023-02-10")

    def keys(*lines: Period) -> list[Any]:
        query = RecordQuery("orders", include=Criteria(periods=lines), today=today)
        return [row[0] for row in source.fetch(query)]

    try:
        assert keys(january) == [1]
        assert keys(january, march) == [1, 2, 3]
        assert keys(january, march, early_2023) == [1]
        # A many2one path works as a period field too (partner 1 changed in May 2023).
        partner = Period.from_dict({"field": "partner_id.write_date", "interval": 1})
        assert [
            row[0]
            for row in source.fetch(
                RecordQuery("orders", include=Criteria(periods=(partner,)), today=D("2023-06-20"))
            )
        ] == [1]
    finally:
        source.close()


def test_preview_shows_each_line_with_its_dates() -> None:
    lines = [
        Period.from_dict(
            {"field": "order_date", "interval": 2, "unit": "months", "include_current": True}
        ),
        Period.from_dict(
            {
                "field": "date",
                "interval": 5,
                "unit": "years",
                "compared_to": "past",
                "compared_interval": 2,
            }
        ),
    ]
    assert preview(lines, D("2023-09-03")) == [
        "order_date: last 2 months including current → 2023-08-01 – 2023-09-30",
        "date: last 5 years compared to past 2 years → 2016-01-01 – 2020-12-31",
    ]


# --- the dict form ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"direction": "sideways"}, "period.direction: 'sideways' is not one of last, next"),
        ({"interval": 0}, "period.interval: must be at least 1, got 0"),
        ({"interval": True}, "period.interval: expected a whole number, got True"),
        ({"interval": "2"}, "period.interval: expected a whole number, got '2'"),
        ({"interval": 10_001}, "period.interval: must be at most 10000"),
        ({"unit": "fortnights"}, "period.unit: 'fortnights' is not one of days, weeks"),
        ({"compared_to": "past"}, "period.compared_interval: must be at least 1 when compared"),
        (
            {"compared_to": "future", "compared_interval": 0},
            "period.compared_interval: must be at least 1 when compared to future",
        ),
        ({"compared_unit": "hours"}, "period.compared_unit: 'hours' is not one of"),
        ({"include_current": "yes"}, "period.include_current: expected true or false"),
        ({"colour": "red", "size": 1}, "period: unknown key(s) colour, size"),
        ({"field": ""}, "period.field: a date field path is required"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else None,
)
def test_from_dict_errors_name_the_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(PeriodError) as error:
        Period.from_dict({"field": "date", **data})
    assert str(error.value).startswith(message)


def test_from_dict_errors_start_with_the_given_location() -> None:
    with pytest.raises(PeriodError, match=r"^rules\[2\]\.periods\[0\]\.interval: "):
        Period.from_dict({"field": "date", "interval": -1}, "rules[2].periods[0]")
    with pytest.raises(PeriodError, match=r"^rules\[2\]: expected a mapping, got list"):
        Period.from_dict([], "rules[2]")  # type: ignore[arg-type]


def test_from_dict_defaults_to_last_month() -> None:
    assert Period.from_dict({"field": "date"}) == Period("date", Direction.LAST, 1, Unit.MONTHS)


@given(line=periods, today=days)
def test_as_dict_round_trips_through_from_dict(line: Period, today: dt.date) -> None:
    if line.compared_to is ComparedTo.TODAY:
        line = Period(line.field, line.direction, line.interval, line.unit, line.include_current)
    again = Period.from_dict(line.as_dict())
    assert again.as_dict() == line.as_dict()
    assert again.range_on(today) == line.range_on(today)
    assert again.describe() == line.describe()
