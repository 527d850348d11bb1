"""Reading a rule set file: its schema, the checks across tables, and the sheets the engine scores with.

A bad file is reported whole: every problem with its place in the file
(``sheets.teacher.criteria[3].levels[1].points: must be ≥ 0``), list indexes counted from 0.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scoring.categories import Category
from scoring.config import Rules
from scoring.rulesets import schema
from scoring.sheets import model
from scoring.sheets.observation import Indicator, ObservationSheet, Section

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a rule set file, at `place` (a dotted path, list indexes from 0)."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class RuleSetError(ValueError):
    """A rule set file that cannot be used; `problems` lists every problem found."""

    def __init__(self, origin: str, problems: Sequence[Problem]) -> None:
        self.origin = origin
        self.problems = tuple(problems)
        super().__init__(f"{origin}: " + "; ".join(str(p) for p in self.problems))


def place(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# pydantic's error types, said the way a department reads them.
_MESSAGES: dict[str, str] = {
    "missing": "is missing",
    "extra_forbidden": "is not a known key",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "date_type": "must be a date (2025-09-01)",
    "date_from_datetime_parsing": "must be a date (2025-09-01)",
}


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "greater_than_equal":
        return f"must be ≥ {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be ≤ {ctx['le']}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(ctx.get("pattern", "")))
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return _MESSAGES.get(kind, str(error["msg"]))


def _pattern_message(pattern: str) -> str:
    if pattern.startswith("^@"):
        return "must be @ and the name of an [interpretations] key"
    if "[01]\\d|2[0-3]" in pattern:
        return "must be a time HH:MM"
    if "0[1-9]|1[0-2]" in pattern:
        return "must be a month and day MM-DD"
    return "must be lower-case letters, digits, '.', '_' or '-'"


def _is_alternative(part: str | int) -> bool:
    """A loc part naming one alternative of a union (`literal[...]`, `constrained-str`), not a key."""
    return isinstance(part, str) and ("[" in part or part.startswith(("constrained-", "function-")))


def _schema_problems(exc: ValidationError) -> list[Problem]:
    """One problem per place; a union (`need = "required" | "@name"`) says what each alternative needs,
    leaving out the alternatives of another type when one of the right type is there."""
    by_place: dict[str, list[Mapping[str, Any]]] = {}
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not _is_alternative(p))
        by_place.setdefault(place(loc), []).append(error)
    problems = []
    for at, errors in by_place.items():
        relevant = [e for e in errors if not str(e["type"]).endswith("_type")] or errors[:1]
        messages = list(dict.fromkeys(_message(e) for e in relevant))
        problems.append(Problem(at, "; or ".join(messages)))
    return problems


# Checks across keys and tables ------------------------------------------------------------------------


def _category(name: str) -> Category | None:
    value = name.replace("-", "_")
    return next((c for c in Category if c.value == value), None)


LADDERS = {
    "teacher": (Category.MODERATOR, Category.EXPERT, Category.RESEARCHER, Category.MASTER),
    "head": (Category.HEAD_3, Category.HEAD_2, Category.HEAD_1),
    "deputy": (Category.DEPUTY_3, Category.DEPUTY_2, Category.DEPUTY_1),
}


def _threshold_problems(at: str, thresholds: Mapping[str, int]) -> Iterator[Problem]:
    categories = [_category(name) for name in thresholds]
    for name, category in zip(thresholds, categories, strict=True):
        if category is None or not any(category in ladder for ladder in LADDERS.values()):
            yield Problem(f"{at}.{name}", "is not a category a sheet can assign")
    known = [c for c in categories if c is not None]
    if known and not any(set(known) <= set(ladder) for ladder in LADDERS.values()):
        yield Problem(at, "mixes categories of different ladders")
    points = list(thresholds.values())
    if points != sorted(points) or len(set(points)) != len(points):
        yield Problem(at, "must rise from the lowest category to the highest")


def _steps_problems(at: str, steps: Sequence[schema.Step]) -> Iterator[Problem]:
    for i in range(1, len(steps)):
        if steps[i].min < steps[i - 1].min or steps[i].points < steps[i - 1].points:
            yield Problem(f"{at}[{i}]", "steps must be in rising order of min and points")


_SCALE_KEYS = {
    "level": {"levels", "kinds_add_up", "bonus"},
    "count": {"levels", "kinds_add_up"},
    "threshold": {"quantity", "steps", "reduced_steps", "summed"},
    "flag": {"points", "bonus"},
    "observation": set(),
}
_SCALE_ONLY = {"levels", "kinds_add_up", "bonus", "quantity", "steps", "reduced_steps", "summed", "points"}


def _level_problems(at: str, criterion: schema.Criterion, numbers: set[str]) -> Iterator[Problem]:
    if not criterion.levels:
        yield Problem(f"{at}.levels", f"a {criterion.scale} scale needs levels")
    names = [o.name for o in criterion.levels]
    for i, option in enumerate(criterion.levels):
        if names.index(option.name) != i:
            yield Problem(f"{at}.levels[{i}].name", f"'{option.name}' is given twice")
        if option.label is None and option.name not in model.LEVEL_LABELS:
            yield Problem(f"{at}.levels[{i}].label", "is missing (only the standard levels have a label)")
        if criterion.scale == "count" and option.max_count is None:
            yield Problem(f"{at}.levels[{i}].max_count", "is missing (a count scale prints the number of items)")
        ref = option.coauthored_points
        if isinstance(ref, str) and ref[1:] not in numbers:
            yield Problem(f"{at}.levels[{i}].coauthored_points", f"{ref} is not a number of [interpretations]")


def _criterion_problems(at: str, criterion: schema.Criterion, numbers: set[str]) -> Iterator[Problem]:
    given = {key for key in criterion.model_fields_set if key in _SCALE_ONLY}
    for key in sorted(given - _SCALE_KEYS[criterion.scale]):
        yield Problem(f"{at}.{key}", f"is not used by a {criterion.scale} scale")
    if criterion.scale in ("level", "count"):
        yield from _level_problems(at, criterion, numbers)
    if criterion.scale == "threshold":
        if criterion.quantity is None:
            yield Problem(f"{at}.quantity", "is missing (hours, percent or sheets)")
        if not criterion.steps:
            yield Problem(f"{at}.steps", "a threshold scale needs steps")
        yield from _steps_problems(f"{at}.steps", criterion.steps)
        yield from _steps_problems(f"{at}.reduced_steps", criterion.reduced_steps)


def _sheet_problems(sheet_id: str, sheet: schema.Sheet, data: schema.RuleSetFile,
                    numbers: set[str]) -> Iterator[Problem]:
    sheets = data.sheets
    at = f"sheets.{sheet_id}"
    yield from _threshold_problems(f"{at}.thresholds", sheet.thresholds)
    if sheet.column_thresholds is not None:
        yield from _threshold_problems(f"{at}.column_thresholds", sheet.column_thresholds)
        if list(sheet.column_thresholds) != list(sheet.thresholds):
            yield Problem(f"{at}.column_thresholds", "must name the same categories as thresholds")
    if sheet.based_on is None:
        if sheet.without:
            yield Problem(f"{at}.without", "is used only with based_on")
        if not sheet.criteria:
            yield Problem(f"{at}.criteria", "a sheet needs criteria, or based_on another sheet")
    else:
        yield from _variant_problems(at, sheet, sheets)
    ids = [c.id for c in sheet.criteria]
    for i, criterion in enumerate(sheet.criteria):
        if ids.index(criterion.id) != i:
            yield Problem(f"{at}.criteria[{i}].id", f"criterion {criterion.id} is given twice")
        if criterion.area is not None and criterion.area not in data.areas:
            yield Problem(f"{at}.criteria[{i}].area", f"'{criterion.area}' is not one of [areas]")
        yield from _criterion_problems(f"{at}.criteria[{i}]", criterion, numbers)


def _variant_problems(at: str, sheet: schema.Sheet, sheets: Mapping[str, schema.Sheet]) -> Iterator[Problem]:
    base = sheets.get(sheet.based_on or "")
    if base is None:
        yield Problem(f"{at}.based_on", f"there is no sheet '{sheet.based_on}'")
        return
    if base.based_on is not None:
        yield Problem(f"{at}.based_on", f"'{sheet.based_on}' is itself based on another sheet")
    if sheet.criteria:
        yield Problem(f"{at}.criteria", "a sheet based_on another takes its criteria; list only `without`")
    base_ids = {c.id for c in base.criteria}
    for i, criterion_id in enumerate(sheet.without):
        if criterion_id not in base_ids:
            yield Problem(f"{at}.without[{i}]", f"'{sheet.based_on}' has no criterion {criterion_id}")


def _observation_problems(sheet_id: str, sheet: schema.ObservationSheet) -> Iterator[Problem]:
    at = f"observation_sheets.{sheet_id}"
    group_ids = [g.id for g in sheet.groups]
    indicator_ids = {f"{g.id}.{n}" for g in sheet.groups for n in range(1, len(g.indicators) + 1)}
    for i, group in enumerate(sheet.groups):
        if group_ids.index(group.id) != i:
            yield Problem(f"{at}.groups[{i}].id", f"group {group.id} is given twice")
    for i, indicator_id in enumerate(sheet.research_only):
        if indicator_id not in indicator_ids:
            yield Problem(f"{at}.research_only[{i}]", f"there is no indicator {indicator_id}")


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _general_problems(data: schema.RuleSetFile) -> Iterator[Problem]:
    applies = data.ruleset.applies
    if applies.to is not None and applies.to < applies.from_:
        yield Problem("ruleset.applies.to", "must not be before `from`")
    for i, window in enumerate(data.windows):
        for key in ("opens", "closes"):
            try:
                date(2000, *_month_day(getattr(window, key)))
            except ValueError:
                yield Problem(f"windows[{i}].{key}", "is not a day of the year")
    if data.essay.min_words > data.essay.max_words:
        yield Problem("essay.min_words", "must not be above max_words")
    choices = {"if_any", "required"}
    for doc_id, document in data.documents.items():
        ref = document.need[1:] if document.need.startswith("@") else None
        if ref is not None and getattr(data.interpretations, ref, None) not in choices:
            yield Problem(f"documents.{doc_id}.need", f"@{ref} is not an [interpretations] key of required/if_any")


def _methodist_sheets_problems(data: schema.RuleSetFile) -> Iterator[Problem]:
    counts = list(schema.dumped(data.observation.methodist_sheets).values())
    if counts != sorted(counts):
        yield Problem("observation.methodist_sheets", "must not fall from moderator to master")


def problems_of(data: schema.RuleSetFile) -> list[Problem]:
    numbers = {name for name, value in data.interpretations if type(value) is int}
    found = [*_general_problems(data), *_methodist_sheets_problems(data)]
    for sheet_id, sheet in data.sheets.items():
        found += _sheet_problems(sheet_id, sheet, data, numbers)
    for sheet_id, observation_sheet in data.observation_sheets.items():
        found += _observation_problems(sheet_id, observation_sheet)
    return found


# Building what the engine uses ------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRule:
    need: str  # "required" or "if_any" (scoring.documents.Need)
    clause: str


@dataclass(frozen=True)
class RuleSet:
    """One loaded rule set: its source, the years it judges, and everything the engine decides with."""

    id: str
    version: str
    title: str
    source: schema.Source
    first_year: int  # the academic year starting in this calendar year
    last_year: int | None
    in_force_from: date | None
    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # ((month, day) opens, (month, day) closes)
    rules: Rules
    sheets: dict[str, model.ScoringSheet]
    observation_sheets: dict[str, ObservationSheet]
    documents: dict[str, DocumentRule]
    areas: dict[str, str]  # a deputy's area of work -> its label
    origin: str = ""

    @property
    def key(self) -> str:
        """A stable name of this set and its version, to store with an application: `kz-2024-pilot@2024.1`."""
        return f"{self.id}@{self.version}"

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def starts_on(self) -> date:
        """The first day an application is judged by this set."""
        return self.in_force_from or date(self.first_year, 9, 1)


def _steps(steps: Sequence[schema.Step]) -> tuple[model.Step, ...]:
    return tuple(model.Step(minimum=s.min, points=s.points, strict=s.strict) for s in steps)


def _option(option: schema.LevelOption, interpretations: Mapping[str, Any]) -> model.LevelOption:
    coauthored = option.coauthored_points
    if isinstance(coauthored, str):
        coauthored = int(interpretations[coauthored[1:]])
    return model.LevelOption(
        name=option.name,
        label=option.label or model.LEVEL_LABELS[option.name],
        points=option.points,
        coauthored_points=coauthored,
        max_count=option.max_count,
    )


def _scale(criterion: schema.Criterion, interpretations: Mapping[str, Any]) -> model.Scale:
    return model.Scale(
        kind=model.ScaleKind(criterion.scale),
        levels=tuple(_option(o, interpretations) for o in criterion.levels),
        kinds_add_up=criterion.kinds_add_up,
        steps=_steps(criterion.steps),
        reduced_steps=_steps(criterion.reduced_steps),
        quantity=None if criterion.quantity is None else model.Quantity(criterion.quantity),
        summed=criterion.summed,
        points=criterion.points,
        bonus=None if criterion.bonus is None else model.Bonus(criterion.bonus),
    )


def _criterion(criterion: schema.Criterion, interpretations: Mapping[str, Any]) -> model.Criterion:
    return model.Criterion(
        id=criterion.id,
        title=criterion.title,
        evidence=criterion.evidence,
        scale=_scale(criterion, interpretations),
        ref=criterion.ref,
        notes=tuple(criterion.notes),
        area=criterion.area,
    )


def _thresholds(sheet: schema.Sheet, interpretations: Mapping[str, Any]) -> dict[Category, int]:
    chosen = sheet.thresholds
    if interpretations["deputy_thresholds"] == "columns" and sheet.column_thresholds is not None:
        chosen = sheet.column_thresholds
    return {Category(name.replace("-", "_")): points for name, points in chosen.items()}


def _sheets(data: schema.RuleSetFile, interpretations: Mapping[str, Any]) -> dict[str, model.ScoringSheet]:
    criteria = {
        sheet_id: tuple(_criterion(c, interpretations) for c in sheet.criteria)
        for sheet_id, sheet in data.sheets.items()
    }
    built = {}
    for sheet_id, sheet in data.sheets.items():
        own = criteria[sheet_id]
        if sheet.based_on is not None:
            own = tuple(c for c in criteria[sheet.based_on] if c.id not in sheet.without)
        built[sheet_id] = model.ScoringSheet(
            id=sheet_id,
            title=sheet.title,
            ref=sheet.ref,
            criteria=own,
            thresholds=_thresholds(sheet, interpretations),
            printed_max=sheet.printed_max,
            reduced_hours=sheet.reduced_hours,
            notes=tuple(sheet.notes),
        )
    return built


def _observation_sheet(sheet_id: str, sheet: schema.ObservationSheet) -> ObservationSheet:
    research = set(sheet.research_only)
    indicators = tuple(
        Indicator(f"{group.id}.{n}", Section(group.section), group.id, text, f"{group.id}.{n}" in research)
        for group in sheet.groups
        for n, text in enumerate(group.indicators, start=1)
    )
    return ObservationSheet(id=sheet_id, title=sheet.title, ref=sheet.ref, indicators=indicators)


def _rules(data: schema.RuleSetFile) -> Rules:
    raw: dict[str, Any] = {name: schema.dumped(getattr(data, name)) for name in schema.RULE_SECTIONS
                           if getattr(data, name) is not None}
    # The complaint's deadlines live in [appeals]; an older file's [deadlines] complaint_* move there.
    raw["appeals"] = Rules(raw).appeals
    for old in ("complaint_forwarded", "complaint_reviewed"):
        raw["deadlines"].pop(old, None)
    raw["windows"] = [schema.dumped(w) for w in data.windows]
    first_opens, first_closes = _month_day(data.windows[0].opens), _month_day(data.windows[0].closes)
    # The first window in the shape `[window]` had before a year could have several.
    raw["window"] = {"start_month": first_opens[0], "start_day": first_opens[1],
                     "end_month": first_closes[0], "end_day": first_closes[1]}
    return Rules(raw)


def _academic_year(text: str | None) -> int | None:
    return None if text is None else int(text[:4])


def build(data: schema.RuleSetFile, origin: str = "") -> RuleSet:
    interpretations = schema.dumped(data.interpretations)
    meta = data.ruleset
    first_year = _academic_year(meta.applies.from_)
    assert first_year is not None
    return RuleSet(
        id=meta.id,
        version=meta.version,
        title=meta.title,
        source=meta.source,
        first_year=first_year,
        last_year=_academic_year(meta.applies.to),
        in_force_from=meta.applies.in_force_from,
        windows=tuple((_month_day(w.opens), _month_day(w.closes)) for w in data.windows),
        rules=_rules(data),
        sheets=_sheets(data, interpretations),
        observation_sheets={k: _observation_sheet(k, s) for k, s in data.observation_sheets.items()},
        documents={
            doc_id: DocumentRule(
                need=str(interpretations[d.need[1:]]) if d.need.startswith("@") else d.need, clause=d.clause
            )
            for doc_id, d in data.documents.items()
        },
        areas={name: area.label for name, area in data.areas.items()},
        origin=origin,
    )


def parse_ruleset(data: Mapping[str, Any], origin: str = "") -> RuleSet:
    """A rule set from the tables of a file; raises RuleSetError with every problem found."""
    try:
        checked = schema.RuleSetFile.model_validate(data)
    except ValidationError as exc:
        raise RuleSetError(origin, _schema_problems(exc)) from exc
    problems = problems_of(checked)
    if problems:
        raise RuleSetError(origin, problems)
    return build(checked, origin)


def read_toml(path: str | Path) -> dict[str, Any]:
    """The tables of a TOML file; a syntax error is a RuleSetError with its line and column."""
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(str(path), [Problem("", f"not valid TOML: {exc}")]) from exc


def read_toml_text(text: str, origin: str) -> dict[str, Any]:
    """The tables of TOML text (a file sent to the bot); a syntax error is a RuleSetError with its place."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(origin, [Problem("", f"not valid TOML: {exc}")]) from exc


def load_ruleset(path: str | Path) -> RuleSet:
    return parse_ruleset(read_toml(path), str(path))
