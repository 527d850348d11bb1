"""Queries about the registry of issued documents (storage/verification_models.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.verification_models import IssuedDocument


class VerificationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, *, code: str, kind: str, application_id: int, candidate_id: int | None,
                  facts: dict[str, Any], signature: str, issued_at: datetime, valid_until: date | None,
                  ) -> IssuedDocument:
        row = IssuedDocument(code=code, kind=kind, application_id=application_id, candidate_id=candidate_id,
                             facts=facts, signature=signature, issued_at=issued_at, valid_until=valid_until)
        self.session.add(row)
        await self.session.flush()
        return row

    async def code_taken(self, code: str) -> bool:
        return await self.session.scalar(select(IssuedDocument.id).where(IssuedDocument.code == code)) is not None

    async def by_code(self, code: str) -> IssuedDocument | None:
        return await self.session.scalar(select(IssuedDocument).where(IssuedDocument.code == code))

    async def get(self, document_id: int) -> IssuedDocument | None:
        return await self.session.get(IssuedDocument, document_id)

    async def not_revoked_of(self, application_id: int) -> list[IssuedDocument]:
        return list(await self.session.scalars(select(IssuedDocument).where(
            IssuedDocument.application_id == application_id, IssuedDocument.revoked_at.is_(None))
            .order_by(IssuedDocument.id)))

    async def revoke(self, document_id: int, *, at: datetime, reason: str, by: int | None) -> bool:
        """Marks the document revoked; False if it already was (a second admin, a double press)."""
        result = await self.session.execute(
            update(IssuedDocument).where(IssuedDocument.id == document_id, IssuedDocument.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason, revoked_by=by).execution_options(synchronize_session=False))
        if int(getattr(result, "rowcount", 0) or 0) == 0:
            return False
        row = await self.session.get(IssuedDocument, document_id)
        if row is not None:
            await self.session.refresh(row)
        return True
