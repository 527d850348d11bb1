"""Updates are stored before they are handled, so none is lost to a crash and none is applied twice.

Long polling confirms updates to Telegram (the next getUpdates' offset) only once they are stored; a
webhook answers 200 only once the update is stored. Each stored update is then handled in its own task.
The transaction that applies an update marks it processed (bot/pipeline/middlewares.py), so:
- the same `update_id` delivered again (Telegram re-sends, a proxy repeats a webhook call) is skipped;
- an update stored but not yet applied when the process died is replayed at the next start.
Processed rows are pruned after `KEEP_PROCESSED`, long after Telegram stops re-sending.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pipeline.metrics import UPDATE_SECONDS, UPDATES
from storage.inbox_repository import InboxRepository

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; a processed id is remembered well past that.
KEEP_PROCESSED = timedelta(days=2)


def _now() -> datetime:
    return datetime.now(UTC)


async def store(sessions: async_sessionmaker[AsyncSession], bot: Bot, updates: list[Update]) -> list[Update]:
    """Store the updates not seen before (committed when this returns); returns those, in order."""
    if not updates:
        return []
    rows = [(u.update_id, u.model_dump(mode="json", exclude_none=True, by_alias=True)) for u in updates]
    async with sessions() as session:
        # One statement, committed by itself (no BEGIN and COMMIT round trips around it on PostgreSQL).
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        fresh = set(await InboxRepository(session, bot.id).receive(rows, _now()))
    return [u for u in updates if u.update_id in fresh]


class UpdateRunner:
    """Handles stored updates in tasks of their own, and replays the ones a dead process left."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, sessions: async_sessionmaker[AsyncSession]):
        self.dispatcher = dispatcher
        self.bot = bot
        self.sessions = sessions
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        outcome = "handled"
        with UPDATE_SECONDS.time():
            try:
                await self.dispatcher.feed_update(self.bot, update)
            except Exception as error:  # the pipeline answers failures itself; this is the last guard
                outcome = "failed"
                log.error("Update %s: %s", update.update_id, type(error).__name__)
        UPDATES.labels(outcome).inc()

    async def accept(self, updates: list[Update]) -> int:
        """Store, then handle the new ones; returns how many were new."""
        fresh = await store(self.sessions, self.bot, updates)
        for update in fresh:
            self.spawn(update)
        return len(fresh)

    async def replay(self) -> int:
        """Handle what was stored but never applied (the previous process died first)."""
        async with self.sessions() as session:
            inbox = InboxRepository(session, self.bot.id)
            payloads = await inbox.pending()
            await inbox.prune(_now() - KEEP_PROCESSED)
            await session.commit()
        for payload in payloads:
            self.spawn(Update.model_validate(payload, context={"bot": self.bot}))
        if payloads:
            log.info("Replaying %s updates left unapplied by the previous run", len(payloads))
        return len(payloads)

    async def drain(self, timeout: float = 30.0) -> None:
        """Let the updates in hand finish (on shutdown); what does not is replayed at the next start."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
