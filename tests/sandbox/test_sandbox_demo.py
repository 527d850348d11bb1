"""`--demo` seed data: the cast as simulated users, teachers at every stage, a valid commission with
applications routed to it, and a whole commission session run through the real bot process."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from sqlalchemy import func, select

from bot.rule_book import RuleBook
from features.checklist.service import ChecklistService
from features.commission.agenda.callbacks import ReviewAct, ReviewCallback
from features.commission.composition.service import CommissionService, Unrouted
from features.commission.order.callbacks import OrderAct, OrderCallback
from features.commission.session.callbacks import PresenceCallback, SessionAct, SessionCallback, VoteCallback
from features.profile.form import next_question
from features.submission.service import SubmissionService
from sandbox.botapi import BotAPIServer
from sandbox.demo import (
    CAST,
    COMMISSION_ORDER,
    DEMO_ADMIN_ID,
    DEMO_AREA,
    DEMO_CHAIR_ID,
    DEMO_REGION,
    DEMO_SECRETARY_ID,
    SENT,
    STAGES,
    TIMEZONE,
    UNSERVED_AREA,
    WORK,
    demo_files,
    filing_moment,
    guide,
    members,
    seed,
    teachers,
)
from sandbox.files import FileStore
from sandbox.run import Sandbox, SandboxConfig
from scoring.calendar import is_working_day, registration_date
from scoring.categories import Category
from scoring.commission import Decision, MemberRole
from scoring.config import default_rules
from scoring.iin import validate_iin
from scoring.rulesets import pilot, pilot_with
from storage.checklist_models import Application, ApplicationStatus, UploadedFile
from storage.commission_models import Commission, CommissionMember, ReviewStatus
from storage.db import create_engine, create_session_factory
from storage.file_models import StoredFile
from storage.files.local import LocalFileStore
from storage.files.service import FileStoreService
from storage.profile_models import TeacherProfile, User

T = TypeVar("T")


async def test_seed_creates_cast_and_profiles_once(server: BotAPIServer, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    cast = await seed(server, url)
    roles = [person.role for person in cast]
    assert roles.count("member") == 7 and roles.count("secretary") == 1 and roles.count("admin") == 1
    assert {p.stage for p in teachers()} == set(STAGES)  # a teacher at every stage
    assert {user.id for user in server.users()} == {person.id for person in CAST}
    assert all(user.phone_number for user in server.users())
    assert DEMO_ADMIN_ID in {person.id for person in cast if person.role == "admin"}

    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session:
            for person in CAST:
                profile = await session.get(TeacherProfile, person.id)
                user = await session.get(User, person.id)
                if person.role == "teacher" and not person.stage:
                    assert profile is None and user is None  # goes through language and consent on the page
                    continue
                assert user is not None and user.locale == person.language
                if person.stage == "started":
                    assert profile is not None and profile.completed_at is None
                    assert validate_iin(profile.iin or "").iin == profile.iin
                    upcoming = next_question(profile)
                    assert upcoming is not None and upcoming.field == "role"
                elif person.stage or person.id in WORK:  # further teachers, and the teacher-members
                    assert profile is not None and profile.completed_at is not None
                    assert validate_iin(profile.iin or "").iin == profile.iin
                    assert next_question(profile) is None
                else:
                    assert profile is None
            started = next(p for p in CAST if p.stage == "started")
            profile = await session.get(TeacherProfile, started.id)
            assert profile is not None
            profile.org_name = "changed in the sandbox"
            await session.commit()

        # Seeding again (every `--demo` start) keeps what happened in the sandbox since, and adds nothing.
        counts = await _row_counts(sessions)
        await seed(server, url)
        assert await _row_counts(sessions) == counts
        async with sessions() as session:
            profile = await session.get(TeacherProfile, started.id)
            assert profile is not None and profile.org_name == "changed in the sandbox"
    finally:
        await engine.dispose()


async def test_the_teachers_files_are_kept_in_the_bots_file_store(server: BotAPIServer, tmp_path: Path) -> None:
    """As an upload is: so the dossier, the commission's files and a token change find their bytes."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await seed(server, url)
    engine = create_engine(url)
    store = LocalFileStore(tmp_path / "files")  # next to the SQLite database, where the bot keeps them
    try:
        async with create_session_factory(engine)() as session:
            uploads = list(await session.scalars(select(UploadedFile)))
            assert uploads and all(u.stored_file_id is not None for u in uploads)
            for upload in uploads:
                stored = await session.get(StoredFile, upload.stored_file_id)
                assert stored is not None and stored.owner_user_id == upload.user_id
                assert await FileStoreService(session, store).read(stored)  # the checksum holds
    finally:
        await engine.dispose()


async def _row_counts(sessions: Any) -> tuple[int, ...]:
    async with sessions() as session:
        return tuple([
            int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Commission, CommissionMember, Application, UploadedFile, TeacherProfile)
        ])


async def test_commission_is_valid_and_applications_are_routed_to_it(server: BotAPIServer, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await seed(server, url)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            svc = CommissionService.in_force(session, RuleBook(), TIMEZONE)
            [c] = await svc.repo.all()
            assert (c.level, c.region, c.area_code, c.order_number) == ("district", DEMO_REGION, DEMO_AREA,
                                                                       COMMISSION_ORDER)
            # Valid by the service's own check: 7 members (odd), a chair among them, a secretary who is
            # not one, today within the term of the order.
            assert await svc.missing(c) == []
            composition = await svc.composition(c)
            assert composition.members == {p.id for p in members()}
            assert composition.chair == DEMO_CHAIR_ID and composition.secretary == DEMO_SECRETARY_ID
            for member in await svc.repo.members(c.id):
                assert await svc.member_objections(c, member.user_id, MemberRole(member.role)) == []

            today = svc.today()
            pending = await svc.pending(c)
            assert {r.user_id for r in pending} == {p.id for p in teachers("submitted")}
            for review in pending:
                assert review.status == ReviewStatus.PENDING.value and review.routed_on <= today
                app = await svc.application(review.application_id)
                assert app is not None and app.number
                assert app.status == ApplicationStatus.SUBMITTED.value
                assert app.registered_on is not None and app.registered_on <= today  # registered, not pending
                # The frozen file is every document sent, each a real PDF the server can send back.
                sent = (app.snapshot or {})["files"]
                assert set(sent) == set(SENT["submitted"])
                for file_ids in sent.values():
                    assert all(server.file_content(fid).startswith(b"%PDF") for fid in file_ids)
            assert await svc.route_new() == []  # nothing left to route
            # The Osakarovka teacher's application reaches no commission: it is counted as such.
            [unrouted] = await svc.unrouted()
            assert [unrouted.application.user_id] == [p.id for p in teachers("unrouted")]
            assert unrouted.profile.area_code == UNSERVED_AREA and unrouted.unrouted is Unrouted.NO_COMMISSION

            submissions = SubmissionService(session, pilot_with(default_rules()), TIMEZONE)
            [ready] = teachers("ready")
            assert (await submissions.review(ready.id, datetime.now().astimezone())).passed  # /submit would pass
            [halfway] = teachers("checklist")
            checklist = await ChecklistService(session, pilot()).load(halfway.id)
            assert checklist is not None and 0 < checklist.progress.done < checklist.progress.total
            assert not (await submissions.review(halfway.id, datetime.now().astimezone())).passed
    finally:
        await engine.dispose()


def test_guide_names_every_tab_and_the_session_steps() -> None:
    text = "\n".join(guide(lambda user_id: f"http://127.0.0.1:8081/?user={user_id}"))
    for person in CAST:
        assert f"http://127.0.0.1:8081/?user={person.id}" in text
    for step in ("/agenda", "/submit", "✋", "🗳", "🏁"):
        assert step in text


# --- a whole session through the real bot ---------------------------------------------------------------


async def until(probe: Callable[[], T | None], what: str, timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def callback_data(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]


def review(data: str) -> ReviewCallback | None:
    try:
        return ReviewCallback.unpack(data)
    except (TypeError, ValueError):
        return None


def session_press(data: str) -> SessionCallback | None:
    try:
        return SessionCallback.unpack(data)
    except (TypeError, ValueError):
        return None


def vote(data: str) -> VoteCallback | None:
    try:
        return VoteCallback.unpack(data)
    except (TypeError, ValueError):
        return None


class Chats:
    """The people's side of the sandbox, through its control API only (what the page does)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.server = sandbox.server
        self.db = sandbox.data_dir / "bot.db"

    def bot_messages(self, user_id: int, after: int = 0) -> list[dict[str, Any]]:
        return [m for m in self.server.history(user_id) if m["from"] == "bot" and m["message_id"] > after]

    def last_id(self, user_id: int) -> int:
        return max((m["message_id"] for m in self.server.history(user_id)), default=0)

    def button(self, user_id: int, match: Callable[[str], bool]) -> tuple[dict[str, Any], str] | None:
        """The newest bot message with a button whose callback data matches."""
        for message in reversed(self.bot_messages(user_id)):
            for data in callback_data(message):
                if match(data):
                    return message, data
        return None

    async def press(self, user_id: int, match: Callable[[str], bool], what: str) -> tuple[dict[str, Any], str]:
        """Press the newest matching button; wait for the bot's answer to the callback query (every handler
        gives one). Returns the answer and the button's callback data."""
        message, data = await until(lambda: self.button(user_id, match), f"a button: {what}")
        await self.server.press_button(user_id, message["message_id"], data)

        def answered() -> dict[str, Any] | None:
            now = next(m for m in self.server.history(user_id) if m["message_id"] == message["message_id"])
            new = now["callback_answers"][len(message["callback_answers"]):]
            return next((a for a in reversed(new) if a["data"] == data), None)

        return await until(answered, f"the answer to {what}"), data

    async def send(self, user_id: int, text: str, expect: Callable[[dict[str, Any]], bool],
                   what: str) -> dict[str, Any]:
        sent = await self.server.send_text(user_id, text)
        return await until(lambda: next((m for m in self.bot_messages(user_id, sent["message_id"]) if expect(m)),
                                        None), what)

    def documents(self, user_id: int) -> list[dict[str, Any]]:
        return [m["document"] for m in self.bot_messages(user_id) if m.get("document")]

    def documents_since(self, user_id: int, before: int, count: int) -> list[dict[str, Any]] | None:
        """The documents after the first `before`, once there are `count` of them."""
        new = self.documents(user_id)[before:]
        return new if len(new) == count else None

    def named_documents(self, user_id: int, prefix: str, count: int) -> list[dict[str, Any]] | None:
        named = [d for d in self.documents(user_id) if d["file_name"].startswith(prefix)]
        return named if len(named) == count else None

    def committed(self, sql: str, *params: object) -> int:
        """A count from the bot's database: what the bot has committed, not only said. The bot sends its
        messages (with their buttons) inside the update's transaction, so a script, faster than any person,
        waits for the commit before pressing what the message offers."""
        with closing(sqlite3.connect(self.db)) as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    async def until_committed(self, sql: str, *params: object, expected: int = 1) -> None:
        await until(lambda: self.committed(sql, *params) == expected, f"committed: {sql} {params} = {expected}")


def exactly(data: str) -> Callable[[str], bool]:
    return lambda d: d == data


# The session's buttons by their former short names.
SESSION_ACTS = {"snew": SessionAct.NEW, "sopen": SessionAct.OPEN, "svote": SessionAct.VOTING, "item": SessionAct.PUT,
                "iclose": SessionAct.CLOSE_VOTE, "iforce": SessionAct.CLOSE_ANYWAY, "sclose": SessionAct.CLOSE,
                "order": SessionAct.ORDER}


def session_act(act: SessionAct, item: int | None = None) -> Callable[[str], bool]:
    def match(data: str) -> bool:
        parsed = session_press(data)
        return parsed is not None and parsed.act is act and (item is None or parsed.item == item)
    return match


def act(name: str, ref: int | None = None, arg: str | None = None) -> Callable[[str], bool]:
    if name in SESSION_ACTS:
        return session_act(SESSION_ACTS[name], int(arg) if arg is not None else None)
    if name == "here":
        return lambda data: data.startswith(f"{PresenceCallback.__prefix__}:")
    if name == "ordok":
        return lambda data: data.startswith(f"{OrderCallback.__prefix__}:{OrderAct.ISSUE.value}:")

    def match(data: str) -> bool:
        parsed = review(data)
        return parsed is not None and parsed.act == ReviewAct(name) and (ref is None or parsed.application == ref)
    return match


async def test_a_whole_commission_session_in_the_demo(tmp_path: Path) -> None:
    """The secretary accepts the routed applications, creates and opens a session; the members mark
    themselves present and vote; the secretary closes and receives the protocol; the admin sees /stats."""
    sandbox = Sandbox(SandboxConfig(data_dir=tmp_path / "sandbox", port=0, demo=True,
                                    extra_env={"LOG_LEVEL": "WARNING"}))
    try:
        await sandbox.start()
        assert await sandbox.wait_ready(), sandbox.log_tail()
        await _run_session(Chats(sandbox))
    except BaseException:
        print(sandbox.log_tail(60))
        raise
    finally:
        await sandbox.stop()


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or "")


async def _run_session(chats: Chats) -> None:
    secretary, voters = DEMO_SECRETARY_ID, [p.id for p in members()]
    candidates = teachers("submitted")
    await _a_teacher_halfway(chats)
    await _the_secretary_accepts_the_routed(chats, secretary, candidates)
    today = await _a_session_is_created_and_opened(chats, secretary, candidates)
    # Six of the seven mark themselves present (quorum: 5 of 7); the last stays away.
    present, away = voters[:6], voters[6]
    await _members_mark_themselves_present(chats, secretary, present)
    await _each_candidate_is_voted_on(chats, secretary, candidates, present)
    await _the_session_closes_with_its_documents(chats, secretary, candidates, away)
    await _the_order_brings_the_certificates(chats, secretary, candidates, today)
    await _the_admin_sees_the_year(chats)


async def _a_teacher_halfway(chats: Chats) -> None:
    # 0. A teacher halfway: /status shows his steps with their buttons; /submit what is missing, a fix for each.
    [halfway] = teachers("checklist")
    await chats.send(halfway.id, "/status", lambda m: any(d.startswith("go:essay") for d in callback_data(m)),
                     "the steps of a teacher halfway")
    await chats.send(halfway.id, "/submit", lambda m: any(d.startswith("go:item:") for d in callback_data(m)),
                     "the readiness check with a button to each missing document")
    assert chats.committed("select count(*) from application_notices n join applications a on "
                           "a.id = n.application_id where a.user_id = ?", halfway.id) == 0  # no refusal


async def _the_secretary_accepts_the_routed(chats: Chats, secretary: int, candidates: list[Any]) -> None:
    # 1. The routed applications: each card, its files (real PDFs), accepted.
    agenda = await chats.send(secretary, "/agenda", lambda m: sum(map(act("card"), callback_data(m))) == 2,
                              "the agenda with the two routed applications")
    for data in [d for d in callback_data(agenda) if act("card")(d)]:
        application = review(data).application  # type: ignore[union-attr]
        await chats.press(secretary, exactly(data), "the applicant's card")
        before = len(chats.documents(secretary))
        await chats.press(secretary, act("files", application), "send the files")
        files = await until(partial(chats.documents_since, secretary, before, len(SENT["submitted"])),
                            "the application's files")
        assert all(chats.server.file_content(doc["file_id"]).startswith(b"%PDF") for doc in files)
        answer, _data = await chats.press(secretary, act("acc", application), "accept for a session")
        assert not answer["show_alert"], answer
    await chats.until_committed("select count(*) from application_reviews where status = 'accepted'",
                                expected=len(candidates))
    for teacher in candidates:  # each teacher hears of it
        await until(partial(chats.bot_messages, teacher.id), f"{teacher.full_name} notified")


async def _a_session_is_created_and_opened(chats: Chats, secretary: int, candidates: list[Any]) -> str:
    # 2. A session with both on its agenda, opened: every member is asked to mark themselves present.
    await chats.send(secretary, "/agenda", lambda m: any(map(act("snew"), callback_data(m))), "New session")
    asked = chats.last_id(secretary)
    await chats.press(secretary, act("snew"), "new session")
    await until(lambda: chats.bot_messages(secretary, asked), "the question for the date")
    await until(lambda: chats.committed("select count(*) from fsm_records where state = 'NewSession:date'"),
                "the secretary's state committed")
    today = datetime.now(ZoneInfo(TIMEZONE)).strftime("%d.%m.%Y")  # the bot's date, not the machine's
    await chats.send(secretary, today, lambda m: any(map(act("sopen"), callback_data(m))), "the session panel")
    await chats.until_committed("select count(*) from commission_sessions")
    session_day = today
    for teacher in candidates:  # each teacher is told the date of her session
        await until(lambda teacher=teacher: any("🗓" in text_of(m) and session_day in text_of(m)
                                                for m in chats.bot_messages(teacher.id)),
                    f"{teacher.full_name} told the session date")
    await chats.press(secretary, act("sopen"), "open the session")
    await chats.until_committed("select count(*) from commission_sessions where status = 'open'")
    return today


async def _members_mark_themselves_present(chats: Chats, secretary: int, present: list[int]) -> None:
    # 3. Six of the seven mark themselves present (quorum: 5 of 7); the last stays away.
    for member in present:
        await chats.press(member, act("here"), "I am present")
    await chats.until_committed("select count(*) from session_attendance", expected=len(present))
    answer, _data = await chats.press(secretary, act("svote"), "start voting")
    assert not answer["show_alert"], answer
    await chats.until_committed("select count(*) from commission_sessions where status = 'voting'")


async def _each_candidate_is_voted_on(chats: Chats, secretary: int, candidates: list[Any], present: list[int]) -> None:
    # 4. Each candidate put to the vote; the members vote «matches the claimed category» — pedagogue-expert. On
    # the second, one member present does not vote: the vote does not close until the secretary closes it
    # anyway, recording them as abstaining.
    for n, _candidate in enumerate(candidates):
        _answer, data = await chats.press(secretary, act("item"), "put the next candidate to the vote")
        item = session_press(data).item  # type: ignore[union-attr]
        await chats.until_committed("select count(*) from session_candidates where id = ? and status = 'voting'", item)

        def ballot(decision: Decision, category: Category | None, item: int = item) -> Callable[[str], bool]:
            return lambda d: (v := vote(d)) is not None and (v.item, v.decision, v.category) == (
                item, decision, category)

        voting = present if n == 0 else present[:-1]
        for member in voting:
            await chats.press(member, ballot(Decision.MATCHES_CLAIMED, None), "the decision")
            answer, _data = await chats.press(member, ballot(Decision.MATCHES_CLAIMED, Category.EXPERT), "the category")
            assert not answer["show_alert"], answer
        await chats.until_committed("select count(*) from commission_votes where candidate_id = ?", item,
                                    expected=len(voting))
        answer, _data = await chats.press(secretary, act("iclose", arg=str(item)), "close the vote")
        assert not answer["show_alert"], answer
        if n:
            answer, _data = await chats.press(secretary, act("iforce"), "close anyway")
            assert not answer["show_alert"], answer
            await chats.until_committed("select count(*) from commission_abstentions where candidate_id = ?", item)
        await chats.until_committed("select count(*) from commission_decisions where candidate_id = ?", item)
        # The voters' ballots show the decision and no longer have buttons (edited after the commit).
        for member in voting:
            closed_ballot = await until(lambda m=member: next((msg for msg in reversed(chats.bot_messages(m))
                                                               if "🔒" in (msg.get("text") or "")), None),
                                        "the ballot closed")
            assert not any(vote(button) for button in callback_data(closed_ballot))


async def _the_session_closes_with_its_documents(chats: Chats, secretary: int, candidates: list[Any],
                                                 away: int) -> None:
    # 5. Closed: the protocol reaches the secretary and the members; the extract reaches each teacher.
    answer, _data = await chats.press(secretary, act("sclose"), "close the session")
    assert not answer["show_alert"], answer

    protocol = await until(partial(chats.named_documents, secretary, "protocol-", 2), "the protocol, DOCX and PDF")
    assert {d["file_name"].rsplit(".", 1)[1] for d in protocol} == {"docx", "pdf"}
    pdf = next(d for d in protocol if d["file_name"].endswith(".pdf"))
    assert chats.server.file_content(pdf["file_id"]).startswith(b"%PDF")
    await until(partial(chats.named_documents, away, "protocol-", 2), "the protocol to the absent member too")
    for teacher in candidates:
        await until(partial(chats.named_documents, teacher.id, "extract-", 2), f"{teacher.full_name}'s extract")
        assert chats.named_documents(teacher.id, "certificate-", 0) is not None  # not before the order
        # The decision in words, in her language, before the documents: what it means and how to appeal.
        told = chats.bot_messages(teacher.id)
        # How to appeal: a complaint in this bot, from /status (§26), not e-Otinish.
        decision = next(n for n, m in enumerate(told) if "📝" in text_of(m) and "/status" in text_of(m))
        extract = next(n for n, m in enumerate(told) if (m.get("document") or {}).get("file_name", "").startswith(
            "extract-"))
        assert decision < extract
    assert chats.committed("select count(*) from applications where status = 'decided'") == len(candidates)


async def _the_order_brings_the_certificates(chats: Chats, secretary: int, candidates: list[Any], today: str) -> None:
    # The order assigning the categories, entered once it is signed: then each teacher gets the certificate.
    await chats.press(secretary, act("order"), "enter the order")
    for state, text in (("OrderForm:number", "45-к"), ("OrderForm:date", today),
                        ("OrderForm:issuer", "Отдел образования города Караганды"),
                        ("OrderForm:signatory", "Ахметов Серик Болатович")):
        await chats.until_committed("select count(*) from fsm_records where state = ?", state)
        await chats.send(secretary, text, lambda m: bool(m.get("text")), f"the next question after {state}")
    await chats.until_committed("select count(*) from fsm_records where state = 'OrderForm:confirm'")
    answer, _data = await chats.press(secretary, act("ordok"), "issue the certificates")
    assert "2" in answer["text"], answer  # how many certificates were issued
    for teacher in candidates:
        await until(partial(chats.named_documents, teacher.id, "certificate-", 2), f"{teacher.full_name}'s certificate")


async def _the_admin_sees_the_year(chats: Chats) -> None:
    # 6. The administrator sees where the year stands: numbers, then the chart as a photo.
    chart = await chats.send(DEMO_ADMIN_ID, "/stats", lambda m: bool(m.get("photo")), "the progress chart")
    assert chats.server.file_content(chart["photo"]["file_id"]).startswith(b"\x89PNG")


def test_demo_files_are_stable() -> None:
    """The same bytes and ids on every run: the database keeps the ids, the server gets the files again."""
    first = demo_files()
    demo_files.cache_clear()
    again = demo_files()
    assert [(f.file_id, f.file_unique_id) for f in first] == [(f.file_id, f.file_unique_id) for f in again]
    assert len({f.file_id for f in first}) == len(first)


async def test_seeded_files_and_chats_serve_the_bot(server: BotAPIServer, bot: Bot) -> None:
    """What seeding relies on: a file stored under a fixed id is sent by the bot like any other, and a
    chat marked as started lets the bot write first (Telegram refuses a user who never pressed Start)."""
    server.create_user("Seeded", user_id=42)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(42, "hello")
    server.start_chat(42)
    assert (await bot.send_message(42, "hello")).text == "hello"
    content = b"%PDF-1.4 a demo file"
    stored = await server.store_file(content, "demo.pdf", "application/pdf", file_id="BQACAgIAAxkBAA-demo-42")
    assert stored["file_id"] == "BQACAgIAAxkBAA-demo-42"
    sent = await bot.send_document(42, "BQACAgIAAxkBAA-demo-42")
    assert sent.document is not None and sent.document.file_name == "demo.pdf"
    assert sent.document.file_unique_id == FileStore.unique_id_of(content)
    assert server.file_content("BQACAgIAAxkBAA-demo-42") == content


@pytest.mark.parametrize("local", [
    "2026-11-25 11:30",  # a working day after 10:00: that day
    "2026-11-25 08:00",  # before 10:00: the working day before
    "2026-11-25 22:00",  # after hours: still that day's 10:00
    "2026-11-29 15:00",  # a Sunday: Friday
    "2026-12-16 12:00",  # Independence Day: the working day before
])
def test_demo_applications_are_filed_in_working_hours(local: str) -> None:
    now = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(TIMEZONE))
    filed = filing_moment(now)
    assert filed <= now and is_working_day(filed.date()) and filed.hour == 10
    assert registration_date(filed, default_rules()) == filed.date() <= now.date()
    assert now.date() - filed.date() < timedelta(days=7)
