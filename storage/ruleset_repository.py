"""The stored rule sets (storage/ruleset_models.py) and which set each application is judged by."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import ACTIVE_STATUSES, Application
from storage.profile_models import TeacherProfile
from storage.ruleset_models import PILOT_KEY, StoredRuleSet


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

    async def add(self, key: str, text: str, first_year: int, by: int, now: datetime) -> StoredRuleSet:
        row = StoredRuleSet(key=key, text=text, first_year=first_year, loaded_at=now, loaded_by=by)
        self.session.add(row)
        await self.session.flush()
        return row

    async def key_of(self, application_id: int) -> str:
        key = await self.session.scalar(select(Application.rule_set_key).where(Application.id == application_id))
        return key or PILOT_KEY

    async def keys_of(self, application_ids: Iterable[int]) -> dict[int, str]:
        ids = list(set(application_ids))
        if not ids:
            return {}
        rows = await self.session.execute(select(Application.id, Application.rule_set_key)
                                          .where(Application.id.in_(ids)))
        return {id_: key or PILOT_KEY for id_, key in rows.tuples()}

    async def teachers_in_progress(self, academic_year: int) -> Sequence[TeacherProfile]:
        """Teachers who have started (consented) and have not submitted in `academic_year` or later."""
        submitted = exists().where(and_(
            Application.user_id == TeacherProfile.user_id, Application.academic_year >= academic_year,
            Application.status.in_([s.value for s in ACTIVE_STATUSES])))
        return (await self.session.scalars(select(TeacherProfile).where(~submitted)
                                           .order_by(TeacherProfile.user_id))).all()
