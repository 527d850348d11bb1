"""The secretary's review of applications: /agenda, the applicant's card and files, accept, refuse with grounds."""

from __future__ import annotations

import contextlib
from functools import partial

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
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
from features.commission.agenda import views
from features.commission.agenda.callbacks import GroundCallback, GroundsChosenCallback, ReviewAct, ReviewCallback
from features.commission.agenda.card import file_caption
from features.commission.agenda.service import ALREADY_DECIDED, AgendaService
from features.commission.agenda.states import Refuse
from features.commission.flows import Flow, ask_again, cancel_markup, typed_text
from features.commission.routing import route_and_notify
from scoring.commission import RefusalGround
from scoring.i18n import N_, Phrase
from storage.commission_models import Commission
from storage.files import FileStore

# The documents a refusal names go into the teacher's notice (App 7), which must fit one message.
REFUSAL_DOCUMENTS_MAX = 2000


def service(session: AsyncSession, settings: Settings, rule_book: RuleBook) -> AgendaService:
    return AgendaService(session, settings, rule_book)


async def agenda_command(message: Message, bot: Bot, session: AsyncSession, settings: Settings, rule_book: RuleBook,
                         i18n: I18n) -> None:
    assert message.from_user is not None
    await route_and_notify(bot, session, i18n, settings, rule_book)
    for agenda in await service(session, settings, rule_book).agenda(message.from_user.id):
        await message.answer(views.agenda_text(agenda), reply_markup=views.agenda_keyboard(agenda))


async def open_card(callback: CallbackQuery, callback_data: ReviewCallback, bot: Bot, session: AsyncSession,
                    settings: Settings, rule_book: RuleBook) -> None:
    card = await service(session, settings, rule_book).card(callback.from_user.id, callback_data.application)
    await bot.send_message(callback.from_user.id, card.text,
                           reply_markup=views.card_keyboard(card.application_id, card.pending))


async def settle_card(bot: Bot, chat_id: int, message_id: int | None, application_id: int) -> None:
    """The card of an application just accepted or refused keeps only its files button."""
    if message_id is None:
        return
    with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id,
                                            reply_markup=views.card_keyboard(application_id, pending=False))


async def send_files(callback: CallbackQuery, callback_data: ReviewCallback, bot: Bot, session: AsyncSession,
                     settings: Settings, rule_book: RuleBook, file_store: FileStore,
                     callback_answer: CallbackAnswer) -> None:
    submitted = await service(session, settings, rule_book).files(callback.from_user.id, callback_data.application)
    callback_answer.text = _("Files: {count}").format(count=len(submitted.files))
    kept = KeptFiles(session, file_store)
    for f in submitted.files:
        await kept.send(bot, callback.from_user.id, f, file_caption(_, f.item_id, submitted.applicant))


async def accept(callback: CallbackQuery, callback_data: ReviewCallback, bot: Bot, session: AsyncSession,
                 settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    decision = await service(session, settings, rule_book).accept(callback.from_user.id, callback_data.application)
    card_message = callback.message.message_id if callback.message is not None else None
    await settle_card(bot, callback.from_user.id, card_message, decision.application_id)
    if not decision.done:
        callback_answer.text, callback_answer.show_alert = render(ALREADY_DECIDED), True
        return
    callback_answer.text = _("Accepted for a session.")
    await reach(bot, decision.teacher, views.acceptance_notice(partial(i18n.gettext, locale=decision.locale),
                                                               decision.number, decision.commission))


async def refuse_start(callback: CallbackQuery, callback_data: ReviewCallback, state: FSMContext, bot: Bot,
                       session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    await service(session, settings, rule_book).refusable(callback.from_user.id, callback_data.application)
    await state.set_state(Refuse.grounds)
    await state.set_data({"application": callback_data.application, "grounds": [],
                          "card": callback.message.message_id if callback.message is not None else None})
    await bot.send_message(callback.from_user.id, views.grounds_question(),
                           reply_markup=views.grounds_keyboard(callback_data.application, set()))


async def refusal_of(state: FSMContext, application_id: int) -> set[str]:
    """The grounds ticked so far for the application being refused (a button of another one is stale)."""
    data = await state.get_data()
    if data.get("application") != application_id:
        raise StaleButton()
    return set(data.get("grounds", []))


async def toggle_ground(callback: CallbackQuery, callback_data: GroundCallback, state: FSMContext, bot: Bot) -> None:
    ticked = await refusal_of(state, callback_data.application) ^ {callback_data.ground.value}
    await state.update_data(grounds=sorted(ticked))
    if callback.message is not None:
        await bot.edit_message_reply_markup(chat_id=callback.from_user.id, message_id=callback.message.message_id,
                                            reply_markup=views.grounds_keyboard(callback_data.application, ticked))


async def grounds_chosen(callback: CallbackQuery, callback_data: GroundsChosenCallback, state: FSMContext,
                         bot: Bot) -> None:
    if not await refusal_of(state, callback_data.application):
        raise Refusal(Phrase(N_("Choose at least one ground.")))
    await state.set_state(Refuse.documents)
    if callback.message is not None:
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                message_id=callback.message.message_id, reply_markup=None)
    await bot.send_message(callback.from_user.id, _(
        "Name the documents concerned and what is wrong with them (the teacher reads this):"),
        reply_markup=cancel_markup(Flow.REFUSE, callback_data.application))


async def refuse_documents(message: Message, state: FSMContext, bot: Bot, session: AsyncSession, settings: Settings,
                           rule_book: RuleBook,
                           i18n: I18n) -> None:
    assert message.from_user is not None
    documents = typed_text(message, 3, REFUSAL_DOCUMENTS_MAX)
    data = await state.get_data()
    await state.clear()
    grounds = [RefusalGround(g) for g in data["grounds"]]

    def notice(locale: str, number: str | int, c: Commission) -> str:
        return views.refusal_notice(partial(i18n.gettext, locale=locale), number, c, grounds, documents)

    decision = await service(session, settings, rule_book).refuse(message.from_user.id, int(data["application"]),
                                                                  grounds,
                                                       documents, notice)
    await reach(bot, decision.teacher, notice(decision.locale, decision.number, decision.commission))
    await settle_card(bot, message.from_user.id, data.get("card"), decision.application_id)
    await message.answer(_("Refused; the teacher is notified."))


async def grounds_wanted(message: Message, state: FSMContext) -> None:
    """Typed text (or a file) while the grounds are to be ticked: said, and the grounds shown again."""
    data = await state.get_data()
    await ask_again(message, views.grounds_question(),
                    views.grounds_keyboard(int(data.get("application", 0)), set(data.get("grounds", []))))


def create_router() -> Router:
    router = Router(name="commission-agenda")
    router.message.register(agenda_command, Command("agenda"))
    router.message.register(refuse_documents, StateFilter(Refuse.documents), NOT_A_COMMAND)
    router.message.register(grounds_wanted, StateFilter(Refuse.grounds), NOT_A_COMMAND)
    review = ReviewCallback.filter
    router.callback_query.register(open_card, review(F.act == ReviewAct.CARD))
    router.callback_query.register(send_files, review(F.act == ReviewAct.FILES))
    router.callback_query.register(accept, review(F.act == ReviewAct.ACCEPT))
    router.callback_query.register(refuse_start, review(F.act == ReviewAct.REFUSE))
    router.callback_query.register(toggle_ground, GroundCallback.filter(), StateFilter(Refuse.grounds))
    router.callback_query.register(grounds_chosen, GroundsChosenCallback.filter(), StateFilter(Refuse.grounds))
    return router
