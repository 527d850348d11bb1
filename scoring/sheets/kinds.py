"""Editing one criterion's answer the way a person does in the bot: one level per kind of work.

Explanatory note to App 8: the same kind of work at several levels counts once, at its highest level;
DIFFERENT kinds of work add up. A person records each kind with its level (dissemination: also the
number of events; publications and materials: co-authored or not). Every function returns the JSON
input format of ``python -m scoring evaluate`` (docs/scoring-format.md), so the bot and the command
line score the same data: one kind is stored flat (``{"level": "region", "winner": true}``), several as
``{"kinds": [{"level": "region"}, {"level": "district"}], "winner": true}``. The winner bonus stays on
the criterion because it counts once per criterion, however many kinds have winners.

The buttons that call these are client-controlled: every function returns None when the change does
not fit the criterion or the current answer, and the caller treats that as a stale button.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.sheets.model import Criterion, LevelOption, ScaleKind

KIND_KEYS = ("level", "count", "coauthored")

Answer = dict[str, Any]


def _by_level(criterion: Criterion) -> bool:
    return criterion.scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT)


def kinds_of(answer: Mapping[str, Any] | None) -> list[Answer]:
    """The kinds of work of an answer, each {"level": ..., "count"?: ..., "coauthored"?: ...}."""
    if not answer:
        return []
    if "kinds" in answer:
        return [dict(kind) for kind in answer["kinds"] if isinstance(kind, Mapping) and "level" in kind]
    kind = {key: answer[key] for key in KIND_KEYS if key in answer}
    return [kind] if "level" in kind else []


def with_kinds(criterion: Criterion, answer: Mapping[str, Any] | None, kinds: list[Answer]) -> Answer:
    """The answer holding `kinds` (flat when there is one) and the criterion's bonus as it was."""
    result: Answer = {}
    if len(kinds) == 1:
        result.update(kinds[0])
    elif kinds:
        result["kinds"] = kinds
    bonus = criterion.scale.bonus
    if bonus is not None and answer and bonus.value in answer:
        result[bonus.value] = answer[bonus.value]
    return result


def _fit(kind: Answer, option: LevelOption, counted: bool) -> Answer:
    """`kind` moved to level `option`: the count within what the level prints, co-authorship only where
    the level has co-authored points."""
    fitted = {**kind, "level": option.name}
    if counted:
        fitted["count"] = min(int(kind.get("count", 1)), option.max_count or 1)
    if fitted.get("coauthored") and option.coauthored_points is None:
        fitted.pop("coauthored")
    return fitted


def choose_level(criterion: Criterion, answer: Mapping[str, Any] | None, index: int, new_kind: bool,
                 max_kinds: int) -> Answer | None:
    """Level number `index` for the last kind of work, or for a new kind when `new_kind`."""
    scale = criterion.scale
    if not _by_level(criterion) or not 0 <= index < len(scale.levels):
        return None
    option = scale.levels[index]
    counted = scale.kind is ScaleKind.COUNT
    kinds = kinds_of(answer)
    if new_kind:
        if not scale.kinds_add_up or not kinds or len(kinds) >= max_kinds:
            return None
        kinds.append(_fit({}, option, counted))
    else:
        kinds[-1:] = [_fit(kinds[-1] if kinds else {}, option, counted)]
    return with_kinds(criterion, answer, kinds)


def set_count(criterion: Criterion, answer: Mapping[str, Any] | None, count: int) -> Answer | None:
    """The number of events of the last kind of work (COUNT scales), within what its level prints."""
    kinds = kinds_of(answer)
    if criterion.scale.kind is not ScaleKind.COUNT or not kinds:
        return None
    option = criterion.scale.level(kinds[-1]["level"])
    if option is None or not 1 <= count <= (option.max_count or 1):
        return None
    kinds[-1] = {**kinds[-1], "count": count}
    return with_kinds(criterion, answer, kinds)


def toggle_coauthored(criterion: Criterion, answer: Mapping[str, Any] | None) -> Answer | None:
    """Co-authored on/off for the last kind of work; None if its level has no co-authored points."""
    kinds = kinds_of(answer)
    if not _by_level(criterion) or not kinds:
        return None
    option = criterion.scale.level(kinds[-1]["level"])
    if option is None or option.coauthored_points is None:
        return None
    kinds[-1] = {**kinds[-1], "coauthored": not kinds[-1].get("coauthored", False)}
    if not kinds[-1]["coauthored"]:
        kinds[-1].pop("coauthored")
    return with_kinds(criterion, answer, kinds)


def toggle_bonus(criterion: Criterion, answer: Mapping[str, Any] | None) -> Answer | None:
    """The criterion's "+1" flag (winner, off-budget) on/off; the sheet checks it has a level / is met."""
    bonus = criterion.scale.bonus
    if bonus is None:
        return None
    current = dict(answer or {})
    return {**current, bonus.value: not current.get(bonus.value, False)}


def remove_kind(criterion: Criterion, answer: Mapping[str, Any] | None, index: int, level: str) -> Answer | None:
    """Drop kind number `index`, which must still be at `level` (an old button must not remove another
    kind). The last remaining kind is not removed this way: "I have none" clears the criterion."""
    kinds = kinds_of(answer)
    if not 0 <= index < len(kinds) or len(kinds) < 2 or kinds[index]["level"] != level:
        return None
    del kinds[index]
    return with_kinds(criterion, answer, kinds)
