"""The inbox's rows: stored on arrival, claimed by the transaction that applies them, pruned by age."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inbox_models import ReceivedUpdate

# Both statements run for every update, so they are built once, as Core statements on the table: SQLAlchemy
# then finds their compiled form in its cache and skips the ORM's bulk-write path (a multi-row VALUES list,
# as `receive` once built, is never cached and was compiled afresh for every update).
_TABLE = cast(Table, ReceivedUpdate.__table__)
_RECEIVE: dict[str, Any] = {}
_BEGIN: dict[str, Any] = {}
for _dialect, _insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert)):
    _RECEIVE[_dialect] = (
        _insert(_TABLE)
        .on_conflict_do_nothing(index_elements=[_TABLE.c.bot_id, _TABLE.c.update_id])
        .returning(_TABLE.c.update_id))
    _claim = _insert(_TABLE).values(bot_id=bindparam("bot_id"), update_id=bindparam("update_id"), payload=None,
                                    received_at=bindparam("now"), processed_at=bindparam("now"))
    _BEGIN[_dialect] = (
        _claim.on_conflict_do_update(index_elements=[_TABLE.c.bot_id, _TABLE.c.update_id],
                                     set_={"processed_at": _claim.excluded.processed_at, "payload": None},
                                     where=_TABLE.c.processed_at.is_(None))
        .returning(_TABLE.c.update_id))


class InboxRepository:
    def __init__(self, session: AsyncSession, bot_id: int):
        self.session = session
        self.bot_id = bot_id

    def _dialect(self) -> str:
        return "postgresql" if self.session.bind and self.session.bind.dialect.name == "postgresql" else "sqlite"

    async def receive(self, updates: list[tuple[int, dict[str, Any]]], now: datetime) -> list[int]:
        """Store the updates not seen before (with their payload, to replay); returns their ids."""
        if not updates:
            return []
        rows = [{"bot_id": self.bot_id, "update_id": update_id, "payload": payload, "received_at": now,
                 "processed_at": None} for update_id, payload in updates]
        result = await self.session.execute(_RECEIVE[self._dialect()], rows)
        return sorted(result.scalars().all())

    async def begin(self, update_id: int, now: datetime) -> bool:
        """Mark the update applied, in the transaction that applies it; False when it already was.

        One statement whichever way the update came: stored by the inbox first (polling, webhook) or fed
        straight to the dispatcher. Two processes given the same update: the second waits for the
        first's row and then finds it processed (or fails on the key, which the caller reads the same).
        """
        claimed = await self.session.execute(_BEGIN[self._dialect()],
                                             {"bot_id": self.bot_id, "update_id": update_id, "now": now})
        return claimed.first() is not None

    async def pending(self, limit: int = 1000, received_before: datetime | None = None) -> list[dict[str, Any]]:
        """Updates stored but never applied (the process died first), oldest first; with `received_before`,
        only those that arrived before it (a live worker's fresh ones are left to it)."""
        query = (select(ReceivedUpdate.payload)
                 .where(ReceivedUpdate.bot_id == self.bot_id, ReceivedUpdate.processed_at.is_(None),
                        ReceivedUpdate.payload.is_not(None)))
        if received_before is not None:
            query = query.where(ReceivedUpdate.received_at < received_before)
        rows = await self.session.scalars(query.order_by(ReceivedUpdate.update_id).limit(limit))
        return [row for row in rows if row is not None]

    async def prune(self, processed_before: datetime) -> int:
        """Forget applied updates older than Telegram would ever deliver again."""
        result = await self.session.execute(
            delete(ReceivedUpdate).where(ReceivedUpdate.processed_at < processed_before))
        return int(getattr(result, "rowcount", 0) or 0)
