"""Who gets which reminder when: windows, quiet hours, mute, edges of the window, leap years."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from scoring.config import default_rules
from scoring.reminders import (
    QuietHours,
    ReminderKind,
    ReminderRules,
    Teacher,
    Window,
    due_reminders,
    expiry_occasions,
    windows_to_check,
)

TZ = ZoneInfo("Asia/Almaty")
RULES = ReminderRules.from_rules(default_rules())
WINDOW = Window(2026, date(2026, 9, 1), date(2026, 12, 31))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def kinds(teacher: Teacher, now: datetime, windows: list[Window] | None = None,
          kind: ReminderKind | None = None) -> list[tuple[str, str]]:
    return [(o.kind.value, o.occasion) for o in due_reminders(teacher, now, windows or [WINDOW], TZ, RULES)
            if kind is None or o.kind is kind]


def opening(teacher: Teacher, now: datetime) -> list[tuple[str, str]]:
    return kinds(teacher, now, kind=ReminderKind.WINDOW_OPEN)


EXPIRING = Teacher(1, category="moderator", valid_until=date(2027, 5, 20))
STARTED = Teacher(2, started=True)


def test_rules_from_toml() -> None:
    assert RULES.days_before_close == (30, 14, 7, 3, 1)
    assert RULES.quiet == QuietHours(time(21, 0), time(9, 0))
    assert RULES.expiry_months_teacher == (12, 6) and RULES.expiry_months_leader == (6,)


@pytest.mark.parametrize(("moment", "quiet"), [
    (time(20, 59), False), (time(21, 0), True), (time(23, 59), True), (time(0, 0), True), (time(8, 59), True),
    (time(9, 0), False), (time(12, 0), False),
])
def test_quiet_hours_wrap_midnight(moment: time, quiet: bool) -> None:
    assert RULES.quiet.contains(moment) is quiet


def test_quiet_release_moves_to_the_end() -> None:
    assert RULES.quiet.release(at(2026, 9, 1, 0, 0)) == at(2026, 9, 1, 9, 0)
    assert RULES.quiet.release(at(2026, 9, 1, 22, 30)) == at(2026, 9, 2, 9, 0)
    assert RULES.quiet.release(at(2026, 9, 1, 10, 0)) == at(2026, 9, 1, 10, 0)


def test_window_opening_at_midnight_waits_for_the_end_of_quiet_hours() -> None:
    assert opening(EXPIRING, at(2026, 9, 1, 0, 0)) == []
    assert opening(EXPIRING, at(2026, 8, 31, 12, 0)) == []
    assert opening(EXPIRING, at(2026, 9, 1, 9, 0)) == [("window_open", "open")]
    # Still due later in the window (a bot that was down catches up), never after it closed.
    assert opening(EXPIRING, at(2026, 10, 5, 12, 0)) == [("window_open", "open")]
    assert opening(EXPIRING, at(2027, 1, 1, 12, 0)) == []


def test_window_opening_only_to_those_whose_category_expires_within_the_year() -> None:
    later = Teacher(3, category="expert", valid_until=date(2027, 9, 1))
    no_category = Teacher(4)
    assert opening(later, at(2026, 9, 1, 9, 0)) == []
    assert opening(no_category, at(2026, 9, 1, 9, 0)) == []
    submitted = Teacher(5, category="moderator", valid_until=date(2027, 5, 20), submitted=True)
    assert opening(submitted, at(2026, 9, 1, 9, 0)) == []


@pytest.mark.parametrize(("now", "expected"), [
    (at(2026, 11, 30, 12, 0), []),
    (at(2026, 12, 1, 9, 0), [("before_close", "30d")]),
    (at(2026, 12, 16, 23, 0), []),  # quiet hours
    (at(2026, 12, 17, 9, 0), [("before_close", "14d")]),
    (at(2026, 12, 24, 9, 0), [("before_close", "7d")]),
    (at(2026, 12, 28, 9, 0), [("before_close", "3d")]),
    (at(2026, 12, 30, 9, 0), [("before_close", "1d")]),
    (at(2026, 12, 31, 20, 59), [("before_close", "1d")]),
    (at(2026, 12, 31, 23, 59), []),  # last minute of the window: quiet, and at 09:00 it has closed
    (at(2027, 1, 1, 9, 0), []),
])
def test_before_close_sequence(now: datetime, expected: list[tuple[str, str]]) -> None:
    assert kinds(STARTED, now) == expected


def test_before_close_only_to_started_and_not_submitted() -> None:
    assert kinds(Teacher(6), at(2026, 12, 1, 9, 0)) == []
    assert kinds(Teacher(7, started=True, submitted=True), at(2026, 12, 1, 9, 0)) == []


def test_short_window_skips_lead_times_longer_than_itself() -> None:
    short = Window(2026, date(2026, 12, 20), date(2026, 12, 31))
    assert kinds(STARTED, at(2026, 12, 20, 9, 0), [short]) == []
    assert kinds(STARTED, at(2026, 12, 24, 9, 0), [short]) == [("before_close", "7d")]


def test_mute_and_inactive_get_nothing() -> None:
    for teacher in (Teacher(8, muted=True, started=True), Teacher(9, active=False, started=True)):
        assert kinds(teacher, at(2026, 12, 1, 9, 0)) == []


def test_category_expiry_12_and_6_months_for_teachers() -> None:
    teacher = Teacher(10, category="expert", valid_until=date(2028, 3, 15))
    assert kinds(teacher, at(2027, 3, 15, 9, 0)) == [("category_expiry", "2028-03-15/12m")]
    assert kinds(teacher, at(2027, 9, 15, 9, 0)) == [("category_expiry", "2028-03-15/6m")]
    assert kinds(teacher, at(2028, 3, 16, 9, 0)) == []


def test_heads_and_deputies_only_6_months() -> None:
    head = Teacher(11, category="head_1", valid_until=date(2028, 3, 15))
    assert kinds(head, at(2027, 3, 15, 9, 0)) == []
    assert kinds(head, at(2027, 9, 15, 9, 0)) == [("category_expiry", "2028-03-15/6m")]


def test_leap_years() -> None:
    occasions = expiry_occasions("expert", date(2028, 2, 29), TZ, RULES)
    assert [o.due for o in occasions] == [at(2027, 2, 28, 9, 0), at(2027, 8, 29, 9, 0)]
    leap_window = Window(2027, date(2027, 9, 1), date(2028, 2, 29))
    assert [o.occasion for o in due_reminders(STARTED, at(2028, 1, 30, 9, 0), [leap_window], TZ, RULES)] == ["30d"]
    assert [o.occasion for o in due_reminders(STARTED, at(2028, 2, 28, 9, 0), [leap_window], TZ, RULES)] == ["1d"]


def test_keys_differ_by_year_and_occasion() -> None:
    [first] = due_reminders(STARTED, at(2026, 12, 1, 9, 0), [WINDOW], TZ, RULES)
    [next_year] = due_reminders(STARTED, at(2027, 12, 1, 9, 0), [Window(2027, date(2027, 9, 1),
                                                                         date(2027, 12, 31))], TZ, RULES)
    assert first.key(2) == (2, ReminderKind.BEFORE_CLOSE.value, 2026, "30d")
    assert next_year.key(2) == (2, "before_close", 2027, "30d")


def test_windows_to_check_this_and_next_academic_year() -> None:
    table = {2025: (date(2025, 9, 1), date(2025, 12, 31)), 2026: (date(2026, 6, 1), date(2026, 8, 31))}
    assert [w.year for w in windows_to_check(at(2026, 6, 10, 12, 0), TZ, table)] == [2025, 2026]
    assert [w.year for w in windows_to_check(at(2026, 9, 1, 0, 0), TZ, table)] == [2026]


@pytest.mark.parametrize(("session_day", "eve"), [
    (date(2026, 11, 30), date(2026, 11, 27)),  # Monday: the Friday before
    (date(2026, 12, 3), date(2026, 12, 2)),  # Thursday: Wednesday
])
def test_a_session_is_announced_from_the_start_of_the_working_day_before_it(session_day: date, eve: date) -> None:
    from scoring.reminders import ReminderKind, session_eve_occasion

    start = default_rules().working_start
    occasion = session_eve_occasion(7, 3, "C", session_day, TZ, start)
    assert occasion.kind is ReminderKind.SESSION_EVE and occasion.occasion == "session-7"
    assert occasion.due == datetime.combine(eve, start, tzinfo=TZ)
    assert occasion.until == datetime.combine(session_day, time(0), tzinfo=TZ)
    assert occasion.academic_year == 2026 and occasion.message.params["date"] == session_day.strftime("%d.%m.%Y")
