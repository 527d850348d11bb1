"""The web server's operational routes: /healthz, /readyz (the database answers) and /metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiogram.types import Chat, Message, Update, User
from aiohttp.test_utils import TestClient, TestServer

from app.factory import create_application
from app.web import create_web_app
from bot.pipeline.inbox import UpdateRunner
from storage.outbox_models import OutboxMessage
from tests.conftest import Harness, settings_for


def _client(harness: Harness) -> TestClient:  # type: ignore[type-arg]
    return TestClient(TestServer(create_web_app(harness.app, harness.bot)))


async def test_readyz_answers_when_the_database_does(harness: Harness) -> None:
    async with _client(harness) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        assert (health.status, ready.status) == (200, 200)
        assert await ready.json() == {"ok": True, "database": True}


async def test_readyz_is_503_when_the_database_cannot_be_reached(harness: Harness, tmp_path: Path) -> None:
    # A folder is no database file: SQLite cannot open it.
    broken = create_application(settings_for(f"sqlite+aiosqlite:///{tmp_path}"))
    try:
        async with TestClient(TestServer(create_web_app(broken, harness.bot))) as client:
            response = await client.get("/readyz")
            assert response.status == 503
            assert (await response.json())["database"] is False
            # The process itself is alive: the balancer keeps it, but sends it nothing.
            assert (await client.get("/healthz")).status == 200
    finally:
        await broken.close()


def _value(metrics: str, name: str) -> float:
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{name} not in the metrics")


async def test_metrics_count_updates_and_read_the_queues(harness: Harness) -> None:
    async with _client(harness) as client:
        before = await (await client.get("/metrics")).text()
        user = User(id=5001, is_bot=False, first_name="T")
        message = Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=5001, type="private"),
                          from_user=user, text="/start")
        runner = UpdateRunner(harness.app.dispatcher, harness.bot, harness.app.sessions)
        await runner.accept([Update(update_id=901, message=message)])
        await runner.drain()
        async with harness.app.sessions() as session:
            session.add(OutboxMessage(user_id=5001, method="sendMessage", payload={"text": "x"},
                                      created_at=datetime.now(UTC), attempts=0))
            await session.commit()
        response = await client.get("/metrics")
        assert response.headers["Content-Type"].startswith("text/plain")
        after = await response.text()
    handled = 'attestation_updates_total{outcome="handled"}'
    assert _value(after, handled) == (_value(before, handled) if handled in before else 0) + 1
    assert _value(after, "attestation_update_seconds_count") >= 1
    assert _value(after, 'attestation_queue_depth{queue="outbox"}') >= 1
    assert 'attestation_queue_depth{queue="updates_unapplied"}' in after
