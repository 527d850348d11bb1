"""The per-chat lock: one chat's updates one at a time, chats side by side, and no lock kept once a chat is idle."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendMessage, TelegramMethod

from bot.pipeline.isolation import TransientChatIsolation
from bot.pipeline.middlewares import DatabaseMiddleware
from tests.conftest import Harness


def key(chat: int) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat, user_id=chat)


async def test_one_chats_holders_never_overlap_and_the_table_empties() -> None:
    isolation = TransientChatIsolation()
    trace: list[tuple[int, str]] = []

    async def hold(n: int) -> None:
        async with isolation.lock(key(1)):
            trace.append((n, "in"))
            await asyncio.sleep(0.01)
            trace.append((n, "out"))

    await asyncio.gather(*(hold(n) for n in range(5)))
    assert trace == [(n, step) for n in range(5) for step in ("in", "out")]
    assert isolation.chats_in_flight == 0


async def test_different_chats_hold_their_locks_at_once() -> None:
    isolation = TransientChatIsolation()
    inside = 0
    most = 0

    async def hold(chat: int) -> None:
        nonlocal inside, most
        async with isolation.lock(key(chat)):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(hold(chat) for chat in range(10)))
    assert most == 10 and isolation.chats_in_flight == 0


async def test_a_waiter_cancelled_or_failing_leaves_nothing_behind() -> None:
    isolation = TransientChatIsolation()
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with isolation.lock(key(1)):
            held.set()
            await release.wait()
            raise RuntimeError("the handler failed")

    first = asyncio.create_task(holder())
    await held.wait()
    waiter = asyncio.create_task(_enter(isolation, key(1)))
    await asyncio.sleep(0.01)
    assert isolation.chats_in_flight == 1
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    release.set()
    assert isinstance((await asyncio.gather(first, return_exceptions=True))[0], RuntimeError)
    assert isolation.chats_in_flight == 0
    await _enter(isolation, key(1))  # the chat's lock is made afresh and free
    assert isolation.chats_in_flight == 0


async def _enter(isolation: TransientChatIsolation, chat_key: StorageKey) -> None:
    async with isolation.lock(chat_key):
        pass


def _isolation_of(harness: Harness) -> TransientChatIsolation:
    [pipeline] = [m for m in harness.app.dispatcher.update.outer_middleware if isinstance(m, DatabaseMiddleware)]
    assert isinstance(pipeline.isolation, TransientChatIsolation)
    return pipeline.isolation


async def test_through_the_dispatcher_one_chat_waits_another_does_not_and_no_lock_stays(harness: Harness) -> None:
    slow, other = 611, 612
    gate = asyncio.Event()
    sent: list[int] = []

    async def telegram(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendMessage):
            sent.append(int(method.chat_id))
            if method.chat_id == slow:
                await gate.wait()  # Telegram has not yet taken the slow chat's reply

    harness.session.on_request = telegram
    first = asyncio.create_task(harness.text(harness.user(slow), "/start"))
    while slow not in sent:
        await asyncio.sleep(0.01)
    second = asyncio.create_task(harness.text(harness.user(slow), "/start"))
    await asyncio.wait_for(harness.text(harness.user(other), "/start"), timeout=30)  # not held up by the slow chat
    await asyncio.sleep(0.2)
    assert sent == [slow, other]  # the slow chat's second update has not begun: its first still holds the chat
    assert _isolation_of(harness).chats_in_flight == 1  # the slow chat only: one holder, one waiter
    gate.set()
    await asyncio.gather(first, second)
    assert sent[:2] == [slow, other] and sent.count(slow) >= 2 and sent.count(other) == sent[1:].count(other)
    assert _isolation_of(harness).chats_in_flight == 0
