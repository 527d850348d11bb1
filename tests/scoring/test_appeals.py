"""§26 deadlines: working days of the Kazakh calendar, over Independence Day (16 December 2026) and weekends."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from scoring.appeals import (
    AppealPeriods,
    deadlines,
    filing_closes,
    is_overdue,
    may_file,
    quality_body_review_by,
    registration_day,
    reminder_day,
)
from scoring.config import Rules, load_rules
from scoring.rulesets import RuleSetError, parse_ruleset, pilot
from tests.scoring.rulesets_helpers import pilot_tables

PILOT = AppealPeriods.of(load_rules())


def test_the_pilot_set_has_the_texts_numbers() -> None:
    assert (PILOT.forward_working_days, PILOT.provider_review_working_days,
            PILOT.quality_body_review_working_days) == (3, 5, 15)
    assert PILOT.filing_months == 3


def test_deadlines_skip_the_holiday_and_the_weekend() -> None:
    # Monday 14 December 2026; Wednesday 16 December is Independence Day.
    d = deadlines(date(2026, 12, 14), PILOT)
    assert d.registered_on == date(2026, 12, 14)
    assert d.forward_by == date(2026, 12, 18)  # 15, 17, 18
    assert d.provider_review_by == date(2026, 12, 22)  # 15, 17, 18, 21, 22
    assert d.quality_body_review_by == date(2027, 1, 13)  # 15 working days after 18 December, over New Year


def test_a_complaint_filed_on_a_holiday_is_registered_the_next_working_day() -> None:
    assert registration_day(date(2026, 12, 16)) == date(2026, 12, 17)
    assert registration_day(date(2026, 12, 19)) == date(2026, 12, 21)  # Saturday → Monday
    assert deadlines(date(2026, 12, 19), PILOT).forward_by == date(2026, 12, 24)


def test_the_quality_body_counts_from_the_day_it_is_forwarded() -> None:
    # 11 working days to 31 December; 1–4 January (4th a day off moved) and 7th (Christmas) are none.
    assert quality_body_review_by(date(2026, 12, 15), PILOT) == date(2027, 1, 11)


def test_the_reminder_comes_a_working_day_before_over_the_holiday() -> None:
    assert reminder_day(date(2026, 12, 17), PILOT) == date(2026, 12, 15)
    assert reminder_day(date(2026, 12, 21), PILOT) == date(2026, 12, 18)


def test_the_filing_period_ends_on_a_working_day() -> None:
    # 3 months after 7 June 2026 is Monday 7 September; after 6 June, Sunday 6 September → Monday 7.
    assert filing_closes(date(2026, 6, 7), PILOT) == date(2026, 9, 7)
    assert filing_closes(date(2026, 6, 6), PILOT) == date(2026, 9, 7)
    assert may_file(date(2026, 6, 6), date(2026, 9, 7), PILOT)
    assert not may_file(date(2026, 6, 6), date(2026, 9, 8), PILOT)
    assert not may_file(date(2026, 6, 6), date(2026, 6, 5), PILOT)


def test_overdue_only_after_the_deadline_day() -> None:
    assert not is_overdue(date(2026, 12, 18), date(2026, 12, 18))
    assert is_overdue(date(2026, 12, 18), date(2026, 12, 21))


def test_the_numbers_are_the_rule_sets() -> None:
    raw = copy.deepcopy(pilot().rules.raw)
    raw["appeals"]["forward_working_days"] = 1
    assert deadlines(date(2026, 12, 14), AppealPeriods.of(Rules(raw))).forward_by == date(2026, 12, 15)


def test_a_set_without_appeals_takes_its_older_deadlines_or_the_pilots() -> None:
    raw = copy.deepcopy(pilot().rules.raw)
    del raw["appeals"]
    assert AppealPeriods.of(Rules(raw)) == PILOT
    raw["deadlines"]["complaint_forwarded"] = 2
    assert AppealPeriods.of(Rules(raw)).forward_working_days == 2


def test_a_rule_set_file_without_appeals_is_valid_and_its_older_deadlines_count() -> None:
    tables = pilot_tables()
    del tables["appeals"]
    tables["deadlines"].update(complaint_forwarded=2, complaint_reviewed=4)
    periods = AppealPeriods.of(parse_ruleset(tables, "older.toml").rules)
    assert (periods.forward_working_days, periods.provider_review_working_days) == (2, 4)
    assert periods.quality_body_review_working_days == 15  # the pilot's


def test_the_appeals_table_is_checked() -> None:
    tables = pilot_tables()
    tables["appeals"]["filing_months"] = 0
    with pytest.raises(RuleSetError, match=r"appeals\.filing_months"):
        parse_ruleset(tables, "bad.toml")
