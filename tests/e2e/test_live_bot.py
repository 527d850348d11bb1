"""The live-bot helper itself: the real process answers /start through it, in polling and webhook mode,
and a kill -9 and a restart on the same database go on where the user was. Plus the one pipeline
scenario kept here: a single 429 on the reply must not cost the user the reply."""

from __future__ import annotations

import pytest

from features.profile.callbacks import ConsentCallback, LanguageCallback
from tests.e2e.live_bot import LiveBot, buttons

LANGUAGE_KK = LanguageCallback(code="kk").pack()
LANGUAGE_RU = LanguageCallback(code="ru").pack()
AGREE = ConsentCallback(agree=True).pack()


def consented(live: LiveBot) -> bool:
    rows = live.sql("select consent_at from teacher_profiles where user_id = ?", live.user_id)
    return bool(rows and rows[0][0])


def asking(live: LiveBot) -> str | None:
    rows = live.sql("select state from fsm_records where key like ?", f"%{live.user_id}%")
    return rows[0][0] if rows else None


@pytest.mark.parametrize("live_bot", ["polling", "webhook"], indirect=True)
async def test_answers_start_and_goes_on_after_kill_9(live_bot: LiveBot) -> None:
    live = live_bot
    greeting = await live.send("/start")
    assert greeting is not None and {LANGUAGE_KK, LANGUAGE_RU} <= set(buttons(greeting))
    await live.press(LANGUAGE_KK)
    await live.message_with_button(AGREE)
    await live.quiet(0.5)

    assert await live.kill() == -9
    assert not live.running
    await live.start()
    assert live.starts == 2

    consent = await live.message_with_button(AGREE)
    since = live.cursor()
    await live.press(AGREE, wait=False)
    # The new process records the consent and asks the first profile question, the full name.
    question = await live.reply(since=since, where=lambda m: m["message_id"] > consent["message_id"])
    assert question["text"] and not buttons(question)
    await live.until(lambda: consented(live) and asking(live) == "ProfileForm:full_name",
                     what="the consent and the name question in the database")
    await live.quiet(0.5)
    assert live.events(since=since, kind="callback_answer")  # the button's spinner was stopped

    live.server.deliver_next_twice(token=live.token)
    await live.send("/help")
    update_id = live.server.updates(token=live.token)[-1]["update_id"]
    await live.until(lambda: live.server.deliveries(update_id, token=live.token) == 2,
                     what="the second delivery of the same update")
    assert await live.stop() == 0  # SIGTERM: a graceful stop


async def test_faults_reach_the_bot_process(live_bot: LiveBot) -> None:
    live = live_bot
    rule = live.fault("server_error", method="setMyCommands", times=None)
    await live.restart()
    assert rule.hits >= 1  # the new process met the fault on start-up and still took updates
    assert live.attempts("setMyCommands") >= 2
    greeting = await live.send("/start")
    assert greeting is not None and LANGUAGE_RU in buttons(greeting)


async def test_one_429_on_the_reply_still_delivers_it(live_bot: LiveBot) -> None:
    live = live_bot
    live.fault("retry_after", method="sendMessage", chat_id=live.user_id, retry_after=1, times=1)
    since = live.cursor()
    await live.send("/start", wait=False)
    greeting = await live.reply(since=since, where=lambda m: LANGUAGE_RU in buttons(m), timeout=10)
    await live.quiet(0.5)
    assert [m["text"] for m in live.bot_messages()] == [greeting["text"]]  # once, and no apology for an error
    attempts = live.server.requests("sendMessage", token=live.token)
    assert [r.fault for r in attempts] == ["retry_after", None]
    assert attempts[1].time - attempts[0].time >= 1.0  # it waited as long as Telegram asked
