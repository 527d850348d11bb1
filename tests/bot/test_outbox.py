"""Messages to other people go through the outbox: committed with the update, sent after it, sent after a
crash by whoever comes next, once even with several deliverers, and not at all if the update failed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot.outbox as outbox
from bot.middlewares import DatabaseMiddleware
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import User as DbUser
from storage.outbox_models import OutboxMessage
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
        await outbox.reach(bot, OTHER, "you were added", reply_markup=BUTTON)
        await message.answer("done")
        if fail:
            raise RuntimeError("the update fails after announcing")

    dp = Dispatcher()
    dp.update.outer_middleware(DatabaseMiddleware(sessions, Settings(_env_file=None, bot_token="1:T")))  # type: ignore[call-arg,arg-type]
    dp.include_router(router)
    return dp


def update() -> Update:
    user = User(id=ACTOR, is_bot=False, first_name="A")
    chat = Chat(id=ACTOR, type="private")
    return Update(update_id=1, message=Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=user,
                                               text="go"))


def to_other(recording: RecordingSession) -> list[SendMessage]:
    return [r for r in recording.requests if isinstance(r, SendMessage) and r.chat_id == OTHER]


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage)))


async def test_the_other_person_hears_after_the_commit(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    committed_when_sent: list[bool] = []

    async def look(method: TelegramMethod[object]) -> None:
        if isinstance(method, SendMessage) and method.chat_id == OTHER:
            async with sessions() as other:
                committed_when_sent.append(await other.get(DbUser, OTHER) is not None)

    recording.on_request = look
    await dispatcher(sessions).feed_update(Bot("1:T", session=recording), update())
    sent = [(r.chat_id, r.text) for r in recording.requests if isinstance(r, SendMessage)]
    assert sent == [(ACTOR, "done"), (OTHER, "you were added")]
    assert to_other(recording)[0].reply_markup == BUTTON
    assert committed_when_sent == [True]
    [row] = await rows(sessions)
    assert row.sent_at is not None and row.failed_at is None and row.attempts == 1


async def test_a_failed_update_announces_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    with pytest.raises(RuntimeError):
        await dispatcher(sessions, fail=True).feed_update(Bot("1:T", session=recording), update())
    assert [r.chat_id for r in recording.requests if isinstance(r, SendMessage)] == [ACTOR]
    assert await rows(sessions) == []
    async with sessions() as check:
        assert await check.get(DbUser, OTHER) is None


async def test_a_message_left_by_a_dead_process_is_sent_once_by_the_next(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def died(*_: object) -> None:
        return None  # the process is killed between the commit and the send

    monkeypatch.setattr("bot.middlewares.release", died)
    first = RecordingSession()
    await dispatcher(sessions).feed_update(Bot("1:T", session=first), update())
    assert to_other(first) == []
    [row] = await rows(sessions)
    assert row.sent_at is None

    later = RecordingSession()
    bot = Bot("1:T", session=later)
    # Within the lease the writer may still be sending it: nobody else touches it.
    assert await outbox.deliver_abandoned(bot, sessions, row.created_at + outbox.LEASE / 2) == 0
    # Two deliverers (two processes) find it abandoned at the same moment: one of them sends it.
    moment = row.created_at + outbox.LEASE + timedelta(seconds=1)
    taken = await asyncio.gather(outbox.deliver_abandoned(bot, sessions, moment),
                                 outbox.deliver_abandoned(bot, sessions, moment))
    assert sorted(taken) == [0, 1]
    assert [r.text for r in to_other(later)] == ["you were added"]
    assert await outbox.deliver_abandoned(bot, sessions, moment + outbox.LEASE * 2) == 0
    assert len(to_other(later)) == 1


async def test_a_blocked_addressee_is_marked_failed_and_not_retried(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    recording = RecordingSession()
    recording.blocked.add(OTHER)
    await dispatcher(sessions).feed_update(Bot("1:T", session=recording), update())
    [row] = await rows(sessions)
    assert row.failed_at is not None and "blocked" in (row.error or "")
    later = datetime.now(UTC) + outbox.LEASE * 3
    assert await outbox.deliver_abandoned(Bot("1:T", session=RecordingSession()), sessions, later) == 0


async def test_a_network_failure_is_retried_then_given_up(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = RecordingSession()

    async def offline(method: TelegramMethod[object]) -> None:
        if isinstance(method, SendMessage) and method.chat_id == OTHER:
            raise TelegramNetworkError(method=method, message="connection reset")

    recording.on_request = offline
    bot = Bot("1:T", session=recording)
    await dispatcher(sessions).feed_update(bot, update())
    [row] = await rows(sessions)
    assert row.sent_at is None and row.failed_at is None and row.attempts == 1
    moment = row.created_at
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        moment += outbox.LEASE + timedelta(seconds=1)
        assert await outbox.deliver_abandoned(bot, sessions, moment) == 1, attempt
    [row] = await rows(sessions)
    assert row.failed_at is not None and row.attempts == outbox.MAX_ATTEMPTS
    assert await outbox.deliver_abandoned(bot, sessions, moment + outbox.LEASE * 2) == 0


async def test_outside_an_update_it_is_sent_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    recording.blocked.add(OTHER)
    bot = Bot("1:T", session=recording)
    await outbox.reach(bot, ACTOR, "reminder")
    await outbox.reach(bot, OTHER, "blocked the bot")  # logged, not raised
    assert [r.chat_id for r in recording.requests if isinstance(r, SendMessage)] == [ACTOR, OTHER]
    assert await rows(sessions) == []
