"""Rule sets: everything the bot decides with, as data (one TOML file per set), and which set applies."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


__all__ = [
    "PILOT_FILE", "DocumentRule", "Problem", "RuleSet", "RuleSetError", "load_ruleset", "parse_ruleset",
    "pilot", "read_toml", "read_toml_text",
]
