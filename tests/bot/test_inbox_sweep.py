"""Several webhook workers on one database: an update one worker stored and then died before applying is
applied by another worker's sweep of the inbox, exactly once, and a live worker's fresh updates are left to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import SendMessage
from aiogram.types import Chat, Message, Update
from sqlalchemy import select

from bot.pipeline.inbox import UpdateRunner, store
from bot.pipeline.metrics import REGISTRY
from bot.settings import Settings
from storage.inbox_models import ReceivedUpdate
from tests.conftest import Harness, started


def start_update(user_id: int, update_id: int) -> Update:
    return Update(update_id=update_id, message=Message(
        message_id=update_id, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"),
        from_user=Harness.user(user_id), text="/start"))


def replies_to(harness: Harness, chat_id: int) -> int:
    return sum(1 for r in harness.session.requests if isinstance(r, SendMessage) and r.chat_id == chat_id)


async def unapplied(harness: Harness) -> list[int]:
    async with harness.app.sessions() as session:
        return list(await session.scalars(
            select(ReceivedUpdate.update_id).where(ReceivedUpdate.processed_at.is_(None))))


@pytest.fixture(params=["sqlite", "postgresql"])
async def workers(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[tuple[Harness, Harness]]:
    """Two workers (each its own application, dispatcher and chat locks) on one database."""
    if request.param == "postgresql":
        settings = request.getfixturevalue("pg_settings")
    first, second = await started(settings), await started(settings)
    yield first, second
    await first.app.close()
    await second.app.close()


def runner_of(worker: Harness) -> UpdateRunner:
    return UpdateRunner(worker.app.dispatcher, worker.bot, worker.app.sessions)


async def test_a_worker_applies_what_a_dead_worker_stored_and_never_applied(
    workers: tuple[Harness, Harness],
) -> None:
    dead, live = workers
    # The dead worker answered the webhook 200 (the update is stored) and was killed before applying it.
    assert [u.update_id for u in await store(dead.app.sessions, dead.bot, [start_update(701, 910_001)])] == [910_001]
    sweeper = runner_of(live)
    taken_before = REGISTRY.get_sample_value("attestation_updates_taken_over_total") or 0
    assert await sweeper.sweep(timedelta(0)) == 1
    await sweeper.drain()
    assert replies_to(live, 701) == 1
    assert REGISTRY.get_sample_value("attestation_updates_taken_over_total") == taken_before + 1
    assert await unapplied(live) == []
    # Nothing is left for a second sweep, nor for the dead worker when it starts again.
    assert await sweeper.sweep(timedelta(0)) == 0
    restarted = runner_of(dead)
    assert await restarted.replay() == 0
    await restarted.drain()
    assert replies_to(dead, 701) == 0


async def test_a_fresh_update_is_left_to_the_worker_that_stored_it(workers: tuple[Harness, Harness]) -> None:
    owner, other = workers
    await store(owner.app.sessions, owner.bot, [start_update(702, 910_002)])
    sweeper = runner_of(other)
    assert await sweeper.sweep(timedelta(seconds=60)) == 0
    assert await unapplied(other) == [910_002]


async def test_an_update_both_workers_take_is_applied_once(workers: tuple[Harness, Harness]) -> None:
    """The sweep took over an update whose worker was in fact still applying it: the claim in the applying
    transaction lets one of them apply it, and the other sends nothing."""
    first, second = workers
    update = start_update(703, 910_003)
    await store(first.app.sessions, first.bot, [update])
    one, two = runner_of(first), runner_of(second)
    one.spawn(update)
    two.spawn(update)  # as the sweep hands it on: both apply it at the same time
    await asyncio.gather(one.drain(), two.drain())
    assert replies_to(first, 703) + replies_to(second, 703) == 1
    assert await unapplied(first) == []


async def test_a_worker_does_not_take_its_own_update_in_hand_twice(harness: Harness) -> None:
    runner = runner_of(harness)
    assert await runner.accept([start_update(704, 910_004)]) == 1
    # Its own sweep runs while the update is still being applied (or just after): never a second task.
    assert await runner.sweep(timedelta(0)) == 0
    await runner.drain()
    assert replies_to(harness, 704) == 1


async def test_the_sweep_starts_and_stops_with_the_worker(workers: tuple[Harness, Harness]) -> None:
    dead, live = workers
    await store(dead.app.sessions, dead.bot, [start_update(705, 910_005)])
    sweeper = runner_of(live)
    sweeper.start_sweeping(timedelta(seconds=0.2))
    for _ in range(100):
        if replies_to(live, 705):
            break
        await asyncio.sleep(0.05)
    await sweeper.drain()
    assert replies_to(live, 705) == 1
