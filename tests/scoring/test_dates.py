"""scoring.dates: the one parser and format of days."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from scoring.dates import format_day, format_day_or_dash, format_moment, format_time, parse_day


def test_a_day_is_shown_as_the_documents_print_it() -> None:
    assert format_day(date(2027, 1, 5)) == "05.01.2027"
    assert format_day_or_dash(None) == "—"


def test_typed_days_in_the_forms_people_use() -> None:
    assert parse_day("31.12.2027") == date(2027, 12, 31)
    assert parse_day(" 1/2/2027 ") == date(2027, 2, 1)
    assert parse_day("01-02-2027") == date(2027, 2, 1)


def test_what_is_not_a_day_is_none() -> None:
    assert parse_day("31.02.2027") is None
    assert parse_day("tomorrow") is None
    assert parse_day("2027-12-31") is None
    assert parse_day("2027-12-31", iso=True) == date(2027, 12, 31)
    assert parse_day("2027-13-31", iso=True) is None


def test_times_are_in_the_deployments_zone() -> None:
    moment = datetime(2027, 1, 5, 4, 30, tzinfo=UTC)
    assert format_time(moment, ZoneInfo("Asia/Almaty")) == "09:30"
    assert format_time(moment.replace(tzinfo=None), ZoneInfo("Asia/Almaty")) == "09:30"
    assert format_moment(moment) == "05.01.2027 04:30:00 UTC"
