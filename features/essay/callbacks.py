"""Callback data of /essay: finishing or dropping the pasted messages. Client-controlled, re-checked."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class EssayAct(StrEnum):
    DONE = "done"  # the pasted messages are the essay: count and save it
    CANCEL = "cancel"  # drop them; the saved essay stays


class EssayCallback(CallbackData, prefix="es"):
    action: EssayAct
