"""Everything the bot sends while it handles an update goes out through the outbox, after the commit.

Every Bot API call a handler makes (its replies, edits, callback answers, and messages to other people)
is held back (bot/pipeline/deferred.py), written to the `outbox` table in the update's own transaction, and sent
once that transaction has committed. So:
- a failed or slow send never undoes committed work, and never holds the database's write lock;
- the addressee, who may press a button in it at once, finds what it announces already saved;
- an update that fails announces nothing (its rows roll back with it);
- a process killed between the commit and the send leaves the rows behind: `OutboxDeliverer` (beside
  the dispatcher) sends them once their claim is older than `LEASE`.
A sent row is deleted at once (its text may name the person); a failed one stays `KEEP_FAILED`.

A send is retried as Telegram asks: a 429 waits exactly its `retry_after`, a 5xx, a timeout or a reply
that is not the Bot API's JSON backs off; what cannot be sent within `INLINE_BUDGET` is left to the
deliverer with the time it may be tried again. Telegram's "message is not modified" is success; a
callback answered too late ("query is too old") has its text sent as a message instead, and an edit
of a message that is gone is sent as a new one. A person who blocked the bot does not stop the others:
the row is marked failed with the reason.

The one window where a message can arrive twice: Telegram accepted it, and the process died before
the commit that deletes its row (one local transaction, a few milliseconds; the README gives the figure).

Outside an update (the scheduler, scripts) there is no transaction to wait for: it is sent at once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import aiogram.methods
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.exceptions import (
    AiogramError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputFile
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.commission_models import GeneratedDocument
from storage.outbox_models import OutboxMessage
from storage.outbox_repository import OutboxRepository

log = logging.getLogger(__name__)

# How long a claimed, unsent message waits before another deliverer takes it over (OUTBOX_LEASE_SECONDS):
# longer than one delivery's retries (INLINE_BUDGET), so a live process is never overtaken.
LEASE = timedelta(minutes=2)
# How often the deliverer looks for messages left behind or due for another try.
CHECK_EVERY = timedelta(seconds=2)
# Tries of one message, over all deliveries, before it is marked failed.
MAX_ATTEMPTS = 8
# How long the update's own delivery keeps retrying before it leaves a message to the deliverer.
INLINE_BUDGET = timedelta(seconds=20)
# Back-off after a 5xx, a timeout or a broken reply: 0.5 s, 1 s, 2 s, … (doubling, at most 60 s).
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 60.0
# How long a message that could not be delivered stays on record (for the officials' view).
KEEP_FAILED = timedelta(days=30)

_API_METHODS: dict[str, type[TelegramMethod[Any]]] = {
    cls.__api_method__: cls
    for cls in vars(aiogram.methods).values()
    if isinstance(cls, type) and issubclass(cls, TelegramMethod) and hasattr(cls, "__api_method__")
}

Sleep = Callable[[float], Awaitable[None]]


def _now() -> datetime:
    return datetime.now(UTC)


class StoredDocument(BufferedInputFile):
    """A generated document (protocol, extract, certificate): the outbox keeps its id, not its bytes."""

    def __init__(self, document: GeneratedDocument):
        super().__init__(document.content, filename=document.filename)
        self.document_id = document.id


# --- a Bot API call as a row -------------------------------------------------------------------------


async def encode(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
    """The call's fields as JSON; bot-wide defaults (parse mode …) are left for the bot to fill in."""
    files = {name: value for name, value in method if isinstance(value, InputFile)}
    defaults = {name for name, value in method if isinstance(value, Default)}
    params: dict[str, Any] = method.model_dump(mode="json", exclude_none=True, exclude=defaults | set(files))
    for name, file in files.items():
        if isinstance(file, StoredDocument):
            params[name] = {"__document__": file.document_id}
        else:
            data = b"".join([chunk async for chunk in file.read(bot)])
            params[name] = {"__file__": file.filename or "file", "data": base64.b64encode(data).decode()}
    return params


async def decode(session: AsyncSession, row: OutboxMessage) -> TelegramMethod[Any] | None:
    """The call a row describes; None when its document no longer exists (the data was erased)."""
    params = dict(row.payload)
    if row.method == SendDocument.__api_method__ and "document_id" in params:  # rows written before 0009
        params["document"] = {"__document__": params.pop("document_id")}
    if row.method in (SendMessage.__api_method__, SendDocument.__api_method__):
        params.setdefault("chat_id", row.user_id)
    for name, value in list(params.items()):
        if isinstance(value, dict) and "__document__" in value:
            document = await session.get(GeneratedDocument, int(value["__document__"]))
            if document is None:
                return None
            params[name] = BufferedInputFile(document.content, filename=document.filename)
        elif isinstance(value, dict) and "__file__" in value:
            params[name] = BufferedInputFile(base64.b64decode(value["data"]), filename=value["__file__"])
    return _API_METHODS[row.method].model_validate(params)


# --- sending one call, as Telegram asks --------------------------------------------------------------


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # for good: blocked, never started, a request Telegram refuses
    LATER = "later"  # not yet: tried again at `retry_at`


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    tries: int
    error: str = ""
    retry_at: datetime | None = None


_NOT_MODIFIED = "message is not modified"
_TOO_OLD = ("query is too old", "query id is invalid")
_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def _instead(method: TelegramMethod[Any], chat_id: int, description: str) -> TelegramMethod[Any] | None:
    """What to send when Telegram refuses a call because its moment has passed (see module doc)."""
    text = description.lower()
    if isinstance(method, AnswerCallbackQuery) and any(s in text for s in _TOO_OLD) and method.text:
        return SendMessage(chat_id=chat_id, text=method.text)
    if isinstance(method, EditMessageText) and method.text and any(s in text for s in _GONE):
        markup = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        return SendMessage(chat_id=method.chat_id or chat_id, text=method.text, reply_markup=markup)
    return None


def _moot(method: TelegramMethod[Any], description: str) -> bool:
    """Refusals that mean there is nothing left to do: the screen already shows it, or it is gone."""
    text = description.lower()
    if _NOT_MODIFIED in text:
        return True
    if isinstance(method, AnswerCallbackQuery) and any(s in text for s in _TOO_OLD):
        return True
    return isinstance(method, EditMessageReplyMarkup) and any(s in text for s in _GONE)


class Sender:
    """Sends one call with the retries Telegram asks for, within a time budget."""

    def __init__(self, bot: Bot, *, budget: timedelta = INLINE_BUDGET, sleep: Sleep = asyncio.sleep,
                 clock: Callable[[], datetime] = _now):
        self.bot = bot
        self.budget = budget
        self.sleep = sleep
        self.clock = clock

    async def send(self, method: TelegramMethod[Any], chat_id: int) -> Attempt:
        deadline = self.clock() + self.budget
        tries = 0
        backoff = FIRST_BACKOFF
        while True:
            tries += 1
            try:
                await self.bot(method)
                return Attempt(Outcome.SENT, tries)
            except TelegramRetryAfter as error:
                wait, reason = float(error.retry_after), f"429: retry after {error.retry_after} s"
            except TelegramForbiddenError as error:
                return Attempt(Outcome.FAILED, tries, error.message)
            except TelegramBadRequest as error:
                return await self._refused(method, chat_id, error.message, tries)
            except (TelegramServerError, TelegramNetworkError, AiogramError, TimeoutError) as error:
                # 5xx, a dropped connection, a timeout, or a reply that is not the Bot API's JSON.
                wait, reason = backoff, f"{type(error).__name__}: {getattr(error, 'message', '') or error}"
                backoff = min(backoff * 2, MAX_BACKOFF)
            retry_at = self.clock() + timedelta(seconds=wait)
            if retry_at > deadline:
                return Attempt(Outcome.LATER, tries, reason, retry_at)
            await self.sleep(wait)

    async def _refused(self, method: TelegramMethod[Any], chat_id: int, description: str, tries: int) -> Attempt:
        instead = _instead(method, chat_id, description)
        if instead is not None:
            attempt = await self.send(instead, chat_id)
            return Attempt(attempt.outcome, tries + attempt.tries, attempt.error, attempt.retry_at)
        if _moot(method, description):
            return Attempt(Outcome.SENT, tries)
        return Attempt(Outcome.FAILED, tries, description)


# --- delivering rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queued:
    """One outbox row on its way: its call rebuilt (None when its document was erased)."""

    id: int
    user_id: int
    method: str
    attempts: int
    call: TelegramMethod[Any] | None


async def send_claimed(bot: Bot, sessions: async_sessionmaker[AsyncSession], message_ids: list[int],
                  sender: Sender | None = None) -> None:
    """Send rows this process holds the claim of, in order, and record how each went."""
    if not message_ids:
        return
    async with sessions() as session:
        rows = await OutboxRepository(session).many(message_ids)
        queued = [Queued(row.id, row.user_id, row.method, row.attempts, await decode(session, row))
                  for row in rows if row.sent_at is None and row.failed_at is None]
    await send_queued(bot, sessions, queued, sender)


async def send_queued(bot: Bot, sessions: async_sessionmaker[AsyncSession], queued: list[Queued],
                      sender: Sender | None = None) -> None:
    """Send, in order, and record how each went. Once one of a chat's messages has to wait, the ones
    after it in that chat wait too (a reply never overtakes the one before it)."""
    if not queued:
        return
    sender = sender or Sender(bot)
    results: list[tuple[Queued, Attempt]] = []
    waiting: dict[int, datetime | None] = {}
    for item in queued:
        if item.call is None:
            results.append((item, Attempt(Outcome.FAILED, 0, "the document no longer exists")))
        elif item.user_id in waiting:
            results.append((item, Attempt(Outcome.LATER, 0, "after an earlier message", waiting[item.user_id])))
        else:
            attempt = await sender.send(item.call, item.user_id)
            if attempt.outcome is not Outcome.SENT:
                log.warning("Outbox message %s (%s): %s after %s tries: %s", item.id, item.method,
                            attempt.outcome, attempt.tries, attempt.error)
            if attempt.outcome is Outcome.LATER:
                waiting[item.user_id] = attempt.retry_at
            results.append((item, attempt))
    await _record(sessions, results)


async def _record(sessions: async_sessionmaker[AsyncSession], results: list[tuple[Queued, Attempt]]) -> None:
    now = _now()
    async with sessions() as session:
        repo = OutboxRepository(session)
        await repo.forget_sent([item.id for item, a in results if a.outcome is Outcome.SENT])
        for item, attempt in results:
            if attempt.outcome is Outcome.SENT:
                continue
            tries = item.attempts + attempt.tries
            if attempt.outcome is Outcome.FAILED or tries >= MAX_ATTEMPTS:
                await repo.give_up(item.id, now, tries, attempt.error)
            else:
                await repo.retry_later(item.id, attempt.retry_at or now, tries, attempt.error)
        await session.commit()


async def deliver_due(bot: Bot, sessions: async_sessionmaker[AsyncSession], now: datetime | None = None,
                      lease: timedelta = LEASE) -> int:
    """Send the messages left behind (their deliverer died, or they wait for another try) that are due;
    returns how many this process took over. Of several processes, one takes each row."""
    now = now or _now()
    async with sessions() as session:
        candidates = await OutboxRepository(session).due(now, lease)
    taken: list[int] = []
    for message_id in candidates:
        async with sessions() as session:
            if await OutboxRepository(session).claim(message_id, now, lease):
                taken.append(message_id)
            await session.commit()
    await send_claimed(bot, sessions, taken)
    return len(taken)


async def prune(sessions: async_sessionmaker[AsyncSession], now: datetime | None = None) -> None:
    now = now or _now()
    async with sessions() as session:
        await OutboxRepository(session).prune(now - KEEP_FAILED)
        await session.commit()


# --- messages to other people --------------------------------------------------------------------------


class OutboxDeliverer:
    """Beside the dispatcher: at start and then every `CHECK_EVERY`, sends what is due; prunes hourly."""

    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], lease: timedelta = LEASE):
        self.bot = bot
        self.sessions = sessions
        self.lease = lease
        self._task: asyncio.Task[None] | None = None
        self._pruned: datetime | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await deliver_due(self.bot, self.sessions, lease=self.lease)
                if self._pruned is None or _now() - self._pruned > timedelta(hours=1):
                    await prune(self.sessions)
                    self._pruned = _now()
            except Exception:  # a database hiccup must not end the loop for good
                log.exception("Outbox check failed")
            await asyncio.sleep(CHECK_EVERY.total_seconds())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
