"""The test rule: §30 (portfolio meets, test does not), §32 (too low for moderator -> teacher)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.categories import Category
from scoring.config import load_rules
from scoring.testrule import Decision, category_by_test, final_category, threshold_for

A, C = Decision.ASSIGNMENT, Decision.CONFIRMATION


def test_thresholds_come_from_the_rules(tmp_path: Path) -> None:
    rules = load_rules()
    assert threshold_for(Category.EXPERT, rules) == 70
    assert threshold_for(Category.HEAD_1, rules) == 70
    assert category_by_test(65, rules) == Category.MODERATOR
    assert category_by_test(49, rules) is None
    override = tmp_path / "rules.toml"
    override.write_text("[test_thresholds]\nexpert = 65\n", encoding="utf-8")
    assert category_by_test(65, load_rules(override)) == Category.EXPERT


def test_portfolio_and_test_reach_the_claim() -> None:
    outcome = final_category(Category.EXPERT, Category.RESEARCHER, 75, A)
    assert outcome.category == Category.EXPERT and outcome.clause == "§29"


def test_exempt_from_the_test_only_the_portfolio_decides() -> None:
    assert final_category(Category.MASTER, Category.MASTER, None, A).category == Category.MASTER


def test_confirmation_with_a_failed_test_is_one_level_lower() -> None:
    outcome = final_category(Category.RESEARCHER, Category.RESEARCHER, 72, C)
    assert outcome.category == Category.EXPERT and outcome.clause == "§30"
    assert final_category(Category.MODERATOR, Category.MODERATOR, 10, C).category == Category.TEACHER


def test_assignment_with_a_failed_test_is_not_higher_than_the_test_allows() -> None:
    outcome = final_category(Category.MASTER, Category.MASTER, 72, A)
    assert outcome.category == Category.EXPERT and outcome.clause == "§30"


def test_test_too_low_for_moderator_gives_teacher() -> None:
    outcome = final_category(Category.EXPERT, Category.EXPERT, 55, A)
    assert outcome.category == Category.TEACHER and outcome.clause == "§32"
    assert final_category(Category.EXPERT, Category.EXPERT, 20, A).category == Category.TEACHER


def test_portfolio_below_the_claim_takes_the_lower_of_portfolio_and_test() -> None:
    assert final_category(Category.MASTER, Category.EXPERT, 95, A).category == Category.EXPERT
    assert final_category(Category.MASTER, Category.RESEARCHER, 65, A).category == Category.MODERATOR
    assert final_category(Category.EXPERT, None, 95, A).category == Category.TEACHER


def test_leaders() -> None:
    assert final_category(Category.HEAD_1, Category.HEAD_1, 70, A).category == Category.HEAD_1
    assert final_category(Category.HEAD_1, Category.HEAD_1, 60, C).category == Category.HEAD_2
    assert final_category(Category.HEAD_3, Category.HEAD_3, 60, C).category is None
    assert final_category(Category.DEPUTY_2, Category.DEPUTY_2, 60, A).category is None
    assert final_category(Category.DEPUTY_1, Category.DEPUTY_3, 80, A).category == Category.DEPUTY_3


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        final_category(Category.EXPERT, Category.EXPERT, 101, A)
    with pytest.raises(ValueError):
        final_category(Category.HEAD_1, Category.EXPERT, 80, A)
