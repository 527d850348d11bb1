"""The reminder run at scale: the set-based selection agrees with the per-teacher decision, the already-sent
keys are skipped exactly, and batches of claims are committed before their sends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select, update

from features.broadcast.delivery import RateLimiter
from features.reminders.service import ReminderService, window_of
from scoring.reminders import ReminderRules, Teacher, due_reminders, windows_to_check
from storage.broadcast_models import SentReminder
from storage.checklist_models import Application
from storage.profile_models import User
from storage.reminder_repository import ReminderRepository
from tests.conftest import Harness
from tests.handlers.attestation_helpers import make_teacher

TZ = ZoneInfo("Asia/Almaty")
# (category, expiry date, this year's application status or None, muted, active)
TEACHERS: dict[int, tuple[str | None, date | None, str | None, bool, bool]] = {
    101: ("moderator", date(2027, 5, 20), None, False, True),
    102: ("expert", date(2027, 3, 1), "draft", False, True),
    103: ("head_2", date(2027, 3, 15), None, False, True),
    104: ("deputy_1", date(2027, 1, 31), "draft", False, True),
    105: ("moderator", date(2027, 5, 20), "submitted", False, True),
    106: ("moderator", date(2027, 5, 20), None, True, True),   # muted
    107: ("moderator", date(2027, 5, 20), None, False, False),  # blocked the bot
    108: ("master", date(2030, 1, 10), "draft", False, True),
    109: (None, None, "draft", False, True),
    110: ("researcher", date(2026, 11, 30), None, False, True),
    111: ("HEAD_2", date(2027, 3, 15), None, False, True),       # not a leader's code: case matters
    112: ("expert", date(2027, 9, 1), None, False, True),
}
MOMENTS = [datetime(2026, 9, 1, 9, 0, tzinfo=TZ), datetime(2026, 10, 5, 10, 0, tzinfo=TZ),
           datetime(2026, 12, 1, 9, 30, tzinfo=TZ), datetime(2026, 12, 17, 12, 0, tzinfo=TZ),
           datetime(2027, 2, 28, 15, 0, tzinfo=TZ), datetime(2026, 12, 5, 23, 0, tzinfo=TZ),
           datetime(2027, 5, 20, 9, 0, tzinfo=TZ)]


async def no_wait(_: float) -> None:
    """No real waiting in tests."""


def service(h: Harness, rate: float = 30) -> ReminderService:
    return ReminderService(h.bot, h.app.sessions, h.app.i18n, h.app.settings, rule_book=h.app.rule_book,
                           limiter=RateLimiter(rate, sleep=no_wait))


async def teachers(h: Harness) -> None:
    for user_id, (category, valid_until, status, muted, active) in TEACHERS.items():
        await make_teacher(h, user_id, "kk", current_category=category, category_valid_until=valid_until)
        async with h.app.sessions() as session:
            if status is not None:
                session.add(Application(user_id=user_id, academic_year=2026, status=status,
                                        created_at=datetime.now(UTC)))
            if muted:
                await ReminderRepository(session).set_muted(user_id, True)
            if not active:
                await session.execute(update(User).where(User.id == user_id).values(is_active=False))
            await session.commit()


async def expected(h: Harness, reminders: ReminderService, now: datetime) -> set[tuple[Any, ...]]:
    """What the pure per-teacher decision (scoring.reminders.due_reminders) sends each teacher."""
    rules = reminders.rules(now)
    async with h.app.sessions() as session:
        windows = windows_to_check(now, TZ, await window_of(session, [2026, 2027], rules))
    keys = set()
    for user_id, (category, valid_until, status, muted, active) in TEACHERS.items():
        teacher = Teacher(user_id, muted=muted, active=active, category=category, valid_until=valid_until,
                          started=status == "draft", submitted=status == "submitted")
        keys |= {o.key(user_id) for o in due_reminders(teacher, now, windows, TZ, ReminderRules.from_rules(rules))}
    return keys


async def selected(reminders: ReminderService, now: datetime) -> list[tuple[Any, ...]]:
    return [c.occasion.key(c.user_id) async for batch in reminders.teacher_batches(now) for c in batch]


async def test_the_selection_is_the_per_teacher_decision(harness: Harness) -> None:
    await teachers(harness)
    reminders = service(harness)
    found_any = False
    for now in MOMENTS:
        keys = await selected(reminders, now)
        assert len(keys) == len(set(keys)), now
        assert set(keys) == await expected(harness, reminders, now), now
        found_any = found_any or bool(keys)
    assert found_any


async def test_the_anti_join_skips_exactly_the_keys_already_sent(harness: Harness) -> None:
    await teachers(harness)
    reminders = service(harness)
    now = datetime(2026, 12, 1, 9, 30, tzinfo=TZ)
    due = await expected(harness, reminders, now)
    assert len(due) >= 4
    already = set(sorted(due)[::2])
    async with harness.app.sessions() as session:
        # Sent keys of other years, occasions and kinds must not hide anything.
        near = {(u, k, y + 1, o) for u, k, y, o in already} | {(u, k, y, o + "x") for u, k, y, o in already}
        assert await ReminderRepository(session).claim_many(sorted(already | near), datetime.now(UTC))
        await session.commit()
    assert set(await selected(reminders, now)) == due - already


async def test_pages_cover_every_teacher_once(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("features.reminders.service.SELECTION_PAGE", 2)
    await teachers(harness)
    reminders = service(harness)
    for now in MOMENTS:
        keys = await selected(reminders, now)
        assert sorted(keys) == sorted(await expected(harness, reminders, now)), now


class Crash(Exception):
    pass


async def test_a_batch_of_claims_is_committed_before_its_sends(harness: Harness) -> None:
    await teachers(harness)
    now = datetime(2026, 9, 1, 9, 0, tzinfo=TZ)
    reminders = service(harness, rate=2)  # claims of about a second's sends: 2 at a time
    assert reminders.claim_batch == 2
    due = await expected(harness, reminders, now)
    assert len(due) >= 5
    sends = 0
    original = harness.bot.send_message

    async def crash_on_the_third(*args: Any, **kwargs: Any) -> Any:
        nonlocal sends
        sends += 1
        if sends == 3:
            raise Crash  # the process dies during the second batch's first send
        return await original(*args, **kwargs)

    harness.bot.send_message = crash_on_the_third  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await reminders.run(now)
    harness.bot.send_message = original  # type: ignore[method-assign]
    async with harness.app.sessions() as session:
        rows = {(r.user_id, r.kind, r.academic_year, r.occasion): r.status
                for r in await session.scalars(select(SentReminder))}
    assert sorted(rows.values()) == ["claimed", "claimed", "sent", "sent"]  # batch 1 recorded, batch 2 claimed
    assert await reminders.run(now) == len(due) - 4  # the rest; the claimed two are never sent again
    delivered = [(r.chat_id, r.text) for r in harness.session.requests if isinstance(r, SendMessage)]
    assert len(delivered) == len(set(delivered)) == len(due) - 2


async def test_blocked_teachers_are_recorded_with_their_batch(harness: Harness) -> None:
    await make_teacher(harness, 120, "ru", category_valid_until=date(2027, 5, 20))
    await make_teacher(harness, 121, "ru", category_valid_until=date(2027, 5, 20))
    from aiogram.exceptions import TelegramForbiddenError
    from aiogram.methods import SendMessage as Method

    original = harness.bot.send_message

    async def blocked_by_121(chat_id: int, text: str, **kwargs: Any) -> Any:
        if chat_id == 121:
            raise TelegramForbiddenError(Method(chat_id=chat_id, text=text), "Forbidden: bot was blocked by the user")
        return await original(chat_id, text, **kwargs)

    harness.bot.send_message = blocked_by_121  # type: ignore[method-assign]
    assert await service(harness).run(datetime(2026, 9, 1, 9, 0, tzinfo=TZ)) == 2  # 120's two reminders
    async with harness.app.sessions() as session:
        statuses = {(r.user_id, r.status) for r in await session.scalars(select(SentReminder))}
        assert statuses == {(120, "sent"), (121, "blocked")}
        assert (await session.get(User, 121, populate_existing=True)).is_active is False  # type: ignore[union-attr]
