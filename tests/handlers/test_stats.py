"""/stats: administrators get this year's progress in numbers and as a chart; others are refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile
from PIL import Image

from features.stats.service import StatsService
from features.stats.views import CHART_AREAS, report_chart, report_text
from scoring.regions import REGIONS
from scoring.rulesets import pilot
from storage.checklist_models import Application, ApplicationStatus, Essay
from storage.commission_models import ApplicationReview, Commission, ReviewStatus
from storage.outbox_repository import OutboxRepository
from storage.profile_models import TeacherProfile, User
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, texts
from tests.handlers.attestation_helpers import at, make_teacher

ADMIN = 1
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 11:00 in Almaty: 37 days left in the window
KARAGANDA, TEMIRTAU = "351010000", "352410000"  # KATO codes (scoring/data/areas.json)
REFUSAL = "This command is for administrators only."


async def seed(h: Harness) -> None:
    """Teachers at every stage: 8 agreed, 6 completed, 4 with an essay, 3 scored, 3 submitted (2 of them in
    Almaty city), 1 accepted, 1 decided, 1 refused; one teacher elsewhere only agreed."""
    for uid in range(201, 207):
        await make_teacher(h, uid, "ru", region="almaty_city" if uid in (204, 205) else "karaganda")
    async with h.app.sessions() as session:
        for uid in (207, 208):
            session.add(User(id=uid, locale="kk", is_active=True))
            session.add(TeacherProfile(user_id=uid, consent_at=NOW, region="abai" if uid == 208 else None))
        words = {201: 270, 202: 250, 203: 300, 204: 280, 205: 120}  # 205: too short, not counted
        for uid, count in words.items():
            session.add(Essay(user_id=uid, text="…", words=count, source="text", updated_at=NOW))
        for uid in (201, 203, 204):
            session.add(SelfAssessment(user_id=uid, sheet_id="teacher", answers={}, observations=[], updated_at=NOW))
        commission = Commission(name="District commission", level="district", region="karaganda", locale="ru",
                                order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1),
                                created_by=ADMIN)
        session.add(commission)
        await session.flush()
        apps = {203: (ApplicationStatus.SUBMITTED, ReviewStatus.REFUSED),
                204: (ApplicationStatus.UNDER_REVIEW, ReviewStatus.ACCEPTED),
                205: (ApplicationStatus.DECIDED, ReviewStatus.DECIDED),
                206: (ApplicationStatus.WITHDRAWN, None)}
        for uid, (status, review) in apps.items():
            app = Application(user_id=uid, academic_year=2026, status=status.value, created_at=NOW, submitted_at=NOW,
                              claimed_category="expert" if uid != 205 else "researcher", number=f"N-{uid}")
            session.add(app)
            await session.flush()
            if review is not None:
                session.add(ApplicationReview(application_id=app.id, commission_id=commission.id, user_id=uid,
                                              status=review.value, routed_at=NOW, routed_on=NOW.date()))
        await session.commit()


async def test_the_report_counts_each_stage(harness: Harness) -> None:
    await seed(harness)
    async with harness.app.sessions() as session:
        report = await StatsService(session, pilot()).report(NOW)
    assert [s.count for s in report.stages] == [8, 6, 4, 3, 3, 2, 1]
    assert report.refused == 1 and report.days_left == 37 and report.share(4) == 50
    assert report.claimed == {"expert": 2, "researcher": 1}  # the withdrawn one is not counted
    by_region = {a.key: (a.consented, a.submitted) for a in report.areas}
    assert by_region == {"karaganda": (4, 1), "almaty_city": (2, 2), "abai": (1, 0), None: (1, 0)}
    assert report.areas[0].key == "karaganda" and report.districts_of is None


async def test_a_regional_deployment_is_shown_by_district(harness: Harness) -> None:
    """All teachers in one region: the breakdown is by district (its KATO code), named in the reader's
    language."""
    for uid, area in ((401, TEMIRTAU), (402, KARAGANDA), (403, KARAGANDA), (404, KARAGANDA)):
        await make_teacher(harness, uid, "ru", region="karaganda", area_code=area)
    async with harness.app.sessions() as session:
        report = await StatsService(session, pilot()).report(NOW)
    assert report.districts_of == "karaganda"
    assert [(a.key, a.consented) for a in report.areas] == [(KARAGANDA, 3), (TEMIRTAU, 1)]

    def tr(msgid: str) -> str:
        return harness.app.i18n.gettext(msgid, locale="ru")

    text = report_text(report, tr, "ru")
    title = tr("By district: {region}").format(region=tr("Karaganda region"))
    assert tr("{areas} (agreed / submitted):").format(areas=title) in text
    assert "• Темиртау: 1 / 0" in text and "• Караганда: 3 / 0" in text
    assert "• Теміртау: 1 / 0" in report_text(report, tr, "kk")
    assert Image.open(io.BytesIO(report_chart(report, tr))).format == "PNG"


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_an_admin_gets_numbers_and_a_chart_in_their_language(harness: Harness, locale: str) -> None:
    await seed(harness)
    harness.app.dispatcher["clock"] = at(NOW)
    sent = await harness.text(harness.user(ADMIN, locale), "/stats")
    assert [type(r) for r in sent] == [SendMessage, SendPhoto]
    text = texts(sent)[0]

    def tr(msgid: str) -> str:
        return harness.app.i18n.gettext(msgid, locale=locale)

    assert text.startswith(tr("📊 Attestation {year}/{next}, as of {today}").format(
        year=2026, next=2027, today="25.11.2026"))
    assert tr("{days} days left").format(days=37) in text
    assert tr("{label}: {count} ({share}%)").format(label=tr("essay of the required length")[:1].upper()
                                                    + tr("essay of the required length")[1:], count=4, share=50) in text
    assert tr("Refused by a commission: {count}").format(count=1) in text
    photo = sent[1].photo
    assert isinstance(photo, BufferedInputFile)
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "PNG" and image.width > 600 and image.height > 400


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_others_are_refused_in_their_language(harness: Harness, locale: str) -> None:
    await make_teacher(harness, 300, locale)
    sent = await harness.text(harness.user(300, locale), "/stats")
    assert texts(sent) == [harness.app.i18n.gettext(REFUSAL, locale=locale)]
    assert not [r for r in sent if isinstance(r, SendPhoto)]


async def test_before_anyone_starts_and_with_every_region(harness: Harness) -> None:
    def tr(msgid: str) -> str:
        return harness.app.i18n.gettext(msgid, locale="ru")

    async with harness.app.sessions() as session:
        empty = await StatsService(session, pilot()).report(NOW)
    assert empty.started == 0 and empty.share(0) == 0
    assert tr("No teacher has started yet.") in report_text(empty, tr)
    assert report_chart(empty, tr).startswith(b"\x89PNG")

    async with harness.app.sessions() as session:
        for n, region in enumerate(REGIONS):
            session.add(TeacherProfile(user_id=1000 + n, consent_at=NOW, region=region.id))
            session.add(User(id=1000 + n, locale="ru", is_active=True))
        await session.commit()
        full = await StatsService(session, pilot()).report(NOW)
    assert len(full.areas) == len(REGIONS) > CHART_AREAS
    # Every region is named in the text; the chart adds up the smallest in one bar and still draws.
    text = report_text(full, tr)
    assert all(tr(region.label) in text for region in REGIONS)
    assert Image.open(io.BytesIO(report_chart(full, tr))).format == "PNG"


async def test_help_lists_the_admin_commands_to_admins_only(harness: Harness) -> None:
    await make_teacher(harness, 301, "ru")
    for_teacher = texts(await harness.text(harness.user(301, "ru"), "/help"))[0]
    for_admin = texts(await harness.text(harness.user(ADMIN, "ru"), "/help"))[0]
    assert "/stats" in for_admin and "/broadcast_status" in for_admin and "/window" in for_admin
    assert "/stats" not in for_teacher and "/broadcast" not in for_teacher
    assert for_admin.startswith(for_teacher)


async def test_applications_waiting_for_a_secretary_and_the_late_commissions(harness: Harness) -> None:
    """Routed on Friday 20 Nov: late by Wednesday 25 Nov (§23, 1 working day); routed that day: not yet."""
    await make_teacher(harness, 501, "ru")
    await make_teacher(harness, 502, "ru")
    async with harness.app.sessions() as session:
        commission = Commission(name="Комиссия района", level="district", region="karaganda", locale="ru",
                                order_number="1", order_date=date(2026, 9, 1), term_end=date(2027, 9, 1),
                                created_by=ADMIN)
        session.add(commission)
        await session.flush()
        for uid, routed in ((501, date(2026, 11, 20)), (502, date(2026, 11, 25))):
            app = Application(user_id=uid, academic_year=2026, status=ApplicationStatus.REGISTERED.value,
                              created_at=NOW, submitted_at=NOW, claimed_category="expert", number=f"W-{uid}")
            session.add(app)
            await session.flush()
            session.add(ApplicationReview(application_id=app.id, commission_id=commission.id, user_id=uid,
                                          status=ReviewStatus.PENDING.value, routed_at=NOW, routed_on=routed))
        await session.commit()
        report = await StatsService(session, pilot()).report(NOW)
    assert report.awaiting_review == 2
    assert report.late_commissions == {"Комиссия района": 1}

    def tr(msgid: str) -> str:
        return harness.app.i18n.gettext(msgid, locale="kk")

    text = report_text(report, tr)
    assert tr("Waiting for a secretary to accept or refuse: {count}").format(count=2) in text
    assert tr("⚠️ Waiting longer than 1 working day (§23): {list}").format(list="«Комиссия района» 1") in text


async def test_messages_the_bot_could_not_deliver_are_counted(harness: Harness) -> None:
    async with harness.app.sessions() as session:
        repo = OutboxRepository(session)
        rows = [(user_id, "sendMessage", {"text": "…"}) for user_id in (7, 8, 9)]
        old, recent, _waiting = await repo.add_many(rows, NOW)
        await repo.give_up(old, NOW - timedelta(days=8), 1, "Forbidden: bot was blocked by the user")
        await repo.give_up(recent, NOW - timedelta(days=1), 8, "Internal Server Error")
        await session.commit()
        report = await StatsService(session, pilot()).report(NOW)
    assert report.undelivered == 1  # the recent one; a message still being tried is not counted

    def tr(msgid: str) -> str:
        return harness.app.i18n.gettext(msgid, locale="ru")

    text = report_text(report, tr)
    assert tr("⚠️ Messages the bot could not deliver in the last 7 days (blocked the bot, never started it, or "
              "Telegram refused): {count}").format(count=1) in text
