"""Complaints (§26) through the real Dispatcher: filed from /status about a decision or a refusal, with its number
and deadlines over Independence Day; the secretary and the admins forward, schedule and decide it, each step told
to the teacher in her language; the outcome's PDF is in her record; refusals, forged buttons, one's own complaint;
the scheduler's reminders and overdue reports, each once; /stats counts open and overdue ones."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import Sticker
from pypdf import PdfReader
from sqlalchemy import select

from bot.i18n import create_i18n
from bot.settings import Settings
from features.appeals.callbacks import (
    AppealDeskCallback,
    AppealFormCallback,
    AppealStartCallback,
    DeskAct,
    FormAct,
)
from features.appeals.service import GROUNDS_MAX, REASONS_MAX
from features.appeals.watch import AppealWatch
from features.verification.service import Status, VerificationService
from features.verification.views import STATUS_LINES
from scoring.dates import format_day
from storage.appeal_models import Appeal, AppealFile, AppealSubject
from storage.checklist_models import ApplicationStatus
from storage.checklist_repository import ApplicationRepository
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionSession,
    ReviewStatus,
)
from storage.file_models import StoredFile
from storage.outbox_models import OutboxMessage
from storage.profile_models import User
from storage.verification_models import IssuedDocument
from tests.conftest import Harness, alerts, last_markup_data, started, texts
from tests.handlers.attestation_helpers import make_teacher, pdf

I18N = create_i18n("kk")
ADMIN, SECRETARY, TEACHER, OTHER, OUTSIDER = 1, 200, 301, 302, 900
MONDAY = date(2026, 12, 14)  # Wednesday 16 December 2026 is Independence Day
DECIDED_ON = date(2026, 12, 10)


def tr(text: str, locale: str, **params: object) -> str:
    out = I18N.gettext(text, locale=locale)
    return out.format(**params) if params else out


def fixed(settings: Settings, day: date) -> Settings:
    return settings.model_copy(update={"clock_fixed_date": day})


@pytest.fixture
async def h(settings: Settings) -> AsyncIterator[Harness]:
    harness = await started(fixed(settings, MONDAY))
    yield harness
    await harness.app.close()


async def decided_application(h: Harness, teacher: int = TEACHER, secretary: int = SECRETARY,
                              decided_on: date = DECIDED_ON) -> int:
    """A teacher's application the commission (secretary `secretary`) decided on `decided_on`."""
    await make_teacher(h, teacher, full_name=f"Teacher {teacher}")
    now = datetime.now(UTC)
    async with h.app.sessions() as s:
        for user, locale in ((secretary, "kk"), (ADMIN, "ru")):
            if await s.get(User, user) is None:
                s.add(User(id=user, locale=locale, is_active=True))
        repo = ApplicationRepository(s)
        app = await repo.draft(teacher, 2026, now)
        await repo.submit(app, now, decided_on - timedelta(days=20), "expert", {"files": {}, "essay_words": None})
        app.status = ApplicationStatus.DECIDED.value
        commission = await s.scalar(select(Commission).where(Commission.secretary_user_id == secretary))
        if commission is None:
            commission = Commission(level="district", name="District commission", order_number="17-к",
                                    order_date=date(2026, 9, 1), term_end=date(2029, 9, 1), locale="ru",
                                    secretary_user_id=secretary, secretary_name="Secretary")
            s.add(commission)
            await s.flush()
        sitting = CommissionSession(commission_id=commission.id, number=1, session_date=decided_on, status="closed",
                                    created_at=now)
        s.add(sitting)
        await s.flush()
        item = AgendaItem(session_id=sitting.id, application_id=app.id, user_id=teacher, position=1, status="closed",
                          full_name=f"Teacher {teacher}", role="teacher", claimed_category="expert")
        s.add(item)
        await s.flush()
        s.add(CommissionDecision(candidate_id=item.id, decision="current", assigned_category="moderator",
                                 outcome="decided", decided_at=now, decided_on=decided_on,
                                 extract_due=decided_on + timedelta(days=5)))
        await s.commit()
        return app.id


def start_button(app_id: int, subject: AppealSubject = AppealSubject.DECISION) -> str:
    return AppealStartCallback(application=app_id, subject=subject).pack()


def desk(act: DeskAct, appeal_id: int) -> str:
    return AppealDeskCallback(act=act, appeal=appeal_id).pack()


async def file_complaint(h: Harness, app_id: int, teacher: int = TEACHER, attend: bool = True,
                         files: int = 1) -> list[TelegramMethod[Any]]:
    user = h.user(teacher)
    await h.press(user, start_button(app_id))
    await h.text(user, "The commission did not count my students' olympiad results.")
    for n in range(files):
        await h.send(user, document=pdf(f"appeal-{teacher}-{n}"))
    await h.press(user, AppealFormCallback(act=FormAct.FILES_DONE).pack())
    return await h.press(user, AppealFormCallback(act=FormAct.ATTEND if attend else FormAct.ABSENT).pack())


async def only_appeal(h: Harness) -> Appeal:
    async with h.app.sessions() as s:
        rows = list(await s.scalars(select(Appeal)))
        assert len(rows) == 1
        return rows[0]


def sent_to(requests: list[TelegramMethod[Any]], chat: int) -> list[str]:
    return [r.text for r in requests if isinstance(r, SendMessage) and r.chat_id == chat]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


async def test_status_offers_the_complaint_and_the_acknowledgement_has_its_number_and_deadlines(h: Harness) -> None:
    app_id = await decided_application(h)
    status = await h.text(h.user(TEACHER), "/status")
    assert start_button(app_id) in last_markup_data(status)
    sent = await file_complaint(h, app_id)
    ack = "\n".join(sent_to(sent, TEACHER))
    assert tr("✅ Your complaint is registered: No. {number} of {day}.", "ru", number="Ж-2026-000001",
              day="14.12.2026") in ack
    # 3 working days: 15, 17 (16th is a holiday), 18; 5: … 21, 22 (19–20 a weekend); 15 after 18 December.
    assert "18.12.2026" in ack and "22.12.2026" in ack and "13.01.2027" in ack
    appeal = await only_appeal(h)
    assert (appeal.user_id, appeal.attend, appeal.subject_on) == (TEACHER, True, DECIDED_ON)
    async with h.app.sessions() as s:
        kept = list(await s.scalars(select(AppealFile).where(AppealFile.appeal_id == appeal.id)))
        assert len(kept) == 1 and kept[0].stored_file_id is not None
        stored = await s.get(StoredFile, kept[0].stored_file_id)
        assert stored is not None and stored.owner_user_id == TEACHER
    # The secretary (kk) and the admin (ru) each get the card in their language, with the actions.
    for holder, locale in ((SECRETARY, "kk"), (ADMIN, "ru")):
        card = "\n".join(sent_to(sent, holder))
        assert tr("📝 Complaint No. {number} of {day} (§26)", locale, number=appeal.number, day="14.12.2026") in card
        assert "olympiad" in card
    assert desk(DeskAct.FORWARD, appeal.id) in last_markup_data(sent)
    status = await h.text(h.user(TEACHER), "/status")
    assert appeal.number in "\n".join(texts(status))
    assert start_button(app_id) not in last_markup_data(status)  # one complaint about it


async def test_grounds_empty_or_too_long_and_files_of_other_types_are_refused(h: Harness) -> None:
    app_id = await decided_application(h)
    user = h.user(TEACHER)
    await h.press(user, start_button(app_id))
    sent = await h.send(user, sticker=Sticker(file_id="st", file_unique_id="st", type="regular", width=1, height=1,
                                              is_animated=False, is_video=False))
    assert tr("The grounds are empty: type what you disagree with and why, in one message.", "ru") in texts(sent)
    sent = await h.text(user, "x" * (GROUNDS_MAX + 1))
    assert tr("This text is {length} characters long; at most {max} fit. Shorten it and send it again.", "ru",
              length=GROUNDS_MAX + 1, max=GROUNDS_MAX) in texts(sent)
    await h.text(user, "Grounds")
    h.session.files["F-exe"] = b"MZ\x90\x00 not a document"
    sent = await h.send(user, document=pdf("exe", name="scan.pdf"))
    assert tr("This file is not a PDF, JPEG, PNG or DOCX document. Send the document in one of these formats.",
              "ru") in texts(sent) + alerts(sent)
    async with h.app.sessions() as s:
        assert not list(await s.scalars(select(StoredFile)))


async def test_cancel_leaves_the_form_and_files_nothing(h: Harness) -> None:
    app_id = await decided_application(h)
    user = h.user(TEACHER)
    await h.press(user, start_button(app_id))
    await h.text(user, "/cancel")
    await h.text(user, "These words are no grounds any more.")
    sent = await h.press(user, AppealFormCallback(act=FormAct.ATTEND).pack())
    assert not [t for t in texts(sent) if "Ж-" in t]
    async with h.app.sessions() as s:
        assert not list(await s.scalars(select(Appeal)))
    status = await h.text(user, "/status")
    assert start_button(app_id) in last_markup_data(status)  # she may still complain


async def test_out_of_period_or_without_a_decision_a_complaint_is_refused(h: Harness, settings: Settings) -> None:
    app_id = await decided_application(h)
    await h.app.close()
    late = await started(fixed(settings, date(2027, 3, 11)))  # 3 months after 10 December is 10 March
    try:
        status = await late.text(late.user(TEACHER), "/status")
        assert start_button(app_id) not in last_markup_data(status)
        sent = await late.press(late.user(TEACHER), start_button(app_id))
        assert tr("The period for a complaint about this ended on {date}: complaints are taken for {months} "
                  "month(s) after the refusal or decision.", "ru", date="10.03.2027", months=3) in (
            texts(sent) + alerts(sent))
        sent = await late.press(late.user(TEACHER), start_button(app_id, AppealSubject.REFUSAL))
        assert tr("There is nothing to complain about: a complaint is about a commission's refusal to accept your "
                  "documents or about its decision on your application (§26).", "ru") in texts(sent) + alerts(sent)
    finally:
        await late.app.close()


async def test_a_refusal_of_the_documents_can_be_complained_about(h: Harness) -> None:
    await make_teacher(h, OTHER)
    now = datetime(2026, 12, 11, 6, 0, tzinfo=UTC)
    async with h.app.sessions() as s:
        s.add(User(id=SECRETARY, locale="kk", is_active=True))
        commission = Commission(level="district", name="District commission", order_number="1", locale="ru",
                                order_date=date(2026, 9, 1), term_end=date(2029, 9, 1), secretary_user_id=SECRETARY)
        s.add(commission)
        app = await ApplicationRepository(s).draft(OTHER, 2026, now)
        await s.flush()
        s.add(ApplicationReview(application_id=app.id, commission_id=commission.id, user_id=OTHER,
                                status=ReviewStatus.REFUSED.value, routed_at=now, routed_on=now.date(), acted_at=now,
                                acted_by=SECRETARY))
        await s.commit()
        app_id = app.id
    status = await h.text(h.user(OTHER), "/status")
    assert start_button(app_id, AppealSubject.REFUSAL) in last_markup_data(status)
    await h.press(h.user(OTHER), start_button(app_id, AppealSubject.REFUSAL))
    await h.text(h.user(OTHER), "My diploma was attached.")
    await h.press(h.user(OTHER), AppealFormCallback(act=FormAct.FILES_DONE).pack())
    sent = await h.press(h.user(OTHER), AppealFormCallback(act=FormAct.ABSENT).pack())
    assert "Ж-2026-000001" in "\n".join(sent_to(sent, OTHER))
    appeal = await only_appeal(h)
    assert (appeal.subject, appeal.subject_on, appeal.commission_id) == ("refusal", date(2026, 12, 11), 1)


async def test_no_one_complains_about_someone_elses_application(h: Harness) -> None:
    app_id = await decided_application(h)
    await make_teacher(h, OTHER)
    sent = await h.press(h.user(OTHER), start_button(app_id))
    assert tr("This application is not yours: a complaint is filed only about one's own application.", "ru") in (
        texts(sent) + alerts(sent))
    async with h.app.sessions() as s:
        assert not list(await s.scalars(select(Appeal)))


async def test_the_secretary_forwards_schedules_and_upholds_and_the_teacher_is_told_each_step(h: Harness) -> None:
    app_id = await decided_application(h)
    await file_complaint(h, app_id)
    appeal = await only_appeal(h)
    secretary = h.user(SECRETARY)
    sent = await h.press(secretary, desk(DeskAct.FORWARD, appeal.id))
    # Forwarded on Monday 14 December: the quality-control body's 15 working days skip the 16th, 19–20, 26–27
    # December, 1–4 January (the 4th a day off moved) and Christmas on the 7th: Friday 8 January.
    told = "\n".join(sent_to(sent, TEACHER))
    assert tr("📨 Your complaint No. {number} was forwarded with the case to the quality-control body on {day}. "
              "It is to be reviewed there by {by}.", "ru", number=appeal.number, day="14.12.2026",
              by="08.01.2027") in told
    again = await h.press(secretary, desk(DeskAct.FORWARD, appeal.id))
    assert not sent_to(again, TEACHER)
    await h.press(secretary, desk(DeskAct.SCHEDULE, appeal.id))
    sent = await h.text(secretary, "tomorrow at three")
    assert tr("That is not a date and time: type them as DD.MM.YYYY HH:MM, e.g. 21.12.2026 15:00.", "kk") in texts(sent)
    sent = await h.text(secretary, "01.12.2026 15:00")
    assert tr("That moment has passed: type a later date and time.", "kk") in texts(sent) + alerts(sent)
    sent = await h.text(secretary, "21.12.2026 15:00")
    told = "\n".join(sent_to(sent, TEACHER))
    assert tr("🗓 The review of your complaint No. {number} is on {day} at {time}.", "ru", number=appeal.number,
              day="21.12.2026", time="15:00") in told
    assert tr("You asked to attend it: please come.", "ru") in told
    assert tr("She wants to attend the review.", "kk") in "\n".join(sent_to(sent, SECRETARY))
    sent = await h.press(secretary, desk(DeskAct.REVOTE, appeal.id))
    told = "\n".join(sent_to(sent, TEACHER))
    assert tr("the commission votes on the application again", "ru") in told
    assert tr("The application's extract and certificate are to be revoked and issued again after the new vote or "
              "the correction.", "kk") in "\n".join(sent_to(sent, SECRETARY))
    document = next(r for r in sent if isinstance(r, SendDocument) and r.chat_id == TEACHER)
    data = document.document.data  # type: ignore[union-attr]
    assert appeal.number in pdf_text(data)
    async with h.app.sessions() as s:
        row = await s.get(Appeal, appeal.id)
        assert row is not None and row.status == "upheld" and row.remedy == "revote"
        assert row.reissue_requested_at is not None and row.outcome_file_id is not None
        stored = await s.get(StoredFile, row.outcome_file_id)
        assert stored is not None and stored.owner_user_id == TEACHER and stored.detected_type == "pdf"
    late = await h.press(h.user(ADMIN), desk(DeskAct.REJECT, appeal.id))
    assert not sent_to(late, TEACHER)


async def issue_documents(h: Harness, app_id: int) -> list[str]:
    """The application's extract and certificate in the registry, as the documents feature issues them."""
    async with h.app.sessions() as s:
        item = await s.scalar(select(AgendaItem).where(AgendaItem.application_id == app_id))
        assert item is not None
        sitting = await s.get(CommissionSession, item.session_id)
        decision = await s.scalar(select(CommissionDecision).where(CommissionDecision.candidate_id == item.id))
        assert sitting is not None and decision is not None
        commission = await s.get(Commission, sitting.commission_id)
        assert commission is not None
        decision.certificate_number = "17-2026-0001"
        registry = VerificationService(s, h.app.settings)
        extract = await registry.extract(commission, sitting, item, datetime.now(UTC))
        certificate = await registry.certificate(commission, item, decision, datetime.now(UTC))
        await s.commit()
    assert extract is not None
    return [extract.code, certificate.code]


async def test_an_upheld_complaint_revokes_the_documents_and_tells_her_once(h: Harness) -> None:
    app_id = await decided_application(h)
    codes = await issue_documents(h, app_id)
    await file_complaint(h, app_id)
    appeal = await only_appeal(h)
    sent = await h.press(h.user(SECRETARY), desk(DeskAct.REVOTE, appeal.id))
    told = sent_to(sent, TEACHER)
    documents = (f"{tr('extract from the minutes', 'ru')} {codes[0]}, {tr('certificate', 'ru')} {codes[1]}")
    assert told == [tr("✅ Your complaint No. {number} is upheld: {remedy}. These documents of the decision are "
                       "revoked and will be issued again: {documents}.", "ru", number=appeal.number,
                       remedy=tr("the commission votes on the application again", "ru"), documents=documents)
                    + "\n" + tr("The document of the outcome follows and is kept in your record.", "ru")]
    async with h.app.sessions() as s:
        rows = list(await s.scalars(select(IssuedDocument).order_by(IssuedDocument.id)))
        assert [(r.revoked_reason, r.revoked_by) for r in rows] == [
            (f"complaint {appeal.number} upheld: revote", SECRETARY)] * 2
        revoked_on = format_day(VerificationService(s, h.app.settings).local_day(rows[0].revoked_at))  # type: ignore[arg-type]
    for code, locale in zip(codes, ("kk", "ru"), strict=True):
        reader = h.user(OUTSIDER + len(locale), language_code=locale)
        answer = texts(await h.text(reader, f"/verify {code}"))[-1]
        reason = tr("complaint {number} upheld: {remedy}", locale, number=appeal.number,
                    remedy=tr("a new vote", locale))
        assert answer.startswith(tr(STATUS_LINES[Status.REVOKED], locale, date=revoked_on, reason=reason))
    again = await h.press(h.user(ADMIN), desk(DeskAct.CORRECT, appeal.id))
    assert not sent_to(again, TEACHER)


async def test_an_admin_rejects_with_reasons_and_the_document_states_them(h: Harness) -> None:
    app_id = await decided_application(h)
    await file_complaint(h, app_id, attend=False, files=0)
    appeal = await only_appeal(h)
    admin = h.user(ADMIN)
    await h.press(admin, desk(DeskAct.REJECT, appeal.id))
    sent = await h.text(admin, "y" * (REASONS_MAX + 1))
    assert tr("This text is {length} characters long; at most {max} fit. Shorten it and send it again.", "ru",
              length=REASONS_MAX + 1, max=REASONS_MAX) in texts(sent) + alerts(sent)
    sent = await h.text(admin, "The results were counted; the olympiad was below the district level.")
    told = "\n".join(sent_to(sent, TEACHER))
    assert "below the district level" in told
    document = next(r for r in sent if isinstance(r, SendDocument) and r.chat_id == TEACHER)
    assert "below the district level" in pdf_text(document.document.data)  # type: ignore[union-attr]


async def test_forged_and_foreign_presses_change_nothing(h: Harness) -> None:
    app_id = await decided_application(h)
    await file_complaint(h, app_id)
    appeal = await only_appeal(h)
    outsider = h.user(OUTSIDER)
    sent = await h.press(outsider, desk(DeskAct.FORWARD, appeal.id))
    assert tr("Only the secretary of the commission concerned or an administrator acts on this complaint.", "kk") in (
        texts(sent) + alerts(sent))
    for forged in (desk(DeskAct.FORWARD, 99_999), f"apld:fwd:{2**40}", "apld:nuke:1", "aplf:attend"):
        sent = await h.press(h.user(SECRETARY), forged)
        assert not sent_to(sent, TEACHER), forged
    async with h.app.sessions() as s:
        row = await s.get(Appeal, appeal.id)
        assert row is not None and row.status == "filed" and row.forwarded_on is None


async def test_no_one_acts_on_her_own_complaint_even_as_admin_or_secretary(h: Harness) -> None:
    # The admin is a teacher too, and complains about a decision of the commission whose secretary is OTHER.
    app_id = await decided_application(h, teacher=ADMIN, secretary=OTHER)
    await file_complaint(h, app_id, teacher=ADMIN)
    appeal = await only_appeal(h)
    sent = await h.press(h.user(ADMIN), desk(DeskAct.FORWARD, appeal.id))
    assert tr("This complaint is about your own application: someone else acts on it.", "ru") in (
        texts(sent) + alerts(sent))
    # Her own complaint is not put before her as a holder.
    async with h.app.sessions() as s:
        assert (await s.get(Appeal, appeal.id)).status == "filed"  # type: ignore[union-attr]
    # A secretary complaining about her own commission's decision does not hold it either.
    mine = await decided_application(h, teacher=SECRETARY, secretary=SECRETARY, decided_on=DECIDED_ON)
    sent = await file_complaint(h, mine, teacher=SECRETARY)
    assert not [r for r in sent if isinstance(r, SendMessage) and r.chat_id == SECRETARY and r.reply_markup]
    async with h.app.sessions() as s:
        own = await s.scalar(select(Appeal).where(Appeal.user_id == SECRETARY))
        assert own is not None
    sent = await h.press(h.user(SECRETARY), desk(DeskAct.FORWARD, own.id))
    assert tr("This complaint is about your own application: someone else acts on it.", "ru") in (
        texts(sent) + alerts(sent))


async def outbox_texts(h: Harness, user_id: int) -> list[str]:
    async with h.app.sessions() as s:
        rows = await s.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                                           OutboxMessage.method == "sendMessage"))
        return [str(r.payload.get("text")) for r in rows]


async def watch_on(h: Harness, settings: Settings, day: date) -> tuple[int, int]:
    app = h.app
    return await AppealWatch(h.bot, app.sessions, app.i18n, fixed(settings, day), app.rule_book).run()


async def test_the_scheduler_reminds_before_the_deadline_and_reports_it_overdue_once(h: Harness,
                                                                                  settings: Settings) -> None:
    app_id = await decided_application(h)
    await file_complaint(h, app_id)
    appeal = await only_appeal(h)
    settings = fixed(settings, MONDAY)
    assert await watch_on(h, settings, MONDAY) == (0, 0)
    # Forward by Friday 18 December: reminded on Thursday 17 (the working day before), once.
    assert await watch_on(h, settings, date(2026, 12, 17)) == (1, 0)
    assert await watch_on(h, settings, date(2026, 12, 18)) == (0, 0)
    reminder = tr("⏰ Complaint No. {number}: {what} by {day} (§26, working days).", "kk", number=appeal.number,
                  what=tr("forward it to the quality-control body, or uphold it", "kk"), day="18.12.2026")
    assert reminder in await outbox_texts(h, SECRETARY)
    assert await watch_on(h, settings, date(2026, 12, 21)) == (0, 1)
    assert await watch_on(h, settings, date(2026, 12, 22)) == (0, 0)
    overdue = await outbox_texts(h, ADMIN)
    assert tr("⚠️ Complaint No. {number} is overdue: {what} was due by {day} (§26).", "ru", number=appeal.number,
              what=tr("forward it to the quality-control body, or uphold it", "ru"), day="18.12.2026") in overdue
    assert not [t for t in await outbox_texts(h, SECRETARY) if "⚠️" in t]


async def test_stats_counts_open_and_overdue_complaints(h: Harness, settings: Settings, tmp_path: Path) -> None:
    app_id = await decided_application(h)
    await file_complaint(h, app_id)
    sent = await h.text(h.user(ADMIN), "/stats")
    assert tr("Complaints (§26): {open} open, {overdue} of them overdue", "ru", open=1, overdue=0) in "\n".join(
        texts(sent))
    await h.app.close()
    later = await started(fixed(settings, date(2026, 12, 21)))
    try:
        sent = await later.text(later.user(ADMIN), "/stats")
        assert tr("Complaints (§26): {open} open, {overdue} of them overdue", "ru", open=1, overdue=1) in "\n".join(
            texts(sent))
    finally:
        await later.app.close()

