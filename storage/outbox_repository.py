"""The outbox's rows: written with the update, claimed by one deliverer, marked sent or failed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.commission_models import GeneratedDocument
from storage.outbox_models import OutboxMessage


class OutboxRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, user_id: int, method: str, payload: dict[str, Any], now: datetime) -> OutboxMessage:
        row = OutboxMessage(user_id=user_id, method=method, payload=payload, created_at=now, claimed_at=now,
                            attempts=0)
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self.session.get(OutboxMessage, message_id)

    async def abandoned(self, now: datetime, lease: timedelta, limit: int = 100) -> list[int]:
        """Unsent rows whose deliverer has not finished within the lease (it died, or the send failed)."""
        rows = await self.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                   or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - lease))
            .order_by(OutboxMessage.id).limit(limit))
        return list(rows)

    async def claim(self, message_id: int, now: datetime, lease: timedelta) -> bool:
        """Take over an abandoned row; of several processes trying at once, exactly one succeeds."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
                   OutboxMessage.failed_at.is_(None),
                   or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - lease))
            .values(claimed_at=now))
        return bool(getattr(result, "rowcount", 0))

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                                   .values(sent_at=now, attempts=OutboxMessage.attempts + 1))

    async def give_up(self, message_id: int, now: datetime) -> None:
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(failed_at=now))

    async def note_attempt(self, message_id: int, error: str) -> int:
        """A try that failed, with why; returns the attempts so far."""
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                                   .values(error=error[:1000], attempts=OutboxMessage.attempts + 1))
        return int(await self.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id))
                   or 0)

    async def document(self, document_id: int) -> GeneratedDocument | None:
        return await self.session.get(GeneratedDocument, document_id)
