"""The one way to refuse: a service raises `Refusal`, and the pipeline answers it in the user's language.

A refusal says why an action is not done ("only administrators create commissions", "this button is no
longer active"). Services raise it before they change anything; `RefusalMiddleware` turns it into an
alert on the pressed button, or a reply to the typed message. Nothing the handler wrote is rolled back
by a refusal, so a service that must record something and then refuse (a refusal notice, an audit row)
returns a result instead and lets the handler render it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.i18n import render
from scoring.i18n import N_, Phrase

STALE_BUTTON = N_("This button is no longer active.")


class Refusal(Exception):
    """An action refused, with the reason as a translatable phrase (or a text already translated)."""

    def __init__(self, reason: Phrase | str, *, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        super().__init__(reason.text if isinstance(reason, Phrase) else reason)
        self.reason = reason
        self.reply_markup = reply_markup

    def text(self) -> str:
        return render(self.reason) if isinstance(self.reason, Phrase) else self.reason


class StaleButton(Refusal):
    """A button whose moment has passed, or callback data nobody could have been shown: one wording."""

    def __init__(self) -> None:
        super().__init__(Phrase(STALE_BUTTON))


def stale_text() -> str:
    return _(STALE_BUTTON)


class RefusalMiddleware(BaseMiddleware):
    """Inner middleware of messages and callback queries: a `Refusal` becomes its answer.

    Register it after aiogram's `CallbackAnswerMiddleware`, so that a refused button press is answered
    once, as an alert, through the same `callback_answer` every other press uses.
    """

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Refusal as refusal:
            await self._answer(event, data, refusal)
            return None

    @staticmethod
    async def _answer(event: TelegramObject, data: dict[str, Any], refusal: Refusal) -> None:
        text = refusal.text()
        if isinstance(event, CallbackQuery):
            answer: CallbackAnswer | None = data.get("callback_answer")
            if answer is not None and not answer.answered and not answer.disabled:
                answer.text, answer.show_alert = text, True
            else:
                await event.answer(text, show_alert=True)
            if refusal.reply_markup is not None and event.message is not None:
                await event.message.answer(text, reply_markup=refusal.reply_markup)
        elif isinstance(event, Message):
            await event.answer(text, reply_markup=refusal.reply_markup)
