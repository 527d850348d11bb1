"""Callback data of the order assigning the categories (entered with SessionAct.ORDER). Client-controlled."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import RowId


class OrderAct(StrEnum):
    SAME_ISSUER = "issuer"  # the issuer of the commission's previous order again
    SAME_SIGNATORY = "signatory"  # its signatory again
    ISSUE = "issue"  # the order is confirmed: issue the certificates


class OrderCallback(CallbackData, prefix="od"):
    act: OrderAct
    session: RowId
