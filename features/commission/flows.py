"""The multi-step actions of admins and secretaries: the Cancel button every one of them has, and their steps' input."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.callbacks import RowId
from bot.refusal import Refusal


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


def typed_text(message: Message, low: int, high: int) -> str:
    """The text typed at a step when its length fits; otherwise the step is refused with what it expects."""
    text = (message.text or "").strip()
    if not low <= len(text) <= high:
        raise Refusal(_("Please send it as text, {min} to {max} characters (this was {n}).").format(
            min=low, max=high, n=len(text)))
    return text


async def ask_again(message: Message, prompt: str, markup: InlineKeyboardMarkup) -> None:
    """Typed text (or a file) where a step wants one of its buttons: said, and the step's buttons shown again."""
    await message.answer(_("Please choose one of the buttons above."))
    await message.answer(prompt, reply_markup=markup)
