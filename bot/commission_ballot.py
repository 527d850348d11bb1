"""A member's ballot on one candidate: its text (with the points against the threshold) and its buttons.

Ballots go to many members at once, each in their own language, so everything takes a `translate`
function instead of the current update's gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commission_callbacks import PointsCallback, VoteCallback
from bot.keyboards import grid
from bot.services.commission_points import Total
from scoring.categories import Category
from scoring.commission import Decision
from scoring.i18n import N_
from scoring.sheets.observation import format_points
from storage.commission_models import AgendaItem

Translate = Callable[[str], str]

BALLOT = N_("Vote on {name}: current category {current}, claimed {claimed}. Choose the decision, then the "
            "category. You can change your vote until the secretary closes it.")
OWN_TOTAL = N_("Self-assessment: {total} points; threshold for {category}: {threshold}.")
MEMBER_TOTAL = N_("Your commission points: {total}; threshold for {category}: {threshold}.")
SCORE_BUTTON = N_("📝 Score the sheet")


def total_line(t: Translate, template: str, total: Total) -> str:
    return t(template).format(total=format_points(total.total),
                              category=t(total.claimed.label) if total.claimed else "—",
                              threshold="—" if total.threshold is None else total.threshold)


def ballot_text(t: Translate, item: AgendaItem, own: Total | None, mine: Total | None) -> str:
    current = t(Category(item.current_category).label) if item.current_category else "—"
    lines = [t(BALLOT).format(name=item.full_name, current=current, claimed=t(Category(item.claimed_category).label))]
    if own is not None:
        lines.append(total_line(t, OWN_TOTAL, own))
    if mine is not None:
        lines.append(total_line(t, MEMBER_TOTAL, mine))
    return "\n\n".join(lines)


def ballot_markup(session_id: int, item: AgendaItem, options: Sequence[Decision], t: Translate,
                  scorable: bool = True) -> InlineKeyboardMarkup:
    """The decisions, then (when the candidate has a sheet) the optional scoring of the sheet."""
    buttons = [InlineKeyboardButton(text=t(d.label), callback_data=VoteCallback(sid=session_id, item=item.id,
                                                                              d=d.code).pack())
               for d in options]
    if scorable:
        buttons.append(InlineKeyboardButton(text=t(SCORE_BUTTON), callback_data=PointsCallback(
            sid=session_id, item=item.id, a="open").pack()))
    return grid(buttons)
