"""A member's ballot on one candidate: its text (with the points against the threshold and the member's own vote)
and its buttons; and the same ballot once its vote is over, without buttons.

Ballots go to many members at once, each in their own language, so everything takes a `translate`
function instead of the current update's gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards import grid
from features.commission.points import views as points_views
from features.commission.points.service import Total
from features.commission.session.callbacks import CandidateFilesCallback, VoteCallback
from features.dossier.callbacks import DossierAct
from features.dossier.views import dossier_button
from scoring.categories import Category
from scoring.commission import Decision
from scoring.dates import format_time
from scoring.i18n import N_
from scoring.sheets.observation import format_points
from storage.commission_models import AgendaItem, Vote

Translate = Callable[[str], str]

BALLOT = N_("Vote on {name}: current category {current}, claimed {claimed}. Choose the decision, then the "
            "category. You can change your vote until the secretary closes it.")
OWN_TOTAL = N_("Self-assessment: {total} points; threshold for {category}: {threshold}.")
MEMBER_TOTAL = N_("Your commission points: {total}; threshold for {category}: {threshold}.")
YOUR_VOTE = N_("✅ Your vote: {choice} ({time}).")
NO_VOTE_YET = N_("You have not voted yet.")
ABSTAINED = N_("You had not voted when the secretary closed the vote: you are recorded as abstaining.")
CLOSED = N_("🔒 The vote is closed. Decision: {decision}.")
POSTPONED = N_("⏭ The candidate is postponed to a later session; the vote is over.")
SCORE_BUTTON = N_("📝 Score the sheet")
FILES_BUTTON = N_("📎 The candidate's files")
BACK_BUTTON = N_("◀️ Back to the decisions")


def total_line(t: Translate, template: str, total: Total) -> str:
    return t(template).format(total=format_points(total.total),
                              category=t(total.claimed.label) if total.claimed else "—",
                              threshold="—" if total.threshold is None else total.threshold)


def choice_text(t: Translate, decision: str, category: str | None) -> str:
    label = t(Decision(decision).label)
    return f"{label} — {t(Category(category).label)}" if category else label


def vote_line(t: Translate, vote: Vote | None, tz: ZoneInfo) -> str:
    if vote is None:
        return t(NO_VOTE_YET)
    return t(YOUR_VOTE).format(choice=choice_text(t, vote.decision, vote.category), time=format_time(vote.cast_at, tz))


def _header(t: Translate, item: AgendaItem) -> str:
    current = t(Category(item.current_category).label) if item.current_category else "—"
    return t(BALLOT).format(name=item.full_name, current=current, claimed=t(Category(item.claimed_category).label))


def ballot_text(t: Translate, item: AgendaItem, own: Total | None, mine: Total | None,
                vote: str | None = None) -> str:
    """The ballot; `vote` is the member's own vote line (vote_line), shown once they have voted."""
    lines = [_header(t, item)]
    if own is not None:
        lines.append(total_line(t, OWN_TOTAL, own))
    if mine is not None:
        lines.append(total_line(t, MEMBER_TOTAL, mine))
    if vote is not None:
        lines.append(vote)
    return "\n\n".join(lines)


def closed_ballot_text(t: Translate, item: AgendaItem, vote: Vote | None, abstained: bool, decision: str | None,
                       tz: ZoneInfo) -> str:
    """The ballot after its vote: the member's vote (or abstention) and the decision, or the postponement."""
    lines = [_header(t, item)]
    if abstained:
        lines.append(t(ABSTAINED))
    elif vote is not None:
        lines.append(vote_line(t, vote, tz))
    lines.append(t(CLOSED).format(decision=decision) if decision is not None else t(POSTPONED))
    return "\n\n".join(lines)


def ballot_markup(session_id: int, item: AgendaItem, options: Sequence[Decision], t: Translate,
                  scorable: bool = True, files: bool = True) -> InlineKeyboardMarkup:
    """The decisions, then (when the candidate has a sheet) the optional scoring of the sheet, and the files."""
    buttons = [InlineKeyboardButton(text=t(d.label), callback_data=VoteCallback(
        session=session_id, item=item.id, decision=d).pack()) for d in options]
    if scorable:
        buttons.append(points_views.points_button(session_id, item.id, t(SCORE_BUTTON)))
    if files:
        buttons.append(InlineKeyboardButton(text=t(FILES_BUTTON), callback_data=CandidateFilesCallback(
            session=session_id, item=item.id).pack()))
        # The whole application as one PDF (and the originals as a ZIP): a member may have it (features/dossier).
        buttons.append(dossier_button(DossierAct.REVIEW, item.application_id, t))
    return grid(buttons)


def categories_markup(session_id: int, item: AgendaItem, decision: Decision, categories: Sequence[Category],
                      t: Translate) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=t(c.label), callback_data=VoteCallback(
        session=session_id, item=item.id, decision=decision, category=c).pack()) for c in categories]
    buttons.append(InlineKeyboardButton(text=t(BACK_BUTTON), callback_data=VoteCallback(
        session=session_id, item=item.id).pack()))
    return grid(buttons)
