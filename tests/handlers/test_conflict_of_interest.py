"""Conflict of interest through the real Dispatcher: an applicant never joins, chairs or acts for the commission
that holds her application, whatever buttons she presses or forges."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.i18n import create_i18n
from features.commission.composition.service import CommissionService
from features.commission.points.callbacks import PointsCallback
from scoring.commission import OWN_APPLICATION, ROLE_CONFLICTS, CommissionRole
from storage.commission_models import AgendaItem, ApplicationReview, CommissionMember, ReviewStatus
from tests.conftest import Harness, alerts, texts
from tests.handlers.commission_helpers import (
    ADMIN,
    MEMBERS,
    SECRETARY,
    agenda,
    cm,
    create_commission,
    elect_chair,
    full_commission,
    invite_code,
    latest_session,
    teacher_with_application,
    today_text,
    vt,
)

I18N = create_i18n("kk")
TEACHER, OTHER = 601, 602


def ru(text: str, **params: object) -> str:
    out = I18N.gettext(text, locale="ru")
    return out.format(**params) if params else out


def k(text: str, **params: object) -> str:
    out = I18N.gettext(text, locale="kk")
    return out.format(**params) if params else out


async def route(h: Harness) -> None:
    """Registered applications go to their commission (as on every /agenda)."""
    await h.text(h.user(ADMIN), "/agenda")


async def review_of(h: Harness, app_id: int) -> ApplicationReview:
    async with h.app.sessions() as s:
        row = await s.get(ApplicationReview, app_id)
        assert row is not None
        return row


# --- taking a role ------------------------------------------------------------------------------------


async def test_an_applicant_cannot_become_the_secretary_of_the_commission_holding_her_application(
        harness: Harness) -> None:
    cid = await create_commission(harness)
    await teacher_with_application(harness, TEACHER)
    await route(harness)
    sent = await harness.text(harness.user(TEACHER), f"/start {await invite_code(harness, cid, 'secretary')}")
    assert texts(sent) == [ru(ROLE_CONFLICTS[CommissionRole.SECRETARY])]  # make_teacher chose Russian
    async with harness.app.sessions() as s:
        assert (await CommissionService.in_force(s, harness.app.rule_book).get(cid)).secretary_user_id is None  # type: ignore[union-attr]


async def test_an_applicant_cannot_become_a_member_of_the_commission_holding_her_application(
        harness: Harness) -> None:
    cid = await create_commission(harness)
    await teacher_with_application(harness, TEACHER, experience_years=15, current_category="expert")
    await route(harness)
    sent = await harness.text(harness.user(TEACHER), f"/start {await invite_code(harness, cid)}")
    assert texts(sent) == [ru(ROLE_CONFLICTS[CommissionRole.MEMBER])]


async def test_an_invite_opened_before_the_application_arrived_is_checked_again_on_joining(
        harness: Harness) -> None:
    cid = await create_commission(harness)
    await teacher_with_application(harness, TEACHER)
    teacher = harness.user(TEACHER)
    opened = await harness.text(teacher, f"/start {await invite_code(harness, cid)}")  # not routed yet: it opens
    assert "inv:ngo" in str(opened[-1])
    await route(harness)
    joined = await harness.press(teacher, "inv:ngo")  # the role, pressed once her application is there
    assert texts(joined) == [ru(ROLE_CONFLICTS[CommissionRole.MEMBER])]
    async with harness.app.sessions() as s:
        assert await s.scalar(select(CommissionMember.id).where(CommissionMember.user_id == TEACHER)) is None


async def test_a_member_whose_application_the_commission_holds_cannot_be_its_chair(harness: Harness) -> None:
    cid = await full_commission(harness)
    await teacher_with_application(harness, MEMBERS[6])
    await route(harness)
    conflict = k(ROLE_CONFLICTS[CommissionRole.CHAIR], name=f"Member {MEMBERS[6]}")
    assert alerts(await harness.press(harness.user(MEMBERS[0]), cm("chair", cid, str(MEMBERS[6])))) == [conflict]
    assert alerts(await harness.press(harness.user(ADMIN), cm("setchair", cid, str(MEMBERS[6])))) == [conflict]
    await elect_chair(harness, cid)  # anybody else can be elected
    async with harness.app.sessions() as s:
        chair = await s.scalar(select(CommissionMember.user_id).where(CommissionMember.commission_id == cid,
                                                                       CommissionMember.is_chair.is_(True)))
    assert chair == MEMBERS[0]


# --- acting on one's own application -------------------------------------------------------------------


async def secretary_who_applied(h: Harness) -> tuple[int, int]:
    """The commission's secretary applies herself; her application is routed to her own commission."""
    cid = await full_commission(h)
    await elect_chair(h, cid)
    app_id = await teacher_with_application(h, SECRETARY)
    await route(h)
    assert (await review_of(h, app_id)).commission_id == cid
    return cid, app_id


async def test_the_secretary_cannot_open_accept_or_refuse_her_own_application(harness: Harness) -> None:
    _cid, app_id = await secretary_who_applied(harness)
    secretary = harness.user(SECRETARY)
    for act in ("card", "files", "acc", "ref"):  # the buttons /agenda shows, and the same data forged
        assert alerts(await harness.press(secretary, cm(act, app_id))) == [ru(OWN_APPLICATION)], act
    assert (await review_of(harness, app_id)).status == ReviewStatus.PENDING.value
    async with harness.app.sessions() as s:  # the service refuses too, whoever calls it
        svc = CommissionService.in_force(s, harness.app.rule_book)
        review = await s.get(ApplicationReview, app_id)
        assert review is not None
        assert await svc.accept(review, SECRETARY) is False
        assert await svc.refuse(review, SECRETARY, [], "x", "ru", "x") is False


async def test_the_secretary_never_puts_her_own_application_on_a_session(harness: Harness) -> None:
    cid, own = await secretary_who_applied(harness)
    other = await teacher_with_application(harness, OTHER)
    await route(harness)
    async with harness.app.sessions() as s:  # accepted before she was the secretary, say
        await s.execute(update(ApplicationReview).values(status=ReviewStatus.ACCEPTED.value))
        await s.commit()
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("snew", cid))
    await harness.text(secretary, today_text())
    s = await latest_session(harness)
    assert [i.application_id for i in await agenda(harness, s.id)] == [other]
    assert (await review_of(harness, own)).status == ReviewStatus.ACCEPTED.value


async def test_the_secretary_cannot_put_to_the_vote_close_or_reason_her_own_candidacy(harness: Harness) -> None:
    cid, own = await secretary_who_applied(harness)
    await teacher_with_application(harness, OTHER)
    await route(harness)
    async with harness.app.sessions() as s:
        await s.execute(update(ApplicationReview).where(ApplicationReview.user_id == OTHER)
                        .values(status=ReviewStatus.ACCEPTED.value))
        await s.commit()
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("snew", cid))
    await harness.text(secretary, today_text())
    session = await latest_session(harness)
    await harness.press(secretary, cm("sopen", session.id))
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), cm("here", session.id))
    await harness.press(secretary, cm("svote", session.id))
    async with harness.app.sessions() as s:  # her application on the agenda (data from before the rule)
        row = AgendaItem(session_id=session.id, application_id=own, user_id=SECRETARY, position=2, status="waiting",
                         full_name="Secretary Sekretova", role="teacher", claimed_category="expert", version=0)
        s.add(row)
        await s.commit()
        own_item = row.id
    for act in ("item", "iclose", "reason"):
        assert alerts(await harness.press(secretary, cm(act, session.id, str(own_item)))) == [ru(OWN_APPLICATION)], act
    assert [i.status for i in await agenda(harness, session.id) if i.id == own_item] == ["waiting"]


async def test_a_candidate_member_cannot_score_or_vote_on_herself_even_by_forged_buttons(harness: Harness) -> None:
    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    app_id = await teacher_with_application(harness, MEMBERS[6])
    await route(harness)
    secretary = harness.user(SECRETARY)
    await harness.press(secretary, cm("acc", app_id))
    await harness.press(secretary, cm("snew", cid))
    await harness.text(secretary, today_text())
    session = await latest_session(harness)
    await harness.press(secretary, cm("sopen", session.id))
    for user_id in MEMBERS:
        await harness.press(harness.user(user_id), cm("here", session.id))
    await harness.press(secretary, cm("svote", session.id))
    item = (await agenda(harness, session.id))[0]
    await harness.press(secretary, cm("item", session.id, str(item.id)))
    candidate = harness.user(MEMBERS[6])
    own = ru("You cannot vote on your own attestation.")
    points = PointsCallback(sid=session.id, item=item.id, a="open").pack()
    assert alerts(await harness.press(candidate, points)) == [own]
    assert alerts(await harness.press(candidate, vt(session.id, item.id, "a", "expert"))) == [own]
