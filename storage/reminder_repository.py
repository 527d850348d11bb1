"""Queries of the reminders: windows per academic year, mutes, the teachers concerned, the once-only log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcast_models import ApplicationWindow, ReminderPreference, SentReminder
from storage.checklist_models import ACTIVE_STATUSES, Application, ApplicationStatus
from storage.profile_models import TeacherProfile, User

Key = tuple[int, str, int, str]


class ReminderRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # --- application windows (/window) ----------------------------------------------------------

    async def windows(self, years: Iterable[int]) -> dict[int, tuple[date, date]]:
        rows = await self.session.scalars(select(ApplicationWindow).where(ApplicationWindow.academic_year.in_(years)))
        return {row.academic_year: (row.opens_on, row.closes_on) for row in rows}

    async def set_window(self, year: int, opens: date, closes: date, by: int) -> None:
        row = await self.session.get(ApplicationWindow, year)
        if row is None:
            self.session.add(ApplicationWindow(academic_year=year, opens_on=opens, closes_on=closes, set_by=by))
        else:
            row.opens_on, row.closes_on, row.set_by = opens, closes, by
        await self.session.flush()

    async def reset_window(self, year: int) -> bool:
        result = await self.session.execute(delete(ApplicationWindow).where(ApplicationWindow.academic_year == year))
        return bool(getattr(result, "rowcount", 0))

    # --- mute (/reminders) ----------------------------------------------------------------------

    async def is_muted(self, user_id: int) -> bool:
        row = await self.session.get(ReminderPreference, user_id)
        return row is not None and row.muted

    async def set_muted(self, user_id: int, muted: bool) -> None:
        row = await self.session.get(ReminderPreference, user_id)
        if row is None:
            self.session.add(ReminderPreference(user_id=user_id, muted=muted))
        else:
            row.muted = muted
        await self.session.flush()

    # --- who may be concerned -------------------------------------------------------------------

    async def teachers(self, year: int) -> list[dict[str, Any]]:
        """Active, unmuted teachers with a category expiry date or an application this academic year,
        with that application's state (the `applications`)."""
        muted = select(ReminderPreference.user_id).where(ReminderPreference.muted.is_(True))
        draft = select(Application.user_id).where(
            Application.academic_year == year, Application.status == ApplicationStatus.DRAFT.value)
        submitted = select(Application.user_id).where(
            Application.academic_year == year, Application.status.in_([s.value for s in ACTIVE_STATUSES]))
        rows = await self.session.execute(
            select(User.id, User.locale, TeacherProfile.current_category, TeacherProfile.category_valid_until,
                   User.id.in_(draft), User.id.in_(submitted))
            .join(TeacherProfile, TeacherProfile.user_id == User.id)
            .where(User.is_active.is_(True), User.id.not_in(muted),
                   (TeacherProfile.category_valid_until.is_not(None)) | User.id.in_(draft))
        )
        return [
            {"user_id": int(uid), "locale": locale, "category": category, "valid_until": valid_until,
             "started": bool(started), "submitted": bool(done)}
            for uid, locale, category, valid_until, started, done in rows.all()
        ]

    # --- the once-only log ----------------------------------------------------------------------

    async def sent_keys(self, keys: list[Key]) -> set[Key]:
        found: set[Key] = set()
        for i in range(0, len(keys), 400):
            chunk = keys[i:i + 400]
            rows = await self.session.execute(
                select(SentReminder.user_id, SentReminder.kind, SentReminder.academic_year, SentReminder.occasion)
                .where(tuple_(SentReminder.user_id, SentReminder.kind, SentReminder.academic_year,
                              SentReminder.occasion).in_(chunk))
            )
            found |= {(int(u), str(k), int(y), str(o)) for u, k, y, o in rows.all()}
        return found

    async def claim(self, key: Key, now: datetime) -> int | None:
        """Insert the key (the caller commits at once); None when it exists: someone already sent it."""
        user_id, kind, year, occasion = key
        row = SentReminder(user_id=user_id, kind=kind, academic_year=year, occasion=occasion, status="claimed",
                           claimed_at=now)
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        return row.id

    async def record(self, claim_id: int, status: str, error: str | None = None) -> None:
        await self.session.execute(
            update(SentReminder).where(and_(SentReminder.id == claim_id))
            .values(status=status, error=error[:300] if error else None)
        )
