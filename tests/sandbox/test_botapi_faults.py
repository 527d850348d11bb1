"""Injected faults through a real aiogram Bot: the exception aiogram raises for each, whether the call
took effect anyway, and the record of every faulted attempt."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.botapi import BotAPIServer, SimUser

from .conftest import TOKEN, Receiver

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message")
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.fixture
async def user(server: BotAPIServer) -> SimUser:
    user = server.create_user("Aigul")
    await server.send_text(user.id, "/start")  # so the bot may write to her
    return user


def bot_texts(server: BotAPIServer, user: SimUser) -> list[str | None]:
    return [m["text"] for m in server.history(user.id) if m["from"] == "bot"]


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=data, callback_data=data)]])


async def test_delay_answers_late_and_takes_effect_after_it(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    server.add_fault("delay", method="sendMessage", seconds=0.6)
    started = time.monotonic()
    sending = asyncio.create_task(bot.send_message(user.id, "slow"))
    await asyncio.sleep(0.3)
    assert not sending.done() and bot_texts(server, user) == []  # a slow Telegram: nothing yet
    sent = await sending
    assert time.monotonic() - started >= 0.6
    assert sent.text == "slow" and bot_texts(server, user) == ["slow"]
    started = time.monotonic()
    await bot.send_message(user.id, "fast")  # times=1: the next call is not delayed
    assert time.monotonic() - started < 0.5
    assert [(r.fault, r.ok) for r in server.requests("sendMessage")] == [("delay", True), (None, True)]


async def test_retry_after_raises_with_its_seconds_and_sends_nothing(
    server: BotAPIServer, bot: Bot, user: SimUser,
) -> None:
    server.add_fault("retry_after", method="sendMessage", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "hello")
    assert caught.value.retry_after == 3
    assert "Original description: Too Many Requests: retry after 3" in caught.value.message
    assert bot_texts(server, user) == []
    await bot.send_message(user.id, "hello")
    assert bot_texts(server, user) == ["hello"]
    faulted = server.faulted("sendMessage")
    assert [(r.fault, r.ok, r.error) for r in faulted] == [("retry_after", False, "Too Many Requests: retry after 3")]
    assert faulted[0].params["chat_id"] == user.id


async def test_server_error_raises_and_sends_nothing(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    server.add_fault("server_error", method="sendMessage")
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.send_message(user.id, "hello")
    assert bot_texts(server, user) == []


async def test_bad_gateway_is_an_html_page_and_sends_nothing(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    server.add_fault("bad_gateway", method="sendMessage", times=2)
    async with aiohttp.ClientSession() as http, http.post(f"{server.url}/bot{TOKEN}/sendMessage",
                                                         json={"chat_id": user.id, "text": "raw"}) as response:
        assert response.status == 502
        assert response.content_type == "text/html"
        assert "<title>502 Bad Gateway</title>" in await response.text()
    with pytest.raises(ClientDecodeError):  # aiogram cannot read the page as a Bot API answer
        await bot.send_message(user.id, "hello")
    assert bot_texts(server, user) == []
    assert [r.error for r in server.faulted()] == ["502 Bad Gateway", "502 Bad Gateway"]


async def test_malformed_json_raises_but_the_message_is_delivered(
    server: BotAPIServer, bot: Bot, user: SimUser,
) -> None:
    server.add_fault("malformed_json", method="sendMessage", times=2)
    async with aiohttp.ClientSession() as http, http.post(f"{server.url}/bot{TOKEN}/sendMessage",
                                                         json={"chat_id": user.id, "text": "raw"}) as response:
        assert response.status == 200
        body = await response.text()
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
        assert body.startswith('{"ok": true')
    with pytest.raises(ClientDecodeError):
        await bot.send_message(user.id, "hello")
    assert bot_texts(server, user) == ["raw", "hello"]
    assert [(r.fault, r.ok) for r in server.faulted("sendMessage")] == [("malformed_json", True)] * 2


async def test_query_too_old_on_a_callback_answer(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(user.id, "Pick", reply_markup=keyboard("one"))
    query_id = await server.press_button(user.id, sent.message_id, "one")
    rule = server.add_fault("query_too_old")
    assert rule.method == "answerCallbackQuery"
    await bot.send_message(user.id, "unaffected")  # other methods pass
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.answer_callback_query(query_id, text="Saved")
    assert caught.value.message == QUERY_TOO_OLD
    assert server.history(user.id)[-2]["callback_answers"] == []  # the answer did not reach the user
    assert [(r.fault, r.ok) for r in server.faulted()] == [("query_too_old", False)]
    with pytest.raises(ValueError, match="answerCallbackQuery only"):
        server.add_fault("query_too_old", method="sendMessage")


async def test_lost_answer_delivers_so_a_retry_sends_a_duplicate(
    server: BotAPIServer, bot: Bot, user: SimUser,
) -> None:
    server.add_fault("lost_answer", method="sendMessage")
    with pytest.raises(TelegramServerError):
        await bot.send_message(user.id, "Your application is registered")
    assert bot_texts(server, user) == ["Your application is registered"]
    await bot.send_message(user.id, "Your application is registered")  # a naive retry
    assert bot_texts(server, user) == ["Your application is registered"] * 2
    assert [(r.fault, r.ok) for r in server.requests("sendMessage")] == [("lost_answer", True), (None, True)]


async def test_lost_answer_as_a_dropped_connection(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    server.add_fault("lost_answer", method="sendMessage", disconnect=True)
    with pytest.raises(TelegramNetworkError, match="ServerDisconnectedError"):
        await bot.send_message(user.id, "hello")
    assert bot_texts(server, user) == ["hello"]
    assert (await bot.send_message(user.id, "again")).text == "again"  # the session recovers


async def test_rules_match_by_chat_method_and_bot_for_n_calls_or_until_cleared(
    server: BotAPIServer, bot: Bot, user: SimUser,
) -> None:
    other = server.create_user("Dana")
    await server.send_text(other.id, "hi")
    server.add_fault("server_error", method="sendMessage", chat_id=user.id, times=2)
    assert (await bot.send_message(other.id, "to Dana")).text == "to Dana"
    await bot.send_chat_action(user.id, "typing")
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(user.id, "to Aigul")
    assert (await bot.send_message(user.id, "to Aigul")).text == "to Aigul"
    assert [rule.remaining for rule in server.fault_rules()] == [0]

    endless = server.add_fault("server_error", times=None)  # every method, until cleared
    for _ in range(3):
        with pytest.raises(TelegramServerError):
            await bot.get_me()
    with pytest.raises(TelegramServerError):
        await bot.send_chat_action(other.id, "typing")
    assert endless.hits == 4 and endless.active
    assert server.clear_faults(endless.id) == 1
    assert (await bot.get_me()).id == 123456
    with pytest.raises(KeyError):
        server.clear_faults(endless.id)
    assert server.clear_faults() == 1


async def test_a_callback_answer_matches_the_chat_of_the_presser(
    server: BotAPIServer, bot: Bot, user: SimUser,
) -> None:
    other = server.create_user("Dana")
    await server.send_text(other.id, "hi")
    to_her = await bot.send_message(user.id, "Pick", reply_markup=keyboard("a"))
    to_other = await bot.send_message(other.id, "Pick", reply_markup=keyboard("b"))
    her_query = await server.press_button(user.id, to_her.message_id, "a")
    other_query = await server.press_button(other.id, to_other.message_id, "b")
    server.add_fault("query_too_old", chat_id=user.id)
    assert await bot.answer_callback_query(other_query) is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(her_query)


@pytest.mark.parametrize("options", [
    {"kind": "flood"},
    {"kind": "delay"},
    {"kind": "delay", "seconds": 0},
    {"kind": "retry_after"},
    {"kind": "retry_after", "retry_after": 0},
    {"kind": "server_error", "seconds": 1},
    {"kind": "server_error", "retry_after": 1},
    {"kind": "server_error", "disconnect": True},
    {"kind": "server_error", "method": "sendTelegram"},
    {"kind": "server_error", "times": 0},
])
def test_rule_validation(server: BotAPIServer, options: dict[str, object]) -> None:
    kind = options.pop("kind")
    with pytest.raises(ValueError):
        server.add_fault(kind, **options)  # type: ignore[arg-type]
    assert server.fault_rules() == []


async def test_a_delay_does_not_hold_up_closing_the_server(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    server.add_fault("delay", seconds=60)
    sending = asyncio.create_task(bot.send_message(user.id, "never mind"))
    await server.wait_request("sendMessage")
    started = time.monotonic()
    await server.close()
    await asyncio.wait_for(asyncio.gather(sending, return_exceptions=True), 5)
    assert time.monotonic() - started < 5


async def test_editing_to_the_same_content_is_not_modified(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    sent = await bot.send_message(user.id, "<b>Step 1</b>", parse_mode="HTML", reply_markup=keyboard("next"))
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text("<b>Step 1</b>", chat_id=user.id, message_id=sent.message_id, parse_mode="HTML",
                                    reply_markup=keyboard("next"))
    assert caught.value.message == NOT_MODIFIED
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard("next"))
    assert caught.value.message == NOT_MODIFIED
    # The same text with other buttons, or without the bold, is a change.
    await bot.edit_message_text("<b>Step 1</b>", chat_id=user.id, message_id=sent.message_id, parse_mode="HTML",
                                reply_markup=keyboard("back"))
    await bot.edit_message_text("Step 1", chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard("back"))
    assert server.history(user.id)[-1]["text"] == "Step 1"


# --- duplicate delivery ----------------------------------------------------------------------------


async def test_polling_redelivers_a_confirmed_update(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    first = await bot.get_updates(timeout=0)
    await server.send_text(user.id, "second")
    confirmed = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    update_id = confirmed[-1].update_id
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == []
    again = server.redeliver(update_id)
    assert again["update_id"] == update_id
    # Returned again although the offset has confirmed it, then forgotten once confirmed anew.
    replay = await bot.get_updates(offset=update_id + 1, timeout=0)
    assert [(u.update_id, u.message.text if u.message else None) for u in replay] == [(update_id, "second")]
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == []
    with pytest.raises(KeyError):
        server.redeliver(424242)


async def test_a_redelivery_wakes_a_waiting_long_poll_and_keeps_update_order(
    server: BotAPIServer, bot: Bot, user: SimUser,
) -> None:
    start = (await bot.get_updates(timeout=0))[-1].update_id
    await bot.get_updates(offset=start + 1, timeout=0)
    polling = asyncio.create_task(bot.get_updates(offset=start + 1, timeout=5))
    await asyncio.sleep(0.1)
    server.redeliver(start)
    assert [u.update_id for u in await asyncio.wait_for(polling, 2)] == [start]
    await server.send_text(user.id, "later")
    server.redeliver(start)
    # Confirms the first re-delivery; the second comes before the newer update, as update_ids go.
    assert [u.update_id for u in await bot.get_updates(offset=start + 1, timeout=0)] == [start, start + 1]


async def test_polling_delivers_the_next_update_twice(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    offset = (await bot.get_updates(timeout=0))[-1].update_id + 1
    assert server.deliver_next_twice() == 1
    await server.send_text(user.id, "twice")
    await server.send_text(user.id, "once")
    updates = await bot.get_updates(offset=offset, timeout=0)
    assert [u.message.text for u in updates if u.message] == ["twice", "once"]
    twice_id = updates[0].update_id
    # The duplicate comes once the first delivery is confirmed, with the same update_id.
    again = await bot.get_updates(offset=twice_id + 1, timeout=0)
    assert [(u.update_id, u.message.text if u.message else None) for u in again] == [
        (twice_id, "twice"), (twice_id + 1, "once")]
    assert await bot.get_updates(offset=twice_id + 2, timeout=0) == []
    assert (server.deliveries(twice_id), server.deliveries(twice_id + 1)) == (2, 2)  # "once" came in both batches


async def test_webhook_posts_a_redelivered_update_again(server: BotAPIServer, bot: Bot, receiver: Receiver) -> None:
    await bot.set_webhook(receiver.url)
    user = server.create_user()
    await server.send_text(user.id, "/start")
    first = (await receiver.until(1))[0]
    server.redeliver(first["update_id"])
    posted = await receiver.until(2)
    assert posted[1] == first
    server.deliver_next_twice()
    await server.send_text(user.id, "twice")
    posted = await receiver.until(4)
    assert [u["update_id"] for u in posted] == [first["update_id"]] * 2 + [first["update_id"] + 1] * 2
    await asyncio.sleep(0.1)
    assert len(receiver.received) == 4 and (await bot.get_webhook_info()).pending_update_count == 0
    assert server.deliveries(first["update_id"]) == server.deliveries(first["update_id"] + 1) == 2


# --- the control API over HTTP ---------------------------------------------------------------------


async def test_faults_over_the_control_api(server: BotAPIServer, bot: Bot, user: SimUser) -> None:
    api = server.url + "/sandbox/api"
    async with aiohttp.ClientSession() as http:
        async def call(verb: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
            async with http.request(verb, api + path, **kwargs) as response:
                body = await response.json()
                assert response.status == expect, body
                return body["result"] if expect == 200 else body["error"]

        rule = await call("POST", "/faults", json={"kind": "retry_after", "method": "sendmessage", "retry_after": 2,
                                                   "chat_id": user.id})
        assert rule["method"] == "sendMessage" and rule["remaining"] == 1 and rule["id"] > 0
        endless = await call("POST", "/faults", json={"kind": "delay", "seconds": 0.2, "method": "*",
                                                      "times": None, "bot": "123456"})
        assert endless["times"] is None and endless["method"] is None
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(user.id, "x")
        rules = await call("GET", "/faults")
        assert [(r["kind"], r["hits"], r["active"]) for r in rules] == [("retry_after", 1, False), ("delay", 0, True)]
        await bot.send_message(user.id, "late")
        log = await call("GET", "/requests", params={"method": "sendMessage"})
        assert [(r["fault"], r["ok"]) for r in log] == [("retry_after", False), ("delay", True)]
        assert await call("DELETE", f"/faults/{endless['id']}") == {"removed": 1}
        assert await call("DELETE", f"/faults/{endless['id']}", expect=404) == f"no fault {endless['id']}"
        assert await call("DELETE", "/faults") == {"removed": 1}
        assert await call("GET", "/faults") == []
        assert "unknown fault" in str(await call("POST", "/faults", expect=400, json={"kind": "flood"}))
        assert "unknown fields" in str(await call("POST", "/faults", expect=400,
                                                  json={"kind": "server_error", "chat": 1}))
        assert "kind is required" in str(await call("POST", "/faults", expect=400, json={}))
        assert "needs seconds" in str(await call("POST", "/faults", expect=400, json={"kind": "delay"}))

        updates = await call("GET", "/updates")
        assert isinstance(updates, list) and updates[-1]["message"]["text"] == "/start"
        update_id = updates[-1]["update_id"]
        await bot.get_updates(offset=update_id + 1, timeout=0)
        again = await call("POST", f"/updates/{update_id}/redeliver")
        assert again == updates[-1]
        assert [u.update_id for u in await bot.get_updates(offset=update_id + 1, timeout=0)] == [update_id]
        assert "not known" in str(await call("POST", "/updates/999/redeliver", expect=404))
        assert await call("POST", "/updates/duplicate-next", json={"count": 2}) == {"duplicate_next": 2}
        assert "count" in str(await call("POST", "/updates/duplicate-next", expect=400, json={"count": -1}))


async def test_faults_apply_to_one_bot_when_several_share_the_server(server: BotAPIServer, bot: Bot) -> None:
    other = Bot("777:other-bot", session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    try:
        server.add_fault("server_error", token="777:other-bot", times=None)
        assert (await bot.get_me()).id == 123456
        with pytest.raises(TelegramServerError):
            await other.get_me()
    finally:
        await other.session.close()

