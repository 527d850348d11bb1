"""Texts and keyboards of /score: one criterion, one observation indicator, the summary."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.formatting import Bold, Text
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.attestation_callbacks import ChecklistCallback
from bot.i18n import render
from features.self_assessment.callbacks import ObservationCallback, ScoreCallback
from features.self_assessment.service import evidence_item
from scoring.categories import Category
from scoring.config import Rules
from scoring.documents import Item
from scoring.i18n import N_
from scoring.sheets import Criterion, ScoringSheet
from scoring.sheets.evaluate import CriterionResult, Evaluation
from scoring.sheets.kinds import kinds_of
from scoring.sheets.model import BONUS_LABELS, Quantity, ScaleKind
from scoring.sheets.observation import SECTION_LABELS, Indicator, ObservationSheet, format_points

BAR_WIDTH = 10
KINDS_PER_ROW = 5

QUANTITY_PROMPTS = {
    Quantity.HOURS: N_("Send the hours of your professional-development courses as a number. Several courses "
                       "add up: send them like 72 + 36."),
    Quantity.PERCENT: N_("Send the percentage as a number from 0 to 100."),
    Quantity.SHEETS: N_("Send the number of observation sheets as a whole number."),
}


def _mark(on: bool) -> str:
    return "☑️" if on else "⬜"


def variant_view() -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "Criterion 1.1 (knowledge-quality dynamics) is not scored for mentor-organisers, organisers of initial "
        "military and technological training, pedagogue-psychologists, psychologists, social pedagogues and "
        "pedagogue-assistants: they use the sheet without it, with lower thresholds.\n\nAre you one of them?"
    )
    builder = InlineKeyboardBuilder()
    builder.button(text=_("No, score criterion 1.1"), callback_data=ScoreCallback(action="var", value="1"))
    builder.button(text=_("Yes, the sheet without 1.1"), callback_data=ScoreCallback(action="var", value="0"))
    builder.adjust(1)
    return text, builder.as_markup()


def _nav(builder: InlineKeyboardBuilder, criterion: Criterion) -> None:
    builder.button(text=_("🚫 I have none"), callback_data=ScoreCallback(action="none", crit=criterion.id))
    builder.button(text="⬅️", callback_data=ScoreCallback(action="prev", crit=criterion.id))
    builder.button(text=_("📊 Summary"), callback_data=ScoreCallback(action="sum", crit=criterion.id))
    builder.button(text="➡️", callback_data=ScoreCallback(action="next", crit=criterion.id))


def _kind_line(criterion: Criterion, number: int, kind: dict[str, Any]) -> str:
    option = criterion.scale.level(str(kind.get("level")))
    label = _(option.label) if option is not None else str(kind.get("level"))
    if criterion.scale.kind is ScaleKind.COUNT:
        label = f"{label} ×{kind.get('count', 1)}"
    if kind.get("coauthored"):
        label = _("{level}, co-authored").format(level=label)
    return f"{number}. {label}"


def _level_buttons(builder: InlineKeyboardBuilder, criterion: Criterion, answer: dict[str, Any] | None,
                   adding: bool, can_add: bool) -> list[int]:
    """Levels (they set the last kind of work, or the new one while `adding`), then the last kind's count
    and co-authorship, then adding and removing kinds of work."""
    scale = criterion.scale
    rows: list[int] = []
    kinds = kinds_of(answer)
    last = None if adding or not kinds else kinds[-1]
    chosen = scale.level(str(last["level"])) if last is not None else None
    per_item = scale.kind is ScaleKind.COUNT
    for index, option in enumerate(scale.levels):
        points = (_("{points} per event") if per_item else _("{points} pts")).format(points=option.points)
        mark = "✅ " if option is chosen else ""
        builder.button(text=f"{mark}{_(option.label)} — {points}",
                       callback_data=ScoreCallback(action="lv", crit=criterion.id, value=str(index)))
        rows.append(1)
    if last is not None and chosen is not None and per_item and chosen.max_count:
        count = last.get("count", 1)
        for n in range(1, chosen.max_count + 1):
            builder.button(text=f"{'✅ ' if n == count else ''}×{n}",
                           callback_data=ScoreCallback(action="count", crit=criterion.id, value=str(n)))
        rows.append(chosen.max_count)
    if last is not None and chosen is not None and chosen.coauthored_points is not None:
        coauthored = _("Co-authored")
        builder.button(text=f"{_mark(bool(last.get('coauthored')))} {coauthored}",
                       callback_data=ScoreCallback(action="coauth", crit=criterion.id))
        rows.append(1)
    if adding:
        builder.button(text=_("✖️ Cancel the new kind of work"),
                       callback_data=ScoreCallback(action="go", crit=criterion.id))
        rows.append(1)
    elif can_add:
        builder.button(text=_("➕ Another kind of work"), callback_data=ScoreCallback(action="more", crit=criterion.id))
        rows.append(1)
    if len(kinds) > 1:
        for number, kind in enumerate(kinds, start=1):
            builder.button(text=f"❌ {number}", callback_data=ScoreCallback(
                action="kdel", crit=criterion.id, value=f"{number - 1}-{kind['level']}"))
        # Telegram allows at most 8 buttons a row; 5 still fit a phone's width.
        rows += [min(KINDS_PER_ROW, len(kinds) - start) for start in range(0, len(kinds), KINDS_PER_ROW)]
    return rows


def _level_lines(criterion: Criterion, answer: dict[str, Any] | None, adding: bool) -> list[str]:
    if not criterion.scale.kinds_add_up:
        return [_("Choose the highest level you reached (the same work counts once, at its highest level).")]
    lines = [_("Choose the highest level of this kind of work (the same work counts once, at its highest "
               "level). Different kinds of work add up: record each one with ➕.")]
    kinds = kinds_of(answer)
    if len(kinds) > 1 or adding:
        lines.append("\n".join([_("Kinds of work (the buttons change the last one, ❌ removes one):"),
                                 *(_kind_line(criterion, n, k) for n, k in enumerate(kinds, start=1))]))
    if adding:
        lines.append(_("New kind of work {n}: choose its level.").format(n=len(kinds) + 1))
    return lines


def criterion_view(
    sheet: ScoringSheet, criterion: Criterion, answered: dict[str, Any], result: CriterionResult | None,
    observation_count: int, rules: Rules, adding: bool = False, more_of: Criterion | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """One criterion. `adding`: the level buttons record a new kind of work. `more_of`: the criterion
    answered just before, offered for another kind of work."""
    scale = criterion.scale
    position = [c.id for c in sheet.criteria].index(criterion.id) + 1
    answer = answered.get(criterion.id)
    lines = [
        _("Criterion {id} ({n} of {total}): {title}").format(
            id=criterion.id, n=position, total=len(sheet.criteria), title=_(criterion.title)),
        _("Evidence: {evidence}").format(evidence=_(criterion.evidence)),
    ]
    if criterion.id in answered and result is not None:
        lines.append(_("Your answer: {why} — {points} pts").format(
            why=result.why_text(_), points=format_points(result.points)))
    builder = InlineKeyboardBuilder()
    rows: list[int] = []
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        lines += _level_lines(criterion, answer, adding)
        kinds = len(kinds_of(answer))
        can_add = scale.kinds_add_up and 0 < kinds < int(rules.self_assessment["max_kinds"])
        rows = _level_buttons(builder, criterion, answer, adding, can_add)
    elif scale.kind is ScaleKind.FLAG:
        lines.append(_("Is this met? ({points} pts)").format(points=scale.points))
        met = bool((answer or {}).get("met"))
        label = _("Yes, it is met")
        builder.button(text=f"{'✅ ' if met else ''}{label}",
                       callback_data=ScoreCallback(action="lv", crit=criterion.id, value="met"))
        rows.append(1)
    elif scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        lines.append(_(QUANTITY_PROMPTS[scale.quantity]))
    else:
        lines.append(_(
            "Observation sheets so far: {count} (at least {required} of the last academic year are needed). "
            "Send the totals of all your sheets as numbers from 0 to {cap} (e.g. 72 75 70): what you send "
            "replaces the sheets recorded so far. Or fill in one more sheet indicator by indicator."
        ).format(count=observation_count, required=rules.observation["min_sheets"],
                 cap=rules.observation["total_cap"]))
        builder.button(text=_("📝 Fill in a sheet"), callback_data=ScoreCallback(action="obf", crit=criterion.id))
        rows.append(1)
        if observation_count:
            builder.button(text=_("↩️ Remove the last sheet"),
                           callback_data=ScoreCallback(action="obx", crit=criterion.id))
            rows.append(1)
    if scale.bonus is not None:
        on = bool((answer or {}).get(scale.bonus.value))
        builder.button(text=f"{_mark(on)} {_(BONUS_LABELS[scale.bonus])}",
                       callback_data=ScoreCallback(action="bonus", crit=criterion.id))
        rows.append(1)
    if more_of is not None:
        builder.button(text=_("➕ {id}: another kind of work").format(id=more_of.id),
                       callback_data=ScoreCallback(action="more", crit=more_of.id))
        rows.append(1)
    _nav(builder, criterion)
    builder.adjust(*rows, 1, 3)
    return "\n\n".join(lines), builder.as_markup()


def filling_view(form: ObservationSheet, indicators: tuple[Indicator, ...], index: int,
                 max_level: int) -> tuple[str, InlineKeyboardMarkup]:
    indicator = indicators[index]
    text = _("{form}\n\n{section}, {id} ({n} of {total}):\n{text}\n\nRate it from 0 to {max}.").format(
        form=_(form.title), section=_(SECTION_LABELS[indicator.section]), id=indicator.id, n=index + 1,
        total=len(indicators), text=_(indicator.text), max=max_level)
    builder = InlineKeyboardBuilder()
    for rating in range(max_level + 1):
        builder.button(text=str(rating), callback_data=ObservationCallback(index=index, rating=rating))
    builder.button(text=_("✖️ Stop filling this sheet"), callback_data=ScoreCallback(action="obc"))
    builder.adjust(max_level + 1, 1)
    return text, builder.as_markup()


def progress_bar(total: float, threshold: float) -> str:
    filled = BAR_WIDTH if threshold <= 0 else min(BAR_WIDTH, int(BAR_WIDTH * total / threshold))
    return "[" + "█" * filled + "░" * (BAR_WIDTH - filled) + "]"


def criterion_lines(evaluation: Evaluation) -> list[str]:
    """Each criterion by its number and its title in the reader's language, with its points."""
    return [_("{id} {title}: {points} pts").format(id=r.criterion.id, title=_(r.criterion.title),
                                                  points=format_points(r.points)) for r in evaluation.results]


def summary_view(evaluation: Evaluation, answered: dict[str, Any],
                 checklist: Collection[str]) -> tuple[dict[str, Any], InlineKeyboardMarkup]:
    """The summary; `checklist`: the ids of the person's checklist items (evidence buttons lead there)."""
    sheet = evaluation.sheet
    head = [_("Self-assessment: {title}").format(title=_(sheet.title)), ""]
    tail: list[str] = [""]
    unanswered = [c.id for c in sheet.criteria if c.id not in answered]
    if unanswered:
        tail.append(_("Not answered yet (0 points): {ids}.").format(ids=", ".join(unanswered)))
    for result in evaluation.results:
        # Answered but unscorable criteria say why (fewer than 5 observation sheets; unanswered ones are
        # listed above); criteria with several kinds of work show how they add up.
        answer = answered.get(result.criterion.id)
        if (not result.scorable and result.criterion.id in answered) or len(kinds_of(answer)) > 1:
            tail.append(f"{result.criterion.id}: {result.why_text(_)}")
    claimed: Category | None = evaluation.claimed
    reached = evaluation.category
    tail.append(_("Category reached: {category}.").format(
        category=_(reached.label) if reached else _("none yet")))
    if claimed is not None and evaluation.gap is not None:
        threshold = sheet.thresholds[claimed]
        tail.append(_("Claimed: {category}, {threshold} points.").format(
            category=_(claimed.label), threshold=threshold))
        tail.append(f"{progress_bar(float(evaluation.total), threshold)} "
                    f"{format_points(evaluation.total)} / {threshold}")
        if evaluation.gap == 0:
            tail.append(_("✅ Your total reaches the claimed category."))
        else:
            tail.append(_("{gap} more points are needed.").format(gap=format_points(evaluation.gap)))
            tail.append(_("The fewest changes that would get there:") if evaluation.reachable else
                        _("Even the best answer on every criterion does not reach it; the most you can add:"))
            tail += [f"• {render(item.text)}" for item in evaluation.advice]
    else:
        tail.append(_("Your claimed category is not on this sheet; set it in /profile to see the gap and advice."))
    # Files for every criterion that scores, grouped by the checklist item they belong to.
    items: dict[str, tuple[Item, list[str]]] = {}
    for result in evaluation.results:
        if result.points > 0:
            item = evidence_item(sheet, result.criterion, checklist)
            if item is None:
                continue
            items.setdefault(item.id, (item, []))[1].append(result.criterion.id)
    if items:
        tail += ["", _("Attach the supporting files of the criteria that score to your checklist (/checklist):")]
        tail += [f"📎 {', '.join(ids)} → {_(item.title)}" for item, ids in items.values()]
    tail += ["", _("Tap a criterion to change its answer.")]
    total = _("Total: {points} pts").format(points=format_points(evaluation.total))
    body = Text("\n".join([*head, *criterion_lines(evaluation), ""]), Bold(total), "\n".join(tail))
    builder = InlineKeyboardBuilder()
    for result in evaluation.results:
        builder.button(text=f"✏️ {result.criterion.id} · {format_points(result.points)}",
                       callback_data=ScoreCallback(action="go", crit=result.criterion.id))
    for item, _ids in items.values():
        builder.button(text=f"📎 {_(item.title)}", callback_data=ChecklistCallback(action="open", item=item.id))
    count = len(evaluation.results)
    builder.adjust(*([4] * (count // 4)), *([count % 4] if count % 4 else []), *([1] * len(items)))
    return body.as_kwargs(), builder.as_markup()
