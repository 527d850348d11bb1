"""Rule sets as data: the schema and its errors with their place, which set applies, the diff, the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scoring.__main__ import main
from scoring.calendar import default_windows
from scoring.categories import Category
from scoring.config import load_rules
from scoring.documents import ITEMS
from scoring.rulesets import PILOT_FILE, RuleSetError, load_ruleset, parse_ruleset, pilot
from scoring.rulesets.diff import Change, diff
from scoring.rulesets.registry import Registry, RegistryError
from scoring.sheets import SHEETS
from scoring.sheets.evaluate import evaluate_answers
from tests.scoring.rulesets_helpers import TEST_SET_FILE, edited, pilot_tables

# Schema and errors ------------------------------------------------------------------------------------


def test_the_pilot_is_a_valid_rule_set_with_a_stable_key() -> None:
    ruleset = pilot()
    assert ruleset.key == "kz-2024-pilot@2024.1"
    assert ruleset.source.date == date(2024, 6, 20) and "153" in ruleset.source.order
    assert ruleset.first_year == 2024 and ruleset.last_year is None
    assert ruleset.sheets == SHEETS
    assert load_rules().raw == ruleset.rules.raw


def test_the_documents_table_says_what_scoring_documents_requires() -> None:
    needs = {rule_id: rule.need for rule_id, rule in pilot().documents.items()}
    assert needs == {item.id: item.need.value for item in ITEMS}


def problems(tables: dict[str, Any]) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(tables, "bad.toml")
    return [str(p) for p in caught.value.problems]


def test_every_schema_error_is_reported_with_its_place() -> None:
    tables = pilot_tables()
    tables["sheets"]["teacher"]["criteria"][3]["levels"][1]["points"] = -1
    tables["working_hours"]["start"] = "9am"
    tables["essay"]["max_words"] = "300"
    tables["voting"]["majority_of"] = "everyone"
    tables["sheets"]["head"]["criteria"][0]["colour"] = "red"
    del tables["deadlines"]["extract"]
    assert problems(tables) == [
        "deadlines.extract: is missing",
        "working_hours.start: must be a time HH:MM",
        "essay.max_words: must be a whole number",
        "voting.majority_of: must be one of: 'present' or 'cast'",
        "sheets.teacher.criteria[3].levels[1].points: must be ≥ 0",
        "sheets.head.criteria[0].colour: is not a known key",
    ]


def test_every_error_across_tables_is_reported_with_its_place() -> None:
    tables = pilot_tables()
    sheets = tables["sheets"]
    sheets["teacher-no-dynamics"]["without"] = ["9.9"]
    sheets["head-tvet"]["based_on"] = "nowhere"
    sheets["teacher"]["thresholds"] = {"moderator": 68, "expert": 60}
    sheets["teacher"]["criteria"][4]["levels"][0].pop("max_count")
    sheets["teacher"]["criteria"][1]["id"] = "1.1"
    sheets["deputy"]["criteria"][2]["area"] = "sports"
    tables["windows"][0]["closes"] = "02-30"
    tables["observation_sheets"]["special"]["research_only"] = ["1.2.9"]
    assert problems(tables) == [
        "windows[0].closes: is not a day of the year",
        "sheets.teacher.thresholds: must rise from the lowest category to the highest",
        "sheets.teacher.criteria[1].id: criterion 1.1 is given twice",
        "sheets.teacher.criteria[4].levels[0].max_count: is missing (a count scale prints the number of items)",
        "sheets.teacher-no-dynamics.without[0]: 'teacher' has no criterion 9.9",
        "sheets.head-tvet.based_on: there is no sheet 'nowhere'",
        "sheets.deputy.criteria[2].area: 'sports' is not one of [areas]",
        "observation_sheets.special.research_only[0]: there is no indicator 1.2.9",
    ]


def test_a_reference_must_name_an_interpretation_of_the_right_kind() -> None:
    tables = pilot_tables()
    tables["sheets"]["teacher"]["criteria"][8]["levels"][0]["coauthored_points"] = "@deputy_thresholds"
    tables["documents"]["essay"]["need"] = "@nothing"
    assert problems(tables) == [
        "documents.essay.need: @nothing is not an [interpretations] key of required/if_any",
        "sheets.teacher.criteria[8].levels[0].coauthored_points: @deputy_thresholds is not a number of "
        "[interpretations]",
    ]


def test_a_toml_syntax_error_is_one_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[ruleset]\nid = \n", encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(bad)
    assert "not valid TOML" in str(caught.value) and "line 2" in str(caught.value)


# Two sets side by side --------------------------------------------------------------------------------


def registry() -> Registry:
    return Registry.from_files([TEST_SET_FILE, PILOT_FILE])


def test_the_test_set_changes_a_threshold_a_document_and_the_windows() -> None:
    test_set = load_ruleset(TEST_SET_FILE)
    assert test_set.sheets["teacher"].thresholds[Category.EXPERT] == 88
    assert pilot().sheets["teacher"].thresholds[Category.EXPERT] == 84
    assert test_set.documents["author_programme"].need == "required" and "author_programme" not in pilot().documents
    assert default_windows(2025, test_set.rules) == [
        (date(2025, 9, 15), date(2025, 11, 30)), (date(2026, 1, 15), date(2026, 5, 31))
    ]
    assert default_windows(2025, pilot().rules) == [(date(2025, 9, 1), date(2025, 12, 31))]
    answers = {"claimed": "expert", "criteria": {"1.2": {"observations": [85] * 5}}}
    assert evaluate_answers(pilot().sheets["teacher"], answers, pilot().rules).meets_claimed
    assert not evaluate_answers(test_set.sheets["teacher"], answers, test_set.rules).meets_claimed


def test_an_application_is_judged_by_the_set_in_force_on_the_day_it_was_submitted() -> None:
    sets = registry()
    assert sets.for_submission(date(2024, 11, 5)).id == "kz-2024-pilot"
    assert sets.for_submission(date(2025, 8, 31)).id == "kz-2024-pilot"
    assert sets.for_submission(date(2025, 9, 15)).id == "test-2025"
    assert sets.for_submission(date(2031, 1, 1)).id == "test-2025"
    assert sets.for_submission(date(2020, 1, 1)).id == "kz-2024-pilot"
    # Submitted under the pilot: its key finds the pilot for the application's whole life.
    submitted = sets.for_submission(date(2024, 11, 5)).key
    assert sets.get(submitted) == pilot() and sets.get("nothing@1") is None


def test_which_set_judges_an_academic_year() -> None:
    sets = registry()
    assert [sets.for_academic_year(y).id for y in (2023, 2024, 2025, 2026)] == [
        "kz-2024-pilot", "kz-2024-pilot", "test-2025", "test-2025"
    ]


def test_a_teacher_who_has_not_submitted_sees_the_set_of_the_year_she_will_submit_in() -> None:
    sets = registry()
    assert sets.for_teacher(date(2024, 10, 1)).id == "kz-2024-pilot"  # inside the 2024/25 window
    # The 2024/25 window closed on 31 December: she submits in 2025/26, from 15 September.
    assert sets.next_submission_day(date(2025, 2, 1)) == date(2025, 9, 15)
    assert sets.for_teacher(date(2025, 2, 1)).id == "test-2025"


def test_a_set_starting_in_the_middle_of_a_year_applies_from_its_first_day() -> None:
    def mid_year(tables: dict[str, Any]) -> None:
        tables["ruleset"].update(id="mid-2025", version="1")
        tables["ruleset"]["applies"] = {"from": "2025/26", "in_force_from": date(2026, 1, 10)}

    sets = Registry([pilot(), edited(mid_year)])
    assert sets.for_submission(date(2026, 1, 9)).id == "kz-2024-pilot"
    assert sets.for_submission(date(2026, 1, 10)).id == "mid-2025"


def test_sets_that_cannot_be_told_apart_are_refused() -> None:
    with pytest.raises(RegistryError, match="loaded twice"):
        Registry([pilot(), pilot()])
    with pytest.raises(RegistryError, match="no rule set"):
        Registry([])


# Diff -------------------------------------------------------------------------------------------------


def test_the_diff_of_the_test_set_lists_each_change() -> None:
    changes = diff(pilot(), load_ruleset(TEST_SET_FILE))
    assert [str(c) for c in changes if c.topic != "source"] == [
        "windows: '01.09-31.12' -> '15.09-30.11, 15.01-31.05'",
        "documents.author_programme: added \"required (test: an author's programme)\"",
        "sheets.teacher.thresholds.expert: 84 -> 88",
    ]
    threshold = next(c for c in changes if c.topic == "threshold")
    assert (threshold.sheet, threshold.before, threshold.after) == ("teacher", 84, 88)


def test_the_diff_goes_criterion_by_criterion() -> None:
    def change(tables: dict[str, Any]) -> None:
        teacher = tables["sheets"]["teacher"]["criteria"]
        teacher[5]["levels"][2]["points"] = 4  # 3.2 talks, region
        teacher[9]["steps"][0]["min"] = 60  # 4.1 hours
        del teacher[6]  # 3.3 publication
        tables["deadlines"]["extract"] = 5
        tables["interpretations"]["dissemination_items"] = "capped"

    changes = diff(pilot(), edited(change))
    assert Change("deadline", "deadlines.extract", 3, 5) in changes
    assert Change("interpretation", "interpretations.dissemination_items", "uncapped", "capped") in changes
    by_place = {c.place: c for c in changes}
    assert by_place["sheets.teacher.criteria.3.2.levels.region.points"].after == 4
    assert by_place["sheets.teacher.criteria.4.1.steps"].after[0] == ">=60: 1"
    removed = by_place["sheets.teacher.criteria.3.3"]
    assert removed.removed and removed.criterion == "3.3"
    # teacher-no-dynamics is based on teacher: it changes with it.
    assert "sheets.teacher-no-dynamics.criteria.3.3" in by_place


def test_a_set_does_not_differ_from_itself() -> None:
    assert diff(pilot(), load_ruleset(PILOT_FILE)) == []


# Command line -----------------------------------------------------------------------------------------


def test_rules_check_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(PILOT_FILE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: kz-2024-pilot@2024.1")
    assert "windows: 01.09-31.12" in out and "sheets: 11" in out


def test_rules_check_prints_every_problem_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = PILOT_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "next.toml"
    bad.write_text(text.replace('start = "09:00"', 'start = "9"').replace("min_words = 250", "min_words = -1"),
                   encoding="utf-8")
    assert main(["rules", "check", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}: working_hours.start: must be a time HH:MM",
        f"{bad}: essay.min_words: must be ≥ 1",
        "2 problem(s)",
    ]


def test_rules_diff_prints_the_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "diff", str(PILOT_FILE), str(TEST_SET_FILE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "kz-2024-pilot@2024.1 -> test-2025@2025.1: 6 change(s)"
    assert "sheets.teacher.thresholds.expert: 84 -> 88" in out


def test_evaluate_scores_with_the_sheets_of_the_rule_set_given(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text('{"claimed": "expert", "criteria": {"1.2": {"observations": [85, 85, 85, 85, 85]}}}')
    assert main(["--rules", str(TEST_SET_FILE), "evaluate", "teacher", str(answers)]) == 0
    assert '"gap": 3' in capsys.readouterr().out
    assert main(["evaluate", "teacher", str(answers)]) == 0
    assert '"gap": 0' in capsys.readouterr().out


def test_a_value_of_either_kind_says_what_each_kind_needs() -> None:
    tables = pilot_tables()
    tables["documents"]["essay"]["need"] = "maybe"
    levels = tables["sheets"]["teacher"]["criteria"][8]["levels"]
    levels[0]["coauthored_points"] = -2
    levels[1]["coauthored_points"] = "two"
    assert problems(tables) == [
        "documents.essay.need: must be one of: 'required' or 'if_any'; or must be @ and the name of an "
        "[interpretations] key",
        "sheets.teacher.criteria[8].levels[0].coauthored_points: must be ≥ 0",
        "sheets.teacher.criteria[8].levels[1].coauthored_points: must be @ and the name of an [interpretations] key",
    ]


def test_a_window_table_of_the_old_shape_still_overrides_the_window(tmp_path: Path) -> None:
    override = tmp_path / "window.toml"
    override.write_text("[window]\nstart_month = 10\nstart_day = 1\nend_month = 11\nend_day = 30\n", encoding="utf-8")
    rules = load_rules(override)
    assert rules.windows == [((10, 1), (11, 30))]
    assert default_windows(2025, rules) == [(date(2025, 10, 1), date(2025, 11, 30))]
    assert load_rules(TEST_SET_FILE).windows == [((9, 15), (11, 30)), ((1, 15), (5, 31))]
