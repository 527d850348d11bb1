"""/reminders, /window through the real Dispatcher, and the reminder service sending each reminder once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from sqlalchemy import select

from app.scheduler import create_job_store, sync_url
from bot.pipeline.metrics import REGISTRY
from features.broadcast.delivery import RateLimiter
from features.reminders.callbacks import ReminderMuteCallback
from features.reminders.service import ReminderService
from features.submission.callbacks import WindowCallback
from storage.broadcast_models import ApplicationWindow, SentReminder
from storage.checklist_models import Application
from storage.reminder_repository import ReminderRepository
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import make_teacher

TZ = ZoneInfo("Asia/Almaty")
REFUSAL = "This command is for administrators only."


async def no_wait(_: float) -> None:
    """The service's pacing without real waiting (speed is for the benchmark)."""


def service(h: Harness) -> ReminderService:
    return ReminderService(h.bot, h.app.sessions, h.app.i18n, h.app.settings, rule_book=h.app.rule_book,
                           limiter=RateLimiter(30, sleep=no_wait))


def tr(h: Harness, text: str, locale: str) -> str:
    return h.app.i18n.gettext(text, locale=locale)


async def sent_kinds(h: Harness, user_id: int) -> set[str]:
    async with h.app.sessions() as session:
        rows = await session.scalars(select(SentReminder).where(SentReminder.user_id == user_id))
        return {f"{r.kind}:{r.occasion}:{r.status}" for r in rows}


def sent_to(h: Harness, user_id: int) -> list[str]:
    return [r.text for r in h.session.requests if isinstance(r, SendMessage) and r.chat_id == user_id]


# --- /reminders -----------------------------------------------------------------------------------


async def test_mute_and_unmute(harness: Harness) -> None:
    teacher = harness.user(20, "ru")
    sent = await harness.text(teacher, "/reminders")
    on = tr(harness, "Reminders are on: the bot reminds you of the application window, its deadline and "
                     "your category's expiry (never between 21:00 and 09:00).", "ru")
    assert texts(sent)[-1] == on
    assert last_markup_data(sent) == [ReminderMuteCallback(mute=True).pack()]
    await harness.press(teacher, ReminderMuteCallback(mute=True).pack())
    async with harness.app.sessions() as session:
        assert await ReminderRepository(session).is_muted(20)
    sent = await harness.text(teacher, "/reminders")
    off = tr(harness, "Reminders are off: you will not get deadline or category-expiry reminders.", "ru")
    assert texts(sent)[-1] == off
    await harness.press(teacher, ReminderMuteCallback(mute=False).pack())
    async with harness.app.sessions() as session:
        assert not await ReminderRepository(session).is_muted(20)


# --- /window --------------------------------------------------------------------------------------


async def stored_windows(h: Harness) -> dict[int, tuple[date, date]]:
    async with h.app.sessions() as session:
        return {w.academic_year: (w.opens_on, w.closes_on) for w in await session.scalars(select(ApplicationWindow))}


async def test_window_is_for_admins_only(harness: Harness) -> None:
    for user_id, lang in ((5, "ru"), (6, "kk")):
        user = harness.user(user_id, lang)
        sent = await harness.text(user, "/window 01.09.2026 30.11.2026")
        assert texts(sent) == [harness.app.i18n.gettext(REFUSAL, locale=lang)]
        sent = await harness.press(user, WindowCallback(action="reset", year=2026).pack())
        assert alerts(sent) == [harness.app.i18n.gettext(REFUSAL, locale=lang)]
    assert await stored_windows(harness) == {}


async def test_admin_sets_shows_and_resets_the_window(harness: Harness) -> None:
    admin = harness.user(1, "ru")
    sent = await harness.text(admin, "/window")
    assert "01.09.2026 – 31.12.2026 (" + tr(harness, "default", "ru") in texts(sent)[-1]
    sent = await harness.text(admin, "/window 01.09.2026 30.11.2026")
    assert "01.09.2026 – 30.11.2026" in texts(sent)[-1]
    await harness.text(admin, "/window 2025 2026-06-01 2026-08-31")
    assert await stored_windows(harness) == {2026: (date(2026, 9, 1), date(2026, 11, 30)),
                                             2025: (date(2026, 6, 1), date(2026, 8, 31))}
    await harness.press(admin, WindowCallback(action="reset", year=2026).pack())
    assert 2026 not in await stored_windows(harness)


async def test_window_bad_input(harness: Harness) -> None:
    admin = harness.user(1, "kk")
    unreadable = "I could not read that. Send two dates, e.g. /window 01.09.2026 31.12.2026."
    for bad, answer in (("/window 31.12.2026", unreadable), ("/window 32.09.2026 31.12.2026", unreadable),
                        ("/window 31.12.2026 01.09.2026", "The window must close after it opens."),
                        ("/window 01.09.2026 01.12.2027", "A window can be at most one year long.")):
        sent = await harness.text(admin, bad)
        assert texts(sent)[-1] == tr(harness, answer, "kk"), bad
    assert await stored_windows(harness) == {}


# --- the service ----------------------------------------------------------------------------------


async def test_window_opening_sent_once_even_by_two_processes(harness: Harness) -> None:
    await make_teacher(harness, 30, "ru", category_valid_until=date(2027, 5, 20))
    await make_teacher(harness, 31, "kk", category_valid_until=date(2030, 5, 20))  # not concerned
    now = datetime(2026, 9, 1, 9, 0, tzinfo=TZ)
    sent_before = REGISTRY.get_sample_value("attestation_reminders_total", {"outcome": "sent"}) or 0
    # The window opening, and (never sent before) the 12-month expiry reminder of 20.05.2027.
    assert await service(harness).run(now) == 2
    assert await service(harness).run(now) == 0  # another process, or the next run
    # The metrics count what went out, once.
    assert REGISTRY.get_sample_value("attestation_reminders_total", {"outcome": "sent"}) == sent_before + 2
    assert (REGISTRY.get_sample_value("attestation_reminder_run_finished_timestamp_seconds") or 0) > 0
    assert await sent_kinds(harness, 30) == {"window_open:open:sent", "category_expiry:2027-05-20/12m:sent"}
    assert any("01.09.2026 – 31.12.2026" in text for text in sent_to(harness, 30))
    assert len(sent_to(harness, 30)) == 2
    assert sent_to(harness, 31) == []


async def test_a_claimed_key_is_never_sent_again(harness: Harness) -> None:
    await make_teacher(harness, 32, "ru", category_valid_until=date(2027, 5, 20))
    async with harness.app.sessions() as session:
        # A process that died after claiming: the key is there, the send may not have happened.
        assert await ReminderRepository(session).claim((32, "window_open", 2026, "open"), datetime.now(UTC))
        await session.commit()
    await service(harness).run(datetime(2026, 9, 1, 9, 0, tzinfo=TZ))
    assert await sent_kinds(harness, 32) == {"window_open:open:claimed", "category_expiry:2027-05-20/12m:sent"}
    assert all("01.09.2026 – 31.12.2026" not in text for text in sent_to(harness, 32))


async def test_quiet_hours_and_mute(harness: Harness) -> None:
    await make_teacher(harness, 33, "ru", category_valid_until=date(2027, 5, 20))
    assert await service(harness).run(datetime(2026, 9, 1, 0, 0, tzinfo=TZ)) == 0
    async with harness.app.sessions() as session:
        await ReminderRepository(session).set_muted(33, True)
        await session.commit()
    assert await service(harness).run(datetime(2026, 9, 1, 9, 0, tzinfo=TZ)) == 0


async def test_before_close_has_own_progress_and_window_from_admin(harness: Harness) -> None:
    await make_teacher(harness, 34, "ru", category_valid_until=None)
    async with harness.app.sessions() as session:
        session.add(Application(user_id=34, academic_year=2026, status="draft", created_at=datetime.now(UTC)))
        await ReminderRepository(session).set_window(2026, date(2026, 9, 1), date(2026, 11, 30), by=1)
        await session.commit()
    assert await service(harness).run(datetime(2026, 11, 23, 9, 0, tzinfo=TZ)) == 1  # 7 days before 30 Nov
    [text] = sent_to(harness, 34)
    assert await sent_kinds(harness, 34) == {"before_close:7d:sent"}
    assert "7" in text and "30.11.2026" in text
    assert tr(harness, "Still missing:", "ru") in text and "/checklist" in text


def test_sync_url_for_the_job_store(tmp_path: object) -> None:
    assert sync_url("sqlite+aiosqlite:///./data/bot.db") == "sqlite:///data/bot-jobs.db"
    assert sync_url("postgresql+asyncpg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert type(create_job_store("sqlite+aiosqlite:///:memory:")).__name__ == "SQLAlchemyJobStore"


async def test_scheduler_keeps_its_job_beside_the_bot_database(harness: Harness) -> None:
    import sqlite3

    from app.scheduler import APPEALS_JOB_ID, JOB_ID, start_scheduler

    scheduler = start_scheduler(service(harness), harness.app.settings)
    try:
        job = scheduler.get_job(JOB_ID)
        assert job is not None and job.next_run_time is not None
        assert str(job.next_run_time.tzinfo) == "Asia/Almaty"
    finally:
        scheduler.shutdown(wait=False)
    path = sync_url(harness.app.settings.database_url).split("///", 1)[1]
    assert path.endswith("bot-jobs.db")
    with sqlite3.connect(path) as db:
        assert {row[0] for row in db.execute("select id from apscheduler_jobs")} == {JOB_ID, APPEALS_JOB_ID}


async def test_the_job_store_never_waits_for_an_update_holding_the_write_lock(harness: Harness) -> None:
    """APScheduler writes its store on the loop's thread: it must not need the lock that an update, whose
    commit needs the loop, holds while it sends its replies."""
    import time

    from sqlalchemy import text

    from storage.profile_models import User

    store = create_job_store(harness.app.settings.database_url)
    async with harness.app.sessions() as session:
        session.add(User(id=77, is_active=True))
        await session.flush()  # the update now holds the bot database's write lock
        assert await session.scalar(text("select count(*) from users where id = 77")) == 1
        started = time.monotonic()
        with store.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(text("create table if not exists probe (n integer)"))
            conn.execute(text("insert into probe values (1)"))
        assert time.monotonic() - started < 1
        await session.commit()


async def test_members_and_the_secretary_are_reminded_on_the_working_day_before_a_session(harness: Harness) -> None:
    from storage.commission_repository import CommissionRepository
    from tests.handlers.commission_helpers import MEMBERS, SECRETARY, elect_chair, full_commission

    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    async with harness.app.sessions() as session:  # as /agenda's "new session" records it
        await CommissionRepository(session).create_session(cid, date(2026, 11, 30), SECRETARY,  # a Monday
                                                           datetime(2026, 11, 20, 5, 0, tzinfo=UTC))
        await session.commit()
    reminders = service(harness)
    expected = tr(harness, "Session No. {number} of the attestation commission «{name}» is on {date}. Please come: "
                  "the commission decides only with two thirds of its members present (§18).", "kk").format(
        number=1, name="District attestation commission of Karaganda", date="30.11.2026")
    thursday = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
    friday_early, friday = datetime(2026, 11, 27, 8, 0, tzinfo=TZ), datetime(2026, 11, 27, 9, 30, tzinfo=TZ)
    for moment in (thursday, friday_early):
        await reminders.run(moment)
        assert expected not in sent_to(harness, MEMBERS[0]) + sent_to(harness, SECRETARY)
    await reminders.run(friday)
    for user_id in (*MEMBERS, SECRETARY):
        assert sent_to(harness, user_id)[-1:] == [expected], user_id
    await reminders.run(datetime(2026, 11, 28, 12, 0, tzinfo=TZ))  # the weekend: sent once only
    assert all(sent_to(harness, user_id).count(expected) == 1 for user_id in (*MEMBERS, SECRETARY))
    assert await sent_kinds(harness, MEMBERS[0]) == {"session_eve:session-1:sent"}
