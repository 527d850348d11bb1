"""§26: a complaint's periods and deadlines, in working days of the same calendar as everything else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.calendar import add_months, add_working_days, is_working_day, next_working_day
from scoring.config import Rules


@dataclass(frozen=True)
class AppealPeriods:
    filing_months: int  # interpretation appeal_filing_months: the texts give no period
    forward_working_days: int  # §26 para 3
    provider_review_working_days: int  # §26 para 5
    quality_body_review_working_days: int  # §26 para 6
    remind_working_days_before: int  # assumed

    @classmethod
    def of(cls, rules: Rules) -> AppealPeriods:
        return cls(**rules.appeals)


@dataclass(frozen=True)
class AppealDeadlines:
    registered_on: date
    forward_by: date  # sent, with the case, to the body that reviews it
    provider_review_by: date  # reviewed by the provider itself
    quality_body_review_by: date  # reviewed by the quality-control body, if forwarded on `forward_by`


def on_working_day(day: date) -> date:
    """`day`, or the working day after it when it is none (a weekend or a public holiday)."""
    return day if is_working_day(day) else next_working_day(day)


def filing_closes(decided_on: date, periods: AppealPeriods) -> date:
    """The last day a complaint about a refusal or decision of `decided_on` is taken."""
    return on_working_day(add_months(decided_on, periods.filing_months))


def may_file(decided_on: date, today: date, periods: AppealPeriods) -> bool:
    return decided_on <= today <= filing_closes(decided_on, periods)


def registration_day(filed_on: date) -> date:
    """A complaint is registered on the day it is filed, or on the next working day when that is none."""
    return on_working_day(filed_on)


def quality_body_review_by(forwarded_on: date, periods: AppealPeriods) -> date:
    """The quality-control body's 15 working days run from its registration: the day it is forwarded."""
    return add_working_days(registration_day(forwarded_on), periods.quality_body_review_working_days)


def deadlines(filed_on: date, periods: AppealPeriods) -> AppealDeadlines:
    registered = registration_day(filed_on)
    forward_by = add_working_days(registered, periods.forward_working_days)
    return AppealDeadlines(
        registered_on=registered,
        forward_by=forward_by,
        provider_review_by=add_working_days(registered, periods.provider_review_working_days),
        quality_body_review_by=quality_body_review_by(forward_by, periods),
    )


def reminder_day(deadline: date, periods: AppealPeriods) -> date:
    """The working day the holder is reminded of `deadline` on (the deadline itself when the lead is 0)."""
    return add_working_days(deadline, -periods.remind_working_days_before)


def is_overdue(deadline: date, today: date) -> bool:
    return today > deadline
