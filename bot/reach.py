"""Sending to someone other than the person acting (members, teachers, secretaries).

One member who blocked the bot, or never started it, must not abort the action for everyone else
(opening a session, issuing documents): the failure is logged and the others still get theirs.

During an update, such a message leaves only after the update's transaction has committed: the
addressee may press a button in it at once, and must then find what it announces already saved (an
open session, a routed application). If the update fails, nothing was done, so nothing is announced.
Outside an update (the scheduler, the broadcast sender) it is sent at once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

log = logging.getLogger(__name__)

Send = Coroutine[Any, Any, Any]
_after_commit: ContextVar[list[tuple[int, Send]] | None] = ContextVar("after_commit", default=None)


async def _deliver(user_id: int, send: Send) -> None:
    try:
        await send
    except (TelegramForbiddenError, TelegramBadRequest) as error:
        log.warning("Could not reach user %s: %s", user_id, error.message)


async def reach(user_id: int, send: Send) -> None:
    """Send to another person: after the current update commits, or now when there is no update."""
    queue = _after_commit.get()
    if queue is None:
        await _deliver(user_id, send)
    else:
        queue.append((user_id, send))


@asynccontextmanager
async def held_until_commit() -> AsyncIterator[list[tuple[int, Send]]]:
    """Collects `reach` calls made inside; the caller commits and then calls `release`. Anything not
    released (the update failed) is dropped unsent."""
    queue: list[tuple[int, Send]] = []
    token = _after_commit.set(queue)
    try:
        yield queue
    finally:
        _after_commit.reset(token)
        for _, send in queue:
            send.close()  # never started: closing it tells Python it was dropped on purpose


async def release(queue: list[tuple[int, Send]]) -> None:
    while queue:
        user_id, send = queue.pop(0)
        await _deliver(user_id, send)
