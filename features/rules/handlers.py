"""/rules (administrators): the sets loaded; a sent .toml file checked, its diff, its first year, stored."""

from __future__ import annotations

from io import BytesIO

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import Clock, utc_now
from features.rules import views
from features.rules.callbacks import RulesAct, RulesCallback
from features.rules.service import RuleSetService
from features.rules.states import LoadingRules
from scoring.i18n import N_, Phrase

FOR_ADMINS = Phrase(N_("This command is for administrators only."))


def _service(session: AsyncSession, rule_book: RuleBook, settings: Settings) -> RuleSetService:
    return RuleSetService(session, rule_book, settings)


async def rules_command(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                        rule_book: RuleBook) -> None:
    entries = await _service(session, rule_book, settings).listing()
    await state.set_state(LoadingRules.file)
    await message.answer(views.listing_text(entries))


async def rules_file(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                     rule_book: RuleBook, bot: Bot, clock: Clock = utc_now) -> None:
    assert message.document is not None
    document = message.document
    service = _service(session, rule_book, settings)
    service.accept_file(document.file_name, document.file_size)
    buffer = BytesIO()
    await bot.download(document.file_id, destination=buffer)
    file_name = document.file_name or "rules.toml"
    checked = await service.check(buffer.getvalue(), file_name, clock())
    if checked.ruleset is None:
        await message.answer(views.problems_text(file_name, checked.problems))
        return
    text, attachment = views.diff_view(checked)
    await message.answer(text)
    if attachment is not None:
        await message.answer_document(attachment)
    await state.set_state(LoadingRules.year)
    # The file's id, not its text: a rule set is larger than what the FSM keeps; confirming reads it again.
    await state.update_data(rules_file=document.file_id, rules_key=checked.ruleset.key)
    await message.answer(views.year_text(), reply_markup=views.year_keyboard(checked.years))


async def rules_not_a_file(message: Message) -> None:
    await message.answer(views.send_file_text())


async def rules_year(callback: CallbackQuery, callback_data: RulesCallback, state: FSMContext,
                     session: AsyncSession, settings: Settings, rule_book: RuleBook, clock: Clock = utc_now) -> None:
    _service(session, rule_book, settings).check_year(callback_data.year, clock())
    data = await state.get_data()
    await state.update_data(rules_year=callback_data.year)
    await state.set_state(LoadingRules.confirm)
    text, markup = views.confirm_view(str(data.get("rules_key", "")), callback_data.year)
    await callback.message.answer(text, reply_markup=markup)  # type: ignore[union-attr]


async def rules_confirm(callback: CallbackQuery, state: FSMContext, session: AsyncSession, settings: Settings,
                        rule_book: RuleBook, bot: Bot, clock: Clock = utc_now) -> None:
    data = await state.get_data()
    if "rules_file" not in data or "rules_year" not in data:
        raise StaleButton()
    buffer = BytesIO()
    await bot.download(str(data["rules_file"]), destination=buffer)
    loaded = await _service(session, rule_book, settings).confirm(
        buffer.getvalue(), int(data["rules_year"]), callback.from_user.id, clock())
    await state.clear()
    await callback.message.answer(views.loaded_text(loaded))  # type: ignore[union-attr]


async def rules_cancel(callback: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await callback.message.answer(views.cancelled_text())  # type: ignore[union-attr]


async def not_for_you(message: Message) -> None:
    raise Refusal(FOR_ADMINS)


def create_router() -> Router:
    router = Router(name="rules")
    router.message.register(rules_command, Command("rules"), IsAdmin())
    router.message.register(not_for_you, Command("rules"), ~IsAdmin())
    router.message.register(rules_file, LoadingRules.file, F.document, IsAdmin())
    router.message.register(rules_not_a_file, LoadingRules.file, ~F.text.startswith("/"), IsAdmin())
    router.callback_query.register(rules_year, LoadingRules.year, RulesCallback.filter(F.act == RulesAct.YEAR),
                                   IsAdmin())
    router.callback_query.register(rules_confirm, LoadingRules.confirm,
                                   RulesCallback.filter(F.act == RulesAct.CONFIRM), IsAdmin())
    router.callback_query.register(rules_cancel, RulesCallback.filter(F.act == RulesAct.CANCEL), IsAdmin())
    return router
