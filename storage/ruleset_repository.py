"""The stored rule sets (storage/ruleset_models.py) and which set each application is judged by."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import ACTIVE_STATUSES, Application
from storage.long_reads import read_rows
from storage.profile_models import TeacherProfile
from storage.ruleset_models import PILOT_KEY, StoredRuleSet

_ID_CHUNK = 5000  # ids per IN list, well under SQLite's and asyncpg's bound-parameter limits


class RuleSetRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def all(self) -> Sequence[StoredRuleSet]:
        return (await self.session.scalars(select(StoredRuleSet).order_by(StoredRuleSet.first_year,
                                                                          StoredRuleSet.loaded_at))).all()

    async def get(self, key: str) -> StoredRuleSet | None:
        return await self.session.get(StoredRuleSet, key)

    async def version(self) -> tuple[int, datetime | None]:
        """How many sets are stored and when the last was loaded: what a worker compares to see a new one."""
        row = (await self.session.execute(
            select(func.count(), func.max(StoredRuleSet.loaded_at)).select_from(StoredRuleSet))).one()
        return int(row[0]), row[1]

    async def add(self, key: str, text: str, first_year: int, by: int, now: datetime,
                  notices_from: str | None = None, notices_on: date | None = None) -> StoredRuleSet:
        """The set stored; with `notices_from`, its teachers' change notices (against that set) pending."""
        row = StoredRuleSet(key=key, text=text, first_year=first_year, loaded_at=now, loaded_by=by,
                            notices_from=notices_from, notices_on=notices_on, notices_after=0, notices_told=0)
        self.session.add(row)
        await self.session.flush()
        return row

    async def key_of(self, application_id: int) -> str:
        key = await self.session.scalar(select(Application.rule_set_key).where(Application.id == application_id))
        return key or PILOT_KEY

    async def keys_of(self, application_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(application_ids))
        keys: dict[int, str] = {}
        for start in range(0, len(ids), _ID_CHUNK):
            # Off the loop on SQLite (storage/long_reads.py): the reminder job asks for thousands at once.
            rows = await read_rows(self.session, select(Application.id, Application.rule_set_key)
                                   .where(Application.id.in_(ids[start:start + _ID_CHUNK])))
            keys.update((id_, key or PILOT_KEY) for id_, key in rows)
        return keys

    async def pending_notices(self) -> StoredRuleSet | None:
        """The earliest loaded set whose teachers' change notices are not all worked out yet."""
        return await self.session.scalar(select(StoredRuleSet).where(
            StoredRuleSet.notices_from.is_not(None), StoredRuleSet.notices_done_at.is_(None))
            .order_by(StoredRuleSet.loaded_at).limit(1))

    async def advance_notices(self, row: StoredRuleSet, after: int, told: int, done_at: datetime | None) -> bool:
        """Record a batch as handled, unless another worker recorded it first (False: this one is to be dropped)."""
        result = await self.session.execute(
            update(StoredRuleSet).where(StoredRuleSet.key == row.key, StoredRuleSet.notices_after == row.notices_after,
                                        StoredRuleSet.notices_done_at.is_(None))
            .values(notices_after=after, notices_told=StoredRuleSet.notices_told + told, notices_done_at=done_at)
            .execution_options(synchronize_session=False))
        return bool(getattr(result, "rowcount", 0))

    async def teachers_in_progress(self, academic_year: int, after: int = 0,
                                   limit: int | None = None) -> Sequence[TeacherProfile]:
        """Teachers who have started (consented) and have not submitted in `academic_year` or later; those
        with a user id above `after`, at most `limit` of them, in user id order."""
        submitted = exists().where(and_(
            Application.user_id == TeacherProfile.user_id, Application.academic_year >= academic_year,
            Application.status.in_([s.value for s in ACTIVE_STATUSES])))
        return (await self.session.scalars(select(TeacherProfile).where(~submitted, TeacherProfile.user_id > after)
                                           .order_by(TeacherProfile.user_id).limit(limit))).all()
