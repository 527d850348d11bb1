"""/help, /lang, /cancel and the fallback for anything unexpected (failures: bot/pipeline/middlewares.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.refusal import StaleButton
from features.profile.views import language_keyboard
from scoring.i18n import N_

# /help, one line (one msgid) each, so that a new command adds a line rather than a new translation of the
# whole text; "" is an empty line. Every command of app/commands.COMMANDS is named (a test checks).
TEACHER_HELP = (
    N_("This bot walks you through the qualification-category attestation of teachers."),
    "",
    N_("/start — begin or continue"),
    N_("/profile — see and edit your profile"),
    N_("/checklist — your documents: what is needed, what is sent"),
    N_("/essay — write the essay and check its length"),
    N_("/submit — what is ready and what is missing, then submit the application"),
    N_("/status — where you stand: each step, your application, the commission's decision"),
    N_("/status also gives the dossier of your application (PDF and ZIP) and the button to complain about a "
       "refusal or a decision"),
    N_("/withdraw — withdraw it to make changes (while the window is open)"),
    N_("/history — your attestations over the years: decisions, documents, complaints"),
    N_("/score — score yourself on the official sheet: points, category, what to improve"),
    N_("/lang — change the language"),
    N_("/cancel — stop the current step (what you saved is kept)"),
    N_("/reminders — turn deadline reminders on or off"),
    N_("/delete_me — withdraw consent and erase your data"),
    N_("/help — this message"),
)
COMMISSION_HELP = (
    N_("Attestation commissions:"),
    N_("/commissions — your commission: members, chair, what it still needs"),
    N_("/agenda — secretary: applications to review and sessions"),
    N_("/commission_new — administrator: create a commission"),
)
VERIFY_HELP = (N_("/verify — check a certificate or an extract by the code under its QR code"),)
ADMIN_HELP = (
    N_("Administrators:"),
    N_("/stats — progress of this academic year in numbers and a chart"),
    N_("/window — the application window of the year"),
    N_("/topics — the essay topics of the year, in Kazakh and in Russian"),
    N_("/broadcast — a message to teachers in Kazakh and Russian"),
    N_("/broadcast_status — broadcasts and their progress"),
    N_("/export — the year's applications as Excel (XLSX) or CSV"),
    N_("/revoke — revoke a certificate or an extract by its code, with the reason"),
)


def help_text(is_admin: bool) -> str:
    blocks = [TEACHER_HELP, COMMISSION_HELP, VERIFY_HELP] + ([ADMIN_HELP] if is_admin else [])
    return "\n\n".join("\n".join(_(line) if line else "" for line in block) for block in blocks)


async def help_command(message: Message, is_admin: bool = False) -> None:
    await message.answer(help_text(is_admin))


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
