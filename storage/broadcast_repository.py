"""Queries of the broadcast queue. Every method is one short statement (or one per batch); callers commit.

The sender commits each claim (pending → sending) before the sends it covers, and records outcomes
in batches after, so the states in the table are always what has (or, for "sending", may have)
happened: see features/broadcast/sender.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.areas import catalogue
from scoring.calendar import KZ_TZ, academic_year
from storage.broadcast_models import Broadcast, BroadcastRecipient, BroadcastStatus, RecipientStatus
from storage.checklist_models import ACTIVE_STATUSES, Application
from storage.commission_models import Commission, CommissionMember
from storage.profile_models import TeacherProfile, User

# Segment kinds an admin can choose; the value (if any) is matched as described in `_segment_filter`.
SEGMENT_ALL = "all"
SEGMENT_REGION = "region"
SEGMENT_DISTRICT = "district"
SEGMENT_ORG = "org"
SEGMENT_CLAIMED = "claimed"
# Teachers in attestation without an accepted application this academic year: commission members
# and secretaries are not among them, even those with a teacher profile (a teacher-member, §14).
SEGMENT_NOT_SUBMITTED = "not_submitted"
SEGMENT_COMMISSION = "commission"  # commission members (commission issue); they need no teacher profile
SEGMENTS_WITH_TEXT = (SEGMENT_DISTRICT, SEGMENT_ORG)

# Statuses after which a row is never touched again.
FINAL_STATUSES = (
    RecipientStatus.SENT, RecipientStatus.FAILED, RecipientStatus.BLOCKED, RecipientStatus.UNKNOWN,
    RecipientStatus.CANCELLED,
)


RECIPIENTS = cast(Table, BroadcastRecipient.__table__)


def _rowcount(result: Any) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


class BroadcastRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def _update(self, statement: Any) -> Any:
        # Bulk statements, not evaluated against objects already loaded in the session: SQLite hands
        # datetimes back naive, which Python cannot compare with aware ones. Readers re-load instead.
        return await self.session.execute(statement, execution_options={"synchronize_session": False})

    # --- segments -------------------------------------------------------------------------------

    async def _matching_free_text(self, column: Any, value: str) -> list[str]:
        """Stored spellings equal to `value` ignoring case and outer spaces.

        Districts and organisations are free text; SQLite's lower() folds ASCII only, so the
        comparison is done here on the distinct values rather than in SQL.
        """
        wanted = value.strip().casefold()
        stored = await self.session.scalars(select(column).where(column.is_not(None)).distinct())
        return [s for s in stored if s.strip().casefold() == wanted]

    async def _segment_filter(self, kind: str, value: str | None) -> Any:
        if kind == SEGMENT_ALL:
            return literal(True)
        if kind == SEGMENT_REGION:
            return TeacherProfile.region == value
        if kind == SEGMENT_CLAIMED:
            return TeacherProfile.claimed_category == value
        if kind == SEGMENT_NOT_SUBMITTED:
            year = academic_year(datetime.now(UTC).astimezone(KZ_TZ).date())
            submitted = select(Application.user_id).where(
                Application.academic_year == year, Application.status.in_([s.value for s in ACTIVE_STATUSES]))
            secretaries = select(Commission.secretary_user_id).where(Commission.secretary_user_id.is_not(None))
            return and_(User.id.not_in(submitted), User.id.not_in(select(CommissionMember.user_id)),
                        User.id.not_in(secretaries))
        if kind == SEGMENT_DISTRICT:
            # The name as typed, in Kazakh or Russian, matched to the areas of the list (scoring.areas).
            return TeacherProfile.area_code.in_([a.code for a in catalogue().match(value or "").candidates])
        if kind in SEGMENTS_WITH_TEXT:
            column = TeacherProfile.org_name
            return column.in_(await self._matching_free_text(column, value or ""))
        raise ValueError(f"unknown segment {kind!r}")

    async def _recipients(self, kind: str, value: str | None, default_locale: str) -> Any:
        """Active users with a teacher profile (they consented) in the segment."""
        if kind == SEGMENT_COMMISSION:
            return select(User.id, func.coalesce(User.locale, default_locale)).where(
                User.is_active.is_(True), User.id.in_(select(CommissionMember.user_id)))
        return (
            select(User.id, func.coalesce(User.locale, default_locale))
            .join(TeacherProfile, TeacherProfile.user_id == User.id)
            .where(User.is_active.is_(True), await self._segment_filter(kind, value))
        )

    async def count_segment(self, kind: str, value: str | None) -> int:
        query = await self._recipients(kind, value, "kk")
        return int(await self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)

    async def create(
        self, *, created_by: int, admin_locale: str, text_kk: str, text_ru: str, kind: str, value: str | None,
        default_locale: str, paid: bool = False,
    ) -> Broadcast:
        """The broadcast and one pending row per recipient, fixed now (INSERT … SELECT, no round trips)."""
        broadcast = Broadcast(
            created_by=created_by, admin_locale=admin_locale, text_kk=text_kk, text_ru=text_ru,
            segment={"kind": kind, "value": value}, status=BroadcastStatus.RUNNING, total=0, paid=paid,
        )
        self.session.add(broadcast)
        await self.session.flush()
        recipients = (await self._recipients(kind, value, default_locale)).add_columns(
            literal(broadcast.id), literal(RecipientStatus.PENDING.value), literal(0)
        )
        await self.session.execute(
            insert(BroadcastRecipient).from_select(["user_id", "locale", "broadcast_id", "status", "attempts"],
                                                   recipients)
        )
        broadcast.total = int(await self.session.scalar(
            select(func.count()).where(BroadcastRecipient.broadcast_id == broadcast.id)
        ) or 0)
        await self.session.flush()
        return broadcast

    # --- reading --------------------------------------------------------------------------------

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id, populate_existing=True)

    async def latest(self, limit: int = 5) -> Sequence[Broadcast]:
        return (await self.session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))).all()

    async def unfinished_ids(self) -> list[int]:
        """Broadcasts still to deliver (paused ones wait for a resume)."""
        rows = await self.session.scalars(
            select(Broadcast.id).where(Broadcast.status == BroadcastStatus.RUNNING).order_by(Broadcast.id)
        )
        return list(rows)

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(BroadcastRecipient.status, func.count())
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
            .group_by(BroadcastRecipient.status)
        )
        return {status: int(n) for status, n in rows.all()}

    async def pending(self, broadcast_id: int, limit: int) -> list[tuple[int, int, str]]:
        rows = await self.session.execute(
            select(BroadcastRecipient.id, BroadcastRecipient.user_id, BroadcastRecipient.locale)
            .where(BroadcastRecipient.broadcast_id == broadcast_id,
                   BroadcastRecipient.status == RecipientStatus.PENDING)
            .order_by(BroadcastRecipient.id)
            .limit(limit)
        )
        return [(int(i), int(u), str(loc)) for i, u, loc in rows.all()]

    # --- the sender's protocol ------------------------------------------------------------------

    async def acquire_lease(self, broadcast_id: int, owner: str, now: datetime, ttl: timedelta) -> bool:
        """Take (or renew) the right to deliver this broadcast; False while another live process has it."""
        result = await self._update(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.status == BroadcastStatus.RUNNING,
                or_(Broadcast.lease_owner.is_(None), Broadcast.lease_owner == owner, Broadcast.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=now + ttl, started_at=func.coalesce(Broadcast.started_at, now))
        )
        return _rowcount(result) == 1

    async def release_lease(self, broadcast_id: int, owner: str) -> None:
        await self._update(
            update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    async def mark_in_doubt(self, broadcast_id: int) -> int:
        """Rows left "sending" by a process that died: maybe delivered, so never resent."""
        result = await self._update(
            update(BroadcastRecipient)
            .where(BroadcastRecipient.broadcast_id == broadcast_id,
                   BroadcastRecipient.status == RecipientStatus.SENDING)
            .values(status=RecipientStatus.UNKNOWN, error="in doubt: the sender stopped during the send")
        )
        return _rowcount(result)

    async def claim(self, row_id: int, broadcast_id: int, now: datetime) -> bool:
        """pending → sending, only while the broadcast runs (a pause or cancel stops it at once)."""
        running = exists().where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.RUNNING)
        result = await self._update(
            update(BroadcastRecipient)
            .where(BroadcastRecipient.id == row_id, BroadcastRecipient.status == RecipientStatus.PENDING, running)
            .values(status=RecipientStatus.SENDING, attempts=BroadcastRecipient.attempts + 1, updated_at=now)
        )
        return _rowcount(result) == 1

    async def claim_many(self, row_ids: Sequence[int], broadcast_id: int, now: datetime) -> set[int]:
        """pending → sending for a batch in one statement, only while the broadcast runs; the ids claimed.

        RETURNING where the dialect has it; otherwise (old SQLite) the batch's rows made "sending" at
        `now` are read back, which are ours alone because the caller holds the broadcast's lease. Core statements on
        the table: the ORM's bulk-update path costs more than the statement at 50 claims a second.
        """
        if not row_ids:
            return set()
        rows = RECIPIENTS.c
        running = exists().where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.RUNNING)
        statement = (
            update(RECIPIENTS)
            .where(rows.id.in_(row_ids), rows.status == RecipientStatus.PENDING, running)
            .values(status=RecipientStatus.SENDING, attempts=rows.attempts + 1, updated_at=now)
        )
        connection = await self.session.connection()
        if connection.dialect.update_returning:
            return {int(i) for i in (await connection.execute(statement.returning(rows.id))).scalars()}
        await connection.execute(statement)
        claimed = await connection.execute(select(rows.id).where(
            rows.id.in_(row_ids), rows.status == RecipientStatus.SENDING, rows.updated_at == now))
        return {int(i) for i in claimed.scalars()}

    async def finish_many(self, row_ids: Sequence[int], status: RecipientStatus, now: datetime) -> None:
        """sending → a final status without an error text, for a batch in one statement."""
        if row_ids:
            connection = await self.session.connection()
            await connection.execute(update(RECIPIENTS).where(RECIPIENTS.c.id.in_(row_ids))
                                     .values(status=status, updated_at=now, error=None))

    async def finish(self, row_id: int, status: RecipientStatus, now: datetime, error: str | None = None) -> None:
        await self._update(
            update(BroadcastRecipient).where(BroadcastRecipient.id == row_id)
            .values(status=status, updated_at=now, error=error[:300] if error else None)
        )

    async def mark_user_blocked(self, user_id: int) -> None:
        """The user blocked the bot: inactive from now on, and skipped by every queued broadcast."""
        await self._update(update(User).where(User.id == user_id).values(is_active=False))
        await self._update(
            update(BroadcastRecipient)
            .where(BroadcastRecipient.user_id == user_id, BroadcastRecipient.status == RecipientStatus.PENDING)
            .values(status=RecipientStatus.BLOCKED, error="the user has blocked the bot")
        )

    async def complete_if_drained(self, broadcast_id: int, now: datetime) -> bool:
        """running → done when no row is left to send."""
        left = exists().where(
            BroadcastRecipient.broadcast_id == broadcast_id,
            BroadcastRecipient.status.in_((RecipientStatus.PENDING, RecipientStatus.SENDING)),
        )
        result = await self._update(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.RUNNING, ~left)
            .values(status=BroadcastStatus.DONE, finished_at=now, lease_owner=None, lease_until=None)
        )
        return _rowcount(result) == 1

    # --- admin controls -------------------------------------------------------------------------

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int | None) -> None:
        await self._update(
            update(Broadcast).where(Broadcast.id == broadcast_id)
            .values(progress_chat_id=chat_id, progress_message_id=message_id)
        )

    async def pause(self, broadcast_id: int) -> bool:
        return await self._transition(broadcast_id, BroadcastStatus.RUNNING, BroadcastStatus.PAUSED)

    async def resume(self, broadcast_id: int) -> bool:
        return await self._transition(broadcast_id, BroadcastStatus.PAUSED, BroadcastStatus.RUNNING)

    async def cancel(self, broadcast_id: int, now: datetime) -> bool:
        result = await self._update(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id,
                   Broadcast.status.in_((BroadcastStatus.RUNNING, BroadcastStatus.PAUSED)))
            .values(status=BroadcastStatus.CANCELLED, finished_at=now)
        )
        if _rowcount(result) != 1:
            return False
        await self._update(
            update(BroadcastRecipient)
            .where(and_(BroadcastRecipient.broadcast_id == broadcast_id,
                        BroadcastRecipient.status == RecipientStatus.PENDING))
            .values(status=RecipientStatus.CANCELLED)
        )
        return True

    async def _transition(self, broadcast_id: int, before: BroadcastStatus, after: BroadcastStatus) -> bool:
        result = await self._update(
            update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.status == before).values(status=after)
        )
        return _rowcount(result) == 1
