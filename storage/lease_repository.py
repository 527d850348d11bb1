"""Leases in the database: one worker of several holds a name (e.g. the scheduler) until its lease runs out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.maintenance_models import WorkerLease


class LeaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def hold(self, name: str, owner: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lease: it is ours if we hold it or it ran out; False while another holds it."""
        taken = await self.session.execute(
            update(WorkerLease)
            .where(WorkerLease.name == name, or_(WorkerLease.owner == owner, WorkerLease.expires_at < now))
            .values(owner=owner, expires_at=until))
        if getattr(taken, "rowcount", 0):
            return True
        try:
            async with self.session.begin_nested():
                self.session.add(WorkerLease(name=name, owner=owner, expires_at=until))
        except IntegrityError:  # another worker holds it (or took it a moment ago)
            return False
        return True

    async def release(self, name: str, owner: str, now: datetime) -> None:
        """Give the lease up at once (a clean shutdown), so another worker need not wait for it to run out."""
        await self.session.execute(
            update(WorkerLease).where(WorkerLease.name == name, WorkerLease.owner == owner)
            .values(expires_at=now))
