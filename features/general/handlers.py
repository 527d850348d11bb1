"""/help, /lang, /cancel and the fallback for anything unexpected (failures: bot/pipeline/middlewares.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.refusal import StaleButton
from features.profile.views import language_keyboard


async def help_command(message: Message, is_admin: bool = False) -> None:
    admin = "\n\n" + _(
        "Administrators:\n"
        "/stats — progress of this academic year in numbers and a chart\n"
        "/window — the application window of the year\n"
        "/topics — the essay topics of the year, in Kazakh and in Russian\n"
        "/broadcast — a message to teachers in Kazakh and Russian\n"
        "/broadcast_status — broadcasts and their progress"
    ) + "\n" + _("/revoke — revoke a certificate or an extract by its code, with the reason") if is_admin else ""
    await message.answer(_(
        "This bot walks you through the qualification-category attestation of teachers.\n\n"
        "/start — begin or continue\n"
        "/profile — see and edit your profile\n"
        "/checklist — your documents: what is needed, what is sent\n"
        "/essay — write the essay and check its length\n"
        "/submit — what is ready and what is missing, then submit the application\n"
        "/status — where you stand: each step, your application, the commission's decision\n"
        "/withdraw — withdraw it to make changes (while the window is open)\n"
        "/score — score yourself on the official sheet: points, category, what to improve\n"
        "/lang — change the language\n"
        "/cancel — stop the current step (what you saved is kept)\n"
        "/reminders — turn deadline reminders on or off\n"
        "/delete_me — withdraw consent and erase your data\n"
        "/help — this message"
    ) + "\n\n" + _(
        "Attestation commissions:\n"
        "/commissions — your commission: members, chair, what it still needs\n"
        "/agenda — secretary: applications to review and sessions\n"
        "/commission_new — administrator: create a commission"
    ) + "\n\n" + _("/verify — check a certificate or an extract by the code under its QR code") + admin)


async def lang_command(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=language_keyboard())


async def cancel_command(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel."), reply_markup=ReplyKeyboardRemove())
        return
    await state.clear()
    await message.answer(
        _("Stopped. Everything you saved is kept: /start continues, /profile shows your answers."),
        reply_markup=ReplyKeyboardRemove(),
    )


async def unknown_message(message: Message) -> None:
    await message.answer(_("I did not understand that. Send /help to see what I can do."))


async def unknown_callback(callback: CallbackQuery) -> None:
    """A button no handler takes: a keyboard of an old message, or forged data (never silence, never a
    traceback)."""
    raise StaleButton()


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="common")
    router.message.register(help_command, Command("help"))
    router.message.register(lang_command, Command("lang"))
    router.message.register(cancel_command, Command("cancel"))
    return router


def create_fallback_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="fallback")
    router.message.register(unknown_message)
    router.callback_query.register(unknown_callback)
    return router
