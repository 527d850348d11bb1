"""What changed between two rule sets, criterion by criterion, as data (`python -m scoring rules diff`
prints it; the bot will work out from it what changed for each teacher)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scoring.rulesets.load import DocumentRule, RuleSet
from scoring.sheets.evaluate import category_json
from scoring.sheets.model import Criterion, Scale, ScoringSheet, Step
from scoring.sheets.observation import ObservationSheet

MISSING = None


@dataclass(frozen=True)
class Change:
    """One difference. `topic`: sheet, threshold, criterion, document, window, deadline, eligibility, rule,
    interpretation, observation, source. `before`/`after` is None where the thing is added/removed."""

    topic: str
    place: str  # e.g. "sheets.teacher.criteria.3.1.levels.region.points"
    before: Any
    after: Any
    sheet: str | None = None
    criterion: str | None = None

    @property
    def added(self) -> bool:
        return self.before is None and self.after is not None

    @property
    def removed(self) -> bool:
        return self.after is None and self.before is not None

    def __str__(self) -> str:
        if self.added:
            return f"{self.place}: added {_show(self.after)}"
        if self.removed:
            return f"{self.place}: removed (was {_show(self.before)})"
        return f"{self.place}: {_show(self.before)} -> {_show(self.after)}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return str(value)


def _compare(topic: str, place: str, before: Mapping[str, Any], after: Mapping[str, Any],
             **where: str) -> Iterator[Change]:
    """Key by key: added, removed and changed values."""
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key, MISSING), after.get(key, MISSING)
        if old != new:
            yield Change(topic, f"{place}.{key}", old, new, **where)


def _steps(steps: tuple[Step, ...]) -> list[str]:
    return [f"{'>' if s.strict else '>='}{s.minimum}: {s.points}" for s in steps]


def _scale_facts(scale: Scale) -> dict[str, Any]:
    facts: dict[str, Any] = {"scale": scale.kind.value}
    for option in scale.levels:
        facts[f"levels.{option.name}.points"] = option.points
        facts[f"levels.{option.name}.coauthored_points"] = option.coauthored_points
        facts[f"levels.{option.name}.max_count"] = option.max_count
        facts[f"levels.{option.name}.label"] = option.label
    facts.update(kinds_add_up=scale.kinds_add_up, bonus=scale.bonus and scale.bonus.value,
                 quantity=scale.quantity and scale.quantity.value, summed=scale.summed)
    facts["steps"] = _steps(scale.steps) or None
    facts["reduced_steps"] = _steps(scale.reduced_steps) or None
    facts["points"] = scale.points or None
    return {k: v for k, v in facts.items() if v is not None and v is not False}


def _criterion_facts(criterion: Criterion) -> dict[str, Any]:
    return {"title": criterion.title, "evidence": criterion.evidence, "ref": criterion.ref,
            "notes": list(criterion.notes), "area": criterion.area, **_scale_facts(criterion.scale)}


def _sheet_changes(sheet_id: str, before: ScoringSheet, after: ScoringSheet) -> Iterator[Change]:
    at = f"sheets.{sheet_id}"
    old_thresholds = {category_json(c): p for c, p in before.thresholds.items()}
    new_thresholds = {category_json(c): p for c, p in after.thresholds.items()}
    yield from _compare("threshold", f"{at}.thresholds", old_thresholds, new_thresholds, sheet=sheet_id)
    facts = {"title": before.title, "ref": before.ref, "printed_max": before.printed_max,
             "reduced_hours": before.reduced_hours, "notes": list(before.notes)}
    new_facts = {"title": after.title, "ref": after.ref, "printed_max": after.printed_max,
                 "reduced_hours": after.reduced_hours, "notes": list(after.notes)}
    yield from _compare("sheet", at, facts, new_facts, sheet=sheet_id)
    old_criteria = {c.id: c for c in before.criteria}
    new_criteria = {c.id: c for c in after.criteria}
    for criterion_id in dict.fromkeys([*old_criteria, *new_criteria]):
        yield from _criterion_changes(sheet_id, criterion_id, old_criteria.get(criterion_id),
                                      new_criteria.get(criterion_id))


def _criterion_changes(sheet_id: str, criterion_id: str, before: Criterion | None,
                       after: Criterion | None) -> Iterator[Change]:
    at = f"sheets.{sheet_id}.criteria.{criterion_id}"
    if before is None or after is None:
        yield Change("criterion", at, before and before.title, after and after.title, sheet_id, criterion_id)
        return
    yield from _compare("criterion", at, _criterion_facts(before), _criterion_facts(after),
                        sheet=sheet_id, criterion=criterion_id)


def _observation_changes(sheet_id: str, before: ObservationSheet | None,
                         after: ObservationSheet | None) -> Iterator[Change]:
    at = f"observation_sheets.{sheet_id}"
    if before is None or after is None:
        yield Change("observation", at, before and before.title, after and after.title, sheet_id)
        return

    def facts(sheet: ObservationSheet) -> dict[str, Any]:
        return {"title": sheet.title, "ref": sheet.ref,
                **{f"indicators.{i.id}": f"{i.text}{' (researcher, master)' if i.research_only else ''}"
                   for i in sheet.indicators}}

    yield from _compare("observation", at, facts(before), facts(after), sheet=sheet_id)


def _keyed(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    for key in dict.fromkeys([*before, *after]):
        yield key, before.get(key), after.get(key)


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A table's values by dotted key ("min_experience.expert"), so a diff names the number that changed."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _rule_changes(a: RuleSet, b: RuleSet) -> Iterator[Change]:
    old, new = a.rules.raw, b.rules.raw
    yield from _compare("deadline", "deadlines", old.get("deadlines", {}), new.get("deadlines", {}))
    yield from _compare("interpretation", "interpretations", old.get("interpretations", {}),
                        new.get("interpretations", {}))
    yield from _compare("eligibility", "eligibility", _flat(old.get("eligibility", {})),
                        _flat(new.get("eligibility", {})))
    skipped = {"deadlines", "interpretations", "eligibility", "window", "windows"}
    for section, before, after in _keyed(old, new):
        if section not in skipped:
            yield from _compare("rule", section, before or {}, after or {})


def _document(rule: DocumentRule | None) -> str | None:
    return None if rule is None else f"{rule.need} ({rule.clause})"


def _window_text(window: tuple[tuple[int, int], tuple[int, int]]) -> str:
    (om, od), (cm, cd) = window
    return f"{od:02d}.{om:02d}-{cd:02d}.{cm:02d}"


def diff(a: RuleSet, b: RuleSet) -> list[Change]:
    """Everything `b` changes against `a`: source, windows, deadlines and other rules, interpretations,
    documents, then each sheet's thresholds and criteria, then the observation sheets."""
    changes: list[Change] = list(_compare(
        "source", "ruleset", {"id": a.id, "version": a.version, "title": a.title, "order": a.source.order},
        {"id": b.id, "version": b.version, "title": b.title, "order": b.source.order}))
    windows_a = [_window_text(w) for w in a.windows]
    windows_b = [_window_text(w) for w in b.windows]
    if windows_a != windows_b:
        changes.append(Change("window", "windows", ", ".join(windows_a), ", ".join(windows_b)))
    changes += _rule_changes(a, b)
    for doc_id, before, after in _keyed(a.documents, b.documents):
        if before != after:
            changes.append(Change("document", f"documents.{doc_id}", _document(before), _document(after)))
    for sheet_id, old_sheet, new_sheet in _keyed(a.sheets, b.sheets):
        if old_sheet is None or new_sheet is None:
            changes.append(Change("sheet", f"sheets.{sheet_id}", old_sheet and old_sheet.title,
                                  new_sheet and new_sheet.title, sheet_id))
        else:
            changes += _sheet_changes(sheet_id, old_sheet, new_sheet)
    for sheet_id, old_obs, new_obs in _keyed(a.observation_sheets, b.observation_sheets):
        changes += _observation_changes(sheet_id, old_obs, new_obs)
    return changes
