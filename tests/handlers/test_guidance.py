"""The teacher always knows where she stands, through the real Dispatcher: the steps and her progress (after
the profile, /start, /status) with their buttons; the bot's part next to the official channel; the package
for a portal deployment; the session date and the decision, in her language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from app.factory import create_application
from bot.settings import Settings
from features.checklist.callbacks import ChecklistCallback
from features.checklist.service import ChecklistService
from features.commission.notices import APPEAL, ATTACHED_CERTIFICATE_LATER, MEANING, SCHEDULED
from features.dossier.callbacks import DossierAct, DossierCallback
from features.guidance.callbacks import GuideCallback
from features.self_assessment.callbacks import ScoreCallback
from features.submission.callbacks import SubmissionCallback
from scoring.appeals import AppealPeriods, filing_closes
from scoring.categories import Category
from scoring.commission import Decision
from scoring.config import DEFAULT_APPEALS
from scoring.dates import format_day
from scoring.eligibility import Channel
from scoring.rulesets import pilot
from storage.checklist_models import Essay, UploadedFile
from storage.commission_models import CommissionDecision
from storage.migrate import upgrade
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.fakes import RecordingSession
from tests.handlers.attestation_helpers import NOW, at, make_teacher
from tests.handlers.commission_helpers import (
    MEMBERS,
    SECRETARY,
    agenda,
    cm,
    elect_chair,
    full_commission,
    latest_session,
    teacher_with_application,
    today_text,
    vt,
)
from tests.handlers.test_submission import UPLOADS, applications, fill_everything, notices

STEPS = [GuideCallback(step=s).pack() for s in ("checklist", "essay", "score", "submit")]
# /status has her dossier too (features/dossier), of what she has prepared while nothing is filed.
DRAFT_DOSSIER = DossierCallback(act=DossierAct.OWN, application=0).pack()
SUBMIT = SubmissionCallback(action="submit").pack()
PACKAGE = SubmissionCallback(action="package").pack()


def t(h: Harness, msgid: str, locale: str, **params: object) -> str:
    out = h.app.i18n.gettext(msgid, locale=locale)
    return out.format(**params) if params else out


async def add_files(h: Harness, user_id: int, items: list[str]) -> None:
    async with h.app.sessions() as session:
        for n, item in enumerate(items):
            session.add(UploadedFile(user_id=user_id, item_id=item, file_id=f"F{user_id}-{n}",
                                     file_unique_id=f"U{user_id}-{n}", file_name=f"{item}.pdf", file_size=1000,
                                     mime_type="application/pdf", kind="document", uploaded_at=NOW))
        await session.commit()


async def checklist_progress(h: Harness, user_id: int) -> tuple[int, int]:
    async with h.app.sessions() as session:
        checklist = await ChecklistService(session, pilot()).load(user_id)
        assert checklist is not None
        return checklist.progress.done, checklist.progress.total


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_the_steps_in_order_with_her_progress_at_start_and_status(harness: Harness, locale: str) -> None:
    user = harness.user(400)
    await make_teacher(harness, 400, locale)
    await add_files(harness, 400, UPLOADS[:3])
    async with harness.app.sessions() as session:
        session.add(Essay(user_id=400, text="сөз " * 180, words=180, source="text", updated_at=NOW))
        await session.commit()
    done, total = await checklist_progress(harness, 400)
    harness.app.dispatcher["clock"] = at(NOW)
    sent = await harness.text(user, "/start")
    steps = texts(sent)[-1]
    assert last_markup_data(sent) == STEPS
    lines = steps.splitlines()
    order = [next(n for n, line in enumerate(lines) if command in line)
             for command in ("/checklist", "/essay", "/score", "/submit")]
    assert order == sorted(order)
    assert t(harness, "{done}/{total} documents", locale, done=done, total=total) in lines[order[0]]
    assert t(harness, "{words}/{min} words", locale, words=180, min=250) in lines[order[1]]
    assert t(harness, "not started", locale) in lines[order[2]]
    assert t(harness, "not submitted yet", locale) in lines[order[3]]
    assert t(harness, "Next: send your documents (/checklist).", locale) in steps
    # She answers a criterion of the sheet: the step shows it.
    await harness.text(user, "/score")
    await harness.press(user, ScoreCallback(action="none", crit="1.1").pack())
    status = await harness.text(user, "/status")
    assert last_markup_data(status) == [*STEPS, DRAFT_DOSSIER]
    assert t(harness, "{answered}/{total} criteria, {points} points so far", locale, answered=1, total=10,
             points=0) in texts(status)[0]
    assert "31.12.2026" in texts(status)[0]  # the window


async def test_the_steps_follow_the_completed_profile(harness: Harness) -> None:
    from tests.handlers.test_onboarding import answer_core, start_and_consent

    user = harness.user(401)
    await start_and_consent(harness, user, "kk")
    await answer_core(harness, user)
    await harness.text(user, "teacher@mail.kz")
    sent = await harness.contact(user, "77011234567")
    assert last_markup_data(sent) == STEPS
    assert t(harness, "🧭 Your attestation, step by step:", "kk") in texts(sent)[-1]


async def test_each_step_button_opens_its_step(harness: Harness) -> None:
    user = harness.user(402)
    await make_teacher(harness, 402, "ru")
    harness.app.dispatcher["clock"] = at(NOW)
    sent = await harness.press(user, STEPS[0])
    assert ChecklistCallback(action="open", item="courses").pack() in last_markup_data(sent)
    sent = await harness.press(user, STEPS[1])
    assert t(harness, "Essay (§27): {min}–{max} words.", "ru", min=250, max=300) in texts(sent)[-1]
    sent = await harness.text(user, "сөз " * 100)  # the essay flow is open: the text is counted
    assert "100" in texts(sent)[-1]
    sent = await harness.press(user, STEPS[2])
    assert any(d.startswith("sc:") for d in last_markup_data(sent))
    sent = await harness.press(user, STEPS[3])
    assert t(harness, "📋 Before you submit: what is done and what is missing", "ru") in texts(sent)[-1]
    # A document of her checklist opens its card; anything else is refused, never silent.
    sent = await harness.press(user, GuideCallback(step="item", item="courses").pack())
    assert ChecklistCallback(action="back").pack() in last_markup_data(sent)
    for forged in (GuideCallback(step="item", item="no_such_item").pack(), "go:anything"):
        sent = await harness.press(user, forged)
        assert alerts(sent) and alerts(sent)[0] and not texts(sent), forged
    sent = await harness.press(user, GuideCallback(step="edit").pack())
    assert any(d.startswith("edit:") for d in last_markup_data(sent))
    # Without a profile the steps have nothing to open.
    stranger = harness.user(403)
    sent = await harness.press(stranger, GuideCallback(step="edit").pack())
    assert alerts(sent) and alerts(sent)[0]


async def test_the_verdict_says_the_bot_files_with_the_commission(harness: Harness) -> None:
    await make_teacher(harness, 404, "ru")
    sent = await harness.text(harness.user(404), "/start")
    verdict = next(text for text in texts(sent) if "🤖" in text)
    assert t(harness, "🤖 In this bot the attestation commission itself receives your application: /submit files "
                      "it with the commission, so there is nothing to file on {channel} separately.", "ru",
             channel=t(harness, Channel.PLATFORM.label, "ru")) in verdict


# --- a deployment that prepares the file for Ustaz / egov -----------------------------------------------


@pytest.fixture
async def portal(settings: Settings) -> AsyncIterator[Harness]:
    portal_settings = settings.model_copy(update={"submission_mode": "portal"})
    await upgrade(portal_settings.database_url)
    app = create_application(portal_settings)
    session = RecordingSession()
    yield Harness(app, Bot(token=portal_settings.token, session=session), session)
    await app.close()


def sent_to(requests: list[TelegramMethod[Any]], kind: type) -> list[Any]:
    return [r for r in requests if isinstance(r, kind)]


async def test_portal_the_verdict_and_the_package_with_the_steps(portal: Harness) -> None:
    h, user = portal, portal.user(410)
    profile = await make_teacher(h, 410, "kk")  # claims pedagogue-expert: the National platform (Rules §15)
    channel = t(h, Channel.PLATFORM.label, "kk")
    sent = await h.text(user, "/start")
    assert any(t(h, "🤖 This bot prepares your application for {channel}: the documents, the essay and the "
                    "self-assessment. When they are ready, /submit gives you the package and the steps to file "
                    "it there.", "kk", channel=channel) in text for text in texts(sent))
    h.app.dispatcher["clock"] = at(NOW)
    # Not ready: the same readiness check, no package yet.
    sent = await h.text(user, "/submit")
    assert PACKAGE not in last_markup_data(sent) and SUBMIT not in last_markup_data(sent)
    await fill_everything(h, 410)
    sent = await h.text(user, "/submit")
    assert PACKAGE in last_markup_data(sent) and SUBMIT not in last_markup_data(sent)
    assert alerts(await h.press(user, SUBMIT))  # filing is not this deployment's: refused, nothing filed
    sent = await h.press(user, PACKAGE)
    summary = texts(sent)[0]
    assert "Ахметова Айгуль" in summary and f"{profile.iin}" in summary and channel in summary
    resent = [r for r in sent_to(sent, SendDocument) if isinstance(r.document, str)]
    assert sorted(r.document for r in resent) == sorted(f"F{n}" for n in range(len(UPLOADS)))
    assert all(r.caption for r in resent) and not sent_to(sent, SendPhoto)
    [essay] = [r for r in sent_to(sent, SendDocument) if isinstance(r.document, BufferedInputFile)]
    assert essay.document.filename == "essay.txt"
    steps = texts(sent)[-1]
    assert t(h, "How to file it on {channel}:", "kk", channel=channel) in steps and "7." in steps
    assert await applications(h, 410) == [] and await notices(h, 410) == []
    status = texts(await h.text(user, "/status"))[0]
    assert channel in status and last_markup_data(await h.text(user, "/status")) == [*STEPS, DRAFT_DOSSIER]


# --- the session date and the decision ---------------------------------------------------------------------


async def test_the_session_date_and_the_decision_in_her_language(harness: Harness) -> None:
    h = harness
    cid = await full_commission(h)
    await elect_chair(h, cid)
    kk_app = await teacher_with_application(h, 301, locale="kk")
    ru_app = await teacher_with_application(h, 302)  # Russian
    secretary = h.user(SECRETARY)
    await h.text(secretary, "/agenda")
    for app_id in (kk_app, ru_app):
        await h.press(secretary, cm("acc", app_id))
    await h.press(secretary, cm("snew", cid))
    day = today_text()  # a session is held on a date from today on, and opened on it
    sent = await h.text(secretary, day)
    s = await latest_session(h)
    [app_301] = await applications(h, 301)
    told = [r.text for r in sent_to(sent, SendMessage) if r.chat_id == 301]
    assert told == [t(h, SCHEDULED, "kk", number=app_301.number, name="District attestation commission of "
                      "Karaganda", date=day)]
    assert any(r.chat_id == 302 and day in r.text for r in sent_to(sent, SendMessage))
    status = texts(await h.text(h.user(301), "/status"))[0]
    assert day in status.splitlines()[0]

    await h.press(secretary, cm("sopen", s.id))
    for member in MEMBERS:
        await h.press(h.user(member), cm("here", s.id))
    await h.press(secretary, cm("svote", s.id))
    items = {i.user_id: i.id for i in await agenda(h, s.id)}
    for user_id, (code, category) in {301: ("a", "expert"), 302: ("c", "moderator")}.items():
        await h.press(secretary, cm("item", s.id, str(items[user_id])))
        for member in MEMBERS:  # every member present votes: the vote closes (§18)
            await h.press(h.user(member), vt(s.id, items[user_id], code, category))
        await h.press(secretary, cm("iclose", s.id, str(items[user_id])))
    before = len(h.session.requests)
    await h.press(secretary, cm("sclose", s.id))
    sent = h.session.requests[before:]
    async with h.app.sessions() as session:
        decisions = {d.candidate_id: d for d in await session.scalars(select(CommissionDecision))}

    for user_id, locale, decision, category in ((301, "kk", Decision.MATCHES_CLAIMED, Category.EXPERT),
                                               (302, "ru", Decision.MATCHES_CURRENT, Category.MODERATOR)):
        row = decisions[items[user_id]]
        assert row.valid_until is not None and row.certificate_number
        to_her = [r for r in sent if getattr(r, "chat_id", None) == user_id]
        first_document = next(n for n, r in enumerate(to_her) if isinstance(r, SendDocument))
        [told_decision] = [r.text for r in to_her[:first_document] if isinstance(r, SendMessage)]
        meaning = t(h, MEANING[decision], locale, category=t(h, category.label, locale),
                    until=row.valid_until.strftime("%d.%m.%Y"))
        # §26: to complain here, from /status, until the pilot's three months after the decision are over.
        closes = filing_closes(row.decided_on, AppealPeriods(**DEFAULT_APPEALS))
        appeal = t(h, APPEAL, locale, closes=format_day(closes), provider=5, quality=15)
        assert meaning in told_decision and appeal in told_decision and "eotinish" not in told_decision
        assert t(h, ATTACHED_CERTIFICATE_LATER, locale, number=row.certificate_number) in told_decision
        # The extract now; the certificate follows the order assigning the category (§12).
        assert len([r for r in to_her[first_document:] if isinstance(r, SendDocument)]) == 2
        status = await h.text(h.user(user_id), "/status")
        assert meaning in texts(status)[0] and appeal in texts(status)[0]
        assert t(h, "Your attestation of this year is decided: /status shows the decision.", locale) in (
            texts(status)[0])

