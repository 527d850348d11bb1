"""Commission storage on SQLite and PostgreSQL: one vote per member and candidate, also under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.commission_models import ItemStatus
from storage.commission_repository import CommissionRepository

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)


async def setup_item(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        c = await repo.create(level="district", name="C", region="karaganda", area_code="352410000",
                              order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1),
                              locale="ru", created_by=1)
        sess = await repo.create_session(c.id, date(2026, 10, 1), 1, NOW)
        item = await repo.add_item(session_id=sess.id, application_id=1, user_id=500, position=1, full_name="T",
                                   role="teacher", claimed_category="expert")
        assert await repo.item_transition(item.id, ItemStatus.WAITING, ItemStatus.VOTING)
        return c.id, sess.id, item.id


async def vote(sessions: async_sessionmaker[AsyncSession], session_id: int, item_id: int, member: int,
               decision: str) -> bool:
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert await repo.item_transition(item_id, ItemStatus.VOTING, ItemStatus.VOTING)
        return await repo.upsert_vote(session_id, item_id, member, decision, "expert", NOW)


async def test_vote_upsert_keeps_one_row_and_counts_changes(sessions: async_sessionmaker[AsyncSession]) -> None:
    _, session_id, item_id = await setup_item(sessions)
    assert await vote(sessions, session_id, item_id, 11, "claimed") is True
    assert await vote(sessions, session_id, item_id, 11, "current") is False
    async with sessions() as s:
        votes = await CommissionRepository(s).votes(item_id)
    assert [(v.member_user_id, v.decision, v.changes) for v in votes] == [(11, "current", 1)]


async def test_concurrent_presses_never_double_count(sessions: async_sessionmaker[AsyncSession]) -> None:
    _, session_id, item_id = await setup_item(sessions)
    results = await asyncio.gather(
        vote(sessions, session_id, item_id, 11, "claimed"),
        vote(sessions, session_id, item_id, 11, "claimed"),
        vote(sessions, session_id, item_id, 12, "claimed"),
    )
    assert sorted(results) == [False, True, True]
    async with sessions() as s:
        votes = await CommissionRepository(s).votes(item_id)
    assert sorted(v.member_user_id for v in votes) == [11, 12]


async def test_closed_item_refuses_the_lock(sessions: async_sessionmaker[AsyncSession]) -> None:
    _, _, item_id = await setup_item(sessions)
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert await repo.item_transition(item_id, ItemStatus.VOTING, ItemStatus.CLOSED)
        assert not await repo.item_transition(item_id, ItemStatus.VOTING, ItemStatus.VOTING)


async def test_invite_is_consumed_once_and_not_after_expiry(sessions: async_sessionmaker[AsyncSession]) -> None:
    commission_id, _, _ = await setup_item(sessions)
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        fresh = await repo.add_invite(commission_id=commission_id, code="abc", kind="member", created_by=1,
                                      created_at=NOW, expires_at=NOW + timedelta(days=1))
        old = await repo.add_invite(commission_id=commission_id, code="old", kind="member", created_by=1,
                                    created_at=NOW, expires_at=NOW - timedelta(seconds=1))
        assert await repo.consume_invite(fresh.id, 7, NOW)
        assert not await repo.consume_invite(fresh.id, 8, NOW)
        assert not await repo.consume_invite(old.id, 7, NOW)


async def test_member_added_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    commission_id, _, _ = await setup_item(sessions)
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert await repo.add_member(commission_id, 7, "A", "teacher", NOW)
        assert not await repo.add_member(commission_id, 7, "A", "teacher", NOW)
        await repo.set_chair(commission_id, 7)
        chair = await repo.chair(commission_id)
        assert chair is not None and chair.user_id == 7


async def test_abstentions_and_ballot_messages_keep_one_row_each(sessions: async_sessionmaker[AsyncSession]) -> None:
    _, _session_id, item_id = await setup_item(sessions)
    for message_id in (7, 9):  # the member pressed an older, then a newer copy of the ballot
        async with sessions() as s, s.begin():
            repo = CommissionRepository(s)
            await repo.set_ballot_message(item_id, 11, message_id)
            await repo.add_abstentions(item_id, [12, 13], 200, NOW)
    async with sessions() as s:
        repo = CommissionRepository(s)
        assert await repo.ballot_messages(item_id) == {11: 9}
        assert [(a.member_user_id, a.recorded_by) for a in await repo.abstentions(item_id)] == [(12, 200), (13, 200)]


async def test_the_order_is_recorded_until_its_certificates_are_taken_once(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    from storage.commission_models import SessionStatus

    c_id, session_id, _item_id = await setup_item(sessions)
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert not await repo.set_order(session_id, "45", date(2026, 10, 2), "Dept", "Head")  # not closed yet
        assert await repo.transition(session_id, [SessionStatus.DRAFT], SessionStatus.CLOSED)
        assert await repo.set_order(session_id, "45", date(2026, 10, 2), "Dept", "Head")

    async def take() -> bool:
        async with sessions() as s, s.begin():
            return await CommissionRepository(s).take_certificates(session_id, NOW)

    assert sorted(await asyncio.gather(take(), take())) == [False, True]
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert not await repo.set_order(session_id, "46", date(2026, 10, 3), "Dept", "Head")
        last = await repo.last_order(c_id)
    assert last is not None and (last.order_number, last.order_issuer, last.order_signatory) == ("45", "Dept", "Head")


async def test_only_a_draft_session_changes_its_date(sessions: async_sessionmaker[AsyncSession]) -> None:
    from storage.commission_models import SessionStatus

    _, session_id, _item_id = await setup_item(sessions)
    async with sessions() as s, s.begin():
        repo = CommissionRepository(s)
        assert await repo.set_session_date(session_id, date(2026, 10, 5))
        assert await repo.transition(session_id, [SessionStatus.DRAFT], SessionStatus.OPEN)
        assert not await repo.set_session_date(session_id, date(2026, 10, 6))
        row = await repo.get_session(session_id)
    assert row is not None and row.session_date == date(2026, 10, 5)
