"""Counts for the administrators' progress report: how far the teachers of an academic year have got.

Every count is one aggregate query, so the report costs the same for fifty teachers or fifty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import ACTIVE_STATUSES, Application, Essay
from storage.commission_models import ApplicationReview, ReviewStatus
from storage.profile_models import TeacherProfile
from storage.scoring_models import SelfAssessment

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_ACCEPTED = [ReviewStatus.ACCEPTED.value, ReviewStatus.SCHEDULED.value, ReviewStatus.DECIDED.value]


@dataclass(frozen=True)
class StageCounts:
    consented: int
    profile_complete: int
    essay_in_range: int
    self_assessment_started: int
    submitted: int
    awaiting_review: int  # routed to a commission, not yet accepted or refused by its secretary
    accepted: int
    refused: int
    decided: int


@dataclass(frozen=True)
class AreaCounts:
    """One region (`key` its id, `name` too) or one district or city (`key` its KATO code, scoring.areas;
    `name` None: the reader's language decides it)."""

    key: str | None
    name: str | None
    consented: int
    submitted: int


class StatsRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    @staticmethod
    def _in_region(region: str | None) -> ColumnElement[bool]:
        return TeacherProfile.region == region if region is not None else true()

    async def _count(self, query: Select[Any]) -> int:
        return int(await self.session.scalar(query) or 0)

    def _teachers(self, region: str | None) -> Select[Any]:
        return select(func.count()).select_from(TeacherProfile).where(
            TeacherProfile.consent_at.is_not(None), self._in_region(region))

    def _applications(self, year: int, region: str | None) -> Select[Any]:
        return (select(func.count(func.distinct(Application.user_id)))
                .join(TeacherProfile, TeacherProfile.user_id == Application.user_id)
                .where(Application.academic_year == year, Application.status.in_(_ACTIVE), self._in_region(region)))

    def _reviews(self, year: int, region: str | None, statuses: list[str]) -> Select[Any]:
        return (select(func.count(func.distinct(ApplicationReview.user_id)))
                .join(Application, Application.id == ApplicationReview.application_id)
                .join(TeacherProfile, TeacherProfile.user_id == ApplicationReview.user_id)
                .where(Application.academic_year == year, ApplicationReview.status.in_(statuses),
                       self._in_region(region)))

    async def stages(self, year: int, min_words: int, max_words: int, region: str | None = None) -> StageCounts:
        teachers = self._teachers(region)
        essays = (select(func.count()).select_from(Essay)
                  .join(TeacherProfile, TeacherProfile.user_id == Essay.user_id)
                  .where(Essay.words.between(min_words, max_words), self._in_region(region)))
        # The row appears when the teacher opens /score: "started the self-assessment".
        scored = (select(func.count(func.distinct(SelfAssessment.user_id)))
                  .join(TeacherProfile, TeacherProfile.user_id == SelfAssessment.user_id)
                  .where(self._in_region(region)))
        return StageCounts(
            consented=await self._count(teachers),
            profile_complete=await self._count(teachers.where(TeacherProfile.completed_at.is_not(None))),
            essay_in_range=await self._count(essays),
            self_assessment_started=await self._count(scored),
            submitted=await self._count(self._applications(year, region)),
            awaiting_review=await self._count(self._reviews(year, region, [ReviewStatus.PENDING.value])),
            accepted=await self._count(self._reviews(year, region, _ACCEPTED)),
            refused=await self._count(self._reviews(year, region, [ReviewStatus.REFUSED.value])),
            decided=await self._count(self._reviews(year, region, [ReviewStatus.DECIDED.value])),
        )

    async def areas(self, year: int, region: str | None = None) -> list[AreaCounts]:
        """Teachers who consented and who submitted, per region, or with `region` per district or city of
        it (by its KATO code), the most teachers first."""
        if region is None:
            key: Any = TeacherProfile.region
            name: Any = func.min(TeacherProfile.region)
        else:
            key = TeacherProfile.area_code
            name = literal(None)
        where = [TeacherProfile.consent_at.is_not(None), self._in_region(region)]
        consented = {row[0]: (row[1], row[2]) for row in (await self.session.execute(
            select(key, name, func.count()).where(*where).group_by(key))).all()}
        submitted: dict[str | None, int] = dict((await self.session.execute(
            select(key, func.count(func.distinct(Application.user_id)))
            .join(Application, Application.user_id == TeacherProfile.user_id)
            .where(*where, Application.academic_year == year, Application.status.in_(_ACTIVE))
            .group_by(key))).all())
        rows = [AreaCounts(k, label, count, submitted.get(k, 0)) for k, (label, count) in consented.items()]
        return sorted(rows, key=lambda r: (-r.consented, r.key or ""))

    async def claimed(self, year: int, region: str | None = None) -> dict[str, int]:
        """Submitted applications per claimed category."""
        rows = await self.session.execute(
            select(Application.claimed_category, func.count(func.distinct(Application.user_id)))
            .join(TeacherProfile, TeacherProfile.user_id == Application.user_id)
            .where(Application.academic_year == year, Application.status.in_(_ACTIVE), self._in_region(region))
            .group_by(Application.claimed_category))
        return {category or "": count for category, count in rows.all()}
