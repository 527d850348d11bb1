"""Callback data of /reminders. Anyone may press it, for themselves only."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ReminderMuteCallback(CallbackData, prefix="rm"):
    mute: bool
