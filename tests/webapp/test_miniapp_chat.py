"""The form and the chat on the same answers: saved in the Mini App, the chat's summary shows the same total
(and the other way round); the live total is the command line's; the checklist page and its links to the chat;
the buttons that open the Mini App."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.settings import Settings
from features.checklist.callbacks import ChecklistAct, ChecklistCallback, item_of_payload
from scoring.categories import Category
from scoring.documents import BY_ID
from scoring.sheets.observation import format_points
from tests.conftest import Harness, settings_for, texts
from tests.handlers.attestation_helpers import make_teacher, pdf
from tests.handlers.test_scoring import cli_total, level, make_profile, sc
from tests.webapp.helpers import auth, signed_init_data, web_client
from tests.webapp.test_miniapp_api import FORM_URL, TOKEN, save, translated


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}").model_copy(
        update={"webapp_url": FORM_URL, "webapp_script_url": "http://127.0.0.1:9/telegram-web-app.js"})


def total_line(h: Harness, locale: str, total: str) -> str:
    return translated(h, locale, "Total: {points} pts").format(points=total)


async def chat_summary(h: Harness, user_id: int, variant: str | None = "1") -> str:
    """/score, the sheet variant if asked, then the summary, as she would open it in the chat."""
    user = h.user(user_id)
    await h.text(user, "/score")
    if variant is not None:
        await h.press(user, sc("var", value=variant))
    return texts(await h.press(user, sc("sum")))[-1]


# A whole teacher sheet as the form sends it, and the same answers in the command line's input format.
TEACHER_FORM: dict[str, Any] = {
    "1.1": {"kinds": [{"level": "growth_1_2"}]},
    "1.2": {"text": "72 75 70 74 71"},
    "2.1": {"kinds": [{"level": "region"}, {"level": "district"}], "winner": True},
    "2.2": None,
    "3.1": {"kinds": [{"level": "republic", "count": 2}]},
    "3.2": {"kinds": [{"level": "international"}]},
    "3.3": {"kinds": [{"level": "republic", "coauthored": True}]},
    "3.4": {"kinds": [{"level": "district"}]},
    "3.5": {"kinds": [{"level": "region", "coauthored": True}]},
    "4.1": {"text": "72 + 36"},
}
TEACHER_CLI: dict[str, Any] = {"claimed": "researcher", "criteria": {
    "1.1": {"level": "growth_1_2"}, "1.2": {"observations": [72, 75, 70, 74, 71]},
    "2.1": {"kinds": [{"level": "region"}, {"level": "district"}], "winner": True},
    "3.1": {"level": "republic", "count": 2}, "3.2": {"level": "international"},
    "3.3": {"level": "republic", "coauthored": True}, "3.4": {"level": "district"},
    "3.5": {"level": "region", "coauthored": True}, "4.1": {"hours": [72, 36]},
}}
HEAD_FORM: dict[str, Any] = {
    "1.1": {"met": True}, "1.2": {"met": True}, "1.3": {"met": False}, "1.4": {"met": True},
    "1.5": {"met": True, "off_budget": True}, "1.6": {"kinds": [{"level": "growth_3_4"}]},
    "2.1": {"kinds": [{"level": "growth"}]}, "2.2": None, "2.3": {"kinds": [{"level": "stable"}]},
    "2.4": {"kinds": [{"level": "region"}], "winner": True}, "3.1": {"kinds": [{"level": "growth"}]},
    "3.2": {"kinds": [{"level": "republic"}, {"level": "district"}]}, "3.3": {"text": "65"},
    "4.1": {"kinds": [{"level": "region"}]}, "4.2": None, "4.3": {"kinds": [{"level": "district"}]},
    "5.1": {"text": "72"},
}
HEAD_CLI: dict[str, Any] = {"claimed": "head-2", "criteria": {
    "1.1": {"met": True}, "1.2": {"met": True}, "1.4": {"met": True}, "1.5": {"met": True, "off_budget": True},
    "1.6": {"level": "growth_3_4"}, "2.1": {"level": "growth"}, "2.3": {"level": "stable"},
    "2.4": {"level": "region", "winner": True}, "3.1": {"level": "growth"},
    "3.2": {"kinds": [{"level": "republic"}, {"level": "district"}]}, "3.3": {"percent": 65},
    "4.1": {"level": "region"}, "4.3": {"level": "district"}, "5.1": {"hours": 72},
}}


@pytest.mark.parametrize(("role", "claimed", "locale", "sheet", "form", "cli"), [
    ("teacher", "researcher", "kk", "teacher", TEACHER_FORM, TEACHER_CLI),
    ("head", "head_2", "ru", "head", HEAD_FORM, HEAD_CLI),
])
async def test_the_live_total_is_the_command_lines_and_the_chat_summary_shows_it(
        harness: Harness, role: str, claimed: str, locale: str, sheet: str, form: dict[str, Any],
        cli: dict[str, Any]) -> None:
    h = harness
    await make_profile(h, 400, role, "general_secondary", claimed, locale)
    async with web_client(h) as client:
        for criterion, answer in form.items():
            response = await save(client, 400, criterion, answer, sheet=sheet)
            assert response.status == 200, await response.text()
        live = (await response.json())["result"]
        opened = await (await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 400)))).json()
    expected = cli_total(sheet, cli)
    assert live["total_number"] == expected["total"] and opened["result"] == live
    assert all(c["answered"] for c in opened["criteria"])
    reached = Category(expected["category"].replace("-", "_")) if expected["category"] else None
    assert live["category"] == (translated(h, locale, reached.label) if reached else None)
    assert {c: r["points"] for c, r in live["criteria"].items()} == {
        c: format_points_of(r["points"]) for c, r in expected["criteria"].items()}
    assert live["gap"] == format_points_of(expected["gap"])
    assert len(live["advice"]) == len(expected["advice"])
    summary = await chat_summary(h, 400, "1" if role == "teacher" else None)
    assert total_line(h, locale, live["total"]) in summary
    for line in live["lines"]:
        assert line in summary


def format_points_of(number: float) -> str:
    from fractions import Fraction

    return format_points(Fraction(str(number)))


async def test_answers_given_in_the_chat_are_the_forms(harness: Harness) -> None:
    h, user = harness, harness.user(401)
    await make_teacher(h, 401, locale="kk", claimed_category="expert")
    await h.text(user, "/score")  # her post is in the profile: the teacher sheet, criterion 1.1 first
    await h.press(user, level("teacher", "1.1", "growth_3_plus"))
    await h.text(user, "72 75 70 74 71")
    await h.press(user, sc("next", "1.2"))
    await h.press(user, level("teacher", "2.1", "republic"))
    await h.press(user, sc("bonus", "2.1"))
    summary = texts(await h.press(user, sc("sum")))[-1]
    async with web_client(h) as client:
        body = await (await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 401)))).json()
    assert body["sheet"]["id"] == "teacher" and body["variants"] == []
    values = {c["id"]: c["value"] for c in body["criteria"]}
    assert values["1.1"] == {"kinds": [{"level": "growth_3_plus"}]}
    assert values["1.2"] == {"text": "72 75 70 74 71"}
    assert values["2.1"] == {"kinds": [{"level": "republic"}], "winner": True}
    assert values["3.1"] is None
    assert body["result"]["total"] == "81.4"  # 4 + 72.4 + 5
    assert total_line(h, "kk", body["result"]["total"]) in summary


async def test_a_change_in_the_form_shows_in_the_chat_criterion_it_is_on(harness: Harness) -> None:
    h, user = harness, harness.user(402)
    await make_teacher(h, 402, locale="ru", claimed_category="expert")
    await h.text(user, "/score")
    await h.press(user, level("teacher", "1.1", "stable"))
    async with web_client(h) as client:
        response = await save(client, 402, "1.1", {"kinds": [{"level": "growth_3_plus"}]})
        assert (await response.json())["result"]["total"] == "4"
    # Back in the chat, the criterion she had open and the summary read the form's answer.
    screen = texts(await h.press(user, sc("go", "1.1")))[-1]
    assert "4" in screen
    assert total_line(h, "ru", "4") in texts(await h.press(user, sc("sum")))[-1]
    # And "I have none" in the form is the chat's "I have none".
    async with web_client(h) as client:
        assert (await (await save(client, 402, "1.1", None)).json())["result"]["total"] == "0"
    assert total_line(h, "ru", "0") in texts(await h.press(user, sc("sum")))[-1]


async def test_a_teacher_without_her_post_chooses_the_sheet_in_the_form(harness: Harness) -> None:
    await make_profile(harness, 403, "teacher", "general_secondary", "expert", "kk")
    async with web_client(harness) as client:
        body = await (await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 403)))).json()
        assert [v["id"] for v in body["variants"]] == ["teacher", "teacher-no-dynamics"]
        assert (await save(client, 403, "1.2", {"text": "80 80 80 80 80"}, sheet="teacher-no-dynamics")).status == 200
        # The sheet changed last is the one the form opens next time, as /score's summary would.
        again = await (await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 403)))).json()
    assert again["sheet"]["id"] == "teacher-no-dynamics" and again["result"]["total"] == "80"
    assert total_line(harness, "kk", "80") in await chat_summary(harness, 403, "0")


# --- the checklist page -------------------------------------------------------------------------------


async def test_the_checklist_page_lists_each_item_with_its_file_and_a_link_back_to_the_chat(harness: Harness) -> None:
    h, user = harness, harness.user(404)
    await make_teacher(h, 404, locale="kk")
    await h.text(user, "/checklist")
    await h.press(user, ChecklistCallback(action=ChecklistAct.OPEN, item="diploma").pack())
    await h.send(user, document=pdf("dip1", "diploma-scan.pdf"))
    async with web_client(h) as client:
        response = await client.get("/app/api/checklist", headers=auth(signed_init_data(TOKEN, 404)))
        assert response.status == 200
        body = await response.json()
    items = {item["id"]: item for item in body["items"]}
    diploma = items["diploma"]
    assert diploma["files"] == ["diploma-scan.pdf (196 KB)"] and diploma["state"] == "done"
    assert diploma["title"] == translated(h, "kk", BY_ID["diploma"].title)
    assert diploma["reason"] and diploma["status"]
    for item in body["items"]:
        prefix = "https://t.me/attestation_test_bot?start="
        assert item["link"].startswith(prefix)
        payload = item["link"].removeprefix(prefix)
        assert len(payload) <= 64 and item_of_payload(payload) == item["id"]
    assert body["progress"].startswith(translated(h, "kk", "Progress: {done} of {total} required documents")[:8])


async def test_the_link_back_opens_the_item_in_the_chat_ready_for_its_files(harness: Harness) -> None:
    h, user = harness, harness.user(405)
    await make_teacher(h, 405, locale="ru")
    title = translated(h, "ru", BY_ID["diploma"].title)
    sent = await h.text(user, "/start ck-diploma")
    assert texts(sent)[-1].startswith(f"❓ {title}")  # the item's card: is it in the state systems?
    # The card waits for the diploma's files: the next document she sends is attached to it.
    sent = await h.send(user, document=pdf("dip2", "d.pdf"))
    assert texts(sent) == [translated(h, "ru", "📎 Saved «{name}» for «{item}» (files: {n}). Send more, or press ✅ "
                                      "Done.").format(name="d.pdf", item=title, n=1)]


@pytest.mark.parametrize("payload", ["ck-not_an_item", "ck-DIPLOMA", "ck-", "ck-" + "a" * 70, "ck-dip;loma"])
async def test_a_link_to_an_item_not_on_her_checklist_says_so(harness: Harness, payload: str) -> None:
    h, user = harness, harness.user(406)
    await make_teacher(h, 406, locale="kk")
    sent = await h.text(user, f"/start {payload}")
    assert texts(sent) == [translated(h, "kk", "This link opens an item of your checklist, and this one is not on "
                                      "it any more. Open /checklist.")]


# --- the buttons that open it -------------------------------------------------------------------------


def web_app_urls(requests: list[Any]) -> list[str]:
    return [button.web_app.url for r in requests if isinstance(r, SendMessage)
            and isinstance(r.reply_markup, InlineKeyboardMarkup)
            for row in r.reply_markup.inline_keyboard for button in row if button.web_app is not None]


async def test_score_and_checklist_offer_the_mini_app(harness: Harness) -> None:
    h, user = harness, harness.user(407)
    await make_teacher(h, 407, locale="kk")
    assert web_app_urls(await h.text(user, "/score")) == [FORM_URL]
    assert web_app_urls(await h.text(user, "/checklist")) == [f"{FORM_URL}?view=checklist"]


async def test_the_what_next_buttons_offer_the_mini_app_too(harness: Harness) -> None:
    """/start's step buttons (features/guidance) open /score and /checklist as their commands do: with the form."""
    from features.guidance.callbacks import GuideCallback, GuideStep

    h, user = harness, harness.user(408)
    await make_teacher(h, 408, locale="ru")
    assert web_app_urls(await h.press(user, GuideCallback(step=GuideStep.SCORE).pack())) == [FORM_URL]
    assert web_app_urls(await h.press(user, GuideCallback(step=GuideStep.CHECKLIST).pack())) == [
        f"{FORM_URL}?view=checklist"]


async def test_without_webapp_url_there_is_no_button_and_the_chat_flow_is_unchanged(tmp_path: Path) -> None:
    from tests.conftest import started

    h = await started(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}"))
    try:
        user = h.user(408)
        await make_teacher(h, 408, locale="kk")
        sent = await h.text(user, "/score")
        assert web_app_urls(sent) == [] and len([r for r in sent if isinstance(r, SendMessage)]) == 1
        assert web_app_urls(await h.text(user, "/checklist")) == []
    finally:
        await h.app.close()


# --- the page -----------------------------------------------------------------------------------------


async def test_the_page_loads_the_configured_telegram_script_and_its_own_files(harness: Harness) -> None:
    async with web_client(harness) as client:
        page = await client.get("/app/")
        assert page.status == 200 and page.content_type == "text/html"
        html = await page.text()
        assert '<script src="http://127.0.0.1:9/telegram-web-app.js"></script>' in html
        assert "http://127.0.0.1:9" in page.headers["Content-Security-Policy"]
        redirect = await client.get("/app", allow_redirects=False)
        assert redirect.status == 308 and redirect.headers["Location"] == "/app/"
        for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
            asset = await client.get(f"/app/static/{name}")
            assert asset.status == 200 and asset.content_type == kind
        # No text of the page is written in its script: they all come from the API, translated.
        script = await (await client.get("/app/static/app.js")).text()
    assert json.dumps("Save") not in script and "Loading" not in script
