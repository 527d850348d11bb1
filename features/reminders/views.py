"""Texts and keyboard of /reminders: whether reminders are on, and the button that turns them round."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from features.reminders.callbacks import ReminderMuteCallback


def reminders_view(muted: bool) -> tuple[str, InlineKeyboardMarkup]:
    if muted:
        text = _("Reminders are off: you will not get deadline or category-expiry reminders.")
        button = InlineKeyboardButton(text=_("🔔 Turn reminders on"),
                                      callback_data=ReminderMuteCallback(mute=False).pack())
    else:
        text = _("Reminders are on: the bot reminds you of the application window, its deadline and "
                 "your category's expiry (never between 21:00 and 09:00).")
        button = InlineKeyboardButton(text=_("🔕 Turn reminders off"),
                                      callback_data=ReminderMuteCallback(mute=True).pack())
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


def muted_toast(muted: bool) -> str:
    return _("Reminders off.") if muted else _("Reminders on.")
