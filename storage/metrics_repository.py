"""The queue depths the bot's metrics report: counts over indexed columns, read at scrape time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcast_models import Broadcast, BroadcastRecipient, BroadcastStatus, RecipientStatus
from storage.inbox_models import ReceivedUpdate
from storage.outbox_models import OutboxMessage


@dataclass(frozen=True)
class QueueDepths:
    outbox_waiting: int
    outbox_failed: int
    updates_unapplied: int
    broadcast_recipients_waiting: int


class MetricsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _count(self, statement: Select[int]) -> int:
        return int(await self.session.scalar(statement) or 0)

    async def queue_depths(self) -> QueueDepths:
        waiting = select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        failed = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
        unapplied = select(func.count()).select_from(ReceivedUpdate).where(
            ReceivedUpdate.processed_at.is_(None), ReceivedUpdate.payload.is_not(None))
        recipients = (select(func.count()).select_from(BroadcastRecipient)
                      .join(Broadcast, Broadcast.id == BroadcastRecipient.broadcast_id)
                      .where(Broadcast.status == BroadcastStatus.RUNNING,
                             BroadcastRecipient.status == RecipientStatus.PENDING))
        return QueueDepths(await self._count(waiting), await self._count(failed),
                           await self._count(unapplied), await self._count(recipients))
