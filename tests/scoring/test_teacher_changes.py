"""What a new rule set changes for one teacher in progress (scoring.rulesets.changes), from her own data."""

from __future__ import annotations

from datetime import date
from typing import Any

from scoring.categories import AttestationKind, Category, Education, OrgType, Role
from scoring.profile import Profile
from scoring.rulesets import RuleSet, load_ruleset, pilot
from scoring.rulesets.changes import TeacherFacts, changes_for, year_label
from scoring.rulesets.registry import starting_in
from tests.scoring.rulesets_helpers import TEST_SET_FILE, edited

TODAY = date(2027, 3, 1)
EXPERT_CLAIM = Profile(role=Role.TEACHER, org_type=OrgType.GENERAL_SECONDARY, current_category=Category.MODERATOR,
                       category_valid_until=date(2028, 5, 31), experience_years=8,
                       education=Education.HIGHER_PEDAGOGICAL, claimed=Category.EXPERT)
# 84 points on the teacher sheet: the pilot's expert threshold exactly.
ANSWERS_84: dict[str, Any] = {"claimed": "expert", "criteria": {
    "1.1": {"level": "growth_1_2"}, "1.2": {"observations": [72, 72, 72, 72, 72]},
    "2.1": {"level": "region", "winner": True}, "3.3": {"level": "republic", "coauthored": True},
    "4.1": {"hours": 96}}}


def next_set() -> RuleSet:
    return starting_in(load_ruleset(TEST_SET_FILE), 2027)


def rendered(old: RuleSet, new: RuleSet, facts: TeacherFacts) -> list[str]:
    return [p.render() for p in changes_for(old, new, 2027, facts)]


def test_an_expert_claim_with_84_points_is_told_the_88_point_threshold_the_new_document_and_the_window() -> None:
    facts = TeacherFacts(TODAY, EXPERT_CLAIM, sheet_id="teacher", answers=ANSWERS_84)
    assert rendered(pilot(), next_set(), facts) == [
        "Under 2027/28 pedagogue-expert needs 88 points; your self-assessment has 84.",
        "A new document is required: author programme (test: an author's programme).",
        "Under 2027/28 applications are accepted 15.09–30.11, 15.01–31.05 (it was 01.09–31.12).",
    ]


def test_without_a_self_assessment_she_is_told_the_threshold_before_and_after() -> None:
    facts = TeacherFacts(TODAY, EXPERT_CLAIM, sheet_id="teacher")
    assert rendered(pilot(), next_set(), facts)[0] == "Under 2027/28 pedagogue-expert needs 88 points (it was 84)."


def test_a_moderator_claim_hears_nothing_of_the_expert_threshold() -> None:
    facts = TeacherFacts(TODAY, Profile(**{**EXPERT_CLAIM.__dict__, "claimed": Category.MODERATOR,
                                           "current_category": None}), sheet_id="teacher")
    assert not any("needs" in text for text in rendered(pilot(), next_set(), facts))


def test_a_set_that_changes_nothing_for_her_says_nothing() -> None:
    same = starting_in(pilot(), 2027)
    assert changes_for(pilot(), same, 2027, TeacherFacts(TODAY, EXPERT_CLAIM, sheet_id="teacher",
                                                         answers=ANSWERS_84)) == []


def test_a_document_she_has_already_supplied_is_not_news() -> None:
    def require_achievements(tables: dict[str, Any]) -> None:
        tables["interpretations"]["professional_achievements"] = "required"

    strict = edited(require_achievements)
    item = "professional_achievements"
    missing = TeacherFacts(TODAY, EXPERT_CLAIM, on_checklist=frozenset({item}))
    assert rendered(pilot(), strict, missing) == [
        "A document that was optional is now required: Professional achievements and dissemination of experience "
        "(App 4 item 8(5))."]
    supplied = TeacherFacts(TODAY, EXPERT_CLAIM, on_checklist=frozenset({item}), supplied=frozenset({item}))
    assert rendered(pilot(), strict, supplied) == []


def test_a_claim_the_new_experience_numbers_forbid_is_no_longer_allowed() -> None:
    def longer_early_wait(tables: dict[str, Any]) -> None:
        tables["early"]["min_years_since_last"] = 5

    early = Profile(**{**EXPERT_CLAIM.__dict__, "kind": AttestationKind.EARLY,
                       "last_attestation": date(2024, 5, 1),
                       "early_requirements": frozenset()})
    texts = rendered(pilot(), edited(longer_early_wait), TeacherFacts(TODAY, early))
    assert any(t.startswith("Your claim is no longer allowed because") for t in texts)


def test_year_label() -> None:
    assert year_label(2027) == "2027/28" and year_label(2099) == "2099/00"
