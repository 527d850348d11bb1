"""Property tests over every sheet: raising any answer never lowers the total, and the advice,
applied to the answers, reaches the claimed threshold (or, when it says it cannot, nothing does)."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.config import default_rules
from scoring.sheets import SHEETS
from scoring.sheets.evaluate import category_json, evaluate_answers, json_number
from scoring.sheets.model import Criterion, LevelOption, ScaleKind, ScoringSheet

RULES = default_rules()
CAP = int(RULES.observation["total_cap"])
MIN_SHEETS = int(RULES.observation["min_sheets"])
MAX_HOURS = 400

Answer = dict[str, Any]


def _work(criterion: Criterion, draw: st.DrawFn) -> Answer:
    scale = criterion.scale
    option: LevelOption = draw(st.sampled_from(scale.levels))
    work: Answer = {"level": option.name}
    if scale.kind is ScaleKind.COUNT:
        work["count"] = draw(st.integers(1, option.max_count or 1))
    if option.coauthored_points is not None and draw(st.booleans()):
        work["coauthored"] = True
    return work


@st.composite
def criterion_answer(draw: st.DrawFn, criterion: Criterion) -> Answer | None:
    scale = criterion.scale
    if draw(st.integers(0, 4)) == 0:
        return None
    answer: Answer
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        if scale.kinds_add_up and draw(st.booleans()):
            answer = {"kinds": [_work(criterion, draw) for _ in range(draw(st.integers(1, 3)))]}
        else:
            answer = _work(criterion, draw)
    elif scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        top = 100 if scale.quantity.value == "percent" else MAX_HOURS
        if scale.summed and draw(st.booleans()):
            answer = {scale.quantity.value: draw(st.lists(st.integers(0, top // 3), min_size=1, max_size=3))}
        else:
            answer = {scale.quantity.value: draw(st.integers(0, top))}
    elif scale.kind is ScaleKind.FLAG:
        answer = {"met": draw(st.booleans())}
    else:
        answer = {"observations": draw(st.lists(st.integers(0, CAP), max_size=MIN_SHEETS + 2))}
    if scale.bonus is not None and (answer.get("met", True)) and draw(st.booleans()):
        answer[scale.bonus.value] = True
    return answer


@st.composite
def sheet_answers(draw: st.DrawFn) -> tuple[ScoringSheet, dict[str, Any]]:
    sheet = draw(st.sampled_from(list(SHEETS.values())))
    criteria = {}
    for criterion in sheet.criteria:
        answer = draw(criterion_answer(criterion))
        if answer is not None:
            criteria[criterion.id] = answer
    claimed = draw(st.sampled_from(list(sheet.thresholds)))
    return sheet, {"claimed": category_json(claimed), "criteria": criteria}


def _raise_work(criterion: Criterion, work: Answer, draw: st.DrawFn) -> None:
    scale = criterion.scale
    names = [o.name for o in scale.levels]
    index = names.index(work["level"])
    option = scale.levels[index]
    moves = []
    if index + 1 < len(names):
        moves.append("level")
    if scale.kind is ScaleKind.COUNT and work.get("count", 1) < (option.max_count or 1):
        moves.append("count")
    if not moves:
        return
    if draw(st.sampled_from(moves)) == "count":
        work["count"] = work.get("count", 1) + 1
        return
    higher = scale.levels[draw(st.integers(index + 1, len(names) - 1))]
    work["level"] = higher.name
    if higher.coauthored_points is None:
        # A co-authored work of a level that has no co-authored points is not an answer the sheet takes;
        # taking the higher level on one's own is still a raise.
        work.pop("coauthored", None)
    if scale.kind is ScaleKind.COUNT:
        work["count"] = min(work.get("count", 1), higher.max_count or 1)


def raise_answer(criterion: Criterion, answer: Answer | None, draw: st.DrawFn) -> Answer:
    """The same answer with one thing raised: a higher level or count, more hours, a winner, another kind
    of work, the criterion met, a higher observation total or another sheet below the minimum."""
    scale = criterion.scale
    if answer is None:
        return draw(criterion_answer(criterion).filter(lambda a: a is not None))
    raised = copy.deepcopy(answer)
    moves = ["value"]
    if scale.bonus is not None and not raised.get(scale.bonus.value) and raised.get("met", True):
        moves.append("bonus")
    if scale.kinds_add_up and "kinds" in raised:
        moves.append("kind")
    move = draw(st.sampled_from(moves))
    if move == "bonus":
        assert scale.bonus is not None
        raised[scale.bonus.value] = True
    elif move == "kind":
        raised["kinds"].append(_work(criterion, draw))
    else:
        _raise_value(criterion, raised, draw)
    return raised


def _raise_value(criterion: Criterion, raised: Answer, draw: st.DrawFn) -> None:
    """A higher level or count, more hours or a higher share, the criterion met, or a better observation."""
    scale = criterion.scale
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        works = raised.get("kinds", [raised])
        _raise_work(criterion, draw(st.sampled_from(works)), draw)
    elif scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        key = scale.quantity.value
        top = 100 if key == "percent" else MAX_HOURS
        if isinstance(raised[key], list):
            i = draw(st.integers(0, len(raised[key]) - 1))
            raised[key][i] = draw(st.integers(raised[key][i], top))
        else:
            raised[key] = draw(st.integers(raised[key], top))
    elif scale.kind is ScaleKind.FLAG:
        raised["met"] = True
    else:
        sheets = raised["observations"]
        if len(sheets) < MIN_SHEETS:
            sheets.append(draw(st.integers(0, CAP)))
        elif sheets:
            i = draw(st.integers(0, len(sheets) - 1))
            sheets[i] = draw(st.integers(sheets[i], CAP))


def total(sheet: ScoringSheet, data: dict[str, Any]) -> Fraction:
    return evaluate_answers(sheet, data, RULES).total


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_raising_any_answer_never_lowers_the_total(data: st.DataObject) -> None:
    sheet, answers = data.draw(sheet_answers())
    criterion = data.draw(st.sampled_from(sheet.criteria))
    raised = copy.deepcopy(answers)
    raised["criteria"][criterion.id] = raise_answer(criterion, answers["criteria"].get(criterion.id), data.draw)
    assert total(sheet, raised) >= total(sheet, answers), (criterion.id, answers, raised)


def apply_advice(sheet: ScoringSheet, data: dict[str, Any], advice: list[dict[str, Any]]) -> dict[str, Any]:
    """Change the answers the way each advice item says: the criterion's best work becomes the advised
    level (other kinds and the winner point stay), or the number becomes the advised one."""
    applied = copy.deepcopy(data)
    for item in advice:
        criterion = sheet.criterion(item["criterion"])
        assert criterion is not None
        current = applied["criteria"].get(criterion.id) or {}
        if "level" in item:
            work = {"level": item["level"], **({"count": item["count"]} if "count" in item else {})}
            if "kinds" in current:
                kinds = current["kinds"]
                scored = evaluate_answers(sheet, {"criteria": {criterion.id: {"kinds": kinds}}}, RULES)
                points = [
                    evaluate_answers(sheet, {"criteria": {criterion.id: k}}, RULES).total for k in kinds
                ]
                assert scored.total == sum(points)
                kinds[points.index(max(points))] = work
            else:
                bonus = criterion.scale.bonus
                keep = {bonus.value: current[bonus.value]} if bonus and bonus.value in current else {}
                applied["criteria"][criterion.id] = {**work, **keep}
        elif "mean" in item:
            applied["criteria"][criterion.id] = {"observations": [item["mean"]] * MIN_SHEETS}
        elif "met" in item:
            applied["criteria"][criterion.id] = {**current, "met": True}
        else:
            key = next(k for k in ("hours", "percent", "sheets") if k in item)
            applied["criteria"][criterion.id] = {**current, key: item[key]}
    return applied


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet_answers())
def test_the_advice_applied_reaches_the_claimed_threshold(case: tuple[ScoringSheet, dict[str, Any]]) -> None:
    sheet, answers = case
    out = evaluate_answers(sheet, answers, RULES).to_json()
    threshold = out["threshold"][answers["claimed"]]
    after = evaluate_answers(sheet, apply_advice(sheet, answers, out["advice"]), RULES)
    if out["reachable"]:
        assert json_number(after.total) >= threshold, (answers, out["advice"])
        assert len(out["advice"]) == len({a["criterion"] for a in out["advice"]})
    else:
        # Every best improvement at once still falls short.
        assert after.total < threshold
    if out["gap"] == 0:
        assert out["advice"] == []
