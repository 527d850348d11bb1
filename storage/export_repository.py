"""The department's export of an academic year's applications, read in batches of plain columns (no ORM objects)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import Application
from storage.commission_models import AgendaItem, ApplicationReview, Commission, CommissionDecision
from storage.profile_models import TeacherProfile
from storage.scoring_models import SelfAssessment


@dataclass(frozen=True)
class ApplicationLine:
    """One application with its teacher's profile and its commission's review, as stored (codes, not labels)."""

    id: int
    user_id: int
    number: str | None
    status: str
    claimed_category: str | None
    submitted_at: datetime | None
    registered_on: date | None
    withdrawn_at: datetime | None
    rule_set_key: str | None
    region: str | None
    area_code: str | None
    org_name: str | None
    role: str | None
    teaching_post: str | None
    review_status: str | None
    reviewed_at: datetime | None
    commission: str | None


@dataclass(frozen=True)
class DecisionLine:
    decision: str
    assigned_category: str | None
    decided_on: date


@dataclass(frozen=True)
class SheetAnswers:
    sheet_id: str
    answers: dict[str, Any]
    updated_at: datetime


def _exported(year: int) -> ColumnElement[bool]:
    # An application once submitted: a draft never submitted is not one yet; a refused one (back to a
    # draft the teacher may fix) and a withdrawn one still are.
    return (Application.academic_year == year) & Application.submitted_at.is_not(None)


class ExportRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def count(self, year: int) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Application).where(_exported(year)))
                   or 0)

    async def regions(self, year: int) -> list[str | None]:
        """The regions of the teachers whose applications are exported (None: the profile names none)."""
        rows = await self.session.scalars(
            select(TeacherProfile.region).distinct().select_from(Application)
            .outerjoin(TeacherProfile, TeacherProfile.user_id == Application.user_id).where(_exported(year)))
        return list(rows)

    @staticmethod
    def _lines() -> Select[*tuple[Any, ...]]:
        return (select(Application.id, Application.user_id, Application.number, Application.status,
                       Application.claimed_category, Application.submitted_at, Application.registered_on,
                       Application.withdrawn_at, Application.rule_set_key,
                       TeacherProfile.region, TeacherProfile.area_code, TeacherProfile.org_name,
                       TeacherProfile.role, TeacherProfile.teaching_post,
                       ApplicationReview.status, ApplicationReview.acted_at, Commission.name)
                .select_from(Application)
                .outerjoin(TeacherProfile, TeacherProfile.user_id == Application.user_id)
                .outerjoin(ApplicationReview, ApplicationReview.application_id == Application.id)
                .outerjoin(Commission, Commission.id == ApplicationReview.commission_id))

    async def batch(self, year: int, after: int, limit: int) -> list[ApplicationLine]:
        """The next `limit` applications by id after `after` (keyset: each batch costs the same)."""
        rows = await self.session.execute(
            self._lines().where(_exported(year), Application.id > after).order_by(Application.id).limit(limit))
        return [ApplicationLine(*row) for row in rows.all()]

    async def decisions(self, application_ids: list[int]) -> dict[int, DecisionLine]:
        """Each application's latest commission decision (one deferred to a later session has several items)."""
        rows = await self.session.execute(
            select(AgendaItem.application_id, CommissionDecision.decision, CommissionDecision.assigned_category,
                   CommissionDecision.decided_on)
            .join(AgendaItem, AgendaItem.id == CommissionDecision.candidate_id)
            .where(AgendaItem.application_id.in_(application_ids))
            .order_by(CommissionDecision.decided_at, CommissionDecision.id))
        return {app_id: DecisionLine(decision, category, day) for app_id, decision, category, day in rows.all()}

    async def self_assessments(self, user_ids: list[int]) -> dict[int, list[SheetAnswers]]:
        rows = await self.session.execute(
            select(SelfAssessment.user_id, SelfAssessment.sheet_id, SelfAssessment.answers, SelfAssessment.updated_at)
            .where(SelfAssessment.user_id.in_(user_ids)))
        found: dict[int, list[SheetAnswers]] = defaultdict(list)
        for user_id, sheet_id, answers, updated_at in rows.all():
            found[user_id].append(SheetAnswers(sheet_id, answers or {}, updated_at))
        return found
