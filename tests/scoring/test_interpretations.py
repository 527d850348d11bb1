"""The readings the texts leave open, each a named [interpretations] value of the rule set, with its clause:
the pilot's default first, then the other reading."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from scoring.categories import Category
from scoring.rulesets import RuleSet, pilot
from scoring.sheets.evaluate import evaluate_answers, sheet_for_area
from scoring.sheets.model import Criterion, ScaleKind
from scoring.sheets.observation import observation_mean
from tests.scoring.rulesets_helpers import with_interpretation

DEPUTY_AREAS = ("academic", "profile", "methodical", "digitalisation")


def points(ruleset: RuleSet, sheet_id: str, criterion_id: str, answer: dict[str, Any]) -> Fraction:
    evaluation = evaluate_answers(ruleset.sheets[sheet_id], {"criteria": {criterion_id: answer}}, ruleset.rules)
    return next(r.points for r in evaluation.results if r.criterion.id == criterion_id)


def test_app_11_sheet_3_deputy_thresholds_printed_by_default_or_what_the_columns_add_up_to() -> None:
    printed = pilot()
    assert list(printed.sheets["deputy"].thresholds.values()) == [30, 47, 62]
    assert list(printed.sheets["deputy-preschool"].thresholds.values()) == [28, 44, 58]
    columns = with_interpretation("deputy_thresholds", "columns")
    assert list(columns.sheets["deputy"].thresholds.values()) == [30, 48, 64]
    assert list(columns.sheets["deputy-preschool"].thresholds.values()) == [28, 45, 60]
    # Only the deputy sheets print two readings.
    assert columns.sheets["head"].thresholds == printed.sheets["head"].thresholds


def _highest(criterion: Criterion) -> int:
    scale = criterion.scale
    if scale.kind is ScaleKind.COUNT:
        top = max(o.points * (o.max_count or 1) for o in scale.levels)
    elif scale.kind is ScaleKind.LEVEL:
        top = max(o.points for o in scale.levels)
    elif scale.kind is ScaleKind.THRESHOLD:
        top = max(s.points for s in scale.steps)
    else:
        top = scale.points
    return top + (1 if scale.bonus is not None else 0)


def test_app_11_sheet_3_a_deputy_answers_every_criterion_by_default_or_only_those_of_their_area() -> None:
    deputy = pilot().sheets["deputy"]
    assert all(sheet_for_area(deputy, area, pilot().rules) is deputy for area in DEPUTY_AREAS)
    own_area = with_interpretation("deputy_own_area_only", True)
    for area in DEPUTY_AREAS:
        sheet = sheet_for_area(own_area.sheets["deputy"], area, own_area.rules)
        assert {c.area for c in sheet.criteria} == {None, area}
        # Then deputy-1 (62) cannot be reached: the highest total is 60.
        assert sum(_highest(c) for c in sheet.criteria) == 60 < sheet.thresholds[Category.DEPUTY_1]
    head = own_area.sheets["head"]
    assert sheet_for_area(head, "academic", own_area.rules) is head


def test_app_8_sheet_1_criterion_3_1_counts_every_event_by_default_or_stops_at_the_printed_3() -> None:
    answer = {"level": "region", "count": 5}
    assert points(pilot(), "teacher", "3.1", answer) == 10
    capped = with_interpretation("dissemination_items", "capped")
    assert points(capped, "teacher", "3.1", answer) == 6
    assert points(capped, "teacher", "3.1", {"level": "republic", "count": 2}) == 6


def test_app_8_explanatory_note_item_1_the_observation_mean_exact_by_default_or_rounded() -> None:
    totals = [72, 73, 73, 73, 73]
    assert observation_mean(totals, pilot().rules).mean == Fraction(364, 5)
    half_up = with_interpretation("observation_mean_rounding", "half_up").rules
    down = with_interpretation("observation_mean_rounding", "down").rules
    assert observation_mean(totals, half_up).mean == 73
    assert observation_mean([72, 72, 73, 73], half_up).mean is None  # fewer than 5 sheets: not scored
    assert observation_mean(totals, down).mean == 72
    assert points(with_interpretation("observation_mean_rounding", "down"), "teacher", "1.2",
                  {"observations": totals}) == 72


def test_app_8_explanatory_note_item_3_a_co_authored_material_at_organisation_level() -> None:
    answer = {"level": "organisation", "coauthored": True}
    assert points(pilot(), "teacher", "3.5", answer) == 1
    assert points(pilot(), "methodist", "3.5", answer) == 1
    none = with_interpretation("coauthored_material_organisation_points", 0)
    assert points(none, "teacher", "3.5", answer) == 0
    assert points(none, "methodist", "3.5", answer) == 0
    # The printed co-authored points of the other levels stay.
    assert points(none, "teacher", "3.5", {"level": "republic", "coauthored": True}) == 2


def test_app_8_4_1_course_hours_between_the_printed_values() -> None:
    assert points(pilot(), "teacher", "4.1", {"hours": 100}) == 3  # at least 80
    exact = with_interpretation("course_hours_between_steps", "exact")
    assert points(exact, "teacher", "4.1", {"hours": 100}) == 0
    assert points(exact, "teacher", "4.1", {"hours": 80}) == 3
    assert points(exact, "teacher", "4.1", {"hours": [72, 48]}) == 4  # 120: the last step, "108 or more"
    # Percentages are not course hours: App 11 3.3's "at least 70 %" keeps its reading.
    assert points(exact, "head", "3.3", {"percent": 65}) == 3


def test_app_4_item_8_5_professional_achievements_if_any_by_default_or_required_by_the_rules() -> None:
    assert pilot().documents["professional_achievements"].need == "if_any"
    assert "App 4 item 8(5)" in pilot().documents["professional_achievements"].clause
    required = with_interpretation("professional_achievements", "required")
    assert required.documents["professional_achievements"].need == "required"
    assert required.rules.interpretation("professional_achievements") == "required"
