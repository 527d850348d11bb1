"""Queries of the reminders: windows per academic year, mutes, the teachers concerned, the once-only log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.reminders import LEADER_CATEGORY_PREFIXES
from storage.broadcast_models import ApplicationWindow, ReminderPreference, SentReminder
from storage.checklist_models import ACTIVE_STATUSES, Application, ApplicationStatus
from storage.long_reads import read_rows
from storage.profile_models import TeacherProfile, User

Key = tuple[int, str, int, str]
PageKey = tuple[Any, ...]
_ACTIVE = [s.value for s in ACTIVE_STATUSES]


@dataclass(frozen=True)
class DueOccasion:
    """Who one due occasion is for, as conditions a query can check: every teacher not submitted this
    year, and `started` (a draft) / with a category expiring before `expires_before` / expiring between
    `expires_from` and `expires_to` and a leader or not. `occasion` is the key's occasion, or None when
    it is the expiry date followed by `suffix` (one per expiry date)."""

    kind: str
    academic_year: int
    occasion: str | None
    suffix: str = ""
    started: bool = False
    expires_before: date | None = None
    expires_from: date | None = None
    expires_to: date | None = None
    leader: bool | None = None


class ReminderRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # --- application windows (/window) ----------------------------------------------------------

    async def windows(self, years: Iterable[int]) -> dict[int, tuple[date, date]]:
        rows = await self.session.scalars(select(ApplicationWindow).where(ApplicationWindow.academic_year.in_(years)))
        return {row.academic_year: (row.opens_on, row.closes_on) for row in rows}

    async def set_window(self, year: int, opens: date, closes: date, by: int) -> None:
        row = await self.session.get(ApplicationWindow, year)
        if row is None:
            self.session.add(ApplicationWindow(academic_year=year, opens_on=opens, closes_on=closes, set_by=by))
        else:
            row.opens_on, row.closes_on, row.set_by = opens, closes, by
        await self.session.flush()

    async def reset_window(self, year: int) -> bool:
        result = await self.session.execute(delete(ApplicationWindow).where(ApplicationWindow.academic_year == year))
        return bool(getattr(result, "rowcount", 0))

    # --- mute (/reminders) ----------------------------------------------------------------------

    async def is_muted(self, user_id: int) -> bool:
        row = await self.session.get(ReminderPreference, user_id)
        return row is not None and row.muted

    async def set_muted(self, user_id: int, muted: bool) -> None:
        row = await self.session.get(ReminderPreference, user_id)
        if row is None:
            self.session.add(ReminderPreference(user_id=user_id, muted=muted))
        else:
            row.muted = muted
        await self.session.flush()

    # --- who is due (set-based: the decisions are queries, the already-sent check an anti-join) -------

    async def due_page(self, year: int, due: DueOccasion, index: int, after: PageKey | None, limit: int,
                       ) -> tuple[list[tuple[int, str | None, int, date | None]], PageKey | None]:
        """Up to `limit` (user id, locale, `index`, category expiry date) of the active, unmuted teachers the
        occasion is for whose key is not in `sent_reminders` (an anti-join on its unique key), after the
        page key `after`; and the key to continue from (None: no more). Application states are this
        academic year's (`year`). A page is read along an index (the expiry date's, or this year's
        drafts), so it touches about as many rows as it returns."""
        query, order = self._due(year, index, due)
        if after is not None:
            query = query.where(tuple_(*order) > tuple_(*after))
        rows = await read_rows(self.session, query.order_by(*order).limit(limit))
        page = [(int(u), loc, index, _as_date(d)) for u, loc, _i, d, *_key in rows]
        more: PageKey | None = tuple(rows[-1][4:]) if len(rows) == limit else None
        return page, more

    def _due(self, year: int, index: int, due: DueOccasion) -> tuple[Select[Any], list[Any]]:
        sent, prefs, apps = SentReminder.__table__, ReminderPreference.__table__, Application.__table__.alias("mine")
        submitted = exists().where(apps.c.user_id == User.id, apps.c.academic_year == year,
                                   apps.c.status.in_(_ACTIVE))
        muted = exists().where(prefs.c.user_id == User.id, prefs.c.muted.is_(True))
        valid_until = TeacherProfile.category_valid_until
        occasion: Any = literal(due.occasion) if due.occasion is not None else self._dated(valid_until, due.suffix)
        already_sent = exists().where(sent.c.user_id == User.id, sent.c.kind == due.kind,
                                      sent.c.academic_year == due.academic_year, sent.c.occasion == occasion)
        where: list[Any] = [User.is_active.is_(True), ~muted, ~submitted, ~already_sent]
        columns = [User.id, User.locale, literal(index), valid_until]
        if due.started:  # along this year's drafts (ix_applications_year_status_user)
            order: list[Any] = [Application.user_id]
            query: Any = (select(*columns, *order).select_from(Application)
                     .join(User, User.id == Application.user_id).join(TeacherProfile, TeacherProfile.user_id == User.id)
                     .where(Application.academic_year == year, Application.status == ApplicationStatus.DRAFT.value))
            return query.where(*where), order
        # Along the expiry dates (ix_teacher_profiles_valid_until).
        if due.expires_before is not None:
            where.append(valid_until < due.expires_before)
        if due.expires_from is not None and due.expires_to is not None:
            where += [valid_until.between(due.expires_from, due.expires_to), _leader(due.leader)]
        order = [valid_until, TeacherProfile.user_id]
        query = select(*columns, *order).select_from(TeacherProfile).join(User, User.id == TeacherProfile.user_id)
        return query.where(valid_until.is_not(None), *where), order

    def _dated(self, day: Any, suffix: str) -> Any:
        """The occasion `YYYY-MM-DD<suffix>` of a date column, as scoring.reminders names expiry occasions."""
        text: Any
        if self.session.get_bind().dialect.name == "postgresql":
            text = func.to_char(day, "YYYY-MM-DD")
        else:
            text = cast(day, String)  # SQLite keeps a date as its ISO text
        return text.op("||")(literal(suffix))

    # --- the once-only log ----------------------------------------------------------------------

    async def claim_many(self, keys: Sequence[Key], now: datetime) -> dict[Key, int]:
        """Insert the keys in one statement, skipping those already there (another process or an earlier
        run claimed them); the new ones with their row ids. The caller commits at once."""
        if not keys:
            return {}
        rows = [{"user_id": u, "kind": k, "academic_year": y, "occasion": o, "status": "claimed", "claimed_at": now}
                for u, k, y, o in dict.fromkeys(keys)]
        table: Any = SentReminder.__table__
        insert = pg_insert(table) if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert(table)
        # One executemany (SQLAlchemy batches it into multi-row INSERTs with RETURNING, compiled once).
        statement = (insert.on_conflict_do_nothing(index_elements=["user_id", "kind", "academic_year", "occasion"])
                     .returning(table.c.id, table.c.user_id, table.c.kind, table.c.academic_year, table.c.occasion))
        result = await self.session.execute(statement, rows)
        return {(int(u), str(k), int(y), str(o)): int(i) for i, u, k, y, o in result.all()}

    async def claim(self, key: Key, now: datetime) -> int | None:
        """Insert the key (the caller commits at once); None when it exists: someone already sent it."""
        return (await self.claim_many([key], now)).get(key)

    async def record(self, claim_id: int, status: str, error: str | None = None) -> None:
        await self.record_many([(claim_id, status, error)])

    async def record_many(self, outcomes: Sequence[tuple[int, str, str | None]]) -> None:
        """Each claimed row's outcome, in one executemany."""
        if not outcomes:
            return
        table: Any = SentReminder.__table__
        await self.session.execute(
            update(table).where(table.c.id == bindparam("claim_id")).values(status=bindparam("outcome"),
                                                                            error=bindparam("reason")),
            [{"claim_id": i, "outcome": s, "reason": e[:300] if e else None} for i, s, e in outcomes],
        )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _leader(leader: bool | None) -> Any:
    """Heads and deputies (scoring.reminders.is_leader_category), compared case-sensitively as Python does."""
    category = TeacherProfile.current_category
    is_leader = or_(*(func.substr(category, 1, len(prefix)) == prefix for prefix in LEADER_CATEGORY_PREFIXES))
    if leader:
        return and_(category.is_not(None), is_leader)
    return or_(category.is_(None), ~is_leader)
