"""What an answer button does to a criterion's answer: shared by /score and the commission's points.

Pure: the button's action and value in, the new answer out (by the editing rules of scoring.sheets.kinds),
or None when the button does not fit the criterion (a forged or stale button).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from scoring.config import Rules
from scoring.i18n import N_, Phrase
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.entry import observation_totals
from scoring.sheets.evaluate import AnswerError
from scoring.sheets.kinds import choose_level, remove_kind, set_count, toggle_bonus, toggle_coauthored
from scoring.sheets.model import ScaleKind

Answer = dict[str, Any]


class AnswerButton(StrEnum):
    """The buttons that change a criterion's answer (the same values as ScoreAct's and PointsAct's)."""

    LEVEL = "lv"
    COUNT = "count"
    COAUTHORED = "coauth"
    BONUS = "bonus"
    REMOVE_KIND = "kdel"


TOO_MANY_SHEETS = N_("At most {max} observation sheets are accepted.")


def small_number(value: str) -> int | None:
    """A button's number; str.isdigit() would let '²' through to int() and crash."""
    return int(value) if re.fullmatch(r"[0-9]{1,3}", value) else None


def changed_answer(criterion: Criterion, current: Answer | None, button: AnswerButton, value: str, *,
                   adding: bool = False, max_kinds: int) -> Answer | None:
    """The answer after `button`; `adding`: a level records a new kind of work instead of changing the last."""
    if button is AnswerButton.LEVEL and criterion.scale.kind is ScaleKind.FLAG:
        return {**(current or {}), "met": True} if value == "met" else None
    if button is AnswerButton.REMOVE_KIND:
        index, _sep, level = value.partition("-")  # "1-region": position and level
        position = small_number(index)
        return None if position is None else remove_kind(criterion, current, position, level)
    edits: dict[AnswerButton, Callable[[], Answer | None]] = {
        AnswerButton.COAUTHORED: lambda: toggle_coauthored(criterion, current),
        AnswerButton.BONUS: lambda: toggle_bonus(criterion, current),
    }
    if button in edits:
        return edits[button]()
    number = small_number(value)
    if number is None:
        return None
    if button is AnswerButton.LEVEL:
        return choose_level(criterion, current, number, adding, max_kinds)
    return set_count(criterion, current, number)


def has_toggles(criterion: Criterion) -> bool:
    """After its level, the criterion still offers buttons (a count, co-authorship, a bonus)."""
    scale = criterion.scale
    return scale.bonus is not None or scale.coauthored_allowed or scale.kind is ScaleKind.COUNT


def neighbour(sheet: ScoringSheet, criterion: Criterion, forward: bool) -> Criterion | None:
    """The criterion after (or before) `criterion`; None after the last one (the summary comes next)."""
    ids = [c.id for c in sheet.criteria]
    step = ids.index(criterion.id) + (1 if forward else -1)
    return None if step >= len(ids) else sheet.criterion(ids[max(step, 0)])


def typed_totals(text: str, rules: Rules) -> list[int | float]:
    """Observation-sheet totals typed as '72 75 70'; raises AnswerError (also above the most accepted)."""
    totals = observation_totals(text, rules)
    limit = int(rules.self_assessment["max_observation_sheets"])
    if len(totals) > limit:
        raise AnswerError(Phrase(TOO_MANY_SHEETS, {"max": limit}))
    return totals


def is_typed(criterion: Criterion) -> bool:
    """The criterion is answered by typing (hours, percent, observation totals), not by buttons."""
    return criterion.scale.kind in (ScaleKind.THRESHOLD, ScaleKind.OBSERVATION)
