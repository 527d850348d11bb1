"""Of several workers, the holder of the scheduler's lease runs it; when it dies another takes over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.leadership import SchedulerLeader
from bot.pipeline.metrics import REGISTRY
from bot.settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade

LEASE = 0.6


def _scheduler() -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler()
    scheduler.start()
    return scheduler


@pytest.fixture(params=["sqlite", "postgresql"])
async def sessions(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[
        async_sessionmaker[AsyncSession]]:
    url = settings.database_url if request.param == "sqlite" else request.getfixturevalue("pg_settings").database_url
    await upgrade(url)
    engine = create_engine(url)
    yield create_session_factory(engine)
    await engine.dispose()


def _workers(sessions: async_sessionmaker[AsyncSession]) -> tuple[SchedulerLeader, SchedulerLeader]:
    return (SchedulerLeader(sessions, _scheduler, LEASE, owner="worker-a"),
            SchedulerLeader(sessions, _scheduler, LEASE, owner="worker-b"))


async def test_one_worker_runs_the_scheduler_and_another_takes_over_when_it_dies(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    first, second = _workers(sessions)
    await first.tick()
    await second.tick()
    assert (first.leading, second.leading) == (True, False)
    # The first worker dies: it renews no more. Until its lease runs out the second still waits.
    await second.tick()
    assert not second.leading
    await asyncio.sleep(LEASE + 0.1)
    await second.tick()
    assert second.leading
    # Were the first one only stalled, its next try finds the lease taken and it stops its scheduler.
    await first.tick()
    assert (first.leading, second.leading) == (False, True)
    await second.stop()
    await first.stop()


async def test_a_clean_shutdown_hands_the_scheduler_over_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    first, second = _workers(sessions)
    await first.tick()
    assert REGISTRY.get_sample_value("attestation_scheduler_leading") == 1
    await first.stop()
    assert REGISTRY.get_sample_value("attestation_scheduler_leading") == 0
    await second.tick()
    assert second.leading
    await second.stop()


async def test_the_holder_keeps_the_lease_by_renewing_it(sessions: async_sessionmaker[AsyncSession]) -> None:
    first, second = _workers(sessions)
    for _ in range(4):
        await first.tick()
        await asyncio.sleep(LEASE / 3)
        await second.tick()
    assert (first.leading, second.leading) == (True, False)
    await first.stop()
    await second.stop()
