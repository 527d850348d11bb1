"""The inbox's rows: stored on arrival, claimed by the transaction that applies them, pruned by age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BigInteger, FromClause, Select, String, Table, bindparam, delete, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.fsm_models import FsmRecord
from storage.inbox_models import ReceivedUpdate
from storage.profile_models import User

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


def _with_user_and_conversation(source: FromClause) -> Select[Any]:
    """`source`'s row with the user's row and the conversation's FSM record beside it (either absent: NULLs)."""
    return (select(source.c.update_id, User, FsmRecord.state, FsmRecord.data)
            .select_from(source)
            .outerjoin(User, User.id == bindparam("user_id", type_=BigInteger))
            .outerjoin(FsmRecord, FsmRecord.key == bindparam("fsm_key", type_=String)))


# What every update reads first, in as few round trips as the database allows. PostgreSQL: the claim is a
# data-modifying CTE and the user's row and the FSM record are read in the same statement (one round trip
# instead of three; no row back means the update was applied before). SQLite cannot put an INSERT in a WITH:
# the claim, then the two reads in one SELECT (it has no round trips, but every statement costs SQLAlchemy's
# own work).
_CLAIMED = _BEGIN["postgresql"].cte("claimed")
_OPEN_POSTGRESQL = _with_user_and_conversation(_CLAIMED)
_READ_AFTER_CLAIM = _with_user_and_conversation(select(literal_column("1").label("update_id")).subquery("claimed"))


@dataclass(frozen=True)
class Opened:
    """What an update's transaction starts from, read with its claim."""

    user: User | None  # None: no row yet (her first update), or no user asked for
    fsm_state: str | None
    fsm_data: dict[str, Any]


class InboxRepository:
    def __init__(self, session: AsyncSession, bot_id: int):
        self.session = session
        self.bot_id = bot_id

    def _dialect(self) -> str:
        return "postgresql" if self.session.bind and self.session.bind.dialect.name == "postgresql" else "sqlite"

    async def receive(self, updates: list[tuple[int, int | None, dict[str, Any]]], now: datetime) -> list[int]:
        """Store the updates (id, chat, payload) not seen before (with their payload, to replay); returns their ids."""
        if not updates:
            return []
        rows = [{"bot_id": self.bot_id, "update_id": update_id, "chat_id": chat_id, "payload": payload,
                 "received_at": now, "processed_at": None} for update_id, chat_id, payload in updates]
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

    async def open(self, update_id: int, now: datetime, user_id: int | None, fsm_key: str | None) -> Opened | None:
        """`begin`, and the rows every update reads next: the user's (`user_id`) and the conversation's FSM
        record (`fsm_key`); None when the update was applied before. The reads see what was committed before the
        claim, as separate statements after it would (the chat's lock keeps that chat's other updates out)."""
        params = {"bot_id": self.bot_id, "update_id": update_id, "now": now, "user_id": user_id, "fsm_key": fsm_key}
        if self._dialect() == "postgresql":
            row = (await self.session.execute(_OPEN_POSTGRESQL, params)).first()
        else:
            if not await self.begin(update_id, now):
                return None
            row = (await self.session.execute(_READ_AFTER_CLAIM, params)).first()
        if row is None:
            return None
        _claimed, user, state, data = row
        return Opened(user, state, dict(data or {}))

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

    async def earlier_unapplied(self, chat_id: int, update_id: int) -> list[dict[str, Any]]:
        """The chat's updates stored before this one and not applied yet, oldest first."""
        rows = await self.session.scalars(
            select(ReceivedUpdate.payload)
            .where(ReceivedUpdate.bot_id == self.bot_id, ReceivedUpdate.chat_id == chat_id,
                   ReceivedUpdate.update_id < update_id, ReceivedUpdate.processed_at.is_(None),
                   ReceivedUpdate.payload.is_not(None))
            .order_by(ReceivedUpdate.update_id))
        return [row for row in rows if row is not None]

    async def prune(self, processed_before: datetime) -> int:
        """Forget applied updates older than Telegram would ever deliver again."""
        result = await self.session.execute(
            delete(ReceivedUpdate).where(ReceivedUpdate.processed_at < processed_before))
        return int(getattr(result, "rowcount", 0) or 0)
