"""A member scores the candidate's sheet (commission points) from the ballot, before voting.

The criterion screens are those of /score (`features.self_assessment.views.criterion_view`, answers changed by the
pure `_changed_answer` of features.self_assessment.handlers); only the callback data is rewritten to carry the
session and the candidate, so every press is re-checked like a vote: a member, present, not the candidate nor their
head, while the vote on the candidate is open.
"""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import number_in
from bot.i18n import render
from bot.settings import Settings
from bot.views import answer_stale
from features.commission.callbacks import PointsCallback
from features.commission.points.service import PointsService, total_of
from features.commission.session.ballot import MEMBER_TOTAL, OWN_TOTAL, total_line
from features.commission.session.handlers import ballot, ballot_body, services
from features.commission.session.service import SessionService
from features.self_assessment import views
from features.self_assessment.callbacks import ScoreCallback
from scoring.i18n import N_, Phrase
from scoring.sheets import Criterion
from scoring.sheets.entry import observation_totals, quantity_answer
from scoring.sheets.evaluate import AnswerError
from scoring.sheets.kinds import choose_level, remove_kind, set_count, toggle_bonus, toggle_coauthored
from scoring.sheets.model import ScaleKind
from scoring.sheets.observation import format_points
from storage.commission_models import AgendaItem, CommissionPoints, CommissionSession

# Buttons of the /score screen a member does not get: filling an observation sheet indicator by indicator
# is the teacher's own record; the member types the totals they accept.
# "➕ another kind of work" needs the /score step state; a member changes the kinds the candidate recorded.
DROPPED_ACTIONS = {"obf", "obc", "more"}
BUTTON_ACTIONS = {"lv", "count", "coauth", "bonus", "kdel"}


def _number(value: str) -> int | None:
    return number_in(value, 999)


def changed_answer(criterion: Criterion, current: dict[str, Any] | None, action: str, value: str,
                   max_kinds: int) -> dict[str, Any] | None:
    """The answer after a button, by the pure editing rules /score uses (scoring.sheets.kinds); None when
    the button does not fit the criterion (forged or stale)."""
    if action == "lv" and criterion.scale.kind is ScaleKind.FLAG:
        return {**(current or {}), "met": True} if value == "met" else None
    number = _number(value)
    if action == "lv":
        return None if number is None else choose_level(criterion, current, number, False, max_kinds)
    if action == "count":
        return None if number is None else set_count(criterion, current, number)
    if action == "coauth":
        return toggle_coauthored(criterion, current)
    if action == "bonus":
        return toggle_bonus(criterion, current)
    if action == "kdel":
        index, _sep, level = value.partition("-")  # "1-region": position and level, as /score packs it
        position = _number(index)
        return None if position is None else remove_kind(criterion, current, position, level)
    return None


class PointsForm(StatesGroup):
    criterion = State()  # data: pt_sid, pt_item, pt_crit (typed answers: hours, percent, observation totals)


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
                sid=sid, item=item, a=data.action, crit=data.crit, v=data.value).pack()))
        if out:
            rows.append(out)
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _show(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup, edit: int | None) -> None:
    if edit is not None:
        with contextlib.suppress(TelegramBadRequest):  # "message is not modified" on a repeated tap
            await bot.edit_message_text(text=text, chat_id=chat_id, message_id=edit, reply_markup=markup)
        return
    await bot.send_message(chat_id, text, reply_markup=markup)


async def show_criterion(bot: Bot, chat_id: int, state: FSMContext, points: PointsService, s: CommissionSession,
                         item: AgendaItem, row: CommissionPoints, criterion: Criterion, edit: int | None,
                         note: str | None = None) -> None:
    await state.set_state(PointsForm.criterion)
    await state.set_data({"pt_sid": s.id, "pt_item": item.id, "pt_crit": criterion.id})
    evaluation = points.evaluate(row)
    result = next(r for r in evaluation.results if r.criterion.id == criterion.id)
    text, markup = views.criterion_view(points.sheet(row), criterion, points.criteria(row), result,
                                        len(points.observations(row, criterion)), points.rules)
    head = _("Commission points for {name}: {total}. The sheet starts from the candidate's self-assessment; "
             "change only what you disagree with.").format(name=item.full_name,
                                                            total=format_points(evaluation.total))
    text = "\n\n".join(part for part in (note, head, text) if part)
    await _show(bot, chat_id, text, remap(markup, s.id, item.id), edit)


async def show_summary(bot: Bot, chat_id: int, state: FSMContext, points: PointsService, s: CommissionSession,
                       item: AgendaItem, row: CommissionPoints, edit: int | None) -> None:
    await state.clear()
    evaluation = points.evaluate(row)
    lines = [total_line(_, MEMBER_TOTAL, total_of(evaluation))]
    own = await points.own_total(item)
    if own is not None:
        lines.append(total_line(_, OWN_TOTAL, own))
    lines += [f"{r.criterion.id}: {format_points(r.points)}" for r in evaluation.results]
    buttons = [InlineKeyboardButton(text=f"✏️ {r.criterion.id} · {format_points(r.points)}",
                                    callback_data=PointsCallback(sid=s.id, item=item.id, a="go",
                                                                 crit=r.criterion.id).pack())
               for r in evaluation.results]
    rows = [buttons[i:i + 4] for i in range(0, len(buttons), 4)]
    rows.append([InlineKeyboardButton(text=_("✅ Done: back to the ballot"), callback_data=PointsCallback(
        sid=s.id, item=item.id, a="back").pack())])
    await _show(bot, chat_id, _("Commission points for {name}").format(name=item.full_name) + "\n\n"
                + "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows), edit)


async def show_ballot(bot: Bot, chat_id: int, state: FSMContext, session: AsyncSession, sessions: SessionService,
                      points: PointsService, s: CommissionSession, item: AgendaItem, member: int,
                      edit: int | None) -> None:
    await state.clear()
    text = await ballot_body(session, sessions, item, member, _)
    await _show(bot, chat_id, text, await ballot(session, sessions, s, item, _), edit)


async def _checked(user_id: int, sid: int, item_id: int, session: AsyncSession, settings: Settings) -> tuple[
    SessionService, PointsService, CommissionSession, AgendaItem, CommissionPoints
] | Phrase:
    """Everything a vote press is checked for, then the member's sheet (created from the self-assessment)."""
    _c, sessions = services(session, settings)
    checked = await sessions.check_voter(user_id, sid, item_id)
    if isinstance(checked, Phrase):
        return checked
    s, item = checked
    points = PointsService(session, sessions.commissions.rules)
    row = await points.sheet_of(item, user_id)
    if row is None:
        return Phrase(N_("The candidate's scoring sheet is not known (their profile is incomplete)."))
    return sessions, points, s, item, row


async def on_points(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                    session: AsyncSession, settings: Settings) -> None:
    assert callback.bot is not None
    found = await _checked(callback.from_user.id, callback_data.sid, callback_data.item, session, settings)
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    sessions, points, s, item, row = found
    bot, chat_id = callback.bot, callback.from_user.id
    edit = callback.message.message_id if callback.message is not None else None
    if edit is not None:  # the sheet is shown in the ballot's own message
        await sessions.record_ballot(item, chat_id, edit)
    sheet, action = points.sheet(row), callback_data.a
    ids = [c.id for c in sheet.criteria]
    if action == "back":
        await callback.answer()
        await show_ballot(bot, chat_id, state, session, sessions, points, s, item, chat_id, edit)
        return
    if action == "sum":
        await callback.answer()
        await show_summary(bot, chat_id, state, points, s, item, row, edit)
        return
    if action == "open":
        criterion = sheet.criteria[0]
    else:
        found_criterion = sheet.criterion(callback_data.crit)
        if found_criterion is None:
            await callback.answer(_("This sheet has no such criterion."), show_alert=True)
            return
        criterion = found_criterion
    if action in ("open", "go"):
        await callback.answer()
        await show_criterion(bot, chat_id, state, points, s, item, row, criterion, edit)
        return
    if action in ("next", "prev", "none", "obx") or action in BUTTON_ACTIONS:
        await _criterion_action(callback, callback_data, state, points, s, item, row, criterion, ids)
        return
    await answer_stale(callback)


async def _criterion_action(callback: CallbackQuery, callback_data: PointsCallback, state: FSMContext,
                            points: PointsService, s: CommissionSession, item: AgendaItem, row: CommissionPoints,
                            criterion: Criterion, ids: list[str]) -> None:
    assert callback.bot is not None
    bot, chat_id = callback.bot, callback.from_user.id
    edit = callback.message.message_id if callback.message is not None else None
    action = callback_data.a
    if action in ("next", "prev"):
        await callback.answer()
        step = ids.index(criterion.id) + (1 if action == "next" else -1)
        if step >= len(ids):
            await show_summary(bot, chat_id, state, points, s, item, row, edit)
            return
        neighbour = points.sheet(row).criterion(ids[max(step, 0)])
        assert neighbour is not None
        await show_criterion(bot, chat_id, state, points, s, item, row, neighbour, edit)
        return
    if action == "none":
        await points.set_answer(row, criterion, None)
        await callback.answer(_("Saved: none, 0 points."))
    elif action == "obx" and criterion.scale.kind is ScaleKind.OBSERVATION:
        await points.set_observations(row, criterion, points.observations(row, criterion)[:-1])
        await callback.answer(_("Saved."))
    else:
        answer = changed_answer(criterion, points.criteria(row).get(criterion.id), action, callback_data.v,
                                int(points.rules.self_assessment["max_kinds"]))
        if answer is None:
            await answer_stale(callback)
            return
        try:
            await points.set_answer(row, criterion, answer)
        except AnswerError as error:
            await callback.answer(render(error.message), show_alert=True)
            return
        await callback.answer(_("Saved."))
    await show_criterion(bot, chat_id, state, points, s, item, row, criterion, edit)


async def on_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    """A typed answer (hours, percent, observation totals) for the criterion on screen."""
    assert message.bot is not None and message.from_user is not None and message.text is not None
    data = await state.get_data()
    found = await _checked(message.from_user.id, int(data.get("pt_sid", 0)), int(data.get("pt_item", 0)),
                           session, settings)
    if isinstance(found, Phrase):
        await state.clear()
        await message.answer(render(found))
        return
    _sessions, points, s, item, row = found
    criterion = points.sheet(row).criterion(str(data.get("pt_crit")))
    if criterion is None or criterion.scale.kind not in (ScaleKind.THRESHOLD, ScaleKind.OBSERVATION):
        await message.answer(_("This criterion is answered with the buttons above."))
        return
    try:
        if criterion.scale.kind is ScaleKind.THRESHOLD:
            await points.set_answer(row, criterion, quantity_answer(criterion, message.text, points.rules))
        else:
            totals = observation_totals(message.text, points.rules)
            limit = int(points.rules.self_assessment["max_observation_sheets"])
            if len(totals) > limit:
                await message.answer(_("At most {max} observation sheets are accepted.").format(max=limit))
                return
            # The member states the totals they accept: they replace the candidate's list.
            await points.set_observations(row, criterion, totals)
    except AnswerError as error:
        await message.answer(render(error.message))
        return
    await show_criterion(message.bot, message.chat.id, state, points, s, item, row, criterion, None, _("Saved."))


def create_router() -> Router:
    router = Router(name="commission_points")
    router.callback_query.register(on_points, PointsCallback.filter())
    router.message.register(on_text, StateFilter(PointsForm.criterion), F.text, ~F.text.startswith("/"))
    return router
