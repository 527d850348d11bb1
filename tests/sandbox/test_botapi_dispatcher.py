"""A real aiogram Dispatcher polling the sandbox, as the bot's end-to-end tests will run it."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox.botapi import BotAPIServer


async def test_polling_dispatcher_round_trip(server: BotAPIServer, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("<b>Welcome</b>", parse_mode="HTML", reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Begin", callback_data="begin")]]))

    @dp.callback_query(F.data == "begin")
    async def begin(query: CallbackQuery) -> None:
        await query.answer("Started")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Step 1")

    polling = asyncio.create_task(dp.start_polling(bot, polling_timeout=1, handle_signals=False))
    try:
        user = server.create_user("Aliya")
        await server.send_text(user.id, "/start")
        welcome = await server.wait_bot_message(user.id, timeout=5)
        assert welcome["text"] == "Welcome" and welcome["raw_text"] == "<b>Welcome</b>"
        await server.press_button(user.id, welcome["message_id"], "begin")
        events, _ = await server.wait_events(user.id, cursor=0, timeout=0)
        cursor = len(events)
        while not any(e["type"] == "edit" for e in events):
            more, cursor = await server.wait_events(user.id, cursor, timeout=5)
            assert more, "the bot did not edit its message"
            events += more
        view = server.history(user.id)[-1]
        assert view["text"] == "Step 1" and view["callback_answers"][0]["text"] == "Started"
    finally:
        await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, 5)
