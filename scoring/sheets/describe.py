"""A sheet and its criteria as JSON-ready data: what `python -m scoring sheets` prints and what the bot
uses to build answer buttons (levels with labels and points, the answer keys each criterion takes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scoring.config import Rules, default_rules
from scoring.sheets.evaluate import allowed_keys, category_json
from scoring.sheets.model import Criterion, ScaleKind, ScoringSheet, Step


def _steps(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    return [{"min": s.minimum, "strict": s.strict, "points": s.points} for s in steps]


def _describe_levels(criterion: Criterion, info: dict[str, Any], tr: Callable[[str], str]) -> dict[str, Any]:
    """The levels of a LEVEL/COUNT criterion into `info`; returns its example answer."""
    scale = criterion.scale
    per_item = scale.kind is ScaleKind.COUNT
    info["levels"] = [
        {
            "name": o.name,
            "label": tr(o.label),
            ("points_per_item" if per_item else "points"): o.points,
            **({"coauthored_points": o.coauthored_points} if o.coauthored_points is not None else {}),
            **({"max_count": o.max_count} if o.max_count is not None else {}),
        }
        for o in scale.levels
    ]
    info["kinds_add_up"] = scale.kinds_add_up
    example: dict[str, Any] = {"level": scale.levels[-1].name}
    if per_item:
        example["count"] = scale.levels[-1].max_count or 1
    return example


def describe_answer(
    criterion: Criterion,
    sheet: ScoringSheet,
    rules: Rules | None = None,
    translate: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """The answer format of one criterion: its kind, the keys it takes, its options and an example."""
    rules = rules or default_rules()
    tr = translate or (lambda text: text)
    scale = criterion.scale
    info: dict[str, Any] = {"kind": scale.kind.value, "keys": list(allowed_keys(criterion))}
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        example = _describe_levels(criterion, info, tr)
    elif scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        info["quantity"] = scale.quantity.value
        info["summed"] = scale.summed
        info["steps"] = _steps(scale.steps_for(sheet.reduced_hours))
        if scale.reduced_steps and not sheet.reduced_hours:
            info["preschool_steps"] = _steps(scale.reduced_steps)
        example = {scale.quantity.value: [72, 36] if scale.summed else scale.steps[-1].minimum}
    elif scale.kind is ScaleKind.FLAG:
        info["points"] = scale.points
        example = {"met": True}
    else:
        info["min_sheets"] = int(rules.observation["min_sheets"])
        info["max"] = int(rules.observation["total_cap"])
        example = {"observations": [72, 75, 70, 74, 71]}
    if scale.bonus is not None:
        info["bonus"] = scale.bonus.value
        example[scale.bonus.value] = True
    info["example"] = example
    return info


def describe_sheet(
    sheet: ScoringSheet, rules: Rules | None = None, translate: Callable[[str], str] | None = None
) -> dict[str, Any]:
    tr = translate or (lambda text: text)
    return {
        "id": sheet.id,
        "title": tr(sheet.title),
        "ref": sheet.ref,
        "threshold": {category_json(c): p for c, p in sheet.thresholds.items()},
        "printed_max": sheet.printed_max,
        "reduced_hours": sheet.reduced_hours,
        "notes": [tr(n) for n in sheet.notes],
        "criteria": [
            {
                "id": c.id,
                "title": tr(c.title),
                "evidence": tr(c.evidence),
                "ref": c.ref,
                "notes": [tr(n) for n in c.notes],
                **({"area": c.area} if c.area else {}),
                "answer": describe_answer(c, sheet, rules, translate),
            }
            for c in sheet.criteria
        ],
    }
