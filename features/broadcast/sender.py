"""Delivers broadcast queues from the database, exactly once per recipient, through crashes.

The protocol for one recipient row:

1. `pending → sending` is committed (a conditional UPDATE: it is also the claim that stops a second
   process, and it fails at once when the admin paused or cancelled the broadcast);
2. the message is sent (429: wait and retry; 403: the user blocked the bot; network: bounded retries);
3. `sending → sent | blocked | failed` is committed.

A `kill -9` between 1 and 3 leaves exactly one row "sending": the only message in doubt (it may or
may not have reached Telegram). Whoever takes the broadcast over next marks it "unknown" and does
not resend it: a teacher never gets a broadcast twice, at the cost of possibly missing the one message
that was in flight at the kill; the admin sees "in doubt: 1" in the summary. Every other row is
either final (never touched again) or pending (sent exactly once after the restart).

One process delivers a broadcast at a time: it holds a lease in the broadcast row and renews it; a
restarted process takes over when the dead one's lease has run out (BROADCAST_LEASE_SECONDS).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from features.broadcast.delivery import Outcome, RateLimiter, RetryPolicy, Sleep, send_paced
from features.broadcast.views import control_keyboard, progress_text
from storage.broadcast_models import Broadcast, BroadcastStatus, RecipientStatus
from storage.broadcast_repository import BroadcastRepository

log = logging.getLogger(__name__)

BATCH = 200
# While idle, look for broadcasts created by other processes (or whose lease ran out) this often.
IDLE_POLL_SECONDS = 5.0


def now_utc() -> datetime:
    return datetime.now(UTC)


def text_for(broadcast: Broadcast, locale: str) -> str:
    return broadcast.text_ru if locale == "ru" else broadcast.text_kk


class BroadcastSender:
    def __init__(
        self, bot: Bot, sessions: async_sessionmaker[AsyncSession], i18n: I18n, settings: Settings, *,
        limiter: RateLimiter | None = None, sleep: Sleep = asyncio.sleep, owner: str | None = None,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.i18n = i18n
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.broadcast_rate)
        self.sleep = sleep
        self.policy = RetryPolicy(settings.broadcast_max_retries, settings.broadcast_retry_backoff)
        # A fresh id per process run: rows "sending" under any other owner belong to a dead run.
        self.owner = owner or f"{uuid.uuid4().hex[:16]}"
        self.lease = timedelta(seconds=settings.broadcast_lease_seconds)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Resume unfinished broadcasts now and deliver new ones as they come (bot start-up)."""
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name="broadcast-sender")
        return self._task

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_forever(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_pending()
            except Exception:  # a database hiccup must not end the sender for good
                log.exception("broadcast sender pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)

    async def run_pending(self) -> None:
        """Deliver every running broadcast this process can take, oldest first."""
        async with self.sessions() as session:
            ids = await BroadcastRepository(session).unfinished_ids()
        for broadcast_id in ids:
            await self.deliver_broadcast(broadcast_id)

    # --- one broadcast --------------------------------------------------------------------------

    async def _take(self, broadcast_id: int) -> bool:
        async with self.sessions() as session:
            repo = BroadcastRepository(session)
            broadcast = await repo.get(broadcast_id)
            previous_owner = broadcast.lease_owner if broadcast else None
            if not await repo.acquire_lease(broadcast_id, self.owner, now_utc(), self.lease):
                return False
            if previous_owner != self.owner:
                # Taken over from a dead run (or first time): its in-flight row is the one in doubt.
                doubtful = await repo.mark_in_doubt(broadcast_id)
                if doubtful:
                    log.warning("broadcast %s: %s message(s) in doubt after a restart, not resent",
                                broadcast_id, doubtful)
            await session.commit()
        return True

    async def deliver_broadcast(self, broadcast_id: int) -> None:
        if not await self._take(broadcast_id):
            return
        await self.report(broadcast_id, None)  # posts the admin's progress message the first time
        started = time.monotonic()
        sent_here = 0
        last_progress = started
        lease_renewed = time.monotonic()
        try:
            while not self._stopping:
                async with self.sessions() as session:
                    repo = BroadcastRepository(session)
                    broadcast = await repo.get(broadcast_id)
                    batch = await repo.pending(broadcast_id, BATCH)
                if broadcast is None or broadcast.status != BroadcastStatus.RUNNING or not batch:
                    break
                for row_id, user_id, locale in batch:
                    if time.monotonic() - lease_renewed > self.lease.total_seconds() / 3:
                        if not await self._renew(broadcast_id):
                            return
                        lease_renewed = time.monotonic()
                    step = await self._send_row(broadcast, row_id, user_id, locale)
                    if step is None:
                        break  # paused or cancelled: re-read the broadcast
                    sent_here += step
                    if time.monotonic() - last_progress >= self.settings.broadcast_progress_seconds:
                        last_progress = time.monotonic()
                        await self.report(broadcast_id, sent_here / max(time.monotonic() - started, 1e-6))
            async with self.sessions() as session:
                await BroadcastRepository(session).complete_if_drained(broadcast_id, now_utc())
                await session.commit()
        finally:
            async with self.sessions() as session:
                await BroadcastRepository(session).release_lease(broadcast_id, self.owner)
                await session.commit()
        await self.report(broadcast_id, None)

    async def _renew(self, broadcast_id: int) -> bool:
        async with self.sessions() as session:
            ok = await BroadcastRepository(session).acquire_lease(broadcast_id, self.owner, now_utc(), self.lease)
            await session.commit()
        return ok

    async def _send_row(self, broadcast: Broadcast, row_id: int, user_id: int, locale: str) -> int | None:
        """One recipient: claim, send, record. 1 if a message went out, 0 if not, None to stop."""
        # Wait for the slot first: the claim is committed only right before the request leaves.
        await self.limiter.wait(user_id)
        async with self.sessions() as session:
            claimed = await BroadcastRepository(session).claim(row_id, broadcast.id, now_utc())
            await session.commit()
        if not claimed:
            # Another holder cannot exist (we hold the lease) and a blocked user's row is skipped:
            # a failed claim of a pending row means the admin paused or cancelled.
            async with self.sessions() as session:
                current = await BroadcastRepository(session).get(broadcast.id)
            return 0 if current is not None and current.status == BroadcastStatus.RUNNING else None
        result = await send_paced(self.bot, user_id, text_for(broadcast, locale), self.limiter, self.policy, self.sleep,
                               paced=True)
        async with self.sessions() as session:
            repo = BroadcastRepository(session)
            if result.outcome is Outcome.SENT:
                await repo.finish(row_id, RecipientStatus.SENT, now_utc())
            elif result.outcome is Outcome.BLOCKED:
                await repo.finish(row_id, RecipientStatus.BLOCKED, now_utc(), result.error)
                await repo.mark_user_blocked(user_id)
            else:
                await repo.finish(row_id, RecipientStatus.FAILED, now_utc(), result.error)
            await session.commit()
        return 1 if result.outcome is Outcome.SENT else 0

    # --- the admin's progress message -----------------------------------------------------------

    async def report(self, broadcast_id: int, rate: float | None) -> None:
        """Edit the admin's progress message in place (best effort: progress must not stop delivery)."""
        async with self.sessions() as session:
            repo = BroadcastRepository(session)
            broadcast = await repo.get(broadcast_id)
            if broadcast is None or broadcast.progress_chat_id is None:
                return
            counts = await repo.counts(broadcast_id)
        locale = broadcast.admin_locale

        def tr(text: str) -> str:
            return self.i18n.gettext(text, locale=locale)

        text = progress_text(tr, broadcast, counts, rate, self.settings.broadcast_rate)
        try:
            if broadcast.progress_message_id is None:
                await self._post_progress(broadcast, text, control_keyboard(tr, broadcast))
            else:
                await self.bot.edit_message_text(
                    text=text, chat_id=broadcast.progress_chat_id, message_id=broadcast.progress_message_id,
                    reply_markup=control_keyboard(tr, broadcast),
                )
        except TelegramAPIError as error:
            # "message is not modified" and a deleted progress message are both harmless.
            log.debug("progress of broadcast %s not edited: %s", broadcast_id, error)

    async def _post_progress(self, broadcast: Broadcast, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """The admin's progress message, posted once; its id is kept so that later reports edit it."""
        assert broadcast.progress_chat_id is not None
        message = await self.bot.send_message(broadcast.progress_chat_id, text, reply_markup=markup)
        async with self.sessions() as session:
            await BroadcastRepository(session).set_progress_message(broadcast.id, message.chat.id, message.message_id)
            await session.commit()
