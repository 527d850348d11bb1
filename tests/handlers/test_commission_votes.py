"""Votes through the real Dispatcher: a decision needs the members present (§18), "close anyway" records who
did not vote as abstaining, the panel counts votes against the members present, ballots show the member's own
vote and lose their buttons when the vote is over, candidates can be postponed, every multi-step action has a
Cancel, and a session sits on its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import select, update

from bot.i18n import create_i18n
from features.dossier.callbacks import DossierAct, DossierCallback
from scoring.config import Rules, default_rules
from scoring.rulesets.registry import Registry
from storage.checklist_models import ApplicationStatus
from storage.commission_models import (
    Abstention,
    AgendaItem,
    ApplicationReview,
    CommissionDecision,
    CommissionMember,
    CommissionSession,
)
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.commission_helpers import (
    ADMIN,
    MEMBERS,
    SECRETARY,
    TEACHERS,
    ballot_id,
    cast_votes,
    cm,
    elect_chair,
    full_commission,
    latest_session,
    teacher_with_application,
    today,
    today_text,
    voting_session,
    vt,
)

I18N = create_i18n("kk")


def k(text: str, **params: object) -> str:
    """What the secretary and the members see (no stored language: the default, kk)."""
    out = I18N.gettext(text, locale="kk")
    return out.format(**params) if params else out


def ru(text: str, **params: object) -> str:
    out = I18N.gettext(text, locale="ru")
    return out.format(**params) if params else out


def name(member: int) -> str:
    return f"Member {member}"


def to(requests: list[TelegramMethod[Any]], chat: int) -> list[TelegramMethod[Any]]:
    return [r for r in requests if getattr(r, "chat_id", None) == chat]


async def decision_of(h: Harness, item: int) -> CommissionDecision | None:
    async with h.app.sessions() as s:
        return await s.scalar(select(CommissionDecision).where(CommissionDecision.candidate_id == item))


async def item_status(h: Harness, item: int) -> str:
    async with h.app.sessions() as s:
        row = await s.get(AgendaItem, item)
        assert row is not None
        return row.status


async def panel(h: Harness, sid: int) -> str:
    return "\n".join(texts(await h.press(h.user(SECRETARY), cm("spanel", sid))))


# --- §18: the members present decide ----------------------------------------------------------------


async def test_two_votes_of_six_present_decide_nothing(harness: Harness) -> None:
    """The reproduced defect: six present, two voted; the vote does not close and nothing is decided."""
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:2])

    shown = await panel(harness, sid)
    assert k("votes: {voted} of {voters} members present", voted=2, voters=6) in shown
    assert k("; not yet: {names}", names=", ".join(name(m) for m in MEMBERS[2:6])) in shown

    asked = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    prompt = "\n".join(texts(asked))
    assert ", ".join(name(m) for m in MEMBERS[2:6]) in prompt
    assert await decision_of(harness, items[0]) is None and await item_status(harness, items[0]) == "voting"
    forced = next(d for d in last_markup_data(asked) if d.startswith("ss:force:"))

    # Closed anyway: the four count as abstaining, and two of six is not a majority of the members present.
    closed = await harness.press(harness.user(SECRETARY), forced)
    assert k("No decision: the most votes for one choice are {count}, and a majority of the {voters} members "
             "present is {needed}. The members can change their votes; then close the vote again.",
             count=2, voters=6, needed=4) in texts(closed)
    assert await decision_of(harness, items[0]) is None and await item_status(harness, items[0]) == "voting"
    told = {r.chat_id for r in closed if isinstance(r, SendMessage) and r.chat_id in MEMBERS}
    assert told == set(MEMBERS[:6])  # every member who may vote hears why there is no decision
    async with harness.app.sessions() as s:
        assert list(await s.scalars(select(Abstention))) == []  # nothing is recorded for a vote that stays open

    # The others vote; now every member present has voted and the vote decides.
    await cast_votes(harness, sid, items[0], MEMBERS[2:6])
    decided = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    assert k("Decided: {count} of the {voters} members present voted for it, a majority of the members present "
             "(§18).", count=6, voters=6) in texts(decided)
    decision = await decision_of(harness, items[0])
    assert decision is not None and (decision.voters, decision.majority_of) == (6, "present")
    assert decision.decided_on == today()


async def test_close_anyway_names_and_records_the_abstainers(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:4])
    asked = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    labels = [b.text for r in asked if isinstance(r, SendMessage) and r.reply_markup is not None
              for row in r.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert k("Close anyway, recording as abstaining: {names}", names=f"{name(MEMBERS[4])}, {name(MEMBERS[5])}") in (
        labels)
    forced = next(d for d in last_markup_data(asked) if d.startswith("ss:force:"))
    before = len(harness.session.requests)
    closed = await harness.press(harness.user(SECRETARY), forced)
    assert k("Decided: {count} of the {voters} members present voted for it, a majority of the members present "
             "(§18).", count=4, voters=6) in texts(closed)
    async with harness.app.sessions() as s:
        abstained = sorted(a.member_user_id for a in await s.scalars(select(Abstention)))
    assert abstained == MEMBERS[4:6]
    assert k("votes: {voted} of {voters} members present", voted=4, voters=6) + k(
        "; abstained: {count}", count=2) in await panel(harness, sid)

    sent = harness.session.requests[before:]
    # The voters' ballots (known from their presses) show their vote and the decision, without buttons.
    for member in MEMBERS[:4]:
        edits = [r for r in to(sent, member) if isinstance(r, EditMessageText)]
        assert [e.message_id for e in edits] == [ballot_id(member)] and edits[0].reply_markup is None
        assert k("🔒 The vote is closed. Decision: {decision}.",
                 decision=k("matches the claimed category") + " — " + k("pedagogue-expert")) in edits[0].text
    # The abstainers never pressed their ballot: they are told.
    for member in MEMBERS[4:6]:
        told = [r.text for r in to(sent, member) if isinstance(r, SendMessage)]
        assert len(told) == 1 and k("You had not voted when the secretary closed the vote: you are recorded as "
                                    "abstaining.") in told[0]
    # A press on an old ballot after the vote: refused, and that ballot loses its buttons.
    late = await harness.press(harness.user(MEMBERS[5]), vt(sid, items[0], "a", "expert"), message_id=777)
    assert alerts(late) == [k("Voting on this candidate is closed; your vote was not counted.")]
    assert any(isinstance(r, EditMessageReplyMarkup) and r.message_id == 777 and r.reply_markup is None for r in late)


async def test_close_anyway_after_someone_voted_asks_again(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:4])
    asked = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    stale = next(d for d in last_markup_data(asked) if d.startswith("ss:force:"))
    await cast_votes(harness, sid, items[0], MEMBERS[4:5])  # one of the two votes meanwhile
    again = await harness.press(harness.user(SECRETARY), stale)
    assert alerts(again) == [k("Who has not voted has changed meanwhile: check again.")]
    assert name(MEMBERS[5]) in "\n".join(texts(again)) and name(MEMBERS[4]) not in "\n".join(texts(again))
    assert await decision_of(harness, items[0]) is None
    fresh = next(d for d in last_markup_data(again) if d.startswith("ss:force:"))
    await harness.press(harness.user(SECRETARY), fresh)
    async with harness.app.sessions() as s:
        assert [a.member_user_id for a in await s.scalars(select(Abstention))] == [MEMBERS[5]]


async def test_majority_of_the_votes_cast_when_configured(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = {**default_rules().raw, "voting": {**default_rules().voting, "majority_of": "cast"}}
    book = harness.app.rule_book  # the pilot, judging the applications, with the votes-cast majority
    configured = replace(book.builtin, rules=Rules(raw))
    monkeypatch.setattr(book, "builtin", configured)
    monkeypatch.setattr(book, "registry", Registry([configured]))
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:2])
    asked = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    closed = await harness.press(harness.user(SECRETARY), next(
        d for d in last_markup_data(asked) if d.startswith("ss:force:")))
    assert k("Decided by a majority of the votes cast: {count} of {cast} (§18).", count=2, cast=2) in texts(closed)
    decision = await decision_of(harness, items[0])
    assert decision is not None and (decision.voters, decision.majority_of) == (6, "cast")


async def test_an_even_split_is_decided_by_the_chair(harness: Harness) -> None:
    sid, items = await voting_session(harness)  # the chair, MEMBERS[0], is present
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:3])
    await cast_votes(harness, sid, items[0], MEMBERS[3:6], d="c", cat="moderator")
    closed = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    assert k("The votes were split evenly, {count} to {count}; the chair's vote decided (§18).", count=3) in (
        texts(closed))
    decision = await decision_of(harness, items[0])
    assert decision is not None and decision.outcome == "chair_decided" and decision.decision == "claimed"


# --- ballots ---------------------------------------------------------------------------------------


async def test_a_ballot_shows_the_members_own_vote(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    member = harness.user(MEMBERS[1])
    step = await harness.press(member, vt(sid, items[0], "a"), message_id=ballot_id(MEMBERS[1]))
    assert last_markup_data(step) == [vt(sid, items[0], "a", "expert"), vt(sid, items[0], "-")]
    back = await harness.press(member, vt(sid, items[0], "-"), message_id=ballot_id(MEMBERS[1]))
    assert vt(sid, items[0], "a") in last_markup_data(back)
    voted = await harness.press(member, vt(sid, items[0], "a", "expert"), message_id=ballot_id(MEMBERS[1]))
    edit = next(r for r in voted if isinstance(r, EditMessageText))
    assert edit.message_id == ballot_id(MEMBERS[1])
    assert k("✅ Your vote: {choice} ({time}).", choice=k("matches the claimed category") + " — "
             + k("pedagogue-expert"), time="")[:-3] in edit.text
    assert vt(sid, items[0], "a") in last_markup_data(voted)  # still open: the decisions again, to change it


async def test_a_member_arriving_during_a_vote_gets_its_ballot(harness: Harness) -> None:
    sid, items = await voting_session(harness, present=MEMBERS[:5])
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    arrived = await harness.press(harness.user(MEMBERS[5]), cm("here", sid))
    ballots = [r for r in arrived if isinstance(r, SendMessage) and r.chat_id == MEMBERS[5]]
    assert len(ballots) == 1 and vt(sid, items[0], "a") in last_markup_data(ballots)
    # The "I am present" message loses its button.
    assert any(isinstance(r, EditMessageReplyMarkup) and r.reply_markup is None for r in arrived)
    assert k("votes: {voted} of {voters} members present", voted=0, voters=6) in await panel(harness, sid)


async def test_the_secretary_reminds_who_has_not_voted(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:5])
    reminded = await harness.press(harness.user(SECRETARY), cm("inudge", sid, str(items[0])))
    assert alerts(reminded) == [k("Reminded: {count}", count=1)]
    sent = [r for r in reminded if isinstance(r, SendMessage)]
    assert [r.chat_id for r in sent] == [MEMBERS[5]]
    assert sent[0].text.startswith(k("🔔 The secretary is waiting for your vote."))


# --- postponing a candidate ------------------------------------------------------------------------


async def test_a_candidate_is_postponed_with_a_cancel_on_the_way(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:2])
    picked = await harness.press(secretary, cm("ppick", sid))
    assert cm("ppone", sid, str(items[0])) in last_markup_data(picked) and cm("cancel", sid, "pp") in (
        last_markup_data(picked))
    cancelled = await harness.press(secretary, cm("cancel", sid, "pp"))
    assert alerts(cancelled) == [k("Cancelled.")] and await item_status(harness, items[0]) == "voting"
    asked = await harness.press(secretary, cm("ppone", sid, str(items[0])))
    assert last_markup_data(asked) == [cm("ppok", sid, str(items[0])), cm("cancel", sid, "pp")]
    done = await harness.press(secretary, cm("ppok", sid, str(items[0])))
    assert alerts(done) == [k("Postponed: {name}.", name="Teacher 301")]
    assert await item_status(harness, items[0]) == "deferred"
    told = [r.text for r in done if isinstance(r, SendMessage) and r.chat_id == TEACHERS[0]]
    assert told == [ru("«{name}» has postponed the consideration of your application to a later session; you will "
                       "be told its date.", name="District attestation commission of Karaganda")]
    ballots = [r for r in done if isinstance(r, EditMessageText) and r.chat_id in MEMBERS[:2]]
    assert len(ballots) == 2 and all(r.reply_markup is None for r in ballots)
    async with harness.app.sessions() as s:
        review = await s.scalar(select(ApplicationReview).where(ApplicationReview.user_id == TEACHERS[0]))
    assert review is not None and review.status == "accepted"  # back among the accepted, for the next session
    assert k("postponed to a later session") in await panel(harness, sid)


# --- the secretary's card, refusal and removal: buttons that go and Cancels ---------------------------


def dossier(application_id: int) -> str:
    """The card's dossier button (features/dossier)."""
    return DossierCallback(act=DossierAct.REVIEW, application=application_id).pack()


async def test_the_card_loses_accept_and_refuse_once_decided(harness: Harness) -> None:
    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    apps = [await teacher_with_application(harness, uid) for uid in TEACHERS[:2]]
    secretary = harness.user(SECRETARY)
    await harness.text(secretary, "/agenda")
    card = await harness.press(secretary, cm("card", apps[0]))
    assert last_markup_data(card) == [cm("files", apps[0]), dossier(apps[0]), cm("acc", apps[0]), cm("ref", apps[0])]
    accepted = await harness.press(secretary, cm("acc", apps[0]), message_id=900)
    edit = next(r for r in accepted if isinstance(r, EditMessageReplyMarkup))
    assert edit.message_id == 900 and last_markup_data([edit]) == [cm("files", apps[0]), dossier(apps[0])]
    again = await harness.press(secretary, cm("card", apps[0]))
    assert last_markup_data(again) == [cm("files", apps[0]), dossier(apps[0])]

    # Refusal: grounds with a Cancel, which leaves the application waiting.
    started = await harness.press(secretary, cm("ref", apps[1]), message_id=901)
    assert cm("cancel", apps[1], "ref") in last_markup_data(started)
    await harness.press(secretary, cm("cancel", apps[1], "ref"))
    stale = await harness.press(secretary, cm("grd", apps[1], "requirements"))
    assert alerts(stale) == [k("This button is no longer active.")]
    async with harness.app.sessions() as s:
        review = await s.get(ApplicationReview, apps[1])
    assert review is not None and review.status == "pending"
    # Refused for real: the card it started from keeps only its files and dossier.
    await harness.press(secretary, cm("ref", apps[1]), message_id=902)
    await harness.press(secretary, cm("grd", apps[1], "requirements"))
    asked = await harness.press(secretary, cm("grd", apps[1], "."))
    assert cm("cancel", apps[1], "ref") in last_markup_data(asked)
    refused = await harness.text(secretary, "The certificate of courses is missing")
    edit = next(r for r in refused if isinstance(r, EditMessageReplyMarkup))
    assert edit.message_id == 902 and last_markup_data([edit]) == [cm("files", apps[1]), dossier(apps[1])]


async def test_removing_a_member_can_be_cancelled(harness: Harness) -> None:
    cid = await full_commission(harness)
    admin = harness.user(ADMIN)
    listing = await harness.press(admin, cm("rmm", cid))
    assert last_markup_data(listing)[-1] == cm("cancel", cid, "rmm")
    asked = await harness.press(admin, cm("rmmask", cid, str(MEMBERS[2])))
    assert last_markup_data(asked) == [cm("rmmok", cid, str(MEMBERS[2])), cm("cancel", cid, "rmm")]
    cancelled = await harness.press(admin, cm("cancel", cid, "rmm"), message_id=77)
    assert alerts(cancelled) == [k("Cancelled.")]
    assert any(isinstance(r, EditMessageReplyMarkup) and r.message_id == 77 for r in cancelled)
    async with harness.app.sessions() as s:
        assert await s.scalar(select(CommissionMember).where(CommissionMember.user_id == MEMBERS[2])) is not None


async def test_creating_a_commission_can_be_cancelled(harness: Harness) -> None:
    admin = harness.user(ADMIN)
    asked = await harness.text(admin, "/commission_new")
    assert last_markup_data(asked)[-1] == cm("cancel", 0, "new")
    await harness.press(admin, cm("lvl", arg="district"))
    await harness.press(admin, cm("cancel", 0, "new"))
    # The name step is left: a text now is not taken as the commission's name.
    after = await harness.text(admin, "District attestation commission")
    assert k("Full name of the commission (as in the order):") not in texts(after)
    assert all(k("Region it serves:") != t for t in texts(after))


# --- a session sits on its date -------------------------------------------------------------------


async def accepted_teachers(h: Harness) -> int:
    cid = await full_commission(h)
    await elect_chair(h, cid)
    apps = [await teacher_with_application(h, uid) for uid in TEACHERS[:2]]
    await h.text(h.user(SECRETARY), "/agenda")
    for app_id in apps:
        await h.press(h.user(SECRETARY), cm("acc", app_id))
    return cid


async def test_a_session_date_is_not_in_the_past_nor_before_a_registration(harness: Harness) -> None:
    cid = await accepted_teachers(harness)
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("snew", cid))
    yesterday = today() - timedelta(days=1)
    past = await harness.text(secretary, yesterday.strftime("%d.%m.%Y"))
    assert k("{date} is in the past: a session is dated today or later.", date=yesterday.strftime("%d.%m.%Y")) in (
        texts(past))
    async with harness.app.sessions() as s:
        assert list(await s.scalars(select(CommissionSession))) == []
        # An application registered later than the wanted date (a registration moved to the next working day).
        await s.execute(update(ApplicationReview).values(status="accepted"))
        from storage.checklist_models import Application

        await s.execute(update(Application).where(Application.user_id == TEACHERS[1])
                        .values(registered_on=today() + timedelta(days=3)))
        await s.commit()
    early = await harness.text(secretary, today_text())
    later = (today() + timedelta(days=3)).strftime("%d.%m.%Y")
    assert k("{date} is before {registered}, the registration date of an application on the agenda: choose "
             "{registered} or later.", date=today_text(), registered=later) in texts(early)
    created = await harness.text(secretary, later)
    assert any(t.startswith(k("Session No. {number} of «{name}», {date}", number=1,
                              name="District attestation commission of Karaganda", date=later)) for t in texts(created))


async def test_a_session_opens_on_its_date_and_a_passed_date_is_changed(harness: Harness) -> None:
    cid = await accepted_teachers(harness)
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("snew", cid))
    tomorrow = (today() + timedelta(days=1)).strftime("%d.%m.%Y")
    await harness.text(secretary, tomorrow)
    s = await latest_session(harness)
    early = await harness.press(secretary, cm("sopen", s.id))
    assert k("The session is on {date}: it can be opened on that day.", date=tomorrow) in "\n".join(texts(early))
    assert (await latest_session(harness)).status == "draft"
    # Its date passes unopened: it is moved to today (with a Cancel on the way), then opened.
    async with harness.app.sessions() as session:
        await session.execute(update(CommissionSession).values(session_date=today() - timedelta(days=1)))
        await session.commit()
    late = await harness.press(secretary, cm("sopen", s.id))
    assert k("The session's date, {date}, has passed: change the date first.",
             date=(today() - timedelta(days=1)).strftime("%d.%m.%Y")) in "\n".join(texts(late))
    asked = await harness.press(secretary, cm("sdate", s.id))
    assert last_markup_data(asked) == [cm("cancel", s.id, "sdate")]
    await harness.text(secretary, today_text())
    assert (await latest_session(harness)).session_date == today()
    opened = await harness.press(secretary, cm("sopen", s.id))
    assert alerts(opened) == [k("The session is open.")]


async def test_votes_are_recorded_on_the_session_date_only(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:5])
    async with harness.app.sessions() as session:  # past midnight: the session was yesterday
        await session.execute(update(CommissionSession).values(session_date=today() - timedelta(days=1)))
        await session.commit()
    late = await harness.press(harness.user(MEMBERS[5]), vt(sid, items[0], "a", "expert"))
    assert alerts(late) == [k("The session was held on {date}: attendance and votes are recorded only on that day. "
                              "The secretary can close the open vote, recording who did not vote as abstaining, or "
                              "postpone the candidate to another session.",
                              date=(today() - timedelta(days=1)).strftime("%d.%m.%Y"))]
    # The secretary can still close it anyway; the decision carries the session's date.
    asked = await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    await harness.press(harness.user(SECRETARY), next(d for d in last_markup_data(asked) if d.startswith("ss:force:")))
    decision = await decision_of(harness, items[0])
    assert decision is not None and decision.decided_on == today() - timedelta(days=1)


async def test_the_applicant_status_after_a_decision(harness: Harness) -> None:
    sid, items = await voting_session(harness)
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    await cast_votes(harness, sid, items[0], MEMBERS[:6])
    await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    async with harness.app.sessions() as s:
        from storage.checklist_models import Application

        app = await s.scalar(select(Application).where(Application.user_id == TEACHERS[0]))
    assert app is not None and app.status == ApplicationStatus.DECIDED.value
