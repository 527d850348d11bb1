"""The broadcast's sendMessage as a JSON body: the request aiogram would make, the same outcomes for every answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.json_send import TextMessages, sends_directly
from bot.pipeline.deferred import holding, install
from features.broadcast.delivery import Outcome, RateLimiter, Result, RetryPolicy, send_paced
from tests.fakes import RecordingSession

TOKEN = "4343:JSON-send"
SENT = {"ok": True, "result": {"message_id": 7, "date": 1700000000, "text": "Привет",
                               "chat": {"id": 11, "type": "private", "first_name": "A"}}}


@dataclass
class Answer:
    status: int
    body: str
    content_type: str = "application/json"


@dataclass
class FakeBotApi:
    """A Bot API at a path of its own (as BOT_API_URL can name one) that answers sendMessage as told."""

    answers: list[Answer] = field(default_factory=list)
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # content type, fields
    drop_first: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        assert request.match_info["token"] == TOKEN and request.match_info["method"] == "sendMessage"
        if request.content_type == "application/json":
            fields = await request.json()
        else:
            fields = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        self.received.append((request.content_type, fields))
        if self.drop_first > 0 and request.transport is not None:
            self.drop_first -= 1
            request.transport.abort()  # the connection cut: no answer at all
            return web.Response()
        answer = self.answers.pop(0) if self.answers else Answer(200, json.dumps(SENT))
        return web.Response(status=answer.status, text=answer.body, content_type=answer.content_type)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    app = web.Application()
    app.router.add_post("/custom/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}/custom"
    yield fake
    await runner.cleanup()


def make_bot(api: FakeBotApi, **defaults: Any) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.url))
    return Bot(TOKEN, session=session, default=DefaultBotProperties(**defaults))


def error(code: int, description: str, **parameters: Any) -> Answer:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(code, json.dumps(body))


class Sleeps:
    def __init__(self) -> None:
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


async def outcome(bot: Bot, answers: list[Answer], api: FakeBotApi, *, json_path: bool) -> tuple[Result, list[float]]:
    api.answers = list(answers)
    sleeps, pacing = Sleeps(), Sleeps()  # the waits send_paced decides; the limiter's own pacing apart
    result = await send_paced(bot, 11, "Привет", RateLimiter(1000, sleep=pacing), RetryPolicy(3, 1.0), sleeps,
                              paced=True, via=TextMessages(bot) if json_path else None)
    return result, sleeps.slept


async def test_the_message_goes_as_one_json_body_to_the_configured_bot_api(api: FakeBotApi) -> None:
    bot = make_bot(api)
    await TextMessages(bot).send(11, "Привет")
    await bot.session.close()
    assert api.received == [("application/json", {"chat_id": 11, "text": "Привет"})]


async def test_allow_paid_broadcast_only_when_the_broadcast_is_paid(api: FakeBotApi) -> None:
    bot = make_bot(api)
    messages = TextMessages(bot)
    await messages.send(11, "free")
    await messages.send(12, "paid", paid=True)
    await bot.session.close()
    assert [fields.get("allow_paid_broadcast") for _, fields in api.received] == [None, True]
    assert "allow_paid_broadcast" not in api.received[0][1]


async def test_the_fields_are_those_of_aiogram_s_own_request_with_the_bot_s_defaults(api: FakeBotApi) -> None:
    bot = make_bot(api, parse_mode="HTML", protect_content=True, link_preview_is_disabled=True)
    await TextMessages(bot).send(11, "<b>Привет</b>", paid=True)
    await bot.send_message(11, "<b>Привет</b>", allow_paid_broadcast=True)
    await bot.session.close()
    (json_type, as_json), (form_type, as_form) = api.received
    assert (json_type, form_type) == ("application/json", "application/x-www-form-urlencoded")
    # The form carries every value as text (JSON for objects); the JSON body carries them typed.
    assert {k: v if isinstance(v, str) else json.dumps(v) for k, v in as_json.items()} == as_form
    assert as_json["parse_mode"] == "HTML" and as_json["link_preview_options"] == {"is_disabled": True}


ANSWERS: dict[str, list[Answer]] = {
    "sent": [],
    "429 then sent": [error(429, "Too Many Requests: retry after 3", retry_after=3)],
    "blocked": [error(403, "Forbidden: bot was blocked by the user")],
    "chat not found": [error(400, "Bad Request: chat not found")],
    "500 then sent": [error(500, "Internal Server Error")],
    "502 html twice then sent": [Answer(502, "<html>502 Bad Gateway</html>", "text/html")] * 2,
    "cut json then sent": [Answer(200, json.dumps(SENT)[:30])],
    "5xx beyond the bound": [error(500, "Internal Server Error")] * 4,
}


@pytest.mark.parametrize("case", list(ANSWERS))
async def test_every_answer_is_classified_as_through_aiogram(api: FakeBotApi, case: str) -> None:
    bot = make_bot(api)
    through_json = await outcome(bot, ANSWERS[case], api, json_path=True)
    through_aiogram = await outcome(bot, ANSWERS[case], api, json_path=False)
    await bot.session.close()
    assert through_json == through_aiogram
    expected = {"sent": Outcome.SENT, "blocked": Outcome.BLOCKED, "chat not found": Outcome.FAILED,
                "5xx beyond the bound": Outcome.FAILED}.get(case, Outcome.SENT)
    assert through_json[0].outcome is expected


async def test_429_waits_exactly_retry_after_and_a_block_keeps_telegram_s_reason(api: FakeBotApi) -> None:
    bot = make_bot(api)
    assert await outcome(bot, ANSWERS["429 then sent"], api, json_path=True) == (Result(Outcome.SENT), [3])
    blocked, _ = await outcome(bot, ANSWERS["blocked"], api, json_path=True)
    await bot.session.close()
    assert blocked == Result(Outcome.BLOCKED, "Forbidden: bot was blocked by the user")


async def test_a_dropped_connection_is_a_network_error_retried_with_backoff(api: FakeBotApi) -> None:
    bot = make_bot(api)
    api.drop_first = 2
    result, slept = await outcome(bot, [], api, json_path=True)
    await bot.session.close()
    assert result == Result(Outcome.SENT) and slept == [1.0, 2.0]
    assert len(api.received) == 3


async def test_a_custom_session_and_an_update_being_applied_go_through_aiogram(api: FakeBotApi) -> None:
    recording = RecordingSession()
    assert not sends_directly(Bot(TOKEN, session=recording))
    await TextMessages(Bot(TOKEN, session=recording)).send(11, "Привет")
    assert [getattr(m, "text", None) for m in recording.requests] == ["Привет"]
    bot = make_bot(api)
    install(bot)
    with holding() as held:
        await TextMessages(bot).send(11, "Привет")
    await bot.session.close()
    assert api.received == [] and len(held.calls) == 1  # held until the update's commit, as every send is
