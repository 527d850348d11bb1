"""The Mini App's API through the bot's own web server: initData checked (forged, expired, another user's),
malformed input refused with a clear message, and the form and the chat reading and writing the same answers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.settings import Settings
from scoring.sheets import SHEETS
from storage.scoring_models import SelfAssessment
from tests.conftest import Harness, settings_for
from tests.handlers.test_scoring import make_profile
from tests.webapp.helpers import auth, signed_init_data, web_client

TOKEN = "42:TEST-TOKEN"
FORM_URL = "http://127.0.0.1:8099/app/"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}").model_copy(
        update={"webapp_url": FORM_URL, "webapp_script_url": "http://127.0.0.1:9/telegram-web-app.js"})


async def rows_of(h: Harness, user_id: int) -> list[SelfAssessment]:
    async with h.app.sessions() as session:
        return list((await session.scalars(select(SelfAssessment).where(SelfAssessment.user_id == user_id))).all())


def translated(h: Harness, locale: str, msgid: str) -> str:
    with h.app.i18n.context(), h.app.i18n.use_locale(locale):
        return str(h.app.i18n.gettext(msgid))


async def save(client: Any, user_id: int, criterion: str, answer: Any, sheet: str = "teacher",
               init_data: str | None = None) -> Any:
    return await client.post("/app/api/sheet/answer", json={"sheet": sheet, "criterion": criterion, "answer": answer},
                             headers=auth(init_data or signed_init_data(TOKEN, user_id)))


# --- who may call -------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_signed_init_data_gets_her_sheet_in_her_language(harness: Harness, locale: str) -> None:
    await make_profile(harness, 300, "teacher", "general_secondary", "researcher", locale)
    async with web_client(harness) as client:
        response = await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 300)))
        assert response.status == 200
        body = await response.json()
    sheet = SHEETS["teacher"]
    assert body["locale"] == locale and body["sheet"]["id"] == "teacher"
    assert [c["id"] for c in body["criteria"]] == [c.id for c in sheet.criteria]
    first = body["criteria"][0]
    assert first["title"] == translated(harness, locale, sheet.criteria[0].title) != sheet.criteria[0].title
    assert sheet.criteria[0].ref == "App 8, sheet 1, 1.1" and first["input"]["kind"] == "level"
    assert first["clause"] == translated(harness, locale, "App {app}, sheet {sheet}, criterion {criterion}").format(
        app=8, sheet=1, criterion="1.1") != "App 8, sheet 1, criterion 1.1"
    assert body["strings"]["save"] == translated(harness, locale, "Save") != "Save"
    assert body["result"]["total"] == "0" and body["result"]["category"] is None
    assert [t["points"] for t in body["result"]["thresholds"]] == list(sheet.thresholds.values())
    assert any(t["claimed"] for t in body["result"]["thresholds"])


async def test_a_forged_hash_gets_401_and_changes_nothing(harness: Harness) -> None:
    await make_profile(harness, 301, "teacher", "general_secondary", "expert", "kk")
    genuine = signed_init_data(TOKEN, 301)
    forged = genuine[:-4] + ("0000" if not genuine.endswith("0000") else "1111")
    other_bot = signed_init_data("43:ANOTHER-BOT", 301)
    async with web_client(harness) as client:
        for init_data in (forged, other_bot):
            response = await save(client, 301, "1.1", {"kinds": [{"level": "stable"}]}, init_data=init_data)
            assert response.status == 401
            body = await response.json()
            assert body["error"] == "unauthorized"
            assert body["message"] == translated(harness, "kk", "The form has expired or was not opened from "
                                                 "Telegram. Close it and open it again from the chat.")
        assert (await client.get("/app/api/sheet", headers=auth(forged))).status == 401
    assert await rows_of(harness, 301) == []


async def test_another_users_id_under_her_signature_is_refused(harness: Harness) -> None:
    """The user inside initData is signed: changing it to another teacher's id breaks the signature."""
    await make_profile(harness, 302, "teacher", "general_secondary", "expert", "kk")
    genuine = signed_init_data(TOKEN, 303)
    swapped = genuine.replace("%22id%22%3A303", "%22id%22%3A302")
    assert swapped != genuine
    async with web_client(harness) as client:
        assert (await save(client, 302, "1.1", {"kinds": [{"level": "stable"}]}, init_data=swapped)).status == 401
    assert await rows_of(harness, 302) == []


async def test_expired_or_missing_init_data_gets_401(harness: Harness) -> None:
    await make_profile(harness, 304, "teacher", "general_secondary", "expert", "ru")
    max_age = harness.app.settings.webapp_auth_max_age
    expired = signed_init_data(TOKEN, 304, "ru", auth_date=int(time.time()) - max_age - 60)
    fresh_enough = signed_init_data(TOKEN, 304, "ru", auth_date=int(time.time()) - max_age + 60)
    async with web_client(harness) as client:
        response = await save(client, 304, "1.1", {"kinds": [{"level": "stable"}]}, init_data=expired)
        assert response.status == 401
        # Before she is known, the refusal speaks the language her Telegram claims.
        assert (await response.json())["message"] == translated(
            harness, "ru", "The form has expired or was not opened from Telegram. Close it and open it again "
            "from the chat.")
        assert await rows_of(harness, 304) == []
        for headers in ({}, {"Authorization": "Bearer x"}, {"Authorization": "tma "}, auth("user=1&hash=abc")):
            assert (await client.get("/app/api/sheet", headers=headers)).status == 401
        assert (await client.get("/app/api/sheet", headers=auth(fresh_enough))).status == 200


async def test_no_request_names_another_teacher(harness: Harness) -> None:
    """Her initData is the only way to say whose sheet: a body naming another user is refused, and her sheet
    never shows the other teacher's answers."""
    h = harness
    await make_profile(h, 305, "teacher", "general_secondary", "expert", "kk")
    await make_profile(h, 306, "teacher", "general_secondary", "expert", "kk")
    async with web_client(h) as client:
        assert (await save(client, 306, "1.1", {"kinds": [{"level": "growth_3_plus"}]})).status == 200
        before = [(r.sheet_id, r.answers) for r in await rows_of(h, 306)]
        response = await client.post("/app/api/sheet/answer", headers=auth(signed_init_data(TOKEN, 305)), json={
            "sheet": "teacher", "criterion": "1.1", "answer": {"kinds": [{"level": "unstable"}]}, "user_id": 306})
        assert response.status == 400 and (await response.json())["error"] == "bad_fields"
        assert [(r.sheet_id, r.answers) for r in await rows_of(h, 306)] == before
        mine = await (await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 305)))).json()
        assert mine["result"]["total"] == "0" and not any(c["answered"] for c in mine["criteria"])
        # A sheet her profile does not score her on is not hers to write.
        response = await save(client, 305, "1.1", {"kinds": [{"level": "stable"}]}, sheet="head")
        assert response.status == 400
        assert (await response.json())["message"] == translated(h, "kk", "Your profile does not score you on this "
                                                                "sheet.")


# --- what she may send --------------------------------------------------------------------------------


@pytest.mark.parametrize(("criterion", "answer", "msgid"), [
    ("2.1", {"kinds": [{"level": "galaxy"}]},
     "Criterion {criterion}: unknown level '{level}'; expected one of: {allowed}."),
    ("3.1", {"kinds": [{"level": "region", "count": 9}]},
     "Criterion {criterion}: the number of events at this level is from 1 to {max}."),
    ("2.1", {"kinds": [{"level": "region"}] * 11}, "Criterion {criterion}: at most {max} kinds of work."),
    ("1.1", {"kinds": [{"level": "stable"}, {"level": "growth_1_2"}]},
     "Criterion {criterion}: at most {max} kinds of work."),
    ("2.1", {"kinds": [{"level": "region", "coauthored": True}]},
     "Criterion {criterion} does not take '{key}'; expected: {allowed}."),
    ("3.3", {"kinds": [{"level": "region"}], "winner": True},
     "Criterion {criterion} does not take '{key}'; expected: {allowed}."),
    ("4.1", {"text": "-5"}, "A negative number is not possible here."),
    ("4.1", {"text": "lots"}, "'{value}' is not a number. Please send digits only, e.g. 72."),
    ("4.1", {"text": 72}, "Please send a number."),
    ("1.2", {"text": "72 75 170"}, "An observation sheet total is at most {cap}; {value} is too much."),
    ("2.1", "region", "Criterion {criterion}: the answer must be a JSON object."),
    ("9.9", None, "This sheet has no such criterion."),
])
async def test_a_wrong_answer_gets_400_with_the_reason_and_saves_nothing(
        harness: Harness, criterion: str, answer: Any, msgid: str) -> None:
    await make_profile(harness, 307, "teacher", "general_secondary", "expert", "ru")
    async with web_client(harness) as client:
        response = await save(client, 307, criterion, answer)
        assert response.status == 400
        body = await response.json()
    assert body["error"] == "bad_answer"
    prefix = translated(harness, "ru", msgid).split("{")[0]
    assert body["message"].startswith(prefix) and prefix
    assert all(not (r.answers or {}).get("criteria") for r in await rows_of(harness, 307))


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'{"sheet": "teacher"}', b"NaN", b"\xff\xfe",
                                 b'{"sheet": 1, "criterion": "1.1", "answer": null}',
                                 b'{"sheet": "teacher", "criterion": "' + b"x" * 50 + b'", "answer": null}',
                                 b'{"sheet":"teacher","criterion":"1.1","answer":' + b"[" * 100_000 + b"}"])
async def test_a_malformed_body_gets_400_with_a_clear_message(harness: Harness, raw: bytes) -> None:
    await make_profile(harness, 308, "teacher", "general_secondary", "expert", "kk")
    async with web_client(harness) as client:
        response = await client.post("/app/api/sheet/answer", data=raw,
                                     headers={**auth(signed_init_data(TOKEN, 308)), "Content-Type": "application/json"})
        assert response.status == 400
        body = await response.json()
    assert body["error"] in ("bad_json", "bad_fields", "too_large") and body["message"]
    assert "Traceback" not in body["message"] and "{" not in body["message"]


async def test_without_a_completed_profile_the_form_says_what_to_do(harness: Harness) -> None:
    async with web_client(harness) as client:
        response = await client.get("/app/api/sheet", headers=auth(signed_init_data(TOKEN, 309, "ru")))
        assert response.status == 409
        assert (await response.json())["message"].startswith(translated(
            harness, "ru", "The self-assessment needs your completed profile (position, type of organisation, "
            "claimed category). Send /start to finish it first.")[:20])
        assert (await client.get("/app/api/checklist", headers=auth(signed_init_data(TOKEN, 309)))).status == 409


@pytest.mark.parametrize(("url", "accepted"), [
    ("https://bot.example.kz/app/", True), ("http://127.0.0.1:8099/app/", True), ("http://localhost/app/", True),
    ("http://bot.example.kz/app/", False), ("javascript:alert(1)", False), ("bot.example.kz/app/", False),
])
def test_webapp_url_is_https_except_on_this_machine(url: str, accepted: bool) -> None:
    from pydantic import ValidationError

    try:
        Settings(_env_file=None, webapp_url=url)  # type: ignore[call-arg]
    except ValidationError:
        assert not accepted
    else:
        assert accepted
