"""Sending to someone other than the person acting (members, teachers, secretaries).

One member who blocked the bot, or never started it, must not abort the action for everyone else
(opening a session, issuing documents): the failure is logged and the others still get theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

log = logging.getLogger(__name__)
T = TypeVar("T")


async def reach(user_id: int, send: Awaitable[T]) -> T | None:
    try:
        return await send
    except (TelegramForbiddenError, TelegramBadRequest) as error:
        log.warning("Could not reach user %s: %s", user_id, error.message)
        return None
