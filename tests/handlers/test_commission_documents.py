"""The documents of a session, end to end through the real Dispatcher, each read back (python-docx, pypdf):
the protocol states attendance and quorum and has signature lines for those present only; the extract lists
the votes it refers to; the certificate waits for the order assigning the categories and cites it in App 1's
wording; every date is the session's; captions name the document and the applicant in the reader's language;
any stored text renders (control characters, scripts DejaVu lacks); a department's template replaces ours."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select, update

from app.factory import create_application
from bot.i18n import create_i18n
from bot.settings import Settings
from features.commission.documents.content import SIGNATURE_NOTE
from features.commission.documents.delivery import CERTIFICATE_CAPTION, EXTRACT_CAPTION, PROTOCOL_CAPTION
from scoring.calendar import add_years
from storage.commission_models import Commission, CommissionDecision, CommissionSession, GeneratedDocument
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile
from tests.conftest import Harness, last_markup_data, texts
from tests.fakes import RecordingSession
from tests.handlers.commission_helpers import (
    ADMIN,
    MEMBERS,
    SECRETARY,
    TEACHERS,
    agenda,
    cast_votes,
    cm,
    elect_chair,
    full_commission,
    latest_session,
    teacher_with_application,
    today,
    today_text,
    voting_session,
)

I18N = create_i18n("kk")
COMMISSION = "District attestation commission of Karaganda"


def ru(text: str, **params: object) -> str:
    """The commission's documents are in Russian (create_commission), as are the test teachers."""
    out = I18N.gettext(text, locale="ru")
    return out.format(**params) if params else out


def k(text: str, **params: object) -> str:
    out = I18N.gettext(text, locale="kk")
    return out.format(**params) if params else out


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def docs(requests: list[TelegramMethod[Any]], chat: int, stem: str) -> list[SendDocument]:
    return [r for r in requests if isinstance(r, SendDocument) and r.chat_id == chat
            and r.document.filename.startswith(stem)]  # type: ignore[union-attr]


def content(request: SendDocument) -> bytes:
    return request.document.data  # type: ignore[union-attr]


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def of_kind(requests: list[SendDocument], fmt: str) -> bytes:
    return content(next(r for r in requests if r.document.filename.endswith(f".{fmt}")))  # type: ignore[union-attr]


async def run_session(h: Harness, **teacher_fields: Any) -> tuple[int, list[int], list[TelegramMethod[Any]]]:
    """Six of the seven members present (Member 107 absent). The first candidate: an even split the chair
    decides; the second: five votes, and the sixth member present is recorded as abstaining. Then closed."""
    sid, items = await voting_session(h, **teacher_fields)
    secretary = h.user(SECRETARY)
    await h.press(secretary, cm("item", sid, str(items[0])))
    await cast_votes(h, sid, items[0], MEMBERS[:3])
    await cast_votes(h, sid, items[0], MEMBERS[3:6], d="c", cat="moderator")
    await h.press(secretary, cm("iclose", sid, str(items[0])))
    await h.press(secretary, cm("item", sid, str(items[1])))
    await cast_votes(h, sid, items[1], MEMBERS[:5], d="c", cat="moderator")
    asked = await h.press(secretary, cm("iclose", sid, str(items[1])))
    await h.press(secretary, next(d for d in last_markup_data(asked) if d.startswith("ss:force:")))
    before = len(h.session.requests)
    await h.press(secretary, cm("sclose", sid))
    return sid, items, h.session.requests[before:]


async def enter_order(h: Harness, sid: int, number: str = "45-к") -> list[TelegramMethod[Any]]:
    secretary = h.user(SECRETARY)
    await h.press(secretary, cm("order", sid))
    await h.text(secretary, number)
    await h.text(secretary, day(today()))
    await h.text(secretary, "Отдел образования города Караганды")
    await h.text(secretary, "Ахметов Серик Болатович")
    before = len(h.session.requests)
    await h.press(secretary, cm("ordok", sid))
    return h.session.requests[before:]


async def test_protocol_extract_and_certificate_read_back(harness: Harness) -> None:
    sid, items, sent = await run_session(harness)
    session_day = day(today())
    present = [f"Member {m}" for m in MEMBERS[:6]]

    # --- the protocol (App 2), to the secretary and every member, captioned in each reader's language.
    for chat in [SECRETARY, *MEMBERS]:
        protocol = docs(sent, chat, "protocol")
        assert sorted(r.document.filename.rsplit(".", 1)[1] for r in protocol) == ["docx", "pdf"]  # type: ignore[union-attr]
        assert {r.caption for r in protocol} == {k(PROTOCOL_CAPTION, number=1, date=session_day, name=COMMISSION)}
    protocol = docs(sent, SECRETARY, "protocol")
    text, tables = docx_text(of_kind(protocol, "docx"))
    assert ru("Minutes No. {number} of {date}", number=1, date=session_day) in text
    assert ru("Members of the commission: {members}; present: {present}; absent: {absent}. The session is valid when "
              "at least two thirds of the members take part (§18), {quorum}: {verdict}.", members=7, present=6,
              absent=1, quorum=5, verdict=ru("quorum reached")) in text
    assert ru("Absent:") + " Member 107" in text
    assert ru("Present:") + " " + ", ".join(present) in text
    assert "Member 107" not in text.replace(ru("Absent:") + " Member 107", "")  # nowhere else: no signature line
    groups, votes, signatures = tables[:4], tables[4], tables[5]
    assert [row[1] for row in groups[0][1:]] == ["Teacher 301"] and [row[1] for row in groups[2][1:]] == ["Teacher 302"]
    assert groups[1][0][-1] == ru("Reason")
    assert len(votes) == 1 + 6 + 6  # six votes on the first; five and one abstention on the second
    assert [row[1] for row in votes[1:] if row[2] == ru("abstained: had not voted when the secretary closed the "
                                                         "vote")] == ["Member 106"]
    assert all(row[3].startswith(session_day) for row in votes[1:])  # every vote on the session's date
    assert [row[:2] for row in signatures] == [[ru("Chair of the commission"), "Member 101"]] + [
        [ru("Member of the commission"), f"Member {m}"] for m in MEMBERS[1:6]] + [
        [ru("Secretary of the commission"), "Secretary Sekretova"]]
    assert ru("The votes were split evenly, {count} to {count}, with {voters} members present voting; the chair's "
              "vote decided (§18).", count=3, voters=6) in text
    assert ru("{count} of the {voters} members present voted for this decision; {abstained} abstained or did not "
              "vote. A majority of the members present decides (§18).", count=5, voters=6, abstained=1) in text
    pdf = pdf_text(of_kind(protocol, "pdf"))
    for fact in (ru("Minutes No. {number} of {date}", number=1, date=session_day), ru("quorum reached"),
                 "Teacher 301", "Teacher 302", ru("Absent:") + " Member 107", "Secretary Sekretova",
                 flat(ru(SIGNATURE_NOTE))):
        assert fact in pdf, fact
    assert pdf.count("Member 107") == 1

    # --- the extract (App 3), to the teacher (ru) and the secretary (kk), with the votes it refers to.
    extract = docs(sent, TEACHERS[0], "extract")
    assert {r.caption for r in extract} == {ru(EXTRACT_CAPTION, number=1, date=session_day, applicant="Teacher 301")}
    assert {r.caption for r in docs(sent, SECRETARY, "extract-1-1-1")} == {
        k(EXTRACT_CAPTION, number=1, date=session_day, applicant="Teacher 301")}
    text, tables = docx_text(of_kind(extract, "docx"))
    assert session_day in text.splitlines()[:3]
    assert ru("Extract from the minutes No. {number} of the session of the attestation commission", number=1) in text
    assert "Teacher 301" in text and ru("Matches the claimed qualification category") in text
    assert ru("Matches the qualification category: {category}.", category=ru("pedagogue-expert")) in text
    assert ru(SIGNATURE_NOTE) in text  # it announces the votes listed below ...
    assert [row[0] for row in tables[0][1:]] == [f"Member {m}" for m in MEMBERS[:6]]  # ... and lists them
    assert tables[-1][0][:2] == [ru("Secretary of the commission"), "Secretary Sekretova"]
    pdf = pdf_text(of_kind(extract, "pdf"))
    assert "Teacher 301" in pdf and "Member 106" in pdf and flat(ru(SIGNATURE_NOTE)) in pdf

    # --- no certificate until the order assigning the categories is entered (§12).
    assert docs(sent, TEACHERS[0], "certificate") == []
    agenda = await harness.text(harness.user(SECRETARY), "/agenda")
    assert cm("order", sid) in last_markup_data(agenda)
    issued = await enter_order(harness, sid)
    for teacher, category in ((TEACHERS[0], "pedagogue-expert"), (TEACHERS[1], "pedagogue-moderator")):
        certificate = docs(issued, teacher, "certificate")
        assert {r.caption for r in certificate} == {ru(CERTIFICATE_CAPTION, applicant=f"Teacher {teacher}")}
        text, tables = docx_text(of_kind(certificate, "docx"))
        body = ru("In accordance with the decision of the attestation commission for assigning (confirming) "
                  "qualification categories of {decided}, by order No. {number} of {order_date} of the education "
                  "organisation or education authority «{issuer}», the qualification category «{category}» is "
                  "assigned (confirmed) for the position «{position}».", decided=session_day, number="45-к",
                  order_date=day(today()), issuer="Отдел образования города Караганды", category=ru(category),
                  position=ru("teacher"))
        assert body in text and "17-к" not in text  # the order assigning the category, not the commission's
        assert ru("This certificate is issued to:") in text and f"Teacher {teacher}" in text
        assert ru("This certificate is valid until {date}.", date=day(add_years(today(), 5))) in text
        cells = [cell for table in tables for row in table for cell in row]
        assert ru("Place for the seal") in cells and "Ахметов Серик Болатович" in cells
        assert ru("Date of issue:") + " " + day(today()) in text
        pdf = pdf_text(of_kind(certificate, "pdf"))
        assert flat(body) in pdf and ru("Place for the seal") in pdf and "Ахметов Серик Болатович" in pdf
    # Once: the order cannot be entered again.
    again = await harness.press(harness.user(SECRETARY), cm("order", sid))
    assert k("The certificates of this session are already issued (order No. {number} of {date}).",
             number="45-к", date=day(today())) in [getattr(r, "text", None) for r in again]
    del items


async def test_the_order_date_is_checked_and_the_flow_can_be_cancelled(harness: Harness) -> None:
    sid, _items, _sent = await run_session(harness)
    secretary = harness.user(SECRETARY)
    started = await harness.press(secretary, cm("order", sid))
    assert last_markup_data(started) == [cm("cancel", sid, "order")]
    await harness.text(secretary, "45-к")
    early = await harness.text(secretary, "01.01.2020")
    assert k("The order is issued on the commission's decision of {decided}: it cannot be dated earlier.",
             decided=day(today())) in texts(early)
    await harness.press(secretary, cm("cancel", sid, "order"))
    after = await harness.text(secretary, day(today()))
    assert not any("«" in t and k("As before: {value}", value="")[:5] in t for t in texts(after))
    async with harness.app.sessions() as s:
        row = await s.get(CommissionSession, sid)
    assert row is not None and row.order_number is None and row.certificates_issued_at is None
    # Only the secretary (or an admin) enters it.
    forged = await harness.press(harness.user(MEMBERS[0]), cm("order", sid))
    assert [getattr(r, "text", None) for r in forged] == [
        k("Only the commission's secretary or an administrator records the order.")]
    card = await harness.text(harness.user(ADMIN), "/commissions")
    assert cm("order", sid) in last_markup_data(card)
    by_admin = await harness.press(harness.user(ADMIN), cm("order", sid))
    assert last_markup_data(by_admin) == [cm("cancel", sid, "order")]


async def test_the_next_order_offers_the_previous_issuer_and_signatory(harness: Harness) -> None:
    sid, _items, _sent = await run_session(harness)
    await enter_order(harness, sid)
    async with harness.app.sessions() as s:
        previous = await s.get(CommissionSession, sid)
        assert previous is not None
        # A second closed session of the same commission (as after another sitting), certificates not yet issued.
        second = CommissionSession(commission_id=previous.commission_id, number=2, session_date=today(),
                                   status="closed", created_by=SECRETARY, created_at=previous.created_at, version=0)
        s.add(second)
        await s.flush()
        from storage.commission_models import AgendaItem, CommissionDecision

        old_item = await s.scalar(select(AgendaItem).where(AgendaItem.session_id == sid))
        assert old_item is not None
        item = AgendaItem(session_id=second.id, application_id=old_item.application_id + 100, user_id=TEACHERS[0],
                          position=1, status="closed", full_name="Teacher 301", role="teacher", org_name=None,
                          kind="regular", current_category="expert", claimed_category="researcher", version=0)
        s.add(item)
        await s.flush()
        s.add(CommissionDecision(candidate_id=item.id, decision="claimed", assigned_category="researcher",
                                 outcome="decided", counts={"claimed:researcher": 6}, decided_at=previous.created_at,
                                 decided_on=today(), extract_due=today(), certificate_number="x-1",
                                 valid_until=add_years(today(), 5), voters=6, majority_of="present"))
        await s.commit()
        second_id = second.id
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("order", second_id))
    await harness.text(secretary, "46-к")
    asked = await harness.text(secretary, day(today()))
    assert cm("ordsame", second_id, "issuer") in last_markup_data(asked)
    await harness.press(secretary, cm("ordsame", second_id, "issuer"))
    confirm = await harness.press(secretary, cm("ordsame", second_id, "signatory"))
    assert any("Отдел образования города Караганды" in t and "Ахметов Серик Болатович" in t for t in texts(confirm))
    issued = await harness.press(secretary, cm("ordok", second_id))
    assert docs(issued, TEACHERS[0], "certificate-x-1")


# --- any stored text renders ----------------------------------------------------------------------


async def test_control_characters_in_a_name_do_not_wedge_closing(harness: Harness) -> None:
    """A name with XML-invalid characters: the session closes and its protocol is issued, readable."""
    _sid, _items, sent = await run_session(harness, full_name="Bad\x00Name\x1f\ufffe")
    protocol = docs(sent, SECRETARY, "protocol")
    assert len(protocol) == 2
    _text, tables = docx_text(of_kind(protocol, "docx"))
    assert "Bad\ufffdName\ufffd\ufffd" in [row[1] for table in tables[:4] for row in table]
    assert "Bad" in pdf_text(of_kind(protocol, "pdf"))
    async with harness.app.sessions() as s:
        row = await s.scalar(select(CommissionSession))
    assert row is not None and row.status == "closed"
    assert any(t == k("The session is closed.") for t in [getattr(r, "text", "") for r in sent])


async def test_a_script_dejavu_lacks_falls_back_to_another_font(harness: Harness) -> None:
    _sid, _items, sent = await run_session(harness, full_name="王小明 Смагулов")
    pdf = pdf_text(of_kind(docs(sent, SECRETARY, "protocol"), "pdf"))
    # pypdf reads the fallback font's glyphs with NULs and spaces between them (pdftotext does not); the
    # characters are there, none dropped.
    assert "王小明Смагулов" in "".join(pdf.replace("\x00", "").split())


async def test_a_department_template_replaces_ours(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    own = Document()
    own.add_paragraph("Letterhead of the Karaganda education department")
    own.add_paragraph("{{ heading }} — {{ commission }}; {{ attendance }}")
    own.save(str(folder / "protocol_app2.ru.docx"))
    (folder / "extract_app3.docx").write_bytes(b"not a docx at all")  # broken: ours is used instead
    settings = settings.model_copy(update={"document_templates_dir": folder})
    await upgrade(settings.database_url)
    app = create_application(settings)
    from aiogram import Bot

    session = RecordingSession()
    h = Harness(app, Bot(token=settings.token, session=session), session)
    try:
        _sid, _items, sent = await run_session(h)
    finally:
        await app.close()
    text, _tables = docx_text(of_kind(docs(sent, SECRETARY, "protocol"), "docx"))
    assert text.startswith("Letterhead of the Karaganda education department")
    assert ru("Minutes No. {number} of {date}", number=1, date=day(today())) + " — " + COMMISSION in text
    extract, _tables = docx_text(of_kind(docs(sent, TEACHERS[0], "extract"), "docx"))
    assert ru("Matches the claimed qualification category") in extract


async def test_generated_documents_are_kept(harness: Harness) -> None:
    _sid, _items, sent = await run_session(harness)
    async with harness.app.sessions() as s:
        kinds = sorted({(d.kind, d.fmt) for d in await s.scalars(select(GeneratedDocument))})
    assert kinds == [("extract", "docx"), ("extract", "pdf"), ("protocol", "docx"), ("protocol", "pdf")]
    assert not [r for r in sent if isinstance(r, SendMessage) and "Traceback" in r.text]


# --- files are captioned with what they are and whose ----------------------------------------------


async def test_application_files_are_captioned_in_the_readers_language(harness: Harness) -> None:
    from aiogram.methods import SendPhoto
    from sqlalchemy import update

    from scoring.documents import BY_ID
    from storage.checklist_models import Application, UploadedFile
    from storage.profile_models import User

    sid, items = await voting_session(harness)
    async with harness.app.sessions() as s:
        s.add_all([
            UploadedFile(user_id=TEACHERS[0], item_id="courses", file_id="F-courses", file_unique_id="u1",
                         file_name="courses.pdf", kind="document", uploaded_at=datetime.now(UTC)),
            UploadedFile(user_id=TEACHERS[0], item_id="an-item-no-longer-listed", file_id="F-old",
                         file_unique_id="u2", file_name=None, kind="photo", uploaded_at=datetime.now(UTC)),
        ])
        await s.execute(update(Application).where(Application.user_id == TEACHERS[0]).values(
            snapshot={"files": {"courses": ["F-courses"], "an-item-no-longer-listed": ["F-old"]}}))
        await s.execute(update(User).where(User.id == MEMBERS[1]).values(locale="ru"))
        await s.commit()
        app_id = await s.scalar(select(Application.id).where(Application.user_id == TEACHERS[0]))
    sent = await harness.press(harness.user(SECRETARY), cm("files", int(app_id or 0)))
    captions = [r.caption for r in sent if isinstance(r, SendDocument | SendPhoto)]
    assert captions == [k("{item}: {applicant}", item=k(BY_ID["courses"].title), applicant="Teacher 301"),
                        k("{item}: {applicant}", item=k("A document of the application"), applicant="Teacher 301")]
    # A member who may vote opens the same files from the ballot, captioned in their own language.
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    sent = await harness.press(harness.user(MEMBERS[1]), cm("vfiles", sid, str(items[0])))
    captions = [r.caption for r in sent if isinstance(r, SendDocument | SendPhoto)]
    assert captions[0] == ru("{item}: {applicant}", item=ru(BY_ID["courses"].title), applicant="Teacher 301")
    assert all("courses" not in (c or "") and "an-item" not in (c or "") for c in captions)
    # Someone who may not vote on the candidate does not get them.
    outsider = await harness.press(harness.user(999), cm("vfiles", sid, str(items[0])))
    assert not [r for r in outsider if isinstance(r, SendDocument | SendPhoto)]


async def test_a_member_gets_every_file_from_the_file_store_after_the_bot_token_changes(harness: Harness) -> None:
    """The ballot's files button: a file_id is one bot's, so with a new token the store's copy is sent."""
    from aiogram import Bot
    from aiogram.methods import SendPhoto
    from aiogram.types import BufferedInputFile

    from bot.pipeline.outbox import KeptFile
    from storage.checklist_models import Application, UploadedFile
    from storage.files.service import FileStoreService
    from tests.storage.sample_files import jpeg
    from tests.storage.sample_files import pdf as real_pdf

    sid, items = await voting_session(harness)
    document, picture = real_pdf(), jpeg()
    async with harness.app.sessions() as s:  # what her uploads left: the store's copies, the Telegram ids
        kept = FileStoreService(s, harness.app.file_store)
        for file_id, kind, data in (("F-diploma", "document", document), ("P-scan", "photo", picture)):
            stored = await kept.store_upload(TEACHERS[0], data)
            s.add(UploadedFile(user_id=TEACHERS[0], item_id="courses", file_id=file_id, file_unique_id=file_id,
                               file_name="courses.pdf" if kind == "document" else None, kind=kind,
                               uploaded_at=datetime.now(UTC), stored_file_id=stored.id))
        await s.execute(update(Application).where(Application.user_id == TEACHERS[0]).values(
            snapshot={"files": {"courses": ["F-diploma", "P-scan"]}}))
        await s.commit()
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))

    def delivered(sent: list[TelegramMethod[Any]]) -> list[Any]:
        return [r.document if isinstance(r, SendDocument) else r.photo for r in sent
                if isinstance(r, SendDocument | SendPhoto) and r.chat_id == MEMBERS[1]]

    assert delivered(await harness.press(harness.user(MEMBERS[1]), cm("vfiles", sid, str(items[0])))) == [
        "F-diploma", "P-scan"]  # the file_ids work: the cache
    # The department replaces its bot's token: Telegram refuses every file_id the old one was given.
    harness.session.file_ids_of = harness.bot.token
    harness.bot = Bot(token="43:THE-NEW-TOKEN", session=harness.session)
    files = delivered(await harness.press(harness.user(MEMBERS[1]), cm("vfiles", sid, str(items[0]))))
    assert [(type(f), f.data if isinstance(f, BufferedInputFile) else f) for f in files] == [
        (KeptFile, document), (KeptFile, picture)]  # the store's copies, by reference through the outbox


async def test_a_session_with_a_teacher_and_a_head_issues_app_2_and_app_12(harness: Harness) -> None:
    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    apps = [await teacher_with_application(harness, TEACHERS[0]),
            await teacher_with_application(harness, TEACHERS[1], role="head", teaching_post=None,
                                           current_category="head_3", claimed_category="head_2")]
    secretary = harness.user(SECRETARY)
    await harness.text(secretary, "/agenda")
    for app_id in apps:
        await harness.press(secretary, cm("acc", app_id))
    await harness.press(secretary, cm("snew", cid))
    await harness.text(secretary, today_text())
    sid = (await latest_session(harness)).id
    await harness.press(secretary, cm("sopen", sid))
    for member in MEMBERS:
        await harness.press(harness.user(member), cm("here", sid))
    await harness.press(secretary, cm("svote", sid))
    items = [i.id for i in await agenda(harness, sid)]
    for item, category in zip(items, ("expert", "head_2"), strict=True):
        await harness.press(secretary, cm("item", sid, str(item)))
        await cast_votes(harness, sid, item, MEMBERS, cat=category)
        await harness.press(secretary, cm("iclose", sid, str(item)))
    before = len(harness.session.requests)
    await harness.press(secretary, cm("sclose", sid))
    sent = harness.session.requests[before:]
    names = sorted(r.document.filename for r in docs(sent, SECRETARY, "protocol"))  # type: ignore[union-attr]
    assert names == [f"protocol-{cid}-1-app12.docx", f"protocol-{cid}-1-app12.pdf", f"protocol-{cid}-1.docx",
                     f"protocol-{cid}-1.pdf"]
    text2, _tables = docx_text(of_kind(docs(sent, SECRETARY, f"protocol-{cid}-1."), "docx"))
    text12, tables12 = docx_text(of_kind(docs(sent, SECRETARY, f"protocol-{cid}-1-app12"), "docx"))
    assert ru("Appendix 2") in text2 and "Teacher 302" not in text2 and "Teacher 301" in text2
    assert ru("Appendix 12") in text12 and "Teacher 301" not in text12
    assert tables12[0][0][-1] == ru("Commission's decision") and tables12[0][1][1] == "Teacher 302"
    extract = docx_text(of_kind(docs(sent, TEACHERS[1], "extract"), "docx"))[0]
    assert ru("Appendix 13") in extract
    assert ru("Extract from the minutes No. {number} of {date} of the session of the attestation commission",
              number=1, date=day(today())) in extract


async def not_matching_session(h: Harness, claimed: str) -> tuple[int, int, list[TelegramMethod[Any]]]:
    """One teacher without a category claiming `claimed`; the six members present vote "does not match", the
    secretary types the reason and closes the session."""
    cid = await full_commission(h)
    await elect_chair(h, cid)
    async with h.app.sessions() as s:  # pedagogue and moderator claims go to the organisation's commission (§13)
        await s.execute(update(Commission).values(level="organisation", organisation="School-lyceum No. 7"))
        await s.commit()
    app_id = await teacher_with_application(h, TEACHERS[0], current_category=None, claimed_category=claimed)
    secretary = h.user(SECRETARY)
    await h.text(secretary, "/agenda")
    await h.press(secretary, cm("acc", app_id))
    await h.press(secretary, cm("snew", cid))
    await h.text(secretary, today_text())
    sid = (await latest_session(h)).id
    await h.press(secretary, cm("sopen", sid))
    for user_id in MEMBERS[:6]:
        await h.press(h.user(user_id), cm("here", sid))
    await h.press(secretary, cm("svote", sid))
    items = [i.id for i in await agenda(h, sid)]
    await h.press(secretary, cm("item", sid, str(items[0])))
    await cast_votes(h, sid, items[0], MEMBERS[:6], d="n", cat="")
    await h.press(secretary, cm("iclose", sid, str(items[0])))
    await h.text(secretary, "The portfolio does not reach the threshold")
    before = len(h.session.requests)
    await h.press(secretary, cm("sclose", sid))
    return sid, items[0], h.session.requests[before:]


async def test_p32_does_not_match_a_moderator_claim_without_a_category_assigns_pedagogue(harness: Harness) -> None:
    """§32: a teacher without a category who fails a moderator claim is assigned "педагог"; App 2's
    "does not match" table prints it in its assigned-category column, the extract and her profile carry it,
    and no certificate is issued (the same answer as scoring.testrule)."""
    _sid, item, sent = await not_matching_session(harness, "moderator")
    decision = await harness_decision(harness, item)
    assert decision.assigned_category == "teacher" and decision.certificate_number is None
    assert decision.valid_until == add_years(today(), 5)
    async with harness.app.sessions() as s:
        profile = await s.get(TeacherProfile, TEACHERS[0])
        assert profile is not None and profile.current_category == "teacher"
    _text, tables = docx_text(of_kind(docs(sent, SECRETARY, "protocol"), "docx"))
    not_matching = next(t for t in tables if t[0][-1] == ru("Reason"))
    assert not_matching[0][6] == ru("Assigned category") and not_matching[1][1] == "Teacher 301"
    assert not_matching[1][4:7] == ["—", ru("pedagogue-moderator"), ru("pedagogue")]
    text, _tables = docx_text(of_kind(docs(sent, TEACHERS[0], "extract"), "docx"))
    assert ru("Does not match the claimed qualification category") in text
    assert ru("The qualification category assigned on the results of the national qualification test (§32): "
              "{category}.", category=ru("pedagogue")) in text
    told = "\n".join(r.text for r in sent if isinstance(r, SendMessage) and r.chat_id == TEACHERS[0])
    assert ru("Your claim is not confirmed. On the results of the national qualification test you are assigned "
              "{category} (§32). It is valid until {until}.", category=ru("pedagogue"),
              until=day(add_years(today(), 5))) in told
    assert docs(sent, TEACHERS[0], "certificate") == []


async def test_p32_does_not_match_a_pedagogue_claim_assigns_nothing(harness: Harness) -> None:
    """§32 gives nothing below "педагог": the decision assigns no category and the column shows none."""
    _sid, item, sent = await not_matching_session(harness, "teacher")
    decision = await harness_decision(harness, item)
    assert decision.assigned_category is None and decision.valid_until is None
    _text, tables = docx_text(of_kind(docs(sent, SECRETARY, "protocol"), "docx"))
    not_matching = next(t for t in tables if t[0][-1] == ru("Reason"))
    assert not_matching[1][6] == "—"
    text, _tables = docx_text(of_kind(docs(sent, TEACHERS[0], "extract"), "docx"))
    assert ru("The qualification category assigned on the results of the national qualification test (§32): "
              "{category}.", category="—") not in text


async def harness_decision(h: Harness, item: int) -> CommissionDecision:
    async with h.app.sessions() as s:
        decision = await s.scalar(select(CommissionDecision).where(CommissionDecision.candidate_id == item))
    assert decision is not None
    return decision


# --- the documents of record live in the file store --------------------------------------------------


@pytest.fixture(params=["local", "s3"])
async def stored_harness(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
                         ) -> AsyncIterator[Harness]:
    """The bot over each file store backend: a local folder, and a bucket on a real S3 server (moto_server)."""
    from aiogram import Bot

    from storage.files import FileStore, LocalFileStore, S3FileStore
    from tests.services import s3_server

    await upgrade(settings.database_url)
    with contextlib.ExitStack() as stack:
        store: FileStore = LocalFileStore(tmp_path / "files")
        if request.param == "s3":
            s3 = await S3FileStore.connect(bucket="records", endpoint_url=stack.enter_context(s3_server()),
                                           access_key="department", secret_key="department-secret")
            await s3.ensure_bucket()
            store = s3
        app = create_application(settings, store)
        session = RecordingSession()
        try:
            yield Harness(app, Bot(token=settings.token, session=session), session)
        finally:
            await app.close()


async def test_generated_documents_are_sent_from_the_file_store_after_a_delivery_is_cut_short(
        stored_harness: Harness) -> None:
    """Each document is one of the commission's records in the file store (not a person's: no /delete_me takes
    it), kept as long as the session's records; its outbox row names it, and the deliverer sends it from there."""
    from datetime import time, timedelta

    from aiogram.exceptions import TelegramRetryAfter

    from bot.pipeline.outbox import deliver_due
    from storage.file_models import StoredFile
    from storage.files.retention import RECORDS_OWNER
    from storage.files.service import FileStoreService
    from storage.outbox_models import OutboxMessage

    h = stored_harness

    async def telegram_busy(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendDocument):
            raise TelegramRetryAfter(method=method, message="Too Many Requests: retry after 3600", retry_after=3600)

    h.session.on_request = telegram_busy
    sid, _items, _sent = await run_session(h)
    async with h.app.sessions() as s:
        documents = list(await s.scalars(select(GeneratedDocument).order_by(GeneratedDocument.id)))
        when = (await s.get(CommissionSession, sid)).session_date  # type: ignore[union-attr]
        kept = {d.filename: await FileStoreService(s, h.app.file_store).read(
            await s.get(StoredFile, d.stored_file_id)) for d in documents}  # type: ignore[arg-type]
        owners = {(f.owner_user_id, f.keep_until) for f in await s.scalars(select(StoredFile))}
        left = [row.payload["document"] for row in await s.scalars(select(OutboxMessage).where(
            OutboxMessage.method == "sendDocument"))]
    assert [d.content for d in documents] == [None] * len(documents)  # the bytes are in the store only
    # Kept through the last day of the records' five years (SQLite hands back naive UTC).
    assert owners == {(RECORDS_OWNER, datetime.combine(add_years(when, 5) + timedelta(days=1), time()))}
    assert kept[f"protocol-{documents[0].commission_id}-1.pdf"].startswith(b"%PDF")
    assert left and all(set(ref) == {"__stored__", "filename"} for ref in left)  # a reference, no bytes
    # The process died; the next one's deliverer sends them, read from the store again.
    h.session.on_request = None
    before = len(h.session.requests)
    await deliver_due(h.bot, h.app.sessions, datetime.now(UTC) + timedelta(hours=2), store=h.app.file_store)
    resent = [r for r in h.session.requests[before:] if isinstance(r, SendDocument)]
    assert len(resent) == len(left)
    assert {r.chat_id for r in resent} >= {SECRETARY, TEACHERS[0], *MEMBERS[:6]}
    assert all(content(r) == kept[r.document.filename] for r in resent)  # type: ignore[union-attr]
