"""Queries for the self-assessment rows (storage.scoring_models)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.scoring_models import SelfAssessment


class SelfAssessmentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, user_id: int, sheet_id: str) -> SelfAssessment | None:
        return await self.session.get(SelfAssessment, (user_id, sheet_id))

    async def get_or_create(self, user_id: int, sheet_id: str) -> SelfAssessment:
        row = await self.get(user_id, sheet_id)
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
