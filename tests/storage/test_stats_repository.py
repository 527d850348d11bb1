"""The progress counts on SQLite and on PostgreSQL (the same aggregate queries on both)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.checklist_models import Application, Essay
from storage.commission_models import ApplicationReview, Commission
from storage.profile_models import TeacherProfile, User
from storage.scoring_models import SelfAssessment
from storage.stats_repository import StatsRepository

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


async def test_counts_by_stage_region_and_category(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as s:
        for uid, region, complete in ((1, "karaganda", True), (2, "karaganda", True), (3, "abai", False)):
            s.add(User(id=uid, locale="ru", is_active=True))
            s.add(TeacherProfile(user_id=uid, consent_at=NOW, region=region, completed_at=NOW if complete else None,
                                 area_code="352410000"))  # Temirtau
        s.add(User(id=4, locale="ru", is_active=True))  # declined consent: no profile, not counted anywhere
        await s.flush()  # no relationships declared: the users go in before what refers to them
        s.add(Essay(user_id=1, text="…", words=260, source="text", updated_at=NOW))
        s.add(Essay(user_id=2, text="…", words=90, source="text", updated_at=NOW))
        s.add(SelfAssessment(user_id=2, sheet_id="teacher", answers={}, observations=[], updated_at=NOW))
        commission = Commission(name="C", level="district", locale="ru", order_number="1",
                                order_date=date(2026, 9, 1), term_end=date(2027, 9, 1), created_by=9)
        s.add(commission)
        await s.flush()
        last_year = Application(user_id=2, academic_year=2025, status="decided", created_at=NOW,
                                claimed_category="moderator", number="A-0")
        this_year = Application(user_id=1, academic_year=2026, status="under_review", created_at=NOW,
                                claimed_category="expert", number="A-1")
        s.add_all([last_year, this_year])
        await s.flush()
        s.add(ApplicationReview(application_id=this_year.id, commission_id=commission.id, user_id=1,
                                status="accepted", routed_at=NOW, routed_on=NOW.date()))
        s.add(ApplicationReview(application_id=last_year.id, commission_id=commission.id, user_id=2,
                                status="decided", routed_at=NOW, routed_on=NOW.date()))
        await s.commit()

    async with sessions() as s:
        repo = StatsRepository(s)
        stages = await repo.stages(2026, 250, 300)
        assert (stages.consented, stages.profile_complete, stages.essay_in_range, stages.self_assessment_started,
                stages.submitted, stages.awaiting_review, stages.accepted, stages.refused, stages.decided) == (
            3, 2, 1, 1, 1, 0, 1, 0, 0)
        assert (await repo.stages(2026, 250, 300, region="abai")).consented == 1
        assert [(a.key, a.consented, a.submitted) for a in await repo.areas(2026)] == [
            ("karaganda", 2, 1), ("abai", 1, 0)]
        # By district: the KATO code; the name is the reader's language's (scoring.areas).
        [district] = await repo.areas(2026, region="karaganda")
        assert (district.key, district.consented, district.submitted) == ("352410000", 2, 1)
        assert await repo.claimed(2026) == {"expert": 1}
        assert await repo.claimed(2025) == {"moderator": 1}


async def test_the_counts_equal_a_recount_of_every_teacher(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Sixty teachers in two regions at every mix of stages (and a user without a profile, who counts
    nowhere): each stage's count, per region and in all, is what counting them one by one gives."""
    import random

    rnd = random.Random(7)
    regions = ["karaganda", "abai"]
    teachers = []  # (region, complete, essay words or None, scored, status of this year's application or None)
    async with sessions() as s:
        s.add(User(id=9_999, locale="ru", is_active=True))
        for uid in range(1, 61):
            region = rnd.choice(regions)
            complete = rnd.random() < 0.6
            words = rnd.choice([None, 90, 260, 280, 400])
            scored = rnd.random() < 0.5
            status = rnd.choice([None, "draft", "submitted", "registered", "under_review", "decided", "withdrawn"])
            teachers.append((region, complete, words, scored, status))
            s.add(User(id=uid, locale="kk", is_active=True))
            s.add(TeacherProfile(user_id=uid, consent_at=NOW, region=region, completed_at=NOW if complete else None))
        await s.flush()
        s.add(Essay(user_id=9_999, text="…", words=260, source="text", updated_at=NOW))  # no profile: not counted
        for uid, (_region, _complete, words, scored, status) in enumerate(teachers, start=1):
            if words is not None:
                s.add(Essay(user_id=uid, text="…", words=words, source="text", updated_at=NOW))
            if scored:  # two sheets: a teacher is counted once
                for sheet in ("teacher", "methodist"):
                    s.add(SelfAssessment(user_id=uid, sheet_id=sheet, answers={}, observations=[], updated_at=NOW))
            s.add(Application(user_id=uid, academic_year=2025, status="decided", created_at=NOW))  # last year's
            if status is not None:
                s.add(Application(user_id=uid, academic_year=2026, status=status, created_at=NOW))
        await s.commit()

    submitted = {"submitted", "registered", "under_review", "decided"}
    async with sessions() as s:
        repo = StatsRepository(s)
        for region in (None, *regions):
            mine = [t for t in teachers if region is None or t[0] == region]
            stages = await repo.stages(2026, 250, 300, region=region)
            assert (stages.consented, stages.profile_complete, stages.essay_in_range, stages.self_assessment_started,
                    stages.submitted) == (
                len(mine), sum(1 for t in mine if t[1]), sum(1 for t in mine if 250 <= (t[2] or 0) <= 300),
                sum(1 for t in mine if t[3]), sum(1 for t in mine if t[4] in submitted))
        per_region = {a.key: (a.consented, a.submitted) for a in await repo.areas_of(
            await repo.teacher_stages(2026, 250, 300))}
        assert per_region == {r: (sum(1 for t in teachers if t[0] == r),
                                  sum(1 for t in teachers if t[0] == r and t[4] in submitted)) for r in regions}
