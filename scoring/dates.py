"""Dates as people type and read them: one parser and one format for every screen and document.

A day is shown as DD.MM.YYYY everywhere (the form of the official documents). Typed days are read in
the same form; "31/12/2027" and "31-12-2027" are accepted too, and ISO 8601 where a form asks for it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

DAY_FORMAT = "%d.%m.%Y"
_TYPED_DAY = re.compile(r"^([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})$")


def format_day(day: date) -> str:
    return day.strftime(DAY_FORMAT)


def format_day_or_dash(day: date | None) -> str:
    return format_day(day) if day is not None else "—"


def format_time(moment: datetime, zone: tzinfo) -> str:
    """Hours and minutes in the deployment's time zone (a naive moment is taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime("%H:%M")


def format_moment(moment: datetime) -> str:
    """Day, time and zone as the documents print a vote's time."""
    return moment.strftime(f"{DAY_FORMAT} %H:%M:%S %Z").strip()


def parse_day(text: str, *, iso: bool = False) -> date | None:
    """A typed day (D.M.YYYY, with '.', '/' or '-'), or with `iso` also YYYY-MM-DD; None if it is none."""
    value = text.strip()
    match = _TYPED_DAY.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if iso:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
