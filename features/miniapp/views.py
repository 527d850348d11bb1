"""The Mini App's JSON, in the reader's language: the page's labels, her sheet with its live result, her checklist.

Rendered inside the locale's gettext context (`_` as everywhere), from the same texts as the chat's views.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.i18n import render
from features.checklist.service import Checklist
from features.checklist.views import ICONS, file_label, frozen_line, progress_line, state_note
from features.miniapp.service import OpenForm
from features.self_assessment.views import QUANTITY_PROMPTS, answer_notes, claim_lines, evidence_items
from scoring.categories import Category
from scoring.config import Rules
from scoring.i18n import N_
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.evaluate import Evaluation, json_number
from scoring.sheets.kinds import kinds_of
from scoring.sheets.model import BONUS_LABELS, QUANTITY_UNITS, ScaleKind
from scoring.sheets.observation import format_points

# The page's own labels: every text it shows comes from here or from the data, in her language.
PAGE_STRINGS: dict[str, str] = {
    "thresholds": N_("Category thresholds"),
    "answered": N_("Answered: {done} of {total}"),
    "not_answered": N_("Not answered yet"),
    "none": N_("🚫 I have none"),
    "another_kind": N_("➕ Another kind of work"),
    "remove_kind": N_("Remove"),
    "kind": N_("Kind of work {n}"),
    "choose_level": N_("Choose the level"),
    "coauthored": N_("Co-authored"),
    "events": N_("Number of events"),
    "save": N_("Save"),
    "met": N_("Yes, it is met"),
    "clause": N_("Clause: {ref}"),
    "points": N_("{points} pts"),
    "per_event": N_("{points} per event"),
    "variant": N_("Which sheet"),
    "network": N_("No connection to the bot. Check the internet and try again."),
    "open_in_chat": N_("Open in the chat"),
    "files": N_("Files:"),
    "back_to_chat": N_("Back to the chat"),
    "summary": N_("Summary"),
}


# The sheets' references (App 8, sheet 1, 1.2; explanatory note, item 1) in the reader's language.
_REF = re.compile(r"^App (\d+), sheet (\d+)(?:, (\d+\.\d+))?(?:; explanatory note, item (\d+))?$")
REF_TEXTS = (N_("App {app}, sheet {sheet}"), N_("App {app}, sheet {sheet}, criterion {criterion}"),
             N_("App {app}, sheet {sheet}, criterion {criterion}; explanatory note, item {item}"))


def clause_text(ref: str) -> str:
    """A criterion's reference to the printed text, as the reader writes it (the data's own words otherwise)."""
    found = _REF.match(ref)
    if found is None:
        return ref
    app, sheet, criterion, item = found.groups()
    if criterion is None:
        return _(REF_TEXTS[0]).format(app=app, sheet=sheet) if item is None else ref
    text = REF_TEXTS[1] if item is None else REF_TEXTS[2]
    return _(text).format(app=app, sheet=sheet, criterion=criterion, item=item)


def strings() -> dict[str, str]:
    return {key: _(text) for key, text in PAGE_STRINGS.items()}


def _bonus(criterion: Criterion) -> dict[str, str] | None:
    bonus = criterion.scale.bonus
    return None if bonus is None else {"key": bonus.value, "label": _(BONUS_LABELS[bonus])}


def _levels(criterion: Criterion) -> list[dict[str, Any]]:
    return [{"name": o.name, "label": _(o.label), "points": o.points, "coauthored_points": o.coauthored_points,
             "max_count": o.max_count} for o in criterion.scale.levels]


def input_of(criterion: Criterion, rules: Rules) -> dict[str, Any]:
    """The inputs an answer of this criterion needs (the form's controls)."""
    scale = criterion.scale
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        return {"kind": scale.kind.value, "levels": _levels(criterion), "kinds_add_up": scale.kinds_add_up,
                "max_kinds": int(rules.self_assessment["max_kinds"]) if scale.kinds_add_up else 1,
                "coauthored": scale.coauthored_allowed, "counted": scale.kind is ScaleKind.COUNT,
                "bonus": _bonus(criterion)}
    if scale.kind is ScaleKind.FLAG:
        return {"kind": "flag", "points": scale.points, "bonus": _bonus(criterion)}
    if scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        return {"kind": "threshold", "key": scale.quantity.value, "summed": scale.summed,
                "prompt": _(QUANTITY_PROMPTS[scale.quantity]),
                "unit": _(QUANTITY_UNITS[scale.quantity]).format(value="").strip()}
    return {"kind": "observation", "cap": int(rules.observation["total_cap"]),
            "min_sheets": int(rules.observation["min_sheets"]),
            "max_sheets": int(rules.self_assessment["max_observation_sheets"]),
            "prompt": _("Send the totals of all your observation sheets as numbers from 0 to {cap}, e.g. 72 75 70."
                        ).format(cap=rules.observation["total_cap"])}


def form_value(criterion: Criterion, answer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored answer as the form's controls hold it (the same shape the form posts back)."""
    if answer is None:
        return None
    kind = criterion.scale.kind
    bonus = criterion.scale.bonus.value if criterion.scale.bonus is not None else None
    extra = {bonus: bool(answer.get(bonus))} if bonus else {}
    if kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        return {"kinds": kinds_of(answer), **extra}
    if kind is ScaleKind.FLAG:
        return {"met": bool(answer.get("met")), **extra}
    value = answer.get(criterion.scale.quantity.value if criterion.scale.quantity else "observations")
    numbers = value if isinstance(value, list) else [] if value is None else [value]
    return {"text": (" + " if kind is ScaleKind.THRESHOLD else " ").join(str(n) for n in numbers)}


def _criterion(form: OpenForm, criterion: Criterion) -> dict[str, Any]:
    answered = form.answered
    return {"id": criterion.id, "title": _(criterion.title), "evidence": _(criterion.evidence),
            "clause": clause_text(criterion.ref), "notes": [_(note) for note in criterion.notes],
            "input": input_of(criterion, form.service.rules), "answered": criterion.id in answered,
            "value": form_value(criterion, answered.get(criterion.id))}


def _category(category: Category | None) -> str | None:
    return _(category.label) if category is not None else None


def result_json(evaluation: Evaluation, answered: dict[str, Any], checklist: frozenset[str]) -> dict[str, Any]:
    """The live total as the chat's summary gives it: each criterion's points, the thresholds, the category
    reached, the gap to the claimed one and the fewest improvements (the same lines as the chat)."""
    claimed = evaluation.claimed
    items = evidence_items(evaluation, checklist)
    return {
        "total": format_points(evaluation.total), "total_number": json_number(evaluation.total),
        "total_line": _("Total: {points} pts").format(points=format_points(evaluation.total)),
        "category": _category(evaluation.category), "claimed": _category(claimed),
        "gap": None if evaluation.gap is None else format_points(evaluation.gap),
        "thresholds": [{"category": _(c.label), "points": points, "reached": evaluation.total >= points,
                        "claimed": c is claimed} for c, points in evaluation.sheet.thresholds.items()],
        "criteria": {r.criterion.id: {"points": format_points(r.points), "why": r.why_text(_),
                                      "scorable": r.scorable} for r in evaluation.results},
        "lines": [*answer_notes(evaluation, answered), *claim_lines(evaluation, with_bar=False)],
        "advice": [render(item.text) for item in evaluation.advice],
        "evidence": [f"📎 {', '.join(ids)} → {_(item.title)}" for item, ids in items.values()],
    }


def _variants(form: OpenForm) -> list[dict[str, str]]:
    return [{"id": s.id, "title": _(s.title)} for s in form.variants] if len(form.variants) > 1 else []


def _sheet(sheet: ScoringSheet) -> dict[str, Any]:
    return {"id": sheet.id, "title": _(sheet.title), "clause": clause_text(sheet.ref),
            "notes": [_(note) for note in sheet.notes]}


def sheet_json(form: OpenForm, locale: str) -> dict[str, Any]:
    """Everything the form shows: the labels, the sheet and each criterion with its inputs, the result."""
    return {"locale": locale, "strings": strings(), "sheet": _sheet(form.sheet), "variants": _variants(form),
            "criteria": [_criterion(form, c) for c in form.sheet.criteria],
            "result": result_json(form.evaluation, form.answered, form.checklist)}


def saved_json(form: OpenForm, criterion_id: str) -> dict[str, Any]:
    """After a save: the criterion as stored now and the live result."""
    criterion = form.sheet.criterion(criterion_id)
    assert criterion is not None
    return {"criterion": _criterion(form, criterion), "message": _("Saved."),
            "result": result_json(form.evaluation, form.answered, form.checklist)}


def checklist_json(checklist: Checklist, files: Mapping[str, list[Any]], links: Mapping[str, str],
                   locale: str) -> dict[str, Any]:
    """Each item with its status, its reason and clause, its files and the link that opens it in the chat."""
    claimed = checklist.doc_profile.claimed
    title = _("📋 Documents for attestation")
    if claimed is not None:
        title += f" — {_(Category(claimed).label)}"
    items = [{"id": s.item.id, "title": _(s.item.title), "icon": ICONS[s.state], "state": s.state.value,
              "status": state_note(s), "reason": render(s.help), "optional": s.optional,
              "files": [file_label(f) for f in files.get(s.item.id, [])], "link": links[s.item.id]}
             for s in checklist.states]
    return {"locale": locale, "strings": strings(), "title": title, "progress": progress_line(checklist),
            "frozen": frozen_line(checklist), "complete": checklist.progress.complete, "items": items}
