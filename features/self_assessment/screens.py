"""What a /score screen shows: the data its view renders (the commission's points reuse CriterionScreen)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from scoring.config import Rules
from scoring.i18n import Phrase
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.evaluate import CriterionResult, Evaluation
from scoring.sheets.observation import Indicator, ObservationSheet


@dataclass(frozen=True)
class VariantScreen:
    """The question whether criterion 1.1 applies (a teacher whose post the profile does not say)."""


@dataclass(frozen=True)
class NoticeScreen:
    """A plain message (the self-assessment cannot start yet)."""

    text: Phrase


@dataclass(frozen=True)
class CriterionScreen:
    """One criterion. `adding`: its level buttons record a new kind of work. `more_of`: the criterion
    answered just before, offered for another kind of work (so a single kind costs no extra tap)."""

    sheet: ScoringSheet
    criterion: Criterion
    answered: dict[str, Any]
    result: CriterionResult | None
    observation_count: int
    rules: Rules
    adding: bool = False
    more_of: Criterion | None = None
    note: Phrase | None = None  # said above the criterion (what was just saved)


@dataclass(frozen=True)
class FillingScreen:
    """One indicator of the observation sheet being filled in."""

    form: ObservationSheet
    indicators: tuple[Indicator, ...]
    index: int
    max_level: int


@dataclass(frozen=True)
class SummaryScreen:
    """The total and the advice; `checklist`: the ids of the person's checklist items (evidence buttons)."""

    evaluation: Evaluation
    answered: dict[str, Any]
    checklist: Collection[str]


Screen = VariantScreen | NoticeScreen | CriterionScreen | FillingScreen | SummaryScreen


@dataclass(frozen=True)
class Shown:
    """A screen, with what the button's answer says (`toast`) and a message sent before it (`before`)."""

    screen: Screen
    toast: Phrase | None = None
    before: Phrase | None = None
