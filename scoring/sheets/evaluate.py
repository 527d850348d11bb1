"""Scoring one answers dict against a sheet (spec §5; input/output format in docs/scoring-format.md).

Aggregation rules (explanatory note to App 8):
- the same kind of work at several levels counts once, at its highest level (``"levels": [...]``);
  different kinds of work add up (``"kinds": [...]``);
- "+1 if winner/prize-winner" once per criterion, however many winners;
- co-authored publication: a flat 2 points; co-authored methodical material: 2 at republic level,
  1 at region or district level (the sheet data carries these points);
- PD hours add up across courses (``"hours": [72, 36]``) and map to points by the sheet's steps
  (preschool and methodical-cabinet steps when the sheet or ``"preschool": true`` says so);
- observation criterion: the mean of at least ``[observation] min_sheets`` sheets, else not scorable.

Interpretation: the same aggregation applies to the by-level criteria of the leader sheets (App 11).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import combinations
from typing import Any

from scoring.categories import Category
from scoring.config import Rules, default_rules
from scoring.i18n import N_, Phrase
from scoring.sheets.model import (
    BONUS_LABELS,
    QUANTITY_UNITS,
    Criterion,
    LevelOption,
    Quantity,
    ScaleKind,
    ScoringSheet,
    Step,
)
from scoring.sheets.observation import ObservationError, format_points, observation_mean

TOP_LEVEL_KEYS = frozenset({"claimed", "criteria", "preschool"})


class AnswerError(ValueError):
    """The answers do not fit the sheet (unknown criterion, level, key or a bad value)."""

    def __init__(self, message: Phrase) -> None:
        super().__init__(message.render())
        self.message = message


# Parsed answers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """One kind of work: its highest level, how many items (COUNT scales), co-authored or not."""

    level: LevelOption
    levels_given: int = 1
    count: int = 1
    coauthored: bool = False


@dataclass(frozen=True)
class Answer:
    works: tuple[Work, ...] = ()
    bonus: bool = False
    value: Fraction | None = None
    met: bool = False
    observations: tuple[Fraction, ...] | None = None

    @property
    def empty(self) -> bool:
        return not self.works and self.value is None and not self.met and self.observations is None


@dataclass(frozen=True)
class Answers:
    claimed: Category | None
    criteria: dict[str, Answer]
    preschool: bool = False


def category_json(category: Category) -> str:
    """A category as the JSON format spells it: `head-3`, `deputy-1` (the enum keeps `head_3`, which
    profiles store)."""
    return category.value.replace("_", "-")


def category_from_json(sheet: ScoringSheet, raw: object) -> Category | None:
    """The sheet's category named `raw` (`head-3`; `head_3` is accepted too), or None."""
    if not isinstance(raw, str):
        return None
    return next((c for c in sheet.thresholds if raw in (c.value, category_json(c))), None)


def _err(text: str, **params: Any) -> AnswerError:
    return AnswerError(Phrase(text, params))


def _number(criterion: Criterion, key: str, raw: object) -> Fraction:
    # NaN and infinities (1e999 parses as inf) are not numbers an answer can have.
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw) or raw < 0:
        raise _err(
            N_("Criterion {criterion}: '{key}' must be a non-negative number."), criterion=criterion.id, key=key
        )
    return Fraction(raw)


def _bool(criterion: Criterion, key: str, raw: object) -> bool:
    if not isinstance(raw, bool):
        raise _err(N_("Criterion {criterion}: '{key}' must be true or false."), criterion=criterion.id, key=key)
    return raw


def _level(criterion: Criterion, raw: object) -> LevelOption:
    option = criterion.scale.level(raw) if isinstance(raw, str) else None
    if option is None:
        raise _err(
            N_("Criterion {criterion}: unknown level '{level}'; expected one of: {allowed}."),
            criterion=criterion.id,
            level=raw,
            allowed=", ".join(o.name for o in criterion.scale.levels),
        )
    return option


def allowed_keys(criterion: Criterion) -> tuple[str, ...]:
    scale = criterion.scale
    keys: list[str] = []
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        keys += ["level", "levels"]
        if scale.kind is ScaleKind.COUNT:
            keys.append("count")
        if scale.kinds_add_up:
            keys.append("kinds")
        if scale.coauthored_allowed:
            keys.append("coauthored")
    elif scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        keys.append(scale.quantity.value)
    elif scale.kind is ScaleKind.FLAG:
        keys.append("met")
    else:
        keys.append("observations")
    if scale.bonus is not None:
        keys.append(scale.bonus.value)
    return tuple(keys)


def _check_keys(criterion: Criterion, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            raise _err(
                N_("Criterion {criterion} does not take '{key}'; expected: {allowed}."),
                criterion=criterion.id,
                key=key,
                allowed=", ".join(allowed),
            )


def _options(criterion: Criterion, data: Mapping[str, Any]) -> list[LevelOption]:
    """The levels one kind of work is given at ('level' or 'levels')."""
    if "level" in data and "levels" in data:
        raise _err(N_("Criterion {criterion}: give 'level' or 'levels', not both."), criterion=criterion.id)
    if "levels" in data:
        raw_levels = data["levels"]
        if not isinstance(raw_levels, list):
            raise _err(N_("Criterion {criterion}: 'levels' must be a list."), criterion=criterion.id)
        return [_level(criterion, item) for item in raw_levels]
    return [_level(criterion, data["level"])] if "level" in data else []


def _count(criterion: Criterion, data: Mapping[str, Any]) -> int:
    raw_count = data.get("count", 1)
    if isinstance(raw_count, bool) or not isinstance(raw_count, int) or raw_count < 1:
        raise _err(N_("Criterion {criterion}: 'count' must be a whole number, at least 1."), criterion=criterion.id)
    return raw_count


def _work(criterion: Criterion, data: Mapping[str, Any]) -> Work | None:
    options = _options(criterion, data)
    count = _count(criterion, data)
    coauthored = _bool(criterion, "coauthored", data["coauthored"]) if "coauthored" in data else False
    if not options:
        if "count" in data or coauthored:
            raise _err(N_("Criterion {criterion}: a level is needed."), criterion=criterion.id)
        return None
    best = max(options, key=lambda o: _work_points(o, 1, coauthored))
    if coauthored and best.coauthored_points is None:
        raise _err(
            N_("Criterion {criterion}: level {level} cannot be co-authored."), criterion=criterion.id, level=best.name
        )
    if criterion.scale.kind is ScaleKind.COUNT and best.max_count is None:
        raise _err(N_("Criterion {criterion}: unknown level."), criterion=criterion.id)
    return Work(level=best, levels_given=len(options), count=count, coauthored=coauthored)


def _kinds(criterion: Criterion, raw: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The kinds of work of a by-level answer: its 'kinds' list, or the answer itself as one kind."""
    if "kinds" not in raw:
        yield raw
        return
    if any(k in raw for k in ("level", "levels", "count", "coauthored")):
        raise _err(N_("Criterion {criterion}: give 'kinds' or a single level, not both."), criterion=criterion.id)
    kinds = raw["kinds"]
    if not isinstance(kinds, list) or not all(isinstance(k, Mapping) for k in kinds):
        raise _err(N_("Criterion {criterion}: 'kinds' must be a list of objects."), criterion=criterion.id)
    inner = tuple(k for k in allowed_keys(criterion) if k not in ("kinds", criterion.scale.bonus))
    for kind in kinds:
        _check_keys(criterion, kind, inner)
        yield kind


def _by_level_answer(criterion: Criterion, raw: Mapping[str, Any], bonus: bool) -> Answer:
    works = [w for w in (_work(criterion, kind) for kind in _kinds(criterion, raw)) if w is not None]
    if bonus and not works:
        raise _err(N_("Criterion {criterion}: a winner needs a level."), criterion=criterion.id)
    return Answer(works=tuple(works), bonus=bonus)


def _threshold_answer(criterion: Criterion, raw: Mapping[str, Any], bonus: bool) -> Answer:
    scale = criterion.scale
    assert scale.quantity is not None
    key = scale.quantity.value
    if key not in raw:
        return Answer()
    value = raw[key]
    if isinstance(value, list):
        if not scale.summed:
            raise _err(N_("Criterion {criterion}: '{key}' must be one number."), criterion=criterion.id, key=key)
        total = sum((_number(criterion, key, v) for v in value), Fraction(0))
    else:
        total = _number(criterion, key, value)
    if scale.quantity is Quantity.PERCENT and total > 100:
        raise _err(N_("Criterion {criterion}: a percentage is at most 100."), criterion=criterion.id)
    return Answer(value=total)


def _flag_answer(criterion: Criterion, raw: Mapping[str, Any], bonus: bool) -> Answer:
    met = _bool(criterion, "met", raw["met"]) if "met" in raw else False
    if bonus and not met:
        raise _err(N_("Criterion {criterion}: the extra point needs the criterion met."), criterion=criterion.id)
    return Answer(met=met, bonus=bonus)


def _observation_answer(criterion: Criterion, raw: Mapping[str, Any], bonus: bool) -> Answer:
    if "observations" not in raw:
        return Answer()
    raw_obs = raw["observations"]
    if not isinstance(raw_obs, list):
        raise _err(N_("Criterion {criterion}: 'observations' must be a list of sheet totals."), criterion=criterion.id)
    return Answer(observations=tuple(_number(criterion, "observations", v) for v in raw_obs))


_ANSWER_PARSERS: dict[ScaleKind, Callable[[Criterion, Mapping[str, Any], bool], Answer]] = {
    ScaleKind.LEVEL: _by_level_answer,
    ScaleKind.COUNT: _by_level_answer,
    ScaleKind.THRESHOLD: _threshold_answer,
    ScaleKind.FLAG: _flag_answer,
    ScaleKind.OBSERVATION: _observation_answer,
}


def parse_answer(criterion: Criterion, raw: object) -> Answer:
    """One criterion's answer (a JSON object) -> Answer; raises AnswerError."""
    if raw is None:
        return Answer()
    if not isinstance(raw, Mapping):
        raise _err(N_("Criterion {criterion}: the answer must be a JSON object."), criterion=criterion.id)
    scale = criterion.scale
    _check_keys(criterion, raw, allowed_keys(criterion))
    bonus = False
    if scale.bonus is not None and scale.bonus.value in raw:
        bonus = _bool(criterion, scale.bonus.value, raw[scale.bonus.value])
    return _ANSWER_PARSERS[scale.kind](criterion, raw, bonus)


def _claimed(sheet: ScoringSheet, data: Mapping[str, Any]) -> Category | None:
    if data.get("claimed") is None:
        return None
    raw_claimed = data["claimed"]
    claimed = category_from_json(sheet, raw_claimed)
    if claimed is None:
        raise _err(
            N_("Sheet {sheet}: unknown claimed category '{claimed}'; expected one of: {allowed}."),
            sheet=sheet.id,
            claimed=raw_claimed,
            allowed=", ".join(category_json(c) for c in sheet.thresholds),
        )
    return claimed


def _criteria_answers(sheet: ScoringSheet, data: Mapping[str, Any]) -> dict[str, Answer]:
    raw_criteria = data.get("criteria") or {}
    if not isinstance(raw_criteria, Mapping):
        raise _err(N_("'criteria' must be a JSON object."))
    criteria: dict[str, Answer] = {}
    for criterion_id, raw in raw_criteria.items():
        criterion = sheet.criterion(str(criterion_id))
        if criterion is None:
            raise _err(
                N_("Sheet {sheet} has no criterion {criterion}; it has: {allowed}."),
                sheet=sheet.id,
                criterion=criterion_id,
                allowed=", ".join(c.id for c in sheet.criteria),
            )
        criteria[criterion.id] = parse_answer(criterion, raw)
    return criteria


def parse_answers(sheet: ScoringSheet, data: object) -> Answers:
    """The whole input object -> Answers; raises AnswerError."""
    if not isinstance(data, Mapping):
        raise _err(N_("The answers must be a JSON object."))
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise _err(N_("Unknown key '{key}'; expected: {allowed}."), key=key,
                       allowed=", ".join(sorted(TOP_LEVEL_KEYS)))
    claimed = _claimed(sheet, data)
    criteria = _criteria_answers(sheet, data)
    preschool = data.get("preschool", False)
    if not isinstance(preschool, bool):
        raise _err(N_("'preschool' must be true or false."))
    return Answers(claimed=claimed, criteria=criteria, preschool=preschool)


def sheet_for_area(sheet: ScoringSheet, area: str | None, rules: Rules | None = None) -> ScoringSheet:
    """The criteria a deputy of `area` answers: with [interpretations] deputy_own_area_only (App 11,
    sheet 3) those of the area and the common ones; otherwise, and for a sheet without areas, all."""
    rules = rules or default_rules()
    if not rules.interpretation("deputy_own_area_only") or not any(c.area for c in sheet.criteria):
        return sheet
    return replace(sheet, criteria=tuple(c for c in sheet.criteria if c.area in (None, area)))


# Scoring ---------------------------------------------------------------------------------------------


def _work_points(level: LevelOption, count: int, coauthored: bool, capped: bool = False) -> int:
    if coauthored and level.coauthored_points is not None:
        return level.coauthored_points
    if capped and level.max_count is not None:
        # [interpretations] dissemination_items = "capped": counting stops at the printed items (App 8 3.1).
        count = min(count, level.max_count)
    return level.points * count


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    points: Fraction
    why: tuple[Phrase, ...]
    scorable: bool = True

    def why_text(self, translate: Callable[[str], str] | None = None) -> str:
        return " ".join(m.render(translate) for m in self.why)


def _reduced(sheet: ScoringSheet, answers: Answers) -> bool:
    return sheet.reduced_hours or answers.preschool


def _step_points(steps: Sequence[Step], value: Fraction, exact: bool = False) -> int:
    """The points of the highest step reached; with `exact` ([interpretations] course_hours_between_steps
    = "exact") a step counts only at its printed value, the last ("or more") from its value up."""
    reached = [s for s in steps if s.reached(value) and (not exact or s is steps[-1] or value == s.minimum)]
    return max((s.points for s in reached), default=0)


def _not_answered(criterion: Criterion, scorable: bool = True) -> CriterionResult:
    return CriterionResult(criterion, Fraction(0), (Phrase(N_("Not answered: 0 points.")),), scorable)


def _score_observation(criterion: Criterion, answer: Answer, rules: Rules) -> CriterionResult:
    try:
        mean = observation_mean(answer.observations or (), rules)
    except ObservationError as exc:
        raise AnswerError(exc.message) from exc
    if answer.observations is None:
        return _not_answered(criterion, scorable=False)
    points = mean.mean if mean.mean is not None else Fraction(0)
    return CriterionResult(criterion, points, (mean.why,), mean.scorable)


def _work_why(work: Work, points: int, counted: bool) -> list[Phrase]:
    level = Phrase(work.level.label)
    if work.coauthored:
        why = [Phrase(N_("{level}, co-authored: {points}."), {"level": level, "points": points})]
    elif counted:
        why = [Phrase(N_("{level}: {count} x {per_item} = {points}."),
                      {"level": level, "count": work.count, "per_item": work.level.points, "points": points})]
    else:
        why = [Phrase(N_("{level}: {points}."), {"level": level, "points": points})]
    if work.levels_given > 1:
        why.append(Phrase(N_("The same work at {n} levels counts once, at its highest level."),
                          {"n": work.levels_given}))
    return why


def _score_levels(criterion: Criterion, answer: Answer, rules: Rules) -> CriterionResult:
    scale = criterion.scale
    capped = rules.interpretation("dissemination_items") == "capped"
    why: list[Phrase] = []
    parts = []
    for work in answer.works:
        points = _work_points(work.level, work.count, work.coauthored, capped)
        parts.append(points)
        why += _work_why(work, points, scale.kind is ScaleKind.COUNT)
    total = sum(parts) if scale.kinds_add_up else max(parts)
    if len(parts) > 1:
        why.append(Phrase(N_("{n} different kinds of work add up."), {"n": len(parts)}))
    if answer.bonus and scale.bonus is not None:
        total += 1
        why.append(Phrase(BONUS_LABELS[scale.bonus]))
    return CriterionResult(criterion, Fraction(total), tuple(why))


def _exact_hours(criterion: Criterion, rules: Rules) -> bool:
    return criterion.scale.quantity is Quantity.HOURS and rules.interpretation("course_hours_between_steps") == "exact"


def _score_threshold(sheet: ScoringSheet, criterion: Criterion, answer: Answer, answers: Answers,
                     rules: Rules) -> CriterionResult:
    scale = criterion.scale
    assert answer.value is not None and scale.quantity is not None
    steps = scale.steps_for(_reduced(sheet, answers))
    step_points = _step_points(steps, answer.value, _exact_hours(criterion, rules))
    value = Phrase(QUANTITY_UNITS[scale.quantity], {"value": format_points(answer.value)})
    why = [Phrase(N_("{value}: {points} points."), {"value": value, "points": step_points})]
    if step_points == 0:
        why.append(Phrase(N_("Below the lowest step ({minimum})."), {"minimum": steps[0].minimum}))
    return CriterionResult(criterion, Fraction(step_points), tuple(why))


def _score_flag(criterion: Criterion, answer: Answer) -> CriterionResult:
    scale = criterion.scale
    flag_points = scale.points if answer.met else 0
    why = [Phrase(N_("Met: {points} points."), {"points": flag_points}) if answer.met
           else Phrase(N_("Not met: 0 points."))]
    if answer.bonus and scale.bonus is not None:
        flag_points += 1
        why.append(Phrase(BONUS_LABELS[scale.bonus]))
    return CriterionResult(criterion, Fraction(flag_points), tuple(why))


def score_criterion(
    sheet: ScoringSheet, criterion: Criterion, answer: Answer, answers: Answers, rules: Rules
) -> CriterionResult:
    kind = criterion.scale.kind
    if kind is ScaleKind.OBSERVATION:
        return _score_observation(criterion, answer, rules)
    if answer.empty:
        return _not_answered(criterion)
    if kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        return _score_levels(criterion, answer, rules)
    if kind is ScaleKind.THRESHOLD:
        return _score_threshold(sheet, criterion, answer, answers, rules)
    return _score_flag(criterion, answer)


# Advice ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Improvement:
    """Raise one criterion to `points` by the answer `change` (e.g. {"level": "region"})."""

    criterion_id: str
    change: dict[str, Any]
    points: Fraction
    gain: Fraction
    text: Phrase


Offer = tuple[Fraction, dict[str, Any], Phrase]  # points, the answer change, what to do


def _level_offers(result: CriterionResult, answer: Answer, rules: Rules) -> Iterator[Offer]:
    criterion, scale = result.criterion, result.criterion.scale
    counted = scale.kind is ScaleKind.COUNT
    capped = rules.interpretation("dissemination_items") == "capped"
    best = max((_work_points(w.level, w.count, w.coauthored, capped) for w in answer.works), default=0)
    base = result.points - best  # the best work is replaced; other kinds and the bonus stay
    for option in scale.levels:
        for n in range(1, (option.max_count or 1) + 1) if counted else (1,):
            level = Phrase(option.label)
            if counted:
                text = Phrase(N_("{criterion}: reach {level}, {count} event(s)."),
                              {"criterion": criterion.id, "level": level, "count": n})
                yield base + option.points * n, {"level": option.name, "count": n}, text
            else:
                text = Phrase(N_("{criterion}: reach {level}."), {"criterion": criterion.id, "level": level})
                yield base + option.points * n, {"level": option.name}, text


def _threshold_offers(sheet: ScoringSheet, criterion: Criterion, answers: Answers) -> Iterator[Offer]:
    scale = criterion.scale
    assert scale.quantity is not None
    for step in scale.steps_for(_reduced(sheet, answers)):
        value = step.minimum + 1 if step.strict else step.minimum
        text = Phrase(N_("{criterion}: reach {value}."),
                      {"criterion": criterion.id, "value": Phrase(QUANTITY_UNITS[scale.quantity], {"value": value})})
        yield Fraction(step.points), {scale.quantity.value: value}, text


def _observation_offers(result: CriterionResult, rules: Rules) -> Iterator[Offer]:
    criterion_id = result.criterion.id
    cap = int(rules.observation["total_cap"])
    required = int(rules.observation["min_sheets"])
    targets = {Fraction(t) for t in (61, 71, 81, 91, cap)}
    for target in sorted(t for t in targets if t <= cap):
        if result.scorable:
            text = Phrase(N_("{criterion}: raise the mean of the observation sheets to {mean}."),
                          {"criterion": criterion_id, "mean": format_points(target)})
        else:
            text = Phrase(
                N_("{criterion}: provide at least {required} observation sheets with a mean of {mean}."),
                {"criterion": criterion_id, "required": required, "mean": format_points(target)},
            )
        yield target, {"mean": target}, text


def _offers(sheet: ScoringSheet, result: CriterionResult, answer: Answer, answers: Answers,
            rules: Rules) -> Iterator[Offer]:
    scale = result.criterion.scale
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        return _level_offers(result, answer, rules)
    if scale.kind is ScaleKind.THRESHOLD:
        return _threshold_offers(sheet, result.criterion, answers)
    if scale.kind is ScaleKind.FLAG:
        text = Phrase(N_("{criterion}: meet the criterion."), {"criterion": result.criterion.id})
        return iter([(Fraction(scale.points), {"met": True}, text)])
    return _observation_offers(result, rules)


def _improvements(
    sheet: ScoringSheet, result: CriterionResult, answer: Answer, answers: Answers, rules: Rules
) -> list[Improvement]:
    """Each higher number of points the criterion can reach, with the first way found to reach it."""
    current = result.points
    found: dict[Fraction, Improvement] = {}
    for points, change, text in _offers(sheet, result, answer, answers, rules):
        if points > current and points not in found:
            found[points] = Improvement(result.criterion.id, change, points, points - current, text)
    return sorted(found.values(), key=lambda i: i.points)


def _with_exact_observation(options: list[Improvement], current: Fraction, gap: Fraction,
                            cap: int, template: Improvement | None) -> list[Improvement]:
    """Add the observation mean that closes the gap exactly (if within the cap)."""
    if template is None:
        return options
    target = current + gap
    if target > cap or any(o.points == target for o in options):
        return options
    mean = Fraction(-(-target.numerator // target.denominator))  # round up to a whole mean
    if mean > cap or mean <= current:
        return options
    text = Phrase(template.text.text, {**template.text.params, "mean": format_points(mean)})
    exact = Improvement(template.criterion_id, {"mean": mean}, mean, mean - current, text)
    return sorted([*options, exact], key=lambda i: i.points)


Choice = tuple[Fraction, tuple[int, ...], tuple[Improvement, ...]]  # reached gain, criteria, improvements


def _cheapest(groups: Sequence[Sequence[Improvement]], combo: tuple[int, ...], gap: Fraction) -> Choice:
    """One improvement of each criterion in `combo`: the smallest total gain reaching `gap`."""
    sums: dict[Fraction, tuple[Improvement, ...]] = {Fraction(0): ()}
    for index in combo:
        nxt: dict[Fraction, tuple[Improvement, ...]] = {}
        for total, chosen in sums.items():
            for improvement in groups[index]:
                nxt.setdefault(total + improvement.gain, (*chosen, improvement))
        sums = nxt
    reached = min(t for t in sums if t >= gap)
    return reached, combo, sums[reached]


def smallest_improvements(
    options: Sequence[Sequence[Improvement]], gap: Fraction
) -> tuple[Improvement, ...] | None:
    """The fewest criteria (one improvement each) whose gains reach `gap`; among those the smallest
    overshoot, then the earliest criteria. None if even every best improvement falls short."""
    groups = [list(g) for g in options if g]
    if gap <= 0:
        return ()
    max_gain = [max(i.gain for i in g) for g in groups]
    ranked = sorted(max_gain, reverse=True)
    for k in range(1, len(groups) + 1):
        if sum(ranked[:k]) < gap:
            continue
        candidates = [_cheapest(groups, combo, gap) for combo in combinations(range(len(groups)), k)
                      if sum(max_gain[i] for i in combo) >= gap]
        if candidates:
            return min(candidates, key=lambda c: c[:2])[2]
    return None


# Evaluation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    sheet: ScoringSheet
    claimed: Category | None
    results: tuple[CriterionResult, ...]
    total: Fraction
    category: Category | None
    gap: Fraction | None
    advice: tuple[Improvement, ...]
    reachable: bool

    @property
    def meets_claimed(self) -> bool:
        return self.gap is not None and self.gap == 0

    def to_json(self, translate: Callable[[str], str] | None = None) -> dict[str, Any]:
        return {
            "sheet": self.sheet.id,
            "total": json_number(self.total),
            "threshold": {category_json(c): points for c, points in self.sheet.thresholds.items()},
            "category": category_json(self.category) if self.category else None,
            "claimed": category_json(self.claimed) if self.claimed else None,
            "gap": None if self.gap is None else json_number(self.gap),
            "criteria": {
                r.criterion.id: {"points": json_number(r.points), "why": r.why_text(translate)}
                for r in self.results
            },
            "advice": [
                {
                    "criterion": i.criterion_id,
                    **{k: json_number(v) if isinstance(v, Fraction) else v for k, v in i.change.items()},
                    "points": json_number(i.points),
                    "gain": json_number(i.gain),
                    "text": i.text.render(translate),
                }
                for i in self.advice
            ],
            "reachable": self.reachable,
        }


def json_number(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else round(float(value), 2)


def reached_category(sheet: ScoringSheet, total: Fraction) -> Category | None:
    reached = [c for c, points in sheet.thresholds.items() if total >= points]
    return reached[-1] if reached else None


def evaluate(sheet: ScoringSheet, answers: Answers, rules: Rules | None = None) -> Evaluation:
    rules = rules or default_rules()
    results = tuple(
        score_criterion(sheet, c, answers.criteria.get(c.id, Answer()), answers, rules) for c in sheet.criteria
    )
    total = sum((r.points for r in results), Fraction(0))
    category = reached_category(sheet, total)
    gap: Fraction | None = None
    advice: tuple[Improvement, ...] = ()
    reachable = True
    if answers.claimed is not None:
        gap = max(Fraction(0), sheet.thresholds[answers.claimed] - total)
        if gap > 0:
            cap = int(rules.observation["total_cap"])
            options = []
            for result in results:
                answer = answers.criteria.get(result.criterion.id, Answer())
                found = _improvements(sheet, result, answer, answers, rules)
                if result.criterion.scale.kind is ScaleKind.OBSERVATION:
                    found = _with_exact_observation(found, result.points, gap, cap, found[0] if found else None)
                options.append(found)
            chosen = smallest_improvements(options, gap)
            reachable = chosen is not None
            advice = chosen if chosen is not None else tuple(o[-1] for o in options if o)
    return Evaluation(sheet, answers.claimed, results, total, category, gap, advice, reachable)


def evaluate_answers(sheet: ScoringSheet, data: object, rules: Rules | None = None) -> Evaluation:
    """Parse an answers dict (the JSON input format) and evaluate it; raises AnswerError."""
    return evaluate(sheet, parse_answers(sheet, data), rules)
