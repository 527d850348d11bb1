"""The reminder job's and the routing's reads take the same number of statements for 3 items as for 30:
no query per review, application, session member or secretary (at national scale that is thousands of
round trips, each holding the loop on SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import create_i18n
from bot.rule_book import RuleBook
from features.commission.composition.service import CommissionService
from features.commission.reminders import remind_secretaries
from features.reminders.service import ReminderService
from storage.checklist_models import Application
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionMember,
    CommissionSession,
)
from storage.profile_models import TeacherProfile, User
from tests.conftest import settings_for
from tests.fakes import RecordingSession

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Almaty: working hours
BOOK = RuleBook()


@contextmanager
def statements(session: AsyncSession) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = session.bind.sync_engine  # type: ignore[union-attr]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def _commissions(s: AsyncSession, count: int, first_secretary: int) -> list[Commission]:
    rows = [Commission(name=f"C{i}", level="district", region="karaganda", area_code="352410000", locale="ru",
                       order_number=f"{i}", order_date=date(2026, 9, 1), term_end=date(2029, 9, 1), created_by=1,
                       secretary_user_id=first_secretary + i) for i in range(count)]
    s.add_all(rows)
    for i in range(count):
        s.add(User(id=first_secretary + i, locale="kk" if i % 2 else "ru", is_active=True))
    await s.flush()
    return rows


async def _teachers(s: AsyncSession, first: int, count: int, status: str) -> list[Application]:
    apps = []
    for uid in range(first, first + count):
        s.add(User(id=uid, locale="ru", is_active=True))
        s.add(TeacherProfile(user_id=uid, consent_at=NOW, role="teacher", region="karaganda", area_code="352410000",
                             claimed_category="moderator", org_name="School"))
        apps.append(Application(user_id=uid, academic_year=2026, status=status, created_at=NOW,
                                claimed_category="moderator", number=f"N{uid}"))
    await s.flush()
    s.add_all(apps)
    await s.flush()
    return apps


async def _overdue_reviews(sessions: async_sessionmaker[AsyncSession], first: int, count: int) -> None:
    """`count` teachers whose reviews wait past their day, each at a commission of its own (a secretary each)."""
    async with sessions() as s:
        commissions = await _commissions(s, count, first + 50_000)
        apps = await _teachers(s, first, count, "registered")
        for app, c in zip(apps, commissions, strict=True):
            s.add(ApplicationReview(application_id=app.id, commission_id=c.id, user_id=app.user_id, status="pending",
                                    routed_at=NOW - timedelta(days=10), routed_on=NOW.date() - timedelta(days=10)))
        await s.commit()


async def test_overdue_reviews_take_the_same_statements_for_3_and_30(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    counts = []
    for first, count in ((1_000, 3), (2_000, 30)):
        await _overdue_reviews(sessions, first, count)
        async with sessions() as s:
            with statements(s) as seen:
                overdue = await CommissionService.in_force(s, BOOK, now=NOW).overdue_by_secretary(NOW)
            counts.append(len(seen))
        assert sum(len(v) for v in overdue.values()) == {3: 3, 30: 33}[count]
    assert counts[0] == counts[1]


async def test_reminding_the_secretaries_takes_the_same_statements_for_3_and_30(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    i18n = create_i18n("kk")
    counts, reminded = [], []
    for first, count in ((1_000, 3), (2_000, 30)):
        await _overdue_reviews(sessions, first, count)
        recording = RecordingSession()
        async with sessions() as s, Bot("42:TEST", session=recording) as bot:
            with statements(s) as seen:
                reminded.append(await remind_secretaries(bot, s, i18n, "kk", BOOK, now=NOW))
            await s.commit()
            counts.append(len(seen))
            sent = [r for r in recording.requests if isinstance(r, SendMessage)]
        # Each secretary once, in her own language; those of the first round are not reminded again.
        assert len(sent) == count
        assert {r.chat_id for r in sent} == {first + 50_000 + i for i in range(count)}
    assert reminded == [3, 30]
    assert counts[0] == counts[1]


async def test_overdue_extracts_take_the_same_statements_for_3_and_30(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    counts = []
    for first, count in ((1_000, 3), (2_000, 30)):
        async with sessions() as s:
            commissions = await _commissions(s, count, first + 50_000)
            for i, c in enumerate(commissions):
                meeting = CommissionSession(commission_id=c.id, number=1, session_date=NOW.date() - timedelta(days=20),
                                            status="closed", created_at=NOW)
                s.add(meeting)
                await s.flush()
                item = AgendaItem(session_id=meeting.id, application_id=first + i, user_id=first + i,
                                  full_name=f"Teacher {i}", position=1, role="teacher", claimed_category="moderator")
                s.add(item)
                await s.flush()
                decided = NOW - timedelta(days=20)
                s.add(CommissionDecision(candidate_id=item.id, decision="assign", outcome="assigned",
                                         decided_at=decided, decided_on=decided.date(),
                                         extract_due=NOW.date() - timedelta(days=10)))
            await s.commit()
        async with sessions() as s:
            with statements(s) as seen:
                late = await CommissionService.in_force(s, BOOK, now=NOW).overdue_extracts(NOW)
            counts.append(len(seen))
        assert sum(len(v) for v in late.values()) == {3: 3, 30: 33}[count]
    assert counts[0] == counts[1]


async def test_routing_destinations_take_the_same_statements_for_3_and_30(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    counts = []
    async with sessions() as s:
        await _commissions(s, 1, 90_000)
        await s.commit()
    for first, count in ((1_000, 3), (2_000, 30)):
        async with sessions() as s:
            await _teachers(s, first, count, "submitted")
            await s.commit()
        async with sessions() as s:
            with statements(s) as seen:
                destinations = await CommissionService.in_force(s, BOOK, now=NOW).destinations(NOW)
            counts.append(len(seen))
        assert len(destinations) == {3: 3, 30: 33}[count]
    assert counts[0] == counts[1]


async def test_session_reminders_take_the_same_statements_for_3_and_30_sessions(
        sessions: async_sessionmaker[AsyncSession], tmp_path: Any) -> None:
    settings = settings_for(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    service = ReminderService(Bot("42:TEST", session=RecordingSession()), sessions, create_i18n("kk"), settings,
                              rule_book=BOOK)
    tomorrow = NOW.date() + timedelta(days=1)  # a Thursday: the eve's reminder is due today
    counts, people = [], []
    for first, count in ((1_000, 3), (2_000, 30)):
        async with sessions() as s:
            commissions = await _commissions(s, count, first + 50_000)
            for i, c in enumerate(commissions):
                s.add(CommissionSession(commission_id=c.id, number=1, session_date=tomorrow, status="draft",
                                        created_at=NOW))
                for j in range(2):
                    uid = first + 10 * i + j
                    s.add(User(id=uid, locale="kk", is_active=True))
                    s.add(CommissionMember(commission_id=c.id, user_id=uid, full_name=f"M{uid}", role="member",
                                           is_chair=False, joined_at=NOW))
            await s.commit()
        async with sessions() as s:
            with statements(s) as seen:
                candidates = await service.session_reminders(s, NOW)
            counts.append(len(seen))
            people.append(len(candidates))
    assert people == [9, 99]  # two members and the secretary of each session
    assert counts[0] == counts[1]
