"""Which teacher reminders are due at a moment, as conditions for a set-based query (storage: DueOccasion).

scoring/reminders.py decides for one teacher; at national scale the same decision is turned around:
the occasions that are current at `now` are few (one per kind and window, one per expiry date), so
they are computed here with the same pure functions, and the query finds the teachers each one is
for. `due_reminders` and this plan agree by construction: both use the same occasion chains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scoring.calendar import add_months, add_years
from scoring.reminders import (
    Occasion,
    ReminderKind,
    ReminderRules,
    Window,
    before_close_occasions,
    expiry_occasions,
    window_open_occasion,
)
from storage.reminder_repository import DueOccasion

# A category whose name makes it a leader's, for the expiry chains (scoring.reminders.is_leader_category).
_LEADER_EXAMPLE = "head_"


@dataclass
class Plan:
    """The query conditions, and for each the occasion it sends (per expiry date for the expiry ones)."""

    conditions: list[DueOccasion] = field(default_factory=list)
    fixed: dict[int, Occasion] = field(default_factory=dict)
    by_expiry: dict[int, dict[date, Occasion]] = field(default_factory=dict)

    def occasion(self, index: int, valid_until: date | None) -> Occasion:
        if index in self.fixed:
            return self.fixed[index]
        assert valid_until is not None  # an expiry condition matches dated categories only
        return self.by_expiry[index][valid_until]

    def add(self, condition: DueOccasion, occasion: Occasion | dict[date, Occasion]) -> None:
        index = len(self.conditions)
        self.conditions.append(condition)
        if isinstance(occasion, Occasion):
            self.fixed[index] = occasion
        else:
            self.by_expiry[index] = occasion


def _current(occasions: list[Occasion], local: datetime) -> list[Occasion]:
    return [o for o in occasions if o.due <= local < o.until]


def plan_teacher_reminders(now: datetime, windows: list[Window], tz: ZoneInfo, rules: ReminderRules) -> Plan:
    """What `due_reminders` would send someone at `now`, per kind of teacher."""
    plan = Plan()
    local = now.astimezone(tz)
    if rules.quiet.contains(local.time()):
        return plan  # whatever is due goes out when the quiet hours end
    for window in windows:
        for o in _current(window_open_occasion(window, tz, rules), local):
            plan.add(DueOccasion(o.kind.value, o.academic_year, o.occasion,
                                 expires_before=add_years(window.opens, 1)), o)
        for o in _current(before_close_occasions(window, tz, rules), local):
            plan.add(DueOccasion(o.kind.value, o.academic_year, o.occasion, started=True), o)
    for leader in (False, True):
        _plan_expiry(plan, local, tz, rules, leader)
    return plan


def _plan_expiry(plan: Plan, local: datetime, tz: ZoneInfo, rules: ReminderRules, leader: bool) -> None:
    """Every expiry date with a current occasion, in runs of consecutive dates with the same reminder."""
    months = max((*rules.expiry_months_teacher, *rules.expiry_months_leader), default=0)
    day, last = local.date() - timedelta(days=1), add_months(local.date(), months) + timedelta(days=3)
    runs: list[tuple[tuple[int, str], dict[date, Occasion]]] = []
    while day <= last:
        for o in _current(expiry_occasions(_LEADER_EXAMPLE if leader else None, day, tz, rules), local):
            shape = (o.academic_year, o.occasion[len(day.isoformat()):])
            if runs and runs[-1][0] == shape and max(runs[-1][1]) == day - timedelta(days=1):
                runs[-1][1][day] = o
            else:
                runs.append((shape, {day: o}))
        day += timedelta(days=1)
    for (year, suffix), dated in runs:
        plan.add(DueOccasion(ReminderKind.CATEGORY_EXPIRY.value, year, None, suffix=suffix,
                             expires_from=min(dated), expires_to=max(dated), leader=leader), dated)
