"""Relative periods of a folder rule ("created in the last 2 months, including the current one").

A period line names a date field, a direction (last/next), an interval and its unit (days, weeks
starting on Monday, months, years), whether the current unit is included, and what it is
compared to: today, N units in the past, or N units in the future. Lines on the same field are
OR-ed, lines on different fields AND-ed (`group_ranges`).

Counting in whole units: let `u` be the unit holding the reference day. "last N" covers the N
units ending with `u` when the current unit is included, else the N units before `u`; "next N"
covers the N units starting with `u` when included, else the N units after `u`.

The reference unit, as the spec's worked examples fix it: compared to *today* it is today's unit;
compared to the *past M units* it is M units back (in September 2023, "last 5 years compared to
past 2 years" gives 2017–2021 including the current year, 2016–2020 without); compared to the
*future M units* the M units ahead start with the current one, so the reference is M − 1 units
ahead (on 2023-09-15, "next 3 weeks compared to future 2 weeks" gives 2023-09-18–2023-10-08
including the current week, 2023-09-25–2023-10-15 without).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta

from archivist.sources.errors import PeriodError

_E = TypeVar("_E", bound=StrEnum)


class Direction(StrEnum):
    LAST = "last"
    NEXT = "next"


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class ComparedTo(StrEnum):
    TODAY = "today"
    PAST = "past"
    FUTURE = "future"


@dataclass(frozen=True)
class DateRange:
    """Both ends included."""

    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


@dataclass(frozen=True)
class Period:
    field: str
    direction: Direction
    interval: int
    unit: Unit
    include_current: bool = False
    compared_to: ComparedTo = ComparedTo.TODAY
    compared_interval: int = 0
    compared_unit: Unit | None = None

    def range_on(self, today: dt.date) -> DateRange:
        """The concrete dates this line covers when today is `today`; PeriodError when they
        fall outside the calendar (years 1 to 9999)."""
        try:
            return self._range_on(today)
        except (ValueError, OverflowError):
            raise PeriodError(
                f"{self.describe()}: on {today.isoformat()} this period reaches beyond the "
                "years 1 to 9999"
            ) from None

    def _range_on(self, today: dt.date) -> DateRange:
        reference = _reference_day(self, today)
        start_of_unit = _unit_start(reference, self.unit)
        if self.direction is Direction.LAST:
            last_unit = (
                start_of_unit if self.include_current else _shift(start_of_unit, self.unit, -1)
            )
            first_unit = _shift(last_unit, self.unit, -(self.interval - 1))
        else:
            first_unit = (
                start_of_unit if self.include_current else _shift(start_of_unit, self.unit, 1)
            )
            last_unit = _shift(first_unit, self.unit, self.interval - 1)
        end = _shift(last_unit, self.unit, 1) - dt.timedelta(days=1)
        return DateRange(first_unit, end)

    def describe(self) -> str:
        """ "last 2 months including current compared to past 1 years" style text."""
        text = f"{self.field}: {self.direction.value} {self.interval} {self.unit.value}"
        if self.include_current:
            text += " including current"
        if self.compared_to is not ComparedTo.TODAY:
            unit = (self.compared_unit or self.unit).value
            text += f" compared to {self.compared_to.value} {self.compared_interval} {unit}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "direction": self.direction.value,
            "interval": self.interval,
            "unit": self.unit.value,
            "include_current": self.include_current,
            "compared_to": self.compared_to.value,
            "compared_interval": self.compared_interval,
            "compared_unit": (self.compared_unit or self.unit).value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], location: str = "period") -> Period:
        """Builds a line from its dict form (import files, admin); errors name the key."""
        if not isinstance(data, Mapping):
            raise PeriodError(f"{location}: expected a mapping, got {type(data).__name__}")
        known = {
            "field",
            "direction",
            "interval",
            "unit",
            "include_current",
            "compared_to",
            "compared_interval",
            "compared_unit",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise PeriodError(f"{location}: unknown key(s) {', '.join(unknown)}")
        field = data.get("field")
        if not isinstance(field, str) or not field:
            raise PeriodError(f"{location}.field: a date field path is required")
        compared_unit = data.get("compared_unit")
        period = cls(
            field=field,
            direction=_choice(Direction, data.get("direction", "last"), f"{location}.direction"),
            interval=_count(data.get("interval", 1), f"{location}.interval", minimum=1),
            unit=_choice(Unit, data.get("unit", "months"), f"{location}.unit"),
            include_current=_boolean(data.get("include_current", False), location),
            compared_to=_choice(
                ComparedTo, data.get("compared_to", "today"), f"{location}.compared_to"
            ),
            compared_interval=_count(
                data.get("compared_interval", 0), f"{location}.compared_interval", minimum=0
            ),
            compared_unit=None
            if compared_unit is None
            else _choice(Unit, compared_unit, f"{location}.compared_unit"),
        )
        if period.compared_to is not ComparedTo.TODAY and period.compared_interval < 1:
            raise PeriodError(
                f"{location}.compared_interval: must be at least 1 when compared to "
                f"{period.compared_to.value}"
            )
        return period


def group_ranges(periods: Iterable[Period], today: dt.date) -> dict[str, list[DateRange]]:
    """Ranges per field: a record matches when, for every field, its date is in any range."""
    grouped: dict[str, list[DateRange]] = {}
    for period in periods:
        grouped.setdefault(period.field, []).append(period.range_on(today))
    return grouped


def preview(periods: Iterable[Period], today: dt.date) -> list[str]:
    """The "If today, the periods would be…" lines: one per period line."""
    return [f"{period.describe()} → {period.range_on(today)}" for period in periods]


def _reference_day(period: Period, today: dt.date) -> dt.date:
    unit = period.compared_unit or period.unit
    if period.compared_to is ComparedTo.PAST:
        return _shift(today, unit, -period.compared_interval)
    if period.compared_to is ComparedTo.FUTURE:
        return _shift(today, unit, period.compared_interval - 1)
    return today


def _unit_start(day: dt.date, unit: Unit) -> dt.date:
    if unit is Unit.DAYS:
        return day
    if unit is Unit.WEEKS:
        return day - dt.timedelta(days=day.weekday())
    if unit is Unit.MONTHS:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _shift(day: dt.date, unit: Unit, amount: int) -> dt.date:
    if unit is Unit.DAYS:
        return day + dt.timedelta(days=amount)
    if unit is Unit.WEEKS:
        return day + dt.timedelta(weeks=amount)
    if unit is Unit.MONTHS:
        shifted: dt.date = day + relativedelta(months=amount)
        return shifted
    shifted = day + relativedelta(years=amount)
    return shifted


def _choice(enum: type[_E], raw: object, location: str) -> _E:
    try:
        return enum(str(raw))
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise PeriodError(f"{location}: {raw!r} is not one of {allowed}") from None


def _count(raw: object, location: str, *, minimum: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise PeriodError(f"{location}: expected a whole number, got {raw!r}")
    if raw < minimum:
        raise PeriodError(f"{location}: must be at least {minimum}, got {raw}")
    if raw > 10_000:
        raise PeriodError(f"{location}: must be at most 10000, got {raw}")
    return raw


def _boolean(raw: object, location: str) -> bool:
    if not isinstance(raw, bool):
        raise PeriodError(f"{location}.include_current: expected true or false, got {raw!r}")
    return raw
