"""Repositories: the only place that issues queries. Handlers and services never build SQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import ACTIVE_STATUSES, Application
from storage.profile_models import TeacherProfile, User

# Ids per IN list: well under SQLite's and asyncpg's bound-parameter limits.
ID_CHUNK = 5000


# Built once: every button answer in the questionnaire runs it.
_WITH_SUBMISSION = select(
    TeacherProfile,
    exists().where(Application.user_id == TeacherProfile.user_id,
                   Application.status.in_([s.value for s in ACTIVE_STATUSES])),
).where(TeacherProfile.user_id == bindparam("user_id"))


class UserRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get_or_create(self, user_id: int) -> User:
        return await self.settle(user_id, await self.session.get(User, user_id))

    async def settle(self, user_id: int, user: User | None) -> User:
        """The user's row as read (None: there is none yet), created or marked active again as needed."""
        if user is None:
            user = User(id=user_id, is_active=True)
            self.session.add(user)
            await self.session.flush()
        elif not user.is_active:
            # Marked inactive when they blocked the bot; writing to it again means they unblocked it.
            user.is_active = True
        return user

    async def set_locale(self, user: User, locale: str) -> None:
        user.locale = locale
        await self.session.flush()

    async def locales(self, user_ids: Iterable[int]) -> dict[int, str | None]:
        """The stored language of each of these users that exists, in one query per 5,000 ids."""
        ids = sorted(set(user_ids))
        found: dict[int, str | None] = {}
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start:start + ID_CHUNK]
            rows = await self.session.execute(select(User.id, User.locale).where(User.id.in_(chunk)))
            found.update((int(u), loc) for u, loc in rows.all())
        return found


class ProfileRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, user_id: int) -> TeacherProfile | None:
        return await self.session.get(TeacherProfile, user_id)

    async def with_submission(self, user_id: int) -> tuple[TeacherProfile | None, bool]:
        """Her profile, and whether an application of hers is submitted (it freezes some answers), in one query:
        a button answer needs both (ApplicationRepository.active is the same test)."""
        row = (await self.session.execute(_WITH_SUBMISSION, {"user_id": user_id})).first()
        return (row[0], bool(row[1])) if row is not None else (None, False)

    async def many(self, user_ids: Iterable[int]) -> dict[int, TeacherProfile]:
        """The profiles of these users that exist, by user id, in one query per 5,000 ids."""
        ids = sorted(set(user_ids))
        found: dict[int, TeacherProfile] = {}
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start:start + ID_CHUNK]
            found.update((p.user_id, p) for p in await self.session.scalars(
                select(TeacherProfile).where(TeacherProfile.user_id.in_(chunk))))
        return found

    async def give_consent(self, user_id: int, when: datetime) -> TeacherProfile:
        profile = await self.get(user_id)
        if profile is None:
            profile = TeacherProfile(user_id=user_id, consent_at=when)
            self.session.add(profile)
        else:
            profile.consent_at = when
        await self.session.flush()
        return profile

    async def set_field(self, profile: TeacherProfile, field: str, value: Any) -> None:
        setattr(profile, field, value)
        await self.session.flush()

    async def by_iin(self, iin: str) -> TeacherProfile | None:
        return await self.session.scalar(select(TeacherProfile).where(TeacherProfile.iin == iin))
