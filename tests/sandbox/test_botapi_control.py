"""The JSON control API over HTTP, as the browser sandbox page and out-of-process tests use it."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.botapi import BotAPIServer

from .test_botapi_files import png


class Control:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base + "/sandbox/api"

    async def call(self, verb: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        async with self.http.request(verb, self.base + path, **kwargs) as response:
            body = await response.json()
            assert response.status == expect, body
            return body["result"] if expect == 200 else body


@pytest.fixture
async def control(server: BotAPIServer, bot: Bot) -> AsyncIterator[Control]:
    await bot.get_me()  # registers the bot, as the running bot would on start-up
    async with aiohttp.ClientSession() as http:
        yield Control(http, server.url)


async def test_users_messages_and_history(control: Control, bot: Bot) -> None:
    user = await control.call("POST", "/users", json={"first_name": "Aruzhan", "username": "aru",
                                                      "language_code": "kk"})
    assert user["id"] > 0 and user["language_code"] == "kk"
    assert [u["first_name"] for u in await control.call("GET", "/users")] == ["Aruzhan"]
    bots = await control.call("GET", "/bots")
    assert bots[0]["id"] == 123456

    message = await control.call("POST", f"/chats/{user['id']}/messages", json={"text": "/start"})
    assert message["entities"][0]["type"] == "bot_command"
    updates = await bot.get_updates(timeout=0)
    assert updates[0].message is not None and updates[0].message.text == "/start"
    await bot.send_message(user["id"], "Сәлеметсіз бе!")
    history = await control.call("GET", f"/chats/{user['id']}/history")
    assert [(m["from"], m["text"]) for m in history["messages"]] == [("user", "/start"), ("bot", "Сәлеметсіз бе!")]
    assert history["cursor"] == 2

    contact = await control.call("POST", f"/chats/{user['id']}/contact", json={"phone_number": "+77010000000"})
    assert contact["contact"]["user_id"] == user["id"]


async def test_events_long_poll_and_callbacks(control: Control, bot: Bot) -> None:
    user = await control.call("POST", "/users", json={"first_name": "Test"})
    uid = user["id"]
    await control.call("POST", f"/chats/{uid}/messages", json={"text": "hi"})
    first = await control.call("GET", f"/chats/{uid}/events", params={"cursor": 0, "timeout": 0})
    assert [e["type"] for e in first["events"]] == ["message"] and first["cursor"] == 1

    waiting = asyncio.create_task(control.call("GET", f"/chats/{uid}/events",
                                               params={"cursor": first["cursor"], "timeout": 5}))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    sent = await bot.send_message(uid, "Pick", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="One", callback_data="one")]]))
    woke = await asyncio.wait_for(waiting, 3)
    assert woke["events"][0]["message"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "One"

    missing = await control.call("POST", f"/chats/{uid}/callback", expect=404,
                                 json={"message_id": sent.message_id, "callback_data": "two"})
    assert missing["ok"] is False and "two" in missing["error"]
    pressed = await control.call("POST", f"/chats/{uid}/callback",
                                 json={"message_id": sent.message_id, "callback_data": "one"})
    forged = await control.call("POST", f"/chats/{uid}/callback", json={"callback_data": "evil", "forged": True})
    updates = await bot.get_updates(timeout=0)
    queries = [u.callback_query for u in updates if u.callback_query]
    assert [q.id for q in queries] == [pressed["callback_query_id"], forged["callback_query_id"]]
    await bot.answer_callback_query(pressed["callback_query_id"], text="Chosen", show_alert=True)
    await bot.edit_message_text("Picked one", chat_id=uid, message_id=sent.message_id)

    later = await control.call("GET", f"/chats/{uid}/events", params={"cursor": woke["cursor"], "timeout": 0})
    kinds = [e["type"] for e in later["events"]]
    assert kinds == ["callback_query", "callback_query", "callback_answer", "edit"]
    answer = later["events"][2]
    assert answer["text"] == "Chosen" and answer["show_alert"] is True
    assert later["events"][3]["message"]["text"] == "Picked one"


async def test_file_uploads_and_downloads(control: Control, server: BotAPIServer, bot: Bot) -> None:
    user = await control.call("POST", "/users", json={"first_name": "Test"})
    uid = user["id"]
    form = aiohttp.FormData()
    form.add_field("file", b"scan bytes", filename="diploma.pdf", content_type="application/pdf")
    form.add_field("caption", "My diploma")
    message = await control.call("POST", f"/chats/{uid}/document", data=form)
    assert message["document"]["file_name"] == "diploma.pdf" and message["caption"] == "My diploma"
    photo = await control.call("POST", f"/chats/{uid}/photo", json={
        "filename": "p.png", "content_base64": base64.b64encode(png(2, 2)).decode()})
    assert photo["photo"][0]["width"] == 2
    bad = await control.call("POST", f"/chats/{uid}/photo", expect=400, json={
        "filename": "p.png", "content_base64": base64.b64encode(b"nope").decode()})
    assert bad["ok"] is False

    history = await control.call("GET", f"/chats/{uid}/history")
    url = history["messages"][0]["document"]["url"]
    async with control.http.get(server.url + url) as response:
        assert response.status == 200 and await response.read() == b"scan bytes"
        assert response.headers["Content-Type"].startswith("application/pdf")
    updates = await bot.get_updates(timeout=0)
    assert updates[0].message is not None and updates[0].message.document is not None


async def test_request_log_and_blocking(control: Control, bot: Bot) -> None:
    user = await control.call("POST", "/users", json={"first_name": "Test"})
    uid = user["id"]
    await control.call("POST", f"/chats/{uid}/messages", json={"text": "hi"})
    await bot.send_message(uid, "one")
    log = await control.call("GET", "/requests", params={"method": "sendMessage"})
    assert len(log) == 1 and log[0]["params"]["text"] == "one" and log[0]["ok"] is True
    await control.call("POST", f"/users/{uid}/block", json={"blocked": True})
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(uid, "two")
    log = await control.call("GET", "/requests", params={"method": "sendmessage"})
    assert log[-1]["ok"] is False and "blocked" in log[-1]["error"]
    assert await control.call("DELETE", "/requests") is True
    assert await control.call("GET", "/requests") == []


async def test_control_errors(control: Control) -> None:
    missing = await control.call("POST", "/chats/424242/messages", expect=404, json={"text": "x"})
    assert missing["ok"] is False
    user = await control.call("POST", "/users", json={"first_name": "Test"})
    empty = await control.call("POST", f"/chats/{user['id']}/messages", expect=400, json={"text": ""})
    assert "text" in empty["error"]
    unknown_bot = await control.call("GET", f"/chats/{user['id']}/history", expect=404, params={"bot": "999"})
    assert "999" in unknown_bot["error"]
