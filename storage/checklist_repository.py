"""Queries of the checklist, the essay and the applications. Services never build SQL."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import (
    ACTIVE_STATUSES,
    Application,
    ApplicationStatus,
    Essay,
    EssayTopics,
    ItemMark,
    Notice,
    UploadedFile,
)


class ChecklistRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def files(self, user_id: int, item_id: str | None = None) -> list[UploadedFile]:
        query = select(UploadedFile).where(UploadedFile.user_id == user_id)
        if item_id is not None:
            query = query.where(UploadedFile.item_id == item_id)
        return list(await self.session.scalars(query.order_by(UploadedFile.id)))

    async def file_counts(self, user_id: int) -> dict[str, int]:
        return dict(Counter(f.item_id for f in await self.files(user_id)))

    async def add_file(self, row: UploadedFile) -> bool:
        """Store a file; False if this user already sent the same file for this item."""
        existing = await self.session.scalar(select(UploadedFile).where(
            UploadedFile.user_id == row.user_id, UploadedFile.item_id == row.item_id,
            UploadedFile.file_unique_id == row.file_unique_id,
        ))
        if existing is not None:
            return False
        try:
            async with self.session.begin_nested():  # a concurrent duplicate (album) hits the unique key
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    async def remove_file(self, user_id: int, file_pk: int) -> UploadedFile | None:
        row = await self.session.get(UploadedFile, file_pk)
        if row is None or row.user_id != user_id:
            return None
        await self.session.delete(row)
        await self.session.flush()
        return row

    async def clear_item(self, user_id: int, item_id: str) -> int:
        result = await self.session.execute(
            delete(UploadedFile).where(UploadedFile.user_id == user_id, UploadedFile.item_id == item_id)
        )
        await self.session.flush()
        return int(getattr(result, "rowcount", 0) or 0)

    async def marks(self, user_id: int) -> dict[str, ItemMark]:
        rows = await self.session.scalars(select(ItemMark).where(ItemMark.user_id == user_id))
        return {m.item_id: m for m in rows}

    async def set_mark(
        self, user_id: int, item_id: str, when: datetime, *, not_applicable: bool | None = None,
        in_state_systems: bool | None = None, clear_state: bool = False,
    ) -> ItemMark:
        mark = await self.session.get(ItemMark, (user_id, item_id))
        if mark is None:
            mark = ItemMark(user_id=user_id, item_id=item_id, not_applicable=False, updated_at=when)
            self.session.add(mark)
        if not_applicable is not None:
            mark.not_applicable = not_applicable
        if in_state_systems is not None or clear_state:
            mark.in_state_systems = in_state_systems
        mark.updated_at = when
        await self.session.flush()
        return mark


class EssayRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, user_id: int) -> Essay | None:
        return await self.session.get(Essay, user_id)

    async def save(self, user_id: int, text: str, words: int, source: str, when: datetime,
                   stored_file_id: int | None = None) -> Essay:
        essay = await self.get(user_id)
        if essay is None:
            essay = Essay(user_id=user_id, text=text, words=words, source=source, updated_at=when,
                          stored_file_id=stored_file_id)
            self.session.add(essay)
        else:
            essay.text, essay.words, essay.source, essay.updated_at = text, words, source, when
            essay.stored_file_id = stored_file_id
        await self.session.flush()
        return essay

    async def topics(self, academic_year: int, locale: str) -> list[str]:
        row = await self.session.get(EssayTopics, (academic_year, locale))
        return list(row.topics) if row is not None else []

    async def set_topics(self, academic_year: int, locale: str, topics: list[str], by: int | None,
                         when: datetime) -> None:
        row = await self.session.get(EssayTopics, (academic_year, locale))
        if row is None:
            self.session.add(EssayTopics(academic_year=academic_year, locale=locale, topics=topics, set_by=by,
                                         updated_at=when))
        else:
            row.topics, row.set_by, row.updated_at = topics, by, when
        await self.session.flush()


class ApplicationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def latest(self, user_id: int, academic_year: int) -> Application | None:
        return await self.session.scalar(
            select(Application)
            .where(Application.user_id == user_id, Application.academic_year == academic_year)
            .order_by(Application.id.desc())
            .limit(1)
        )

    async def active(self, user_id: int, academic_year: int | None = None) -> Application | None:
        query = select(Application).where(
            Application.user_id == user_id, Application.status.in_([s.value for s in ACTIVE_STATUSES])
        )
        if academic_year is not None:
            query = query.where(Application.academic_year == academic_year)
        return await self.session.scalar(query.order_by(Application.id.desc()).limit(1))

    async def draft(self, user_id: int, academic_year: int, when: datetime) -> Application:
        """The open draft of this academic year, created on first use."""
        row = await self.session.scalar(select(Application).where(
            Application.user_id == user_id, Application.academic_year == academic_year,
            Application.status == ApplicationStatus.DRAFT.value,
        ))
        if row is None:
            row = Application(user_id=user_id, academic_year=academic_year,
                              status=ApplicationStatus.DRAFT.value, created_at=when)
            self.session.add(row)
            await self.session.flush()
        return row

    async def submit(
        self, app: Application, when: datetime, registered_on: date, claimed: str | None, snapshot: dict[str, object],
    ) -> Application:
        app.status = ApplicationStatus.SUBMITTED.value
        app.submitted_at = when
        app.registered_on = registered_on
        app.claimed_category = claimed
        app.snapshot = snapshot
        app.number = f"{app.academic_year}-{app.id:06d}"
        await self.session.flush()
        return app

    async def withdraw(self, app: Application, when: datetime) -> None:
        app.status = ApplicationStatus.WITHDRAWN.value
        app.withdrawn_at = when
        await self.session.flush()

    async def add_notice(
        self, app: Application, kind: str, locale: str, text: str, reasons: list[str], when: datetime,
    ) -> Notice:
        notice = Notice(application_id=app.id, kind=kind, locale=locale, text=text, reasons=reasons,
                        created_at=when)
        self.session.add(notice)
        await self.session.flush()
        return notice

    async def notices(self, application_id: int) -> list[Notice]:
        return list(await self.session.scalars(
            select(Notice).where(Notice.application_id == application_id).order_by(Notice.id)
        ))

    async def window(self, academic_year: int) -> tuple[date, date] | None:
        """The admin-set window of the academic year (table `application_windows`), if any."""
        try:  # the table and its model belong to the admin/reminders area
            from storage.broadcast_models import ApplicationWindow
        except ImportError:
            return None
        row = await self.session.get(ApplicationWindow, academic_year)
        return (row.opens_on, row.closes_on) if row is not None else None
