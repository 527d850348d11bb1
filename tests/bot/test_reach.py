"""Messages to other people leave after the update's transaction commits, and not at all if it fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.methods import SendMessage
from aiogram.types import Chat, Message, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.middlewares import DatabaseMiddleware
from bot.reach import reach
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import User as DbUser
from tests.fakes import RecordingSession

ACTOR, OTHER = 501, 502


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'reach.db'}"
    await upgrade(url)
    engine = create_engine(url)
    yield create_session_factory(engine)
    await engine.dispose()


def dispatcher(sessions: async_sessionmaker[AsyncSession], fail: bool) -> Dispatcher:
    router = Router()

    @router.message()
    async def act(message: Message, session: AsyncSession, bot: Bot) -> None:
        session.add(DbUser(id=OTHER, is_active=True, locale="kk"))
        await reach(OTHER, bot.send_message(OTHER, "you were added"))
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


async def test_the_other_person_hears_after_the_commit(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    committed_when_sent: list[bool] = []

    async def look(method: object) -> None:
        if isinstance(method, SendMessage) and method.chat_id == OTHER:
            async with sessions() as other:
                committed_when_sent.append(await other.get(DbUser, OTHER) is not None)

    recording.on_request = look  # type: ignore[assignment]
    await dispatcher(sessions, fail=False).feed_update(Bot("1:T", session=recording), update())
    sent = [(r.chat_id, r.text) for r in recording.requests if isinstance(r, SendMessage)]
    assert sent == [(ACTOR, "done"), (OTHER, "you were added")]
    assert committed_when_sent == [True]


async def test_a_failed_update_announces_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    recording = RecordingSession()
    with pytest.raises(RuntimeError):
        await dispatcher(sessions, fail=True).feed_update(Bot("1:T", session=recording), update())
    assert [r.chat_id for r in recording.requests if isinstance(r, SendMessage)] == [ACTOR]
    async with sessions() as check:
        assert await check.get(DbUser, OTHER) is None


async def test_outside_an_update_it_is_sent_at_once() -> None:
    recording = RecordingSession()
    recording.blocked.add(OTHER)
    bot = Bot("1:T", session=recording)
    await reach(ACTOR, bot.send_message(ACTOR, "reminder"))
    await reach(OTHER, bot.send_message(OTHER, "blocked the bot"))  # logged, not raised
    assert [r.chat_id for r in recording.requests if isinstance(r, SendMessage)] == [ACTOR, OTHER]
