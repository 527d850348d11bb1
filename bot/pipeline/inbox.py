"""Updates are stored before they are handled, so none is lost to a crash and none is applied twice.

Long polling confirms updates to Telegram (the next getUpdates' offset) only once they are stored; a
webhook answers 200 only once the update is stored. Each stored update is then handled in its own task.
The transaction that applies an update marks it processed (bot/pipeline/middlewares.py), so:
- the same `update_id` delivered again (Telegram re-sends, a proxy repeats a webhook call) is skipped;
- an update stored but not yet applied when the process died is replayed at the next start;
- with several workers, one that dies leaves updates it stored and never applied: every worker sweeps the
  inbox for updates still unapplied `INBOX_ORPHAN_SECONDS` after they arrived and applies them. Taking over
  one that its worker is in fact still applying is harmless: the claim in the applying transaction lets
  only one of the two apply it (the other finds it processed and sends nothing).
Processed rows are pruned after `KEEP_PROCESSED`, long after Telegram stops re-sending, at the start and
hourly while the process runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pipeline.metrics import UPDATE_SECONDS, UPDATES, UPDATES_TAKEN_OVER
from storage.inbox_repository import InboxRepository

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; a processed id is remembered well past that.
KEEP_PROCESSED = timedelta(days=2)
PRUNE_EVERY = timedelta(hours=1)
# Updates taken over in one sweep; the rest wait for the next one.
SWEEP_BATCH = 500


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
    """Handles stored updates in tasks of their own, and applies the ones a dead process left: at the start
    (`replay`) and, for a dead worker among several, while running (`start_sweeping`)."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, sessions: async_sessionmaker[AsyncSession]):
        self.dispatcher = dispatcher
        self.bot = bot
        self.sessions = sessions
        self._tasks: set[asyncio.Task[None]] = set()
        # Update ids this process is applying, so its own sweep does not take them twice.
        self._in_hand: set[int] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._pruned_at: datetime | None = None

    def spawn(self, update: Update) -> None:
        if update.update_id in self._in_hand:
            return
        self._in_hand.add(update.update_id)
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
            finally:
                self._in_hand.discard(update.update_id)
        UPDATES.labels(outcome).inc()

    async def accept(self, updates: list[Update]) -> int:
        """Store, then handle the new ones; returns how many were new."""
        fresh = await store(self.sessions, self.bot, updates)
        for update in fresh:
            self.spawn(update)
        return len(fresh)

    async def _take_pending(self, received_before: datetime | None) -> int:
        now = _now()
        async with self.sessions() as session:
            inbox = InboxRepository(session, self.bot.id)
            payloads = await inbox.pending(SWEEP_BATCH, received_before=received_before)
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                await inbox.prune(now - KEEP_PROCESSED)
                self._pruned_at = now
            await session.commit()
        taken = 0
        for payload in payloads:
            update = Update.model_validate(payload, context={"bot": self.bot})
            if update.update_id not in self._in_hand:
                self.spawn(update)
                taken += 1
        return taken

    async def replay(self) -> int:
        """Handle what was stored but never applied (the previous process died first)."""
        taken = await self._take_pending(None)
        if taken:
            log.info("Replaying %s updates left unapplied by the previous run", taken)
        return taken

    async def sweep(self, orphaned_after: timedelta) -> int:
        """Apply updates stored at least `orphaned_after` ago and still unapplied (their worker died)."""
        taken = await self._take_pending(_now() - orphaned_after)
        if taken:
            UPDATES_TAKEN_OVER.inc(taken)
            log.warning("Took over %s updates another worker stored and did not apply", taken)
        return taken

    def start_sweeping(self, orphaned_after: timedelta) -> None:
        self._sweeper = asyncio.create_task(self._sweep_forever(orphaned_after), name="inbox-sweep")

    async def _sweep_forever(self, orphaned_after: timedelta) -> None:
        interval = max(orphaned_after.total_seconds() / 2, 0.5)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sweep(orphaned_after)
            except Exception as error:  # the database away for a while: the next sweep tries again
                log.warning("Inbox sweep: %s", type(error).__name__)

    async def drain(self, timeout: float = 30.0) -> None:
        """Stop sweeping and let the updates in hand finish (on shutdown); what does not is replayed at the
        next start, or by another worker's sweep."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
