"""App 9 lesson observation sheets and criterion 1.2 (spec §5.4)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from scoring.categories import Category
from scoring.config import load_rules
from scoring.sheets.observation import (
    OBSERVATION_SHEETS,
    ObservationError,
    Section,
    observation_mean,
    score_observation,
)


@pytest.mark.parametrize(
    ("sheet_id", "counts"),
    [("secondary", (10, 16, 6, 2)), ("preschool", (10, 18, 4, 2)), ("special", (10, 17, 6, 2))],
)
def test_indicator_counts_per_section(sheet_id: str, counts: tuple[int, int, int, int]) -> None:
    sheet = OBSERVATION_SHEETS[sheet_id]
    assert tuple(sheet.count(s) for s in Section) == counts
    assert len(sheet.indicators) == sum(counts)
    research = [i for i in sheet.indicators if i.research_only]
    assert [i.id for i in research] == ["1.2.4", "1.3.4"]
    assert all(i.section is Section.PLANNING for i in research)
    assert len({i.id for i in sheet.indicators}) == len(sheet.indicators)


def test_research_indicators_only_for_researcher_and_master() -> None:
    sheet = OBSERVATION_SHEETS["secondary"]
    assert len(sheet.applicable(Category.EXPERT)) == 32
    assert len(sheet.applicable(Category.MASTER)) == 34
    with pytest.raises(ObservationError):
        score_observation(sheet, {"1.2.4": 3}, Category.EXPERT)
    assert score_observation(sheet, {"1.2.4": 3}, Category.RESEARCHER).total == 3


def test_ratings_are_0_to_3_and_the_total_is_capped_at_102() -> None:
    special = OBSERVATION_SHEETS["special"]
    all_three = {i.id: 3 for i in special.indicators}
    score = score_observation(special, all_three, Category.MASTER)
    assert score.raw == 105 and score.total == 102
    secondary = OBSERVATION_SHEETS["secondary"]
    assert score_observation(secondary, {i.id: 3 for i in secondary.indicators}, Category.MASTER).total == 102
    with pytest.raises(ObservationError):
        score_observation(secondary, {"1.1.1": 4})
    with pytest.raises(ObservationError):
        score_observation(secondary, {"9.9.9": 1})


def test_mean_needs_at_least_five_sheets() -> None:
    rules = load_rules()
    four = observation_mean([90, 90, 90, 90], rules)
    assert not four.scorable and four.mean is None
    assert "Cannot be scored" in four.why.render() and "4" in four.why.render()
    five = observation_mean([72, 75, 70, 74, 71], rules)
    assert five.mean == Fraction(362, 5)
    assert "72.4" in five.why.render()


def test_minimum_number_of_sheets_comes_from_the_rules(tmp_path: Path) -> None:
    override = tmp_path / "rules.toml"
    override.write_text("[observation]\nmin_sheets = 3\n", encoding="utf-8")
    rules = load_rules(override)
    assert observation_mean([60, 70, 80], rules).mean == 70
    with pytest.raises(ObservationError):
        observation_mean([103, 60, 60, 60, 60], rules)
