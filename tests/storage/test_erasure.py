"""/delete_me on SQLite and PostgreSQL: one person with data in every table is erased; only the records a
commission must keep (scoring/retention.py) are left, cut from the person's account, and nobody else's
data is touched."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import BigInteger, Integer, LargeBinary, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from features.privacy.service import Erased, ErasureService
from scoring import retention
from scoring.config import default_rules
from storage.appeal_models import Appeal, AppealFile
from storage.broadcast_models import ApplicationWindow, Broadcast, BroadcastRecipient, ReminderPreference, SentReminder
from storage.checklist_models import Application, Essay, EssayTopics, ItemMark, Notice, UploadedFile
from storage.commission_models import (
    Abstention,
    AgendaItem,
    ApplicationReview,
    Attendance,
    BallotMessage,
    ChairVote,
    Commission,
    CommissionDecision,
    CommissionInvite,
    CommissionMember,
    CommissionPoints,
    CommissionSession,
    GeneratedDocument,
    Vote,
)
from storage.db import create_engine, create_session_factory, empty_wal, rebuild_file
from storage.file_models import StoredFile
from storage.files import FileStore, LocalFileStore, object_key, sha256_of
from storage.files.retention import RECORDS_OWNER
from storage.fsm_models import FsmRecord
from storage.maintenance_models import MaintenanceDue
from storage.migrate import upgrade
from storage.outbox_models import OutboxMessage
from storage.profile_models import TeacherProfile, User
from storage.registry import Base
from storage.ruleset_models import StoredRuleSet
from storage.scoring_models import SelfAssessment
from storage.verification_models import IssuedDocument

PERSON = 777_000_123  # a teacher with two applications, secretary of A, member of C and an administrator
OTHER_SECRETARY, OTHER_TEACHER = 777_000_200, 777_000_400
MEMBERS = [777_000_301 + i for i in range(7)]
NAME = "Жанарова Әсем Қуанышқызы"
IIN = "880515450123"
PHONE, EMAIL = "+77019876543", "zhanarova.asem@example.kz"
FILE_ID = "BQACAgIAAxkBAAI-person-file"
IDENTIFIERS = (NAME, IIN, PHONE, EMAIL, FILE_ID)
# Her diploma as the file store keeps it (the object is put by `build`, its row is in person_rows).
PERSON_FILE = f"%PDF-1.4 diploma of {NAME}".encode()
PERSON_FILE_SHA256 = sha256_of(PERSON_FILE)
OTHERS_FILE = b"%PDF-1.4 diploma of Other Teacher"
# Her certificate as issued: one of the commission's records in the file store (not hers: kept by an erasure).
CERTIFICATE = f"%PDF-1.4 certificate of {NAME}".encode()
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
DECIDED_ON, WORKED_ON, SECRETARY_ON = date(2025, 12, 10), date(2026, 3, 2), date(2026, 2, 5)


def commission(cid: int, name: str, secretary: int | None, secretary_name: str | None, by: int) -> Commission:
    return Commission(id=cid, level="district", name=name, region="karaganda",
                      order_number=f"{cid}-к", order_date=date(2025, 9, 1), term_end=date(2026, 9, 1), locale="ru",
                      secretary_user_id=secretary, secretary_name=secretary_name, created_by=by)


def session_row(sid: int, cid: int, day: date, status: str, by: int) -> CommissionSession:
    return CommissionSession(id=sid, commission_id=cid, number=sid, session_date=day, status=status, created_by=by,
                             created_at=NOW, version=0)


def item(iid: int, sid: int, app_id: int, user_id: int, name: str, status: str = "closed") -> AgendaItem:
    return AgendaItem(id=iid, session_id=sid, application_id=app_id, user_id=user_id, position=1, status=status,
                      full_name=name, role="teacher", org_name="School No. 7", kind="regular",
                      current_category="moderator", claimed_category="expert", version=0)


def vote(vid: int, sid: int, iid: int, member: int) -> Vote:
    return Vote(id=vid, session_id=sid, candidate_id=iid, member_user_id=member, decision="claimed",
                category="expert", cast_at=NOW, changes=0)


def document(did: int, cid: int, sid: int, iid: int | None, kind: str, names: str) -> GeneratedDocument:
    return GeneratedDocument(id=did, commission_id=cid, session_id=sid, candidate_id=iid, kind=kind, fmt="pdf",
                             locale="ru", filename=f"{kind}-{did}.pdf", content=f"%PDF {names}".encode(),
                             created_at=NOW)


def appeal(aid: int, app_id: int, user_id: int, status: str, decided_by: int | None = None) -> Appeal:
    grounds = f"{NAME}: the commission did not count my courses" if user_id == PERSON else "Other Teacher's grounds"
    return Appeal(id=aid, number=f"Ж-2025-00000{aid}", year=2025, sequence=aid, application_id=app_id, commission_id=2,
                  user_id=user_id, locale="kk", subject="decision", subject_on=DECIDED_ON, grounds=grounds,
                  attend=True, status=status, filed_at=NOW, registered_on=DECIDED_ON, forward_by=DECIDED_ON,
                  provider_review_by=DECIDED_ON, decided_at=NOW if decided_by else None, decided_by=decided_by,
                  remedy="revote" if status == "upheld" else None, outcome_file_id=1 if user_id == PERSON else None)


def person_rows() -> list[Any]:
    """PERSON everywhere: profile and conversation, checklist, essay, self-assessment, two applications (one
    decided by commission B, one pending there and on B's next draft agenda), secretary of A (who created it
    and its closed session), member of C (chair votes, attendance, a vote and commission points on someone
    else, C's protocol), and as an administrator: an invite, a broadcast, the window, the topics."""
    ballot = {"text": f"Vote on {NAME}: current category moderator, claimed expert."}
    return [
        User(id=PERSON, locale="kk", is_active=True),
        TeacherProfile(user_id=PERSON, consent_at=NOW, full_name=NAME, iin=IIN, role="teacher", org_name="School No. 7",
                       region="karaganda", email=EMAIL, phone=PHONE),
        FsmRecord(key=f"fsm:42:{PERSON}:{PERSON}:default", state="ProfileForm:email", data={"draft": NAME}),
        StoredFile(id=1, owner_user_id=PERSON, sha256=PERSON_FILE_SHA256, size=len(PERSON_FILE), detected_type="pdf",
                   store_key=object_key(PERSON, PERSON_FILE_SHA256), created_at=NOW),
        UploadedFile(id=1, user_id=PERSON, item_id="courses", file_id=FILE_ID, file_unique_id="u-person",
                     file_name="courses.pdf", kind="document", uploaded_at=NOW, stored_file_id=1),
        ItemMark(user_id=PERSON, item_id="diploma", not_applicable=False, in_state_systems=True, updated_at=NOW),
        Essay(user_id=PERSON, text=f"{NAME}: my essay " + "word " * 260, words=263, source="text", updated_at=NOW),
        SelfAssessment(user_id=PERSON, sheet_id="teacher", answers={"claimed": "expert", "criteria": {}},
                       observations=[]),
        Application(id=10, user_id=PERSON, academic_year=2025, number="2025-000010", status="decided",
                    claimed_category="expert", created_at=NOW, snapshot={"files": {"courses": [FILE_ID]}}),
        Application(id=11, user_id=PERSON, academic_year=2026, number="2026-000011", status="submitted",
                    claimed_category="researcher", created_at=NOW, snapshot={"files": {"courses": [FILE_ID]}}),
        Notice(id=1, application_id=11, kind="acceptance", locale="kk", text=f"{NAME}, application accepted",
               reasons=[]),
        commission(1, "Commission A", PERSON, NAME, PERSON),
        commission(2, "Commission B", OTHER_SECRETARY, "Secretary B", 1),
        commission(3, "Commission C", OTHER_SECRETARY, "Secretary C", 1),
        *[CommissionMember(commission_id=cid, user_id=m, full_name=f"Member {m}", role="ngo", joined_at=NOW)
          for cid in (2, 3) for m in MEMBERS],
        CommissionMember(commission_id=3, user_id=PERSON, full_name=NAME, role="methodist", joined_at=NOW),
        CommissionInvite(commission_id=1, code="invA", kind="member", created_by=PERSON, created_at=NOW,
                         expires_at=NOW),
        CommissionInvite(commission_id=3, code="invC", kind="member", created_by=1, created_at=NOW, expires_at=NOW,
                         used_at=NOW, used_by=PERSON),
        ChairVote(commission_id=3, voter_user_id=PERSON, candidate_user_id=MEMBERS[0], voted_at=NOW),
        ChairVote(commission_id=3, voter_user_id=MEMBERS[1], candidate_user_id=PERSON, voted_at=NOW),
        # A: PERSON is the secretary; they created the closed session A1 that decided on OTHER_TEACHER.
        ApplicationReview(application_id=20, commission_id=1, user_id=OTHER_TEACHER, status="decided", routed_at=NOW,
                          routed_on=SECRETARY_ON, acted_at=NOW, acted_by=PERSON),
        session_row(1, 1, SECRETARY_ON, "closed", PERSON),
        item(1, 1, 20, OTHER_TEACHER, "Other Teacher"),
        document(1, 1, 1, None, "protocol", f"Other Teacher; secretary {NAME}"),
        # ... and, closing a vote anyway, recorded a member as abstaining.
        Abstention(candidate_id=1, member_user_id=MEMBERS[0], recorded_at=NOW, recorded_by=PERSON),
        # B: PERSON's first application decided in the closed session B1 (protocol, extract, certificate).
        ApplicationReview(application_id=10, commission_id=2, user_id=PERSON, status="decided", routed_at=NOW,
                          routed_on=DECIDED_ON, acted_at=NOW, acted_by=OTHER_SECRETARY),
        session_row(2, 2, DECIDED_ON, "closed", OTHER_SECRETARY),
        item(2, 2, 10, PERSON, NAME),
        *[vote(i, 2, 2, m) for i, m in enumerate(MEMBERS, start=1)],
        CommissionDecision(id=1, candidate_id=2, decision="claimed", assigned_category="expert", outcome="decided",
                           counts={"claimed:expert": 7}, decided_at=NOW, decided_on=DECIDED_ON,
                           extract_due=DECIDED_ON, certificate_number="2-2025-0001", valid_until=date(2030, 12, 10)),
        CommissionPoints(candidate_id=2, member_user_id=MEMBERS[0], sheet_id="teacher",
                         answers={"claimed": "expert", "criteria": {}, "who": NAME}, updated_at=NOW),
        document(2, 2, 2, None, "protocol", NAME),
        document(3, 2, 2, 2, "extract", NAME),
        document(4, 2, 2, 2, "certificate", NAME),
        # ... the certificate's registry row, its signed facts naming her (features/verification);
        IssuedDocument(id=1, code="7K3MZQ9W2H", kind="certificate", application_id=10, candidate_id=2,
                       facts={"n": NAME, "i": IIN[-4:]}, signature="sig", issued_at=NOW,
                       valid_until=date(2030, 12, 10)),
        # ... and, as an administrator, she revoked another teacher's certificate.
        IssuedDocument(id=2, code="2345678ABC", kind="certificate", application_id=20, candidate_id=1,
                       facts={"n": "Other Teacher"}, signature="sig", issued_at=NOW, revoked_at=NOW,
                       revoked_reason="overturned", revoked_by=PERSON),
        # ... her complaint about that decision, upheld (its grounds and attachment are hers; how it was
        # handled is the department's), and one about the second application still open;
        appeal(1, 10, PERSON, "upheld", decided_by=OTHER_SECRETARY),
        AppealFile(id=1, appeal_id=1, stored_file_id=1, file_id="BQAC-appeal-file", file_name="proof.pdf",
                   kind="document"),
        appeal(2, 11, PERSON, "filed"),
        # ... and, as an administrator, she rejected another teacher's complaint.
        appeal(3, 20, OTHER_TEACHER, "rejected", decided_by=PERSON),
        # B: the second application, pending review and on the agenda of the draft session B2.
        ApplicationReview(application_id=11, commission_id=2, user_id=PERSON, status="scheduled", routed_at=NOW,
                          routed_on=NOW.date()),
        session_row(3, 2, date(2026, 12, 15), "draft", OTHER_SECRETARY),
        item(3, 3, 11, PERSON, NAME, status="waiting"),
        # C: PERSON is a member; in the closed session C1 they were present and voted on OTHER_TEACHER.
        session_row(4, 3, WORKED_ON, "closed", OTHER_SECRETARY),
        Attendance(session_id=4, user_id=PERSON, marked_at=NOW),
        item(4, 4, 21, OTHER_TEACHER, "Other Teacher"),
        vote(20, 4, 4, PERSON),
        BallotMessage(candidate_id=4, member_user_id=PERSON, message_id=99),  # where PERSON's ballot was
        vote(21, 4, 4, MEMBERS[0]),
        CommissionPoints(candidate_id=4, member_user_id=PERSON, sheet_id="teacher", answers={"criteria": {}},
                         updated_at=NOW),
        document(5, 3, 4, None, "protocol", f"Other Teacher; members {NAME}, Member {MEMBERS[0]}"),
        # Messages: to PERSON; a ballot naming PERSON to a member (stored as JSON, non-ASCII escaped).
        OutboxMessage(user_id=PERSON, method="sendMessage", payload={"text": "Your application is accepted"},
                      created_at=NOW, attempts=1, sent_at=NOW),
        OutboxMessage(user_id=MEMBERS[0], method="sendMessage", payload=ballot, created_at=NOW, attempts=1),
        Broadcast(id=1, created_by=PERSON, admin_locale="kk", text_kk="Сәлем", text_ru="Привет",
                  segment={"kind": "all"}, status="done", total=1, progress_chat_id=PERSON, progress_message_id=5),
        BroadcastRecipient(broadcast_id=1, user_id=PERSON, locale="kk", status="sent", attempts=1),
        SentReminder(user_id=PERSON, kind="window_close", academic_year=2026, occasion="7", status="sent"),
        ReminderPreference(user_id=PERSON, muted=True),
        ApplicationWindow(academic_year=2026, opens_on=date(2026, 9, 1), closes_on=date(2026, 12, 31), set_by=PERSON),
        EssayTopics(academic_year=2026, locale="kk", topics=["Topic"], set_by=PERSON, updated_at=NOW),
        StoredRuleSet(key="kz-test@2027.1", text="[source]", first_year=2027, loaded_at=NOW, loaded_by=PERSON),
    ]


def others_rows() -> list[Any]:
    """Someone else's data, which must survive untouched."""
    return [
        User(id=OTHER_TEACHER, locale="ru", is_active=True),
        TeacherProfile(user_id=OTHER_TEACHER, consent_at=NOW, full_name="Other Teacher", iin="900101300012"),
        OutboxMessage(user_id=OTHER_TEACHER, method="sendMessage", payload={"text": "Your category is expert"},
                      created_at=NOW, attempts=0),
    ]


FILES_DIR = Path("set-by-the-fixture")


@pytest.fixture(autouse=True)
def _files_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(globals(), "FILES_DIR", tmp_path / "files")


def world_store() -> FileStore:
    """The file store of the test's world (a folder of its own, whichever database it runs on)."""
    return LocalFileStore(FILES_DIR)


async def build(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = world_store()
    assert await store.put(PERSON, PERSON_FILE) == object_key(PERSON, PERSON_FILE_SHA256)
    await store.put(OTHER_TEACHER, OTHERS_FILE)
    async with sessions() as s:
        for row in [*person_rows(), *others_rows()]:
            s.add(row)
            await s.flush()  # in this order: rows refer to one another
        key = await store.put(RECORDS_OWNER, CERTIFICATE)
        s.add(StoredFile(id=2, owner_user_id=RECORDS_OWNER, sha256=sha256_of(CERTIFICATE), size=len(CERTIFICATE),
                         detected_type="pdf", store_key=key, created_at=NOW, keep_until=NOW))
        await s.flush()
        certificate = await s.get(GeneratedDocument, 4)
        assert certificate is not None and certificate.kind == "certificate"
        certificate.content, certificate.stored_file_id = None, 2
        await s.commit()


def _mentions(value: Any) -> bool:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return isinstance(value, str) and any(i in value for i in IDENTIFIERS)


async def theirs(sessions: async_sessionmaker[AsyncSession]) -> dict[str, set[Any]]:
    """Per table, the primary keys of the rows that are the person's: a column holds their id or a text that
    names them, or a foreign key points at such a row (a decision of their agenda row, a notice of their
    application)."""
    found: dict[str, set[Any]] = {}
    async with sessions() as s:
        for table in Base.metadata.sorted_tables:  # parents before children
            keys = set()
            for row in (await s.execute(select(table))).mappings():
                pk = tuple(row[c.name] for c in table.primary_key.columns)
                ids = [row[c.name] for c in table.columns if isinstance(c.type, Integer | BigInteger)]
                texts = [row[c.name] for c in table.columns if not isinstance(c.type, Integer | BigInteger)
                         or isinstance(c.type, LargeBinary)]
                linked = any(fk.parent.name in row and (row[fk.parent.name],) in found.get(fk.column.table.name, ())
                             for fk in table.foreign_keys)
                if PERSON in ids or any(_mentions(v) for v in texts) or linked:
                    keys.add(pk)
            if keys:
                found[table.name] = keys
    return found


# Tables that hold nobody's data by the time an erasure runs: what the database file owes itself; and the
# inbox, whose rows keep an update's payload only until the update is applied, in order per chat (so the
# person's earlier updates have none left, and later ones are what they send after the erasure); and which
# worker runs the scheduler.
NO_PERSONAL_DATA = {"maintenance_due", "received_updates", "worker_leases"}
KEPT = {
    "session_candidates": {(2,)},  # the protocol row of the decided application
    "commission_decisions": {(1,)},
    "commission_votes": {(i,) for i in range(1, 8)},  # the members' votes on it
    "commission_documents": {(1,), (2,), (3,), (4,), (5,)},  # protocols of A1, B1, C1; extract, certificate
    "issued_documents": {(1,)},  # the certificate's registry row (the revocation she made no longer names her)
}


async def erase(sessions: async_sessionmaker[AsyncSession], user_id: int = PERSON) -> Erased:
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=42, chat_id=user_id, user_id=user_id))
    async with sessions() as s:
        result = await ErasureService(s, default_rules(), world_store()).erase(user_id, state)
        await s.commit()
    assert isinstance(result, Erased)
    return result


async def test_every_table_holds_the_persons_data_before(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The world below really puts the person in every table: a new table needs a row here, and a line in
    storage/erasure_repository.py."""
    await build(sessions)
    assert set(await theirs(sessions)) == set(Base.metadata.tables) - NO_PERSONAL_DATA


async def test_erasure_leaves_only_the_listed_records(sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    result = await erase(sessions)
    assert result.existed
    assert await theirs(sessions) == KEPT
    store = world_store()
    assert await store.keys_of(PERSON) == []  # the store is empty of her
    assert await store.get(object_key(OTHER_TEACHER, sha256_of(OTHERS_FILE))) == OTHERS_FILE
    assert await store.get(object_key(RECORDS_OWNER, sha256_of(CERTIFICATE))) == CERTIFICATE  # a kept record
    async with sessions() as s:
        kept = await s.get(AgendaItem, 2)
        assert kept is not None and kept.user_id is None and kept.org_name is None and kept.full_name == NAME
        assert (await s.get(Commission, 1)).secretary_user_id is None  # type: ignore[union-attr]
        assert await s.scalar(select(CommissionMember.id).where(CommissionMember.commission_id == 3,
                                                                CommissionMember.full_name == NAME)) is None
        # Her decided complaint: how it was handled stays, cut from her account; her grounds and files go.
        handled = await s.get(Appeal, 1)
        assert handled is not None and (handled.user_id, handled.grounds, handled.outcome_file_id) == (0, "", None)
        assert (handled.number, handled.status, handled.remedy, handled.decided_by, handled.registered_on) == (
            "Ж-2025-000001", "upheld", "revote", OTHER_SECRETARY, DECIDED_ON)
        assert list(await s.scalars(select(AppealFile))) == []
        assert await s.get(Appeal, 2) is None  # still open: nobody is left to review it for
        others = await s.get(Appeal, 3)
        assert others is not None and others.decided_by is None and others.user_id == OTHER_TEACHER
        assert others.grounds == "Other Teacher's grounds"


async def test_the_person_is_told_what_is_kept_why_and_until_when(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    result = await erase(sessions)
    decision, work = retention.KEPT[retention.KeptRecord.DECISION], retention.KEPT[retention.KeptRecord.COMMISSION_WORK]
    complaint = retention.KEPT[retention.KeptRecord.COMPLAINT]
    assert [(what.text, why.text, until.text, until.params["date"]) for what, why, until in result.kept] == [
        (decision.what, decision.why, retention.KEPT_UNTIL, "10.12.2030"),  # five years after the session
        (work.what, work.why, retention.KEPT_UNTIL, "02.03.2031"),  # the latest session they sat in (C1, not A1)
        (complaint.what, complaint.why, complaint.until, "10.12.2030"),  # five years after its registration
    ]


async def test_nobody_elses_data_is_touched(sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    await erase(sessions)
    async with sessions() as s:
        assert (await s.get(TeacherProfile, OTHER_TEACHER)) is not None
        assert (await s.get(User, OTHER_TEACHER)) is not None
        outbox = list(await s.scalars(select(OutboxMessage.user_id)))
        assert outbox == [OTHER_TEACHER]  # the ballot naming the person went, the other message did not
        assert len(list(await s.scalars(select(CommissionMember)))) == 14
        votes = list(await s.scalars(select(Vote.member_user_id).where(Vote.candidate_id == 4)))
        assert votes == [MEMBERS[0]]
        assert {c.name for c in await s.scalars(select(Commission))} == {"Commission A", "Commission B",
                                                                         "Commission C"}


async def test_a_session_in_progress_makes_the_erasure_wait(sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    async with sessions() as s:
        (await s.get(CommissionSession, 3)).status = "open"  # type: ignore[union-attr]  # B2: PERSON is not on B
        s.add(session_row(9, 3, date(2026, 12, 20), "voting", OTHER_SECRETARY))  # C: PERSON is a member
        await s.commit()
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=42, chat_id=PERSON, user_id=PERSON))
    async with sessions() as s:
        result = await ErasureService(s, default_rules(), world_store()).erase(PERSON, state)
    assert not isinstance(result, Erased)
    assert result.text == retention.WAIT_FOR_SESSION and result.params == {"name": "Commission C", "number": 9}
    async with sessions() as s:
        assert await s.get(TeacherProfile, PERSON) is not None


async def test_kept_records_are_deleted_when_their_retention_ends(sessions: async_sessionmaker[AsyncSession]) -> None:
    await build(sessions)
    await erase(sessions)
    async with sessions() as s:
        # the last day B1's records are kept
        assert await ErasureService(s, default_rules()).purge(date(2030, 12, 10)) == 0
        await s.commit()
    async with sessions() as s:
        purged = await ErasureService(s, default_rules()).purge(date(2030, 12, 11))
        await s.commit()
    # B1's protocol, extract, certificate, the erased person's row (with its decision) and her kept complaint
    assert purged == 5
    assert await theirs(sessions) == {"commission_documents": {(1,), (5,)}}  # A1's and C1's protocols
    async with sessions() as s:
        assert await s.get(CommissionDecision, 1) is None and await s.get(AgendaItem, 1) is not None
        assert await s.get(Appeal, 1) is None and await s.get(Appeal, 3) is not None  # not an erased person's


async def test_an_iin_copied_into_the_index_pages_goes_too(tmp_path: Path) -> None:
    """Growing an index moves its entries between pages, and the free space left behind can keep old copies
    that deleting the row does not reach. With many profiles some IINs have such copies: the erasure rebuilds
    the index, and the copy is gone from the file at once (not only after the night's rebuild)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'many.db'}"
    await upgrade(url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    iins = [f"{880000000000 + i * 7919:012d}" for i in range(20_000)]
    async with sessions() as s:
        await s.execute(insert(TeacherProfile), [{"user_id": i + 1, "consent_at": NOW, "iin": iin}
                                                 for i, iin in enumerate(iins)])
        await s.commit()
        await empty_wal(s)
    seen = Counter(re.findall(rb"(?=(\d{12}))", (tmp_path / "many.db").read_bytes()))  # overlapping windows
    copied = next(i for i, iin in enumerate(iins) if seen[iin.encode()] > 2)  # the row, the leaf, an inner page
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=42, chat_id=copied + 1, user_id=copied + 1))
    async with sessions() as s:
        await ErasureService(s, default_rules(), world_store()).erase(copied + 1, state)
    await engine.dispose()
    assert iins[copied].encode() not in (tmp_path / "many.db").read_bytes()


async def test_the_night_after_an_erasure_the_file_is_rebuilt(sessions: async_sessionmaker[AsyncSession],
                                                              db_url: str) -> None:
    await build(sessions)
    await erase(sessions)
    day, night = datetime(2026, 11, 25, 14, 0), datetime(2026, 11, 26, 3, 0)
    async with sessions() as s:
        assert await ErasureService(s, default_rules()).rebuild_if_owed(day) is False  # people are using the bot
        assert await s.get(MaintenanceDue, "rebuild_after_erasure") is not None
    async with sessions() as s:
        rebuilt = await ErasureService(s, default_rules()).rebuild_if_owed(night)
    assert rebuilt is db_url.startswith("sqlite")  # PostgreSQL's vacuum is the operator's
    async with sessions() as s:
        assert await s.get(MaintenanceDue, "rebuild_after_erasure") is None
        assert await ErasureService(s, default_rules()).rebuild_if_owed(night) is False  # owed once, done once


def stale_copies(path: Path) -> list[bytes]:
    """Names that occur more than once in the file, though each is in one row only."""
    seen = Counter(re.findall(rb"Name-\d{6}-xyz", path.read_bytes()))
    return [name for name, count in seen.items() if count > 1]


async def test_a_rebuild_removes_the_stale_copies_a_delete_leaves(tmp_path: Path) -> None:
    """Rows that grow in random order make SQLite move cells between pages; the free space it leaves can
    keep an old copy of a row, which deleting the row does not reach (secure_delete zeroes the row's own
    cell). The night's rebuild leaves none."""
    path = tmp_path / "stale.db"
    for seed in range(50):  # SQLite decides where cells go; a few layouts are tried until one leaves a copy
        path.unlink(missing_ok=True)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("CREATE TABLE p (user_id BIGINT PRIMARY KEY, name TEXT, org TEXT)")
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO p (user_id) VALUES (?)", [(i,) for i in range(1500)])
        order = random.Random(seed).sample(range(1500), 1500)
        connection.executemany("UPDATE p SET name = ? WHERE user_id = ?", [(f"Name-{i:06d}-xyz", i) for i in order])
        connection.executemany("UPDATE p SET org = ? WHERE user_id = ?", [("School " * 5, i) for i in order[::-1]])
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stale = stale_copies(path)
        if stale:
            connection.execute("DELETE FROM p WHERE user_id = ?", (int(stale[0][5:11]),))
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            break
        connection.close()
    assert stale, "no layout left a stale copy"
    assert stale[0] in path.read_bytes()  # deleted, yet still in the file
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with create_session_factory(engine)() as s:
        assert await rebuild_file(s)
    await engine.dispose()
    assert stale[0] not in path.read_bytes()
