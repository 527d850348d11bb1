"""Commissions through the real Dispatcher: composition, invites, validity, review, sessions, voting, documents."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select, update

from app.factory import create_application
from bot.i18n import create_i18n
from storage.checklist_models import Application, ApplicationStatus
from storage.commission_models import (
    ApplicationReview,
    CommissionInvite,
    CommissionMember,
    ReviewStatus,
)
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.fakes import RecordingSession
from tests.handlers.commission_helpers import (
    ADMIN,
    MEMBERS,
    SECRETARY,
    TEACHERS,
    agenda,
    cm,
    create_commission,
    elect_chair,
    full_commission,
    invite_code,
    join,
    latest_session,
    teacher_with_application,
    today_text,
    votes,
    vt,
)

I18N = create_i18n("kk")


def k(text: str, locale: str = "kk", **params: object) -> str:
    """What a user sees for an English msgid (test users have no stored language: the default, kk)."""
    out = I18N.gettext(text, locale=locale)
    return out.format(**params) if params else out


def ru(text: str) -> str:
    return I18N.gettext(text, locale="ru")


def ballot_chats(requests: list[TelegramMethod[Any]]) -> set[int | str]:
    """Chats that got a ballot: a message with vote buttons."""
    return {r.chat_id for r in requests if isinstance(r, SendMessage) and r.reply_markup is not None
            and any(b.callback_data.startswith("vt:") for row in r.reply_markup.inline_keyboard  # type: ignore[union-attr]
                    for b in row if b.callback_data)}


# --- composition, invites, validity ---------------------------------------------------------------


async def test_non_admin_cannot_create(harness: Harness) -> None:
    sent = await harness.text(harness.user(5), "/commission_new")
    assert texts(sent) == [k("Only administrators create commissions.")]


async def test_validity_lists_what_is_missing_then_valid(harness: Harness) -> None:
    cid = await create_commission(harness)
    card = "\n".join(texts(await harness.text(harness.user(ADMIN), "/commissions")))
    assert k("Members: {count}; at least {minimum} are needed (§17).", count=0, minimum=7) in card
    assert k("No chair: the members elect one from among themselves (§17).") in card
    assert k("No secretary (§17).") in card
    for user_id in MEMBERS:
        await join(harness, user_id, await invite_code(harness, cid))
    await join(harness, SECRETARY, await invite_code(harness, cid, "secretary"), role=None, name="Secretary S")
    await elect_chair(harness, cid)
    card = "\n".join(texts(await harness.text(harness.user(ADMIN), "/commissions")))
    assert k("The commission is valid and can hold sessions.") in card and k("Not valid yet. Missing:") not in card


async def test_even_number_of_members_is_reported(harness: Harness) -> None:
    cid = await full_commission(harness, members=[*MEMBERS, 108])
    card = "\n".join(texts(await harness.text(harness.user(ADMIN), "/commissions")))
    assert k("Members: {count}; the number of members must be odd (§17).", count=8) in card
    del cid


async def test_forged_expired_and_reused_invites(harness: Harness) -> None:
    cid = await create_commission(harness)
    forged = await harness.text(harness.user(150), "/start invNOTAREALCODE")
    assert texts(forged) == [k("This invite link is not valid. Ask the administrator for a new one.")]

    code = await invite_code(harness, cid)
    await join(harness, 151, code)
    reused = await harness.text(harness.user(152), f"/start {code}")
    assert texts(reused) == [k("This invite link has already been used. Ask the administrator for a new one.")]

    old = await invite_code(harness, cid)
    async with harness.app.sessions() as s:
        await s.execute(update(CommissionInvite).where(CommissionInvite.code == old)
                        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        await s.commit()
    expired = await harness.text(harness.user(153), f"/start {old}")
    assert texts(expired) == [k("This invite link has expired. Ask the administrator for a new one.")]
    async with harness.app.sessions() as s:
        members = list(await s.scalars(select(CommissionMember.user_id)))
    assert members == [151]


async def test_plain_start_still_goes_to_onboarding(harness: Harness) -> None:
    sent = await harness.text(harness.user(160), "/start")
    assert any(t.startswith(k("Welcome! Choose your language:")) for t in texts(sent))


async def test_ineligible_teacher_member_is_refused_with_reasons(harness: Harness) -> None:
    cid = await create_commission(harness)
    await teacher_with_application(harness, 170, experience_years=8, current_category="moderator")
    sent = await join(harness, 170, await invite_code(harness, cid), role="teacher")
    reply = "\n".join(texts(sent))
    assert ru("You cannot be a member of this commission:") in reply  # the teacher chose Russian
    assert "10" in reply and "8" in reply and ru("pedagogue-expert") not in reply.split(":")[0]
    assert "(§14)" in reply and "(§15)" in reply and reply.count("\n• ") == 3


async def test_secretary_cannot_be_a_member(harness: Harness) -> None:
    cid = await create_commission(harness)
    await join(harness, SECRETARY, await invite_code(harness, cid, "secretary"), role=None, name="Secretary S")
    sent = await harness.text(harness.user(SECRETARY), f"/start {await invite_code(harness, cid)}")
    assert texts(sent) == [k("You are this commission's secretary; the secretary cannot be a member (§17).")]


# --- the whole chain -----------------------------------------------------------------------------


async def valid_commission_with_applications(h: Harness) -> tuple[int, list[int]]:
    cid = await full_commission(h)
    await elect_chair(h, cid)
    apps = [await teacher_with_application(h, uid) for uid in TEACHERS]
    return cid, apps


async def review_all(h: Harness, apps: list[int], refuse: int | None = None) -> list[str]:
    secretary = h.user(SECRETARY)
    out = texts(await h.text(secretary, "/agenda"))
    for app_id in apps:
        card = texts(await h.press(secretary, cm("card", app_id)))
        assert any(k("Essay: none") in t for t in card)
        if app_id == refuse:
            await h.press(secretary, cm("ref", app_id))
            await h.press(secretary, cm("grd", app_id, "requirements"))
            await h.press(secretary, cm("grd", app_id, "."))
            out += texts(await h.text(secretary, "Certificate of professional development courses is missing"))
        else:
            out += alerts(await h.press(secretary, cm("acc", app_id)))
    return out


async def test_review_routes_accepts_and_refuses_in_teachers_language(harness: Harness) -> None:
    _cid, apps = await valid_commission_with_applications(harness)
    before = len(harness.session.requests)
    await review_all(harness, apps, refuse=apps[2])
    sent = harness.session.requests[before:]
    to_teacher = [r.text for r in sent if isinstance(r, SendMessage) and r.chat_id == TEACHERS[2]]
    # The teachers chose Russian (make_teacher); the secretary uses the default language.
    assert len(to_teacher) == 1 and "courses is missing" in to_teacher[0]
    assert ru("the materials, data and information submitted do not meet the requirements (App 4, item 9, 2)") in (
        to_teacher[0])
    accepted = ru("Your application No. {number} is accepted by «{name}» and will be considered at a session.")
    assert any(isinstance(r, SendMessage) and r.chat_id == TEACHERS[0] and r.text.startswith(accepted.split("{")[0])
               for r in sent)
    async with harness.app.sessions() as s:
        statuses = {r.application_id: r.status for r in await s.scalars(select(ApplicationReview))}
        refused_app = await s.get(Application, apps[2])
    assert statuses == {apps[0]: "accepted", apps[1]: "accepted", apps[2]: "refused"}
    assert refused_app is not None and refused_app.status == ApplicationStatus.DRAFT.value


async def test_someone_elses_application_card_is_refused(harness: Harness) -> None:
    _cid, apps = await valid_commission_with_applications(harness)
    await harness.text(harness.user(SECRETARY), "/agenda")
    sent = await harness.press(harness.user(MEMBERS[1]), cm("acc", apps[0]))
    assert alerts(sent) == [k("Only the secretary of the commission this application went to can act on it.")]


async def open_session_with_voting(h: Harness, present: list[int] = MEMBERS) -> tuple[int, list[int]]:
    cid, apps = await valid_commission_with_applications(h)
    await review_all(h, apps, refuse=apps[2])
    secretary = h.user(SECRETARY)
    await h.press(secretary, cm("snew", cid))
    await h.text(secretary, today_text())
    s = await latest_session(h)
    await h.press(secretary, cm("sopen", s.id))
    for user_id in present:
        await h.press(h.user(user_id), cm("here", s.id))
    return s.id, [i.id for i in await agenda(h, s.id)]


async def test_no_quorum_blocks_voting(harness: Harness) -> None:
    sid, _items = await open_session_with_voting(harness, present=MEMBERS[:4])
    sent = await harness.press(harness.user(SECRETARY), cm("svote", sid))
    assert alerts(sent) == [k(
        "No quorum: {present} of {members} members present, at least {quorum} are needed (§18).",
        present=4, members=7, quorum=5)]


# --- abuse ---------------------------------------------------------------------------------------


async def voting_on_first(h: Harness) -> tuple[int, list[int]]:
    sid, items = await open_session_with_voting(h)
    await h.press(h.user(SECRETARY), cm("svote", sid))
    await h.press(h.user(SECRETARY), cm("item", sid, str(items[0])))
    return sid, items


async def test_double_press_counts_once(harness: Harness) -> None:
    sid, items = await voting_on_first(harness)
    member = harness.user(MEMBERS[1])
    first = await harness.press(member, vt(sid, items[0], "a", "expert"))
    second = await harness.press(member, vt(sid, items[0], "a", "expert"))
    assert alerts(first) == [k("Your vote is recorded: {decision}{category}.",
                               decision=k("matches the claimed category"),
                               category=k(" — {name}", name=k("pedagogue-expert")))]
    assert alerts(second) == [k("Your vote is already recorded; nothing changed.")]
    changed = await harness.press(member, vt(sid, items[0], "c", "moderator"))
    assert alerts(changed) == [k("Your vote is changed: {decision}{category}.",
                                 decision=k("matches the current category"),
                                 category=k(" — {name}", name=k("pedagogue-moderator")))]
    assert [(v.member_user_id, v.decision) for v in await votes(harness, items[0])] == [(MEMBERS[1], "current")]


async def test_simultaneous_votes_are_each_counted_once(harness: Harness) -> None:
    sid, items = await voting_on_first(harness)
    press = vt(sid, items[0], "a", "expert")
    await asyncio.gather(
        harness.press(harness.user(MEMBERS[1]), press),
        harness.press(harness.user(MEMBERS[2]), press),
        harness.press(harness.user(MEMBERS[2]), press),
    )
    assert sorted(v.member_user_id for v in await votes(harness, items[0])) == [MEMBERS[1], MEMBERS[2]]


async def test_forged_callbacks_non_member_and_secretary(harness: Harness) -> None:
    sid, items = await voting_on_first(harness)
    forged_item = await harness.press(harness.user(MEMBERS[1]), vt(sid + 1, items[0], "a", "expert"))
    assert alerts(forged_item) == [k("This candidate is not on this session's agenda.")]
    forged_choice = await harness.press(harness.user(MEMBERS[1]), vt(sid, items[0], "a", "master"))
    assert alerts(forged_choice) == [k("This choice is not possible for this candidate.")]
    outsider = await harness.press(harness.user(999), vt(sid, items[0], "a", "expert"))
    assert alerts(outsider) == [k("Only members of this commission vote on its candidates.")]
    secretary = await harness.press(harness.user(SECRETARY), vt(sid, items[0], "a", "expert"))
    assert alerts(secretary) == [k("The secretary is not a member of the commission and does not vote (§17).")]
    not_open = await harness.press(harness.user(MEMBERS[1]), vt(sid, items[1], "a", "expert"))
    assert alerts(not_open) == [k("Voting on this candidate has not been opened yet.")]
    member_panel = await harness.press(harness.user(MEMBERS[1]), cm("sclose", sid))
    assert alerts(member_panel) == [k("Only the commission's secretary manages its sessions.")]
    assert await votes(harness, items[0]) == []


async def test_vote_after_closing_is_not_counted(harness: Harness) -> None:
    sid, items = await voting_on_first(harness)
    for user_id in MEMBERS[:5]:
        await harness.press(harness.user(user_id), vt(sid, items[0], "a", "expert"))
    asked = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    await harness.press(harness.user(SECRETARY), next(d for d in last_markup_data(asked) if d.startswith("ss:force:")))
    late = await harness.press(harness.user(MEMBERS[5]), vt(sid, items[0], "c", "moderator"))
    assert alerts(late) == [k("Voting on this candidate is closed; your vote was not counted.")]
    assert len(await votes(harness, items[0])) == 5


async def test_member_who_is_a_candidate_cannot_vote_on_themselves(harness: Harness) -> None:
    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    # A member (NGO representative) who applied later is on the agenda of their own commission.
    app = await teacher_with_application(harness, MEMBERS[6])
    await review_all(harness, [app])
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("snew", cid))
    await harness.text(secretary, today_text())
    s = await latest_session(harness)
    await harness.press(secretary, cm("sopen", s.id))
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), cm("here", s.id))
    await harness.press(secretary, cm("svote", s.id))
    item = (await agenda(harness, s.id))[0]
    ballots = await harness.press(secretary, cm("item", s.id, str(item.id)))
    assert ballot_chats(ballots) == set(MEMBERS[:6])
    own = await harness.press(harness.user(MEMBERS[6]), vt(s.id, item.id, "a", "expert"))
    assert alerts(own) == [ru("You cannot vote on your own attestation.")]  # make_teacher chose Russian


async def test_restart_in_the_middle_of_a_vote_loses_nothing(harness: Harness) -> None:
    sid, items = await voting_on_first(harness)
    for user_id in MEMBERS[:3]:
        await harness.press(harness.user(user_id), vt(sid, items[0], "a", "expert"))
    await harness.app.close()
    # A new process over the same database.
    harness.app = create_application(harness.app.settings)
    harness.bot = Bot(token=harness.app.settings.token, session=RecordingSession())
    harness.session = harness.bot.session  # type: ignore[assignment]
    for user_id in MEMBERS[3:]:
        await harness.press(harness.user(user_id), vt(sid, items[0], "a", "expert"))
    closed = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    assert k("Decided: {count} of the {voters} members present voted for it, a majority of the members present "
             "(§18).", count=7, voters=7) in texts(closed)


async def test_chair_election_by_members_and_by_admin(harness: Harness) -> None:
    cid = await full_commission(harness)
    for voter in MEMBERS[:3]:
        await harness.press(harness.user(voter), cm("chair", cid, str(MEMBERS[2])))
    outsider = await harness.press(harness.user(999), cm("chair", cid, str(MEMBERS[2])))
    assert alerts(outsider) == [k("Only members of this commission elect its chair.")]
    elected = await harness.press(harness.user(MEMBERS[3]), cm("chair", cid, str(MEMBERS[2])))
    assert alerts(elected) == [k("The chair is elected: {name}.", name="Member 103")]
    not_admin = await harness.press(harness.user(MEMBERS[0]), cm("setchair", cid, str(MEMBERS[0])))
    assert alerts(not_admin) == [k("Only administrators record the chair.")]
    recorded = await harness.press(harness.user(ADMIN), cm("setchair", cid, str(MEMBERS[0])))
    assert alerts(recorded) == [k("The chair is recorded: {name}.", name="Member 101")]


async def test_overdue_reviews_for_the_reminder(harness: Harness) -> None:
    from features.commission.composition.service import CommissionService

    _cid, apps = await valid_commission_with_applications(harness)
    await harness.text(harness.user(SECRETARY), "/agenda")
    async with harness.app.sessions() as s:
        await s.execute(update(ApplicationReview).values(routed_on=datetime.now(UTC).date() - timedelta(days=10)))
        await s.commit()
        overdue = await CommissionService.in_force(s, harness.app.rule_book).overdue_by_secretary()
    assert sorted(r.application_id for r in overdue[SECRETARY]) == sorted(apps)
    assert all(r.status == ReviewStatus.PENDING.value for r in overdue[SECRETARY])

    from features.commission.reminders import remind_secretaries

    for expected in (1, 0):  # reminded once, not again
        before = len(harness.session.requests)
        async with harness.app.sessions() as s:
            assert await remind_secretaries(harness.bot, s, harness.app.i18n, "kk", harness.app.rule_book) == expected
            await s.commit()
        sent = [r for r in harness.session.requests[before:] if isinstance(r, SendMessage)]
        assert [r.chat_id for r in sent] == [SECRETARY] * expected


async def test_scheduler_reminds_a_late_secretary_in_working_hours_only(harness: Harness) -> None:
    from zoneinfo import ZoneInfo

    from features.reminders.service import ReminderService
    from scoring.calendar import add_working_days

    await valid_commission_with_applications(harness)
    await harness.text(harness.user(SECRETARY), "/agenda")
    service = ReminderService(harness.bot, harness.app.sessions, harness.app.i18n, harness.app.settings,
                              rule_book=harness.app.rule_book)
    late_day = add_working_days(datetime.now(UTC).date(), 3)
    almaty = ZoneInfo("Asia/Almaty")
    to_secretary = []
    for hour in (22, 11, 12):  # after hours: nothing; in working hours: once; later: not again
        before = len(harness.session.requests)
        await service.run(datetime(late_day.year, late_day.month, late_day.day, hour, tzinfo=almaty))
        to_secretary.append([r for r in harness.session.requests[before:]
                             if isinstance(r, SendMessage) and r.chat_id == SECRETARY])
    assert [len(batch) for batch in to_secretary] == [0, 1, 0]


async def test_a_member_who_blocked_the_bot_does_not_stop_the_session(harness: Harness) -> None:
    cid, apps = await valid_commission_with_applications(harness)
    await review_all(harness, apps)
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("snew", cid))
    await harness.text(secretary, today_text())
    s = await latest_session(harness)
    harness.session.blocked.add(MEMBERS[-1])  # blocked the bot after joining
    sent = await harness.press(secretary, cm("sopen", s.id))
    invited = {r.chat_id for r in sent if isinstance(r, SendMessage)}
    assert set(MEMBERS[:-1]) <= invited  # everyone else was told, despite the failure
    assert (await latest_session(harness)).status == "open"


async def test_an_admin_removes_a_member_who_is_told_and_no_longer_counts(harness: Harness) -> None:
    from storage.commission_models import ChairVote, CommissionMember

    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    admin, leaving = harness.user(ADMIN), MEMBERS[0]  # the chair
    listing = await harness.press(admin, cm("rmm", cid))
    assert cm("rmmask", cid, str(leaving)) in last_markup_data(listing)
    asked = await harness.press(admin, cm("rmmask", cid, str(leaving)))
    assert last_markup_data(asked) == [cm("rmmok", cid, str(leaving)), cm("cancel", cid, "rmm")]
    async with harness.app.sessions() as session:
        name = (await session.scalar(select(CommissionMember.full_name).where(
            CommissionMember.commission_id == cid, CommissionMember.user_id == leaving)))
    done = await harness.press(admin, cm("rmmok", cid, str(leaving)))
    assert alerts(done) == [k("{name} is no longer a member; the chair is to be elected again.", name=name)]
    told = [r for r in done if isinstance(r, SendMessage) and r.chat_id == leaving]
    assert [r.text for r in told] == [k("You are no longer a member of the attestation commission «{name}».",
                                        name="District attestation commission of Karaganda")]
    async with harness.app.sessions() as session:
        members = set(await session.scalars(select(CommissionMember.user_id).where(
            CommissionMember.commission_id == cid)))
        votes = list(await session.scalars(select(ChairVote).where(ChairVote.commission_id == cid)))
    assert members == set(MEMBERS[1:])
    assert not [v for v in votes if leaving in (v.voter_user_id, v.candidate_user_id)]
    # Pressing again (a stale button) changes nothing and says why.
    again = await harness.press(admin, cm("rmmok", cid, str(leaving)))
    assert alerts(again) == [k("This person is not a member of the commission.")]


async def test_only_admins_remove_members_and_never_during_a_session(harness: Harness) -> None:
    from storage.commission_models import CommissionMember

    await open_session_with_voting(harness)
    cid = (await latest_session(harness)).commission_id
    for who in (harness.user(MEMBERS[1]), harness.user(SECRETARY)):
        forged = await harness.press(who, cm("rmmok", cid, str(MEMBERS[2])))
        assert alerts(forged) == [k("Only administrators change the members of a commission.")]
    during = await harness.press(harness.user(ADMIN), cm("rmmok", cid, str(MEMBERS[2])))
    assert alerts(during) == [k("Members cannot change while a session is open: close it first.")]
    async with harness.app.sessions() as session:
        count = len(list(await session.scalars(select(CommissionMember).where(CommissionMember.commission_id == cid))))
    assert count == len(MEMBERS)


async def test_the_files_arrive_from_the_file_store_after_the_bot_token_changes(harness: Harness) -> None:
    """A file_id is one bot's: with a new token every one is refused, and the store's copy is sent instead."""
    from aiogram.methods import SendDocument, SendPhoto
    from aiogram.types import BufferedInputFile

    from bot.pipeline.outbox import KeptFile
    from storage.checklist_models import UploadedFile
    from storage.files.service import FileStoreService
    from tests.storage.sample_files import jpeg
    from tests.storage.sample_files import pdf as real_pdf

    _cid, apps = await valid_commission_with_applications(harness)
    document, picture = real_pdf(), jpeg()
    async with harness.app.sessions() as s:  # what her uploads left: the store's copies, the Telegram ids
        kept = FileStoreService(s, harness.app.file_store)
        for file_id, kind, content in (("F-diploma", "document", document), ("P-scan", "photo", picture)):
            stored = await kept.store_upload(TEACHERS[0], content)
            s.add(UploadedFile(user_id=TEACHERS[0], item_id="courses", file_id=file_id, file_unique_id=file_id,
                               file_name="courses.pdf" if kind == "document" else None, kind=kind,
                               uploaded_at=datetime.now(UTC), stored_file_id=stored.id))
        await s.execute(update(Application).where(Application.id == apps[0]).values(
            snapshot={"files": {"courses": ["F-diploma", "P-scan"]}, "essay_words": None}))
        await s.commit()
    await harness.text(harness.user(SECRETARY), "/agenda")
    sent = await harness.press(harness.user(SECRETARY), cm("files", apps[0]))  # the file_ids work: the cache
    assert [r.document if isinstance(r, SendDocument) else r.photo for r in sent
            if isinstance(r, SendDocument | SendPhoto)] == ["F-diploma", "P-scan"]
    # The department replaces its bot's token: Telegram refuses every file_id the old one was given.
    harness.session.file_ids_of = harness.bot.token
    harness.bot = Bot(token="43:THE-NEW-TOKEN", session=harness.session)
    sent = await harness.press(harness.user(SECRETARY), cm("files", apps[0]))
    delivered = [r.document if isinstance(r, SendDocument) else r.photo for r in sent
                 if isinstance(r, SendDocument | SendPhoto)]
    # The store's copies, sent by reference (the outbox row names the stored file, not its bytes).
    assert [(type(f), f.data if isinstance(f, BufferedInputFile) else f) for f in delivered] == [
        (KeptFile, document), (KeptFile, picture)]
    assert alerts(sent) == [k("Files: {count}").format(count=2)]
