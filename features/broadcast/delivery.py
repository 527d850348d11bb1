"""Sending one message within Telegram's limits: pacing, 429 waits, blocked users, bounded retries.

Shared by the broadcast sender and the reminders, so the two never exceed the limits together.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class TextSend(Protocol):
    """Sends one plain-text message, raising what `bot.send_message` raises (bot/json_send.TextMessages)."""

    async def send(self, chat_id: int, text: str, *, paid: bool = False) -> None: ...

# Telegram: at most one message per second to one private chat.
PER_CHAT_INTERVAL = 1.0
# 429s are Telegram telling us to wait, not failures; still, never loop forever on one message.
MAX_RETRY_AFTER_WAITS = 20


class RateLimiter:
    """Paces sends at `per_second` overall and one per `PER_CHAT_INTERVAL` per chat.

    Sends are scheduled on a fixed grid (next = previous slot + 1/rate) so the work done between two
    sends does not lower the rate; a late send never earns a burst, so the rate is never exceeded.
    """

    def __init__(self, per_second: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep):
        self.interval = 1.0 / per_second
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._last_by_chat: dict[int, float] = {}

    def reserve(self, chat_id: int) -> float:
        """Take the next slot for `chat_id`; the seconds from now until it (0: now)."""
        now = self.clock()
        slot = max(self._next, now, self._last_by_chat.get(chat_id, -PER_CHAT_INTERVAL) + PER_CHAT_INTERVAL)
        self._next = slot + self.interval
        self._last_by_chat[chat_id] = slot
        if len(self._last_by_chat) > 10_000:
            # Only the last second matters; forget older chats so the map stays small.
            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t > now - PER_CHAT_INTERVAL}
        return slot - now

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id)
        if delay > 0:
            await self.sleep(delay)

    def hold(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out before `seconds` from now."""
        self._next = max(self._next, self.clock() + seconds)


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    backoff: float = 1.0


async def send_paced(
    bot: Bot, chat_id: int, text: str, limiter: RateLimiter, policy: RetryPolicy, sleep: Sleep = asyncio.sleep,
    *, paced: bool = False, paid: bool = False, via: TextSend | None = None,
) -> Result:
    """Send `text`; the caller has already recorded the claim, so this decides only the outcome.

    `paced`: the caller already waited for this send's slot (before claiming, so that a claimed row
    is never left waiting: the time between claim and send is the time a crash leaves it in doubt).
    `paid`: the admin chose a paid broadcast; the message carries Telegram's `allow_paid_broadcast`.
    `via`: how the request is made (the broadcast's JSON path); by default `bot.send_message`.
    """
    failures = 0
    waits = 0
    while True:
        if not paced:
            await limiter.wait(chat_id)
        paced = False
        try:
            if via is not None:
                await via.send(chat_id, text, paid=paid)
            else:
                await bot.send_message(chat_id, text, allow_paid_broadcast=True if paid else None)
            return Result(Outcome.SENT)
        except TelegramRetryAfter as error:
            # Not delivered: Telegram refused before sending. Wait exactly what it asks.
            waits += 1
            if waits > MAX_RETRY_AFTER_WAITS:
                return Result(Outcome.FAILED, f"rate limited {waits} times: {error.message}")
            limiter.hold(error.retry_after)
            await sleep(error.retry_after)
        except TelegramForbiddenError as error:
            return Result(Outcome.BLOCKED, error.message)
        except (TelegramNetworkError, TelegramServerError, ClientDecodeError) as error:
            # ClientDecodeError: the reply was not the Bot API's JSON (an HTML 502 from a proxy, a cut body).
            failures += 1
            if failures > policy.max_retries:
                return Result(Outcome.FAILED, f"{type(error).__name__}: {getattr(error, 'message', error)}")
            await sleep(policy.backoff * 2 ** (failures - 1))
        except TelegramBadRequest as error:
            # e.g. "chat not found": retrying cannot help.
            return Result(Outcome.FAILED, error.message)
