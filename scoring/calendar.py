"""Working days of Kazakhstan, registration of applications and the academic year (spec §2).

Public holidays, transferred days off and worked weekend days come from the maintained `holidays`
package, never from a hand-written list: the government moves days off by decree every year.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from scoring.config import Rules

# Kazakhstan has one time zone (UTC+5) since 1 March 2024; current tzdata maps Asia/Almaty to it.
KZ_TZ = ZoneInfo("Asia/Almaty")

# The academic year starts in September (App 4 item 10: the window opens on 1 September).
ACADEMIC_YEAR_START_MONTH = 9


@cache
def _kz_calendar(year: int) -> holidays.HolidayBase:
    # One immutable-in-practice calendar per year: lookups of other years would grow a shared object.
    return holidays.country_holidays("KZ", years=year)


def is_working_day(day: date) -> bool:
    """Mon–Fri that is not a public holiday or transferred day off, or a weekend day decreed a working day."""
    # holidays 0.109 lists transferred days off as holidays ("Day off (substituted from …)") and the
    # Saturdays/Sundays worked in exchange in `weekend_workdays`; its is_working_day knows both.
    return bool(_kz_calendar(day.year).is_working_day(day))


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def previous_working_day(day: date) -> date:
    """The last working day strictly before `day`."""
    candidate = day - timedelta(days=1)
    while not is_working_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (before it for negative n); `day` itself is never counted.

    This is how the texts count "within N working days" of an event (§20, §23, §26): the deadline of
    a decision taken on a Friday with 3 working days is the following Wednesday.
    """
    step = next_working_day if n >= 0 else previous_working_day
    for _ in range(abs(n)):
        day = step(day)
    return day


def registration_date(moment: datetime, rules: Rules) -> date:
    """The day an application filed at `moment` is registered (§23, Rules 16).

    Filed after the end of working hours, on a weekend, or on a holiday or transferred day off, it
    is registered on the next working day. *Interpretation*: the texts name only "after working
    hours", so an application filed early in the morning of a working day counts for that day.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("registration_date needs a timezone-aware moment")
    local = moment.astimezone(KZ_TZ)
    day = local.date()
    if is_working_day(day) and local.time() < rules.working_end:
        return day
    return next_working_day(day)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's end (31 August - 6 months = 28/29 February)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes 1 March in a common year, as age_on counts."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def academic_year(day: date) -> int:
    """The calendar year in which the academic year containing `day` starts (Sep–Aug)."""
    return day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1


def default_windows(year: int, rules: Rules) -> list[tuple[date, date]]:
    """The application windows of academic year `year` from the rule set's [[windows]] (App 4 item 10).

    A window whose end (month, day) is before its start ends in the next calendar year (e.g. Sep–Feb);
    a window opening before September lies in the second calendar year of the academic year (e.g. a
    January–May window of 2025/26 is in 2026).
    """
    windows = []
    for (start_month, start_day), (end_month, end_day) in rules.windows:
        start_year = year if start_month >= ACADEMIC_YEAR_START_MONTH else year + 1
        start = date(start_year, start_month, start_day)
        end_year = start_year if (end_month, end_day) >= (start_month, start_day) else start_year + 1
        windows.append((start, date(end_year, end_month, end_day)))
    return sorted(windows)


def default_window(year: int, rules: Rules) -> tuple[date, date]:
    """The first application window of academic year `year` (the one an admin's /window replaces)."""
    window = rules.window
    start = date(year, window["start_month"], window["start_day"])
    end_year = year if (window["end_month"], window["end_day"]) >= (start.month, start.day) else year + 1
    return start, date(end_year, window["end_month"], window["end_day"])
