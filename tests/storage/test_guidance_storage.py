"""What the teacher's guidance reads, on SQLite and PostgreSQL: the session an application is on, the essay
topics of each language, and who "not yet submitted" reaches."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.calendar import KZ_TZ, academic_year
from storage.broadcast_repository import SEGMENT_NOT_SUBMITTED, BroadcastRepository
from storage.checklist_models import Application
from storage.checklist_repository import EssayRepository
from storage.commission_models import CommissionMember
from storage.commission_repository import CommissionRepository
from storage.profile_models import TeacherProfile, User

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)


async def test_the_latest_session_an_application_is_on(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert await repo.agenda_entry(7) is None
        c = await repo.create(level="district", name="C", region="karaganda", area_code="352410000",
                              order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1),
                              locale="ru", created_by=1)
        for day in (date(2026, 10, 1), date(2026, 10, 8)):
            session = await repo.create_session(c.id, day, 1, NOW)
            await repo.add_item(session_id=session.id, application_id=7, user_id=500, position=1, full_name="T",
                                role="teacher", claimed_category="expert")
    async with sessions() as s:
        entry = await CommissionRepository(s).agenda_entry(7)
    assert entry is not None
    item, session, commission = entry
    assert session.session_date == date(2026, 10, 8) and commission.name == "C" and item.application_id == 7


async def test_topics_of_each_language_apart(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as s, s.begin():
        topics = EssayRepository(s)
        await topics.set_topics(2026, "kk", ["Ұстаз"], 1, NOW)
        await topics.set_topics(2026, "ru", ["Учитель", "Школа"], 1, NOW)
        await topics.set_topics(2026, "kk", ["Мектеп"], 1, NOW)
    async with sessions() as s:
        topics = EssayRepository(s)
        assert await topics.topics(2026, "kk") == ["Мектеп"]
        assert await topics.topics(2026, "ru") == ["Учитель", "Школа"]
        assert await topics.topics(2027, "kk") == []


async def test_not_yet_submitted_reaches_teachers_in_attestation_only(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    year = academic_year(datetime.now(UTC).astimezone(KZ_TZ).date())
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        c = await repo.create(level="district", name="C", region="karaganda", area_code="352410000",
                              order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1),
                              locale="ru", created_by=1)
        for user_id in (1, 2, 3, 4):  # a teacher, a submitted one, a teacher-member, the secretary
            s.add(User(id=user_id, locale="kk", is_active=True))
            s.add(TeacherProfile(user_id=user_id, consent_at=NOW))
        await s.flush()
        s.add(Application(user_id=2, academic_year=year, status="submitted", created_at=NOW))
        s.add(CommissionMember(commission_id=c.id, user_id=3, full_name="M", role="teacher", joined_at=NOW))
        await repo.set_secretary(c, 4, "S")
    async with sessions() as s:
        assert await BroadcastRepository(s).count_segment(SEGMENT_NOT_SUBMITTED, None) == 1
