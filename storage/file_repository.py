"""The rows of the file store (storage/file_models.py): recorded once per owner and content, erased by owner
or by retention date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import Application, ApplicationStatus, Essay, UploadedFile
from storage.file_models import StoredFile

UNDER_WAY = [status.value for status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED,
                                         ApplicationStatus.REGISTERED, ApplicationStatus.UNDER_REVIEW)]


class FileRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def _insert(self) -> Any:
        dialect = self.session.get_bind().dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def find(self, owner_user_id: int, sha256: str) -> StoredFile | None:
        return await self.session.scalar(
            select(StoredFile).where(StoredFile.owner_user_id == owner_user_id, StoredFile.sha256 == sha256))

    async def get(self, file_id: int) -> StoredFile | None:
        return await self.session.get(StoredFile, file_id)

    async def record(self, *, owner_user_id: int, sha256: str, size: int, detected_type: str, store_key: str,
                     created_at: datetime) -> StoredFile:
        """The row of these bytes of this owner: the one already there (the same upload again, even one
        recorded concurrently), or a new one."""
        stmt = self._insert()(StoredFile).values(
            owner_user_id=owner_user_id, sha256=sha256, size=size, detected_type=detected_type,
            store_key=store_key, created_at=created_at)
        await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["owner_user_id", "sha256"]))
        row = await self.find(owner_user_id, sha256)
        assert row is not None
        return row

    async def of_owner(self, owner_user_id: int) -> Sequence[StoredFile]:
        return (await self.session.scalars(
            select(StoredFile).where(StoredFile.owner_user_id == owner_user_id).order_by(StoredFile.id))).all()

    async def expired(self, now: datetime, limit: int = 500) -> Sequence[StoredFile]:
        """Files whose retention date has passed, oldest first; not the checklist's or essay's files of an owner
        with an application under way (a draft or one being considered), which it may list again. Other files of
        hers (a dossier prepared for a day) go when their date has passed."""
        under_way = select(Application.user_id).where(Application.status.in_(UNDER_WAY))
        in_her_file = or_(
            exists().where(UploadedFile.stored_file_id == StoredFile.id),
            exists().where(Essay.stored_file_id == StoredFile.id))
        return (await self.session.scalars(
            select(StoredFile).where(StoredFile.keep_until.is_not(None), StoredFile.keep_until <= now,
                                     or_(StoredFile.owner_user_id.not_in(under_way), ~in_her_file))
            .order_by(StoredFile.keep_until, StoredFile.id).limit(limit))).all()

    async def keep_until(self, file_ids: Sequence[int], until: datetime) -> None:
        if file_ids:
            await self.session.execute(
                update(StoredFile).where(StoredFile.id.in_(list(file_ids))).values(keep_until=until))

    async def remove(self, file_ids: Sequence[int]) -> int:
        if not file_ids:
            return 0
        result = await self.session.execute(delete(StoredFile).where(StoredFile.id.in_(list(file_ids))))
        return int(getattr(result, "rowcount", 0) or 0)

    async def remove_of_owner(self, owner_user_id: int) -> int:
        result = await self.session.execute(delete(StoredFile).where(StoredFile.owner_user_id == owner_user_id))
        return int(getattr(result, "rowcount", 0) or 0)
