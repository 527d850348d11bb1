"""The outbox's rows: written with the update, claimed by one deliverer, marked sent, retried or failed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.outbox_models import OutboxMessage


def _open() -> Any:
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))


def _takeable(now: datetime, lease: timedelta) -> Any:
    """Unsent, not given up, nobody's live claim on it, and due (no retry time, or it has come)."""
    return and_(_open(),
                or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - lease),
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))


class OutboxRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_many(self, rows: list[tuple[int, str, dict[str, Any]]], now: datetime) -> list[int]:
        """Rows claimed by the writer (it sends them right after its commit); ids in the order given."""
        values = [{"user_id": user_id, "method": method, "payload": payload, "created_at": now, "claimed_at": now,
                   "attempts": 0} for user_id, method, payload in rows]
        if len(values) > 1 and self.session.get_bind().dialect.name == "sqlite":
            # SQLAlchemy keeps the order on SQLite by inserting row by row; one multi-row INSERT gives its rows
            # rising rowids in the order of its VALUES, so the sorted ids are in the order given.
            result = await self.session.execute(insert(OutboxMessage).values(values).returning(OutboxMessage.id))
            return sorted(result.scalars())
        result = await self.session.execute(
            insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True), values)
        return list(result.scalars())

    async def queue_many(self, rows: list[tuple[int, str, dict[str, Any]]], now: datetime) -> None:
        """Rows nobody claims: the deliverer (bot.pipeline.outbox.OutboxDeliverer) sends them, paced."""
        if rows:
            await self.session.execute(insert(OutboxMessage), [
                {"user_id": user_id, "method": method, "payload": payload, "created_at": now, "attempts": 0}
                for user_id, method, payload in rows])

    async def add(self, user_id: int, method: str, payload: dict[str, Any], now: datetime) -> OutboxMessage:
        [message_id] = await self.add_many([(user_id, method, payload)], now)
        row = await self.session.get(OutboxMessage, message_id)
        assert row is not None
        return row

    async def many(self, message_ids: list[int]) -> list[OutboxMessage]:
        rows = await self.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
                                          .order_by(OutboxMessage.id))
        return list(rows)

    async def due(self, now: datetime, lease: timedelta, limit: int = 100) -> list[int]:
        """Rows a deliverer may take now: left by a process that died, or waiting for another try."""
        rows = await self.session.scalars(select(OutboxMessage.id).where(_takeable(now, lease))
                                          .order_by(OutboxMessage.id).limit(limit))
        return list(rows)

    async def claim(self, message_id: int, now: datetime, lease: timedelta) -> bool:
        """Take a due row; of several processes trying at once, exactly one succeeds."""
        result = await self.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, _takeable(now, lease))
            .values(claimed_at=now))
        return bool(getattr(result, "rowcount", 0))

    async def forget_sent(self, message_ids: list[int]) -> None:
        """Sent: the row is done with, and its text (which may name the person) goes with it."""
        if message_ids:
            await self.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(message_ids)))

    async def retry_later(self, message_id: int, at: datetime, attempts: int, error: str) -> None:
        """Not sent yet: free the claim and say when it may be tried again."""
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            claimed_at=None, next_attempt_at=at, attempts=attempts, error=error[:1000]))

    async def give_up(self, message_id: int, now: datetime, attempts: int, error: str) -> None:
        await self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            failed_at=now, attempts=attempts, error=error[:1000]))

    async def failed_since(self, since: datetime) -> int:
        """Messages that could not be delivered (for the officials' view)."""
        return int(await self.session.scalar(select(func.count()).select_from(OutboxMessage)
                                             .where(OutboxMessage.failed_at >= since)) or 0)

    async def prune(self, failed_before: datetime) -> None:
        await self.session.execute(delete(OutboxMessage).where(
            or_(OutboxMessage.sent_at.is_not(None), OutboxMessage.failed_at < failed_before)))
