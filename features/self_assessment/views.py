"""Texts and keyboards of /score: one criterion, one observation indicator, the summary."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.formatting import Bold, Text
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import render
from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from features.miniapp.links import form_button
from features.self_assessment.callbacks import ObservationCallback, ScoreAct, ScoreCallback
from features.self_assessment.screens import (
    CriterionScreen,
    FillingScreen,
    NoticeScreen,
    Screen,
    Shown,
    SummaryScreen,
    VariantScreen,
)
from features.self_assessment.service import evidence_item
from scoring.categories import Category
from scoring.documents import Item
from scoring.i18n import N_
from scoring.sheets import Criterion
from scoring.sheets.evaluate import Evaluation
from scoring.sheets.kinds import kinds_of
from scoring.sheets.model import BONUS_LABELS, LevelOption, Quantity, ScaleKind
from scoring.sheets.observation import SECTION_LABELS, format_points

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
    builder.button(text=_("No, score criterion 1.1"),
                   callback_data=ScoreCallback(action=ScoreAct.VARIANT, value="1"))
    builder.button(text=_("Yes, the sheet without 1.1"),
                   callback_data=ScoreCallback(action=ScoreAct.VARIANT, value="0"))
    builder.adjust(1)
    return text, builder.as_markup()


def _nav(builder: InlineKeyboardBuilder, criterion: Criterion) -> None:
    builder.button(text=_("🚫 I have none"), callback_data=ScoreCallback(action=ScoreAct.NONE, crit=criterion.id))
    builder.button(text="⬅️", callback_data=ScoreCallback(action=ScoreAct.PREV, crit=criterion.id))
    builder.button(text=_("📊 Summary"), callback_data=ScoreCallback(action=ScoreAct.SUMMARY, crit=criterion.id))
    builder.button(text="➡️", callback_data=ScoreCallback(action=ScoreAct.NEXT, crit=criterion.id))


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
    kinds = kinds_of(answer)
    last = None if adding or not kinds else kinds[-1]
    chosen = criterion.scale.level(str(last["level"])) if last is not None else None
    rows = _levels(builder, criterion, chosen)
    if last is not None and chosen is not None:
        rows += _last_kind_buttons(builder, criterion, last, chosen)
    if adding:
        builder.button(text=_("✖️ Cancel the new kind of work"),
                       callback_data=ScoreCallback(action=ScoreAct.GO, crit=criterion.id))
        rows.append(1)
    elif can_add:
        builder.button(text=_("➕ Another kind of work"),
                       callback_data=ScoreCallback(action=ScoreAct.MORE, crit=criterion.id))
        rows.append(1)
    return rows + _remove_kind_buttons(builder, criterion, kinds)


def _levels(builder: InlineKeyboardBuilder, criterion: Criterion, chosen: LevelOption | None) -> list[int]:
    per_item = criterion.scale.kind is ScaleKind.COUNT
    for index, option in enumerate(criterion.scale.levels):
        points = (_("{points} per event") if per_item else _("{points} pts")).format(points=option.points)
        mark = "✅ " if option is chosen else ""
        builder.button(text=f"{mark}{_(option.label)} — {points}",
                       callback_data=ScoreCallback(action=ScoreAct.LEVEL, crit=criterion.id, value=str(index)))
    return [1] * len(criterion.scale.levels)


def _last_kind_buttons(builder: InlineKeyboardBuilder, criterion: Criterion, last: dict[str, Any],
                       chosen: LevelOption) -> list[int]:
    """The count and the co-authorship of the last kind of work recorded."""
    rows: list[int] = []
    if criterion.scale.kind is ScaleKind.COUNT and chosen.max_count:
        count = last.get("count", 1)
        for n in range(1, chosen.max_count + 1):
            builder.button(text=f"{'✅ ' if n == count else ''}×{n}",
                           callback_data=ScoreCallback(action=ScoreAct.COUNT, crit=criterion.id, value=str(n)))
        rows.append(chosen.max_count)
    if chosen.coauthored_points is not None:
        coauthored = _("Co-authored")
        builder.button(text=f"{_mark(bool(last.get('coauthored')))} {coauthored}",
                       callback_data=ScoreCallback(action=ScoreAct.COAUTHORED, crit=criterion.id))
        rows.append(1)
    return rows


def _remove_kind_buttons(builder: InlineKeyboardBuilder, criterion: Criterion,
                         kinds: list[dict[str, Any]]) -> list[int]:
    if len(kinds) <= 1:
        return []
    for number, kind in enumerate(kinds, start=1):
        builder.button(text=f"❌ {number}", callback_data=ScoreCallback(
            action=ScoreAct.REMOVE_KIND, crit=criterion.id, value=f"{number - 1}-{kind['level']}"))
    # Telegram allows at most 8 buttons a row; 5 still fit a phone's width.
    return [min(KINDS_PER_ROW, len(kinds) - start) for start in range(0, len(kinds), KINDS_PER_ROW)]


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


def _criterion_head(screen: CriterionScreen) -> list[str]:
    sheet, criterion, answered, result = screen.sheet, screen.criterion, screen.answered, screen.result
    position = [c.id for c in sheet.criteria].index(criterion.id) + 1
    lines = [
        _("Criterion {id} ({n} of {total}): {title}").format(
            id=criterion.id, n=position, total=len(sheet.criteria), title=_(criterion.title)),
        _("Evidence: {evidence}").format(evidence=_(criterion.evidence)),
    ]
    if criterion.id in answered and result is not None:
        lines.append(_("Your answer: {why} — {points} pts").format(
            why=result.why_text(_), points=format_points(result.points)))
    return lines


def _flag_body(builder: InlineKeyboardBuilder, criterion: Criterion, answer: dict[str, Any] | None) -> list[str]:
    met = bool((answer or {}).get("met"))
    label = _("Yes, it is met")
    builder.button(text=f"{'✅ ' if met else ''}{label}",
                   callback_data=ScoreCallback(action=ScoreAct.LEVEL, crit=criterion.id, value="met"))
    return [_("Is this met? ({points} pts)").format(points=criterion.scale.points)]


def _observation_body(builder: InlineKeyboardBuilder, screen: CriterionScreen) -> tuple[list[str], list[int]]:
    rules, count, crit = screen.rules, screen.observation_count, screen.criterion.id
    line = _(
        "Observation sheets so far: {count} (at least {required} of the last academic year are needed). "
        "Send the totals of all your sheets as numbers from 0 to {cap} (e.g. 72 75 70): what you send "
        "replaces the sheets recorded so far. Or fill in one more sheet indicator by indicator."
    ).format(count=count, required=rules.observation["min_sheets"], cap=rules.observation["total_cap"])
    builder.button(text=_("📝 Fill in a sheet"), callback_data=ScoreCallback(action=ScoreAct.FILL_OBSERVATION,
                                                                            crit=crit))
    if not count:
        return [line], [1]
    builder.button(text=_("↩️ Remove the last sheet"),
                   callback_data=ScoreCallback(action=ScoreAct.REMOVE_OBSERVATION, crit=crit))
    return [line], [1, 1]


def _scale_body(builder: InlineKeyboardBuilder, screen: CriterionScreen) -> tuple[list[str], list[int]]:
    """The lines and the button rows of the criterion's own scale."""
    criterion, scale = screen.criterion, screen.criterion.scale
    answer = screen.answered.get(criterion.id)
    if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
        kinds = len(kinds_of(answer))
        can_add = scale.kinds_add_up and 0 < kinds < int(screen.rules.self_assessment["max_kinds"])
        return (_level_lines(criterion, answer, screen.adding),
                _level_buttons(builder, criterion, answer, screen.adding, can_add))
    if scale.kind is ScaleKind.FLAG:
        return _flag_body(builder, criterion, answer), [1]
    if scale.kind is ScaleKind.THRESHOLD:
        assert scale.quantity is not None
        return [_(QUANTITY_PROMPTS[scale.quantity])], []
    return _observation_body(builder, screen)


def _extra_buttons(builder: InlineKeyboardBuilder, screen: CriterionScreen) -> list[int]:
    """The criterion's bonus toggle, and "another kind of work" on the criterion answered just before."""
    scale, rows = screen.criterion.scale, []
    if scale.bonus is not None:
        on = bool((screen.answered.get(screen.criterion.id) or {}).get(scale.bonus.value))
        builder.button(text=f"{_mark(on)} {_(BONUS_LABELS[scale.bonus])}",
                       callback_data=ScoreCallback(action=ScoreAct.BONUS, crit=screen.criterion.id))
        rows.append(1)
    if screen.more_of is not None:
        builder.button(text=_("➕ {id}: another kind of work").format(id=screen.more_of.id),
                       callback_data=ScoreCallback(action=ScoreAct.MORE, crit=screen.more_of.id))
        rows.append(1)
    return rows


def criterion_view(screen: CriterionScreen) -> tuple[str, InlineKeyboardMarkup]:
    """One criterion: its title and evidence, the answer so far, its scale's buttons, then the navigation."""
    builder = InlineKeyboardBuilder()
    lines, rows = _scale_body(builder, screen)
    rows += _extra_buttons(builder, screen)
    _nav(builder, screen.criterion)
    builder.adjust(*rows, 1, 3)
    text = "\n\n".join([*_criterion_head(screen), *lines])
    return (f"{render(screen.note)}\n\n{text}" if screen.note else text), builder.as_markup()


def filling_view(screen: FillingScreen) -> tuple[str, InlineKeyboardMarkup]:
    form, indicators, index, max_level = screen.form, screen.indicators, screen.index, screen.max_level
    indicator = indicators[index]
    text = _("{form}\n\n{section}, {id} ({n} of {total}):\n{text}\n\nRate it from 0 to {max}.").format(
        form=_(form.title), section=_(SECTION_LABELS[indicator.section]), id=indicator.id, n=index + 1,
        total=len(indicators), text=_(indicator.text), max=max_level)
    builder = InlineKeyboardBuilder()
    for rating in range(max_level + 1):
        builder.button(text=str(rating), callback_data=ObservationCallback(index=index, rating=rating))
    builder.button(text=_("✖️ Stop filling this sheet"), callback_data=ScoreCallback(action=ScoreAct.STOP_FILLING))
    builder.adjust(max_level + 1, 1)
    return text, builder.as_markup()


def progress_bar(total: float, threshold: float) -> str:
    filled = BAR_WIDTH if threshold <= 0 else min(BAR_WIDTH, int(BAR_WIDTH * total / threshold))
    return "[" + "█" * filled + "░" * (BAR_WIDTH - filled) + "]"


def criterion_lines(evaluation: Evaluation) -> list[str]:
    """Each criterion by its number and its title in the reader's language, with its points."""
    return [_("{id} {title}: {points} pts").format(id=r.criterion.id, title=_(r.criterion.title),
                                                  points=format_points(r.points)) for r in evaluation.results]


def answer_notes(evaluation: Evaluation, answered: dict[str, Any]) -> list[str]:
    """What is unanswered; why answered criteria do not score; how several kinds of work add up."""
    lines: list[str] = []
    unanswered = [c.id for c in evaluation.sheet.criteria if c.id not in answered]
    if unanswered:
        lines.append(_("Not answered yet (0 points): {ids}.").format(ids=", ".join(unanswered)))
    for result in evaluation.results:
        # Answered but unscorable criteria say why (fewer than 5 observation sheets; unanswered ones are
        # listed above); criteria with several kinds of work show how they add up.
        answer = answered.get(result.criterion.id)
        if (not result.scorable and result.criterion.id in answered) or len(kinds_of(answer)) > 1:
            lines.append(f"{result.criterion.id}: {result.why_text(_)}")
    return lines


def claim_lines(evaluation: Evaluation, with_bar: bool = True) -> list[str]:
    """The category reached, and against the claimed one the gap and the fewest changes to close it
    (the Mini App draws its own bar: `with_bar` False)."""
    claimed: Category | None = evaluation.claimed
    reached = evaluation.category
    lines = [_("Category reached: {category}.").format(category=_(reached.label) if reached else _("none yet"))]
    if claimed is None or evaluation.gap is None:
        return [*lines, _("Your claimed category is not on this sheet; set it in /profile to see the gap and "
                          "advice.")]
    threshold = evaluation.sheet.thresholds[claimed]
    lines.append(_("Claimed: {category}, {threshold} points.").format(category=_(claimed.label), threshold=threshold))
    if with_bar:
        bar = progress_bar(float(evaluation.total), threshold)
        lines.append(f"{bar} {format_points(evaluation.total)} / {threshold}")
    if evaluation.gap == 0:
        return [*lines, _("✅ Your total reaches the claimed category.")]
    lines.append(_("{gap} more points are needed.").format(gap=format_points(evaluation.gap)))
    lines.append(_("The fewest changes that would get there:") if evaluation.reachable else
                 _("Even the best answer on every criterion does not reach it; the most you can add:"))
    return lines + [f"• {render(item.text)}" for item in evaluation.advice]


def evidence_items(evaluation: Evaluation, checklist: Collection[str]) -> dict[str, tuple[Item, list[str]]]:
    """Files for every criterion that scores, grouped by the checklist item they belong to."""
    items: dict[str, tuple[Item, list[str]]] = {}
    for result in evaluation.results:
        item = evidence_item(evaluation.sheet, result.criterion, checklist) if result.points > 0 else None
        if item is not None:
            items.setdefault(item.id, (item, []))[1].append(result.criterion.id)
    return items


def _summary_keyboard(evaluation: Evaluation, items: Collection[Item]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for result in evaluation.results:
        builder.button(text=f"✏️ {result.criterion.id} · {format_points(result.points)}",
                       callback_data=ScoreCallback(action=ScoreAct.GO, crit=result.criterion.id))
    for item in items:
        builder.button(text=f"📎 {_(item.title)}",
                       callback_data=ChecklistCallback(action=ChecklistAct.OPEN, item=item.id))
    count = len(evaluation.results)
    builder.adjust(*([4] * (count // 4)), *([count % 4] if count % 4 else []), *([1] * len(items)))
    return builder.as_markup()


def summary_view(screen: SummaryScreen) -> tuple[dict[str, Any], InlineKeyboardMarkup]:
    """The summary: each criterion's points, the total in bold, the claim, the evidence to attach."""
    evaluation = screen.evaluation
    head = [_("Self-assessment: {title}").format(title=_(evaluation.sheet.title)), ""]
    tail = ["", *answer_notes(evaluation, screen.answered), *claim_lines(evaluation)]
    items = evidence_items(evaluation, screen.checklist)
    if items:
        tail += ["", _("Attach the supporting files of the criteria that score to your checklist (/checklist):")]
        tail += [f"📎 {', '.join(ids)} → {_(item.title)}" for item, ids in items.values()]
    tail += ["", _("Tap a criterion to change its answer.")]
    total = _("Total: {points} pts").format(points=format_points(evaluation.total))
    body = Text("\n".join([*head, *criterion_lines(evaluation), ""]), Bold(total), "\n".join(tail))
    return body.as_kwargs(), _summary_keyboard(evaluation, [item for item, _ids in items.values()])


@dataclass(frozen=True)
class Rendered:
    """A screen as a message: its text, its keyboard and any other send_message arguments (entities)."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def form_offer(shown: Shown, form_url: str | None) -> Rendered | None:
    """The Mini App's form, offered beside the chat flow once there is a sheet to fill (not before the profile)."""
    if form_url is None or isinstance(shown.screen, NoticeScreen):
        return None
    builder = InlineKeyboardBuilder()
    builder.row(form_button(form_url))
    return Rendered(_("📝 The form shows the whole sheet on one screen, with the total as you answer. It saves into "
                      "the same answers as here: use either, or both."), builder.as_markup())


def render_screen(screen: Screen) -> Rendered:
    if isinstance(screen, CriterionScreen):
        return Rendered(*criterion_view(screen))
    if isinstance(screen, SummaryScreen):
        kwargs, markup = summary_view(screen)
        return Rendered(kwargs.pop("text"), markup, kwargs)
    if isinstance(screen, FillingScreen):
        return Rendered(*filling_view(screen))
    if isinstance(screen, VariantScreen):
        return Rendered(*variant_view())
    return Rendered(render(screen.text))
