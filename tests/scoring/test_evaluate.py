"""Aggregation rules of the explanatory note to App 8, the evaluation output and the advice."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from scoring.categories import Category
from scoring.sheets import SHEETS
from scoring.sheets.evaluate import AnswerError, Evaluation, evaluate_answers, json_number


def _points(sheet_id: str, criterion_id: str, answer: Any, **extra: Any) -> Fraction:
    result = evaluate_answers(SHEETS[sheet_id], {"criteria": {criterion_id: answer}, **extra})
    return next(r.points for r in result.results if r.criterion.id == criterion_id)


def test_only_the_highest_level_of_one_kind_counts() -> None:
    assert _points("teacher", "2.1", {"levels": ["organisation", "district", "region"]}) == 3
    assert _points("teacher", "2.1", {"level": "international"}) == 5


def test_different_kinds_add_up_and_the_winner_point_is_added_once() -> None:
    kinds = {"kinds": [{"level": "region"}, {"levels": ["district", "republic"]}, {"level": "organisation"}]}
    assert _points("teacher", "2.1", kinds) == 3 + 4 + 1
    assert _points("teacher", "2.1", {**kinds, "winner": True}) == 3 + 4 + 1 + 1
    assert _points("teacher", "2.2", {"level": "region", "winner": True}) == 4


def test_criteria_that_are_not_by_kind_take_no_kinds() -> None:
    with pytest.raises(AnswerError):
        evaluate_answers(SHEETS["teacher"], {"criteria": {"1.1": {"kinds": [{"level": "stable"}]}}})


def test_coauthored_publication_is_two_points_flat() -> None:
    assert _points("teacher", "3.3", {"level": "republic"}) == 6
    assert _points("teacher", "3.3", {"level": "republic", "coauthored": True}) == 2
    assert _points("teacher", "3.3", {"level": "region", "coauthored": True}) == 2
    assert _points("deputy", "4.3", {"level": "republic", "coauthored": True}) == 2


def test_coauthored_methodical_material_two_at_republic_one_at_region_or_district() -> None:
    assert _points("teacher", "3.5", {"level": "republic", "coauthored": True}) == 2
    assert _points("teacher", "3.5", {"level": "region", "coauthored": True}) == 1
    assert _points("teacher", "3.5", {"level": "district", "coauthored": True}) == 1
    assert _points("methodist", "3.5", {"level": "republic", "coauthored": True}) == 2
    # the same work at several levels counts once
    assert _points("teacher", "3.5", {"levels": ["district", "republic"], "coauthored": True}) == 2


def test_coauthored_is_rejected_where_the_sheet_has_no_such_rule() -> None:
    with pytest.raises(AnswerError, match="does not take 'coauthored'"):
        evaluate_answers(SHEETS["teacher"], {"criteria": {"2.1": {"level": "region", "coauthored": True}}})


def test_dissemination_points_per_item() -> None:
    assert _points("teacher", "3.1", {"level": "region", "count": 3}) == 6
    assert _points("teacher", "3.1", {"level": "republic", "count": 2}) == 6
    assert _points("teacher", "3.1", {"kinds": [{"level": "region", "count": 1}, {"level": "republic"}]}) == 5
    with pytest.raises(AnswerError):
        evaluate_answers(SHEETS["teacher"], {"criteria": {"3.1": {"level": "district", "count": 1}}})


def test_pd_hours_add_up_across_courses() -> None:
    assert _points("teacher", "4.1", {"hours": [40, 40]}) == 3
    assert _points("teacher", "4.1", {"hours": [36, 36]}) == 1
    assert _points("teacher", "4.1", {"hours": 71}) == 0
    assert _points("teacher", "4.1", {"hours": [60, 48]}) == 4
    assert _points("methodist", "4.1", {"hours": 72}) == 2


def test_preschool_and_cabinet_pd_steps() -> None:
    assert _points("teacher", "4.1", {"hours": 36}, preschool=True) == 1
    assert _points("teacher", "4.1", {"hours": [36, 36]}, preschool=True) == 3
    assert _points("teacher", "4.1", {"hours": 80}, preschool=True) == 4
    assert _points("cabinet-methodist", "4.1", {"hours": 36}) == 2
    assert _points("head-preschool", "5.1", {"hours": 72}) == 3
    assert _points("head", "5.1", {"hours": 72}) == 2
    # methodical-cabinet leaders: 36 · 72 · more than 72
    assert _points("cabinet-head", "4.1", {"hours": 72}) == 3
    assert _points("cabinet-head", "4.1", {"hours": [36, 37]}) == 4


def test_flags_and_off_budget_point() -> None:
    assert _points("head", "1.3", {"met": True}) == 4
    assert _points("head", "1.5", {"met": True, "off_budget": True}) == 3
    assert _points("head", "1.5", {"met": False}) == 0
    with pytest.raises(AnswerError):
        evaluate_answers(SHEETS["head"], {"criteria": {"1.5": {"off_budget": True}}})


def test_observation_mean_and_too_few_sheets() -> None:
    assert _points("teacher", "1.2", {"observations": [72, 75, 70, 74, 71]}) == Fraction(362, 5)
    result = evaluate_answers(SHEETS["teacher"], {"criteria": {"1.2": {"observations": [90, 90, 90, 90]}}})
    observation = result.results[1]
    assert observation.points == 0 and not observation.scorable
    assert "Cannot be scored" in observation.why_text() and "at least 5" in observation.why_text()
    with pytest.raises(AnswerError):
        evaluate_answers(SHEETS["teacher"], {"criteria": {"1.2": {"observations": [103, 90, 90, 90, 90]}}})


def test_missing_criteria_score_zero_and_bad_answers_raise() -> None:
    result = evaluate_answers(SHEETS["teacher"], {"claimed": "moderator", "criteria": {}})
    assert result.total == 0 and result.category is None and result.gap == 68
    for bad in (
        {"criteria": {"9.9": {"level": "region"}}},
        {"criteria": {"2.1": {"level": "galaxy"}}},
        {"criteria": {"2.1": "region"}},
        {"criteria": {"4.1": {"hours": -1}}},
        {"criteria": {"4.1": {"hours": "many"}}},
        {"claimed": "head_1", "criteria": {}},
        {"claimed": "expert", "unknown": 1},
        [],
    ):
        with pytest.raises(AnswerError):
            evaluate_answers(SHEETS["teacher"], bad)


def test_output_json_of_the_issue_example() -> None:
    data = {
        "claimed": "expert",
        "criteria": {
            "1.1": {"level": "growth_1_2"},
            "1.2": {"observations": [72, 75, 70, 74, 71]},
            "2.1": {"level": "region", "winner": True},
            "3.3": {"level": "republic", "coauthored": True},
            "4.1": {"hours": 96},
        },
    }
    out = evaluate_answers(SHEETS["teacher"], data).to_json()
    assert out["total"] == pytest.approx(3 + 72.4 + 4 + 2 + 3)
    assert out["threshold"] == {"moderator": 68, "expert": 84, "researcher": 113, "master": 134}
    assert out["category"] == "expert" and out["claimed"] == "expert" and out["gap"] == 0
    assert out["criteria"]["2.1"] == {
        "points": 4,
        "why": "region (city of republican significance, capital): 3. +1 for a winner or prize-winner "
        "(once per criterion)",
    }
    assert out["criteria"]["2.2"]["points"] == 0
    assert out["advice"] == []


def _apply(data: dict[str, Any], evaluation: Evaluation) -> dict[str, Any]:
    criteria = dict(data["criteria"])
    for improvement in evaluation.advice:
        change = dict(improvement.change)
        if "mean" in change:
            change = {"observations": [json_number(change.pop("mean"))] * 5}
        criteria[improvement.criterion_id] = change
    return {**data, "criteria": criteria}


def test_advice_is_a_single_improvement_when_one_suffices() -> None:
    data = {
        "claimed": "moderator",
        "criteria": {
            "1.1": {"level": "unstable"},
            "1.2": {"observations": [61] * 5},
            "3.2": {"level": "organisation"},
            "3.4": {"level": "organisation"},
            "3.5": {"level": "organisation"},
            "4.1": {"hours": 72},
        },
    }
    result = evaluate_answers(SHEETS["teacher"], data)
    assert result.total == 66 and result.gap == 2
    assert len(result.advice) == 1 and result.advice[0].gain == 2
    improved = evaluate_answers(SHEETS["teacher"], _apply(data, result))
    assert improved.total == 68 and improved.category == Category.MODERATOR


def test_advice_uses_the_fewest_criteria_with_the_smallest_overshoot() -> None:
    # cabinet deputy with only openness (2 of 14): best gains are 6, 5, 5, 5, 4, 4 -> two criteria
    # reach at most 11, so three are needed, and 12 can be hit exactly (e.g. 5 + 5 + 2).
    data = {"claimed": "deputy_3", "criteria": {"1.1": {"met": True}}}
    result = evaluate_answers(SHEETS["cabinet-deputy"], data)
    assert result.gap == 12
    assert len(result.advice) == 3
    assert sum(i.gain for i in result.advice) == 12
    assert len({i.criterion_id for i in result.advice}) == 3
    improved = evaluate_answers(SHEETS["cabinet-deputy"], _apply(data, result))
    assert improved.total == 14 and improved.category == Category.DEPUTY_3


@pytest.mark.parametrize("claimed", ["moderator", "expert", "researcher", "master"])
def test_advice_reaches_the_claimed_threshold_from_an_empty_portfolio(claimed: str) -> None:
    data: dict[str, Any] = {"claimed": claimed, "criteria": {}}
    result = evaluate_answers(SHEETS["teacher"], data)
    assert result.reachable and result.advice
    improved = evaluate_answers(SHEETS["teacher"], _apply(data, result))
    assert improved.gap == 0
    assert improved.total >= SHEETS["teacher"].thresholds[Category(claimed)]


def test_advice_for_a_leader_sheet_reaches_the_threshold() -> None:
    data: dict[str, Any] = {"claimed": "head_2", "criteria": {"1.1": {"met": True}, "5.1": {"hours": 80}}}
    result = evaluate_answers(SHEETS["head"], data)
    improved = evaluate_answers(SHEETS["head"], _apply(data, result))
    assert improved.total >= 49 and improved.category in (Category.HEAD_2, Category.HEAD_1)
