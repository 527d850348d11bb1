"""The real bot process against a Bot API that misbehaves, and a process that is killed: no committed
answer lost, no update applied twice, no user left without a reply, no user blocked by another's slow call.

Each test walks a teacher to the profile's first question (the full name) through the sandbox, then
answers it under one fault and looks at the chat and at the bot's database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.i18n import Locale
from features.profile.callbacks import ConsentCallback, LanguageCallback
from tests.e2e.live_bot import LiveBot, buttons, running_bot

LANGUAGE_RU = LanguageCallback(code=Locale.RU).pack()
AGREE = ConsentCallback(agree=True).pack()
NAME = "Ахметова Айгуль Серикқызы"
SORRY = "Извините"  # the start of the Russian "please try again"


async def to_the_name_question(live: LiveBot, user: int | None = None) -> None:
    await live.send("/start", user=user)
    await live.press(LANGUAGE_RU, user=user)
    await live.press(AGREE, user=user)
    await live.until(lambda: asking(live, user) == "ProfileForm:full_name", what="the name question")
    await live.quiet(0.3, user=user)


def asking(live: LiveBot, user: int | None = None) -> str | None:
    rows = live.sql("select state from fsm_records where key like ?", f"%:{user or live.user_id}:%")
    return rows[0][0] if rows else None


def full_name(live: LiveBot, user: int | None = None) -> str | None:
    rows = live.sql("select full_name from teacher_profiles where user_id = ?", user or live.user_id)
    return rows[0][0] if rows else None


def bot_texts(live: LiveBot, since: int, user: int | None = None) -> list[str]:
    return [e["message"].get("text") or "" for e in live.events(since=since, user=user)
            if e["type"] == "message" and e["message"]["from"] == "bot"]


async def answer_name(live: LiveBot) -> tuple[int, float]:
    """Send the name; returns the chat mark before it and the seconds until the next question came."""
    since = live.cursor()
    started = time.monotonic()
    await live.send(NAME, wait=False)
    await live.reply(since=since, timeout=40)
    return since, time.monotonic() - started


async def test_a_500_on_the_reply_keeps_the_answer_and_the_reply_still_comes(live_bot: LiveBot) -> None:
    live = live_bot
    await to_the_name_question(live)
    live.fault("server_error", method="sendMessage", chat_id=live.user_id, times=2)
    since, _ = await answer_name(live)
    await live.quiet(0.5)
    assert full_name(live) == NAME and asking(live) == "ProfileForm:iin"
    texts = bot_texts(live, since)
    assert len(texts) == 1 and SORRY not in texts[0]  # the IIN question, once, no apology


@pytest.mark.parametrize("kind", ["bad_gateway", "malformed_json"])
async def test_a_reply_that_is_not_the_bot_apis_json_is_sent_again(live_bot: LiveBot, kind: str) -> None:
    live = live_bot
    await to_the_name_question(live)
    live.fault(kind, method="sendMessage", chat_id=live.user_id, times=1)
    since, _ = await answer_name(live)
    await live.quiet(1.0)
    assert full_name(live) == NAME and asking(live) == "ProfileForm:iin"
    texts = bot_texts(live, since)
    # An HTML 502 means it did not go out: once. A garbled 200 may have gone out: the bot cannot know,
    # and sends it again rather than leave the teacher without the question.
    assert len(texts) == (1 if kind == "bad_gateway" else 2) and len(set(texts)) == 1


async def test_a_callback_answered_too_late_still_applies_the_button(live_bot: LiveBot) -> None:
    live = live_bot
    await live.send("/start")
    await live.press(LANGUAGE_RU)
    await live.message_with_button(AGREE)
    live.fault("query_too_old", chat_id=live.user_id, times=None)
    since = live.cursor()
    await live.press(AGREE, wait=False)
    await live.until(lambda: asking(live) == "ProfileForm:full_name", what="the consent applied")
    question = await live.reply(since=since, where=lambda m: not buttons(m))
    assert question["text"]
    rows = live.sql("select consent_at from teacher_profiles where user_id = ?", live.user_id)
    assert rows and rows[0][0]


async def test_one_teachers_slow_reply_blocks_no_other_teacher(live_bot: LiveBot) -> None:
    live = live_bot
    other = live.user(5102).id
    await to_the_name_question(live)
    await to_the_name_question(live, other)
    live.fault("delay", method="sendMessage", chat_id=live.user_id, seconds=8, times=1)
    slow_since = live.cursor()
    await live.send(NAME, wait=False)
    await asyncio.sleep(0.3)  # the slow teacher's reply is now on its way to Telegram
    since, started = live.cursor(other), time.monotonic()
    await live.send("Серікова Дана", user=other, wait=False)
    await live.reply(since=since, user=other, timeout=10)
    assert time.monotonic() - started < 4
    assert full_name(live, other) == "Серікова Дана" and full_name(live) == NAME  # both committed already
    assert bot_texts(live, slow_since) == []  # the slow one is still on its way
    await live.reply(since=slow_since, timeout=15)


@pytest.mark.parametrize("live_bot", ["polling", "webhook"], indirect=True)
async def test_the_same_update_delivered_twice_is_applied_once(live_bot: LiveBot) -> None:
    live = live_bot
    await to_the_name_question(live)
    live.server.deliver_next_twice(token=live.token)
    since, _ = await answer_name(live)
    update_id = live.server.updates(token=live.token)[-1]["update_id"]
    await live.until(lambda: live.server.deliveries(update_id, token=live.token) == 2, what="the second delivery")
    await live.quiet(1.0)
    # Read once: the name is the name, and the duplicate was not taken as the IIN.
    assert full_name(live) == NAME and asking(live) == "ProfileForm:iin"
    assert len(bot_texts(live, since)) == 1
    rows = live.sql("select iin from teacher_profiles where user_id = ?", live.user_id)
    assert rows[0][0] is None


async def test_kill_9_with_the_reply_in_flight_delivers_it_after_the_restart(tmp_path: Path) -> None:
    async with running_bot(tmp_path / "live", env={"OUTBOX_LEASE_SECONDS": "3"}) as live:
        await to_the_name_question(live)
        live.fault("server_error", method="sendMessage", chat_id=live.user_id, times=None)
        since = live.cursor()
        await live.send(NAME, wait=False)
        await live.until(lambda: full_name(live) == NAME, what="the answer committed")
        await live.until(lambda: live.attempts("sendMessage") > 0 and bool(live.server.faulted("sendMessage")),
                         what="the reply failing")
        assert await live.kill() == -9  # committed, told nobody yet
        live.server.clear_faults()
        await live.start()
        await live.reply(since=since, timeout=20)
        await live.quiet(1.0)
        assert len(bot_texts(live, since)) == 1 and asking(live) == "ProfileForm:iin"


@contextlib.contextmanager
def write_lock_held(db: Path, seconds: float) -> Iterator[threading.Thread]:
    """Another process's transaction holds SQLite's write lock for `seconds` (from another thread)."""
    taken = threading.Event()

    def hold() -> None:
        with contextlib.closing(sqlite3.connect(db, timeout=10, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            taken.set()
            time.sleep(seconds)
            conn.execute("ROLLBACK")

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(10)
    try:
        yield thread
    finally:
        thread.join()


async def test_a_database_locked_by_another_process_delays_the_answer_but_loses_nothing(
    live_bot: LiveBot,
) -> None:
    live = live_bot
    await to_the_name_question(live)
    with write_lock_held(live.db, 3.0):
        since, waited = await answer_name(live)
    await live.quiet(0.5)
    assert full_name(live) == NAME and asking(live) == "ProfileForm:iin"
    assert len(bot_texts(live, since)) == 1 and waited < 15


async def test_kill_9_before_the_update_is_stored_loses_nothing(live_bot: LiveBot) -> None:
    live = live_bot
    await to_the_name_question(live)
    with write_lock_held(live.db, 2.5):
        since = live.cursor()
        await live.send(NAME, wait=False)
        update_id = live.server.updates(token=live.token)[-1]["update_id"]
        await live.until(lambda: live.server.deliveries(update_id, token=live.token) >= 1, what="the delivery")
        assert await live.kill() == -9  # the bot had the update but could not store it yet
    await live.start()
    await live.reply(since=since, timeout=20)
    await live.quiet(0.5)
    assert full_name(live) == NAME and len(bot_texts(live, since)) == 1


async def test_an_update_stored_but_never_applied_is_replayed_at_the_next_start(live_bot: LiveBot) -> None:
    live = live_bot
    await to_the_name_question(live)
    await live.stop()
    # What a process killed between storing an update and applying it leaves behind.
    update = {"update_id": 999_000_001, "message": {
        "message_id": 999_001, "date": int(time.time()), "chat": {"id": live.user_id, "type": "private"},
        "from": {"id": live.user_id, "is_bot": False, "first_name": "Тест"}, "text": NAME}}
    bot_id = int(live.token.split(":")[0])
    with contextlib.closing(sqlite3.connect(live.db)) as conn:
        conn.execute("insert into received_updates (bot_id, update_id, payload, received_at) values (?, ?, ?, ?)",
                     (bot_id, update["update_id"], json.dumps(update), "2026-12-01 10:00:00.000000+00:00"))
        conn.commit()
    since = live.cursor()
    await live.start()
    await live.reply(since=since, timeout=20)
    await live.quiet(0.5)
    assert full_name(live) == NAME and asking(live) == "ProfileForm:iin"
    rows = live.sql("select processed_at is not null, payload from received_updates where update_id = ?",
                    update["update_id"])
    assert rows == [(1, None)]  # applied, and what the teacher typed is no longer kept there
