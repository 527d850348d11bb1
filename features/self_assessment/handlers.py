"""/score: self-assessment on the official scoring sheet, criterion by criterion, then the summary."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import render
from features.profile.service import ProfileService
from features.self_assessment import views
from features.self_assessment.callbacks import ObservationCallback, ScoreCallback
from features.self_assessment.service import (
    SelfAssessmentService,
    Setting,
    checklist_item_ids,
    setting_of,
    sheet_id_for,
)
from scoring.sheets import SHEETS, Criterion, ScoringSheet
from scoring.sheets.entry import observation_totals, quantity_answer
from scoring.sheets.evaluate import AnswerError
from scoring.sheets.kinds import choose_level, kinds_of, remove_kind, set_count, toggle_bonus, toggle_coauthored
from scoring.sheets.model import ScaleKind
from scoring.sheets.observation import ObservationError, score_observation
from storage.scoring_models import SelfAssessment


class ScoreForm(StatesGroup):
    variant = State()  # teacher: with or without criterion 1.1
    criterion = State()  # answering criterion data["sc_crit"]
    filling = State()  # rating the indicators of an observation sheet
    summary = State()


SCORE_STATES = {s.state for s in (ScoreForm.variant, ScoreForm.criterion, ScoreForm.filling, ScoreForm.summary)}


@dataclass
class Context:
    setting: Setting
    service: SelfAssessmentService
    row: SelfAssessment
    data: dict[str, Any]

    @property
    def sheet(self) -> ScoringSheet:
        return SHEETS[self.row.sheet_id]

    @property
    def criterion(self) -> Criterion | None:
        return self.sheet.criterion(str(self.data.get("sc_crit")))

    @property
    def adding(self) -> bool:
        """The open criterion waits for the level of a new kind of work (after "➕ Another kind")."""
        return self.data.get("sc_adding") is not None and self.data.get("sc_adding") == self.data.get("sc_crit")

    @property
    def max_kinds(self) -> int:
        return int(self.service.rules.self_assessment["max_kinds"])


async def _setting(session: AsyncSession, user_id: int) -> Setting | None:
    return setting_of(await ProfileService(session).get(user_id))


async def _context(state: FSMContext, session: AsyncSession, user_id: int) -> Context | None:
    """The open self-assessment, or None when there is none (or the profile no longer fits its sheet)."""
    if await state.get_state() not in SCORE_STATES:
        return None
    data = await state.get_data()
    sheet_id = data.get("sc_sheet")
    setting = await _setting(session, user_id)
    if setting is None or sheet_id not in SHEETS:
        return None
    if sheet_id not in setting.sheet_ids():
        return None
    service = SelfAssessmentService(session)
    return Context(setting, service, await service.row(user_id, sheet_id), data)


async def _show(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup, edit: int | None,
                **extra: Any) -> None:
    """Edit the message the button was on, or send a new one after a typed answer."""
    if edit is not None:
        with contextlib.suppress(TelegramBadRequest):  # "message is not modified" on a repeated tap
            await bot.edit_message_text(text=text, chat_id=chat_id, message_id=edit, reply_markup=markup, **extra)
        return
    await bot.send_message(chat_id, text, reply_markup=markup, **extra)


async def show_criterion(bot: Bot, chat_id: int, ctx: Context, criterion: Criterion, state: FSMContext,
                         edit: int | None = None, note: str | None = None, adding: bool = False,
                         more_of: Criterion | None = None) -> None:
    """Show `criterion`; `adding`: its level buttons record a new kind of work; `more_of`: the criterion
    just answered, offered for another kind of work (so a single kind costs no extra tap)."""
    await state.set_state(ScoreForm.criterion)
    adding_id = criterion.id if adding else None
    await state.update_data(sc_crit=criterion.id, sc_adding=adding_id)
    ctx.data.update(sc_crit=criterion.id, sc_adding=adding_id)
    evaluation = ctx.service.evaluate(ctx.row)
    result = next(r for r in evaluation.results if r.criterion.id == criterion.id)
    answered = ctx.service.criteria(ctx.row)
    offer = more_of if more_of is not None and _can_add_kind(ctx, more_of, answered.get(more_of.id)) else None
    text, markup = views.criterion_view(ctx.sheet, criterion, answered, result, len(ctx.row.observations or []),
                                        ctx.service.rules, adding=adding, more_of=offer)
    await _show(bot, chat_id, f"{note}\n\n{text}" if note else text, markup, edit)


async def show_summary(bot: Bot, chat_id: int, ctx: Context, state: FSMContext, edit: int | None = None) -> None:
    await state.set_state(ScoreForm.summary)
    checklist = await checklist_item_ids(ctx.service.session, ctx.row.user_id)
    kwargs, markup = views.summary_view(ctx.service.evaluate(ctx.row), ctx.service.criteria(ctx.row), checklist)
    await _show(bot, chat_id, kwargs.pop("text"), markup, edit, **kwargs)


async def advance(bot: Bot, chat_id: int, ctx: Context, after: Criterion, state: FSMContext,
                  edit: int | None = None, note: str | None = None, more_of: Criterion | None = None) -> None:
    """The next unanswered criterion, or the summary once every criterion has an answer."""
    upcoming = ctx.service.next_open(ctx.row, after.id)
    if upcoming is None:
        await show_summary(bot, chat_id, ctx, state, edit)
    else:
        await show_criterion(bot, chat_id, ctx, upcoming, state, edit, note, more_of=more_of)


def _can_add_kind(ctx: Context, criterion: Criterion, answer: dict[str, Any] | None) -> bool:
    """Kinds of work add up on this criterion, one is recorded and there is room for another."""
    return criterion.scale.kinds_add_up and 0 < len(kinds_of(answer)) < ctx.max_kinds


async def begin(bot: Bot, chat_id: int, user_id: int, sheet_id: str, setting: Setting, session: AsyncSession,
                state: FSMContext, edit: int | None = None) -> None:
    service = SelfAssessmentService(session)
    row = await service.row(user_id, sheet_id)
    await service.refresh_claim(row, setting)
    await state.set_state(ScoreForm.criterion)
    await state.set_data({"sc_sheet": sheet_id})
    ctx = Context(setting, service, row, {"sc_sheet": sheet_id})
    upcoming = service.next_open(row)
    if upcoming is None:
        await show_summary(bot, chat_id, ctx, state, edit)
    else:
        await show_criterion(bot, chat_id, ctx, upcoming, state, edit)


async def resume(bot: Bot, chat_id: int, ctx: Context, state: FSMContext) -> None:
    current = await state.get_state()
    criterion = ctx.criterion
    if current == ScoreForm.filling.state and criterion is not None:
        await _show_filling(bot, chat_id, ctx, state, None)
    elif current == ScoreForm.criterion.state and criterion is not None:
        await show_criterion(bot, chat_id, ctx, criterion, state, adding=ctx.adding)
    else:
        await show_summary(bot, chat_id, ctx, state)


async def score_command(message: Message, state: FSMContext, session: AsyncSession) -> None:
    assert message.bot is not None and message.from_user is not None
    await start_score(message.bot, message.from_user.id, state, session)


async def start_score(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession) -> None:
    """Where the self-assessment stands (/score, and the "what next" buttons)."""
    setting = await _setting(session, user_id)
    if setting is None:
        await bot.send_message(user_id, _("The self-assessment needs your completed profile (position, type of "
                                          "organisation, claimed category). Send /start to finish it first."))
        return
    ctx = await _context(state, session, user_id)
    if ctx is not None and await state.get_state() != ScoreForm.variant.state:
        await ctx.service.refresh_claim(ctx.row, setting)  # the claim may have changed in /profile meanwhile
        await bot.send_message(user_id, _("Welcome back! Let's continue where you left off."))
        await resume(bot, user_id, ctx, state)
        return
    if setting.asks_dynamics:
        await state.set_state(ScoreForm.variant)
        await state.set_data({})
        text, markup = views.variant_view()
        await bot.send_message(user_id, text, reply_markup=markup)
        return
    await begin(bot, user_id, user_id, setting.sheet_ids()[0], setting, session, state)


async def _stale(callback: CallbackQuery) -> None:
    await callback.answer(_("This button is no longer active. Send /score to continue."), show_alert=True)


def _edit_id(callback: CallbackQuery) -> int | None:
    return callback.message.message_id if callback.message is not None else None


async def on_variant(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                     session: AsyncSession) -> None:
    assert callback.bot is not None
    setting = await _setting(session, callback.from_user.id)
    if (await state.get_state() != ScoreForm.variant.state or setting is None or not setting.asks_dynamics
            or callback_data.value not in ("0", "1")):
        await _stale(callback)
        return
    await callback.answer()
    sheet_id = sheet_id_for(setting.role, setting.org_type, dynamics=callback_data.value == "1")
    await begin(callback.bot, callback.from_user.id, callback.from_user.id, sheet_id, setting, session, state,
                _edit_id(callback))


def _small_int(value: str) -> int | None:
    """A button's number; str.isdigit() would let '²' through to int() and crash."""
    return int(value) if re.fullmatch(r"[0-9]{1,3}", value) else None


def _changed_answer(ctx: Context, criterion: Criterion, action: str, value: str) -> dict[str, Any] | None:
    """The answer after a button; None when the button does not fit the criterion (forged or stale)."""
    scale = criterion.scale
    current = ctx.service.criteria(ctx.row).get(criterion.id)
    if action == "lv" and scale.kind is ScaleKind.FLAG:
        return {**(current or {}), "met": True} if value == "met" else None
    number = _small_int(value)
    if action == "lv":
        return None if number is None else choose_level(criterion, current, number, ctx.adding, ctx.max_kinds)
    if action == "count":
        return None if number is None else set_count(criterion, current, number)
    if action == "coauth":
        return toggle_coauthored(criterion, current)
    if action == "bonus":
        return toggle_bonus(criterion, current)
    if action == "kdel":
        index, _sep, level = value.partition("-")  # "1-region": position and level
        position = _small_int(index)
        return None if position is None else remove_kind(criterion, current, position, level)
    return None


def _has_toggles(criterion: Criterion) -> bool:
    scale = criterion.scale
    return scale.bonus is not None or scale.coauthored_allowed or scale.kind is ScaleKind.COUNT


async def on_score(callback: CallbackQuery, callback_data: ScoreCallback, state: FSMContext,
                   session: AsyncSession) -> None:
    assert callback.bot is not None
    bot, chat_id, edit = callback.bot, callback.from_user.id, _edit_id(callback)
    ctx = await _context(state, session, callback.from_user.id)
    if ctx is None:
        await _stale(callback)
        return
    action, current_state = callback_data.action, await state.get_state()
    if action == "sum":
        await callback.answer()
        await show_summary(bot, chat_id, ctx, state, edit)
        return
    target = ctx.sheet.criterion(callback_data.crit)
    if action == "go":
        if target is None:
            await callback.answer(_("This sheet has no such criterion."), show_alert=True)
            return
        await callback.answer()
        await show_criterion(bot, chat_id, ctx, target, state, edit)
        return
    if action == "more":
        # "➕ Another kind of work", on the criterion itself or on the next one right after a level.
        if target is None or not _can_add_kind(ctx, target, ctx.service.criteria(ctx.row).get(target.id)):
            await _stale(callback)
            return
        await callback.answer()
        await show_criterion(bot, chat_id, ctx, target, state, edit, adding=True)
        return
    if action == "obc" and current_state == ScoreForm.filling.state and ctx.criterion is not None:
        await callback.answer(_("The sheet was not saved."))
        await show_criterion(bot, chat_id, ctx, ctx.criterion, state, edit)
        return
    # Every other button acts on the open criterion only: an old message's button is stale.
    if current_state != ScoreForm.criterion.state or target is None or target.id != ctx.data.get("sc_crit"):
        await _stale(callback)
        return
    await _criterion_action(callback, callback_data, ctx, target, state)


async def _criterion_action(callback: CallbackQuery, callback_data: ScoreCallback, ctx: Context,
                            criterion: Criterion, state: FSMContext) -> None:
    assert callback.bot is not None
    bot, chat_id, edit = callback.bot, callback.from_user.id, _edit_id(callback)
    action = callback_data.action
    ids = [c.id for c in ctx.sheet.criteria]
    if action in ("next", "prev"):
        await callback.answer()
        step = ids.index(criterion.id) + (1 if action == "next" else -1)
        if step >= len(ids):
            await show_summary(bot, chat_id, ctx, state, edit)
        else:
            neighbour = ctx.sheet.criterion(ids[max(step, 0)])
            assert neighbour is not None
            await show_criterion(bot, chat_id, ctx, neighbour, state, edit)
        return
    if action == "none":
        await ctx.service.set_answer(ctx.row, ctx.setting, criterion, None)
        await callback.answer(_("Saved: none, 0 points."))
        await advance(bot, chat_id, ctx, criterion, state, edit)
        return
    if criterion.scale.kind is ScaleKind.OBSERVATION and action in ("obf", "obx"):
        await callback.answer()
        if action == "obx":
            await ctx.service.remove_last_observation(ctx.row, ctx.setting, criterion)
            await show_criterion(bot, chat_id, ctx, criterion, state, edit)
        else:
            await state.set_state(ScoreForm.filling)
            await state.update_data(ob_index=0, ob_ratings={})
            ctx.data.update(ob_index=0, ob_ratings={})
            await _show_filling(bot, chat_id, ctx, state, edit)
        return
    answer = _changed_answer(ctx, criterion, action, callback_data.value)
    if answer is None:
        await _stale(callback)
        return
    try:
        await ctx.service.set_answer(ctx.row, ctx.setting, criterion, answer)
    except AnswerError as error:
        await callback.answer(render(error.message), show_alert=True)
        return
    await callback.answer(_("Saved."))
    if action == "lv" and not _has_toggles(criterion):
        await advance(bot, chat_id, ctx, criterion, state, edit, more_of=criterion)
    else:
        # The winner toggle belongs to the criterion: it leaves a new kind of work waiting for its level.
        await show_criterion(bot, chat_id, ctx, criterion, state, edit, adding=action == "bonus" and ctx.adding)


async def _show_filling(bot: Bot, chat_id: int, ctx: Context, state: FSMContext, edit: int | None) -> None:
    form = ctx.setting.observation_form
    indicators = form.applicable(ctx.setting.claimed)
    index = min(int(ctx.data.get("ob_index", 0)), len(indicators) - 1)
    text, markup = views.filling_view(form, indicators, index, int(ctx.service.rules.observation["max_level"]))
    await _show(bot, chat_id, text, markup, edit)


async def on_rating(callback: CallbackQuery, callback_data: ObservationCallback, state: FSMContext,
                    session: AsyncSession) -> None:
    assert callback.bot is not None
    ctx = await _context(state, session, callback.from_user.id)
    max_level = 0 if ctx is None else int(ctx.service.rules.observation["max_level"])
    if (ctx is None or ctx.criterion is None or await state.get_state() != ScoreForm.filling.state
            or callback_data.index != ctx.data.get("ob_index") or not 0 <= callback_data.rating <= max_level):
        await _stale(callback)
        return
    form = ctx.setting.observation_form
    indicators = form.applicable(ctx.setting.claimed)
    ratings = {**ctx.data.get("ob_ratings", {}), indicators[callback_data.index].id: callback_data.rating}
    if callback_data.index + 1 < len(indicators):
        await state.update_data(ob_index=callback_data.index + 1, ob_ratings=ratings)
        ctx.data.update(ob_index=callback_data.index + 1, ob_ratings=ratings)
        await callback.answer()
        await _show_filling(callback.bot, callback.from_user.id, ctx, state, _edit_id(callback))
        return
    try:
        score = score_observation(form, ratings, ctx.setting.claimed, ctx.service.rules)
    except ObservationError as error:
        await callback.answer(render(error.message), show_alert=True)
        return
    await ctx.service.add_observations(ctx.row, ctx.setting, ctx.criterion, [score.total], ratings)
    await state.update_data(ob_index=0, ob_ratings={})
    await callback.answer(_("Saved."))
    note = _("Observation sheet saved: {total} points.").format(total=score.total)
    await show_criterion(callback.bot, callback.from_user.id, ctx, ctx.criterion, state, _edit_id(callback), note)


async def on_text(message: Message, state: FSMContext, session: AsyncSession) -> None:
    assert message.bot is not None and message.from_user is not None and message.text is not None
    ctx = await _context(state, session, message.from_user.id)
    criterion = ctx.criterion if ctx is not None else None
    if ctx is None or criterion is None or await state.get_state() != ScoreForm.criterion.state:
        await message.answer(_("Please use the buttons above, or send /score to see where you are."))
        return
    scale = criterion.scale
    try:
        if scale.kind is ScaleKind.THRESHOLD:
            answer = quantity_answer(criterion, message.text, ctx.service.rules)
            await ctx.service.set_answer(ctx.row, ctx.setting, criterion, answer)
            await advance(message.bot, message.chat.id, ctx, criterion, state, note=_("Saved."))
            return
        if scale.kind is ScaleKind.OBSERVATION:
            totals = observation_totals(message.text, ctx.service.rules)
            limit = int(ctx.service.rules.self_assessment["max_observation_sheets"])
            if len(totals) > limit:
                await message.answer(_("At most {max} observation sheets are accepted.").format(max=limit))
                return
            replaced = len(ctx.row.observations or [])
            await ctx.service.replace_observations(ctx.row, ctx.setting, criterion, totals)
            note = _("Saved: {count} observation sheets (they replace the {replaced} recorded before).").format(
                count=len(totals), replaced=replaced) if replaced else _("Saved.")
            await show_criterion(message.bot, message.chat.id, ctx, criterion, state, note=note)
            return
    except AnswerError as error:
        await message.answer(render(error.message))
        return
    await message.answer(_("This criterion is answered with the buttons above."))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="scoring")
    router.message.register(score_command, Command("score"))
    router.callback_query.register(on_variant, ScoreCallback.filter(F.action == "var"))
    router.callback_query.register(on_score, ScoreCallback.filter())
    router.callback_query.register(on_rating, ObservationCallback.filter())
    router.message.register(on_text, StateFilter(*SCORE_STATES), F.text, ~F.text.startswith("/"))
    return router
