"""Error replies map onto aiogram's exceptions: rate limits, blocks, bad tokens, unknown methods."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod

from sandbox.botapi import BotAPIServer, RateLimit


class NoSuchMethod(TelegramMethod[bool]):
    __returning__ = bool
    __api_method__ = "noSuchMethod"


async def test_unknown_method_raises_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramNotFound, match="Not Found"):
        await bot(NoSuchMethod())


async def test_per_chat_rate_limit(server: BotAPIServer, bot: Bot) -> None:
    server.rate_limit = RateLimit(global_per_second=30, per_chat_per_second=1)
    user = server.create_user()
    await server.send_text(user.id, "hi")
    await bot.send_message(user.id, "one")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "two")
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in str(caught.value)


async def test_global_rate_limit(server: BotAPIServer, bot: Bot) -> None:
    server.rate_limit = RateLimit(global_per_second=2, per_chat_per_second=100)
    users = [server.create_user() for _ in range(3)]
    for user in users:
        await server.send_text(user.id, "hi")
    await bot.send_message(users[0].id, "a")
    await bot.send_message(users[1].id, "b")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[2].id, "c")


async def test_rate_limit_is_off_by_default(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    for i in range(5):
        await bot.send_message(user.id, str(i))


async def test_blocked_user_and_unblock_by_writing(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    server.set_blocked(user.id)
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_chat_action(user.id, "typing")
    await server.send_text(user.id, "I'm back")
    assert (await bot.send_message(user.id, "welcome back")).text == "welcome back"


async def test_token_ok_restricts_tokens(tmp_path: Path) -> None:
    async with BotAPIServer(tmp_path, token_ok=lambda token: token.startswith("42:")) as server:
        api = TelegramAPIServer.from_base(server.url)
        good, bad = Bot("42:good", session=AiohttpSession(api=api)), Bot("7:bad", session=AiohttpSession(api=api))
        try:
            assert (await good.get_me()).id == 42
            with pytest.raises(TelegramUnauthorizedError):
                await bad.get_me()
        finally:
            await good.session.close()
            await bad.session.close()


async def test_each_token_is_its_own_bot(tmp_path: Path) -> None:
    async with BotAPIServer(tmp_path) as server:
        api = TelegramAPIServer.from_base(server.url)
        first, second = Bot("1:a", session=AiohttpSession(api=api)), Bot("2:b", session=AiohttpSession(api=api))
        try:
            assert (await first.get_me()).id == 1 and (await second.get_me()).id == 2
            user = server.create_user()
            await server.send_text(user.id, "to first", token="1:a")
            assert len(await first.get_updates(timeout=0)) == 1
            assert await second.get_updates(timeout=0) == []
            with pytest.raises(LookupError):
                await server.send_text(user.id, "which bot?")
        finally:
            await first.session.close()
            await second.session.close()
