from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scoring.calendar import (
    KZ_TZ,
    academic_year,
    add_months,
    add_working_days,
    add_years,
    default_window,
    is_working_day,
    next_working_day,
    registration_date,
)
from scoring.config import Rules, load_rules


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def almaty(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 11, 12), True),  # ordinary Wednesday
        (date(2025, 11, 15), False),  # Saturday
        (date(2025, 11, 16), False),  # Sunday
        (date(2025, 12, 16), False),  # Independence Day, Tuesday
        (date(2025, 1, 3), False),  # Friday, day off moved from Sunday 5 January
        (date(2025, 1, 5), True),  # Sunday worked in exchange
        (date(2024, 5, 8), False),  # Wednesday, day off moved from Saturday 4 May
        (date(2024, 5, 4), True),  # Saturday worked in exchange
        (date(2025, 3, 10), False),  # 8 March fell on a Saturday: observed on Monday
        (date(2025, 9, 1), False),  # Constitution Day (Sat 30 Aug) observed on Monday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_next_working_day_skips_weekend_and_holidays() -> None:
    assert next_working_day(date(2025, 11, 14)) == date(2025, 11, 17)  # Fri -> Mon
    # Nowruz 2025: Fri 21 - Tue 25 March are off.
    assert next_working_day(date(2025, 3, 20)) == date(2025, 3, 26)


def test_next_working_day_lands_on_worked_sunday() -> None:
    assert next_working_day(date(2025, 1, 2)) == date(2025, 1, 5)


def test_next_working_day_crosses_the_year() -> None:
    # 31 Dec 2025 is Wednesday; 1-2 Jan 2026 are holidays, then a weekend.
    assert next_working_day(date(2025, 12, 31)) == date(2026, 1, 5)


def test_add_working_days() -> None:
    assert add_working_days(date(2025, 11, 14), 3) == date(2025, 11, 19)  # Fri + 3 -> Wed
    assert add_working_days(date(2025, 11, 12), 0) == date(2025, 11, 12)
    # 15 working days across Independence Day (Tue 16 Dec 2025).
    assert add_working_days(date(2025, 12, 1), 15) == date(2025, 12, 23)
    assert add_working_days(date(2025, 11, 17), -1) == date(2025, 11, 14)


def test_registration_during_working_hours(rules: Rules) -> None:
    assert registration_date(almaty(2025, 11, 12, 10, 30), rules) == date(2025, 11, 12)


def test_registration_early_morning_counts_that_day(rules: Rules) -> None:
    assert registration_date(almaty(2025, 11, 12, 7, 0), rules) == date(2025, 11, 12)


def test_registration_after_hours_moves_to_next_day(rules: Rules) -> None:
    assert registration_date(almaty(2025, 11, 12, 18, 0), rules) == date(2025, 11, 13)
    assert registration_date(almaty(2025, 11, 12, 17, 59), rules) == date(2025, 11, 12)


def test_registration_friday_evening_goes_to_monday(rules: Rules) -> None:
    assert registration_date(almaty(2025, 11, 14, 19, 15), rules) == date(2025, 11, 17)


def test_registration_on_weekend(rules: Rules) -> None:
    assert registration_date(almaty(2025, 11, 15, 11, 0), rules) == date(2025, 11, 17)


def test_registration_on_holiday(rules: Rules) -> None:
    assert registration_date(almaty(2025, 12, 16, 11, 0), rules) == date(2025, 12, 17)


def test_registration_on_transferred_day_off(rules: Rules) -> None:
    assert registration_date(almaty(2025, 1, 3, 11, 0), rules) == date(2025, 1, 5)


def test_registration_converts_other_time_zones(rules: Rules) -> None:
    # 12:30 UTC is 17:30 in Almaty (UTC+5): still working hours.
    assert registration_date(datetime(2025, 11, 12, 12, 30, tzinfo=UTC), rules) == date(2025, 11, 12)
    # 13:30 UTC is 18:30 in Almaty: after hours.
    assert registration_date(datetime(2025, 11, 12, 13, 30, tzinfo=UTC), rules) == date(2025, 11, 13)
    # 20:00 UTC on Tuesday is already 01:00 Wednesday in Almaty.
    assert registration_date(datetime(2025, 11, 11, 20, 0, tzinfo=UTC), rules) == date(2025, 11, 12)


def test_almaty_is_utc_plus_five() -> None:
    assert almaty(2025, 1, 15).utcoffset() == timedelta(hours=5)
    assert almaty(2025, 7, 15).utcoffset() == timedelta(hours=5)
    assert KZ_TZ.key == "Asia/Almaty"


def test_registration_respects_configured_hours() -> None:
    rules = load_rules()
    late = Rules({**rules.raw, "working_hours": {"start": "09:00", "end": "20:00"}})
    assert late.working_end == time(20, 0)
    assert registration_date(almaty(2025, 11, 12, 19, 0), late) == date(2025, 11, 12)


def test_registration_rejects_naive_datetime(rules: Rules) -> None:
    with pytest.raises(ValueError):
        registration_date(datetime(2025, 11, 12, 10, 0), rules)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2025, 9, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
        (date(2026, 8, 31), 2025),
        (date(2025, 8, 31), 2024),
    ],
)
def test_academic_year(day: date, year: int) -> None:
    assert academic_year(day) == year


def test_default_window(rules: Rules) -> None:
    assert default_window(2025, rules) == (date(2025, 9, 1), date(2025, 12, 31))


def test_window_across_new_year() -> None:
    rules = load_rules()
    window = {"start_month": 10, "start_day": 15, "end_month": 2, "end_day": 28}
    custom = Rules({**rules.raw, "window": window})
    assert default_window(2025, custom) == (date(2025, 10, 15), date(2026, 2, 28))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2024, 8, 31), -6, date(2024, 2, 29)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2026, 1, 10), -1, date(2025, 12, 10)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_years_from_leap_day() -> None:
    assert add_years(date(2000, 2, 29), 4) == date(2004, 2, 29)
    assert add_years(date(2000, 2, 29), 1) == date(2001, 3, 1)


def test_registration_on_new_years_eve_just_before_midnight(rules: Rules) -> None:
    # Wednesday 31 Dec 2025 is a working day but 23:59 is after hours; 1-2 Jan are holidays, then a weekend.
    assert registration_date(almaty(2025, 12, 31, 23, 59), rules) == date(2026, 1, 5)
    # Thursday 31 Dec 2026: 1 Jan (Fri), 2 Jan (Sat, observed on Mon 4 Jan) -> Tuesday 5 Jan 2027.
    assert registration_date(almaty(2026, 12, 31, 23, 59), rules) == date(2027, 1, 5)


def test_registration_just_after_new_year(rules: Rules) -> None:
    # 1 January is a public holiday, whatever the hour: registered on the next working day.
    assert registration_date(almaty(2026, 1, 1, 0, 1), rules) == date(2026, 1, 5)
    assert registration_date(almaty(2027, 1, 1, 0, 1), rules) == date(2027, 1, 5)


def test_registration_on_a_public_holiday_morning(rules: Rules) -> None:
    # Independence Day 2026 is a Wednesday: even in working hours it moves to Thursday.
    assert registration_date(almaty(2026, 12, 16, 10, 0), rules) == date(2026, 12, 17)
