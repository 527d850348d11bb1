"""Everything the bot sends while it handles an update goes out through the outbox, after the commit.

Every Bot API call a handler makes (its replies, edits, callback answers, and messages to other people)
is held back (bot/pipeline/deferred.py), written to the `outbox` table in the update's own transaction, and sent
once that transaction has committed. So:
- a failed or slow send never undoes committed work, and never holds the database's write lock;
- the addressee, who may press a button in it at once, finds what it announces already saved;
- an update that fails announces nothing (its rows roll back with it);
- a process killed between the commit and the send leaves the rows behind: `OutboxDeliverer` (beside
  the dispatcher) sends them once their claim is older than `LEASE`.
A sent row is deleted at once (its text may name the person); a failed one stays `KEEP_FAILED`. A file the
file store keeps (`KeptFile`: a generated document, an upload sent on from the store) is named in the row by
its stored_files id and read from the store again when the row is sent by the deliverer; it is in the store
before the row commits, and a row whose file was erased in the meantime is not sent.

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
from storage.file_models import StoredFile
from storage.files import FileStore, MissingFile
from storage.files.service import FileStoreService
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


class KeptFile(BufferedInputFile):
    """A file the file store keeps (a generated document, an upload sent on from the store): its outbox row
    names the stored_files row, never carries the bytes, which the deliverer reads from the store again. The
    file is in the store before the row is committed (both in the update's transaction, the object first)."""

    def __init__(self, data: bytes, filename: str, stored_file_id: int):
        super().__init__(data, filename=filename)
        self.stored_file_id = stored_file_id


class StoredDocument(BufferedInputFile):
    """A generated document whose bytes are in its own row (one written before migration 0020): the outbox keeps
    its id, not its bytes."""

    def __init__(self, document: GeneratedDocument):
        assert document.content is not None, "a document kept in the file store is sent as a KeptFile"
        super().__init__(document.content, filename=document.filename)
        self.document_id = document.id


# --- a Bot API call as a row -------------------------------------------------------------------------


async def encode(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
    """The call's fields as JSON; bot-wide defaults (parse mode …) are left for the bot to fill in."""
    files = {name: value for name, value in method if isinstance(value, InputFile)}
    defaults = {name for name, value in method if isinstance(value, Default)}
    params: dict[str, Any] = method.model_dump(mode="json", exclude_none=True, exclude=defaults | set(files))
    for name, file in files.items():
        if isinstance(file, KeptFile):
            params[name] = {"__stored__": file.stored_file_id, "filename": file.filename or "file"}
        elif isinstance(file, StoredDocument):
            params[name] = {"__document__": file.document_id}
        else:
            data = b"".join([chunk async for chunk in file.read(bot)])
            params[name] = {"__file__": file.filename or "file", "data": base64.b64encode(data).decode()}
    return params


async def decode(session: AsyncSession, row: OutboxMessage, store: FileStore | None = None
                 ) -> TelegramMethod[Any] | None:
    """The call a row describes; None when its file no longer exists (the data was erased, or past its
    retention). `store`: where a kept file's bytes are (a row naming one cannot be sent without it)."""
    params = dict(row.payload)
    if row.method == SendDocument.__api_method__ and "document_id" in params:  # rows written before 0009
        params["document"] = {"__document__": params.pop("document_id")}
    if row.method in (SendMessage.__api_method__, SendDocument.__api_method__):
        params.setdefault("chat_id", row.user_id)
    for name, value in list(params.items()):
        if isinstance(value, dict) and ("__stored__" in value or "__document__" in value):
            file = await _kept(session, store, value)
            if file is None:
                return None
            params[name] = file
        elif isinstance(value, dict) and "__file__" in value:
            params[name] = BufferedInputFile(base64.b64decode(value["data"]), filename=value["__file__"])
    return _API_METHODS[row.method].model_validate(params)


async def _kept(session: AsyncSession, store: FileStore | None, value: dict[str, Any]) -> BufferedInputFile | None:
    """The file a row names, read again: from the store, or a document row written before migration 0020."""
    if "__document__" in value:
        document = await session.get(GeneratedDocument, int(value["__document__"]))
        if document is None or (document.content is None and document.stored_file_id is None):
            return None
        if document.content is not None:
            return BufferedInputFile(document.content, filename=document.filename)
        value = {"__stored__": document.stored_file_id, "filename": document.filename}
    stored = await session.get(StoredFile, int(value["__stored__"]))
    if stored is None or store is None:
        return None
    try:
        data = await FileStoreService(session, store).read(stored)
    except MissingFile:
        log.error("stored file %d of an outbox message is missing from the file store", stored.id)
        return None
    return KeptFile(data, str(value.get("filename") or "file"), stored.id)


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
                       sender: Sender | None = None, store: FileStore | None = None) -> None:
    """Send rows this process holds the claim of, in order, and record how each went."""
    if not message_ids:
        return
    async with sessions() as session:
        rows = await OutboxRepository(session).many(message_ids)
        queued = [Queued(row.id, row.user_id, row.method, row.attempts, await decode(session, row, store))
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
            results.append((item, Attempt(Outcome.FAILED, 0, "the file no longer exists")))
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
        if all(attempt.outcome is Outcome.SENT for _item, attempt in results):
            # Only the DELETE: one statement committed by itself, no BEGIN and COMMIT round trips around it.
            # Killed before it, the rows stay claimed and are sent again once their lease runs out, as before.
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
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
                      lease: timedelta = LEASE, store: FileStore | None = None) -> int:
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
    await send_claimed(bot, sessions, taken, store=store)
    return len(taken)


async def prune(sessions: async_sessionmaker[AsyncSession], now: datetime | None = None) -> None:
    now = now or _now()
    async with sessions() as session:
        await OutboxRepository(session).prune(now - KEEP_FAILED)
        await session.commit()


# --- messages to other people --------------------------------------------------------------------------


class OutboxDeliverer:
    """Beside the dispatcher: at start and then every `CHECK_EVERY`, sends what is due; prunes hourly."""

    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], lease: timedelta = LEASE,
                 store: FileStore | None = None):
        """`store`: the file store the kept files of messages are read from."""
        self.bot = bot
        self.sessions = sessions
        self.lease = lease
        self.store = store
        self._task: asyncio.Task[None] | None = None
        self._pruned: datetime | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await deliver_due(self.bot, self.sessions, lease=self.lease, store=self.store)
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
