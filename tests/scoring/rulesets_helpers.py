"""Rule sets for tests: the pilot's tables as a dict to edit, the test set for 2025/26."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scoring.rulesets import PILOT_FILE, RuleSet, parse_ruleset, read_toml

TEST_SET_FILE = Path(__file__).with_name("data") / "2025-test.toml"

_PILOT_TABLES = read_toml(PILOT_FILE)


def pilot_tables() -> dict[str, Any]:
    return copy.deepcopy(_PILOT_TABLES)


def edited(change: Callable[[dict[str, Any]], None]) -> RuleSet:
    """The pilot with `change` applied to its tables."""
    tables = pilot_tables()
    change(tables)
    return parse_ruleset(tables, "edited")


def with_interpretation(name: str, value: Any) -> RuleSet:
    return edited(lambda tables: tables["interpretations"].__setitem__(name, value))
