"""Queries for the self-assessment rows (storage.scoring_models)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.scoring_models import SelfAssessment


def locked(user_id: int, sheet_id: str) -> Select[SelfAssessment]:
    # populate_existing: a row already in the session is read again under the lock, not taken from memory.
    return (select(SelfAssessment).where(SelfAssessment.user_id == user_id, SelfAssessment.sheet_id == sheet_id)
            .with_for_update().execution_options(populate_existing=True))


class SelfAssessmentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, user_id: int, sheet_id: str) -> SelfAssessment | None:
        return await self.session.get(SelfAssessment, (user_id, sheet_id))

    async def get_or_create(self, user_id: int, sheet_id: str) -> SelfAssessment:
        """The row an answer rewrites, locked until the update commits: a press in the chat and a save in
        the Mini App's form at once each rewrite the whole JSON, so the second waits for the first and reads
        what it wrote instead of losing it (PostgreSQL; SQLite serialises writers and ignores FOR UPDATE)."""
        row = await self.session.scalar(locked(user_id, sheet_id))
        if row is None:
            row = SelfAssessment(user_id=user_id, sheet_id=sheet_id, answers={"criteria": {}}, observations=[])
            self.session.add(row)
            await self.session.flush()
        return row

    async def save(self, row: SelfAssessment, answers: dict[str, Any], observations: list[dict[str, Any]]) -> None:
        # New objects, so SQLAlchemy sees the JSON change (in-place mutation is not tracked).
        row.answers = answers
        row.observations = observations
        await self.session.flush()
