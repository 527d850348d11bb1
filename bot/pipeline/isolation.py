"""One chat's updates one at a time, in one process, with a lock kept only while someone holds or waits for it.

aiogram's `SimpleEventIsolation` keeps a lock for every chat that has ever written and never frees it:
some 360 bytes a chat, about 170 MB for half a million teachers. Here a chat's entry counts who holds or
waits for its lock and goes when the count falls to zero, so the table holds only the chats in flight.
With REDIS_URL the workers share aiogram's `RedisEventIsolation` instead (app/factory.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Hashable
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


class _ChatLock:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0  # holding it or waiting for it


class TransientChatIsolation(BaseEventIsolation):
    def __init__(self) -> None:
        self._locks: dict[Hashable, _ChatLock] = {}

    @property
    def chats_in_flight(self) -> int:
        """Chats whose lock is held or awaited right now (not `__len__`: an empty isolation must stay truthy)."""
        return len(self._locks)

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _ChatLock()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            # Also when cancelled while waiting: the waiter no longer counts.
            entry.users -= 1
            if entry.users == 0:
                del self._locks[key]

    async def close(self) -> None:
        self._locks.clear()
