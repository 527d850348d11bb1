"""/rules through the real Dispatcher: an admin loads the test set beside the pilot; a submitted application
keeps the pilot; a teacher in progress is told what the new set changes for her, and only that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.types import Document
from sqlalchemy import select

from bot.pipeline.outbox import deliver_due
from features.commission.agenda.callbacks import ReviewAct, ReviewCallback
from features.commission.points.service import Total
from features.commission.session.ballot import MEMBER_TOTAL, OWN_TOTAL, total_line
from features.rules.callbacks import RulesAct, RulesCallback
from features.rules.notices import ChangeNotices
from features.self_assessment.callbacks import ScoreAct, ScoreCallback
from scoring.calendar import academic_year
from scoring.categories import Category
from scoring.rulesets.changes import year_label
from storage.checklist_models import Application, UploadedFile
from storage.ruleset_models import PILOT_KEY, StoredRuleSet
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.attestation_helpers import ALMATY, NOW, at, make_teacher
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
from tests.handlers.test_commission_points import OWN_ANSWERS, k, kk, pt, total
from tests.handlers.test_submission import fill_everything, submit
from tests.scoring.rulesets_helpers import TEST_SET_FILE
from tests.scoring.test_teacher_changes import ANSWERS_84

ADMIN = Harness.user(1, "ru")
# After the 2026/27 window closed: whoever has not submitted will submit in 2027/28.
SPRING = datetime(2027, 3, 1, 11, 0, tzinfo=ALMATY)
TEST_KEY = "test-2025@2025.1"


def toml_document(unique: str, name: str = "2027.toml") -> Document:
    return Document(file_id=f"T-{unique}", file_unique_id=unique, file_name=name, mime_type="application/toml",
                    file_size=70_000)


async def send_rules(h: Harness, content: bytes, unique: str) -> list[Any]:
    await h.text(ADMIN, "/rules")
    h.session.files[f"T-{unique}"] = content
    return await h.send(ADMIN, document=toml_document(unique))


async def load_test_set(h: Harness, year: int = 2027) -> list[Any]:
    h.app.dispatcher["clock"] = at(SPRING)
    await send_rules(h, TEST_SET_FILE.read_bytes(), "good")
    await h.press(ADMIN, RulesCallback(act=RulesAct.YEAR, year=year).pack())
    return await h.press(ADMIN, RulesCallback(act=RulesAct.CONFIRM).pack())


async def run_notices(h: Harness, batch: int = 200) -> None:
    """The background step that works out and queues the teachers' change notices (app/background)."""
    await ChangeNotices(h.bot, h.app.sessions, h.app.i18n, h.app.settings, h.app.rule_book, batch=batch).run()


TELLING = "Loaded: {key} applies from {year}. Each teacher in progress is being told what changes for her; you will " \
          "get the count when it is done."
TOLD = "Rule set {key}: teachers told what changes for them: {told}."


def told_text(h: Harness) -> str:
    """The admin's report in her stored language (she never chose one: the default, kk)."""
    return tr(h, TOLD, h.app.settings.default_locale)


async def outbox_texts(h: Harness, user_id: int) -> list[str]:
    return (await outbox_by_chat(h)).get(user_id, [])


async def outbox_by_chat(h: Harness) -> dict[int, list[str]]:
    """What the outbox delivers now, by addressee."""
    before = len(h.session.requests)
    await deliver_due(h.bot, h.app.sessions)
    out: dict[int, list[str]] = {}
    for r in h.session.requests[before:]:
        out.setdefault(getattr(r, "chat_id", 0), []).append(getattr(r, "text", ""))
    return out


def tr(h: Harness, text: str, locale: str = "ru") -> str:
    return h.app.i18n.gettext(text, locale=locale)


async def test_a_broken_file_is_answered_with_every_problem_and_its_place(harness: Harness) -> None:
    broken = TEST_SET_FILE.read_text().replace("expert = 88", "expert = -1").replace('opens = "09-15"',
                                                                                      'opens = "13-01"')
    sent = texts(await send_rules(harness, broken.encode(), "bad"))
    assert len(sent) == 1
    assert "sheets.teacher.thresholds.expert: must be ≥ 0" in sent[0]
    assert "windows[0].opens" in sent[0]
    assert sent[0].startswith(tr(harness, "The rule set {file} cannot be loaded: {count} problem(s). Fix them and "
                                          "send the file again.").format(file="2027.toml", count=2))
    async with harness.app.sessions() as session:
        assert list(await session.scalars(select(StoredRuleSet))) == []


async def test_the_admin_sees_the_diff_chooses_the_year_and_the_set_is_stored(harness: Harness) -> None:
    harness.app.dispatcher["clock"] = at(SPRING)
    sent = await send_rules(harness, TEST_SET_FILE.read_bytes(), "good")
    shown = "\n".join(texts(sent))
    assert "sheets.teacher.thresholds.expert: 84 -> 88" in shown
    assert "documents.author_programme: added" in shown
    assert RulesCallback(act=RulesAct.YEAR, year=2027).pack() in last_markup_data(sent)
    assert RulesCallback(act=RulesAct.YEAR, year=2028).pack() in last_markup_data(sent)
    asked = await harness.press(ADMIN, RulesCallback(act=RulesAct.YEAR, year=2027).pack())
    assert RulesCallback(act=RulesAct.CONFIRM).pack() in last_markup_data(asked)
    done = texts(await harness.press(ADMIN, RulesCallback(act=RulesAct.CONFIRM).pack()))
    assert done == [tr(harness, TELLING).format(key=TEST_KEY, year="2027/28")]
    await run_notices(harness)
    assert await outbox_texts(harness, ADMIN.id) == [told_text(harness).format(key=TEST_KEY, told=0)]
    async with harness.app.sessions() as session:
        [row] = list(await session.scalars(select(StoredRuleSet)))
    assert (row.key, row.first_year, row.loaded_by) == (TEST_KEY, 2027, 1)
    listing = texts(await harness.text(ADMIN, "/rules"))[0]
    assert PILOT_KEY in listing and TEST_KEY in listing and "2027/28" in listing


async def test_a_year_not_offered_is_a_stale_button(harness: Harness) -> None:
    harness.app.dispatcher["clock"] = at(SPRING)
    await send_rules(harness, TEST_SET_FILE.read_bytes(), "good")
    answered = alerts(await harness.press(ADMIN, RulesCallback(act=RulesAct.YEAR, year=2031).pack()))
    assert answered == [tr(harness, "This button is no longer active.")]


async def test_an_application_submitted_under_the_pilot_keeps_its_threshold_and_deadlines(harness: Harness) -> None:
    teacher = Harness.user(501, "ru")
    await make_teacher(harness, 501)
    await fill_everything(harness, 501)
    await submit(harness, teacher, NOW)
    await load_test_set(harness)
    async with harness.app.sessions() as session:
        [app] = list(await session.scalars(select(Application).where(Application.user_id == 501)))
    book = harness.app.rule_book
    assert app.rule_set_key == PILOT_KEY
    judged = book.for_application(app)
    assert judged.sheets["teacher"].thresholds[Category.EXPERT] == 84
    assert judged.rules.deadlines["extract"] == 3 and judged.rules.deadlines["acceptance_notice"] == 1
    assert judged.windows == (((9, 1), (12, 31)),)
    later = book.for_submission(datetime(2027, 9, 20).date())
    assert later.key == TEST_KEY and later.sheets["teacher"].thresholds[Category.EXPERT] == 88


async def test_a_teacher_in_progress_is_told_exactly_what_changes_for_her(harness: Harness) -> None:
    await make_teacher(harness, 502)
    async with harness.app.sessions() as session:
        session.add(SelfAssessment(user_id=502, sheet_id="teacher", answers=ANSWERS_84, observations=[],
                                   updated_at=NOW))
        await session.commit()
    done = texts(await load_test_set(harness))
    assert done == [tr(harness, TELLING).format(key=TEST_KEY, year="2027/28")]
    assert await outbox_texts(harness, 502) == []  # worked out in the background, not in the confirming update
    await run_notices(harness)
    sent = await outbox_by_chat(harness)
    assert sent[ADMIN.id] == [told_text(harness).format(key=TEST_KEY, told=1)]
    told = sent[502]
    category = tr(harness, Category.EXPERT.label)
    assert told == ["\n".join([
        tr(harness, "The attestation rules change. For you this means:"),
        "• " + tr(harness, "Under {year} {category} needs {points} points; your self-assessment has {total}.")
        .format(year=year_label(2027), category=category, points=88, total=84),
        "• " + tr(harness, "A new document is required: {document} ({clause}).")
        .format(document="author programme", clause="test: an author's programme"),
        "• " + tr(harness, "Under {year} applications are accepted {windows} (it was {before}).")
        .format(year="2027/28", windows="15.09–30.11, 15.01–31.05", before="01.09–31.12"),
    ])]


async def test_a_teacher_who_has_submitted_is_told_nothing(harness: Harness) -> None:
    teacher = Harness.user(503, "ru")
    await make_teacher(harness, 503)
    await fill_everything(harness, 503)
    await submit(harness, teacher, NOW)
    await load_test_set(harness)
    await run_notices(harness)
    assert await outbox_texts(harness, 503) == []


async def test_a_set_starting_after_her_next_window_tells_nobody(harness: Harness) -> None:
    await make_teacher(harness, 504)
    done = texts(await load_test_set(harness, year=2028))
    assert done[-1].endswith(": 0.")
    await run_notices(harness)
    assert await outbox_texts(harness, 504) == []


async def test_a_non_admin_is_refused(harness: Harness) -> None:
    sent = texts(await harness.text(Harness.user(77, "ru"), "/rules"))
    assert sent == [tr(harness, "This command is for administrators only.")]


async def test_a_teacher_in_progress_sees_her_new_set_on_score_and_checklist(harness: Harness) -> None:
    teacher = Harness.user(505, "ru")
    await make_teacher(harness, 505)
    async with harness.app.sessions() as session:
        session.add(SelfAssessment(user_id=505, sheet_id="teacher", answers=ANSWERS_84, observations=[],
                                   updated_at=NOW))
        await session.commit()
    await load_test_set(harness)
    await harness.text(teacher, "/score")
    summary = "\n".join(texts(await harness.press(teacher, ScoreCallback(action=ScoreAct.SUMMARY).pack())))
    assert "88" in summary
    board = "\n".join(texts(await harness.text(teacher, "/checklist")))
    assert "author programme" in board


async def test_a_submitted_teacher_keeps_the_pilot_on_her_checklist(harness: Harness) -> None:
    teacher = Harness.user(506, "ru")
    await make_teacher(harness, 506)
    await fill_everything(harness, 506)
    await submit(harness, teacher, NOW)
    await load_test_set(harness)
    board = "\n".join(texts(await harness.text(teacher, "/checklist")))
    assert "author programme" not in board


async def commission_judging(h: Harness, pilot_app: int, test_app: int) -> tuple[str, str]:
    """The secretary's cards of two applications: one submitted under the pilot, one under the test set."""
    cid = await full_commission(h)
    await elect_chair(h, cid)
    secretary = h.user(SECRETARY)
    await h.text(secretary, "/agenda")
    cards = []
    for app_id in (pilot_app, test_app):
        cards.append("\n".join(texts(await h.press(secretary, ReviewCallback(act=ReviewAct.CARD,
                                                                              application=app_id).pack()))))
        await h.press(secretary, cm("acc", app_id))
    await h.press(secretary, cm("snew", cid))
    await h.text(secretary, today_text())
    s = await latest_session(h)
    await h.press(secretary, cm("sopen", s.id))
    for user_id in MEMBERS:
        await h.press(h.user(user_id), cm("here", s.id))
    await h.press(secretary, cm("svote", s.id))
    return cards[0], cards[1]


def card_line(threshold: int) -> str:
    return k("Self-assessment: {total} points; threshold for {category}: {threshold}.", total=float(
        total(OWN_ANSWERS)), category=kk(Category.EXPERT.label), threshold=threshold)


async def test_each_application_is_judged_by_its_own_set_on_the_card_the_points_and_the_ballot(
        harness: Harness) -> None:
    """A set loaded later changes nothing for an application submitted under the pilot (threshold 84); one
    submitted under the test set is judged by it (88), in the same session."""
    pilot_app, test_app = (await teacher_with_application(harness, 601), await teacher_with_application(harness, 602))
    async with harness.app.sessions() as session:
        for user_id in (601, 602):
            session.add(SelfAssessment(user_id=user_id, sheet_id="teacher", answers=OWN_ANSWERS, observations=[]))
        await session.commit()
    await load_test_set(harness)
    harness.app.dispatcher["clock"] = lambda: datetime.now(UTC)
    async with harness.app.sessions() as session:
        (await session.get_one(Application, test_app)).rule_set_key = TEST_KEY
        await session.commit()
    pilot_card, test_card = await commission_judging(harness, pilot_app, test_app)
    assert card_line(84) in pilot_card and card_line(88) in test_card
    s = await latest_session(harness)
    items = [i.id for i in await agenda(harness, s.id)]
    secretary, member = harness.user(SECRETARY), harness.user(MEMBERS[1])
    for item, threshold in zip(items, (84, 88), strict=True):
        ballots = await harness.press(secretary, cm("item", s.id, str(item)))
        own = total_line(kk, OWN_TOTAL, Total(total(OWN_ANSWERS), Category.EXPERT, threshold))
        assert len([t for t in texts(ballots) if own in t]) == len(MEMBERS)
        await harness.press(member, pt(s.id, item, "open"))
        summary = "\n".join(texts(await harness.press(member, pt(s.id, item, "sum"))))
        assert total_line(kk, MEMBER_TOTAL, Total(total(OWN_ANSWERS), Category.EXPERT, threshold)) in summary
        for user_id in MEMBERS:
            await harness.press(harness.user(user_id), vt(s.id, item, "a", "expert"))
        await harness.press(secretary, cm("iclose", s.id, str(item)))


async def ready_under_the_test_set(h: Harness, user_id: int) -> None:
    """Everything the pilot asks, and the test set's new document."""
    await make_teacher(h, user_id)
    await fill_everything(h, user_id)
    async with h.app.sessions() as session:
        session.add(UploadedFile(user_id=user_id, item_id="author_programme", file_id="FA", file_unique_id="UA",
                                 file_name="programme.pdf", file_size=1000, mime_type="application/pdf",
                                 kind="document", uploaded_at=NOW))
        await session.commit()


async def test_the_test_sets_second_window_accepts_and_outside_both_the_next_one_is_named(harness: Harness) -> None:
    """The test set has two windows a year (15.09–30.11, 15.01–31.05): a day in the second is accepted; a day
    between them is refused, naming the window that opens next."""
    await load_test_set(harness)
    inside, between = Harness.user(511, "ru"), Harness.user(512, "ru")
    for user_id in (511, 512):
        await ready_under_the_test_set(harness, user_id)
    await submit(harness, inside, datetime(2028, 2, 9, 11, 0, tzinfo=ALMATY))
    async with harness.app.sessions() as session:
        [app] = list(await session.scalars(select(Application).where(Application.user_id == 511)))
    assert app.submitted_at is not None and app.rule_set_key == TEST_KEY
    refused = "\n".join(await submit(harness, between, datetime(2027, 12, 8, 11, 0, tzinfo=ALMATY)))
    assert tr(harness, "❌ Application window: opens on {start} (nothing to fix: /submit then)").format(
        start="15.01.2028") in refused
    async with harness.app.sessions() as session:
        assert list(await session.scalars(select(Application).where(Application.user_id == 512,
                                                                    Application.submitted_at.is_not(None)))) == []


async def test_the_notices_go_in_batches_once_each_and_resume_after_a_restart(harness: Harness) -> None:
    for user_id in (521, 522, 523):
        await make_teacher(harness, user_id)
        async with harness.app.sessions() as session:
            session.add(SelfAssessment(user_id=user_id, sheet_id="teacher", answers=ANSWERS_84, observations=[],
                                       updated_at=NOW))
            await session.commit()
    await load_test_set(harness)
    first = ChangeNotices(harness.bot, harness.app.sessions, harness.app.i18n, harness.app.settings,
                          harness.app.rule_book, batch=2)
    assert await first.step()  # 521 and 522; then the process "stops"
    async with harness.app.sessions() as session:
        row = await session.get_one(StoredRuleSet, TEST_KEY)
        assert (row.notices_after, row.notices_told, row.notices_done_at) == (522, 2, None)
    await run_notices(harness, batch=2)  # a new process resumes after 522
    await run_notices(harness, batch=2)  # and nothing is left to do
    sent = await outbox_by_chat(harness)
    assert {user_id: len(sent[user_id]) for user_id in (521, 522, 523)} == {521: 1, 522: 1, 523: 1}
    assert sent[ADMIN.id] == [told_text(harness).format(key=TEST_KEY, told=3)]


async def test_a_loaded_sets_minimum_of_members_governs_the_commissions_validity(harness: Harness) -> None:
    """§17 as the set in force has it: a commission valid under the pilot's 7 members is incomplete once a set
    asking for 9 applies to this academic year (the composition is judged by the set in force, not by an
    application's)."""
    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    nine = TEST_SET_FILE.read_text(encoding="utf-8").replace("min_members = 7", "min_members = 9", 1)
    assert "min_members = 9" in nine
    now = datetime.now(UTC)
    year = academic_year(now.astimezone(ALMATY).date())
    too_few = k("Members: {count}; at least {minimum} are needed (§17).", "ru", count=len(MEMBERS), minimum=9)
    valid = k("The commission is valid and can hold sessions.", "ru")
    assert valid in "\n".join(texts(await harness.text(ADMIN, "/commissions")))
    harness.app.dispatcher["clock"] = at(now - timedelta(days=366))  # this year is among the years offered
    await send_rules(harness, nine.encode("utf-8"), "nine")
    await harness.press(ADMIN, RulesCallback(act=RulesAct.YEAR, year=year).pack())
    await harness.press(ADMIN, RulesCallback(act=RulesAct.CONFIRM).pack())
    harness.app.dispatcher["clock"] = at(now)
    card = "\n".join(texts(await harness.text(ADMIN, "/commissions")))
    assert too_few in card and valid not in card
