"""The update pipeline: each update applied once, in one transaction, and answered only after its commit.

For every update:
1. the chat's isolation lock is taken (one chat's updates one at a time: a double tap never races
   itself), and held until the update's replies are out, so replies keep their order;
2. in one database session and transaction: the update is marked applied in the inbox (a second
   delivery of the same `update_id` stops here) and, in the same statement on PostgreSQL, the user row and
   the conversation's FSM record are read (storage/inbox_repository.py `open`); the handler runs; every Bot
   API call it makes is held (bot/pipeline/deferred.py) and written to the outbox in this transaction;
3. the transaction commits: from here on, what the handler decided stands, whatever Telegram does;
4. the held calls are sent (bot/pipeline/outbox.py: retries as Telegram asks, the deliverer for what is left).

A database error that may pass (SQLite's "database is locked", a serialization failure or deadlock on
PostgreSQL, a dropped connection) rolls everything back, nothing having been sent, and the update is
applied again, up to `TRANSIENT_TRIES` times. Any other failure, or the last one, is logged (ids and the
error's type, no content) and the person is told, in their language, to try again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import pick_locale
from bot.pipeline import deferred, outbox
from bot.pipeline.fsm_storage import SqlStorage, current_session
from bot.settings import Settings
from storage.inbox_repository import InboxRepository
from storage.outbox_repository import OutboxRepository
from storage.profile_repository import UserRepository

log = logging.getLogger(__name__)

TRANSIENT_TRIES = 3
TRANSIENT_PAUSE = 0.2  # seconds before the second try; doubled before each next one
# SQLSTATEs PostgreSQL gives for conflicts a retry resolves: serialization failure, deadlock.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def is_transient(error: BaseException) -> bool:
    """A database error that the same update, applied again a moment later, may not meet."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    text = str(error.orig).lower()
    return "database is locked" in text or "database is busy" in text


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseMiddleware(BaseMiddleware):
    """The pipeline above, as the outermost of the project's update middlewares."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings,
                 isolation: BaseEventIsolation | None = None, fsm: FSMContextMiddleware | None = None,
                 i18n: I18n | None = None):
        self.sessions = sessions
        self.settings = settings
        self.isolation = isolation
        self.fsm = fsm
        self.i18n = i18n

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        deferred.install(data["bot"])
        context = None
        if self.fsm is not None:
            context = self.fsm.resolve_event_context(data["bot"], data)
        fsm_key = self._fsm_key(context)
        if context is None or self.isolation is None:  # not truthiness: an isolation may define len()
            return await self._apply(handler, event, data, fsm_key)
        async with self.isolation.lock(key=context.key):
            return await self._apply(handler, event, data, fsm_key)

    def _fsm_key(self, context: FSMContext | None) -> str | None:
        """The conversation's record key when its FSM storage is the database's (read with the claim)."""
        if context is None or self.fsm is None or not isinstance(self.fsm.storage, SqlStorage):
            return None
        return self.fsm.storage.record_key(context.key)

    async def _apply(self, handler: Handler, update: Update, data: dict[str, Any], fsm_key: str | None) -> Any:
        pause = TRANSIENT_PAUSE
        for attempt in range(1, TRANSIENT_TRIES + 1):
            try:
                return await self._once(handler, update, data, fsm_key)
            except Exception as error:
                if is_transient(error) and attempt < TRANSIENT_TRIES:
                    log.warning("Update %s met %s; applying it again", update.update_id, type(error).__name__)
                    await asyncio.sleep(pause)
                    pause *= 2
                    continue
                log.error("Update %s failed: %s", update.update_id, type(error).__name__,
                          exc_info=(type(error), error, error.__traceback__))
                await self._apologise(update, data)
                return None
        return None  # pragma: no cover - the loop always returns

    async def _once(self, handler: Handler, update: Update, data: dict[str, Any], fsm_key: str | None) -> Any:
        bot: Bot = data["bot"]
        tg_user: User | None = data.get("event_from_user")
        person = tg_user if tg_user is not None and not tg_user.is_bot else None
        async with self.sessions() as session:
            token = current_session.set(session)
            try:
                with deferred.holding() as held:
                    opened = await InboxRepository(session, bot.id).open(
                        update.update_id, _now(), person.id if person else None, fsm_key)
                    if opened is None:
                        log.info("Update %s was applied before; skipped", update.update_id)
                        return UNHANDLED
                    self._prepare(session, data)
                    if fsm_key is not None:
                        SqlStorage.remember(session, fsm_key, opened.fsm_state, opened.fsm_data)
                    if person is not None:
                        db_user = await UserRepository(session).settle(person.id, opened.user)
                        data["db_user"] = db_user
                        data["is_admin"] = person.id in self.settings.admin_ids
                        # Read now: after a rollback the row's attributes are gone.
                        data["stored_locale"] = db_user.locale
                    result = await handler(update, data)
                    queued = await self._write_outbox(session, bot, held.calls, tg_user)
                    await session.commit()
            finally:
                current_session.reset(token)
        await outbox.send_queued(bot, self.sessions, queued)
        for callback in held.after_commit:
            callback()
        return result

    def _prepare(self, session: AsyncSession, data: dict[str, Any]) -> None:
        data["session"] = session
        data["settings"] = self.settings
        data.pop("db_user", None)
        data.pop("stored_locale", None)

    @staticmethod
    async def _write_outbox(session: AsyncSession, bot: Bot, calls: list[TelegramMethod[Any]],
                            actor: User | None) -> list[outbox.Queued]:
        if not calls:
            return []
        rows: list[tuple[int, str, dict[str, Any]]] = []
        for call in calls:
            chat_id = getattr(call, "chat_id", None)
            addressee = chat_id if isinstance(chat_id, int) else (actor.id if actor else 0)
            rows.append((addressee, call.__api_method__, await outbox.encode(bot, call)))
        ids = await OutboxRepository(session).add_many(rows, _now())
        return [outbox.Queued(id_, user_id, method, 0, call)
                for id_, (user_id, method, _), call in zip(ids, rows, calls, strict=True)]

    async def _apologise(self, update: Update, data: dict[str, Any]) -> None:
        """Tell the person to try again; the update counts as applied (it is not replayed later)."""
        try:
            async with self.sessions() as session:
                await InboxRepository(session, data["bot"].id).begin(update.update_id, _now())
                await session.commit()
        except Exception as error:  # the database itself is down: the update stays in the inbox
            log.error("Update %s could not be marked: %s", update.update_id, type(error).__name__)
        call = self._apology(update, data)
        if call is None:
            return
        user: User | None = data.get("event_from_user")
        attempt = await outbox.Sender(data["bot"]).send(call, user.id if user else 0)
        if attempt.outcome is not outbox.Outcome.SENT:
            log.warning("Update %s: the apology was not delivered (%s)", update.update_id, attempt.outcome)

    def _apology(self, update: Update, data: dict[str, Any]) -> TelegramMethod[Any] | None:
        user: User | None = data.get("event_from_user")
        locale = pick_locale(data.get("stored_locale"), user.language_code if user else None,
                             self.settings.default_locale)
        text = self._translate(locale)
        if update.callback_query is not None:
            return AnswerCallbackQuery(callback_query_id=update.callback_query.id, text=text, show_alert=True)
        if update.message is not None:
            return SendMessage(chat_id=update.message.chat.id, text=text)
        return None

    def _translate(self, locale: str) -> str:
        if self.i18n is None:
            return SORRY
        with self.i18n.context(), self.i18n.use_locale(locale):
            return str(self.i18n.gettext(SORRY))


def _(text: str) -> str:
    """Marks a text for the catalogues; it is translated when used (see `_translate`)."""
    return text


SORRY = _("Sorry, something went wrong on our side. What you saved is kept; please try again.")
