"""Per-update plumbing: one database session (and transaction) per update, the user row, settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import current_session
from bot.outbox import held_until_commit, release
from bot.settings import Settings
from storage.repositories import UserRepository


class DatabaseMiddleware(BaseMiddleware):
    """One session per update; the chat's isolation lock is held until the transaction has committed,
    so the next update of the same chat (a double tap) always sees what this one wrote. Messages to
    other people are written to the outbox in that transaction and sent after it (bot/outbox.py)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings,
                 isolation: BaseEventIsolation | None = None, fsm: FSMContextMiddleware | None = None):
        self.sessions = sessions
        self.settings = settings
        self.isolation = isolation
        self.fsm = fsm

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = self.fsm.resolve_event_context(data["bot"], data) if self.fsm and self.isolation else None
        if context is None or self.isolation is None:
            return await self._handle(handler, event, data)
        async with self.isolation.lock(key=context.key):
            return await self._handle(handler, event, data)

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        async with self.sessions() as session:
            token = current_session.set(session)
            data["session"] = session
            data["settings"] = self.settings
            if tg_user is not None and not tg_user.is_bot:
                db_user = await UserRepository(session).get_or_create(tg_user.id)
                data["db_user"] = db_user
                data["is_admin"] = tg_user.id in self.settings.admin_ids
            try:
                async with held_until_commit() as to_others:
                    result = await handler(event, data)
                    await session.commit()
                    await release(data["bot"], self.sessions, to_others)
            finally:
                current_session.reset(token)
            return result
