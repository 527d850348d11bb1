"""A member's scoring of a candidate's sheet: the /score criterion screen for this candidate, the summary,
and the ballot's button that opens the sheet."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.i18n import render
from features.commission.points.callbacks import PointsAct, PointsCallback
from features.commission.points.service import Total, total_of

# Module imports both ways (the ballot uses points_button): either module may be imported first.
from features.commission.session import ballot as ballot_texts
from features.self_assessment.callbacks import ScoreAct, ScoreCallback
from features.self_assessment.screens import CriterionScreen
from features.self_assessment.views import criterion_view
from scoring.i18n import Phrase
from scoring.sheets.evaluate import Evaluation
from scoring.sheets.observation import format_points

# Buttons of the /score screen a member does not get: filling an observation sheet indicator by indicator
# is the teacher's own record; the member types the totals they accept.
# "➕ another kind of work" needs the /score step state; a member changes the kinds the candidate recorded.
DROPPED_ACTIONS = {ScoreAct.FILL_OBSERVATION, ScoreAct.STOP_FILLING, ScoreAct.MORE}
SUMMARY_COLUMNS = 4


def points_button(session_id: int, item_id: int, text: str) -> InlineKeyboardButton:
    """The ballot's "score the sheet" button (`text` already in the member's language)."""
    return InlineKeyboardButton(text=text, callback_data=PointsCallback(
        sid=session_id, item=item_id, a=PointsAct.OPEN).pack())


@dataclass(frozen=True)
class MemberCriterion:
    """A criterion of the member's sheet of candidate `name`, whose sheet now totals `total`."""

    screen: CriterionScreen
    session_id: int
    item_id: int
    name: str
    total: Total
    note: Phrase | None = None


@dataclass(frozen=True)
class MemberSummary:
    evaluation: Evaluation
    own: Total | None  # the candidate's self-assessment
    session_id: int
    item_id: int
    name: str


@dataclass(frozen=True)
class Ballot:
    """Back on the ballot (rendered by the session's ballot functions)."""

    text: str
    markup: InlineKeyboardMarkup


def remap(markup: InlineKeyboardMarkup, sid: int, item: int) -> InlineKeyboardMarkup:
    """The /score keyboard with each ScoreCallback turned into a PointsCallback for this candidate."""
    rows = []
    for row in markup.inline_keyboard:
        out = []
        for b in row:
            data = ScoreCallback.unpack(b.callback_data or "")
            if data.action in DROPPED_ACTIONS:
                continue
            out.append(InlineKeyboardButton(text=b.text, callback_data=PointsCallback(
                sid=sid, item=item, a=PointsAct(data.action.value), crit=data.crit, v=data.value).pack()))
        if out:
            rows.append(out)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def member_criterion_view(shown: MemberCriterion) -> tuple[str, InlineKeyboardMarkup]:
    text, markup = criterion_view(shown.screen)
    head = _("Commission points for {name}: {total}. The sheet starts from the candidate's self-assessment; "
             "change only what you disagree with.").format(name=shown.name, total=format_points(shown.total.total))
    note = render(shown.note) if shown.note is not None else None
    text = "\n\n".join(part for part in (note, head, text) if part)
    return text, remap(markup, shown.session_id, shown.item_id)


def member_summary_view(shown: MemberSummary) -> tuple[str, InlineKeyboardMarkup]:
    evaluation, sid, item = shown.evaluation, shown.session_id, shown.item_id
    lines = [ballot_texts.total_line(_, ballot_texts.MEMBER_TOTAL, total_of(evaluation))]
    if shown.own is not None:
        lines.append(ballot_texts.total_line(_, ballot_texts.OWN_TOTAL, shown.own))
    lines += [f"{r.criterion.id}: {format_points(r.points)}" for r in evaluation.results]
    buttons = [InlineKeyboardButton(text=f"✏️ {r.criterion.id} · {format_points(r.points)}",
                                    callback_data=PointsCallback(sid=sid, item=item, a=PointsAct.GO,
                                                                 crit=r.criterion.id).pack())
               for r in evaluation.results]
    rows = [buttons[i:i + SUMMARY_COLUMNS] for i in range(0, len(buttons), SUMMARY_COLUMNS)]
    rows.append([InlineKeyboardButton(text=_("✅ Done: back to the ballot"), callback_data=PointsCallback(
        sid=sid, item=item, a=PointsAct.BACK).pack())])
    text = _("Commission points for {name}").format(name=shown.name) + "\n\n" + "\n".join(lines)
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def render_points(shown: MemberCriterion | MemberSummary | Ballot) -> tuple[str, InlineKeyboardMarkup]:
    if isinstance(shown, MemberCriterion):
        return member_criterion_view(shown)
    if isinstance(shown, MemberSummary):
        return member_summary_view(shown)
    return shown.text, shown.markup
