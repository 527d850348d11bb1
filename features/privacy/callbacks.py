"""Callback data of /delete_me's confirmation."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class DeleteMeCallback(CallbackData, prefix="erase"):
    confirm: bool
