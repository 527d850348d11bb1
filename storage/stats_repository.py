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
from storage.long_reads import read_many, read_rows
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
class TeacherStages:
    """`per_key`: region (or district) -> (consented, profile complete, submitted this year)."""

    per_key: dict[Any, tuple[int, int, int]]
    essay_in_range: int
    self_assessment_started: int

    @property
    def consented(self) -> int:
        return sum(row[0] for row in self.per_key.values())

    @property
    def profile_complete(self) -> int:
        return sum(row[1] for row in self.per_key.values())

    @property
    def submitted(self) -> int:
        return sum(row[2] for row in self.per_key.values())


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
        teachers = await self.teacher_stages(year, min_words, max_words, region)
        pending, accepted, refused, decided = await self.review_stages(year, region)
        return StageCounts(teachers.consented, teachers.profile_complete, teachers.essay_in_range,
                           teachers.self_assessment_started, teachers.submitted, pending, accepted, refused, decided)

    async def teacher_stages(self, year: int, min_words: int, max_words: int, region: str | None = None,
                             key: Any = None) -> TeacherStages:
        """The teachers (profiles: each consented, consent_at is never NULL) at each stage: per region (or
        per `key`) those who consented, completed the profile and submitted this year; in all, those with
        an essay of the required length and those who started the self-assessment. Four aggregates, each
        from indexes alone (migration 0028) and run side by side (on SQLite each on a thread of its own),
        instead of one pass over every profile joined to each stage's teachers."""
        key = TeacherProfile.region if key is None else key
        in_region = self._in_region(region)
        profiles = (select(key, func.count(), func.count(TeacherProfile.completed_at))
                    .where(TeacherProfile.consent_at.is_not(None), in_region).group_by(key))
        submitted = self._submitted(year).subquery("submitted")
        submitted_per_key = (select(key, func.count()).select_from(submitted)
                             .join(TeacherProfile, TeacherProfile.user_id == submitted.c.user_id)
                             .where(in_region).group_by(key))
        essays = (select(func.count()).select_from(Essay).join(TeacherProfile, TeacherProfile.user_id == Essay.user_id)
                  .where(Essay.words.between(min_words, max_words), in_region))
        # The row appears when the teacher opens /score: "started the self-assessment".
        scored = select(SelfAssessment.user_id).distinct().subquery("scored")
        scored_count = (select(func.count()).select_from(scored)
                        .join(TeacherProfile, TeacherProfile.user_id == scored.c.user_id).where(in_region))
        per_key, submitted_rows, essay_rows, scored_rows = await read_many(
            self.session, [profiles, submitted_per_key, essays, scored_count])
        submitted_in = {k: int(n) for k, n in submitted_rows}
        return TeacherStages({k: (int(a), int(b), submitted_in.get(k, 0)) for k, a, b in per_key},
                             int(essay_rows[0][0]), int(scored_rows[0][0]))

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

    async def areas_of(self, teachers: TeacherStages) -> list[AreaCounts]:
        """The regions of `teacher_stages`, the most teachers first."""
        rows = [AreaCounts(k, k, consented, submitted) for k, (consented, _c, submitted) in teachers.per_key.items()]
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
