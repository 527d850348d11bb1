"""/score through the real Dispatcher: teacher, methodist and head, both languages, bad input, stale
buttons, resuming after a restart, and the same total as `python -m scoring evaluate`."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import pytest
from aiogram import Bot
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy.ext.asyncio import AsyncSession

from app.factory import create_application
from bot.settings import Settings
from features.checklist.callbacks import ChecklistCallback
from features.self_assessment.callbacks import ObservationCallback, ScoreCallback
from features.self_assessment.service import SelfAssessmentService
from scoring.config import default_rules
from scoring.rulesets import pilot
from scoring.sheets import SHEETS
from scoring.sheets.describe import describe_sheet
from scoring.sheets.kinds import choose_level, toggle_bonus
from scoring.sheets.observation import SECONDARY
from storage.profile_models import TeacherProfile, User
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.fakes import RecordingSession
from tests.scoring.test_cli import PYTHON, ROOT


async def make_profile(h: Harness, user_id: int, role: str, org_type: str, claimed: str, locale: str) -> None:
    """A completed profile, inserted directly (onboarding has its own tests)."""
    async with h.app.sessions() as session:
        await session.merge(User(id=user_id, locale=locale, is_active=True))
        session.add(TeacherProfile(
            user_id=user_id, consent_at=datetime.now(UTC), full_name="Test Person", role=role, org_type=org_type,
            org_name="School No. 1", region="karaganda", area_code="351010000", current_category="none",
            experience_years=10, education="higher_pedagogical", claimed_category=claimed,
            attestation_kind="regular", certificates=[], email="t@mail.kz", phone="+77011234567",
            completed_at=datetime.now(UTC),
        ))
        await session.commit()


async def stored(h: Harness, user_id: int, sheet_id: str) -> SelfAssessment | None:
    async with h.app.sessions() as session:
        return await session.get(SelfAssessment, (user_id, sheet_id))


def sc(action: str, crit: str = "", value: str = "") -> str:
    return ScoreCallback(action=action, crit=crit, value=value).pack()


def last_screen(requests: list[Any]) -> Any:
    """The last message shown (the press's answer comes after it, from CallbackAnswerMiddleware)."""
    return next(r for r in reversed(requests) if hasattr(r, "reply_markup"))


def level(sheet_id: str, crit: str, name: str) -> str:
    criterion = SHEETS[sheet_id].criterion(crit)
    assert criterion is not None
    return sc("lv", crit, str([o.name for o in criterion.scale.levels].index(name)))


def cli_total(sheet_id: str, answers: dict[str, Any]) -> Any:
    result = subprocess.run([PYTHON, "-m", "scoring", "evaluate", sheet_id, "-"], input=json.dumps(answers).encode(),
                            capture_output=True, cwd=ROOT, timeout=60, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_teacher_walks_the_whole_sheet(harness: Harness, locale: str) -> None:
    h, user = harness, harness.user(100)
    await make_profile(h, 100, "teacher", "general_secondary", "researcher", locale)
    sent = await h.text(user, "/score")
    assert last_markup_data(sent) == [sc("var", value="1"), sc("var", value="0")]
    sent = await h.press(user, sc("var", value="1"))
    assert "1.1" in texts(sent)[-1]
    assert level("teacher", "1.1", "growth_1_2") in last_markup_data(sent)
    # 1.1 has no toggles: a level moves on to 1.2 (observation).
    sent = await h.press(user, level("teacher", "1.1", "growth_1_2"))
    assert "1.2" in texts(sent)[-1] and sc("obf", "1.2") in last_markup_data(sent)
    sent = await h.text(user, "72 75 70 74")
    assert sc("obx", "1.2") in last_markup_data(sent)
    # The fifth sheet is filled in indicator by indicator: 3 on every rated indicator (researcher claim).
    sent = await h.press(user, sc("obf", "1.2"))
    index = 0
    while ObservationCallback(index=index, rating=3).pack() in last_markup_data(sent):
        sent = await h.press(user, ObservationCallback(index=index, rating=3).pack())
        index += 1
    assert index == len(SECONDARY.indicators)  # researcher: the research-only indicators are rated too
    assert any("102" in t for t in texts(sent))  # 35 indicators x 3 = 105, capped at 102
    row = await stored(h, 100, "teacher")
    assert row is not None and row.answers["criteria"]["1.2"] == {"observations": [72, 75, 70, 74, 102]}
    assert row.observations[-1]["ratings"] and row.observations[-1]["form"] == "secondary"
    sent = await h.press(user, sc("next", "1.2"))
    # 2.1: region, then the winner toggle, then on.
    sent = await h.press(user, level("teacher", "2.1", "region"))
    sent = await h.press(user, sc("bonus", "2.1"))
    assert "☑️" in str(last_screen(sent).reply_markup)
    sent = await h.press(user, sc("next", "2.1"))
    for crit in ("2.2", "3.1", "3.2"):
        sent = await h.press(user, sc("none", crit))
    sent = await h.press(user, level("teacher", "3.3", "republic"))
    sent = await h.press(user, sc("coauth", "3.3"))
    sent = await h.press(user, sc("next", "3.3"))
    for crit in ("3.4", "3.5"):
        sent = await h.press(user, sc("none", crit))
    assert "4.1" in texts(sent)[-1]
    sent = await h.text(user, "72 + 24")
    summary = texts(sent)[-1]
    # 3 + (72+75+70+74+102)/5 + 4 + 2 + 3 = 90.6
    assert "90.6" in summary and "113" in summary and "█" in summary
    assert ChecklistCallback(action="open", item="student_achievements").pack() in last_markup_data(sent)
    row = await stored(h, 100, "teacher")
    assert row is not None
    assert row.answers["claimed"] == "researcher"
    assert row.answers["criteria"]["2.1"] == {"level": "region", "winner": True}
    assert row.answers["criteria"]["3.3"] == {"level": "republic", "coauthored": True}
    assert row.answers["criteria"]["4.1"] == {"hours": [72, 24]}
    assert row.answers["criteria"]["2.2"] is None
    # Each criterion is named by its title in the teacher's language, not only by its number.
    for criterion in SHEETS["teacher"].criteria:
        assert f"{criterion.id} {h.app.i18n.gettext(criterion.title, locale=locale)}:" in summary
    # The command line gives the same total for the stored answers.
    out = cli_total("teacher", row.answers)
    assert out["total"] == pytest.approx(90.6) and f"{out['total']:g}" in summary
    assert out["gap"] == pytest.approx(113 - 90.6) and out["advice"]


def compile_catalogues(h: Harness, target: Path) -> None:
    """Compile the current .po files (the shipped .mo may predate the last translation run) and point the
    bot's I18n at them."""
    for locale in ("kk", "ru"):
        source = ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
        with source.open("rb") as po:
            catalog = read_po(po, locale=locale)
        out = target / locale / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / "messages.mo").open("wb") as mo:
            write_mo(mo, catalog)
    h.app.i18n.path = target
    h.app.i18n.locales = h.app.i18n.find_locales()


async def test_messages_are_in_the_users_language(harness: Harness, tmp_path: Path) -> None:
    h = harness
    compile_catalogues(h, tmp_path / "locales")
    await make_profile(h, 101, "methodist", "general_secondary", "expert", "ru")
    await make_profile(h, 102, "methodist", "general_secondary", "expert", "kk")
    resumed = {}
    for user_id, locale in ((101, "ru"), (102, "kk")):
        user = h.user(user_id)
        await h.text(user, "/score")
        sent = await h.text(user, "-5")
        assert texts(sent) == [h.app.i18n.gettext("A negative number is not possible here.", locale=locale)]
        resumed[locale] = texts(await h.text(user, "/score"))[0]
        welcome = "Welcome back! Let's continue where you left off."
        assert resumed[locale] == h.app.i18n.gettext(welcome, locale=locale)
    # That sentence is already translated in both catalogues: the two users read different text.
    assert resumed["ru"] != resumed["kk"]


@pytest.mark.parametrize("locale", ["ru", "kk"])
async def test_methodist_sheet_and_advice(harness: Harness, locale: str) -> None:
    h, user = harness, harness.user(110)
    await make_profile(h, 110, "methodist", "general_secondary", "expert", locale)
    sent = await h.text(user, "/score")  # no variant question: straight to 1.1 (observation-sheet count)
    assert "1.1" in texts(sent)[-1] and not any(d.startswith("sc:var") for d in last_markup_data(sent))
    sent = await h.text(user, "6")
    sent = await h.press(user, level("methodist", "2.1", "district"))
    for crit in ("2.2", "3.1", "3.2", "3.3", "3.4", "3.5", "4.1"):
        sent = await h.press(user, sc("none", crit))
    summary = texts(sent)[-1]
    # 6 sheets -> 6, district -> 2: 8 of the 15 expert points; the advice names a criterion.
    assert "8" in summary and "15" in summary
    row = await stored(h, 110, "methodist")
    assert row is not None
    out = cli_total("methodist", row.answers)
    assert out["total"] == 8 and out["category"] is None and out["gap"] == 7
    assert all(f"{a['criterion']}" in summary for a in out["advice"])


async def test_head_sheet_flags_and_leader_categories(harness: Harness) -> None:
    h, user = harness, harness.user(120)
    await make_profile(h, 120, "head", "tvet", "head_2", "ru")
    sent = await h.text(user, "/score")
    row = await stored(h, 120, "head-tvet")
    assert row is not None and row.answers["claimed"] == "head-2"
    assert sc("lv", "1.1", "met") in last_markup_data(sent)
    for crit in ("1.1", "1.2", "1.3", "1.4"):
        sent = await h.press(user, sc("lv", crit, "met"))
    sent = await h.press(user, sc("lv", "1.5", "met"))
    sent = await h.press(user, sc("bonus", "1.5"))
    sent = await h.press(user, sc("next", "1.5"))
    sent = await h.press(user, level("head-tvet", "1.6", "growth_5_plus"))
    sent = await h.press(user, level("head-tvet", "2.1", "growth"))
    sent = await h.press(user, sc("none", "2.3"))
    sent = await h.press(user, sc("sum", "2.4"))
    summary = texts(sent)[-1]
    row = await stored(h, 120, "head-tvet")
    assert row is not None
    out = cli_total("head-tvet", row.answers)
    assert out["claimed"] == "head-2" and str(out["total"]) in summary and "46" in summary
    # Back to a criterion from the summary, change it, and the total follows.
    sent = await h.press(user, sc("go", "2.1"))
    assert "2.1" in texts(sent)[-1]
    sent = await h.press(user, level("head-tvet", "2.1", "stable"))
    row = await stored(h, 120, "head-tvet")
    assert row is not None and row.answers["criteria"]["2.1"] == {"level": "stable"}
    assert cli_total("head-tvet", row.answers)["total"] == out["total"] - 2


async def test_invalid_numbers_are_refused_with_a_message(harness: Harness) -> None:
    h, user = harness, harness.user(130)
    await make_profile(h, 130, "teacher", "general_secondary", "expert", "ru")
    await h.text(user, "/score")
    await h.press(user, sc("var", value="0"))
    await h.press(user, sc("go", "4.1"))
    for bad in ("-72", "seventy", "1000000000", "72 minutes", "1e9", "2000 + 1", "9" * 25):
        sent = await h.text(user, bad)
        assert len(texts(sent)) == 1 and texts(sent)[0], bad
        row = await stored(h, 130, "teacher-no-dynamics")
        assert row is not None and "4.1" not in row.answers["criteria"], bad
    # Observation totals: above the cap, negative, text.
    await h.press(user, sc("go", "1.2"))
    for bad in ("103", "-1", "abc", "72 75 x"):
        sent = await h.text(user, bad)
        assert len(texts(sent)) == 1, bad
    row = await stored(h, 130, "teacher-no-dynamics")
    assert row is not None and "1.2" not in row.answers["criteria"]
    # A level criterion takes buttons, not text.
    await h.press(user, sc("go", "2.1"))
    sent = await h.text(user, "region")
    assert len(texts(sent)) == 1
    # And a good number is taken.
    await h.press(user, sc("go", "4.1"))
    await h.text(user, "108")
    row = await stored(h, 130, "teacher-no-dynamics")
    assert row is not None and row.answers["criteria"]["4.1"] == {"hours": 108}


async def test_retyped_observation_totals_replace_the_earlier_ones(harness: Harness) -> None:
    h, user = harness, harness.user(131)
    await make_profile(h, 131, "teacher", "general_secondary", "expert", "ru")
    await h.text(user, "/score")
    await h.press(user, sc("var", value="1"))
    await h.press(user, sc("go", "1.2"))
    await h.text(user, "72 75 70 74")
    sent = await h.text(user, "80 81 82 83 84")  # a typing mistake corrected: the whole list again
    assert "4" in texts(sent)[-1]  # says how many it replaced
    row = await stored(h, 131, "teacher")
    assert row is not None and row.answers["criteria"]["1.2"] == {"observations": [80, 81, 82, 83, 84]}
    assert [o["total"] for o in row.observations] == [80, 81, 82, 83, 84]
    # A sheet filled in indicator by indicator is one more; the next typed list replaces it too.
    await h.press(user, sc("obf", "1.2"))
    sent = await h.press(user, ObservationCallback(index=0, rating=3).pack())
    index = 1
    while ObservationCallback(index=index, rating=2).pack() in last_markup_data(sent):
        sent = await h.press(user, ObservationCallback(index=index, rating=2).pack())
        index += 1
    row = await stored(h, 131, "teacher")
    assert row is not None and len(row.observations) == 6
    await h.text(user, "90 91 92 93 94")
    row = await stored(h, 131, "teacher")
    assert row is not None and row.answers["criteria"]["1.2"] == {"observations": [90, 91, 92, 93, 94]}


async def test_stale_and_forged_buttons(harness: Harness) -> None:
    h, user = harness, harness.user(140)
    # Before /score (and without a profile) every button is stale.
    sent = await h.press(user, sc("lv", "2.1", "0"))
    assert alerts(sent) and alerts(sent)[0]
    sent = await h.text(user, "/score")
    assert "/start" in texts(sent)[-1]
    await make_profile(h, 140, "teacher", "general_secondary", "expert", "kk")
    await h.text(user, "/score")
    await h.press(user, sc("var", value="1"))
    # 1.1 is open: a button of 2.1 (an old message) is stale; a forged criterion and level are refused.
    for data in (level("teacher", "2.1", "region"), sc("lv", "9.9", "0"), sc("go", "9.9"), sc("lv", "1.1", "17"),
                 sc("lv", "1.1", "x"), sc("count", "1.1", "2"), sc("var", value="1"),
                 ObservationCallback(index=0, rating=3).pack(), "sc:zz"):
        sent = await h.press(user, data)
        assert alerts(sent) and alerts(sent)[0], data
    row = await stored(h, 140, "teacher")
    assert row is not None and row.answers["criteria"] == {}
    # The winner toggle without a level is explained, not saved.
    await h.press(user, sc("go", "2.1"))
    sent = await h.press(user, sc("bonus", "2.1"))
    assert alerts(sent) and "2.1" in alerts(sent)[0]
    # While filling an observation sheet, a rating for another indicator is stale.
    await h.press(user, sc("go", "1.2"))
    await h.press(user, sc("obf", "1.2"))
    sent = await h.press(user, ObservationCallback(index=5, rating=2).pack())
    assert alerts(sent) and alerts(sent)[0]
    sent = await h.press(user, ObservationCallback(index=0, rating=9).pack())
    assert alerts(sent) and alerts(sent)[0]
    sent = await h.press(user, sc("obc"))
    row = await stored(h, 140, "teacher")
    assert row is not None and row.observations == []


async def test_resume_after_recreating_the_dispatcher(settings: Settings, harness: Harness) -> None:
    h, user = harness, harness.user(150)
    await make_profile(h, 150, "teacher", "general_secondary", "expert", "ru")
    await h.text(user, "/score")
    await h.press(user, sc("var", value="1"))
    await h.press(user, level("teacher", "1.1", "stable"))
    await h.press(user, sc("obf", "1.2"))
    await h.press(user, ObservationCallback(index=0, rating=2).pack())
    await h.app.close()
    # A new process on the same database: the open indicator, its ratings and the answers are all there.
    app = create_application(settings)
    try:
        session = RecordingSession()
        again = Harness(app, Bot(token=settings.token, session=session), session)
        sent = await again.press(user, ObservationCallback(index=1, rating=3).pack())
        assert not [a for a in alerts(sent) if a]
        assert ObservationCallback(index=2, rating=0).pack() in last_markup_data(sent)
        sent = await again.text(user, "/score")
        assert ObservationCallback(index=2, rating=0).pack() in last_markup_data(sent)
        await again.press(user, sc("obc"))
        sent = await again.text(user, "/score")
        assert sc("obf", "1.2") in last_markup_data(sent)
        async with app.sessions() as db:
            row = await db.get(SelfAssessment, (150, "teacher"))
        assert row is not None and row.answers["criteria"] == {"1.1": {"level": "stable"}}
    finally:
        await app.close()


async def test_cancel_then_score_resumes_at_the_next_open_criterion(harness: Harness) -> None:
    h, user = harness, harness.user(160)
    await make_profile(h, 160, "deputy", "preschool", "deputy_3", "kk")
    await h.text(user, "/score")
    await h.press(user, sc("lv", "1.1", "met"))
    await h.text(user, "/cancel")
    sent = await h.text(user, "/score")
    assert "1.2" in texts(sent)[-1]
    row = await stored(h, 160, "deputy-preschool")
    assert row is not None and row.answers["preschool"] is True and row.answers["claimed"] == "deputy-3"


def test_bot_and_cli_agree_on_every_sheet_example() -> None:
    """The bot's evaluation of stored answers is the CLI's: the sheets' own examples, every sheet."""
    service = SelfAssessmentService(cast(AsyncSession, None), pilot())
    for sheet_id, sheet in SHEETS.items():
        answers = {"criteria": {c["id"]: c["answer"]["example"] for c in describe_sheet(sheet)["criteria"]}}
        row = SelfAssessment(user_id=1, sheet_id=sheet_id, answers=answers, observations=[])
        ours = service.evaluate(row).total
        assert ours > 0
        assert Fraction(str(cli_total(sheet_id, answers)["total"])) == ours, sheet_id


# Different kinds of work add up (explanatory note to App 8) -------------------------------------------

# Per role: the buttons pressed, the answers stored (the CLI's "kinds" format) and the total by hand.
KIND_SCRIPTS: dict[str, tuple[str, str, str, list[tuple[str, ...]], dict[str, Any], int]] = {
    "teacher": ("teacher", "general_secondary", "researcher", [
        # 2.1: region 3 + (district, removed again) + organisation 1, winner +1 once = 5
        ("go", "2.1"), ("lv", "2.1", "region"), ("bonus", "2.1"), ("more", "2.1"), ("lv", "2.1", "district"),
        ("more", "2.1"), ("lv", "2.1", "organisation"), ("kdel", "2.1", "1-district"),
        # 3.2 has no toggles: a level moves on, and the next criterion offers "another kind" of 3.2 = 3 + 2
        ("go", "3.2"), ("lv", "3.2", "region"), ("offer", "3.2"), ("more", "3.2"), ("lv", "3.2", "district"),
        # 3.1: 3 events at region (2 each) + 2 at republic (3 each) = 12
        ("go", "3.1"), ("lv", "3.1", "region"), ("count", "3.1", "3"), ("more", "3.1"), ("lv", "3.1", "republic"),
        ("count", "3.1", "2"),
        # 3.3: a co-authored republic publication 2 + an own region publication 5 = 7
        ("go", "3.3"), ("lv", "3.3", "republic"), ("coauth", "3.3"), ("more", "3.3"), ("lv", "3.3", "region"),
    ], {
        "2.1": {"kinds": [{"level": "region"}, {"level": "organisation"}], "winner": True},
        "3.2": {"kinds": [{"level": "region"}, {"level": "district"}]},
        "3.1": {"kinds": [{"level": "region", "count": 3}, {"level": "republic", "count": 2}]},
        "3.3": {"kinds": [{"level": "republic", "coauthored": True}, {"level": "region"}]},
    }, 5 + 5 + 12 + 7),
    "methodist": ("methodist", "general_secondary", "expert", [
        # 2.2: republic 4 + region 3 + winner 1 = 8; 3.4 (no toggles): international 5 + organisation 1 = 6
        ("go", "2.2"), ("lv", "2.2", "republic"), ("more", "2.2"), ("lv", "2.2", "region"), ("bonus", "2.2"),
        ("go", "3.4"), ("lv", "3.4", "international"), ("offer", "3.4"), ("more", "3.4"),
        ("lv", "3.4", "organisation"),
    ], {
        "2.2": {"kinds": [{"level": "republic"}, {"level": "region"}], "winner": True},
        "3.4": {"kinds": [{"level": "international"}, {"level": "organisation"}]},
    }, 8 + 6),
    "head": ("head", "general_secondary", "head_2", [
        # 2.4: international 4 + district 2 + winner 1 = 7; 4.1 (no toggles): republic 4 + region 3 = 7
        ("go", "2.4"), ("lv", "2.4", "international"), ("bonus", "2.4"), ("more", "2.4"), ("lv", "2.4", "district"),
        ("go", "4.1"), ("lv", "4.1", "republic"), ("offer", "4.1"), ("more", "4.1"), ("lv", "4.1", "region"),
    ], {
        "2.4": {"kinds": [{"level": "international"}, {"level": "district"}], "winner": True},
        "4.1": {"kinds": [{"level": "republic"}, {"level": "region"}]},
    }, 7 + 7),
}


@pytest.mark.parametrize(("who", "locale"), [("teacher", "ru"), ("methodist", "kk"), ("head", "ru")])
async def test_kinds_of_work_add_up_in_the_bot_as_on_the_command_line(harness: Harness, who: str,
                                                                      locale: str) -> None:
    h, user_id = harness, 170 + list(KIND_SCRIPTS).index(who)
    user = h.user(user_id)
    role, org_type, claimed, steps, expected, by_hand = KIND_SCRIPTS[who]
    sheet_id = "teacher" if who == "teacher" else who
    await make_profile(h, user_id, role, org_type, claimed, locale)
    sent = await h.text(user, "/score")
    if who == "teacher":
        await h.press(user, sc("var", value="1"))
    for step in steps:
        action, crit, *rest = step
        if action == "offer":  # the criterion just answered is offered on the next one's keyboard
            assert sc("more", crit) in last_markup_data(sent), step
            continue
        value = rest[0] if rest else ""
        data = level(sheet_id, crit, value) if action == "lv" else sc(action, crit, value)
        sent = await h.press(user, data)
        assert not [a for a in alerts(sent) if a and a != h.app.i18n.gettext("Saved.", locale=locale)], step
    row = await stored(h, user_id, sheet_id)
    assert row is not None
    assert {k: v for k, v in row.answers["criteria"].items() if k in expected} == expected
    ours = SelfAssessmentService(cast(AsyncSession, None), pilot()).evaluate(row).total
    out = cli_total(sheet_id, row.answers)
    assert ours == by_hand and out["total"] == by_hand
    summary = texts(await h.press(user, sc("sum")))[-1]
    total_row = h.app.i18n.gettext("Total: {points} pts", locale=locale).format(points=by_hand)
    assert summary.splitlines().count(total_row) == 1
    for crit in expected:  # every criterion with several kinds shows how they add up
        assert f"\n{crit}: " in summary, crit
    if who == "teacher":  # 1.2 was not answered: listed once as unanswered, not again as "not scorable"
        assert "\n1.2: " not in summary


async def test_score_after_changing_the_claim_resumes_with_the_new_claim(harness: Harness) -> None:
    h, user = harness, harness.user(178)
    await make_profile(h, 178, "methodist", "general_secondary", "expert", "ru")
    await h.text(user, "/score")
    await h.text(user, "6")
    async with h.app.sessions() as session:
        profile = await session.get(TeacherProfile, 178)
        assert profile is not None
        profile.claimed_category = "master"
        await session.commit()
    await h.text(user, "/score")
    row = await stored(h, 178, "methodist")
    assert row is not None and row.answers["claimed"] == "master" and row.answers["criteria"]["1.1"] == {"sheets": 6}


async def test_a_kind_of_work_is_added_removed_and_cancelled_on_its_keyboard(harness: Harness) -> None:
    h, user = harness, harness.user(175)
    await make_profile(h, 175, "teacher", "general_secondary", "expert", "kk")
    await h.text(user, "/score")
    await h.press(user, sc("var", value="1"))
    sent = await h.press(user, sc("go", "2.1"))
    assert sc("more", "2.1") not in last_markup_data(sent)  # nothing to add to before a first level
    sent = await h.press(user, level("teacher", "2.1", "region"))
    keys = last_markup_data(sent)
    assert sc("more", "2.1") in keys and not any(k.startswith("sc:kdel") for k in keys)
    sent = await h.press(user, sc("more", "2.1"))
    keys = last_markup_data(sent)
    # While adding: no level is ticked, "cancel" replaces "add".
    assert sc("go", "2.1") in keys and sc("more", "2.1") not in keys and "✅" not in str(last_screen(sent).reply_markup)
    sent = await h.press(user, sc("go", "2.1"))  # cancel: nothing changes
    row = await stored(h, 175, "teacher")
    assert row is not None and row.answers["criteria"]["2.1"] == {"level": "region"}
    # Without "more", a level replaces the level of the (last) kind.
    await h.press(user, level("teacher", "2.1", "republic"))
    await h.press(user, sc("more", "2.1"))
    sent = await h.press(user, level("teacher", "2.1", "district"))
    keys = last_markup_data(sent)
    assert sc("kdel", "2.1", "0-republic") in keys and sc("kdel", "2.1", "1-district") in keys
    sent = await h.press(user, sc("kdel", "2.1", "0-republic"))
    row = await stored(h, 175, "teacher")
    assert row is not None and row.answers["criteria"]["2.1"] == {"level": "district"}
    assert not any(k.startswith("sc:kdel") for k in last_markup_data(sent))


async def test_forged_and_stale_kind_buttons(harness: Harness) -> None:
    h, user = harness, harness.user(176)
    await make_profile(h, 176, "teacher", "general_secondary", "expert", "ru")
    await h.text(user, "/score")
    await h.press(user, sc("var", value="1"))
    await h.press(user, sc("go", "2.1"))
    await h.press(user, level("teacher", "2.1", "region"))
    before = {"level": "region"}
    for data in (sc("kdel", "2.1", "0-region"),  # the only kind: "I have none" clears it instead
                 sc("more", "1.1"),  # dynamics: one level, nothing adds up
                 sc("more", "2.2"),  # no level yet
                 sc("more", "9.9"), sc("lv", "2.1", "²"), sc("lv", "2.1", "-1"), sc("count", "2.1", "2"),
                 sc("coauth", "2.1")):
        sent = await h.press(user, data)
        assert alerts(sent) and alerts(sent)[0], data
    row = await stored(h, 176, "teacher")
    assert row is not None and row.answers["criteria"] == {"2.1": before}
    await h.press(user, sc("more", "2.1"))
    await h.press(user, level("teacher", "2.1", "district"))
    # An old remove button naming another level, a position past the end, a malformed one.
    for data in (sc("kdel", "2.1", "1-region"), sc("kdel", "2.1", "5-district"), sc("kdel", "2.1", "x-district"),
                 sc("kdel", "2.1", "1")):
        sent = await h.press(user, data)
        assert alerts(sent) and alerts(sent)[0], data
    row = await stored(h, 176, "teacher")
    assert row is not None and row.answers["criteria"]["2.1"] == {"kinds": [{"level": "region"}, {"level": "district"}]}
    # At most max_kinds kinds: then "add" is gone and a forged one is refused.
    limit = int(default_rules().self_assessment["max_kinds"])
    for _ in range(limit - 2):
        await h.press(user, sc("more", "2.1"))
        sent = await h.press(user, level("teacher", "2.1", "organisation"))
    assert sc("more", "2.1") not in last_markup_data(sent)
    sent = await h.press(user, sc("more", "2.1"))
    assert alerts(sent) and alerts(sent)[0]
    row = await stored(h, 176, "teacher")
    assert row is not None and len(row.answers["criteria"]["2.1"]["kinds"]) == limit
    assert cli_total("teacher", row.answers)["criteria"]["2.1"]["points"] == 3 + 2 + (limit - 2)


async def test_resume_while_adding_a_kind_of_work(settings: Settings, harness: Harness) -> None:
    h, user = harness, harness.user(177)
    await make_profile(h, 177, "head", "general_secondary", "head_2", "kk")
    await h.text(user, "/score")
    await h.press(user, sc("go", "4.2"))
    await h.press(user, level("head", "4.2", "region"))
    await h.press(user, sc("more", "4.2"))
    await h.app.close()
    app = create_application(settings)
    try:
        session = RecordingSession()
        again = Harness(app, Bot(token=settings.token, session=session), session)
        sent = await again.text(user, "/score")
        keys = last_markup_data(sent)
        assert sc("go", "4.2") in keys and sc("more", "4.2") not in keys  # still waiting for the new kind
        await again.press(user, level("head", "4.2", "international"))
        async with app.sessions() as db:
            row = await db.get(SelfAssessment, (177, "head"))
        assert row is not None
        assert row.answers["criteria"]["4.2"] == {"kinds": [{"level": "region"}, {"level": "international"}]}
    finally:
        await app.close()


def test_bot_and_cli_agree_with_kinds_on_teacher_methodist_and_head_sheets() -> None:
    """Every criterion whose kinds add up, answered with two kinds (and its bonus) through the same
    functions the buttons use: the bot's total is the CLI's."""
    service = SelfAssessmentService(cast(AsyncSession, None), pilot())
    for sheet_id in ("teacher", "methodist", "head"):
        criteria: dict[str, Any] = {}
        for criterion in SHEETS[sheet_id].criteria:
            if not criterion.scale.kinds_add_up:
                continue
            top = len(criterion.scale.levels) - 1
            answer = choose_level(criterion, None, top, new_kind=False, max_kinds=10)
            answer = choose_level(criterion, answer, 0, new_kind=True, max_kinds=10)
            if criterion.scale.bonus is not None:
                answer = toggle_bonus(criterion, answer)
            assert answer is not None and len(answer["kinds"]) == 2
            criteria[criterion.id] = answer
        answers = {"criteria": criteria}
        row = SelfAssessment(user_id=1, sheet_id=sheet_id, answers=answers, observations=[])
        ours = service.evaluate(row).total
        assert ours > 0
        assert Fraction(str(cli_total(sheet_id, answers)["total"])) == ours, sheet_id


async def test_evidence_button_opens_the_checklist_item_and_score_comes_back(harness: Harness) -> None:
    h, user = harness, harness.user(179)
    await make_profile(h, 179, "methodist", "general_secondary", "expert", "ru")
    await h.text(user, "/score")
    await h.text(user, "6")
    await h.press(user, level("methodist", "2.1", "district"))
    for crit in ("2.2", "3.1", "3.2", "3.3", "3.4", "3.5"):
        sent = await h.press(user, sc("none", crit))
    sent = await h.press(user, sc("none", "4.1"))
    evidence = [d for d in last_markup_data(sent) if d.startswith(ChecklistCallback.__prefix__)]
    assert evidence  # 1.1 (observation sheets) and 2.1 score: their checklist items are offered
    for data in evidence:
        sent = await h.press(user, data)
        assert not [a for a in alerts(sent) if a] and texts(sent), data  # the item's card, not a stale alert
    sent = await h.text(user, "/score")  # every criterion answered: straight back to the summary
    assert sc("go", "2.1") in last_markup_data(sent)


@pytest.mark.parametrize(("post", "sheet_id"), [("subject", "teacher"), ("psychologist", "teacher-no-dynamics"),
                                                ("assistant", "teacher-no-dynamics"), ("pmpk", "teacher")])
async def test_the_post_in_the_profile_decides_the_sheet(harness: Harness, post: str, sheet_id: str) -> None:
    """With the post known there is no "does 1.1 apply?" question, and its button is refused as stale."""
    h, user = harness, harness.user(140)
    await make_profile(h, 140, "teacher", "general_secondary", "expert", "ru")
    async with h.app.sessions() as session:
        profile = await session.get(TeacherProfile, 140)
        assert profile is not None
        profile.teaching_post = post
        await session.commit()
    sent = await h.text(user, "/score")
    assert sc("var", value="1") not in last_markup_data(sent)
    first = "1.1" if sheet_id == "teacher" else "1.2"
    assert first in texts(sent)[-1]
    assert await stored(h, 140, sheet_id) is not None
    other = "teacher-no-dynamics" if sheet_id == "teacher" else "teacher"
    assert await stored(h, 140, other) is None
    forged = await h.press(user, sc("var", value="1" if sheet_id != "teacher" else "0"))
    stale = h.app.i18n.gettext("This button is no longer active.", locale="ru")
    assert alerts(forged) == [stale]
