"""The shape of an official scoring sheet (App 8, App 11): criteria, their scales and the thresholds.

A sheet is data. How answers are read and scored lives in ``scoring.sheets.evaluate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from scoring.categories import Category
from scoring.i18n import N_


class Level(StrEnum):
    """The level of a piece of evidence (the columns of the sheets, spec §5)."""

    ORGANISATION = "organisation"
    DISTRICT = "district"
    REGION = "region"
    REPUBLIC = "republic"
    INTERNATIONAL = "international"


LEVEL_LABELS: dict[str, str] = {
    Level.ORGANISATION: N_("organisation"),
    Level.DISTRICT: N_("district / city"),
    Level.REGION: N_("region (city of republican significance, capital)"),
    Level.REPUBLIC: N_("republic"),
    Level.INTERNATIONAL: N_("international"),
}


class ScaleKind(StrEnum):
    """How a criterion is answered."""

    LEVEL = "level"  # one of named levels; several kinds of work may add up
    COUNT = "count"  # points per item at a level (dissemination 3.1)
    THRESHOLD = "threshold"  # a number (hours, percent, sheets) mapped to points by steps
    FLAG = "flag"  # met or not (fixed points)
    OBSERVATION = "observation"  # the mean of lesson observation sheets


@dataclass(frozen=True)
class LevelOption:
    """One answer value of a LEVEL/COUNT scale: its name in the input format, its label and points.

    For a COUNT scale `points` is per item and `max_count` the number of items the printed column
    shows (region "6 (2 per item)" = 3 items).
    """

    name: str
    label: str
    points: int
    coauthored_points: int | None = None  # points when the work is co-authored (explanatory note)
    max_count: int | None = None


@dataclass(frozen=True)
class Step:
    """THRESHOLD scale step: a value of at least `minimum` (more than, if `strict`) gives `points`."""

    minimum: int
    points: int
    strict: bool = False

    def reached(self, value: Fraction) -> bool:
        return value > self.minimum if self.strict else value >= self.minimum


class Quantity(StrEnum):
    """The answer key of a THRESHOLD scale."""

    HOURS = "hours"
    PERCENT = "percent"
    SHEETS = "sheets"


QUANTITY_UNITS: dict[str, str] = {
    Quantity.HOURS: N_("{value} hours"),
    Quantity.PERCENT: N_("{value} %"),
    Quantity.SHEETS: N_("{value} observation sheets"),
}


class Bonus(StrEnum):
    """The answer key of a "+1 once per criterion" flag."""

    WINNER = "winner"
    OFF_BUDGET = "off_budget"


BONUS_LABELS: dict[str, str] = {
    Bonus.WINNER: N_("+1 for a winner or prize-winner (once per criterion)"),
    Bonus.OFF_BUDGET: N_("+1 when the base was improved with off-budget funds"),
}


@dataclass(frozen=True)
class Scale:
    kind: ScaleKind
    levels: tuple[LevelOption, ...] = ()
    # Different kinds of work add up (explanatory note to App 8); False for dynamics and the like.
    kinds_add_up: bool = False
    steps: tuple[Step, ...] = ()
    # Steps for preschool organisations and methodical cabinets (PD hours), if the sheet prints them.
    reduced_steps: tuple[Step, ...] = ()
    quantity: Quantity | None = None
    summed: bool = False  # THRESHOLD: several values (courses) add up
    points: int = 0  # FLAG
    bonus: Bonus | None = None

    def level(self, name: str) -> LevelOption | None:
        return next((option for option in self.levels if option.name == name), None)

    @property
    def coauthored_allowed(self) -> bool:
        return any(option.coauthored_points is not None for option in self.levels)

    def steps_for(self, reduced: bool) -> tuple[Step, ...]:
        return self.reduced_steps if reduced and self.reduced_steps else self.steps


@dataclass(frozen=True)
class Criterion:
    """One row of a sheet. `ref` points at the printed text (appendix, sheet, row)."""

    id: str
    title: str
    evidence: str
    scale: Scale
    ref: str
    notes: tuple[str, ...] = ()
    # Leader sheets: the deputy's area this criterion belongs to (None = common to all).
    area: str | None = None


@dataclass(frozen=True)
class ScoringSheet:
    id: str
    title: str
    ref: str
    criteria: tuple[Criterion, ...]
    # Category -> points, from the lowest category to the highest, exactly as printed.
    thresholds: dict[Category, int]
    printed_max: int | None = None
    # The sheet always uses the reduced PD-hours steps (preschool / methodical cabinet sheets).
    reduced_hours: bool = False
    notes: tuple[str, ...] = field(default=())

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    @property
    def ladder(self) -> tuple[Category, ...]:
        return tuple(self.thresholds)


# Scale builders used by the sheet modules -----------------------------------------------------------


def levels(
    *pairs: tuple[str, int],
    kinds_add_up: bool = True,
    bonus: Bonus | None = None,
    coauthored: dict[str, int] | None = None,
    labels: dict[str, str] | None = None,
) -> Scale:
    """A LEVEL scale from (level name, points) pairs, lowest first."""
    names = labels or LEVEL_LABELS
    return Scale(
        kind=ScaleKind.LEVEL,
        levels=tuple(
            LevelOption(
                name=name,
                label=names[name],
                points=points,
                coauthored_points=None if coauthored is None else coauthored[name],
            )
            for name, points in pairs
        ),
        kinds_add_up=kinds_add_up,
        bonus=bonus,
    )


def named(*options: tuple[str, str, int]) -> Scale:
    """A LEVEL scale of the sheet's own named levels (dynamics, shares): (name, label, points)."""
    return Scale(
        kind=ScaleKind.LEVEL,
        levels=tuple(LevelOption(name=n, label=label, points=p) for n, label, p in options),
        kinds_add_up=False,
    )


def per_item(*triples: tuple[str, int, int]) -> Scale:
    """A COUNT scale from (level, points per item, printed number of items)."""
    return Scale(
        kind=ScaleKind.COUNT,
        levels=tuple(
            LevelOption(name=name, label=LEVEL_LABELS[name], points=points, max_count=count)
            for name, points, count in triples
        ),
        kinds_add_up=True,
    )


def threshold(
    quantity: Quantity,
    steps: tuple[Step, ...],
    reduced: tuple[Step, ...] = (),
    summed: bool = False,
) -> Scale:
    return Scale(
        kind=ScaleKind.THRESHOLD, steps=steps, reduced_steps=reduced, quantity=quantity, summed=summed
    )


def flag(points: int, bonus: Bonus | None = None) -> Scale:
    return Scale(kind=ScaleKind.FLAG, points=points, bonus=bonus)


def observation() -> Scale:
    return Scale(kind=ScaleKind.OBSERVATION)


def hours(*pairs: tuple[int, int], strict_last: bool = False) -> tuple[Step, ...]:
    """PD-hours steps from (hours, points); `strict_last` for "over 72 hours"."""
    last = len(pairs) - 1
    return tuple(
        Step(minimum=h, points=p, strict=strict_last and i == last) for i, (h, p) in enumerate(pairs)
    )
