"""Districts from the list, and an application that never goes astray (through the real Dispatcher)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiogram.methods import EditMessageReplyMarkup, SendMessage
from sqlalchemy import select

from features.commission.composition.callbacks import (
    AreaAct,
    CommissionAct,
    CommissionAreaCallback,
    CommissionCallback,
    DocumentsLanguageCallback,
    LevelCallback,
    RegionCallback,
)
from features.commission.routing import (
    ADMIN_COMMISSION_WITHOUT_AREA,
    ADMIN_NO_AREA,
    ROUTED_AT_LAST,
    ROUTED_NO_SECRETARY,
    TEACHER_NO_AREA,
    RoutingJob,
)
from features.profile.callbacks import AreaCallback, ChoiceCallback, EditFieldCallback
from features.stats.service import StatsService
from features.stats.views import report_text
from scoring.areas import sort_key
from scoring.categories import CommissionLevel
from scoring.rulesets import pilot
from storage.checklist_models import Application, ApplicationStatus
from storage.commission_models import ApplicationReview, Commission, ReviewStatus
from storage.profile_models import TeacherProfile
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import NOW, make_teacher

ADMIN = 1
KARAGANDA, TEMIRTAU, OSAKAROVKA = "351010000", "352410000", "355600000"


def pick(code: str) -> str:
    return AreaCallback(action="pick", code=code).pack()


def page(n: int) -> str:
    return AreaCallback(action="page", page=n).pack()


def tr(h: Harness, msgid: str, locale: str) -> str:
    return h.app.i18n.gettext(msgid, locale=locale)


def button_texts(request: Any) -> list[str]:
    return [b.text for row in request.reply_markup.inline_keyboard for b in row]


async def open_area_question(h: Harness, user_id: int, locale: str, region: str) -> list[Any]:
    """A teacher whose profile stops at the district question (edited in /profile)."""
    await make_teacher(h, user_id, locale, region=region, area_code=None)
    await h.text(h.user(user_id), "/profile")
    return await h.press(h.user(user_id), EditFieldCallback(field="area_code").pack())


async def profile(h: Harness, user_id: int) -> TeacherProfile:
    async with h.app.sessions() as session:
        row = await session.get(TeacherProfile, user_id)
        assert row is not None
        return row


async def submitted(h: Harness, user_id: int, number: str, registered_on: date | None = None) -> int:
    async with h.app.sessions() as session:
        app = Application(user_id=user_id, academic_year=2026, status=ApplicationStatus.REGISTERED.value,
                          created_at=NOW, submitted_at=NOW, registered_on=registered_on or NOW.date() - timedelta(1),
                          claimed_category="expert", number=number)
        session.add(app)
        await session.commit()
        return app.id


def sent_to(h: Harness, user_id: int) -> list[str]:
    """Every text the bot has sent this person so far (through the outbox, after each commit)."""
    return [r.text for r in h.session.requests if isinstance(r, SendMessage) and r.chat_id == user_id]


def job(h: Harness) -> RoutingJob:
    return RoutingJob(h.bot, h.app.sessions, h.app.i18n, h.app.settings, h.app.rule_book)


# --- the teacher's question ------------------------------------------------------------------------


async def test_the_list_is_paged_in_her_language_and_alphabet(harness: Harness) -> None:
    sent = await open_area_question(harness, 10, "kk", "kostanay")  # 4 cities and 16 districts
    first = sent[-1]
    assert isinstance(first, SendMessage)
    names = button_texts(first)
    assert names[:4] == ["Арқалық", "Қостанай", "Лисаков", "Рудный"]  # cities first, Kazakh names and order
    assert "Алтынсарин ауданы" in names and names[-1] == "▶️"
    assert len(last_markup_data(sent)) == 12 + 2  # a page of 12, then «1/2» and ▶️
    turned = await harness.press(harness.user(10), page(1))
    [edit] = [r for r in turned if isinstance(r, EditMessageReplyMarkup)]
    second = button_texts(edit)
    assert "Федоров ауданы" in second and second[-2:] == ["◀️", "2/2"]
    chosen = await harness.press(harness.user(10), pick("395400000"))  # Қостанай ауданы
    assert (await profile(harness, 10)).area_code == "395400000"
    assert any("Қостанай ауданы" in t for t in texts(chosen))


async def test_the_region_list_is_sorted_in_her_alphabet(harness: Harness) -> None:
    await make_teacher(harness, 11, "kk")
    await harness.text(harness.user(11), "/profile")
    sent = await harness.press(harness.user(11), EditFieldCallback(field="region").pack())
    labels = button_texts(sent[-1])
    assert labels.index("Абай облысы") < labels.index("Ақмола облысы") < labels.index("Ақтөбе облысы")
    assert labels == sorted(labels, key=sort_key) and len(labels) == 20


async def test_both_spellings_of_the_reproduced_case_are_confirmed_to_one_code(harness: Harness) -> None:
    """«Қарағанды» and «г. Караганда» — the two teachers of the report — both end at Karaganda's code."""
    for user_id, locale, typed in ((20, "kk", "Қарағанды"), (21, "ru", "г. Караганда")):
        await open_area_question(harness, user_id, locale, "karaganda")
        sent = await harness.text(harness.user(user_id), typed)
        assert last_markup_data(sent) == [pick(KARAGANDA), page(0)]  # confirm, or the whole list
        assert (await profile(harness, user_id)).area_code is None  # nothing saved before she confirms
        await harness.press(harness.user(user_id), pick(KARAGANDA))
        assert (await profile(harness, user_id)).area_code == KARAGANDA


async def test_an_unknown_name_gets_the_list_and_a_forged_button_is_refused(harness: Harness) -> None:
    await open_area_question(harness, 30, "ru", "karaganda")
    sent = await harness.text(harness.user(30), "Нарния")
    expected = tr(harness, "No district or city of {region} has that name. Choose it from the list:", "ru")
    assert texts(sent)[-1] == expected.format(region="Карагандинская область")
    assert pick(KARAGANDA) in last_markup_data(sent)
    # Callback data is client-controlled: another region's district, or no code at all, is refused.
    for forged in (pick("711210000"), pick("000000000"), AreaCallback(action="drop").pack()):
        answer = await harness.press(harness.user(30), forged)
        assert alerts(answer) == [tr(harness, "This option is not available.", "ru")]
    assert (await profile(harness, 30)).area_code is None


async def test_changing_the_region_asks_the_district_again(harness: Harness) -> None:
    await make_teacher(harness, 31, "ru")
    await harness.text(harness.user(31), "/profile")
    await harness.press(harness.user(31), EditFieldCallback(field="region").pack())
    sent = await harness.press(harness.user(31), ChoiceCallback(field="region", value="astana").pack())
    assert (await profile(harness, 31)).area_code is None
    assert pick("711210000") in last_markup_data(sent)  # Astana's districts: Есиль among them


async def test_a_district_that_matched_none_is_asked_again_at_start_and_at_submit(harness: Harness) -> None:
    await make_teacher(harness, 40, "ru", area_code=None)  # what migration 0012 leaves for «пос. …»
    async with harness.app.sessions() as session:
        row = await session.get(TeacherProfile, 40)
        assert row is not None
        row.completed_at = NOW
        await session.commit()
    sent = await harness.text(harness.user(40), "/start")
    assert texts(sent)[0] == tr(harness, "Districts and cities are now chosen from the official list, so that your "
                                         "application reaches the commission that serves you. Please choose yours "
                                         "once more.", "ru")
    assert pick(KARAGANDA) in last_markup_data(sent)
    sent = await harness.text(harness.user(40), "/submit")
    assert texts(sent)[0].startswith(tr(harness, "Before you submit: districts and cities are now chosen from the "
                                                 "official list, so that the application reaches the commission that "
                                                 "serves you. Please choose yours, then send /submit again.", "ru"))
    assert pick(KARAGANDA) in last_markup_data(sent)


# --- frozen after submission ---------------------------------------------------------------------


async def test_fields_the_application_depends_on_need_withdraw_first(harness: Harness) -> None:
    await make_teacher(harness, 50, "ru")
    await submitted(harness, 50, "F-50")
    sent = await harness.text(harness.user(50), "/profile")
    labels = button_texts(sent[-1])
    assert "🔒 " + tr(harness, "District or city", "ru") in labels and "✏️ " + tr(harness, "E-mail", "ru") in labels
    frozen = tr(harness, "Your submitted application depends on this answer (where it goes, and what it claims): to "
                         "change it, withdraw the application first with /withdraw, then change it and submit again.",
                "ru")
    for field in ("area_code", "region", "org_name", "claimed_category", "role", "teaching_post"):
        answer = await harness.press(harness.user(50), EditFieldCallback(field=field).pack())
        assert alerts(answer) == [frozen], field
    # A stale district button from before the submission cannot change it either.
    await harness.press(harness.user(50), pick(TEMIRTAU))
    assert (await profile(harness, 50)).area_code == KARAGANDA
    # What the application does not depend on stays editable.
    sent = await harness.press(harness.user(50), EditFieldCallback(field="email").pack())
    assert alerts(sent) == [""]


# --- routing: told, counted, retried ---------------------------------------------------------------


async def test_unrouted_is_counted_per_area_and_routed_when_a_commission_is_created(harness: Harness) -> None:
    await make_teacher(harness, 60, "kk", area_code=OSAKAROVKA)
    await make_teacher(harness, 61, "ru", area_code=OSAKAROVKA)
    await make_teacher(harness, 62, "ru", area_code=TEMIRTAU)
    for uid in (60, 61, 62):
        await submitted(harness, uid, f"U-{uid}")
    async with harness.app.sessions() as session:
        report = await StatsService(session, pilot()).report(datetime.now().astimezone())
    text = report_text(report, lambda m: tr(harness, m, "ru"), "ru")
    assert tr(harness, "⚠️ Reaching no commission: {count} (create one with /commission_new):", "ru").format(
        count=3) in text
    assert "• Осакаровский район (Карагандинская область): 2" in text
    assert "• Темиртау (Карагандинская область): 1" in text

    # The scheduler's run tells each teacher and the admin once; a second run tells nobody again.
    await job(harness).run()
    [told] = sent_to(harness, 60)
    assert "Осакаров ауданы (Қарағанды облысы)" in told  # her language
    assert len(sent_to(harness, ADMIN)) == 3
    await job(harness).run()
    assert len(sent_to(harness, ADMIN)) == 3 and len(sent_to(harness, 60)) == 1

    # The admin creates the Osakarovka district commission, typing the district and confirming it.
    admin = harness.user(ADMIN, "ru")
    await harness.text(admin, "/commission_new")
    await harness.press(admin, LevelCallback(level=CommissionLevel.DISTRICT).pack())
    await harness.text(admin, "Комиссия Осакаровского района")
    await harness.press(admin, RegionCallback(region="karaganda").pack())
    sent = await harness.text(admin, "Осакаровка")
    assert CommissionAreaCallback(act=AreaAct.PICK, code=OSAKAROVKA).pack() in last_markup_data(sent)
    await harness.press(admin, CommissionAreaCallback(act=AreaAct.PICK, code=OSAKAROVKA).pack())
    await harness.text(admin, "5-к")
    await harness.text(admin, (date.today() - timedelta(days=3)).strftime("%d.%m.%Y"))
    await harness.press(admin, DocumentsLanguageCallback(code="ru").pack())
    async with harness.app.sessions() as session:
        c = await session.scalar(select(Commission).where(Commission.area_code == OSAKAROVKA))
        assert c is not None
        reviews = (await session.scalars(select(ApplicationReview).order_by(ApplicationReview.user_id))).all()
        assert [(r.user_id, r.commission_id, r.status) for r in reviews] == [
            (60, c.id, ReviewStatus.PENDING.value), (61, c.id, ReviewStatus.PENDING.value)]  # Temirtau still waits
    # No secretary yet: the admin is told; each teacher hears that her application has reached it.
    assert tr(harness, ROUTED_NO_SECRETARY, "kk").format(number="U-60", name=c.name) in sent_to(harness, ADMIN)
    assert (sent_to(harness, 60))[-1] == tr(harness, ROUTED_AT_LAST, "kk").format(number="U-60", name=c.name)
    assert (sent_to(harness, 61))[-1] == tr(harness, ROUTED_AT_LAST, "ru").format(number="U-61", name=c.name)
    async with harness.app.sessions() as session:
        report = await StatsService(session, pilot()).report(datetime.now().astimezone())
    assert [(u.area_code, u.count) for u in report.unrouted] == [(TEMIRTAU, 1)]


async def test_an_application_without_a_district_from_the_list_is_reported(harness: Harness) -> None:
    await make_teacher(harness, 70, "ru", area_code=None)
    await submitted(harness, 70, "N-70")
    await job(harness).run()
    assert sent_to(harness, 70) == [tr(harness, TEACHER_NO_AREA, "ru").format(number="N-70")]
    assert sent_to(harness, ADMIN) == [tr(harness, ADMIN_NO_AREA, "kk").format(
        number="N-70", region=tr(harness, "Karaganda region", "kk"))]
    # She chooses her district at /start; the next run finds the commission that serves it.
    async with harness.app.sessions() as session:
        session.add(Commission(level="district", name="Комиссия Караганды", region="karaganda", area_code=KARAGANDA,
                               order_number="1", order_date=date.today() - timedelta(days=5),
                               term_end=date.today() + timedelta(days=300), locale="ru", created_by=ADMIN,
                               secretary_user_id=200))
        await session.commit()
    await harness.text(harness.user(70), "/start")
    await harness.press(harness.user(70), pick(KARAGANDA))
    await job(harness).run()
    assert (sent_to(harness, 70))[-1] == tr(harness, ROUTED_AT_LAST, "ru").format(
        number="N-70", name="Комиссия Караганды")
    assert any("N-70" in t for t in sent_to(harness, 200))  # the secretary is told


async def test_a_commission_whose_typed_area_matched_none_is_reported_and_fixed(harness: Harness) -> None:
    async with harness.app.sessions() as session:
        c = Commission(level="district", name="Старая комиссия", region="karaganda", legacy_area="Северный округ",
                       order_number="1", order_date=date.today() - timedelta(days=5),
                       term_end=date.today() + timedelta(days=300), locale="ru", created_by=ADMIN)
        session.add(c)
        await session.commit()
        cid = c.id
    await job(harness).run()
    await job(harness).run()
    assert sent_to(harness, ADMIN) == [tr(harness, ADMIN_COMMISSION_WITHOUT_AREA, "kk").format(
        id=cid, name="Старая комиссия", typed="Северный округ")]  # once
    admin = harness.user(ADMIN, "ru")
    sent = await harness.text(admin, "/commissions")
    assert any("Северный округ" in t for t in texts(sent))
    assert CommissionCallback(act=CommissionAct.SET_AREA, commission=cid).pack() in last_markup_data(sent)
    await harness.press(admin, CommissionCallback(act=CommissionAct.SET_AREA, commission=cid).pack())
    await harness.press(admin, CommissionAreaCallback(act=AreaAct.PICK, code=TEMIRTAU).pack())
    async with harness.app.sessions() as session:
        fixed = await session.get(Commission, cid)
        assert fixed is not None and (fixed.area_code, fixed.legacy_area) == (TEMIRTAU, None)
    # Not an admin: the same buttons do nothing.
    other = harness.user(999, "ru")
    answer = await harness.press(other, CommissionCallback(act=CommissionAct.SET_AREA, commission=cid).pack())
    assert alerts(answer) == [tr(harness, "This button is no longer active.", "ru")]
