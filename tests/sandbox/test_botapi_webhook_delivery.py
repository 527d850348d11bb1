"""Webhook delivery as Telegram does it: several POSTs at once (up to max_connections), one chat's updates one at
a time and in order, and an update that got no 2xx — an error status, a dropped connection, a timeout — POSTed
again (behind a balancer that may be another worker)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiohttp import web

from sandbox.botapi import BotAPIServer

from .conftest import serving

# How long a test waits for something that must happen; reaching it is a failure, never a measurement.
GUARD = 5.0

Answer = Callable[[web.Request, dict[str, Any], int], Awaitable[web.StreamResponse | None]]


@dataclass
class Hook:
    """A webhook endpoint that records every POST (text, chat, attempt) and how many were open at once."""

    url: str = ""
    answer: Answer | None = None  # None: 200 at once; may return None for 200
    posts: list[tuple[str, int]] = field(default_factory=list)  # (text, chat) in order of arrival
    open_now: int = 0
    most_open: int = 0
    open_by_chat: Counter[int] = field(default_factory=Counter)
    most_open_in_one_chat: int = 0
    ok: list[str] = field(default_factory=list)  # texts answered 2xx, in order

    async def handle(self, request: web.Request) -> web.StreamResponse:
        update = await request.json()
        text, chat = update["message"]["text"], update["message"]["chat"]["id"]
        self.posts.append((text, chat))
        attempt = sum(1 for posted, _ in self.posts if posted == text)
        self.open_now += 1
        self.open_by_chat[chat] += 1
        self.most_open = max(self.most_open, self.open_now)
        self.most_open_in_one_chat = max(self.most_open_in_one_chat, self.open_by_chat[chat])
        try:
            response = await self.answer(request, update, attempt) if self.answer else None
        finally:
            self.open_now -= 1
            self.open_by_chat[chat] -= 1
        if response is None:
            self.ok.append(text)
            return web.Response()
        return response

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        try:
            async with asyncio.timeout(GUARD):
                while not condition():
                    await asyncio.sleep(0.01)
        except TimeoutError:
            raise AssertionError(f"not so: {what}; the POSTs: {self.posts}") from None


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    hook = Hook()
    async with serving("/hook", hook.handle) as url:
        hook.url = url
        yield hook


def held_until(release: asyncio.Event) -> Answer:
    async def answer(request: web.Request, update: dict[str, Any], attempt: int) -> None:
        async with asyncio.timeout(GUARD):
            await release.wait()
    return answer


async def test_updates_of_different_chats_are_posted_at_once(server: BotAPIServer, bot: Bot, hook: Hook) -> None:
    release = asyncio.Event()
    hook.answer = held_until(release)
    await bot.set_webhook(hook.url)
    users = [server.create_user(f"Teacher {i}") for i in range(6)]
    for i, user in enumerate(users):
        await server.send_text(user.id, f"hello {i}")
    # Each POST is held open until all six are: one at a time, the first would never be let go.
    await hook.until(lambda: hook.open_now == 6, "six slow deliveries in flight at once")
    release.set()
    await hook.until(lambda: len(hook.ok) == 6, "all six answered")
    assert hook.most_open == 6 and hook.most_open_in_one_chat == 1
    await hook.until(lambda: not server.bot().pending, "none pending once all are answered 2xx")


async def test_no_more_at_once_than_max_connections(server: BotAPIServer, bot: Bot, hook: Hook) -> None:
    release = asyncio.Event()
    hook.answer = held_until(release)
    await bot.set_webhook(hook.url, max_connections=2)
    assert (await bot.get_webhook_info()).max_connections == 2
    for i in range(5):
        await server.send_text(server.create_user(f"Teacher {i}").id, f"hello {i}")
    await hook.until(lambda: hook.open_now == 2, "two in flight")
    await asyncio.sleep(0.2)  # room for a third POST, were one let through
    assert hook.open_now == 2 and server.webhooks.in_flight(server.bot()) == 2
    release.set()
    await hook.until(lambda: len(hook.ok) == 5, "all five answered")
    assert hook.most_open == 2


async def test_one_chat_gets_its_updates_one_at_a_time_in_order(server: BotAPIServer, bot: Bot, hook: Hook) -> None:
    async def slow(request: web.Request, update: dict[str, Any], attempt: int) -> None:
        await asyncio.sleep(0.05)

    hook.answer = slow
    await bot.set_webhook(hook.url)
    first, second = server.create_user("First"), server.create_user("Second")
    for i in range(5):
        await server.send_text(first.id, f"first {i}")
        await server.send_text(second.id, f"second {i}")
    await hook.until(lambda: len(hook.ok) == 10, "all ten answered")
    assert [text for text, chat in hook.posts if chat == first.id] == [f"first {i}" for i in range(5)]
    assert [text for text, chat in hook.posts if chat == second.id] == [f"second {i}" for i in range(5)]
    assert hook.most_open_in_one_chat == 1
    assert hook.most_open == 2  # the two chats went side by side


async def test_an_update_answered_503_is_posted_again_before_the_chats_next(
    server: BotAPIServer, bot: Bot, hook: Hook,
) -> None:
    async def unavailable_once(request: web.Request, update: dict[str, Any], attempt: int) -> web.Response | None:
        if update["message"]["text"] == "one" and attempt == 1:
            return web.Response(status=503, text="worker going away")
        return None

    hook.answer = unavailable_once
    await bot.set_webhook(hook.url)
    user, other = server.create_user("Teacher"), server.create_user("Other")
    await server.send_text(user.id, "one")
    await server.send_text(user.id, "two")
    await server.send_text(other.id, "three")
    await hook.until(lambda: len(hook.ok) == 3, "all three answered 2xx")
    assert [text for text, chat in hook.posts if chat == user.id] == ["one", "one", "two"]
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "503" in info.last_error_message
    # Handed to the bot once each: the 503 did not count as a delivery.
    assert [server.deliveries(u["update_id"]) for u in server.updates()] == [1, 1, 1]


async def test_an_update_whose_connection_dropped_is_posted_again(server: BotAPIServer, bot: Bot, hook: Hook) -> None:
    async def dropped_once(request: web.Request, update: dict[str, Any], attempt: int) -> web.Response | None:
        if update["message"]["text"] == "lost once" and attempt == 1:
            # A worker killed mid-request: the connection closes with no answer at all.
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        return None

    hook.answer = dropped_once
    await bot.set_webhook(hook.url)
    user = server.create_user("Teacher")
    await server.send_text(user.id, "lost once")
    await server.send_text(user.id, "after it")
    await hook.until(lambda: hook.ok == ["lost once", "after it"], "both answered, in order")
    assert [text for text, _ in hook.posts] == ["lost once", "lost once", "after it"]
    assert (await bot.get_webhook_info()).last_error_message


async def test_an_update_that_timed_out_is_posted_again(server: BotAPIServer, bot: Bot, hook: Hook) -> None:
    async def stuck_once(request: web.Request, update: dict[str, Any], attempt: int) -> None:
        if attempt == 1:
            await asyncio.sleep(1.0)

    hook.answer = stuck_once
    server.webhooks.timeout = 0.3
    await bot.set_webhook(hook.url)
    await server.send_text(server.create_user("Teacher").id, "slow worker")
    await hook.until(lambda: hook.ok == ["slow worker"], "answered on the second POST")
    assert [text for text, _ in hook.posts] == ["slow worker", "slow worker"]
