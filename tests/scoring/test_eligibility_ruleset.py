"""The eligibility numbers are the rule set's [eligibility] table: checked by the schema, read by
scoring.eligibility through the Rules it is given, and listed by the diff."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from scoring.categories import Category, Education, OrgType, Role
from scoring.eligibility import assess, category_expiry, min_experience, required_education
from scoring.profile import Profile
from scoring.rulesets import RuleSetError, parse_ruleset, pilot
from scoring.rulesets.diff import Change, diff
from tests.scoring.rulesets_helpers import edited, pilot_tables

TODAY = date(2025, 10, 1)


def teacher(**changes: object) -> Profile:
    base = Profile(
        role=Role.TEACHER,
        org_type=OrgType.GENERAL_SECONDARY,
        current_category=Category.MODERATOR,
        category_valid_until=date(2027, 5, 31),
        experience_years=3,
        education=Education.HIGHER_PEDAGOGICAL,
        claimed=Category.EXPERT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _set(table: str, value: Any) -> Any:
    def change(tables: dict[str, Any]) -> None:
        *path, key = table.split(".")
        at = tables["eligibility"]
        for name in path:
            at = at[name]
        at[key] = value

    return edited(change)


def problems(tables: dict[str, Any]) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(tables, "edited")
    return [str(p) for p in caught.value.problems]


def test_the_pilot_has_the_printed_numbers() -> None:
    rules = pilot().rules
    assert min_experience(rules) == {Category.TEACHER: 1, Category.MODERATOR: 2, Category.EXPERT: 3,
                                     Category.RESEARCHER: 5, Category.MASTER: 6}
    education = required_education(rules)
    assert education[Category.EXPERT] == frozenset(Education)
    assert Education.VOCATIONAL not in education[Category.RESEARCHER]
    assert education[Category.MASTER] == {Education.HIGHER_PEDAGOGICAL, Education.POSTGRADUATE_PEDAGOGICAL}


def test_a_set_with_a_higher_minimum_experience_changes_the_verdict() -> None:
    profile = teacher()  # 3 years, claims expert
    assert assess(profile, TODAY, pilot().rules).allowed
    report = assess(profile, TODAY, _set("min_experience.expert", 4).rules)
    assert not report.allowed
    assert report.blockers[0].clause == "§31"
    assert report.blockers[0].message.params["needed"] == 4


def test_a_set_with_a_wider_education_list_lets_a_claim_through() -> None:
    profile = teacher(claimed=Category.MASTER, current_category=Category.RESEARCHER, experience_years=10,
                      education=Education.HIGHER_OTHER)
    blocker = assess(profile, TODAY, pilot().rules).blockers[0]
    assert blocker.message.text == "For {claimed} you need higher or postgraduate pedagogical education."
    wider = _set("education.master", ["higher_pedagogical", "higher_other", "postgraduate_pedagogical"])
    assert all(f.clause != "§31" for f in assess(profile, TODAY, wider.rules).blockers)


def test_validity_and_lead_time_come_from_the_set() -> None:
    four_years = _set("validity_years_teacher", 4).rules
    assert category_expiry(Category.EXPERT, date(2021, 6, 1)) == date(2026, 6, 1)
    assert category_expiry(Category.EXPERT, date(2021, 6, 1), four_years) == date(2025, 6, 1)
    head = teacher(role=Role.HEAD, current_category=Category.HEAD_2, claimed=Category.HEAD_1,
                   category_valid_until=date(2026, 9, 1), experience_years=10)
    assert assess(head, TODAY, pilot().rules).apply_by == date(2026, 3, 1)
    assert assess(head, TODAY, _set("leader_apply_months_before", 3).rules).apply_by == date(2026, 6, 1)


def test_the_schema_checks_the_eligibility_table() -> None:
    tables = pilot_tables()
    tables["eligibility"]["min_experience"]["expert"] = -1
    tables["eligibility"]["education"]["master"] = ["doctorate"]
    del tables["eligibility"]["min_experience"]["researcher"]
    tables["eligibility"]["postponement_max_years"] = -2
    found = problems(tables)
    assert len(found) == 4
    assert any(p.startswith("eligibility.min_experience.researcher: is missing") for p in found)
    assert any(p.startswith("eligibility.min_experience.expert: must be ≥ 0") for p in found)
    assert any(p.startswith("eligibility.education.master[0]:") for p in found)
    assert any(p.startswith("eligibility.postponement_max_years: must be ≥ 0") for p in found)


def test_the_diff_shows_a_changed_eligibility_number() -> None:
    changes = diff(pilot(), _set("min_experience.expert", 4))
    assert Change("eligibility", "eligibility.min_experience.expert", 3, 4) in changes
    assert [str(c) for c in changes if c.topic == "eligibility"] == ["eligibility.min_experience.expert: 3 -> 4"]
    months = diff(pilot(), _set("tvet_moderator_min_years", 6))
    assert Change("eligibility", "eligibility.tvet_moderator_min_years", 5, 6) in months
