"""App 9: the three lesson observation sheets, and criterion 1.2 of the teacher sheet (spec §5.4).

Each indicator is rated 0..``[observation] max_level`` (*assumed* 0-3: the text prints four level
columns); a sheet total is capped at ``total_cap`` (102, printed "max 102"; the special-education sheet
has 35 indicators, so its total is capped, *interpretation*). Two Planning indicators of each sheet
apply only to researcher and master claims. Criterion 1.2 is the arithmetic mean of at least
``min_sheets`` (5) sheets of the last academic year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from scoring.categories import Category
from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase


class Section(StrEnum):
    PLANNING = "planning"
    TEACHING = "teaching"
    ASSESSMENT = "assessment"
    REFLECTION = "reflection"


SECTION_LABELS: dict[Section, str] = {
    Section.PLANNING: N_("Planning"),
    Section.TEACHING: N_("Teaching (organisation, delivery)"),
    Section.ASSESSMENT: N_("Assessment (monitoring)"),
    Section.REFLECTION: N_("Reflection"),
}

# Claims for which the "research results / author's programme" Planning indicators are rated.
RESEARCH_CLAIMS = frozenset({Category.RESEARCHER, Category.MASTER})


@dataclass(frozen=True)
class Indicator:
    id: str  # "<group>.<n>", e.g. "1.2.4"
    section: Section
    group: str  # the printed row, e.g. "1.2"
    text: str
    research_only: bool = False


@dataclass(frozen=True)
class ObservationSheet:
    id: str
    title: str
    ref: str
    indicators: tuple[Indicator, ...]

    def applicable(self, claimed: Category | None) -> tuple[Indicator, ...]:
        research = claimed in RESEARCH_CLAIMS
        return tuple(i for i in self.indicators if research or not i.research_only)

    def count(self, section: Section) -> int:
        return sum(1 for i in self.indicators if i.section == section)


# The pilot's sheets, built from its rule set on first use (the rule set's loader imports this module).
OBSERVATION_SHEETS: dict[str, ObservationSheet]
SECONDARY: ObservationSheet
PRESCHOOL: ObservationSheet
SPECIAL: ObservationSheet


def __getattr__(name: str) -> Any:
    if name in ("OBSERVATION_SHEETS", "SECONDARY", "PRESCHOOL", "SPECIAL"):
        from scoring.rulesets import pilot

        sheets = pilot().observation_sheets
        return sheets if name == "OBSERVATION_SHEETS" else sheets[name.lower()]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ObservationError(ValueError):
    def __init__(self, message: Phrase) -> None:
        super().__init__(message.render())
        self.message = message


@dataclass(frozen=True)
class ObservationScore:
    raw: int  # the sum of the ratings
    total: int  # capped at [observation] total_cap
    rated: int  # number of indicators rated


def score_observation(
    sheet: ObservationSheet,
    ratings: Mapping[str, int],
    claimed: Category | None = None,
    rules: Rules | None = None,
) -> ObservationScore:
    """Total of one filled-in sheet. Unrated applicable indicators count 0; research-only indicators
    may not be rated for a claim below researcher."""
    rules = rules or default_rules()
    max_level = int(rules.observation["max_level"])
    cap = int(rules.observation["total_cap"])
    applicable = {i.id for i in sheet.applicable(claimed)}
    known = {i.id for i in sheet.indicators}
    raw = 0
    for indicator_id, rating in ratings.items():
        if indicator_id not in known:
            raise ObservationError(Phrase(N_("Unknown indicator {indicator}."), {"indicator": indicator_id}))
        if indicator_id not in applicable:
            raise ObservationError(
                Phrase(
                    N_("Indicator {indicator} is rated only for researcher and master claims."),
                    {"indicator": indicator_id},
                )
            )
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= max_level:
            raise ObservationError(
                Phrase(
                    N_("Indicator {indicator}: the rating must be a whole number from 0 to {max}."),
                    {"indicator": indicator_id, "max": max_level},
                )
            )
        raw += rating
    return ObservationScore(raw=raw, total=min(raw, cap), rated=len(ratings))


@dataclass(frozen=True)
class ObservationMean:
    """Criterion 1.2: the mean of the sheets, or None when there are too few sheets to score it."""

    count: int
    required: int
    mean: Fraction | None

    @property
    def scorable(self) -> bool:
        return self.mean is not None

    @property
    def why(self) -> Phrase:
        if self.mean is None:
            return Phrase(
                N_("Cannot be scored: {count} observation sheet(s) given, at least {required} of the last "
                   "academic year are needed."),
                {"count": self.count, "required": self.required},
            )
        return Phrase(
            N_("Mean of {count} observation sheets: {mean}."),
            {"count": self.count, "mean": format_points(self.mean)},
        )


def observation_mean(totals: Sequence[Fraction | int], rules: Rules | None = None) -> ObservationMean:
    """Arithmetic mean of the sheet totals (each capped at total_cap); None below min_sheets."""
    rules = rules or default_rules()
    required = int(rules.observation["min_sheets"])
    cap = int(rules.observation["total_cap"])
    for total in totals:
        if not 0 <= total <= cap:
            raise ObservationError(
                Phrase(
                    N_("An observation sheet total must be from 0 to {cap}, got {total}."),
                    {"cap": cap, "total": format_points(Fraction(total))},
                )
            )
    if len(totals) < required:
        return ObservationMean(count=len(totals), required=required, mean=None)
    mean = Fraction(sum(Fraction(t) for t in totals), len(totals))
    return ObservationMean(count=len(totals), required=required, mean=rounded_mean(mean, rules))


def rounded_mean(mean: Fraction, rules: Rules) -> Fraction:
    """The mean as [interpretations] observation_mean_rounding reads App 8's explanatory note, item 1:
    "exact" (the default), "half_up" or "down" to whole points."""
    rounding = rules.interpretation("observation_mean_rounding")
    if rounding == "half_up":
        return Fraction(math.floor(mean + Fraction(1, 2)))
    if rounding == "down":
        return Fraction(math.floor(mean))
    return mean


def format_points(value: Fraction) -> str:
    """12 or 72.4 (two decimals at most)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
