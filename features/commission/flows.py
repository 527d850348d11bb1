"""The multi-step actions of admins and secretaries, and the Cancel button every one of them has."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import RowId


class Flow(StrEnum):
    """A multi-step action that can be left half-way (its FSM states are cleared, its buttons taken away)."""

    NEW_COMMISSION = "new"
    REFUSE = "ref"
    NEW_SESSION = "snew"
    CHANGE_DATE = "sdate"
    REASON = "reason"
    ORDER = "order"
    REMOVE_MEMBER = "rmm"
    CLOSE_ANYWAY = "iforce"
    POSTPONE = "pp"


class CancelCallback(CallbackData, prefix="cx"):
    """Leave the multi-step action `flow` on the commission, application or session `ref`."""

    flow: Flow
    ref: RowId = 0


def cancel_button(flow: Flow, ref: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("✖️ Cancel"), callback_data=CancelCallback(flow=flow, ref=ref).pack())


def cancel_markup(flow: Flow, ref: int = 0) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(flow, ref)]])
