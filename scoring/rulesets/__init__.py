"""Rule sets: everything the bot decides with, as data (one TOML file per set), and which set applies."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from scoring.config import Rules
from scoring.rulesets.load import (
    DocumentRule,
    Problem,
    RuleSet,
    RuleSetError,
    load_ruleset,
    parse_ruleset,
    read_toml,
    read_toml_text,
)

PILOT_FILE = Path(__file__).with_name("2024-pilot.toml")


@lru_cache(maxsize=1)
def pilot() -> RuleSet:
    """The 2024 pilot rule set (Joint order No. 153/354), the bot's default."""
    return load_ruleset(PILOT_FILE)


def pilot_with(rules: Rules) -> RuleSet:
    """The pilot's sheets and documents judged with these rule sections: where a caller knows only the
    sections (the pilot with a RULES_FILE's tables, a test's partial Rules)."""
    return replace(pilot(), rules=rules)


__all__ = [
    "PILOT_FILE", "DocumentRule", "Problem", "RuleSet", "RuleSetError", "load_ruleset", "parse_ruleset",
    "pilot", "pilot_with", "read_toml", "read_toml_text",
]
