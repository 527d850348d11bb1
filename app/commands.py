"""The command menu shown by Telegram, per language (set_my_commands)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram.utils.i18n import I18n

from bot.i18n import SUPPORTED_LOCALES
from scoring.i18n import N_

log = logging.getLogger(__name__)

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Begin or continue")),
    ("profile", N_("My profile")),
    ("checklist", N_("My documents")),
    ("essay", N_("Write or check the essay")),
    ("submit", N_("Submit the application")),
    ("status", N_("Where I stand: my steps and my application")),
    ("withdraw", N_("Withdraw the application")),
    ("history", N_("My attestations over the years")),
    ("score", N_("Self-assessment on the scoring sheet")),
    ("lang", N_("Change language")),
    ("cancel", N_("Stop the current step")),
    ("delete_me", N_("Withdraw consent and erase my data")),
    ("reminders", N_("Turn reminders on or off")),
    ("commissions", N_("My attestation commission")),
    ("agenda", N_("Secretary: applications and sessions")),
    ("verify", N_("Check a certificate or an extract by its code")),
    ("export", N_("Administrators: the year's applications as Excel or CSV")),
    ("help", N_("Help")),
)


def commands_for(i18n: I18n, locale: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=i18n.gettext(text, locale=locale)) for name, text in COMMANDS]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """Best effort: a Bot API server that refuses must not stop the bot from starting."""
    scope = BotCommandScopeAllPrivateChats()
    try:
        await bot.set_my_commands(commands_for(i18n, i18n.default_locale), scope=scope)
        for locale in SUPPORTED_LOCALES:
            await bot.set_my_commands(commands_for(i18n, locale), scope=scope, language_code=locale)
    except Exception:
        log.exception("set_my_commands failed; continuing without the command menu")
