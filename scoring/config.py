"""The rule sections the engine reads (window, essay, voting, deadlines, interpretations ...) of a rule set.

The default is the 2024 pilot rule set (scoring/rulesets/2024-pilot.toml). `load_rules(path)` takes a
whole rule set file, or a file of a few tables overlaid key by key on the pilot's; the bot names it by
its RULES_FILE setting (bot.settings, from the environment or .env), which calls `use_rules_file`.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_RULES_FILE = Path(__file__).parent / "rulesets" / "2024-pilot.toml"

# The readings an older rules file or a test's partial Rules({...}) leaves out: the pilot's defaults.
DEFAULT_INTERPRETATIONS: dict[str, Any] = {
    "deputy_thresholds": "printed",
    "deputy_own_area_only": False,
    "dissemination_items": "uncapped",
    "observation_mean_rounding": "exact",
    "coauthored_material_organisation_points": 1,
    "course_hours_between_steps": "lower_step",
    "professional_achievements": "if_any",
    "student_achievements": "pilot",
    "leader_observation_sheets": "pilot",
}
# App 8 sheet 2 criterion 1.1, for a partial Rules({...}) without [observation] methodist_sheets.
DEFAULT_METHODIST_SHEETS: dict[str, int] = {"moderator": 4, "expert": 5, "researcher": 6, "master": 7}
DEFAULT_DEADLINES: dict[str, int] = {
    "acceptance_notice": 1, "extract": 3, "attested_list": 15, "complaint_forwarded": 3, "complaint_reviewed": 5,
}
# §26, for a rule set without [appeals] (scoring/rulesets/2024-pilot.toml has the clause of each).
DEFAULT_APPEALS: dict[str, int] = {
    "filing_months": 3, "forward_working_days": 3, "provider_review_working_days": 5,
    "quality_body_review_working_days": 15, "remind_working_days_before": 1,
}


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]

    def _section(self, name: str) -> dict[str, Any]:
        section = self.raw.get(name, {})
        assert isinstance(section, dict)
        return section

    @property
    def window(self) -> dict[str, int]:
        return self._section("window")

    @property
    def working_start(self) -> time:
        return time.fromisoformat(self._section("working_hours")["start"])

    @property
    def working_end(self) -> time:
        return time.fromisoformat(self._section("working_hours")["end"])

    @property
    def essay_min(self) -> int:
        return int(self._section("essay")["min_words"])

    @property
    def essay_max(self) -> int:
        return int(self._section("essay")["max_words"])

    @property
    def retirement(self) -> dict[str, int]:
        return self._section("retirement")

    @property
    def early(self) -> dict[str, Any]:
        return self._section("early")

    @property
    def eligibility(self) -> dict[str, Any]:
        """§31 min_experience and education by category, validity_years_*, leader_apply_months_before,
        postponement_max_years, tvet_* (scoring.eligibility reads them)."""
        return self._section("eligibility")

    @property
    def test_thresholds(self) -> dict[str, int]:
        return self._section("test_thresholds")

    @property
    def observation(self) -> dict[str, Any]:
        return self._section("observation")

    @property
    def methodist_observation_sheets(self) -> dict[str, int]:
        """Claimed category -> the observation sheets a methodist brings (App 8 sheet 2 criterion 1.1)."""
        by_category = self.observation.get("methodist_sheets", DEFAULT_METHODIST_SHEETS)
        return {category: int(count) for category, count in by_category.items()}

    @property
    def self_assessment(self) -> dict[str, int]:
        return self._section("self_assessment")

    @property
    def voting(self) -> dict[str, Any]:
        return self._section("voting")

    @property
    def reminders(self) -> dict[str, Any]:
        return self._section("reminders")

    @property
    def commission(self) -> dict[str, Any]:
        return self._section("commission")

    @property
    def retention(self) -> dict[str, Any]:
        return self._section("retention")


    @property
    def windows(self) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """The application windows of an academic year as ((month, day) opens, (month, day) closes)."""
        listed = [(_month_day(w["opens"]), _month_day(w["closes"])) for w in self.raw.get("windows", [])]
        w = self.window
        legacy = ((w["start_month"], w["start_day"]), (w["end_month"], w["end_day"])) if w else None
        # A `[window]` table of the old shape that differs from the first window overrides the list.
        if legacy is not None and (not listed or listed[0] != legacy):
            return [legacy]
        return listed

    @property
    def deadlines(self) -> dict[str, int]:
        """Working days after the event: acceptance_notice (§23), extract (§20), ..."""
        return {**DEFAULT_DEADLINES, **self._section("deadlines")}

    @property
    def appeals(self) -> dict[str, int]:
        """§26's periods: [appeals], else an older file's [deadlines] complaint_* numbers, else the pilot's."""
        older = self._section("deadlines")
        legacy = {key: older[old] for key, old in (("forward_working_days", "complaint_forwarded"),
                                                  ("provider_review_working_days", "complaint_reviewed"))
                  if old in older}
        return {**DEFAULT_APPEALS, **legacy, **self._section("appeals")}

    def interpretation(self, name: str) -> Any:
        """The reading of an ambiguous clause chosen in [interpretations] (the pilot's by default)."""
        return self._section("interpretations").get(name, DEFAULT_INTERPRETATIONS[name])


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """The rules of the rule set file at `path`, or of the pilot with the tables of the file at `path`
    overlaid key by key (a file without a [ruleset] table); the pilot's without a path.

    Raises scoring.rulesets.RuleSetError (a ValueError) for a rule set with problems."""
    from scoring.rulesets import parse_ruleset, pilot, read_toml

    if not path:
        return pilot().rules
    data = read_toml(Path(path))
    if "ruleset" in data:
        return parse_ruleset(data, str(path)).rules
    merged = copy.deepcopy(pilot().rules.raw)
    _merge(merged, data)
    return Rules(merged)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


_rules_file: Path | None = None


def use_rules_file(path: str | os.PathLike[str] | None) -> None:
    """Make `default_rules()` the rules of `path` (the RULES_FILE setting); None for the pilot's."""
    global _rules_file
    _rules_file = Path(path) if path else None
    default_rules.cache_clear()


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return load_rules(_rules_file)
