"""/submit, /status and /withdraw through the real Dispatcher: every check, notices, freeze, window."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select

from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from features.commission.routing import ADMIN_NO_COMMISSION, TEACHER_NO_COMMISSION
from features.essay.callbacks import EssayCallback
from features.guidance.callbacks import GuideCallback
from features.submission.callbacks import SubmissionCallback
from scoring.areas import area_name
from scoring.categories import Category, CommissionLevel
from storage.checklist_models import Application, Essay, ItemMark, Notice, UploadedFile
from storage.commission_models import ApplicationReview
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import ALMATY, NOW, at, make_teacher, pdf

SUBMIT = SubmissionCallback(action="submit").pack()
KARAGANDA = "351010000"
WITHDRAW = SubmissionCallback(action="withdraw").pack()
UPLOADS = ["courses", "category_certificate", "student_achievements", "observation_sheets", "knowledge_quality"]


def ck(action: str, item: str = "", arg: str = "") -> str:
    """A checklist button; `arg` is the file row id of "rm", "1"/"0" of "na" and "ss"."""
    if action not in ChecklistAct.__members__.values():
        return f"{ChecklistCallback.__prefix__}:{action}:{item}:0:0"  # forged: no such action
    act = ChecklistAct(action)
    file = int(arg) if act is ChecklistAct.REMOVE else 0
    yes = arg == "1" and act in (ChecklistAct.NOT_APPLICABLE, ChecklistAct.IN_STATE_SYSTEMS)
    return ChecklistCallback(action=act, item=item, file=file, yes=yes).pack()


async def fill_everything(h: Harness, user_id: int) -> None:
    """Files, marks and a 260-word essay straight into the database."""
    async with h.app.sessions() as session:
        for n, item in enumerate(UPLOADS):
            session.add(UploadedFile(user_id=user_id, item_id=item, file_id=f"F{n}", file_unique_id=f"U{n}",
                                     file_name=f"{item}.pdf", file_size=1000, mime_type="application/pdf",
                                     kind="document", uploaded_at=NOW))
        for item in ("diploma", "employment_record"):
            session.add(ItemMark(user_id=user_id, item_id=item, not_applicable=False, in_state_systems=True,
                                 updated_at=NOW))
        session.add(Essay(user_id=user_id, text="x", words=260, source="text", updated_at=NOW))
        await session.commit()


async def applications(h: Harness, user_id: int) -> list[Application]:
    async with h.app.sessions() as session:
        return list(await session.scalars(select(Application).where(Application.user_id == user_id)
                                          .order_by(Application.id)))


async def notices(h: Harness, user_id: int) -> list[Notice]:
    async with h.app.sessions() as session:
        apps = select(Application.id).where(Application.user_id == user_id)
        return list(await session.scalars(select(Notice).where(Notice.application_id.in_(apps)).order_by(Notice.id)))


async def submit(h: Harness, user, moment: datetime) -> list[str]:  # type: ignore[no-untyped-def]
    h.app.dispatcher["clock"] = at(moment)
    sent = await h.text(user, "/submit")
    if SUBMIT in last_markup_data(sent):
        sent = await h.press(user, SUBMIT)
    return texts(sent)


def unrouted_notice(h: Harness, msgid: str, locale: str, number: str | None) -> str:
    """What routing says of a Karaganda teacher's expert claim that no commission serves."""
    def tr(text: str) -> str:
        return h.app.i18n.gettext(text, locale=locale)
    return tr(msgid).format(number=number, area=f"{area_name(KARAGANDA, locale)} ({tr('Karaganda region')})",
                            category=tr(Category.EXPERT.label), level=tr(CommissionLevel.DISTRICT.label))


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_from_empty_checklist_to_registered_application(harness: Harness, locale: str) -> None:
    user = harness.user(300)
    await make_teacher(harness, 300, locale)
    harness.app.dispatcher["clock"] = at(NOW)
    # Empty checklist: /submit early is no refusal but the readiness check: each missing document and the
    # essay with a button that fixes it, no submit button, nothing recorded.
    sent = await harness.text(user, "/submit")
    [check] = texts(sent)
    buttons = last_markup_data(sent)
    assert SUBMIT not in buttons
    for item in [*UPLOADS, "diploma", "employment_record"]:
        assert GuideCallback(step="item", item=item).pack() in buttons, item
    assert GuideCallback(step="essay").pack() in buttons and "✅" in check and "❌" in check
    assert await notices(harness, 300) == [] and await applications(harness, 300) == []
    # A fix button opens the item's card, ready for its file.
    sent = await harness.press(user, GuideCallback(step="item", item="courses").pack())
    assert ck("back") in last_markup_data(sent)
    # Through the bot: every document, the state-systems answers and the essay.
    for n, item in enumerate(UPLOADS):
        await harness.press(user, ck("open", item))
        await harness.send(user, document=pdf(f"u{n}", f"{item}.pdf"))
    await harness.press(user, ck("ss", "diploma", "1"))
    await harness.press(user, ck("ss", "employment_record", "0"))
    await harness.press(user, ck("open", "employment_record"))
    await harness.send(user, document=pdf("emp", "record.pdf"))
    await harness.text(user, "/essay")
    await harness.text(user, " ".join(["ұстаз"] * 140))
    await harness.text(user, " ".join(["учитель"] * 130))
    await harness.press(user, EssayCallback(action="done").pack())
    sent = await harness.text(user, "/checklist")
    assert "9" in texts(sent)[0]
    sent = await harness.text(user, "/submit")
    assert SUBMIT in last_markup_data(sent) and "❌" not in texts(sent)[0]
    accepted = texts(await harness.press(user, SUBMIT))
    [app] = await applications(harness, 300)
    assert app.status == "submitted" and app.number and app.number in accepted[0]
    # No commission serves Karaganda yet: she is told so plainly, in her language, and so is the admin (in his).
    assert accepted[1:] == [unrouted_notice(harness, TEACHER_NO_COMMISSION, locale, app.number),
                            unrouted_notice(harness, ADMIN_NO_COMMISSION, harness.app.settings.default_locale,
                                            app.number)]
    assert app.registered_on == date(2026, 11, 25) and "25.11.2026" in accepted[0]
    assert app.snapshot is not None and set(app.snapshot["files"]) == {*UPLOADS, "employment_record"}
    recorded = await notices(harness, 300)
    assert [n.kind for n in recorded] == ["acceptance"] and recorded[0].locale == locale
    sent = await harness.text(user, "/status")
    assert app.number in texts(sent)[0] and "25.11.2026" in texts(sent)[0]
    # Frozen: no uploads, no essay, no second submission.
    sent = await harness.press(user, ck("open", "retraining"))
    sent = await harness.send(user, document=pdf("late"))
    assert len(texts(sent)) == 1
    async with harness.app.sessions() as session:
        assert await session.scalar(select(UploadedFile).where(UploadedFile.file_unique_id == "late")) is None
    sent = await harness.text(user, "/essay")
    assert "/withdraw" in texts(sent)[0]
    again = await submit(harness, user, NOW)
    assert app.number in again[0] and len(await applications(harness, 300)) == 1


async def test_friday_evening_is_registered_on_monday(harness: Harness) -> None:
    user = harness.user(301)
    await make_teacher(harness, 301)
    await fill_everything(harness, 301)
    sent = await submit(harness, user, datetime(2026, 11, 27, 19, 0, tzinfo=ALMATY))
    assert "30.11.2026" in sent[0]
    [app] = await applications(harness, 301)
    assert app.registered_on == date(2026, 11, 30)
    harness.app.dispatcher["clock"] = at(datetime(2026, 11, 28, 10, 0, tzinfo=ALMATY))
    status = texts(await harness.text(user, "/status"))[0]
    assert "30.11.2026" in status


async def test_new_years_eve_accepted_new_year_refused(harness: Harness) -> None:
    eve, night = harness.user(302), harness.user(303)
    for uid in (302, 303):
        await make_teacher(harness, uid)
        await fill_everything(harness, uid)
    sent = await submit(harness, eve, datetime(2026, 12, 31, 23, 59, tzinfo=ALMATY))
    [app] = await applications(harness, 302)
    assert app.status == "submitted" and app.registered_on == date(2027, 1, 5) and "05.01.2027" in sent[0]
    # Ready at 23:59, confirmed at 00:01: the rules refuse it, with the App 7 notice, recorded.
    harness.app.dispatcher["clock"] = at(datetime(2026, 12, 31, 23, 59, tzinfo=ALMATY))
    assert SUBMIT in last_markup_data(await harness.text(night, "/submit"))
    harness.app.dispatcher["clock"] = at(datetime(2027, 1, 1, 0, 1, tzinfo=ALMATY))
    sent = texts(await harness.press(night, SUBMIT))
    [refused] = await notices(harness, 303)
    assert refused.kind == "refusal" and refused.reasons == ["window"] and "31.12.2026" in sent[0]
    assert refused.text == sent[0] and "1)" in sent[0]
    # Trying again in the new year: the readiness check says the window is closed; nothing more recorded.
    sent = await harness.text(night, "/submit")
    assert "31.12.2026" in texts(sent)[0] and SUBMIT not in last_markup_data(sent)
    assert len(await notices(harness, 303)) == 1


async def test_eligibility_and_profile_failures_are_named(harness: Harness) -> None:
    user = harness.user(304)
    await make_teacher(harness, 304, claimed_category="master")  # skips steps (§31)
    await fill_everything(harness, 304)
    harness.app.dispatcher["clock"] = at(NOW)
    sent = await harness.text(user, "/submit")
    assert "31" in texts(sent)[0]  # the sequence rule, by its clause
    assert GuideCallback(step="edit").pack() in last_markup_data(sent) and SUBMIT not in last_markup_data(sent)
    assert await notices(harness, 304) == []
    # A submit pressed anyway (an old or forged button) goes to the rules, which refuse it (App 7).
    await harness.press(user, SUBMIT)
    [notice] = await notices(harness, 304)
    assert notice.reasons and set(notice.reasons) == {"eligibility"}
    other = harness.user(305)
    await make_teacher(harness, 305, email=None)
    await fill_everything(harness, 305)
    sent = await harness.text(other, "/submit")
    assert GuideCallback(step="profile").pack() in last_markup_data(sent)
    # The fix asks the missing question.
    sent = await harness.press(other, GuideCallback(step="profile").pack())
    assert texts(sent)[-1] == harness.app.i18n.gettext("Your e-mail address:", locale="ru")
    assert await notices(harness, 305) == []


async def test_without_consent_nothing_is_recorded(harness: Harness) -> None:
    sent = await harness.text(harness.user(306), "/submit")
    assert len(texts(sent)) == 1 and "3" in texts(sent)[0]
    assert await applications(harness, 306) == []


async def test_withdraw_then_change_and_submit_again(harness: Harness) -> None:
    user = harness.user(307)
    await make_teacher(harness, 307)
    await fill_everything(harness, 307)
    await submit(harness, user, NOW)
    sent = await harness.text(user, "/withdraw")
    assert WITHDRAW in last_markup_data(sent)
    sent = await harness.press(user, WITHDRAW)
    first, = await applications(harness, 307)
    assert first.status == "withdrawn" and first.withdrawn_at is not None
    await harness.press(user, ck("open", "retraining"))
    await harness.send(user, document=pdf("retrain"))
    async with harness.app.sessions() as session:
        assert await session.scalar(select(UploadedFile).where(UploadedFile.file_unique_id == "retrain")) is not None
    status = texts(await harness.text(user, "/status"))[0]
    assert first.number in status
    await submit(harness, user, NOW)
    apps = await applications(harness, 307)
    assert [a.status for a in apps] == ["withdrawn", "submitted"] and apps[0].number != apps[1].number


async def test_withdraw_only_while_the_window_is_open(harness: Harness) -> None:
    user = harness.user(308)
    await make_teacher(harness, 308)
    await fill_everything(harness, 308)
    await submit(harness, user, NOW)
    harness.app.dispatcher["clock"] = at(datetime(2027, 1, 10, 12, 0, tzinfo=ALMATY))
    sent = await harness.text(user, "/withdraw")
    assert WITHDRAW not in last_markup_data(sent)
    sent = await harness.press(user, WITHDRAW)  # forged
    assert alerts(sent) and alerts(sent)[0]
    [app] = await applications(harness, 308)
    assert app.status == "submitted"


async def test_admin_window_overrides_the_default(harness: Harness) -> None:
    broadcast_models = pytest.importorskip("storage.broadcast_models")
    async with harness.app.sessions() as session:
        session.add(broadcast_models.ApplicationWindow(academic_year=2026, opens_on=date(2026, 9, 1),
                                                       closes_on=date(2026, 11, 20), set_by=1))
        await session.commit()
    user = harness.user(309)
    await make_teacher(harness, 309)
    await fill_everything(harness, 309)
    sent = await submit(harness, user, NOW)
    assert "20.11.2026" in sent[0]
    assert await notices(harness, 309) == []  # the readiness check said so; nothing was filed


async def test_status_of_a_draft(harness: Harness) -> None:
    user = harness.user(310)
    await make_teacher(harness, 310)
    harness.app.dispatcher["clock"] = at(NOW)
    sent = await harness.text(user, "/status")
    assert len(sent) == 1 and isinstance(sent[0], SendMessage)
    assert "1" in sent[0].text and "9" in sent[0].text and "31.12.2026" in sent[0].text


async def ready_for_a_commission(harness: Harness, user_id: int) -> int:
    """A valid commission with its chair, and a teacher who has everything and sent /submit; its id."""
    from tests.handlers.commission_helpers import elect_chair, full_commission

    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    await make_teacher(harness, user_id, locale="ru")
    await fill_everything(harness, user_id)
    harness.app.dispatcher["clock"] = at(datetime(2026, 11, 24, 11, 0, tzinfo=ALMATY))
    await harness.text(harness.user(user_id), "/submit")
    return cid


async def test_submission_reaches_the_commission_secretary_at_once(harness: Harness) -> None:
    from tests.handlers.commission_helpers import SECRETARY

    await ready_for_a_commission(harness, 60)
    sent = await harness.press(harness.user(60), SUBMIT)
    to_secretary = [r for r in sent if isinstance(r, SendMessage) and r.chat_id == SECRETARY]
    assert len(to_secretary) == 1 and "/agenda" in to_secretary[0].text


async def test_the_secretary_is_told_only_once_the_application_is_saved(harness: Harness) -> None:
    """The secretary may open /agenda the instant the message arrives: by then the routed application
    must be committed, visible to any other connection."""
    from tests.handlers.commission_helpers import SECRETARY

    cid = await ready_for_a_commission(harness, 62)
    seen_by_secretary: list[int] = []

    async def look(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendMessage) and method.chat_id == SECRETARY:
            async with harness.app.sessions() as other:
                seen_by_secretary.append(len((await other.scalars(
                    select(ApplicationReview).where(ApplicationReview.commission_id == cid))).all()))

    harness.session.on_request = look
    await harness.press(harness.user(62), SUBMIT)
    assert seen_by_secretary == [1]


async def test_status_shows_the_local_date_of_a_night_filing(harness: Harness) -> None:
    await make_teacher(harness, 61, locale="ru")
    await fill_everything(harness, 61)
    night = datetime(2026, 11, 24, 20, 30, tzinfo=UTC)  # 01:30 on the 25th in Almaty; the bot's clock is UTC
    await submit(harness, harness.user(61), night)
    harness.app.dispatcher["clock"] = at(datetime(2026, 11, 26, 12, 0, tzinfo=ALMATY))
    status = texts(await harness.text(harness.user(61), "/status"))[0]
    assert "25.11.2026" in status and "24.11.2026" not in status


async def test_app8_criterion_2_1_note_1_a_psychologist_submits_without_students_achievements(
        harness: Harness) -> None:
    """App 8 criterion 2.1 note 1: students' achievements are "if any" for a psychologist (the pilot's reading,
    `interpretations.student_achievements`), so /submit does not ask for them; a subject teacher it still asks."""
    for user_id, post in ((340, "psychologist"), (341, "subject")):
        await make_teacher(harness, user_id, teaching_post=post)
        await fill_everything(harness, user_id)
        async with harness.app.sessions() as session:
            for row in await session.scalars(select(UploadedFile).where(
                    UploadedFile.user_id == user_id, UploadedFile.item_id == "student_achievements")):
                await session.delete(row)
            await session.commit()
    await submit(harness, harness.user(340), NOW)
    [app] = await applications(harness, 340)
    assert app.status == "submitted" and "student_achievements" not in app.snapshot["files"]  # type: ignore[index]
    harness.app.dispatcher["clock"] = at(NOW)
    check = await harness.text(harness.user(341), "/submit")
    assert SUBMIT not in last_markup_data(check)
    assert GuideCallback(step="item", item="student_achievements").pack() in last_markup_data(check)
    assert await applications(harness, 341) == []
