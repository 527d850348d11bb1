"""Everything the bot sends goes out after the commit, through the outbox: retried as Telegram asks, sent
after a crash by whoever comes next, once even with several deliverers, and not at all if the update failed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot.messaging as messaging
import bot.pipeline.outbox as outbox
from bot.pipeline.middlewares import DatabaseMiddleware
from bot.settings import Settings
from storage.commission_models import Commission, GeneratedDocument
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.outbox_models import OutboxMessage
from storage.profile_models import User as DbUser
from tests.fakes import RecordingSession

ACTOR, OTHER = 501, 502
BUTTON = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="✋", callback_data="cm:here:1:")]])


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"
    await upgrade(url)
    engine = create_engine(url)
    yield create_session_factory(engine)
    await engine.dispose()


def dispatcher(sessions: async_sessionmaker[AsyncSession], fail: bool = False) -> Dispatcher:
    router = Router()

    @router.message()
    async def act(message: Message, session: AsyncSession, bot: Bot) -> None:
        session.add(DbUser(id=OTHER, is_active=True, locale="kk"))
        await messaging.reach(bot, OTHER, "you were added", reply_markup=BUTTON)
        await message.answer("done")
        if fail:
            raise RuntimeError("the update fails after announcing")

    dp = Dispatcher()
    dp.update.outer_middleware(DatabaseMiddleware(sessions, Settings(_env_file=None, bot_token="1:T")))  # type: ignore[call-arg,arg-type]
    dp.include_router(router)
    return dp


_ids = iter(range(1, 10_000))


def update() -> Update:
    user = User(id=ACTOR, is_bot=False, first_name="A")
    chat = Chat(id=ACTOR, type="private")
    return Update(update_id=next(_ids), message=Message(message_id=1, date=datetime.now(UTC), chat=chat,
                                                        from_user=user, text="go"))


def sent_to(recording: RecordingSession, chat_id: int) -> list[str]:
    return [r.text for r in recording.requests if isinstance(r, SendMessage) and r.chat_id == chat_id]


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class NoSleep:
    """Records the waits a sender asks for instead of sleeping them."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def failing(times: int, make: Any, method: type[TelegramMethod[Any]] = SendMessage) -> Any:
    """An on_request hook: the first `times` calls of `method` fail with make(call)."""
    left = [times]

    async def hook(call: TelegramMethod[Any]) -> None:
        if isinstance(call, method) and left[0] > 0:
            left[0] -= 1
            raise make(call)

    return hook


async def test_replies_and_messages_to_others_leave_after_the_commit_in_call_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    recording = RecordingSession()
    committed_when_sent: list[bool] = []

    async def look(method: TelegramMethod[object]) -> None:
        if isinstance(method, SendMessage):
            async with sessions() as other:
                committed_when_sent.append(await other.get(DbUser, OTHER) is not None)

    recording.on_request = look
    await dispatcher(sessions).feed_update(Bot("1:T", session=recording), update())
    sent = [(r.chat_id, r.text) for r in recording.requests if isinstance(r, SendMessage)]
    assert sent == [(OTHER, "you were added"), (ACTOR, "done")]
    assert next(r.reply_markup for r in recording.requests if isinstance(r, SendMessage)) == BUTTON
    assert committed_when_sent == [True, True]
    assert await rows(sessions) == []  # sent rows are gone, with the texts they held


async def test_a_failed_update_sends_nothing_it_asked_for_and_says_sorry(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    recording = RecordingSession()
    await dispatcher(sessions, fail=True).feed_update(Bot("1:T", session=recording), update())
    assert sent_to(recording, OTHER) == []
    [apology] = sent_to(recording, ACTOR)
    assert apology.startswith("Sorry, something went wrong")
    assert await rows(sessions) == []
    async with sessions() as check:
        assert await check.get(DbUser, OTHER) is None


async def test_messages_left_by_a_dead_process_are_sent_once_by_the_next(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def died(*_: object) -> None:
        return None  # the process is killed between the commit and the send

    monkeypatch.setattr(outbox, "send_queued", died)
    first = RecordingSession()
    await dispatcher(sessions).feed_update(Bot("1:T", session=first), update())
    monkeypatch.undo()
    assert sent_to(first, OTHER) == sent_to(first, ACTOR) == []
    left = await rows(sessions)
    assert [r.user_id for r in left] == [OTHER, ACTOR]

    later = RecordingSession()
    bot = Bot("1:T", session=later)
    # Within the lease the writer may still be sending them: nobody else touches them.
    assert await outbox.deliver_due(bot, sessions, left[0].created_at + outbox.LEASE / 2) == 0
    # Two deliverers (two processes) find them due at the same moment: each row goes to one of them.
    moment = left[0].created_at + outbox.LEASE + timedelta(seconds=1)
    taken = await asyncio.gather(outbox.deliver_due(bot, sessions, moment), outbox.deliver_due(bot, sessions, moment))
    assert sum(taken) == 2
    assert sent_to(later, OTHER) == ["you were added"] and sent_to(later, ACTOR) == ["done"]
    assert await outbox.deliver_due(bot, sessions, moment + outbox.LEASE * 2) == 0


async def test_a_blocked_addressee_is_marked_failed_and_the_others_still_hear(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    recording = RecordingSession()
    recording.blocked.add(OTHER)
    await dispatcher(sessions).feed_update(Bot("1:T", session=recording), update())
    assert sent_to(recording, ACTOR) == ["done"]
    [row] = await rows(sessions)
    assert row.user_id == OTHER and row.failed_at is not None and "blocked" in (row.error or "")
    later = datetime.now(UTC) + outbox.LEASE * 3
    assert await outbox.deliver_due(Bot("1:T", session=RecordingSession()), sessions, later) == 0


async def test_a_429_waits_exactly_retry_after_then_sends() -> None:
    recording = RecordingSession()
    recording.on_request = failing(1, lambda call: TelegramRetryAfter(method=call, message="Too Many Requests",
                                                                       retry_after=2))
    sleep = NoSleep()
    attempt = await outbox.Sender(Bot("1:T", session=recording), sleep=sleep).send(
        SendMessage(chat_id=ACTOR, text="hi"), ACTOR)
    assert (attempt.outcome, attempt.tries) == (outbox.Outcome.SENT, 2)
    assert sleep.waits == [2.0]
    assert sent_to(recording, ACTOR) == ["hi", "hi"]  # the refused call, then the one that went through


async def test_5xx_and_broken_replies_back_off_doubling() -> None:
    recording = RecordingSession()
    errors = iter([TelegramServerError, TelegramNetworkError, TelegramServerError])
    recording.on_request = failing(3, lambda call: next(errors)(method=call, message="Bad Gateway"))
    sleep = NoSleep()
    attempt = await outbox.Sender(Bot("1:T", session=recording), sleep=sleep).send(
        SendMessage(chat_id=ACTOR, text="hi"), ACTOR)
    assert (attempt.outcome, attempt.tries) == (outbox.Outcome.SENT, 4)
    assert sleep.waits == [0.5, 1.0, 2.0]


async def test_a_long_wait_is_left_to_the_deliverer_with_its_time(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    recording.on_request = failing(1, lambda call: TelegramRetryAfter(method=call, message="Too Many Requests",
                                                                       retry_after=300))
    bot = Bot("1:T", session=recording)
    started = datetime.now(UTC)
    await dispatcher(sessions).feed_update(bot, update())
    # The first message (to the other person) must wait 300 s; the reply to the actor did not wait for it.
    assert sent_to(recording, ACTOR) == ["done"]
    [row] = await rows(sessions)
    assert row.user_id == OTHER and row.claimed_at is None and row.attempts == 1
    assert row.next_attempt_at is not None
    due = row.next_attempt_at.replace(tzinfo=UTC) if row.next_attempt_at.tzinfo is None else row.next_attempt_at
    assert timedelta(seconds=299) < due - started < timedelta(seconds=310)
    assert await outbox.deliver_due(bot, sessions, due - timedelta(seconds=1)) == 0
    assert await outbox.deliver_due(bot, sessions, due + timedelta(seconds=1)) == 1
    assert sent_to(recording, OTHER)[-1] == "you were added"
    assert await rows(sessions) == []


async def test_a_reply_never_overtakes_the_one_before_it_in_the_same_chat(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        repo_ids = await outbox.OutboxRepository(session).add_many(
            [(ACTOR, "sendMessage", {"chat_id": ACTOR, "text": "first"}),
             (ACTOR, "sendMessage", {"chat_id": ACTOR, "text": "second"}),
             (OTHER, "sendMessage", {"chat_id": OTHER, "text": "elsewhere"})], datetime.now(UTC))
        await session.commit()
    recording = RecordingSession()

    async def first_waits(call: TelegramMethod[Any]) -> None:
        if isinstance(call, SendMessage) and call.text == "first":
            raise TelegramRetryAfter(method=call, message="Too Many Requests", retry_after=120)

    recording.on_request = first_waits
    await outbox.send_claimed(Bot("1:T", session=recording), sessions, repo_ids)
    assert sent_to(recording, ACTOR) == ["first"]  # tried; "second" was not tried before it
    assert sent_to(recording, OTHER) == ["elsewhere"]
    assert [r.payload["text"] for r in await rows(sessions)] == ["first", "second"]


async def test_a_network_failure_is_retried_then_given_up(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()

    async def offline(method: TelegramMethod[object]) -> None:
        if isinstance(method, SendMessage) and method.chat_id == OTHER:
            raise TelegramNetworkError(method=method, message="connection reset")

    recording.on_request = offline
    bot = Bot("1:T", session=recording)
    sender = outbox.Sender(bot, sleep=NoSleep(), budget=timedelta(0))
    async with sessions() as session:
        [message_id] = await outbox.OutboxRepository(session).add_many(
            [(OTHER, "sendMessage", {"chat_id": OTHER, "text": "hello"})], datetime.now(UTC))
        await session.commit()
    await outbox.send_claimed(bot, sessions, [message_id], sender)
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        [row] = await rows(sessions)
        assert row.failed_at is None
        async with sessions() as session:
            assert await outbox.OutboxRepository(session).claim(message_id, row.next_attempt_at or datetime.now(UTC),
                                                                outbox.LEASE)
            await session.commit()
        await outbox.send_claimed(bot, sessions, [message_id], sender)
    [row] = await rows(sessions)
    assert row.failed_at is not None and row.attempts == outbox.MAX_ATTEMPTS
    assert "connection reset" in (row.error or "")


@pytest.mark.parametrize(("call", "description", "instead"), [
    (EditMessageText(chat_id=ACTOR, message_id=5, text="same"),
     "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
     None),
    (EditMessageReplyMarkup(chat_id=ACTOR, message_id=5), "Bad Request: message to edit not found", None),
    (AnswerCallbackQuery(callback_query_id="9"),
     "Bad Request: query is too old and response timeout expired or query ID is invalid", None),
    (AnswerCallbackQuery(callback_query_id="9", text="Your vote is recorded", show_alert=True),
     "Bad Request: query is too old and response timeout expired or query ID is invalid", "Your vote is recorded"),
    (EditMessageText(chat_id=ACTOR, message_id=5, text="the new panel"), "Bad Request: message to edit not found",
     "the new panel"),
])
async def test_refusals_that_are_not_failures(call: TelegramMethod[Any], description: str,
                                              instead: str | None) -> None:
    recording = RecordingSession()
    recording.on_request = failing(1, lambda c: TelegramBadRequest(method=c, message=description), type(call))
    attempt = await outbox.Sender(Bot("1:T", session=recording), sleep=NoSleep()).send(call, ACTOR)
    assert attempt.outcome is outbox.Outcome.SENT
    assert sent_to(recording, ACTOR) == ([instead] if instead else [])


async def test_a_request_telegram_refuses_for_good_is_failed_not_retried() -> None:
    recording = RecordingSession()
    recording.on_request = failing(1, lambda c: TelegramBadRequest(method=c, message="Bad Request: chat not found"))
    sleep = NoSleep()
    attempt = await outbox.Sender(Bot("1:T", session=recording), sleep=sleep).send(
        SendMessage(chat_id=ACTOR, text="hi"), ACTOR)
    assert (attempt.outcome, attempt.tries, sleep.waits) == (outbox.Outcome.FAILED, 1, [])


async def test_calls_survive_the_round_trip_through_a_row(sessions: async_sessionmaker[AsyncSession]) -> None:
    bot = Bot("1:T", session=RecordingSession())
    calls: list[TelegramMethod[Any]] = [
        SendMessage(chat_id=ACTOR, text="a", reply_markup=BUTTON),
        EditMessageText(chat_id=ACTOR, message_id=3, text="b", reply_markup=BUTTON),
        AnswerCallbackQuery(callback_query_id="77", text="c", show_alert=True),
        SendDocument(chat_id=ACTOR, document=BufferedInputFile(b"%PDF-1.4 bytes", filename="notice.pdf"), caption="d"),
    ]
    async with sessions() as session:
        for call in calls:
            row = OutboxMessage(user_id=ACTOR, method=call.__api_method__, payload=await outbox.encode(bot, call),
                                created_at=datetime.now(UTC), attempts=0)
            again = await outbox.decode(session, row)
            assert again is not None and type(again) is type(call)
            if isinstance(call, SendDocument):
                assert isinstance(again, SendDocument) and isinstance(again.document, BufferedInputFile)
                assert (again.document.data, again.document.filename, again.caption) == (
                    b"%PDF-1.4 bytes", "notice.pdf", "d")
            else:
                assert again == call


async def test_a_kept_file_travels_by_reference_and_is_dropped_once_erased(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    """A file the store keeps: the row names its stored_files row (no bytes in it), the deliverer reads the
    store again, and a message whose file was erased (or lost) is not sent."""
    from storage.files import LocalFileStore
    from storage.files.service import FileStoreService
    from tests.storage.sample_files import pdf

    store, data = LocalFileStore(tmp_path / "files"), pdf()
    async with sessions() as session:
        stored = await FileStoreService(session, store).store_upload(OTHER, data)
        payload = await outbox.encode(Bot("1:T", session=RecordingSession()), SendDocument(
            chat_id=OTHER, document=outbox.KeptFile(data, "courses.pdf", stored.id)))
        assert payload["document"] == {"__stored__": stored.id, "filename": "courses.pdf"}
        row = OutboxMessage(user_id=OTHER, method="sendDocument", payload=payload, created_at=datetime.now(UTC),
                            attempts=0)
        again = await outbox.decode(session, row, store)
        assert isinstance(again, SendDocument) and isinstance(again.document, BufferedInputFile)
        assert (again.document.data, again.document.filename) == (data, "courses.pdf")
        assert await outbox.decode(session, row) is None  # no store to read it from: not sent empty
        await store.delete(stored.store_key)  # the object lost: nothing to send
        assert await outbox.decode(session, row, store) is None
        await FileStoreService(session, store).erase_owner(OTHER)  # the row erased too
        assert await outbox.decode(session, row, store) is None


async def test_a_generated_document_row_written_before_the_file_store_still_decodes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        commission = Commission(level="district", name="C", order_number="1", order_date=date(2026, 9, 1),
                                term_end=date(2027, 9, 1), locale="kk", created_by=1)
        session.add(commission)
        await session.flush()
        document = GeneratedDocument(commission_id=commission.id, kind="protocol", fmt="pdf", locale="kk",
                                     filename="protocol.pdf", content=b"%PDF protocol", created_at=datetime.now(UTC))
        session.add(document)
        await session.flush()
        row = OutboxMessage(user_id=OTHER, method="sendDocument", payload={"document": {"__document__": document.id}},
                            created_at=datetime.now(UTC), attempts=0)
        again = await outbox.decode(session, row)
        assert isinstance(again, SendDocument) and isinstance(again.document, BufferedInputFile)
        assert again.document.data == b"%PDF protocol"
        await session.delete(document)
        await session.flush()
        assert await outbox.decode(session, row) is None


async def test_outside_an_update_it_is_sent_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    recording.blocked.add(OTHER)
    bot = Bot("1:T", session=recording)
    await messaging.reach(bot, ACTOR, "reminder")
    await messaging.reach(bot, OTHER, "blocked the bot")  # logged, not raised
    assert [r.chat_id for r in recording.requests if isinstance(r, SendMessage)] == [ACTOR, OTHER]
    assert await rows(sessions) == []
