"""The update pipeline through the real Dispatcher: each update applied once, its decisions committed
before any reply, a failed reply never undoing them, one slow reply blocking no one else, passing database
errors applied again, and every other failure answered in the person's language."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramServerError
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, Update
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import create_i18n
from bot.pipeline.inbox import UpdateRunner, store
from bot.pipeline.middlewares import DatabaseMiddleware
from bot.settings import Settings
from storage.inbox_repository import InboxRepository
from storage.outbox_models import OutboxMessage
from storage.profile_models import User as DbUser
from tests.conftest import Harness
from tests.fakes import RecordingSession
from tests.handlers.test_onboarding import VALID_IIN, profile_of, start_and_consent


def message_update(harness: Harness, user_id: int, text_: str, update_id: int) -> Update:
    user = harness.user(user_id)
    return Update(update_id=update_id, message=Message(
        message_id=update_id, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"), from_user=user,
        text=text_))


async def test_the_same_update_delivered_twice_is_applied_once(harness: Harness) -> None:
    user = harness.user(601)
    await start_and_consent(harness, user, "ru")
    name = message_update(harness, 601, "Ахметова Айгуль Серикқызы", 900_001)
    before = len(harness.session.requests)
    await harness.app.dispatcher.feed_update(harness.bot, name)
    first = harness.session.requests[before:]
    await harness.app.dispatcher.feed_update(harness.bot, name)  # Telegram or a proxy sends it again
    assert harness.session.requests[before + len(first):] == []
    # The duplicate was not read as the answer to the next question: the IIN is still asked and taken.
    await harness.text(user, VALID_IIN)
    profile = await profile_of(harness, 601)
    assert profile is not None
    assert (profile.full_name, profile.iin) == ("Ахметова Айгуль Серикқызы", VALID_IIN)


def tiny_dispatcher(sessions: Any, settings: Settings, handler: Any, *, on: str = "message") -> Dispatcher:
    router = Router()
    getattr(router, on).register(handler)
    dp = Dispatcher()
    dp.update.outer_middleware(DatabaseMiddleware(sessions, settings, i18n=create_i18n("kk")))
    dp.include_router(router)
    return dp


def callback_update(user_id: int, update_id: int) -> Update:
    user = Harness.user(user_id)
    message = Message(message_id=7, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"), text="ballot")
    return Update(update_id=update_id, callback_query=CallbackQuery(
        id=f"q{update_id}", from_user=user, chat_instance="ci", message=message, data="vote:yes"))


async def test_a_failing_edit_after_the_answer_never_undoes_the_vote(harness: Harness) -> None:
    async def vote(callback: CallbackQuery, session: AsyncSession, bot: Bot) -> None:
        session.add(DbUser(id=9_001, is_active=True, locale="kk"))  # the vote, as far as this test cares
        await callback.answer("Your vote is recorded")
        await bot.edit_message_reply_markup(chat_id=callback.from_user.id, message_id=7)

    recording = RecordingSession()

    async def edit_fails(method: TelegramMethod[Any]) -> None:
        if isinstance(method, EditMessageReplyMarkup):
            raise TelegramServerError(method=method, message="Internal Server Error")

    recording.on_request = edit_fails
    dp = tiny_dispatcher(harness.app.sessions, harness.app.settings, vote, on="callback_query")
    await dp.feed_update(Bot(harness.app.settings.token, session=recording), callback_update(602, 900_101))
    async with harness.app.sessions() as session:
        assert await session.get(DbUser, 9_001) is not None
        [left] = list(await session.scalars(select(OutboxMessage)))
    assert [r.text for r in recording.requests if isinstance(r, AnswerCallbackQuery)] == ["Your vote is recorded"]
    assert left.method == "editMessageReplyMarkup" and left.next_attempt_at is not None  # tried again later


async def test_one_teachers_slow_reply_does_not_block_another(harness: Harness) -> None:
    slow, quick = 603, 604

    async def telegram(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendMessage) and method.chat_id == slow:
            await asyncio.sleep(3)  # Telegram takes 3 s to answer this one

    harness.session.on_request = telegram
    done: dict[int, float] = {}

    async def start(user_id: int, update_id: int) -> None:
        await harness.app.dispatcher.feed_update(harness.bot, message_update(harness, user_id, "/start", update_id))
        done[user_id] = time.monotonic()

    began = time.monotonic()
    first = asyncio.create_task(start(slow, 900_201))
    await asyncio.sleep(0.2)  # the slow teacher's reply is on its way
    await start(quick, 900_202)
    assert done[quick] - began < 2.5 and slow not in done
    await first
    async with harness.app.sessions() as session:
        assert await session.get(DbUser, quick) is not None and await session.get(DbUser, slow) is not None
    assert {r.chat_id for r in harness.session.requests if isinstance(r, SendMessage)} >= {slow, quick}


async def test_a_locked_database_is_met_by_applying_the_update_again(harness: Harness) -> None:
    tries: list[int] = []

    async def handler(message: Message, session: AsyncSession) -> None:
        tries.append(1)
        if len(tries) == 1:
            raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
        session.add(DbUser(id=9_002, is_active=True))
        await message.answer("saved")

    recording = RecordingSession()
    dp = tiny_dispatcher(harness.app.sessions, harness.app.settings, handler)
    await dp.feed_update(Bot(harness.app.settings.token, session=recording), message_update(harness, 605, "x", 900_301))
    assert len(tries) == 2
    assert [r.text for r in recording.requests if isinstance(r, SendMessage)] == ["saved"]


@pytest.mark.parametrize(("locale", "word"), [("ru", "Извините"), ("kk", "Кешіріңіз")])
async def test_a_failure_is_answered_in_the_persons_language_and_not_replayed(
    harness: Harness, locale: str, word: str,
) -> None:
    user_id = 606 if locale == "ru" else 607
    async with harness.app.sessions() as session:
        session.add(DbUser(id=user_id, is_active=True, locale=locale))
        await session.commit()

    async def broken(message: Message, session: AsyncSession) -> None:
        await session.execute(text("SELECT * FROM no_such_table"))  # fails; the session is rolled back

    recording = RecordingSession()
    dp = tiny_dispatcher(harness.app.sessions, harness.app.settings, broken)
    update = message_update(harness, user_id, "x", 900_400 + user_id)
    await dp.feed_update(Bot(harness.app.settings.token, session=recording), update)
    [apology] = [r.text for r in recording.requests if isinstance(r, SendMessage)]
    assert word in apology
    async with harness.app.sessions() as session:
        assert not await InboxRepository(session, 42).begin(update.update_id, datetime.now(UTC))


async def test_a_stored_update_never_applied_is_replayed_once_at_the_next_start(harness: Harness) -> None:
    update = message_update(harness, 608, "/start", 900_501)
    assert [u.update_id for u in await store(harness.app.sessions, harness.bot, [update])] == [900_501]
    # The process died here. The same update arriving again is not new.
    assert await store(harness.app.sessions, harness.bot, [update]) == []
    runner = UpdateRunner(harness.app.dispatcher, harness.bot, harness.app.sessions)
    assert await runner.replay() == 1
    await runner.drain()
    assert 608 in {r.chat_id for r in harness.session.requests if isinstance(r, SendMessage)}
    assert await runner.replay() == 0
