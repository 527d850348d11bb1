"""Webhook delivery: updates are POSTed with the secret-token header instead of queued for polling."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox.botapi import BotAPIServer

from .conftest import Receiver


async def test_updates_are_posted_with_secret_token(server: BotAPIServer, bot: Bot, receiver: Receiver) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-Token_1") is True
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    user = server.create_user()
    await server.send_text(user.id, "/start")
    update = await receiver.next()
    assert update["message"]["text"] == "/start"
    assert receiver.received[-1][1] == "s3cret-Token_1"
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)


async def test_webhook_reply_body_runs_a_method(server: BotAPIServer, bot: Bot, receiver: Receiver) -> None:
    user = server.create_user()
    receiver.reply = {"method": "sendMessage", "chat_id": user.id, "text": "pong"}
    await bot.set_webhook(receiver.url)
    await server.send_text(user.id, "ping")
    reply = await server.wait_bot_message(user.id, timeout=3)
    assert reply["text"] == "pong"


async def test_failed_delivery_is_retried_and_reported(server: BotAPIServer, bot: Bot, receiver: Receiver) -> None:
    receiver.status = 500
    await bot.set_webhook(receiver.url)
    user = server.create_user()
    await server.send_text(user.id, "hello")
    await receiver.next()
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message and "500" in info.last_error_message
    receiver.status = 200
    update = await receiver.next()
    assert update["message"]["text"] == "hello"
    await asyncio.sleep(0.05)
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_delete_webhook_returns_to_polling(server: BotAPIServer, bot: Bot, receiver: Receiver) -> None:
    await bot.set_webhook(receiver.url)
    assert await bot.delete_webhook() is True
    assert (await bot.get_webhook_info()).url == ""
    user = server.create_user()
    await server.send_text(user.id, "polled")
    updates = await bot.get_updates(timeout=0)
    assert updates[0].message is not None and updates[0].message.text == "polled"
    assert receiver.received == []


async def test_set_webhook_validation(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook("https://example.invalid/hook", secret_token="bad token!")
    with pytest.raises(TelegramBadRequest, match="HTTPS URL must be provided"):
        await bot.set_webhook("ftp://example.invalid/hook")



async def test_aiogram_webhook_handler_with_reply_in_response(server: BotAPIServer, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> SendMessage:
        # Returning the method makes aiogram answer in the webhook response body (multipart).
        return message.answer(f"echo: {message.text}")

    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="abc").register(app, path="/wh")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        await bot.set_webhook(f"http://{host}:{port}/wh", secret_token="abc")
        user = server.create_user()
        await server.send_text(user.id, "ping")
        reply = await server.wait_bot_message(user.id, timeout=3)
        assert reply["text"] == "echo: ping"
    finally:
        await runner.cleanup()
