"""Bot API calls made while an update is handled are held back until its transaction has committed.

Handlers keep writing `await message.answer(...)`, `callback.answer(...)`, `bot.send_message(...)`.
While an update is being applied, a request middleware on the bot's session takes every call that
shows something to someone (sends, edits, callback answers, deletions) and answers it at once with a
stand-in result; the update pipeline (bot/pipeline/middlewares.py) writes the held calls to the outbox in the
same transaction and sends them after the commit. Reads (getMe, getFile, …) go through as usual.

Handlers never use what a send returns, so the stand-in only has to have the right type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from weakref import WeakSet

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, MessageId

# Calls that show something to someone: these wait for the commit.
_OUTPUT_PREFIXES = ("send", "edit", "answerCallbackQuery", "deleteMessage", "copyMessage", "forwardMessage",
                    "pinChatMessage", "unpinChatMessage", "setMessageReaction", "stopPoll")


@dataclass
class Held:
    """What the update being applied has asked to send, and what must run once it has committed."""

    calls: list[TelegramMethod[Any]] = field(default_factory=list)
    after_commit: list[Callable[[], None]] = field(default_factory=list)


_held: ContextVar[Held | None] = ContextVar("held", default=None)


def is_output(method: TelegramMethod[Any]) -> bool:
    return method.__api_method__.startswith(_OUTPUT_PREFIXES)


def _stand_in(method: TelegramMethod[Any]) -> Any:
    returning = method.__returning__
    if returning is Message:
        chat_id = getattr(method, "chat_id", None)
        return Message(message_id=0, date=datetime.now(UTC),
                       chat=Chat(id=chat_id if isinstance(chat_id, int) else 0, type="private"))
    if returning is MessageId:
        return MessageId(message_id=0)
    if getattr(returning, "__origin__", None) is list:
        return []
    return True


def _answers_again(held: Held, method: TelegramMethod[Any]) -> bool:
    """A callback query is answered once: Telegram refuses a second answer, so the first one held wins
    (a handler's own answer before the one aiogram's CallbackAnswerMiddleware gives after it)."""
    if not isinstance(method, AnswerCallbackQuery):
        return False
    return any(isinstance(call, AnswerCallbackQuery) and call.callback_query_id == method.callback_query_id
               for call in held.calls)


def _answers_held(held: Held) -> int:
    return sum(isinstance(call, AnswerCallbackQuery) for call in held.calls)


class HoldUntilCommit(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        held = _held.get()
        if held is None or not is_output(method):
            return await make_request(bot, method)
        if isinstance(method, AnswerCallbackQuery):
            if not _answers_again(held, method):
                # The press is answered before what it brings is sent: the button stops spinning first.
                held.calls.insert(_answers_held(held), method)
        else:
            held.calls.append(method)
        # What flows through the chain is the call's result (BaseSession casts it), not a Response.
        return cast(Response[TelegramType], _stand_in(method))


_installed: WeakSet[BaseSession] = WeakSet()


def install(bot: Bot) -> None:
    """Put the holding middleware on the bot's session once (whoever created the bot)."""
    if bot.session not in _installed:
        bot.session.middleware(HoldUntilCommit())
        _installed.add(bot.session)


@contextmanager
def holding() -> Iterator[Held]:
    held = Held()
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


def holding_now() -> bool:
    """An update is being applied in this context: what it sends waits for its commit."""
    return _held.get() is not None


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the update being applied has committed (at once outside an update)."""
    held = _held.get()
    if held is None:
        callback()
    else:
        held.after_commit.append(callback)
