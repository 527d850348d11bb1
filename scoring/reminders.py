"""Who gets which reminder when (spec §1 validity, §2 window, §43 leaders). Pure: no I/O.

Every reminder is an *occasion* with a due moment and an end: it is due from `due` (already moved
out of quiet hours) until `until` — the next occasion of the same kind, or the moment it stops making
sense (the window closed, the category expired). A run of the scheduler at `now` sends the occasions
that are due and not yet sent; a bot that was down at the due moment catches up, but a stale
occasion (a later one of its kind is due) is never sent. The once-only key of an occasion is
(user, kind, academic year, occasion): the bot records it before sending (storage: sent_reminders).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from scoring.calendar import academic_year, add_months, add_working_days, add_years
from scoring.config import Rules
from scoring.i18n import N_, Phrase


class ReminderKind(StrEnum):
    WINDOW_OPEN = "window_open"
    BEFORE_CLOSE = "before_close"
    CATEGORY_EXPIRY = "category_expiry"
    SESSION_EVE = "session_eve"


# Leader categories (heads, deputies): their expiry reminder follows §43 (apply 6 months before).
LEADER_CATEGORY_PREFIXES = ("head_", "deputy_")


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # wraps past midnight (21:00–09:00)

    def release(self, moment: datetime) -> datetime:
        """`moment`, or the end of the quiet hours it falls in (same time zone)."""
        if not self.contains(moment.timetz().replace(tzinfo=None)):
            return moment
        end_today = moment.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end_today if end_today > moment else end_today + timedelta(days=1)


@dataclass(frozen=True)
class ReminderRules:
    days_before_close: tuple[int, ...]
    quiet: QuietHours
    expiry_months_teacher: tuple[int, ...]
    expiry_months_leader: tuple[int, ...]

    @classmethod
    def from_rules(cls, rules: Rules) -> ReminderRules:
        section = rules.reminders
        return cls(
            days_before_close=tuple(sorted({int(d) for d in section["days_before_close"]}, reverse=True)),
            quiet=QuietHours(time.fromisoformat(section["quiet_start"]), time.fromisoformat(section["quiet_end"])),
            expiry_months_teacher=tuple(sorted({int(m) for m in section["expiry_months_teacher"]}, reverse=True)),
            expiry_months_leader=tuple(sorted({int(m) for m in section["expiry_months_leader"]}, reverse=True)),
        )


@dataclass(frozen=True)
class Window:
    """The application window of academic year `year`: both days included."""

    year: int
    opens: date
    closes: date


@dataclass(frozen=True)
class Occasion:
    kind: ReminderKind
    academic_year: int
    occasion: str
    due: datetime
    until: datetime
    message: Phrase

    def key(self, user_id: int) -> tuple[int, str, int, str]:
        return (user_id, self.kind.value, self.academic_year, self.occasion)


@dataclass(frozen=True)
class Teacher:
    """What the decision needs to know about one teacher (the bot gathers it from the database)."""

    user_id: int
    muted: bool = False
    active: bool = True
    category: str | None = None
    valid_until: date | None = None
    # The application of the academic year of the window at hand: started = a draft exists.
    started: bool = False
    submitted: bool = False


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _start_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def _chain(kind: ReminderKind, points: list[tuple[str, int, datetime, Phrase]], end: datetime,
           rules: ReminderRules) -> list[Occasion]:
    """Occasions from (name, academic year, nominal moment, message), each lasting until the next one."""
    released = [(name, year, rules.quiet.release(moment), message) for name, year, moment, message in points]
    released.sort(key=lambda point: point[2])
    result = []
    for i, (name, year, due, message) in enumerate(released):
        until = released[i + 1][2] if i + 1 < len(released) else end
        if due < until:
            result.append(Occasion(kind, year, name, due, until, message))
    return result


def window_open_occasion(window: Window, tz: ZoneInfo, rules: ReminderRules) -> list[Occasion]:
    message = Phrase(N_(
        "The attestation application window is open: {opens} – {closes}. Your qualification category "
        "expires within the coming year, so now is the time to apply: /checklist shows what to prepare."
    ), {"opens": _fmt(window.opens), "closes": _fmt(window.closes)})
    end = _start_of(window.closes + timedelta(days=1), tz)
    return _chain(ReminderKind.WINDOW_OPEN, [("open", window.year, _start_of(window.opens, tz), message)], end, rules)


def before_close_occasions(window: Window, tz: ZoneInfo, rules: ReminderRules) -> list[Occasion]:
    points = []
    for days in rules.days_before_close:
        day = window.closes - timedelta(days=days)
        if day < window.opens:
            continue  # a window shorter than the lead time has no such reminder
        message = Phrase(N_(
            "{days} days left to submit your attestation application: the window closes on {closes}."
        ), {"days": days, "closes": _fmt(window.closes)})
        points.append((f"{days}d", window.year, _start_of(day, tz), message))
    return _chain(ReminderKind.BEFORE_CLOSE, points, _start_of(window.closes + timedelta(days=1), tz), rules)


def session_eve_occasion(session_id: int, number: int, name: str, session_date: date, tz: ZoneInfo,
                         working_start: time) -> Occasion:
    """To the members and the secretary of a scheduled session: from the start of working hours on the
    working day before it until the session day begins. A decision needs two thirds present (§18)."""
    eve = add_working_days(session_date, -1)
    return Occasion(
        ReminderKind.SESSION_EVE, academic_year(session_date), f"session-{session_id}",
        datetime.combine(eve, working_start, tzinfo=tz), _start_of(session_date, tz),
        Phrase(N_("Session No. {number} of the attestation commission «{name}» is on {date}. Please come: the "
                   "commission decides only with two thirds of its members present (§18)."),
                {"number": number, "name": name, "date": _fmt(session_date)}),
    )


def is_leader_category(category: str | None) -> bool:
    return bool(category) and str(category).startswith(LEADER_CATEGORY_PREFIXES)


def expiry_occasions(category: str | None, valid_until: date, tz: ZoneInfo, rules: ReminderRules) -> list[Occasion]:
    leader = is_leader_category(category)
    months_list = rules.expiry_months_leader if leader else rules.expiry_months_teacher
    points = []
    for months in months_list:
        day = add_months(valid_until, -months)
        if leader:
            text = N_("Your qualification category expires on {expiry}. Heads and deputies apply 6 months "
                      "before it expires (§43): now is the time. /checklist shows what to prepare.")
        else:
            text = N_("Your qualification category expires on {expiry} (in {months} months). "
                      "Plan your attestation: /checklist shows what to prepare.")
        message = Phrase(text, {"expiry": _fmt(valid_until), "months": months})
        # The expiry date is in the key, so a renewed category gets its own reminders.
        points.append((f"{valid_until.isoformat()}/{months}m", academic_year(day), _start_of(day, tz), message))
    return _chain(ReminderKind.CATEGORY_EXPIRY, points, _start_of(valid_until + timedelta(days=1), tz), rules)


def expires_within_year(valid_until: date | None, window: Window) -> bool:
    """The category runs out before a year from the window's opening (or already has)."""
    return valid_until is not None and valid_until < add_years(window.opens, 1)


def due_reminders(teacher: Teacher, now: datetime, windows: Iterable[Window], tz: ZoneInfo,
                  rules: ReminderRules) -> list[Occasion]:
    """The occasions to send `teacher` at `now` (an aware moment); the caller drops those already sent."""
    if teacher.muted or not teacher.active:
        return []
    local = now.astimezone(tz)
    if rules.quiet.contains(local.time()):
        return []  # whatever is due goes out when the quiet hours end
    candidates: list[Occasion] = []
    for window in windows:
        if not teacher.submitted and expires_within_year(teacher.valid_until, window):
            candidates += window_open_occasion(window, tz, rules)
        if teacher.started and not teacher.submitted:
            candidates += before_close_occasions(window, tz, rules)
    if teacher.valid_until is not None and not teacher.submitted:
        candidates += expiry_occasions(teacher.category, teacher.valid_until, tz, rules)
    return [o for o in candidates if o.due <= local < o.until]


def windows_to_check(now: datetime, tz: ZoneInfo, window_of: dict[int, tuple[date, date]]) -> list[Window]:
    """The windows that may have a current occasion at `now`: this academic year's and the next one's.

    `window_of` maps an academic year to its window (the admin's, or the default from rules.toml);
    the next year's matters when an admin set an early window (the pilot's ran June–August).
    """
    year = academic_year(now.astimezone(tz).date())
    return [Window(y, *window_of[y]) for y in (year, year + 1) if y in window_of]
