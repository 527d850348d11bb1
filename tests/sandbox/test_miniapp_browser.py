"""The Mini App in the sandbox, end to end, in headless Chromium on a 390×844 phone: the real bot process
serves it, the sandbox's chat page opens it from /score's button in its phone panel with signed initData,
a teacher fills her whole sheet in Kazakh and a head of school his in Russian; the live total is
`python -m scoring evaluate`'s for the same answers, and /score in the chat then shows the same total.
The checklist page's "open in the chat" brings her back to the chat with the item's card.

Chromium is Debian's (/usr/bin/chromium), as in test_sandbox_browser.py; a missing browser fails the test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import create_i18n
from sandbox.run import Sandbox
from scoring.documents import BY_ID
from storage.db import create_engine, create_session_factory
from storage.profile_models import TeacherProfile, User
from tests.handlers.test_scoring import cli_total
from tests.webapp.test_miniapp_chat import HEAD_CLI, TEACHER_CLI
from tests.webapp.test_miniapp_page import HEAD_STEPS, TEACHER_STEPS, answer

from .test_sandbox_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Chat, require_browser

PHONE = {"width": 390, "height": 844}


def say(i18n: I18n, locale: str, msgid: str) -> str:
    with i18n.context(), i18n.use_locale(locale):
        return str(i18n.gettext(msgid))


async def completed_profile(sandbox: Sandbox, user_id: int, role: str, claimed: str, locale: str,
                            first_name: str) -> None:
    """Her profile, written into the bot's database (onboarding in the browser has its own test)."""
    sandbox.server.create_user(first_name, user_id=user_id, language_code=locale)
    sandbox.server.start_chat(user_id)
    engine = create_engine(sandbox.database_url)
    try:
        async with create_session_factory(engine)() as session:
            session.add(User(id=user_id, locale=locale, is_active=True))
            session.add(TeacherProfile(
                user_id=user_id, consent_at=datetime.now(UTC), full_name=first_name, role=role,
                teaching_post="subject" if role == "teacher" else None, org_type="general_secondary",
                org_name="School No. 1", region="karaganda", area_code="351010000", current_category="none",
                experience_years=10, education="higher_pedagogical", claimed_category=claimed,
                attestation_kind="regular", certificates=[], email="t@mail.kz", phone="+77011234567",
                completed_at=datetime.now(UTC)))
            await session.commit()
    finally:
        await engine.dispose()


async def open_mini_app(page: Any, chat: Chat, command: str, button: str) -> Any:
    """The command in the chat, then its web_app button: the app's frame once it has loaded."""
    await chat.send(command)
    await page.locator("#messages .msg.in .ikb.opens-app", has_text=button).last.click()
    await page.locator("#webapp").wait_for()
    frame = page.frame_locator("#webapp-frame")
    await frame.locator('#app[aria-busy="false"]').wait_for()
    return frame


@pytest.mark.parametrize(("user_id", "role", "claimed", "locale", "sheet", "steps", "cli"), [
    (5201, "teacher", "researcher", "kk", "teacher", TEACHER_STEPS, TEACHER_CLI),
    (5202, "head", "head_2", "ru", "head", HEAD_STEPS, HEAD_CLI),
])
async def test_a_whole_sheet_in_the_mini_app_on_a_phone_and_the_same_total_in_the_chat(
        sandbox: Sandbox, user_id: int, role: str, claimed: str, locale: str, sheet: str,
        steps: dict[str, list[tuple[str, ...]]], cli: dict[str, Any]) -> None:
    i18n = create_i18n("kk")
    await completed_profile(sandbox, user_id, role, claimed, locale, "Айгүл" if locale == "kk" else "Иван")
    async with require_browser()() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=PHONE)
            page.set_default_timeout(30_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(sandbox.user_url(user_id))
            await page.locator("#status", has_text="online").wait_for()
            chat = Chat(page)
            frame = await open_mini_app(page, chat, "/score", say(i18n, locale, "📝 Open the form"))
            assert await frame.locator("#app").get_attribute("data-sheet") == sheet
            assert await frame.locator("html").get_attribute("lang") == locale
            for criterion, criterion_steps in steps.items():
                await answer(frame, criterion, criterion_steps)
            live = await frame.locator("#total").inner_text()
            assert float(await frame.locator("#total").get_attribute("data-total") or "nan") == cli_total(
                sheet, cli)["total"]
            box = await page.locator("#webapp-frame").bounding_box()
            assert box is not None and box["width"] <= PHONE["width"]
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / f"sandbox-miniapp-{sheet}-{locale}.png"))
            # The MainButton ("back to the chat") closes the app; in the chat, /score and its summary.
            await page.locator("#webapp-main").click()
            await page.locator("#webapp").wait_for(state="hidden")
            await chat.send("/score")
            # The summary is shown in place of the criterion's message (edited, as in Telegram).
            await page.locator("#messages .msg.in .ikb", has_text=say(i18n, locale, "📊 Summary")).last.click()
            total = say(i18n, locale, "Total: {points} pts").format(points=live)
            await page.locator("#messages .msg.in", has_text=total).last.wait_for()
            await page.screenshot(path=str(ARTIFACTS / f"sandbox-miniapp-{sheet}-{locale}-chat.png"))
            assert not errors, errors
        finally:
            await browser.close()


async def test_the_checklist_page_opens_an_item_in_the_chat(sandbox: Sandbox) -> None:
    i18n = create_i18n("kk")
    await completed_profile(sandbox, 5203, "teacher", "expert", "kk", "Айгүл")
    async with require_browser()() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=PHONE)
            page.set_default_timeout(30_000)
            await page.goto(sandbox.user_url(5203))
            await page.locator("#status", has_text="online").wait_for()
            chat = Chat(page)
            frame = await open_mini_app(page, chat, "/checklist", say(i18n, "kk", "📋 Open as a page"))
            await frame.locator('[data-item="diploma"] button.open-in-chat').click()
            await page.locator("#webapp").wait_for(state="hidden")
            await page.locator("#messages .msg.out .text", has_text="/start ck-diploma").wait_for()
            title = say(i18n, "kk", BY_ID["diploma"].title)
            await page.locator("#messages .msg.in", has_text=title).last.wait_for()
        finally:
            await browser.close()
