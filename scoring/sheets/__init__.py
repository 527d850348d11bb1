"""The official portfolio scoring sheets (App 8, App 11) and their evaluation.

The sheets are data: the rule set in force (scoring/rulesets/*.toml) builds them. ``SHEETS`` maps the
sheet ids of the input format to the 2024 pilot's sheets; ``evaluate_answers`` scores one answers dict
(see ``docs/scoring-format.md``).
"""

from __future__ import annotations

from typing import Any

from scoring.sheets.model import Criterion, Scale, ScoringSheet

# Built from the pilot rule set on first use: the rule set's loader itself imports this package.
SHEETS: dict[str, ScoringSheet]


def __getattr__(name: str) -> Any:
    if name == "SHEETS":
        from scoring.rulesets import pilot

        return pilot().sheets
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_sheet(sheet_id: str) -> ScoringSheet | None:
    from scoring.rulesets import pilot

    return pilot().sheets.get(sheet_id)


__all__ = ["SHEETS", "Criterion", "Scale", "ScoringSheet", "get_sheet"]
