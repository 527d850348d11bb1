"""/history through the real Dispatcher: a teacher's attestations of two academic years with their category,
validity and documents, newest first; nobody else's; a forged document button refused; long records in pages.
And onboarding: the current category taken from her last decision (skipped, shown, correctable by a button),
asked as before when she has none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from aiogram.methods import EditMessageText, SendDocument, SendMessage, TelegramMethod
from sqlalchemy import select

from features.history.callbacks import DocumentKind, HistoryAct, HistoryCallback
from features.history.service import Complaint, HistoryService
from features.history.views import history_view
from features.profile.callbacks import AreaCallback, ChoiceCallback, ConsentCallback, KnownCategoryCallback
from scoring.calendar import add_years
from scoring.i18n import N_, Phrase
from storage.appeal_models import Appeal, AppealStatus
from storage.checklist_models import Application, ApplicationStatus, Notice, NoticeKind
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionSession,
    GeneratedDocument,
    ItemStatus,
    ReviewStatus,
    SessionStatus,
)
from storage.profile_models import TeacherProfile, User
from storage.verification_models import IssuedDocument
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import iin_for, make_teacher
from tests.handlers.commission_helpers import TEACHERS, today
from tests.handlers.test_commission_documents import enter_order, run_session

TEACHER, OTHER = 501, 502
KARAGANDA = "351010000"
COMMISSION = "Аттестационная комиссия отдела образования г. Караганды"


@dataclass(frozen=True)
class Seeded:
    application_id: int
    item_id: int


def tr(h: Harness, msgid: str, locale: str = "ru", **params: object) -> str:
    text = h.app.i18n.gettext(msgid, locale=locale)
    return text.format(**params) if params else text


async def ensure_user(h: Harness, user_id: int, locale: str = "ru") -> None:
    async with h.app.sessions() as session:
        if await session.get(User, user_id) is None:
            session.add(User(id=user_id, locale=locale, is_active=True))
            await session.commit()


async def seed_decision(h: Harness, user_id: int, year: int, decided_on: date, assigned: str | None,
                        valid_until: date | None, *, decision: str = "claimed", claimed: str = "expert",
                        commission: str = COMMISSION, documents: bool = True) -> Seeded:
    """An application of academic year `year` decided on `decided_on` as a closed session records it, with
    the extract and (when a category is assigned) the certificate stored as the documents feature stores them."""
    await ensure_user(h, user_id)
    moment = datetime(decided_on.year, decided_on.month, decided_on.day, 6, 0, tzinfo=UTC)
    async with h.app.sessions() as session:
        c = Commission(name=commission, level="district", region="karaganda", area_code=KARAGANDA, locale="ru",
                       order_number="17-к", order_date=date(year, 9, 1), term_end=date(year + 3, 9, 1))
        session.add(c)
        await session.flush()
        app = Application(user_id=user_id, academic_year=year, status=ApplicationStatus.DECIDED.value,
                          claimed_category=claimed, created_at=moment, submitted_at=moment, registered_on=decided_on)
        session.add(app)
        await session.flush()
        app.number = f"{year}-{app.id:06d}"
        session.add(ApplicationReview(application_id=app.id, commission_id=c.id, user_id=user_id,
                                      status=ReviewStatus.DECIDED.value, routed_at=moment, routed_on=decided_on))
        s = CommissionSession(commission_id=c.id, number=3, session_date=decided_on,
                              status=SessionStatus.CLOSED.value, created_at=moment, version=0)
        session.add(s)
        await session.flush()
        item = AgendaItem(session_id=s.id, application_id=app.id, user_id=user_id, position=1,
                          status=ItemStatus.CLOSED.value, full_name="Ахметова Айгуль", role="teacher",
                          org_name="School-lyceum No. 7", kind="regular", current_category="teacher",
                          claimed_category=claimed, version=0)
        session.add(item)
        await session.flush()
        number = f"{c.id}-{decided_on.year}-0001" if assigned and decision != "not_matching" else None
        session.add(CommissionDecision(candidate_id=item.id, decision=decision, assigned_category=assigned,
                                       outcome="decided", counts={}, decided_at=moment, decided_on=decided_on,
                                       extract_due=decided_on, certificate_number=number, valid_until=valid_until))
        kinds = (["extract"] + (["certificate"] if number else [])) if documents else []
        for kind in kinds:
            for fmt in ("docx", "pdf"):
                session.add(GeneratedDocument(commission_id=c.id, session_id=s.id, candidate_id=item.id, kind=kind,
                                              fmt=fmt, locale="ru", filename=f"{kind}-{item.id}.{fmt}",
                                              content=f"{kind} {item.id} {fmt}".encode(), created_at=moment))
        await session.commit()
        return Seeded(app.id, item.id)


async def two_years(h: Harness) -> tuple[Seeded, Seeded]:
    older = await seed_decision(h, TEACHER, 2024, date(2025, 3, 14), "moderator", date(2030, 3, 14),
                                claimed="moderator")
    newer = await seed_decision(h, TEACHER, 2025, date(2026, 3, 13), "expert", date(2031, 3, 13))
    return older, newer


def resend(item: int, kind: DocumentKind) -> str:
    return HistoryCallback(act=HistoryAct.RESEND, item=item, kind=kind).pack()


def documents_sent(requests: list[TelegramMethod[Any]]) -> list[SendDocument]:
    return [r for r in requests if isinstance(r, SendDocument)]


async def test_history_lists_both_years_newest_first_with_category_and_validity(harness: Harness) -> None:
    older, newer = await two_years(harness)
    await make_teacher(harness, TEACHER, "ru")
    sent = await harness.text(harness.user(TEACHER), "/history")
    [text] = texts(sent)
    assert text.startswith(tr(harness, "📚 Your attestations: {count}.", count=2))
    first, second = text.index("2025/26"), text.index("2024/25")
    assert first < second  # newest first
    newest, oldest = text[first:second], text[second:]
    assert tr(harness, "Category: {category}, valid until {until}.", category=tr(harness, "pedagogue-expert"),
              until="13.03.2031") in newest
    assert tr(harness, "Category: {category}, valid until {until}.", category=tr(harness, "pedagogue-moderator"),
              until="14.03.2030") in oldest
    assert tr(harness, "Decision of {date}, «{commission}»: {decision}.", date="13.03.2026", commission=COMMISSION,
              decision=tr(harness, "matches the claimed category")) in newest
    assert tr(harness, "Claim: {category}; rules: «{rules}».", category=tr(harness, "pedagogue-moderator"),
              rules="Pilot attestation through the National platform (Karaganda region)") in oldest
    assert tr(harness, "extract from the protocol ({formats})", formats="DOCX, PDF") in newest
    assert "2026-0001" in newest and "2025-0001" in oldest  # the certificates' numbers
    assert set(last_markup_data(sent)) == {resend(i.item_id, k) for i in (older, newer) for k in DocumentKind}


async def test_her_own_document_is_sent_again_with_its_caption(harness: Harness) -> None:
    _older, newer = await two_years(harness)
    sent = await harness.press(harness.user(TEACHER), resend(newer.item_id, DocumentKind.CERTIFICATE))
    docs = documents_sent(sent)
    assert [d.document.filename for d in docs] == [  # type: ignore[union-attr]
        f"certificate-{newer.item_id}.docx", f"certificate-{newer.item_id}.pdf"]
    assert {d.chat_id for d in docs} == {TEACHER}
    assert {d.caption for d in docs} == {tr(harness, "Qualification category certificate: {applicant}",
                                            applicant="Ахметова Айгуль")}
    sent = await harness.press(harness.user(TEACHER), resend(newer.item_id, DocumentKind.EXTRACT))
    assert {d.caption for d in documents_sent(sent)} == {tr(
        harness, "Extract from the protocol No. {number} of {date}: {applicant}", number=3, date="13.03.2026",
        applicant="Ахметова Айгуль")}


async def test_a_decision_taken_in_the_bot_joins_her_earlier_year(harness: Harness) -> None:
    """A real session decides and issues the extract and, once the order is entered, the certificate (the
    documents feature stores them); her record lists it above a year decided before, and sends them again."""
    sid, _items, _sent = await run_session(harness)
    await enter_order(harness, sid)
    teacher = TEACHERS[0]
    await seed_decision(harness, teacher, 2024, date(2025, 3, 14), "moderator", date(2030, 3, 14), claimed="moderator")
    sent = await harness.text(harness.user(teacher), "/history")
    [text] = texts(sent)
    this_year, earlier = text.index("2026/27"), text.index("2024/25")
    assert this_year < earlier
    assert tr(harness, "Category: {category}, valid until {until}.", category=tr(harness, "pedagogue-expert"),
              until=add_years(today(), 5).strftime("%d.%m.%Y")) in text[this_year:earlier]
    buttons = last_markup_data(sent)
    assert len(buttons) == 4  # the extract and the certificate of each year
    sent = await harness.press(harness.user(teacher), buttons[1])
    names = sorted(d.document.filename for d in documents_sent(sent))  # type: ignore[union-attr]
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf"] and all(n.startswith("certificate-") for n in names)
    # Sent again from the file store, where the documents feature keeps them (by reference through the outbox).
    from bot.pipeline.outbox import KeptFile

    files = [d.document for d in documents_sent(sent)]
    assert all(isinstance(f, KeptFile) for f in files)
    assert sorted(f.data[:4] for f in files if isinstance(f, KeptFile)) == [b"%PDF", b"PK\x03\x04"]


async def test_refused_withdrawn_and_pending_attestations_are_listed_as_they_stand(harness: Harness) -> None:
    await ensure_user(harness, TEACHER)
    moment = datetime(2025, 10, 6, 20, 30, tzinfo=UTC)  # 7 October in Almaty: the day is the bot's calendar's
    async with harness.app.sessions() as session:
        c = Commission(name=COMMISSION, level="district", region="karaganda", area_code=KARAGANDA, locale="ru",
                       order_number="17-к", order_date=date(2020, 9, 1), term_end=date(2030, 9, 1))
        session.add(c)
        await session.flush()

        def application(year: int, status: ApplicationStatus, number: bool = True, **fields: Any) -> Application:
            app = Application(user_id=TEACHER, academic_year=year, status=status.value, created_at=moment,
                              submitted_at=moment if number else None, claimed_category="expert" if number else None,
                              number=f"{year}-00000{year % 10}" if number else None, **fields)
            session.add(app)
            return app

        application(2019, ApplicationStatus.DRAFT, number=False)  # never submitted: not an attestation
        application(2020, ApplicationStatus.WITHDRAWN, withdrawn_at=moment)
        refused = application(2021, ApplicationStatus.DRAFT)
        on_submission = application(2022, ApplicationStatus.DRAFT, number=False)
        scheduled = application(2023, ApplicationStatus.UNDER_REVIEW)
        pending = application(2024, ApplicationStatus.SUBMITTED)
        await session.flush()
        session.add(ApplicationReview(application_id=refused.id, commission_id=c.id, user_id=TEACHER,
                                      status=ReviewStatus.REFUSED.value, routed_at=moment, routed_on=moment.date(),
                                      acted_at=moment))
        for app in (refused, on_submission):
            session.add(Notice(application_id=app.id, kind=NoticeKind.REFUSAL.value, locale="ru", text="…",
                               reasons=[], created_at=moment))
        session.add(ApplicationReview(application_id=pending.id, commission_id=c.id, user_id=TEACHER,
                                      status=ReviewStatus.PENDING.value, routed_at=moment, routed_on=moment.date()))
        s = CommissionSession(commission_id=c.id, number=4, session_date=date(2025, 10, 20),
                              status=SessionStatus.DRAFT.value, created_at=moment, version=0)
        session.add(s)
        await session.flush()
        session.add(AgendaItem(session_id=s.id, application_id=scheduled.id, user_id=TEACHER, position=1,
                               status=ItemStatus.WAITING.value, full_name="Ахметова Айгуль", role="teacher",
                               claimed_category="expert", version=0))
        await session.commit()
    [text] = texts(await harness.text(harness.user(TEACHER), "/history"))
    assert text.startswith(tr(harness, "📚 Your attestations: {count}.", count=5)) and "2019/20" not in text
    expected = [
        ("2024/25", tr(harness, "Pending: submitted on {date}, not decided yet.", date="07.10.2025")),
        ("2023/24", tr(harness, "Pending: on the agenda of the session of «{commission}» on {date}.",
                       commission=COMMISSION, date="20.10.2025")),
        ("2022/23", tr(harness, "Refused when submitted, on {date} (App 7).", date="07.10.2025")),
        ("2021/22", tr(harness, "Refused on {date} by «{commission}» (App 7).", date="07.10.2025",
                       commission=COMMISSION)),
        ("2020/21", tr(harness, "Withdrawn on {date}.", date="07.10.2025")),
    ]
    positions = [text.index(year) for year, _line in expected]
    assert positions == sorted(positions)  # newest first
    for (year, line), start, end in zip(expected, positions, [*positions[1:], len(text)], strict=True):
        assert line in text[start:end], year
    assert tr(harness, "Category: {category}, valid until {until}.")[:5] not in text  # nothing was assigned


async def test_another_teacher_sees_none_of_hers_and_cannot_fetch_her_documents(harness: Harness) -> None:
    older, newer = await two_years(harness)
    await make_teacher(harness, OTHER, "kk", iin=iin_for(OTHER))
    other = harness.user(OTHER)
    sent = await harness.text(other, "/history")
    assert texts(sent) == [tr(harness, "You have no attestations in the bot yet. Once you submit an application "
                                       "(/submit), it and the commission's decision are kept here, year after year.",
                              locale="kk")]
    assert last_markup_data(sent) == []
    for item in (older.item_id, newer.item_id):
        for kind in DocumentKind:
            sent = await harness.press(other, resend(item, kind))
            assert documents_sent(sent) == []
            assert alerts(sent) == [tr(harness, "This button is no longer active.", locale="kk")]
    # A page of the record shows the presser's own (empty) record, never hers.
    sent = await harness.press(other, HistoryCallback(act=HistoryAct.PAGE, page=0).pack())
    assert not any("2025/26" in t for t in texts(sent))


async def test_a_decision_without_a_stored_document_has_no_button_and_refuses_a_forged_one(harness: Harness) -> None:
    seeded = await seed_decision(harness, TEACHER, 2025, date(2026, 3, 13), None, None, decision="not_matching",
                                 documents=False)
    sent = await harness.text(harness.user(TEACHER), "/history")
    assert tr(harness, "No category was assigned by this decision.") in texts(sent)[0]
    assert last_markup_data(sent) == []
    sent = await harness.press(harness.user(TEACHER), resend(seeded.item_id, DocumentKind.EXTRACT))
    assert documents_sent(sent) == [] and alerts(sent) == [tr(harness, "This button is no longer active.")]


async def test_a_long_record_comes_in_pages_within_telegrams_limit(harness: Harness) -> None:
    long_name = "Аттестационная комиссия " + "очень длинного названия " * 11  # 300 characters, as the column
    for year in range(2012, 2026):
        await seed_decision(harness, TEACHER, year, date(year + 1, 3, 14), "moderator", date(year + 6, 3, 14),
                            commission=long_name[:300])
    user = harness.user(TEACHER)
    sent = await harness.text(user, "/history")
    [text] = texts(sent)
    assert len(text) <= 4096 and "2025/26" in text and "2012/13" not in text
    assert HistoryCallback(act=HistoryAct.PAGE, page=1).pack() in last_markup_data(sent)
    seen: list[str] = [text]
    page = 0
    while (following := HistoryCallback(act=HistoryAct.PAGE, page=page + 1).pack()) in last_markup_data(sent):
        page += 1
        sent = await harness.press(user, following)
        [edited] = [r for r in sent if isinstance(r, EditMessageText)]
        assert len(edited.text) <= 4096
        seen.append(edited.text)
    everything = "\n".join(seen)
    assert page >= 2 and all(f"{y}/{(y + 1) % 100:02d}" in everything for y in range(2012, 2026))
    assert tr(harness, "Page {page} of {pages}.", page=page + 1, pages=page + 1) in seen[-1]


async def test_a_complaint_is_listed_under_its_attestation(harness: Harness) -> None:
    """The one call features/appeals makes: History.add_complaint; the view lists it."""
    _older, newer = await two_years(harness)
    async with harness.app.sessions() as session:
        history = await HistoryService(session, harness.app.rule_book, "Asia/Almaty").of(TEACHER)
    history.add_complaint(newer.application_id, Complaint("A-7", date(2026, 3, 20), Phrase(N_("Status: draft, "
                                                                                             "not submitted yet."))))
    with harness.app.i18n.context(), harness.app.i18n.use_locale("ru"):
        text, _markup = history_view(history)
    line = tr(harness, "Complaint No. {number} of {date}: {state}", number="A-7", date="20.03.2026",
              state=tr(harness, "Status: draft, not submitted yet."))
    assert line in text and text.index(line) < text.index("2024/25")


async def test_her_complaints_and_a_revoked_certificate_are_in_her_record(harness: Harness) -> None:
    """Her complaints come from features/appeals, a revocation from the registry (features/verification)."""
    older, newer = await two_years(harness)
    moment = datetime(2026, 3, 20, 6, 0, tzinfo=UTC)
    async with harness.app.sessions() as session:
        for kind, revoked in (("extract", None), ("certificate", moment)):
            session.add(IssuedDocument(code=f"{kind[:4].upper()}234567", kind=kind, application_id=newer.application_id,
                                       candidate_id=newer.item_id, facts={}, signature="s", issued_at=moment,
                                       revoked_at=revoked, revoked_reason="complaint Ж-2026-000004 upheld: revote"))
        for n, (app, status) in enumerate(((newer, AppealStatus.UPHELD), (older, AppealStatus.FORWARDED)), 4):
            day = date(2026, 3, 16 + n)
            session.add(Appeal(number=f"Ж-2026-00000{n}", year=2026, sequence=n, application_id=app.application_id,
                               user_id=TEACHER, locale="ru", subject="decision", subject_on=day, grounds="grounds",
                               status=status.value, filed_at=moment, registered_on=day, forward_by=day,
                               provider_review_by=day))
        await session.commit()
    [text] = texts(await harness.text(harness.user(TEACHER), "/history"))
    newest, oldest = text[text.index("2025/26"):text.index("2024/25")], text[text.index("2024/25"):]
    complaint = "Complaint No. {number} of {date}: {state}"
    assert tr(harness, complaint, number="Ж-2026-000004", date="20.03.2026", state=tr(harness, "upheld")) in newest
    assert tr(harness, complaint, number="Ж-2026-000005", date="21.03.2026",
              state=tr(harness, "forwarded to the quality-control body")) in oldest
    async with harness.app.sessions() as session:
        number = await session.scalar(select(CommissionDecision.certificate_number).where(
            CommissionDecision.candidate_id == newer.item_id))
    certificate = tr(harness, "certificate No. {number} ({formats})", number=number, formats="DOCX, PDF")
    extract = tr(harness, "extract from the protocol ({formats})", formats="DOCX, PDF")
    marked = "{document} — ⛔ revoked"
    assert tr(harness, marked, document=certificate) in newest
    assert tr(harness, marked, document=extract) not in newest and extract in newest  # the extract stands
    assert tr(harness, marked, document="").strip() not in oldest
    other = texts(await harness.text(harness.user(OTHER), "/history"))[0]
    assert "Ж-2026" not in other


# --- onboarding: the current category from her last decision -----------------------------------------


async def answer_until_area(h: Harness, user_id: int) -> list[TelegramMethod[Any]]:
    """/start, consent, and every answer up to the district; what the district's answer made the bot send."""
    user = h.user(user_id)
    await h.text(user, "/start")
    await h.press(user, ConsentCallback(agree=True).pack())
    await h.text(user, "Ахметова Айгуль Серикқызы")
    await h.text(user, iin_for(user_id))
    await h.press(user, ChoiceCallback(field="role", value="teacher").pack())
    await h.press(user, ChoiceCallback(field="teaching_post", value="subject").pack())
    await h.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
    await h.text(user, "School-lyceum No. 7")
    await h.press(user, ChoiceCallback(field="region", value="karaganda").pack())
    return await h.press(user, AreaCallback(action="pick", code=KARAGANDA).pack())


async def profile_of(h: Harness, user_id: int) -> TeacherProfile:
    async with h.app.sessions() as session:
        profile = await session.get(TeacherProfile, user_id)
        assert profile is not None
        return profile


def known_text(h: Harness, when: str, category: str, until: str) -> str:
    return tr(h, "From your decision of {date}: {category}, valid until {until}. Your current category is taken "
                 "from it, so it is not asked again. If this is wrong, press «Correct».", date=when,
              category=tr(h, category), until=until)


def prompts(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [r.text for r in requests if isinstance(r, SendMessage)]


async def test_onboarding_takes_the_category_from_her_last_decision(harness: Harness) -> None:
    await two_years(harness)
    # A later decision that assigned nothing does not replace the category she holds.
    await seed_decision(harness, TEACHER, 2026, date(2026, 12, 11), None, None, decision="not_matching",
                        documents=False)
    sent = await answer_until_area(harness, TEACHER)
    said = prompts(sent)
    assert known_text(harness, "13.03.2026", "pedagogue-expert", "13.03.2031") in said
    assert said[-1] == tr(harness, "How many full years of pedagogical experience do you have?")
    assert tr(harness, "Your current qualification category:") not in said
    assert tr(harness, "Until what date is your current category valid? (DD.MM.YYYY)") not in said
    assert KnownCategoryCallback().pack() in [b.callback_data for r in sent if isinstance(r, SendMessage)
                                              and r.reply_markup is not None
                                              for row in r.reply_markup.inline_keyboard  # type: ignore[union-attr]
                                              for b in row]
    profile = await profile_of(harness, TEACHER)
    assert (profile.current_category, profile.category_valid_until) == ("expert", date(2031, 3, 13))


async def test_correcting_the_taken_category_asks_both_questions(harness: Harness) -> None:
    await two_years(harness)
    await answer_until_area(harness, TEACHER)
    user = harness.user(TEACHER)
    sent = await harness.press(user, KnownCategoryCallback().pack())
    assert prompts(sent) == [tr(harness, "Your current qualification category:")]
    assert ChoiceCallback(field="current_category", value="moderator").pack() in last_markup_data(sent)
    profile = await profile_of(harness, TEACHER)
    assert (profile.current_category, profile.category_valid_until) == (None, None)
    sent = await harness.press(user, ChoiceCallback(field="current_category", value="moderator").pack())
    assert prompts(sent) == [tr(harness, "Until what date is your current category valid? (DD.MM.YYYY)")]
    sent = await harness.text(user, "31.12.2027")
    assert prompts(sent) == [tr(harness, "How many full years of pedagogical experience do you have?")]
    profile = await profile_of(harness, TEACHER)
    assert (profile.current_category, profile.category_valid_until) == ("moderator", date(2027, 12, 31))
    # Her own answer stands: the rest of the questionnaire does not take the decision's category back.
    await harness.text(user, "8")
    assert (await profile_of(harness, TEACHER)).current_category == "moderator"


async def test_without_a_decision_she_is_asked_as_before(harness: Harness) -> None:
    await ensure_user(harness, OTHER)
    sent = await answer_until_area(harness, OTHER)
    assert prompts(sent)[-1] == tr(harness, "Your current qualification category:")
    assert not any(tr(harness, "From your decision of {date}: {category}, valid until {until}. Your current category "
                               "is taken from it, so it is not asked again. If this is wrong, press «Correct».")[:10]
                   in t for t in prompts(sent))


async def test_start_takes_the_category_when_it_is_her_next_question(harness: Harness) -> None:
    await two_years(harness)
    await make_teacher(harness, TEACHER, "ru", current_category=None, category_valid_until=None)
    sent = await harness.text(harness.user(TEACHER), "/start")
    assert known_text(harness, "13.03.2026", "pedagogue-expert", "13.03.2031") in prompts(sent)
    assert tr(harness, "Your current qualification category:") not in prompts(sent)
    assert (await profile_of(harness, TEACHER)).category_valid_until == date(2031, 3, 13)


async def test_a_decision_of_another_ladder_is_not_taken(harness: Harness) -> None:
    """Her position changed to head: a teacher's category is not a head's, so she is asked."""
    await two_years(harness)
    await make_teacher(harness, TEACHER, "ru", role="head", teaching_post=None, current_category=None,
                       category_valid_until=None, claimed_category=None)
    sent = await harness.text(harness.user(TEACHER), "/start")
    assert prompts(sent)[-1] == tr(harness, "Your current qualification category:")


async def test_on_postgresql_the_record_the_documents_and_the_taken_category(pg_harness: Harness) -> None:
    """The same queries on the database a region deploys (dates, joins, the correlated notice check)."""
    older, newer = await two_years(pg_harness)
    await make_teacher(pg_harness, TEACHER, "ru", current_category=None, category_valid_until=None)
    sent = await pg_harness.text(pg_harness.user(TEACHER), "/start")
    assert known_text(pg_harness, "13.03.2026", "pedagogue-expert", "13.03.2031") in prompts(sent)
    sent = await pg_harness.text(pg_harness.user(TEACHER), "/history")
    [text] = texts(sent)
    assert text.index("2025/26") < text.index("2024/25") and "13.03.2031" in text and "14.03.2030" in text
    sent = await pg_harness.press(pg_harness.user(TEACHER), resend(older.item_id, DocumentKind.CERTIFICATE))
    assert len(documents_sent(sent)) == 2
    await make_teacher(pg_harness, OTHER, "ru", iin=iin_for(OTHER))
    sent = await pg_harness.press(pg_harness.user(OTHER), resend(newer.item_id, DocumentKind.CERTIFICATE))
    assert documents_sent(sent) == [] and alerts(sent) == [tr(pg_harness, "This button is no longer active.")]
