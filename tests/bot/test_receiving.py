"""How updates come in: long polling confirms a batch only once it is stored, the webhook answers 200 only
once it is stored and refuses what is not an update, and webhook mode needs its secret."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import GetUpdates, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, Update
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application
from sqlalchemy import func, select

import main
from bot.pipeline.inbox import UpdateRunner
from bot.pipeline.polling import DurablePolling
from bot.pipeline.webhook import SECRET_HEADER, WebhookEndpoint
from bot.settings import Settings
from storage.inbox_models import ReceivedUpdate
from tests.conftest import Harness
from tests.fakes import RecordingSession


def start_update(user_id: int, update_id: int) -> Update:
    return Update(update_id=update_id, message=Message(
        message_id=update_id, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"),
        from_user=Harness.user(user_id), text="/start"))


async def stored(harness: Harness) -> dict[int, bool]:
    async with harness.app.sessions() as session:
        rows = await session.execute(select(ReceivedUpdate.update_id, ReceivedUpdate.processed_at))
        return {update_id: processed is not None for update_id, processed in rows}


class PollingTelegram(RecordingSession):
    """getUpdates answers from a script of batches; records the offset of each call."""

    def __init__(self, batches: list[list[Update]]) -> None:
        super().__init__()
        self.batches = batches
        self.offsets: list[int | None] = []
        self.seen_stored: list[dict[int, bool]] = []
        self.look: Any = None

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        if isinstance(method, GetUpdates):
            self.offsets.append(method.offset)
            if self.look is not None:
                self.seen_stored.append(await self.look())
            if self.batches:
                return self.batches.pop(0)
            await asyncio.sleep(3600)
        return await super().make_request(bot, method, timeout)


async def test_polling_confirms_a_batch_only_after_it_is_stored(harness: Harness) -> None:
    batch = [start_update(701, 910_001), start_update(702, 910_002)]
    telegram = PollingTelegram([batch])
    telegram.look = lambda: stored(harness)
    bot = Bot(harness.app.settings.token, session=telegram)
    polling = DurablePolling(UpdateRunner(harness.app.dispatcher, bot, harness.app.sessions), bot, timeout=1)
    task = asyncio.create_task(polling.run())
    for _ in range(100):
        if len(telegram.offsets) >= 2:
            break
        await asyncio.sleep(0.05)
    polling.stop()
    await asyncio.wait_for(task, 10)
    assert telegram.offsets[:2] == [None, 910_003]
    # When Telegram was told "up to 910002 is taken", both were already in the database.
    assert set(telegram.seen_stored[1]) >= {910_001, 910_002}
    assert await stored(harness) == {910_001: True, 910_002: True}
    assert {r.chat_id for r in telegram.requests if isinstance(r, SendMessage)} == {701, 702}


async def test_polling_fetches_the_same_batch_again_when_it_cannot_be_stored(
    harness: Harness, monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch = [start_update(703, 910_101)]
    telegram = PollingTelegram([batch, batch])
    bot = Bot(harness.app.settings.token, session=telegram)
    runner = UpdateRunner(harness.app.dispatcher, bot, harness.app.sessions)
    polling = DurablePolling(runner, bot, timeout=1)
    real_accept = runner.accept
    failures = [1]

    async def accept(updates: list[Update]) -> int:
        if failures:
            failures.pop()
            raise ConnectionError("database unreachable")
        return await real_accept(updates)

    monkeypatch.setattr(runner, "accept", accept)
    task = asyncio.create_task(polling.run())
    for _ in range(200):
        if len(telegram.offsets) >= 3:
            break
        await asyncio.sleep(0.05)
    polling.stop()
    await asyncio.wait_for(task, 10)
    assert telegram.offsets[:3] == [None, None, 910_102]  # not confirmed until stored
    assert await stored(harness) == {910_101: True}


@pytest.fixture
async def webhook(harness: Harness) -> Any:
    runner = UpdateRunner(harness.app.dispatcher, harness.bot, harness.app.sessions)
    app = Application()
    WebhookEndpoint(runner, harness.bot, "s3cret").register(app, "/hook")
    async with TestClient(TestServer(app)) as client:
        yield client, runner


async def test_the_webhook_refuses_what_is_not_an_update(webhook: Any) -> None:
    client, _ = webhook
    headers = {SECRET_HEADER: "s3cret"}
    for body in (b"not json", b"[1, 2]", b'{"hello": 1}', b'{"update_id": "x"}', b"null"):
        response = await client.post("/hook", data=body, headers=headers)
        assert response.status == 400, body
        assert (await response.json())["ok"] is False
    response = await client.post("/hook", json=start_update(704, 910_201).model_dump(mode="json", by_alias=True,
                                                                                    exclude_none=True),
                                 headers={SECRET_HEADER: "wrong"})
    assert response.status == 401


async def test_the_webhook_stores_then_applies_and_skips_a_repeat(harness: Harness, webhook: Any) -> None:
    client, runner = webhook
    body = start_update(705, 910_301).model_dump(mode="json", by_alias=True, exclude_none=True)
    for _ in range(2):
        response = await client.post("/hook", json=body, headers={SECRET_HEADER: "s3cret"})
        assert response.status == 200
    await runner.drain()
    replies = [r for r in harness.session.requests if isinstance(r, SendMessage) and r.chat_id == 705]
    assert len(replies) == 1
    async with harness.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ReceivedUpdate)
                                    .where(ReceivedUpdate.update_id == 910_301)) == 1


def test_webhook_mode_needs_its_secret(caplog: pytest.LogCaptureFixture) -> None:
    base: dict[str, Any] = {"_env_file": None, "bot_token": "1:T", "webhook_url": "https://bot.example.kz/hook"}
    with pytest.raises(SystemExit) as refused:
        main.webhook_secret(Settings(**base))
    assert "WEBHOOK_SECRET" in str(refused.value)
    assert main.webhook_secret(Settings(**base, webhook_secret="s")) == "s"
    with caplog.at_level(logging.WARNING):
        assert main.webhook_secret(Settings(**base, webhook_allow_no_secret=True)) is None
    assert any("WEBHOOK_SECRET" in r.getMessage() for r in caplog.records)
