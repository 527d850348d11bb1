"""Delivers broadcast queues from the database, exactly once per recipient, through crashes.

The protocol for recipient rows:

1. `pending → sending` is committed for a small group of rows in one statement (a conditional
   UPDATE … WHERE id IN (…): it is also the claim that stops a second process, and it fails at once
   when the admin paused or cancelled the broadcast). A group is the sends of the next
   `CLAIM_SECONDS` at the rate (one row at the free rate, 20 at 1,000/s), claimed just before their
   slots come, so a claimed row never waits for anything but its slot;
2. each message is sent in its own task at its slot (429: wait and retry; 403: the user blocked the
   bot; network: bounded retries). About rate × round trip sends are in flight at once;
3. `sending → sent | blocked | failed` is committed in batches (one statement for the sent rows).

A `kill -9` leaves "sending" only the rows of the sends in flight (or sent and not yet recorded):
the only messages in doubt (they may or may not have reached Telegram). Whoever takes the broadcast
over next marks them "unknown" and does not resend them: a teacher never gets a broadcast twice, at
the cost of possibly missing a message that was in flight at the kill; the admin sees "in doubt: n"
in the summary. Every other row is either final (never touched again) or pending (sent exactly once
after the restart).

One process delivers a broadcast at a time: it holds a lease in the broadcast row and renews it; a
restarted process takes over when the dead one's lease has run out (BROADCAST_LEASE_SECONDS).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.json_send import TextMessages
from bot.pipeline.metrics import BROADCAST_MESSAGES
from bot.settings import Settings
from features.broadcast.delivery import Outcome, RateLimiter, Result, RetryPolicy, Sleep, send_paced
from features.broadcast.views import control_keyboard, progress_text
from storage.broadcast_models import Broadcast, BroadcastStatus, RecipientStatus
from storage.broadcast_repository import BroadcastRepository

log = logging.getLogger(__name__)

# Pending rows read per query (the claims are smaller groups of these).
BATCH = 1000
# Rows claimed by one commit: the sends due in the next this-many seconds at the rate (at least one).
CLAIM_SECONDS = 0.02
# Sends in flight: rate × the measured round trip × this margin (plus one claim group), so the rate
# holds over a slow link while a crash leaves no more rows in doubt than that.
IN_FLIGHT_MARGIN = 1.5
# Outcomes are recorded (one commit) once this many wait, or this often.
RECORD_BATCH = 200
RECORD_SECONDS = 0.2
# On a stop, sends still in flight get this long to finish (and be recorded) before they are cancelled.
SETTLE_SECONDS = 5.0
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
        self.messages = TextMessages(bot)
        self.sessions = sessions
        self.i18n = i18n
        self.settings = settings
        self.limiter = limiter or RateLimiter(settings.broadcast_rate)
        # Paid broadcasts have Telegram's own higher limit; their messages do not count against the free one.
        self.paid_limiter = RateLimiter(settings.broadcast_paid_rate, sleep=self.limiter.sleep)
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
        run: Delivery | None = None
        try:
            async with self.sessions() as session:
                broadcast = await BroadcastRepository(session).get(broadcast_id)
            if broadcast is not None:
                run = Delivery(self, broadcast)
                await self._deliver(run)
            async with self.sessions() as session:
                await BroadcastRepository(session).complete_if_drained(broadcast_id, now_utc())
                await session.commit()
        finally:
            if run is not None:
                await run.settle()
            async with self.sessions() as session:
                await BroadcastRepository(session).release_lease(broadcast_id, self.owner)
                await session.commit()
        await self.report(broadcast_id, None)

    async def _deliver(self, run: Delivery) -> None:
        """Claim, send and record until no pending row is left, or the broadcast stops running."""
        while not self._stopping:
            async with self.sessions() as session:
                repo = BroadcastRepository(session)
                broadcast = await repo.get(run.broadcast.id)
                batch = await repo.pending(run.broadcast.id, BATCH)
            if broadcast is None or broadcast.status != BroadcastStatus.RUNNING:
                break
            if not batch:
                await run.wait_for_all()  # the last sends: recorded before the broadcast can be done
                break
            for start in range(0, len(batch), run.group):
                if self._stopping or not await run.renew_if_due() or not await run.send_group(
                        batch[start:start + run.group]):
                    return  # paused, cancelled, lease lost or stopping: re-read (or leave) the broadcast
                await run.record_if_due()
                await run.report_if_due()

    async def _renew(self, broadcast_id: int) -> bool:
        async with self.sessions() as session:
            ok = await BroadcastRepository(session).acquire_lease(broadcast_id, self.owner, now_utc(), self.lease)
            await session.commit()
        return ok

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

        configured = self.settings.broadcast_paid_rate if broadcast.paid else self.settings.broadcast_rate
        text = progress_text(tr, broadcast, counts, rate, configured)
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


@dataclass
class Outcomes:
    """Finished sends not yet recorded: rows sent, and the others with their result."""

    sent: list[int] = field(default_factory=list)
    others: list[tuple[int, int, Result]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent) + len(self.others)


class Delivery:
    """One broadcast delivered by this process: its claims, its sends in flight, its outcomes to record."""

    def __init__(self, sender: BroadcastSender, broadcast: Broadcast) -> None:
        self.sender = sender
        self.broadcast = broadcast
        self.paid = bool(broadcast.paid)
        self.limiter = sender.paid_limiter if self.paid else sender.limiter
        self.rate = 1.0 / self.limiter.interval
        self.group = max(1, math.floor(self.rate * CLAIM_SECONDS))
        self.tasks: set[asyncio.Task[None]] = set()
        # Claimed rows whose request has not left yet: the next group is claimed only once they have, so a
        # crash finds at most one group claimed and unsent (even when the loop runs behind the slots).
        self.unsent = 0
        self.all_sent = asyncio.Event()
        self.all_sent.set()
        self.outcomes = Outcomes()
        self.failure: BaseException | None = None
        self.round_trip = 0.0  # seconds, a moving average of the sends' answers
        self.started = self.recorded = self.reported = self.renewed = time.monotonic()
        self.sent_here = 0

    # --- sending --------------------------------------------------------------------------------

    def in_flight_limit(self) -> int:
        return int(self.rate * self.round_trip * IN_FLIGHT_MARGIN) + self.group

    async def send_group(self, rows: list[tuple[int, int, str]]) -> bool:
        """Claim `rows` in one commit at their first slot and start their sends; False: the broadcast stopped."""
        while len(self.tasks) + len(rows) > max(self.in_flight_limit(), len(rows)):
            await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)
        await self.all_sent.wait()
        self._raise_failure()
        delays = [self.limiter.reserve(user_id) for _, user_id, _ in rows]
        if delays[0] > 0:
            await self.limiter.sleep(delays[0])
        async with self.sender.sessions() as session:
            claimed = await BroadcastRepository(session).claim_many([r[0] for r in rows], self.broadcast.id, now_utc())
            await session.commit()
        if not claimed:
            # We hold the lease and a blocked user's row is skipped: no row claimed means paused or cancelled.
            return await self._still_running()
        for (row_id, user_id, locale), delay in zip(rows, delays, strict=True):
            if row_id in claimed:
                self._start(row_id, user_id, locale, max(0.0, delay - delays[0]))
        return True

    def _start(self, row_id: int, user_id: int, locale: str, delay: float) -> None:
        self.unsent += 1
        self.all_sent.clear()
        task = asyncio.create_task(self._send(row_id, user_id, locale, delay))
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self.failure is None:
            self.failure = task.exception()

    def _raise_failure(self) -> None:
        """A send that failed in a way no outcome covers (a bug, a crash) stops the delivery here."""
        if self.failure is not None:
            raise self.failure

    async def _send(self, row_id: int, user_id: int, locale: str, delay: float) -> None:
        try:
            if delay > 0:
                await self.limiter.sleep(delay)
        finally:
            # The main loop runs again only once this task waits inside the request (written, or waiting
            # for a connection): only then can the next group be claimed.
            self.unsent -= 1
            if self.unsent == 0:
                self.all_sent.set()
        began = time.monotonic()
        result = await send_paced(self.sender.bot, user_id, text_for(self.broadcast, locale), self.limiter,
                                  self.sender.policy, self.sender.sleep, paced=True, paid=self.paid,
                                  via=self.sender.messages)
        if result.outcome is Outcome.SENT:
            self.round_trip += (time.monotonic() - began - self.round_trip) * 0.2
            self.outcomes.sent.append(row_id)
            self.sent_here += 1
        else:
            self.outcomes.others.append((row_id, user_id, result))

    async def _still_running(self) -> bool:
        async with self.sender.sessions() as session:
            current = await BroadcastRepository(session).get(self.broadcast.id)
        return current is not None and current.status == BroadcastStatus.RUNNING

    async def wait_for_all(self) -> None:
        if self.tasks:
            await asyncio.wait(self.tasks)
        self._raise_failure()
        await self.record()

    async def settle(self) -> None:
        """Let the sends in flight finish (briefly) and record them; what is cut off stays in doubt."""
        if self.tasks:
            _, late = await asyncio.wait(self.tasks, timeout=SETTLE_SECONDS)
            for task in late:
                task.cancel()
        await self.record()

    # --- recording, lease, progress -------------------------------------------------------------

    async def record_if_due(self) -> None:
        if len(self.outcomes) >= RECORD_BATCH or time.monotonic() - self.recorded >= RECORD_SECONDS:
            await self.record()

    async def record(self) -> None:
        """sending → sent | blocked | failed for every finished send, in one commit."""
        outcomes, self.outcomes = self.outcomes, Outcomes()
        self.recorded = time.monotonic()
        if not outcomes:
            return
        now = now_utc()
        async with self.sender.sessions() as session:
            repo = BroadcastRepository(session)
            await repo.finish_many(outcomes.sent, RecipientStatus.SENT, now)
            for row_id, user_id, result in outcomes.others:
                if result.outcome is Outcome.BLOCKED:
                    await repo.finish(row_id, RecipientStatus.BLOCKED, now, result.error)
                    await repo.mark_user_blocked(user_id)
                else:
                    await repo.finish(row_id, RecipientStatus.FAILED, now, result.error)
            await session.commit()
        BROADCAST_MESSAGES.labels(RecipientStatus.SENT.value).inc(len(outcomes.sent))
        for _row_id, _user_id, result in outcomes.others:
            status = RecipientStatus.BLOCKED if result.outcome is Outcome.BLOCKED else RecipientStatus.FAILED
            BROADCAST_MESSAGES.labels(status.value).inc()

    async def renew_if_due(self) -> bool:
        if time.monotonic() - self.renewed <= self.sender.lease.total_seconds() / 3:
            return True
        self.renewed = time.monotonic()
        return await self.sender._renew(self.broadcast.id)

    async def report_if_due(self) -> None:
        if time.monotonic() - self.reported >= self.sender.settings.broadcast_progress_seconds:
            self.reported = time.monotonic()
            await self.record()  # the admin's counts include what has been sent so far
            await self.sender.report(self.broadcast.id, self.sent_here / max(self.reported - self.started, 1e-6))
