"""Mini Apps in the sandbox: initData signed as Telegram signs it, web_app_data back from the app, the script."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonWebApp,
    ReplyKeyboardMarkup,
    WebAppInfo,
)
from aiogram.utils.web_app import safe_parse_webapp_init_data

from sandbox.botapi import BotAPIServer
from sandbox.run import Sandbox, SandboxConfig

from .conftest import TOKEN

APP_URL = "http://127.0.0.1:9/app/"


async def _inline_web_app_message(server: BotAPIServer, bot: Bot, user_id: int) -> int:
    server.start_chat(user_id)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Open the form",
                                                                         web_app=WebAppInfo(url=APP_URL))]])
    message = await bot.send_message(user_id, "Your sheet", reply_markup=markup)
    return message.message_id


async def test_init_data_from_an_inline_button_validates_with_aiogram_and_carries_the_user(
        server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Айгуль", last_name="Ахметова", username="aigul", language_code="kk")
    message_id = await _inline_web_app_message(server, bot, user.id)

    opened = server.open_web_app(user.id, APP_URL, source="inline", message_id=message_id)

    data = safe_parse_webapp_init_data(TOKEN, opened.init_data)
    assert data.user is not None
    assert (data.user.id, data.user.first_name, data.user.last_name) == (user.id, "Айгуль", "Ахметова")
    assert (data.user.username, data.user.language_code) == ("aigul", "kk")
    assert data.query_id == opened.query_id and data.query_id
    assert opened.button_text == "Open the form"


async def test_init_data_is_refused_under_another_token_or_when_changed(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Oleg")
    message_id = await _inline_web_app_message(server, bot, user.id)
    init_data = server.open_web_app(user.id, APP_URL, message_id=message_id).init_data

    with pytest.raises(ValueError):
        safe_parse_webapp_init_data("999:another-bot", init_data)
    fields = dict(parse_qsl(init_data))
    fields["user"] = json.dumps({**json.loads(fields["user"]), "id": user.id + 1})
    forged = "&".join(f"{key}={value}" for key, value in fields.items())
    with pytest.raises(ValueError):
        safe_parse_webapp_init_data(TOKEN, forged)


async def test_only_a_button_the_user_has_opens_a_mini_app(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Oleg")
    message_id = await _inline_web_app_message(server, bot, user.id)
    with pytest.raises(KeyError):
        server.open_web_app(user.id, "http://127.0.0.1:9/elsewhere/", message_id=message_id)
    with pytest.raises(KeyError):
        server.open_web_app(user.id, APP_URL, source="keyboard")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/sandbox/api/chats/{user.id}/webapp",
                             json={"source": "menu", "url": APP_URL}) as response:
            assert response.status == 404
        async with http.post(f"{server.url}/sandbox/api/chats/{user.id}/webapp",
                             json={"source": "inline", "url": APP_URL, "message_id": message_id}) as response:
            assert response.status == 200
            opened = (await response.json())["result"]
    assert safe_parse_webapp_init_data(TOKEN, opened["init_data"]).user.id == user.id  # type: ignore[union-attr]


async def test_send_data_from_a_keyboard_button_reaches_the_bot_as_web_app_data(
        server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Aruzhan", language_code="kk")
    server.start_chat(user.id)
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Fill in", web_app=WebAppInfo(url=APP_URL))]],
                                   resize_keyboard=True)
    await bot.send_message(user.id, "Press the button", reply_markup=keyboard)

    opened = server.open_web_app(user.id, APP_URL, source="keyboard")
    # A keyboard button's app answers with sendData, so Telegram gives it no query_id.
    assert opened.query_id is None and "query_id" not in dict(parse_qsl(opened.init_data))
    assert safe_parse_webapp_init_data(TOKEN, opened.init_data).user.id == user.id  # type: ignore[union-attr]

    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/sandbox/api/chats/{user.id}/webapp-data",
                             json={"data": '{"total": 42}', "button_text": "Fill in"}) as response:
            assert response.status == 200
        async with http.post(f"{server.url}/sandbox/api/chats/{user.id}/webapp-data",
                             json={"data": "x", "button_text": "No such button"}) as response:
            assert response.status == 404
        async with http.post(f"{server.url}/sandbox/api/chats/{user.id}/webapp-data",
                             json={"data": "x" * 4097, "button_text": "Fill in"}) as response:
            assert response.status == 400

    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.from_user is not None and message.from_user.id == user.id
    assert message.web_app_data is not None
    assert (message.web_app_data.data, message.web_app_data.button_text) == ('{"total": 42}', "Fill in")
    shown = server.history(user.id)[-1]
    assert shown["from"] == "user" and shown["web_app_data"]["button_text"] == "Fill in"


async def test_the_menu_button_opens_its_mini_app_and_the_page_sees_it(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Oleg")
    await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text="Form", web_app=WebAppInfo(url=APP_URL)))
    opened = server.open_web_app(user.id, APP_URL, source="menu")
    assert opened.query_id and safe_parse_webapp_init_data(TOKEN, opened.init_data).query_id == opened.query_id
    async with aiohttp.ClientSession() as http, http.get(f"{server.url}/sandbox/api/chats/{user.id}/history") as got:
        menu = (await got.json())["result"]["menu_button"]
    assert menu == {"type": "web_app", "text": "Form", "web_app": {"url": APP_URL}}


async def test_the_web_app_script_stand_in_is_served_for_other_origins(server: BotAPIServer) -> None:
    async with aiohttp.ClientSession() as http, http.get(server.url + "/telegram-web-app.js") as response:
        assert response.status == 200
        assert response.content_type == "text/javascript"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        script = await response.text()
    for name in ("web_app_ready", "web_app_data_send", "web_app_setup_main_button", "web_app_open_tg_link",
                 "theme_changed", "main_button_pressed", "--tg-theme-", "--tg-viewport-height"):
        assert name in script, name


def test_the_bot_is_started_with_its_mini_app_address_and_the_script_stand_in(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig(data_dir=tmp_path, port=0))
    sandbox.server.url, sandbox.web_port = "http://127.0.0.1:8099", 8123
    env = sandbox.bot_env()
    assert (env["WEB_HOST"], env["WEB_PORT"]) == ("127.0.0.1", "8123")
    assert env["WEBAPP_URL"] == "http://127.0.0.1:8123/app/"
    assert env["WEBAPP_SCRIPT_URL"] == "http://127.0.0.1:8099/telegram-web-app.js"
    assert "http://127.0.0.1:8123/app/" in sandbox.banner()
