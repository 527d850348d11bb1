"""Core Bot API methods through a real aiogram Bot: aiogram parsing each reply is the validation."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from sandbox.botapi import BotAPIServer

from .conftest import TOKEN


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.id == 123456
    assert me.username and me.username.endswith("bot")
    assert me.can_join_groups is True


async def test_user_message_reaches_get_updates_as_a_command(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Aigerim", last_name="Nurlanovna", username="aigerim", language_code="kk")
    await server.send_text(user.id, "/start")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.from_user is not None and message.from_user.language_code == "kk"
    assert message.chat.type == "private" and message.chat.id == user.id
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")
    # Confirming with offset removes the update.
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []


async def test_long_poll_wakes_on_new_message(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await server.send_text(user.id, "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None and updates[0].message.text == "hello"


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    assert await bot.get_updates(timeout=1) == []


async def test_allowed_updates_filters_new_updates(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await bot.get_updates(allowed_updates=["callback_query"], timeout=0)
    await server.send_text(user.id, "ignored")
    sent = await bot.send_message(user.id, "pick", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]))
    await server.press_button(user.id, sent.message_id, "a")
    updates = await bot.get_updates(timeout=0)
    assert [u.event_type for u in updates] == ["callback_query"]


async def test_send_message_html_and_history(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Dana")
    await server.send_text(user.id, "/start")
    sent = await bot.send_message(user.id, "<b>Сәлем</b>, Dana &amp; co", parse_mode="HTML")
    assert isinstance(sent, Message)
    assert sent.text == "Сәлем, Dana & co"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    assert (sent.entities[0].offset, sent.entities[0].length) == (0, 5)
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.chat.first_name == "Dana"
    history = server.history(user.id)
    assert [m["from"] for m in history] == ["user", "bot"]
    assert history[1]["raw_text"] == "<b>Сәлем</b>, Dana &amp; co"
    assert history[0]["message_id"] < history[1]["message_id"]


async def test_entity_offsets_are_utf16(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    sent = await bot.send_message(user.id, "😀 <i>x</i>", parse_mode="HTML")
    assert sent.entities is not None and sent.entities[0].offset == 3


async def test_bad_html_is_rejected_like_telegram(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "a < b <foo>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Can't find end tag"):
        await bot.send_message(user.id, "<b>open", parse_mode="HTML")


async def test_send_message_errors(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "x")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(user.id, "x")
    await server.send_text(user.id, "hi")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, " ")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "x" * 4097)
    server.set_blocked(user.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(user.id, "x")


async def test_inline_keyboard_press_answer_and_edit(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "/start")
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="Yes", callback_data="yes"), InlineKeyboardButton(text="No", callback_data="no"),
    ]])
    sent = await bot.send_message(user.id, "Continue?", reply_markup=markup)
    assert sent.reply_markup is not None and sent.reply_markup.model_dump() == markup.model_dump()
    with pytest.raises(KeyError):
        await server.press_button(user.id, sent.message_id, "maybe")
    query_id = await server.press_button(user.id, sent.message_id, "yes")
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.id == query_id and query.data == "yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.from_user.id == user.id

    assert await bot.answer_callback_query(query.id, text="Saved", show_alert=True) is True
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query.id)

    edited = await bot.edit_message_text("Done", chat_id=user.id, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "Done" and edited.edit_date is not None
    assert edited.reply_markup is None  # Telegram drops the keyboard when an edit omits it
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Done", chat_id=user.id, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=999)

    view = server.history(user.id)[-1]
    assert view["text"] == "Done" and view["reply_markup"] is None
    assert view["callback_answers"][0]["text"] == "Saved" and view["callback_answers"][0]["show_alert"] is True


async def test_forged_callback(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    await server.send_callback(user.id, "admin:delete_all")
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.data == "admin:delete_all" and query.message is None


async def test_edit_reply_markup_and_delete(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    sent = await bot.send_message(user.id, "Choose")
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]])
    edited = await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id, reply_markup=markup)
    assert isinstance(edited, Message) and edited.reply_markup is not None
    assert edited.reply_markup.model_dump() == markup.model_dump()
    assert await bot.delete_message(user.id, sent.message_id) is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    assert [m["text"] for m in server.history(user.id)] == ["hi"]


async def test_reply_keyboard_contact_and_remove(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user("Asel")
    await server.send_text(user.id, "/start")
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share phone", request_contact=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    await bot.send_message(user.id, "Your phone?", reply_markup=keyboard)
    open_keyboard = server.reply_keyboard(user.id)
    assert open_keyboard is not None and open_keyboard["keyboard"][0][0]["request_contact"] is True
    await server.send_contact(user.id, "+77011234567")
    assert server.reply_keyboard(user.id) is None  # one_time_keyboard closes after use
    updates = await bot.get_updates(timeout=0)
    contact = updates[-1].message.contact if updates[-1].message else None
    assert contact is not None and contact.user_id == user.id and contact.phone_number == "+77011234567"
    await bot.send_message(user.id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert server.reply_keyboard(user.id) is None


async def test_reply_to_message(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    incoming = await server.send_text(user.id, "question")
    sent = await bot.send_message(user.id, "answer", reply_to_message_id=incoming["message_id"])
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "question"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(user.id, "x", reply_to_message_id=999)


async def test_chat_action(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    assert await bot.send_chat_action(user.id, "typing") is True
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(user.id, "dancing")


async def test_commands_per_scope_and_language(bot: Bot) -> None:
    ru = [BotCommand(command="start", description="Начать")]
    kk = [BotCommand(command="start", description="Бастау")]
    assert await bot.set_my_commands(ru, language_code="ru") is True
    assert await bot.set_my_commands(kk, scope=BotCommandScopeAllPrivateChats(), language_code="kk") is True
    assert [c.model_dump() for c in await bot.get_my_commands(language_code="ru")] == [ru[0].model_dump()]
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="kk")
    assert [c.model_dump() for c in got] == [kk[0].model_dump()]
    assert await bot.get_my_commands() == []
    assert await bot.delete_my_commands(language_code="ru") is True
    assert await bot.get_my_commands(language_code="ru") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_log_out_and_close(bot: Bot) -> None:
    assert await bot.log_out() is True
    assert await bot.close() is True


async def test_second_poller_terminates_first(server: BotAPIServer, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first
    assert await second == []


async def test_unknown_method_and_case_insensitive_names(server: BotAPIServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/bot{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.get(f"{server.url}/bot{TOKEN}/GETME") as response:
            body = await response.json()
            assert response.status == 200 and body["ok"] is True and body["result"]["is_bot"] is True
        async with http.post(f"{server.url}/bot{TOKEN}/sendMessage", json={"chat_id": 1}) as response:
            assert response.status == 400
            body = await response.json()
            assert body["ok"] is False and body["error_code"] == 400
            assert body["description"].startswith("Bad Request: ")


async def test_request_log(server: BotAPIServer, bot: Bot) -> None:
    user = server.create_user()
    await server.send_text(user.id, "hi")
    await bot.send_message(user.id, "hello", reply_markup=InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]))
    [request] = server.requests("sendmessage")
    assert request.method == "sendMessage" and request.ok is True
    assert request.params["chat_id"] == user.id and request.params["text"] == "hello"
    assert request.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
