"""Callback data of /revoke (prefix vr): confirm or cancel the revocation of one registry row."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class RevokeAct(StrEnum):
    CONFIRM = "ok"
    CANCEL = "no"


class RevokeCallback(CallbackData, prefix="vr"):
    act: RevokeAct
    doc: RowId = 0
