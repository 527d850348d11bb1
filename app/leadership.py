"""One worker of several runs the scheduler: the one holding its lease in the database.

Every worker with SCHEDULER_ENABLED tries to take the lease every third of SCHEDULER_LEASE_SECONDS; the holder
renews it and runs the scheduler, the others wait. A holder that dies (kill -9) stops renewing, and another
worker takes over once the lease has run out: within SCHEDULER_LEASE_SECONDS plus one try's interval. A clean
shutdown gives the lease up at once. Should two ever overlap (a holder whose loop stalled past its lease),
each reminder's once-only key still lets only one of them send it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pipeline.metrics import SCHEDULER_LEADING
from storage.lease_repository import LeaseRepository

log = logging.getLogger(__name__)

SCHEDULER_LEASE = "scheduler"


def worker_name() -> str:
    """This process among the deployment's workers (no personal data: host, process id, a random tail)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SchedulerLeader:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], start: Callable[[], AsyncIOScheduler],
                 lease_seconds: float, owner: str | None = None) -> None:
        self.sessions = sessions
        self.start_scheduler = start
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = owner or worker_name()
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    async def _hold(self) -> bool:
        now = datetime.now(UTC)
        async with self.sessions() as session:
            held = await LeaseRepository(session).hold(SCHEDULER_LEASE, self.owner, now, now + self.lease)
            await session.commit()
        return held

    async def tick(self) -> None:
        """Take or renew the lease, and start or stop the scheduler to match."""
        try:
            held = await self._hold()
        except Exception as error:  # a database that does not answer: nobody can be sure, so stop
            log.warning("Scheduler lease not renewed (%s)", type(error).__name__)
            held = False
        if held and self.scheduler is None:
            self.scheduler = self.start_scheduler()
            SCHEDULER_LEADING.set(1)
            log.info("This worker now runs the scheduler")
        elif not held and self.scheduler is not None:
            self._stop_scheduler()
            log.warning("Another worker holds the scheduler's lease; stopped here")

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            SCHEDULER_LEADING.set(0)

    async def _run(self) -> None:
        interval = self.lease.total_seconds() / 3
        while True:
            await self.tick()
            await asyncio.sleep(interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.scheduler is not None:
            self._stop_scheduler()
            with contextlib.suppress(Exception):
                async with self.sessions() as session:
                    await LeaseRepository(session).release(SCHEDULER_LEASE, self.owner, datetime.now(UTC))
                    await session.commit()
