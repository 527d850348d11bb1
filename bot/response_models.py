"""aiogram reads every Bot API answer as pydantic's `Response[T]`, T being what the method returns. pydantic
keeps such parametrised models in a weak cache, so one that nothing else holds is built again (a schema build
of about 10 ms) whenever the garbage collector has freed it: under load, a large share of each send's CPU.
The bot holds those of the methods it calls, for the life of the process."""

from __future__ import annotations

from typing import Any

from aiogram import methods
from aiogram.methods.base import Response

# The methods the bot and its pipeline call (a method missing here still works, only without the held model).
CALLED = (
    methods.SendMessage, methods.EditMessageText, methods.EditMessageReplyMarkup, methods.AnswerCallbackQuery,
    methods.SendDocument, methods.SendPhoto, methods.DeleteMessage, methods.GetFile, methods.GetUpdates,
    methods.SetWebhook, methods.DeleteWebhook, methods.GetMe, methods.SetMyCommands, methods.SetChatMenuButton,
    methods.SendChatAction,
)

_HELD: dict[Any, type[Response[Any]]] = {}


def hold_response_models() -> dict[Any, type[Response[Any]]]:
    """Build (once) and hold `Response[T]` for every method in CALLED; returns them by T."""
    for method in CALLED:
        returning = method.__returning__
        if returning not in _HELD:
            _HELD[returning] = Response[returning]  # type: ignore[valid-type]
    return _HELD
