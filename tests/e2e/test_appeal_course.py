"""A complaint's whole course in the real bot process against the sandbox, on a fixed calendar day
(CLOCK_FIXED_DATE) just before Independence Day (Wednesday 16 December 2026): filed from /status with its
deadlines over the holiday and the weekend, forwarded, scheduled, upheld with its document. A second complaint
left alone is reminded on the working day before its deadline, then reported overdue to the admin, once,
across restarts on later fixed days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from features.appeals.callbacks import AppealDeskCallback, AppealFormCallback, AppealStartCallback, DeskAct, FormAct
from storage.appeal_models import AppealSubject
from storage.checklist_models import Application, ApplicationStatus
from storage.commission_models import AgendaItem, Commission, CommissionDecision, CommissionSession
from storage.profile_models import TeacherProfile, User
from tests.e2e.live_bot import LiveBot, buttons, running_bot
from tests.handlers.attestation_helpers import iin_for

ADMIN, SECRETARY, FIRST, SECOND = 7001, 7002, 7101, 7102
MONDAY = "2026-12-14"


async def seed(db: Path) -> dict[int, int]:
    """Two teachers whose applications the commission decided on 10 December; their application ids."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{db}")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as s:
            commission = Commission(level="district", name="District commission", order_number="17-к",
                                    order_date=date(2026, 9, 1), term_end=date(2029, 9, 1), locale="ru",
                                    secretary_user_id=SECRETARY, secretary_name="Secretary")
            s.add_all([commission, User(id=ADMIN, locale="ru"), User(id=SECRETARY, locale="kk")])
            await s.flush()
            sitting = CommissionSession(commission_id=commission.id, number=1, session_date=date(2026, 12, 10),
                                        status="closed", created_at=datetime.now(UTC))
            s.add(sitting)
            await s.flush()
            apps = {teacher: await decided(s, teacher, sitting.id, position) for position, teacher in
                    enumerate((FIRST, SECOND), start=1)}
            await s.commit()
            return apps
    finally:
        await engine.dispose()


async def decided(s: AsyncSession, teacher: int, session_id: int, position: int) -> int:
    now, on = datetime.now(UTC), date(2026, 12, 10)
    s.add(User(id=teacher, locale="ru"))
    s.add(TeacherProfile(
        user_id=teacher, consent_at=now, completed_at=now, full_name=f"Учитель {teacher}", iin=iin_for(teacher),
        role="teacher", teaching_post="subject", org_type="general_secondary", org_name="School No. 7",
        region="karaganda", area_code="351010000", current_category="moderator",
        category_valid_until=date(2030, 1, 1), experience_years=8, education="higher_pedagogical",
        claimed_category="expert", attestation_kind="regular", early_requirements=[], certificates=[],
        special_programme=False, transferred=False, email="t@mail.kz", phone="+77011234567"))
    await s.flush()
    app = Application(user_id=teacher, academic_year=2026, number=f"A-{teacher}",
                      status=ApplicationStatus.DECIDED.value, claimed_category="expert", created_at=now,
                      submitted_at=now, registered_on=on - timedelta(days=20))
    s.add(app)
    await s.flush()
    item = AgendaItem(session_id=session_id, application_id=app.id, user_id=teacher, position=position,
                      status="closed", full_name=f"Учитель {teacher}", role="teacher", claimed_category="expert")
    s.add(item)
    await s.flush()
    s.add(CommissionDecision(candidate_id=item.id, decision="current", assigned_category="moderator",
                             outcome="decided", decided_at=now, decided_on=on, extract_due=on + timedelta(days=5)))
    return app.id


async def file(live: LiveBot, teacher: int, app_id: int) -> str:
    await live.send("/status", user=teacher)
    await live.press(AppealStartCallback(application=app_id, subject=AppealSubject.DECISION).pack(), user=teacher)
    await live.send("Комиссия не учла результаты олимпиады моих учеников.", user=teacher)
    await live.press(AppealFormCallback(act=FormAct.FILES_DONE).pack(), user=teacher)
    ack = await live.press(AppealFormCallback(act=FormAct.ATTEND).pack(), user=teacher)
    assert ack is not None
    return str(ack["text"])


async def restart_on(live: LiveBot, day: str) -> None:
    await live.stop()
    live.extra_env["CLOCK_FIXED_DATE"] = day
    await live.start()


def bot_texts(live: LiveBot, user: int) -> list[str]:
    return [str(m.get("text") or "") for m in live.bot_messages(user)]


async def test_a_complaint_runs_its_course_over_a_holiday_and_an_ignored_one_is_reminded_then_overdue(
        tmp_path: Path) -> None:
    env = {"CLOCK_FIXED_DATE": MONDAY, "ADMIN_IDS": str(ADMIN), "REMINDER_CHECK_MINUTES": "1"}
    async with running_bot(tmp_path / "live", env=env) as live:
        for user in (ADMIN, SECRETARY, FIRST, SECOND):
            live.user(user)
        apps = await seed(live.db)
        for user in (ADMIN, SECRETARY):  # a bot cannot write first to someone who never wrote to it
            await live.send("/help", user=user)

        ack = await file(live, FIRST, apps[FIRST])
        # Registered Monday 14 December; 3 working days skip the 16th: Friday 18; 5 skip the weekend: Tuesday 22.
        assert "Ж-2026-000001" in ack and "14.12.2026" in ack
        assert "18.12.2026" in ack and "22.12.2026" in ack and "13.01.2027" in ack

        forward = AppealDeskCallback(act=DeskAct.FORWARD, appeal=1).pack()
        card = await live.message_with_button(forward, user=SECRETARY)
        assert "Ж-2026-000001" in str(card["text"])
        since = live.cursor(FIRST)
        await live.press(forward, user=SECRETARY)
        told = await live.reply(since=since, user=FIRST)
        assert "08.01.2027" in str(told["text"])  # the quality-control body's 15 working days from Monday

        await live.press(AppealDeskCallback(act=DeskAct.SCHEDULE, appeal=1).pack(), user=SECRETARY)
        since = live.cursor(FIRST)
        await live.send("21.12.2026 15:00", user=SECRETARY)
        told = await live.reply(since=since, user=FIRST)
        assert "21.12.2026" in str(told["text"]) and "15:00" in str(told["text"])

        since = live.cursor(FIRST)
        await live.press(AppealDeskCallback(act=DeskAct.REVOTE, appeal=1).pack(), user=SECRETARY)
        await live.until(lambda: any(m.get("document") for m in live.bot_messages(FIRST)),
                         what="the outcome's document in the teacher's chat")
        assert live.sql("select status, remedy, outcome_file_id is not null from appeals where id = 1") == [
            ("upheld", "revote", 1)]

        await file(live, SECOND, apps[SECOND])  # forward by Friday 18 December; nobody acts on it
        assert "Ж-2026-000002" in bot_texts(live, SECOND)[-1]
        before = len(bot_texts(live, SECRETARY))

        await restart_on(live, "2026-12-17")  # the working day before its deadline
        await live.until(lambda: any("⏰" in t and "Ж-2026-000002" in t for t in bot_texts(live, SECRETARY)),
                         what="the reminder to the secretary")
        reminder = next(m for m in live.bot_messages(SECRETARY) if "⏰" in str(m.get("text")))
        assert AppealDeskCallback(act=DeskAct.FORWARD, appeal=2).pack() in buttons(reminder)
        assert live.sql("select reminded_for from appeals where id = 2") == [("2026-12-18",)]

        await restart_on(live, "2026-12-21")  # past it
        await live.until(lambda: any("⚠️" in t and "Ж-2026-000002" in t for t in bot_texts(live, ADMIN)),
                         what="the overdue report to the admin")
        await restart_on(live, "2026-12-21")  # once: a restart sends neither again
        await live.quiet(2.0, user=ADMIN)
        assert sum("⚠️" in t and "Ж-2026-000002" in t for t in bot_texts(live, ADMIN)) == 1
        assert sum("⏰" in t for t in bot_texts(live, SECRETARY)[before:]) == 1
        assert not any("Ж-2026-000001" in t for t in bot_texts(live, ADMIN) if "⚠️" in t)  # the decided one
