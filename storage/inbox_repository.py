"""The inbox's rows: stored on arrival, claimed by the transaction that applies them, pruned by age."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inbox_models import ReceivedUpdate


class InboxRepository:
    def __init__(self, session: AsyncSession, bot_id: int):
        self.session = session
        self.bot_id = bot_id

    def _insert(self) -> Any:
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(ReceivedUpdate)

    async def receive(self, updates: list[tuple[int, dict[str, Any]]], now: datetime) -> list[int]:
        """Store the updates not seen before (with their payload, to replay); returns their ids."""
        if not updates:
            return []
        stmt = (self._insert()
                .values([{"bot_id": self.bot_id, "update_id": update_id, "payload": payload, "received_at": now,
                          "processed_at": None} for update_id, payload in updates])
                .on_conflict_do_nothing(index_elements=[ReceivedUpdate.bot_id, ReceivedUpdate.update_id])
                .returning(ReceivedUpdate.update_id))
        return sorted((await self.session.scalars(stmt)).all())

    async def begin(self, update_id: int, now: datetime) -> bool:
        """Mark the update applied, in the transaction that applies it; False when it already was.

        One statement whichever way the update came: stored by the inbox first (polling, webhook) or fed
        straight to the dispatcher. Two processes given the same update: the second waits for the
        first's row and then finds it processed (or fails on the key, which the caller reads the same).
        """
        insert = self._insert()
        stmt = (insert.values(bot_id=self.bot_id, update_id=update_id, payload=None, received_at=now,
                              processed_at=now)
                .on_conflict_do_update(index_elements=[ReceivedUpdate.bot_id, ReceivedUpdate.update_id],
                                       set_={"processed_at": now, "payload": None},
                                       where=ReceivedUpdate.processed_at.is_(None))
                .returning(ReceivedUpdate.update_id))
        return (await self.session.scalar(stmt)) is not None

    async def pending(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Updates stored but never applied (the process died first), oldest first."""
        rows = await self.session.scalars(
            select(ReceivedUpdate.payload)
            .where(ReceivedUpdate.bot_id == self.bot_id, ReceivedUpdate.processed_at.is_(None),
                   ReceivedUpdate.payload.is_not(None))
            .order_by(ReceivedUpdate.update_id).limit(limit))
        return [row for row in rows if row is not None]

    async def prune(self, processed_before: datetime) -> int:
        """Forget applied updates older than Telegram would ever deliver again."""
        result = await self.session.execute(
            delete(ReceivedUpdate).where(ReceivedUpdate.processed_at < processed_before))
        return int(getattr(result, "rowcount", 0) or 0)
