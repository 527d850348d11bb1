"""Sending to someone other than the person acting (members, teachers, secretaries): the outbox.

During an update, such a message is written to the `outbox` table in the update's own transaction and
sent once that transaction has committed. So the addressee, who may press a button in it at once,
finds what it announces already saved (an open session, a routed application); if the update fails,
neither the change nor its announcement exists; and if the process dies between the commit and the
send, the row is still there: `OutboxDeliverer` (started beside the dispatcher) sends what was left
behind once its claim is older than `LEASE`. A message may then arrive twice (sent, but the process
died before marking it), never not at all: for a notice about one's own application that is the
right way round. A person who blocked the bot, or never started it, does not stop the others: the row
is marked failed with the reason.

Outside an update (the scheduler, scripts) there is no transaction to wait for: it is sent at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import current_session
from storage.commission_models import GeneratedDocument
from storage.outbox_repository import OutboxRepository

log = logging.getLogger(__name__)

# How long a claimed, unsent message waits before another deliverer takes it over.
LEASE = timedelta(minutes=2)
# How often the deliverer looks for messages left behind.
CHECK_EVERY = timedelta(seconds=30)
# A message that fails for other reasons (network, Telegram's 5xx, flood waits) is tried this often.
MAX_ATTEMPTS = 5

SEND_MESSAGE, SEND_DOCUMENT = "sendMessage", "sendDocument"


# The outbox ids written by the update being handled, to send once it has committed.
_after_commit: ContextVar[list[int] | None] = ContextVar("after_commit", default=None)


def _now() -> datetime:
    return datetime.now(UTC)


async def reach(bot: Bot, user_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """A text (with buttons) to another person."""
    payload: dict[str, Any] = {"text": text}
    if reply_markup is not None:
        payload["reply_markup"] = reply_markup.model_dump(mode="json", exclude_none=True)
    await _post(bot, user_id, SEND_MESSAGE, payload)


async def reach_document(bot: Bot, user_id: int, document: GeneratedDocument, caption: str | None = None) -> None:
    """A generated document (protocol, extract, certificate) to another person."""
    payload: dict[str, Any] = {"document_id": document.id}
    if caption is not None:
        payload["caption"] = caption
    await _post(bot, user_id, SEND_DOCUMENT, payload, document)


async def _post(bot: Bot, user_id: int, method: str, payload: dict[str, Any],
                document: GeneratedDocument | None = None) -> None:
    queue, session = _after_commit.get(), current_session.get()
    if queue is None or session is None:
        call = await _method(user_id, method, payload, document=document)
        if call is not None:
            await _send(bot, user_id, call)
        return
    row = await OutboxRepository(session).add(user_id, method, payload, _now())
    queue.append(row.id)


async def _method(user_id: int, method: str, payload: dict[str, Any], *, session: AsyncSession | None = None,
                  document: GeneratedDocument | None = None) -> TelegramMethod[Any] | None:
    """The Bot API call a row describes; None when its document no longer exists (the data was erased)."""
    if method == SEND_MESSAGE:
        markup = payload.get("reply_markup")
        return SendMessage(chat_id=user_id, text=payload["text"],
                           reply_markup=InlineKeyboardMarkup.model_validate(markup) if markup else None)
    if document is None and session is not None:
        document = await OutboxRepository(session).document(int(payload["document_id"]))
    if document is None:
        return None
    return SendDocument(chat_id=user_id, document=BufferedInputFile(document.content, filename=document.filename),
                        caption=payload.get("caption"))


async def _send(bot: Bot, user_id: int, method: TelegramMethod[Any]) -> str | None:
    """Send; the reason when this person cannot be reached (blocked the bot, never started it), logged."""
    try:
        await bot(method)
    except (TelegramForbiddenError, TelegramBadRequest) as error:
        log.warning("Could not reach user %s: %s", user_id, error.message)
        return error.message
    return None


@asynccontextmanager
async def held_until_commit() -> AsyncIterator[list[int]]:
    """Collects the messages to others written inside; the caller commits, then calls `release`."""
    queue: list[int] = []
    token = _after_commit.set(queue)
    try:
        yield queue
    finally:
        _after_commit.reset(token)


async def release(bot: Bot, sessions: async_sessionmaker[AsyncSession], queue: list[int]) -> None:
    """Send what the committed update wrote to the outbox, marking each row as it goes."""
    for message_id in queue:
        await deliver(bot, sessions, message_id)


async def deliver(bot: Bot, sessions: async_sessionmaker[AsyncSession], message_id: int) -> None:
    """Send one outbox row that this process holds the claim of, and record how it went."""
    async with sessions() as session:
        repo = OutboxRepository(session)
        row = await repo.get(message_id)
        if row is None or row.sent_at is not None or row.failed_at is not None:
            return
        method = await _method(row.user_id, row.method, row.payload, session=session)
    outcome: tuple[str, str] = ("sent", "")
    if method is None:
        outcome = ("failed", "the document no longer exists")
    else:
        try:
            unreachable = await _send(bot, row.user_id, method)
            if unreachable is not None:
                outcome = ("failed", unreachable)
        except Exception as error:  # network, 5xx, flood wait: tried again after the lease
            log.warning("Outbox message %s to %s not sent yet: %r", message_id, row.user_id, error)
            outcome = ("retry", repr(error))
    async with sessions() as session:
        repo = OutboxRepository(session)
        now = _now()
        if outcome[0] == "sent":
            await repo.mark_sent(message_id, now)
        else:
            attempts = await repo.note_attempt(message_id, outcome[1])
            if outcome[0] == "failed" or attempts >= MAX_ATTEMPTS:
                await repo.give_up(message_id, now)
        await session.commit()


async def deliver_abandoned(bot: Bot, sessions: async_sessionmaker[AsyncSession], now: datetime | None = None) -> int:
    """Send the messages whose deliverer gave up or died; returns how many this process took over."""
    now = now or _now()
    taken = 0
    async with sessions() as session:
        candidates = await OutboxRepository(session).abandoned(now, LEASE)
    for message_id in candidates:
        async with sessions() as session:
            claimed = await OutboxRepository(session).claim(message_id, now, LEASE)
            await session.commit()
        if claimed:
            taken += 1
            await deliver(bot, sessions, message_id)
    return taken


class OutboxDeliverer:
    """Beside the dispatcher: at start and then every `CHECK_EVERY`, sends what was left behind."""

    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession]):
        self.bot = bot
        self.sessions = sessions
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await deliver_abandoned(self.bot, self.sessions)
            except Exception:  # a database hiccup must not end the loop for good
                log.exception("Outbox check failed")
            await asyncio.sleep(CHECK_EVERY.total_seconds())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
