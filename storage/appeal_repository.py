"""The only queries of complaints (storage/appeal_models.py) and of what a teacher may complain about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.appeal_models import OPEN_STATUSES, Appeal, AppealFile, AppealStatus, AppealSubject
from storage.commission_models import AgendaItem, ApplicationReview, CommissionDecision, CommissionSession, ReviewStatus


@dataclass(frozen=True)
class Contested:
    """A refusal or a decision on one of her applications: what a complaint can be about."""

    application_id: int
    commission_id: int | None
    subject: AppealSubject
    on: date | None  # the day of the refusal or decision (None: a refusal whose time is unknown)
    acted_at: datetime | None = None


class AppealRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def contested(self, user_id: int) -> list[Contested]:
        """Her refused and decided applications, the latest first."""
        decided = await self.session.execute(
            select(AgendaItem.application_id, CommissionSession.commission_id, CommissionDecision.decided_on)
            .join(CommissionDecision, CommissionDecision.candidate_id == AgendaItem.id)
            .join(CommissionSession, CommissionSession.id == AgendaItem.session_id)
            .where(AgendaItem.user_id == user_id))
        found = [Contested(app, commission, AppealSubject.DECISION, on) for app, commission, on in decided]
        refused = await self.session.scalars(select(ApplicationReview).where(
            ApplicationReview.user_id == user_id, ApplicationReview.status == ReviewStatus.REFUSED.value))
        found += [Contested(r.application_id, r.commission_id, AppealSubject.REFUSAL, None, r.acted_at)
                  for r in refused]
        return found

    async def next_sequence(self, year: int) -> int:
        return int(await self.session.scalar(select(func.coalesce(func.max(Appeal.sequence), 0))
                                             .where(Appeal.year == year)) or 0) + 1

    async def add(self, **fields: Any) -> Appeal:
        row = Appeal(**fields)
        self.session.add(row)
        await self.session.flush()
        return row

    async def add_file(self, **fields: Any) -> None:
        self.session.add(AppealFile(**fields))
        await self.session.flush()

    async def files(self, appeal_id: int) -> list[AppealFile]:
        return list(await self.session.scalars(select(AppealFile).where(AppealFile.appeal_id == appeal_id)
                                               .order_by(AppealFile.id)))

    async def get(self, appeal_id: int) -> Appeal | None:
        return await self.session.get(Appeal, appeal_id)

    async def on(self, application_id: int, subject: AppealSubject) -> list[Appeal]:
        return list(await self.session.scalars(select(Appeal).where(
            Appeal.application_id == application_id, Appeal.subject == subject.value)))

    async def of_user(self, user_id: int) -> list[Appeal]:
        return list(await self.session.scalars(select(Appeal).where(Appeal.user_id == user_id).order_by(Appeal.id)))

    async def open(self) -> list[Appeal]:
        return list(await self.session.scalars(select(Appeal).where(
            Appeal.status.in_([s.value for s in OPEN_STATUSES])).order_by(Appeal.id)))

    async def move(self, appeal_id: int, expected: Sequence[AppealStatus], new: AppealStatus,
                   **fields: Any) -> bool:
        """Change its status (and `fields`) only from one of `expected`: two presses change it once."""
        done = await self.session.execute(
            update(Appeal).where(Appeal.id == appeal_id, Appeal.status.in_([s.value for s in expected]))
            .values(status=new.value, **fields).execution_options(synchronize_session="fetch"))
        await self.session.flush()
        return bool(getattr(done, "rowcount", 0))

    async def mark(self, appeal_id: int, column: str, deadline: date) -> bool:
        """Record that the reminder (or overdue report) for `deadline` went out; False if it already had."""
        attribute = getattr(Appeal, column)
        done = await self.session.execute(
            update(Appeal).where(Appeal.id == appeal_id, (attribute.is_(None)) | (attribute != deadline))
            .values({column: deadline}).execution_options(synchronize_session="fetch"))
        return bool(getattr(done, "rowcount", 0))
