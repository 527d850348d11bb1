"""Commission sessions: the secretary's panel and its actions, attendance, the members' ballots.

Each handler reads its button or typed text, calls one SessionService method (which re-checks that the presser
is this session's secretary, or a member who may vote) and renders through session/views.py. Every multi-step
action has a Cancel (features/commission/flows.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import KeptFiles
from bot.i18n import render
from bot.messaging import reach
from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND
from features.commission import flows
from features.commission.agenda.card import file_caption
from features.commission.composition.service import CommissionService
from features.commission.documents.delivery import DocumentDelivery
from features.commission.flows import Flow
from features.commission.order.states import OrderForm
from features.commission.session import views
from features.commission.session.ballot import ballot_markup
from features.commission.session.callbacks import (
    CandidateFilesCallback,
    PresenceCallback,
    SessionAct,
    SessionCallback,
    VoteCallback,
)
from features.commission.session.service import ButtonDone, SessionService, TryAgain
from features.commission.session.states import ChangeDate, NewSession, ReasonForm
from features.commission.session.views import Note, Translate
from storage.commission_models import AgendaItem, CommissionSession
from storage.files import FileStore
from storage.files.retention import FileRetention

__all__ = ["ChangeDate", "NewSession", "OrderForm", "ReasonForm", "create_router", "services"]


def services(session: AsyncSession, settings: Settings, rule_book: RuleBook
             ) -> tuple[CommissionService, SessionService]:
    commissions = CommissionService.in_force(session, rule_book, settings.timezone)
    retention = FileRetention(settings.file_retention, settings.file_retention_no_category_days)
    return commissions, SessionService(session, commissions, settings.default_locale, retention)


def session_service(session: AsyncSession, settings: Settings, rule_book: RuleBook) -> SessionService:
    return services(session, settings, rule_book)[1]


# --- Telegram I/O shared by the handlers -----------------------------------------------------------


async def edit_other(bot: Bot, chat_id: int, message_id: int, text: str,
                     markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message in someone's chat; one that was deleted (or a chat that blocked the bot) is no reason to
    fail the update that changed what it shows."""
    with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup)


async def deliver(bot: Bot, notes: list[Note]) -> None:
    for note in notes:
        if note.edit is not None:
            await edit_other(bot, note.user_id, note.edit, note.text, note.markup)
        else:
            await reach(bot, note.user_id, note.text, reply_markup=note.markup)


async def strip_buttons(callback: CallbackQuery) -> None:
    if callback.message is not None and callback.bot is not None:
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                         message_id=callback.message.message_id, reply_markup=None)


@contextlib.asynccontextmanager
async def done_buttons_go(callback: CallbackQuery) -> AsyncIterator[None]:
    """A press refused because its button has nothing more to do: the refusal is said and the buttons go."""
    try:
        yield
    except ButtonDone:
        await strip_buttons(callback)
        raise


@contextlib.asynccontextmanager
async def typed_step(state: FSMContext, flow: Flow, ref: int = 0) -> AsyncIterator[None]:
    """A typed answer of a step: refused with TryAgain, it is asked again with the step's Cancel; any other
    refusal (the presser is no longer the secretary, the moment has passed) ends the step."""
    try:
        yield
    except TryAgain as again:
        again.reply_markup = flows.cancel_markup(flow, ref)
        raise
    except StaleButton:
        raise
    except Refusal:
        await state.clear()
        raise


def bot_of(event: CallbackQuery | Message) -> Bot:
    assert event.bot is not None
    return event.bot


async def send_panel(bot: Bot, chat_id: int, panel: views.Panel) -> None:
    await bot.send_message(chat_id, views.panel_text(panel), reply_markup=views.panel_keyboard(panel))


# --- creating a session and changing its date --------------------------------------------------------


async def new_session(callback: CallbackQuery, callback_data: SessionCallback, state: FSMContext,
                      session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    c = await session_service(session, settings, rule_book).secretary_commission(callback.from_user.id,
                                                                      callback_data.commission)
    await state.set_state(NewSession.date)
    await state.set_data({"commission": c.id})
    await bot_of(callback).send_message(callback.from_user.id, views.new_session_prompt(),
                                        reply_markup=flows.cancel_markup(Flow.NEW_SESSION))


async def session_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       rule_book: RuleBook,
                       i18n: I18n) -> None:
    assert message.from_user is not None
    commission_id = int((await state.get_data()).get("commission", 0))
    async with typed_step(state, Flow.NEW_SESSION):
        scheduled = await session_service(session, settings, rule_book).schedule(message.from_user.id, commission_id,
                                                                      message.text or "")
    await state.clear()
    await deliver(bot_of(message), views.scheduled_notes(i18n, scheduled))
    await send_panel(bot_of(message), message.from_user.id, scheduled.panel)


async def change_date(callback: CallbackQuery, callback_data: SessionCallback, state: FSMContext,
                      session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    s = await session_service(session, settings, rule_book).date_to_change(callback.from_user.id, callback_data.session)
    await state.set_state(ChangeDate.date)
    await state.set_data({"session": s.id})
    await bot_of(callback).send_message(callback.from_user.id, views.change_date_prompt(s),
                                        reply_markup=flows.cancel_markup(Flow.CHANGE_DATE, s.id))


async def changed_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       rule_book: RuleBook,
                       i18n: I18n) -> None:
    assert message.from_user is not None
    session_id = int((await state.get_data()).get("session", 0))
    async with typed_step(state, Flow.CHANGE_DATE, session_id):
        scheduled = await session_service(session, settings, rule_book).reschedule(message.from_user.id, session_id,
                                                                        message.text or "")
    await state.clear()
    await deliver(bot_of(message), views.scheduled_notes(i18n, scheduled))
    await send_panel(bot_of(message), message.from_user.id, scheduled.panel)


# --- the secretary's panel ---------------------------------------------------------------------


async def show_panel(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                     settings: Settings, rule_book: RuleBook) -> None:
    panel = await session_service(session, settings, rule_book).show_panel(callback.from_user.id, callback_data.session)
    await send_panel(bot_of(callback), callback.from_user.id, panel)


async def open_session(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                       settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    opening = await session_service(session, settings, rule_book).open_session(callback.from_user.id,
                                                                               callback_data.session)
    bot = bot_of(callback)
    if opening.panel is None:
        await bot.send_message(callback.from_user.id, views.cannot_open_text(opening.problems))
        return
    callback_answer.text = _("The session is open.")
    await deliver(bot, views.opened_notes(i18n, opening))
    await send_panel(bot, callback.from_user.id, opening.panel)


async def start_voting(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                       settings: Settings, rule_book: RuleBook, callback_answer: CallbackAnswer) -> None:
    panel = await session_service(session, settings, rule_book).start_voting(callback.from_user.id,
                                                                             callback_data.session)
    callback_answer.text = _("Voting is open.")
    await send_panel(bot_of(callback), callback.from_user.id, panel)


async def put_to_vote(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                      settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    sessions = session_service(session, settings, rule_book)
    opened = await sessions.put_to_vote(callback.from_user.id, callback_data.session, callback_data.item)
    callback_answer.text = _("The vote is open.")
    tz = sessions.commissions.tz
    await deliver(bot_of(callback), [views.ballot_note(i18n, b, tz) for b in opened.ballots])
    await send_panel(bot_of(callback), callback.from_user.id, opened.panel)


async def close_vote(callback: CallbackQuery, callback_data: SessionCallback, state: FSMContext,
                     session: AsyncSession, settings: Settings, rule_book: RuleBook, i18n: I18n,
                         callback_answer: CallbackAnswer) -> None:
    """Close the vote; CLOSE_ANYWAY is the confirmed "close anyway" (`absent`: who had not voted)."""
    sessions = session_service(session, settings, rule_book)
    anyway = callback_data.absent if callback_data.act is SessionAct.CLOSE_ANYWAY else None
    closing = await sessions.close_vote(callback.from_user.id, callback_data.session, callback_data.item, anyway)
    bot, me = bot_of(callback), callback.from_user.id
    if closing.not_voted is not None:
        changed = anyway is not None
        callback_answer.text = (_("Who has not voted has changed meanwhile: check again.") if changed else
                                _("Not everyone present has voted."))
        callback_answer.show_alert = changed
        text, markup = views.close_anyway_prompt(closing.not_voted)
        await bot.send_message(me, text, reply_markup=markup)
        return
    closed = closing.closed
    assert closed is not None
    if anyway is not None:
        await strip_buttons(callback)
    await bot.send_message(me, render(closed.tally.explain()))
    if closing.over is None:
        await deliver(bot, views.no_decision_notes(i18n, closing))
    else:
        await deliver(bot, views.vote_over_notes(i18n, closing.over, sessions.commissions.tz))
    if closing.panel is None:
        await ask_reason(bot, state, me, closed.item)
        return
    await send_panel(bot, me, closing.panel)


async def nudge(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    """Send the ballot again to the members present who have not voted (theirs may be lost in the chat)."""
    sessions = session_service(session, settings, rule_book)
    ballots = await sessions.nudge(callback.from_user.id, callback_data.session, callback_data.item)
    tz = sessions.commissions.tz
    await deliver(bot_of(callback), [views.ballot_note(i18n, b, tz, reminder=True) for b in ballots])
    callback_answer.text = _("Reminded: {count}").format(count=len(ballots))


# --- reasons ---------------------------------------------------------------------------------------


async def ask_reason(bot: Bot, state: FSMContext, chat_id: int, item: AgendaItem) -> None:
    await state.set_state(ReasonForm.text)
    await state.set_data({"rs_session": item.session_id, "rs_item": item.id})
    await bot.send_message(chat_id, views.reason_prompt(item),
                           reply_markup=flows.cancel_markup(Flow.REASON, item.session_id))


async def reason_start(callback: CallbackQuery, callback_data: SessionCallback, state: FSMContext,
                       session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    _s, item = await session_service(session, settings, rule_book).reason_to_type(callback.from_user.id,
                                                                                  callback_data.session,
                                                                       callback_data.item)
    await ask_reason(bot_of(callback), state, callback.from_user.id, item)


async def reason_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                      rule_book: RuleBook) -> None:
    """The typed reason; the sender is re-checked as the session's secretary."""
    assert message.from_user is not None
    data = await state.get_data()
    session_id = int(data.get("rs_session", 0))
    async with typed_step(state, Flow.REASON, session_id):
        item, panel = await session_service(session, settings, rule_book).set_reason(
            message.from_user.id, session_id, int(data.get("rs_item", 0)), message.text or "")
    await state.clear()
    await message.answer(_("The reason is recorded for {name}.").format(name=item.full_name))
    await send_panel(bot_of(message), message.from_user.id, panel)


# --- postponing a candidate ------------------------------------------------------------------------


async def postpone_pick(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                        settings: Settings, rule_book: RuleBook) -> None:
    s, undecided = await session_service(session, settings, rule_book).to_postpone(callback.from_user.id,
                                                                        callback_data.session)
    text, markup = views.postpone_pick_prompt(s, undecided)
    await bot_of(callback).send_message(callback.from_user.id, text, reply_markup=markup)


async def postpone_ask(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                       settings: Settings, rule_book: RuleBook) -> None:
    s, item = await session_service(session, settings, rule_book).candidate(callback.from_user.id,
                                                                            callback_data.session,
                                                                 callback_data.item)
    text, markup = views.postpone_prompt(s, item)
    await bot_of(callback).send_message(callback.from_user.id, text, reply_markup=markup)


async def postpone(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                   settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    sessions = session_service(session, settings, rule_book)
    postponed = await sessions.postpone(callback.from_user.id, callback_data.session, callback_data.item)
    callback_answer.text = _("Postponed: {name}.").format(name=postponed.item.full_name)
    await strip_buttons(callback)
    bot = bot_of(callback)
    await deliver(bot, views.vote_over_notes(i18n, postponed.over, sessions.commissions.tz))
    await deliver(bot, views.postponed_notes(i18n, postponed))
    await send_panel(bot, callback.from_user.id, postponed.panel)


# --- closing the session -----------------------------------------------------------------------------


async def close_session(callback: CallbackQuery, callback_data: SessionCallback, session: AsyncSession,
                        settings: Settings, rule_book: RuleBook, i18n: I18n, file_store: FileStore,
                        callback_answer: CallbackAnswer) -> None:
    sessions = session_service(session, settings, rule_book)
    closing = await sessions.close_session(callback.from_user.id, callback_data.session)
    bot = bot_of(callback)
    # The documents are made before the secretary is told anything: if they fail, the update rolls back and
    # the session stays open instead of being announced closed without a protocol.
    await DocumentDelivery(session, settings, i18n, sessions.commissions, file_store).issue(
        bot, closing.session, closing.commission)
    callback_answer.text = _("The session is closed.")
    if closing.certificates_due:
        await bot.send_message(callback.from_user.id, views.closed_session_text())
    await send_panel(bot, callback.from_user.id, closing.panel)


# --- members: attendance and ballots -----------------------------------------------------------------


async def present(callback: CallbackQuery, callback_data: PresenceCallback, session: AsyncSession,
                  settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    sessions = session_service(session, settings, rule_book)
    async with done_buttons_go(callback):
        presence = await sessions.mark_present(callback.from_user.id, callback_data.session)
    callback_answer.text, callback_answer.show_alert = render(presence.message), True
    await strip_buttons(callback)
    if presence.ballot is not None:
        await deliver(bot_of(callback), [views.ballot_note(i18n, presence.ballot, sessions.commissions.tz)])


async def vote(callback: CallbackQuery, callback_data: VoteCallback, session: AsyncSession, settings: Settings,
               rule_book: RuleBook,
               callback_answer: CallbackAnswer) -> None:
    """A press on a ballot: a decision (then the categories), back to the decisions, or a category (the vote)."""
    sessions = session_service(session, settings, rule_book)
    assert callback.message is not None
    me, message_id = callback.from_user.id, callback.message.message_id
    async with done_buttons_go(callback):
        press = await sessions.press_ballot(me, callback_data.session, callback_data.item, message_id,
                                            callback_data.decision, callback_data.category)
    bot = bot_of(callback)
    if press.cast is None:
        markup = (views.categories_keyboard(_, press.ballot, press.decision, press.categories)
                  if press.decision is not None and press.categories else views.ballot_keyboard(_, press.ballot))
        await bot.edit_message_reply_markup(chat_id=me, message_id=message_id, reply_markup=markup)
        return
    callback_answer.text = render(press.cast.message)
    # The ballot shows the vote, and the decisions again, so the member can change it while it is open.
    await bot.edit_message_text(text=views.ballot_body(_, press.ballot, sessions.commissions.tz), chat_id=me,
                                message_id=message_id, reply_markup=views.ballot_keyboard(_, press.ballot))


async def candidate_files(callback: CallbackQuery, callback_data: CandidateFilesCallback, session: AsyncSession,
                          settings: Settings, rule_book: RuleBook, file_store: FileStore,
                          callback_answer: CallbackAnswer) -> None:
    """The candidate's submitted files, for a member who may vote on them, captioned in the member's language:
    by their Telegram file_id while it works, else the file store's copy."""
    item, files = await session_service(session, settings, rule_book).candidate_files(
        callback.from_user.id, callback_data.session, callback_data.item)
    callback_answer.text = _("Files: {count}").format(count=len(files))
    bot, kept = bot_of(callback), KeptFiles(session, file_store)
    for f in files:
        await kept.send(bot, callback.from_user.id, f, file_caption(_, f.item_id, item.full_name))


# --- used by the members' scoring of a candidate (features/commission/points) ------------------------


async def ballot(session: AsyncSession, sessions: SessionService, s: CommissionSession, item: AgendaItem,
                 t: Translate) -> InlineKeyboardMarkup:
    scorable = await sessions.points.sheet_id(item) is not None
    return ballot_markup(s.id, item, sessions.options(item), t, scorable)


async def ballot_body(session: AsyncSession, sessions: SessionService, item: AgendaItem, member: int,
                      t: Translate) -> str:
    return views.ballot_body(t, await sessions.ballot(item, member), sessions.commissions.tz)


SECRETARY_ACTIONS: dict[SessionAct, Callable[..., Awaitable[None]]] = {
    SessionAct.PANEL: show_panel, SessionAct.NEW: new_session, SessionAct.OPEN: open_session,
    SessionAct.DATE: change_date, SessionAct.VOTING: start_voting, SessionAct.PUT: put_to_vote,
    SessionAct.CLOSE_VOTE: close_vote, SessionAct.CLOSE_ANYWAY: close_vote, SessionAct.NUDGE: nudge,
    SessionAct.REASON: reason_start, SessionAct.POSTPONE_PICK: postpone_pick,
    SessionAct.POSTPONE_ASK: postpone_ask, SessionAct.POSTPONE: postpone, SessionAct.CLOSE: close_session,
}


def create_router() -> Router:
    from features.commission.order import handlers as commission_order

    router = Router(name="commission_session")
    router.message.register(session_date, StateFilter(NewSession.date), NOT_A_COMMAND)
    router.message.register(changed_date, StateFilter(ChangeDate.date), NOT_A_COMMAND)
    router.message.register(reason_text, StateFilter(ReasonForm.text), NOT_A_COMMAND)
    for act, handler in SECRETARY_ACTIONS.items():
        router.callback_query.register(handler, SessionCallback.filter(F.act == act))
    router.callback_query.register(present, PresenceCallback.filter())
    router.callback_query.register(vote, VoteCallback.filter())
    router.callback_query.register(candidate_files, CandidateFilesCallback.filter())
    router.include_router(commission_order.create_router())
    return router
