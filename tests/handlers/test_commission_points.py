"""Commission points before voting, the secretary's reasons, the certificate's signatory and issuer.

Through the real Dispatcher; the protocol and the certificate are opened with python-docx.
"""

from __future__ import annotations

import io
from fractions import Fraction
from typing import Any

from aiogram.methods import TelegramMethod
from docx import Document
from sqlalchemy import select

from bot.i18n import create_i18n
from features.commission.points.callbacks import PointsCallback
from features.commission.points.service import Total
from features.commission.session.ballot import MEMBER_TOTAL, OWN_TOTAL, total_line
from scoring.categories import Category
from scoring.sheets import SHEETS
from scoring.sheets.evaluate import evaluate_answers
from scoring.sheets.observation import format_points
from storage.commission_models import CommissionDecision, CommissionPoints
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.commission_helpers import (
    MEMBERS,
    SECRETARY,
    agenda,
    cm,
    documents,
    elect_chair,
    full_commission,
    latest_session,
    teacher_with_application,
    today_text,
    vt,
)

I18N = create_i18n("kk")
SCORED, NO_CATEGORY = 301, 302
OWN_ANSWERS: dict[str, Any] = {"criteria": {"2.1": {"level": "region"}, "2.2": {"level": "district"}},
                               "claimed": "expert"}


def k(text: str, locale: str = "kk", **params: object) -> str:
    out = I18N.gettext(text, locale=locale)
    return out.format(**params) if params else out


def kk(text: str) -> str:
    return I18N.gettext(text, locale="kk")


def ru(text: str) -> str:
    return I18N.gettext(text, locale="ru")


def pt(sid: int, item: int, a: str, crit: str = "", v: str = "") -> str:
    return PointsCallback(sid=sid, item=item, a=a, crit=crit, v=v).pack()


def total(answers: dict[str, Any]) -> Fraction:
    return evaluate_answers(SHEETS["teacher"], answers).total


async def session_in_voting(h: Harness) -> tuple[int, int, list[int]]:
    """A valid commission; teacher 301 with a self-assessment, 302 without a category; both on the agenda."""
    cid = await full_commission(h)
    await elect_chair(h, cid)
    apps = [await teacher_with_application(h, SCORED), await teacher_with_application(h, NO_CATEGORY,
                                                                                      current_category=None)]
    async with h.app.sessions() as s:
        s.add(SelfAssessment(user_id=SCORED, sheet_id="teacher", answers=OWN_ANSWERS, observations=[]))
        await s.commit()
    secretary = h.user(SECRETARY)
    await h.text(secretary, "/agenda")
    for app_id in apps:
        await h.press(secretary, cm("acc", app_id))
    await h.press(secretary, cm("snew", cid))
    await h.text(secretary, today_text())
    session = await latest_session(h)
    await h.press(secretary, cm("sopen", session.id))
    for user_id in MEMBERS:
        await h.press(h.user(user_id), cm("here", session.id))
    await h.press(secretary, cm("svote", session.id))
    return cid, session.id, [i.id for i in await agenda(h, session.id)]


def own_line() -> str:
    return total_line(kk, OWN_TOTAL, Total(total(OWN_ANSWERS), Category.EXPERT, 84))


async def test_member_scores_the_sheet_prefilled_and_sees_the_total_on_the_ballot(harness: Harness) -> None:
    _cid, sid, items = await session_in_voting(harness)
    ballots = await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    to_member = [t for t in texts(ballots) if own_line() in t]
    assert len(to_member) == len(MEMBERS)
    member = harness.user(MEMBERS[1])
    assert pt(sid, items[0], "open") in last_markup_data([r for r in ballots if getattr(r, "chat_id", 0) == MEMBERS[1]])

    opened = await harness.press(member, pt(sid, items[0], "open"))
    assert pt(sid, items[0], "none", "1.1") in last_markup_data(opened)  # /score's first criterion, remapped
    async with harness.app.sessions() as s:
        row = await s.scalar(select(CommissionPoints).where(CommissionPoints.member_user_id == MEMBERS[1]))
    assert row is not None and row.sheet_id == "teacher" and row.answers["criteria"] == OWN_ANSWERS["criteria"]

    # The member disagrees with 2.1 only.
    await harness.press(member, pt(sid, items[0], "go", "2.1"))
    assert alerts(await harness.press(member, pt(sid, items[0], "none", "2.1"))) == [k("Saved: none, 0 points.")]
    mine = {**OWN_ANSWERS, "criteria": {**OWN_ANSWERS["criteria"], "2.1": None}}
    assert total(mine) < total(OWN_ANSWERS)
    back = await harness.press(member, pt(sid, items[0], "back"))
    ballot = texts(back)[-1]
    assert own_line() in ballot
    assert total_line(kk, MEMBER_TOTAL, Total(total(mine), Category.EXPERT, 84)) in ballot
    assert vt(sid, items[0], "a") in last_markup_data(back)  # the decisions are back

    # Voting still works after scoring; the points go into the protocol.
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), vt(sid, items[0], "a", "expert"))
    await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[1])))
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), vt(sid, items[1], "a", "expert"))
    await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[1])))
    before = len(harness.session.requests)
    await harness.press(harness.user(SECRETARY), cm("sclose", sid))
    sent = harness.session.requests[before:]
    protocol = docx_of(sent, SECRETARY, "protocol")
    paragraphs = "\n".join(p.text for p in protocol.paragraphs)
    assert ru("Commission points (scoring sheets filled in by the members)") in paragraphs
    line = next(p for p in paragraphs.splitlines() if p.startswith("Teacher 301:") and "—" in p)
    assert f"Member {MEMBERS[1]} — {format_points(total(mine))}" in line and "84" in line


async def test_points_presses_are_checked_like_votes(harness: Harness) -> None:
    _cid, sid, items = await session_in_voting(harness)
    assert alerts(await harness.press(harness.user(MEMBERS[1]), pt(sid, items[0], "open"))) == [
        k("Voting on this candidate has not been opened yet.")]
    await harness.press(harness.user(SECRETARY), cm("item", sid, str(items[0])))
    assert alerts(await harness.press(harness.user(999), pt(sid, items[0], "open"))) == [
        k("Only members of this commission vote on its candidates.")]
    assert alerts(await harness.press(harness.user(SECRETARY), pt(sid, items[0], "open"))) == [
        k("The secretary is not a member of the commission and does not vote (§17).")]
    assert alerts(await harness.press(harness.user(MEMBERS[1]), pt(sid + 1, items[0], "open"))) == [
        k("This candidate is not on this session's agenda.")]
    # A forged level index and a criterion the sheet does not have.
    await harness.press(harness.user(MEMBERS[1]), pt(sid, items[0], "open"))
    forged = await harness.press(harness.user(MEMBERS[1]), pt(sid, items[0], "lv", "2.1", "99"))
    assert alerts(forged) == [k("This button is no longer active.")]
    assert alerts(await harness.press(harness.user(MEMBERS[1]), pt(sid, items[0], "go", "9.9"))) == [
        k("This sheet has no such criterion.")]
    # Typed hours for criterion 4.1 (a THRESHOLD criterion) are checked by the sheet's own parser.
    await harness.press(harness.user(MEMBERS[1]), pt(sid, items[0], "go", "4.1"))
    await harness.text(harness.user(MEMBERS[1]), "72 + 36")
    async with harness.app.sessions() as s:
        row = await s.scalar(select(CommissionPoints).where(CommissionPoints.member_user_id == MEMBERS[1]))
    assert row is not None and row.answers["criteria"]["4.1"] and row.answers["criteria"]["2.1"] == {
        "level": "region"}
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), vt(sid, items[0], "a", "expert"))
    await harness.press(harness.user(SECRETARY), cm("iclose", sid, str(items[0])))
    late = await harness.press(harness.user(MEMBERS[1]), pt(sid, items[0], "none", "2.1"))
    assert alerts(late) == [k("Voting on this candidate is closed; your vote was not counted.")]


def docx_of(sent: list[TelegramMethod[Any]], chat_id: int, stem: str) -> Any:
    doc = next(d.document for d in documents(sent, chat_id)
               if d.document.filename.startswith(stem) and d.document.filename.endswith(".docx"))  # type: ignore[union-attr]
    return Document(io.BytesIO(doc.data))  # type: ignore[union-attr]


async def test_reason_is_asked_required_and_printed(
        harness: Harness) -> None:
    _cid, sid, items = await session_in_voting(harness)
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("item", sid, str(items[0])))
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), vt(sid, items[0], "a", "expert"))
    await harness.press(secretary, cm("iclose", sid, str(items[0])))
    await harness.press(secretary, cm("item", sid, str(items[1])))
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), vt(sid, items[1], "n"))
    closed = await harness.press(secretary, cm("iclose", sid, str(items[1])))
    assert k("Type the reason for the decision on {name}: it goes to the «Reason» column of the protocol.",
             name="Teacher 302") in texts(closed)
    # Leaving the step without a reason: closing the session is refused, the panel offers the button.
    await harness.text(secretary, "/cancel")
    refused = await harness.press(secretary, cm("sclose", sid))
    assert alerts(refused) == [k("The protocol needs the reason of the decision on: {names}. Type it first (the "
                                 "«Reason» button on the panel).", names="Teacher 302")]
    assert cm("reason", sid, str(items[1])) in last_markup_data(await harness.press(secretary, cm("spanel", sid)))
    assert alerts(await harness.press(secretary, cm("reason", sid, str(items[0])))) == [
        k("This decision has no Reason column in the protocol.")]
    assert alerts(await harness.press(harness.user(MEMBERS[0]), cm("reason", sid, str(items[1])))) == [
        k("Only the commission's secretary manages its sessions.")]
    await harness.press(secretary, cm("reason", sid, str(items[1])))
    assert texts(await harness.text(secretary, "no")) == [k("Type the reason as text, 3 to 1000 characters.")]
    reason = "Portfolio points 41 below the threshold of 84"
    recorded = await harness.text(secretary, reason)
    assert k("The reason is recorded for {name}.", name="Teacher 302") in texts(recorded)
    async with harness.app.sessions() as s:
        decision = await s.scalar(select(CommissionDecision).where(CommissionDecision.candidate_id == items[1]))
    assert decision is not None and decision.reason == reason

    before = len(harness.session.requests)
    assert alerts(await harness.press(secretary, cm("sclose", sid))) == [k("The session is closed.")]
    sent = harness.session.requests[before:]
    protocol = docx_of(sent, SECRETARY, "protocol")
    not_matching = [[c.text for c in row.cells] for row in protocol.tables[1].rows]
    assert not_matching[0][-1] == ru("Reason") and not_matching[1][1] == "Teacher 302"
    assert not_matching[1][-1] == reason

    assert documents(sent, SCORED) and not [d for d in documents(sent, SCORED)
                                            if d.document.filename.startswith("certificate")]  # type: ignore[union-attr]
