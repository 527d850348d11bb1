"""Counts for the administrators' progress report: how far the teachers of an academic year have got.

Counts are grouped aggregates, a few queries in all (the teachers' stages per region in one pass, the
reviews' in another), read off the event loop on SQLite (storage/long_reads.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import ACTIVE_STATUSES, Application, Essay
from storage.commission_models import ApplicationReview, ReviewStatus
from storage.long_reads import read_rows
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

    async def stages(self, year: int, min_words: int, max_words: int, region: str | None = None) -> StageCounts:
        per_region = await self.teacher_stages(year, min_words, max_words, region)
        consented, complete, essays, scored, submitted = (sum(row[i] for row in per_region.values()) for i in range(5))
        pending, accepted, refused, decided = await self.review_stages(year, region)
        return StageCounts(consented, complete, essays, scored, submitted, pending, accepted, refused, decided)

    async def teacher_stages(self, year: int, min_words: int, max_words: int, region: str | None = None,
                             key: Any = None) -> dict[str | None, tuple[int, int, int, int, int]]:
        """Per region (or per `key`): (consented, profile complete, essay of the required length,
        self-assessment started, submitted this year), in one pass over the profiles joined to the
        teachers of each stage (hash joins on PostgreSQL; each profile is one teacher, so the groups add
        up to the totals)."""
        key = TeacherProfile.region if key is None else key
        essays = select(Essay.user_id).where(Essay.words.between(min_words, max_words)).subquery("in_range")
        # The row appears when the teacher opens /score: "started the self-assessment".
        scored = select(SelfAssessment.user_id).distinct().subquery("scored")
        submitted = self._submitted(year).subquery("submitted")
        query = (select(key, func.count(), func.count(TeacherProfile.completed_at), func.count(essays.c.user_id),
                        func.count(scored.c.user_id), func.count(submitted.c.user_id))
                 .outerjoin(essays, essays.c.user_id == TeacherProfile.user_id)
                 .outerjoin(scored, scored.c.user_id == TeacherProfile.user_id)
                 .outerjoin(submitted, submitted.c.user_id == TeacherProfile.user_id)
                 .where(TeacherProfile.consent_at.is_not(None), self._in_region(region))
                 .group_by(key))
        rows = await read_rows(self.session, query)
        return {r: (int(a), int(b), int(c), int(d), int(e)) for r, a, b, c, d, e in rows}

    @staticmethod
    def _submitted(year: int) -> Any:
        """The teachers with an application of the year that counts as submitted (once each)."""
        return (select(Application.user_id).where(Application.academic_year == year, Application.status.in_(_ACTIVE))
                .distinct())

    async def review_stages(self, year: int, region: str | None = None) -> tuple[int, int, int, int]:
        """Teachers whose application of the year awaits review, was accepted, refused, decided: one query."""
        def teachers(statuses: list[str]) -> Any:
            return func.count(func.distinct(case((ApplicationReview.status.in_(statuses), ApplicationReview.user_id))))

        query = (select(teachers([ReviewStatus.PENDING.value]), teachers(_ACCEPTED),
                        teachers([ReviewStatus.REFUSED.value]), teachers([ReviewStatus.DECIDED.value]))
                 .join(Application, Application.id == ApplicationReview.application_id)
                 .join(TeacherProfile, TeacherProfile.user_id == ApplicationReview.user_id)
                 .where(Application.academic_year == year, self._in_region(region)))
        rows = await read_rows(self.session, query)
        pending, accepted, refused, decided = rows[0] if rows else (0, 0, 0, 0)
        return int(pending or 0), int(accepted or 0), int(refused or 0), int(decided or 0)

    async def areas_of(self, per_region: dict[str | None, tuple[int, int, int, int, int]]) -> list[AreaCounts]:
        """The regions of `teacher_stages`, the most teachers first."""
        rows = [AreaCounts(k, k, counts[0], counts[4]) for k, counts in per_region.items()]
        return sorted(rows, key=lambda r: (-r.consented, r.key or ""))

    async def late_reviews(self, routed_on_or_before: date) -> list[tuple[int, date, str | None, int, int]]:
        """Reviews waiting for the secretary, grouped: (commission, routed on, rule set key, one application
        of the group, how many)."""
        query = (select(ApplicationReview.commission_id, ApplicationReview.routed_on, Application.rule_set_key,
                        func.min(Application.id), func.count())
                 .join(Application, Application.id == ApplicationReview.application_id)
                 .where(ApplicationReview.status == ReviewStatus.PENDING.value,
                        ApplicationReview.routed_on <= routed_on_or_before)
                 .group_by(ApplicationReview.commission_id, ApplicationReview.routed_on, Application.rule_set_key))
        return [(int(c), _day(d), k, int(a), int(n)) for c, d, k, a, n in await read_rows(self.session, query)]

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
        submitted = self._submitted(year).subquery("submitted")
        rows = await read_rows(self.session, select(key, name, func.count(), func.count(submitted.c.user_id))
                               .outerjoin(submitted, submitted.c.user_id == TeacherProfile.user_id)
                               .where(*where).group_by(key))
        consented = {k: (label, count) for k, label, count, _s in rows}
        submitted_in = {k: int(n or 0) for k, _label, _count, n in rows}
        rows = [AreaCounts(k, label, count, submitted_in.get(k, 0)) for k, (label, count) in consented.items()]
        return sorted(rows, key=lambda r: (-r.consented, r.key or ""))

    async def claimed(self, year: int, region: str | None = None) -> dict[str, int]:
        """Submitted applications per claimed category."""
        rows = await read_rows(self.session,
            select(Application.claimed_category, func.count(func.distinct(Application.user_id)))
            .join(TeacherProfile, TeacherProfile.user_id == Application.user_id)
            .where(Application.academic_year == year, Application.status.in_(_ACTIVE), self._in_region(region))
            .group_by(Application.claimed_category))
        return {category or "": int(count) for category, count in rows}


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
