"""Helpers of the commission handler tests: a commission built through the bot, teachers with applications."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendDocument, TelegramMethod
from pydantic import ValidationError
from sqlalchemy import select

from features.commission.agenda.callbacks import GroundCallback, GroundsChosenCallback, ReviewAct, ReviewCallback
from features.commission.composition.callbacks import (
    AreaAct,
    CommissionAct,
    CommissionAreaCallback,
    CommissionCallback,
    DocumentsLanguageCallback,
    LevelCallback,
    MemberAct,
    MemberCallback,
    RegionCallback,
)
from features.commission.flows import CancelCallback, Flow
from features.commission.order.callbacks import OrderAct, OrderCallback
from features.commission.session.callbacks import (
    CandidateFilesCallback,
    PresenceCallback,
    SessionAct,
    SessionCallback,
    VoteCallback,
)
from scoring.categories import Category
from scoring.commission import DECISION_BY_CODE
from storage.checklist_repository import ApplicationRepository
from storage.commission_models import AgendaItem, Commission, CommissionSession, Vote
from storage.profile_models import TeacherProfile
from tests.conftest import Harness, texts
from tests.handlers.attestation_helpers import make_teacher

ADMIN = 1
TZ = ZoneInfo("Asia/Almaty")  # the bot's default zone: "today" is Kazakhstan's, whatever the machine's


def today() -> date:
    return datetime.now(TZ).date()


def today_text() -> str:
    return today().strftime("%d.%m.%Y")

MEMBERS = list(range(101, 108))  # seven members
SECRETARY = 200
TEACHERS = [301, 302, 303]


# The commission's buttons by their former short action names (the callback data each factory packs).
COMPOSITION_ACTS = {a.value for a in CommissionAct}
MEMBER_ACTS = {a.value for a in MemberAct}
REVIEW_ACTS = {a.value for a in ReviewAct}
SESSION_ACTS = {"spanel": SessionAct.PANEL, "sopen": SessionAct.OPEN, "sdate": SessionAct.DATE,
                "svote": SessionAct.VOTING, "item": SessionAct.PUT, "iclose": SessionAct.CLOSE_VOTE,
                "inudge": SessionAct.NUDGE, "reason": SessionAct.REASON, "ppick": SessionAct.POSTPONE_PICK,
                "ppone": SessionAct.POSTPONE_ASK, "ppok": SessionAct.POSTPONE, "sclose": SessionAct.CLOSE,
                "order": SessionAct.ORDER}
ORDER_ACTS = {"ordok": OrderAct.ISSUE}
CANCEL_FLOWS = {flow.value for flow in Flow}


def cm(act: str, ref: int = 0, arg: str = "") -> str:
    """The callback data of the commission button `act` on row `ref` with argument `arg` (packed as sent even
    when it is forged: a value the factory refuses is packed as it is)."""
    session = session_button(act, ref, arg)
    if session is not None:
        return session.pack()
    typed = composition_button(act, ref, arg) or review_button(act, ref, arg)
    if act == "cancel" and arg in CANCEL_FLOWS:
        typed = CancelCallback, {"flow": arg, "ref": ref}
    if typed is None:
        return f"cm:{act}:{ref}:{arg}"  # a button of the former commission keyboards: answered as stale
    factory, fields = typed
    try:
        return factory(**fields).pack()
    except ValidationError:
        return ":".join([factory.__prefix__, *(str(v) for v in fields.values())])


Button = tuple[type[CallbackData], dict[str, Any]]


def composition_button(act: str, ref: int, arg: str) -> Button | None:
    simple: dict[str, Button] = {
        "lvl": (LevelCallback, {"level": arg}),
        "reg": (RegionCallback, {"region": arg}),
        "lang": (DocumentsLanguageCallback, {"code": arg}),
        "apick": (CommissionAreaCallback, {"act": AreaAct.PICK, "code": arg, "page": ref}),
        "apage": (CommissionAreaCallback, {"act": AreaAct.PAGE, "code": arg, "page": ref}),
    }
    if act in simple:
        return simple[act]
    if act in COMPOSITION_ACTS:
        return CommissionCallback, {"act": act, "commission": ref}
    if act in MEMBER_ACTS:
        return MemberCallback, {"act": act, "commission": ref, "user": arg}
    return None


def review_button(act: str, ref: int, arg: str) -> Button | None:
    if act in REVIEW_ACTS:
        return ReviewCallback, {"act": act, "application": ref}
    if act == "grd":
        return (GroundsChosenCallback, {"application": ref}) if arg == "." else (
            GroundCallback, {"application": ref, "ground": arg})
    return None


def session_button(act: str, ref: int, arg: str) -> CallbackData | None:
    if act == "snew":
        return SessionCallback(act=SessionAct.NEW, commission=ref)
    if act in SESSION_ACTS:
        return SessionCallback(act=SESSION_ACTS[act], session=ref, item=int(arg or 0))
    if act == "here":
        return PresenceCallback(session=ref)
    if act == "vfiles":
        return CandidateFilesCallback(session=ref, item=int(arg))
    if act == "ordsame":
        return OrderCallback(act=OrderAct(arg), session=ref)
    if act in ORDER_ACTS:
        return OrderCallback(act=ORDER_ACTS[act], session=ref)
    return None


def vt(sid: int, item: int, d: str, cat: str = "") -> str:
    """A ballot press: decision code `d` (scoring.commission.DECISION_CODES; "-" the way back), category `cat`."""
    return VoteCallback(session=sid, item=item, decision=DECISION_BY_CODE.get(d),
                        category=Category(cat) if cat else None).pack()


async def create_commission(h: Harness, order_date: date | None = None) -> int:
    admin = h.user(ADMIN)
    await h.text(admin, "/commission_new")
    await h.press(admin, cm("lvl", arg="district"))
    await h.text(admin, "District attestation commission of Karaganda")
    await h.press(admin, cm("reg", arg="karaganda"))
    await h.press(admin, cm("apick", arg="351010000"))  # Karaganda, from the list
    await h.text(admin, "17-к")
    when = order_date or (today() - timedelta(days=10))
    await h.text(admin, when.strftime("%d.%m.%Y"))
    await h.press(admin, cm("lang", arg="ru"))
    async with h.app.sessions() as s:
        return int(await s.scalar(select(Commission.id).order_by(Commission.id.desc()).limit(1)) or 0)


async def invite_code(h: Harness, commission_id: int, kind: str = "member") -> str:
    sent = await h.press(h.user(ADMIN), cm("invm" if kind == "member" else "invs", commission_id))
    match = re.search(r"start=(\S+)", "\n".join(texts(sent)))
    assert match, texts(sent)
    return match.group(1)


async def join(h: Harness, user_id: int, code: str, role: str | None = "ngo",
               name: str | None = None) -> list[TelegramMethod[Any]]:
    user = h.user(user_id)
    sent = await h.text(user, f"/start {code}")
    if role is not None:
        sent += await h.press(user, f"inv:{role}")
    async with h.app.sessions() as s:
        has_profile = await s.get(TeacherProfile, user_id) is not None
    if not has_profile:  # the name comes from the profile when there is one; otherwise the bot asks
        sent += await h.text(user, name or f"Member {user_id}")
    return sent


async def full_commission(h: Harness, members: list[int] = MEMBERS) -> int:
    cid = await create_commission(h)
    for user_id in members:
        await join(h, user_id, await invite_code(h, cid))
    await join(h, SECRETARY, await invite_code(h, cid, "secretary"), role=None, name="Secretary Sekretova")
    return cid


async def elect_chair(h: Harness, cid: int, chair: int = MEMBERS[0]) -> None:
    for voter in MEMBERS[:4]:
        await h.press(h.user(voter), cm("chair", cid, str(chair)))


async def teacher_with_application(h: Harness, user_id: int, **overrides: Any) -> int:
    fields: dict[str, Any] = dict(full_name=f"Teacher {user_id}", category_valid_until=date(2030, 1, 1))
    fields.update(overrides)
    await make_teacher(h, user_id, **fields)
    now = datetime.now(UTC)
    async with h.app.sessions() as s:
        repo = ApplicationRepository(s)
        app = await repo.draft(user_id, 2026, now)
        await repo.submit(app, now, today() - timedelta(days=1), fields.get("claimed_category", "expert"),
                          {"files": {}, "essay_words": None})
        await s.commit()
        return app.id


async def latest_session(h: Harness) -> CommissionSession:
    async with h.app.sessions() as s:
        row = await s.scalar(select(CommissionSession).order_by(CommissionSession.id.desc()).limit(1))
        assert row is not None
        return row


async def agenda(h: Harness, session_id: int) -> list[AgendaItem]:
    async with h.app.sessions() as s:
        return list(await s.scalars(select(AgendaItem).where(AgendaItem.session_id == session_id)
                                    .order_by(AgendaItem.position)))


async def votes(h: Harness, item_id: int) -> list[Vote]:
    async with h.app.sessions() as s:
        return list(await s.scalars(select(Vote).where(Vote.candidate_id == item_id)))


def documents(requests: list[TelegramMethod[Any]], chat_id: int) -> list[SendDocument]:
    return [r for r in requests if isinstance(r, SendDocument) and r.chat_id == chat_id]


async def voting_session(h: Harness, present: list[int] = MEMBERS[:6], teachers: list[int] = TEACHERS[:2],
                         **teacher_fields: Any) -> tuple[int, list[int]]:
    """A valid commission, the teachers' applications accepted, today's session opened with `present` marked
    present and voting started. Returns the session id and the agenda item ids."""
    cid = await full_commission(h)
    await elect_chair(h, cid)
    apps = [await teacher_with_application(h, uid, **teacher_fields) for uid in teachers]
    secretary = h.user(SECRETARY)
    await h.text(secretary, "/agenda")
    for app_id in apps:
        await h.press(secretary, cm("acc", app_id))
    await h.press(secretary, cm("snew", cid))
    await h.text(secretary, today_text())
    s = await latest_session(h)
    await h.press(secretary, cm("sopen", s.id))
    for user_id in present:
        await h.press(h.user(user_id), cm("here", s.id))
    await h.press(secretary, cm("svote", s.id))
    return s.id, [i.id for i in await agenda(h, s.id)]


def ballot_id(member: int) -> int:
    """The message id a member's ballot has in their chat, in these tests."""
    return 50_000 + member


async def cast_votes(h: Harness, sid: int, item: int, members: list[int], d: str = "a", cat: str = "expert") -> None:
    for user_id in members:
        await h.press(h.user(user_id), vt(sid, item, d, cat), message_id=ballot_id(user_id))
