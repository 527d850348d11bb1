"""The Mini App page in headless Chromium at a phone's size, against the bot's own web server, with a minimal
Telegram WebApp object (the sandbox's full stand-in has its own test): a whole sheet filled with the page's own
controls gives the command line's total and the chat's summary shows it; the theme and the checklist's links.

Chromium is Debian's (/usr/bin/chromium) and Playwright only its driver (scripts/install-browser.sh).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.web import create_web_app
from bot.settings import Settings
from tests.conftest import Harness, settings_for
from tests.handlers.attestation_helpers import make_teacher, pdf
from tests.handlers.test_scoring import cli_total, make_profile
from tests.sandbox.test_sandbox_browser import ARTIFACTS, CHROMIUM, require_browser
from tests.webapp.helpers import signed_init_data
from tests.webapp.test_miniapp_api import TOKEN
from tests.webapp.test_miniapp_chat import HEAD_CLI, TEACHER_CLI, chat_summary, total_line

# Telegram's WebApp object as the page uses it (telegram-web-app.js sets more): initData, the theme, events.
STUB = """
window.__opened = []; window.__closed = 0; window.__handlers = {};
window.Telegram = { WebApp: {
  initData: %(init_data)s, initDataUnsafe: {}, colorScheme: %(scheme)s, themeParams: %(theme)s,
  ready: function () {}, expand: function () {}, close: function () { window.__closed += 1; },
  onEvent: function (name, fn) { window.__handlers[name] = fn; },
  openTelegramLink: function (url) { window.__opened.push(url); },
  MainButton: { setText: function (t) { window.__mainButton = t; }, onClick: function () {}, show: function () {} }
} };
"""
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "button_color": "#5288c1", "button_text_color": "#ffffff",
        "hint_color": "#708499", "secondary_bg_color": "#232e3c"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}").model_copy(
        update={"webapp_script_url": "/test/telegram-web-app.js"})


Opener = Callable[..., Awaitable[Any]]


@pytest.fixture
async def open_page(harness: Harness) -> AsyncIterator[Opener]:
    """open_page(user_id, language, view=None, scheme="light"): the page in a 390×844 phone viewport."""
    stubs: dict[str, str] = {}

    async def stub(request: web.Request) -> web.Response:
        return web.Response(text=stubs["current"], content_type="text/javascript")
    web_app = create_web_app(harness.app, harness.bot)
    web_app.router.add_get("/test/telegram-web-app.js", stub)
    server = TestServer(web_app)
    await server.start_server()
    async with require_browser()() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                            is_mobile=True, has_touch=True)

        async def opener(user_id: int, language: str, view: str | None = None, scheme: str = "light") -> Any:
            stubs["current"] = STUB % {"init_data": json.dumps(signed_init_data(TOKEN, user_id, language)),
                                       "scheme": json.dumps(scheme),
                                       "theme": json.dumps(DARK if scheme == "dark" else {})}
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.errors = errors
            await page.goto(str(server.make_url("/app/" + (f"?view={view}" if view else ""))))
            await page.locator('#app[aria-busy="false"]').wait_for()
            return page
        try:
            yield opener
        finally:
            await browser.close()
            await server.close()


async def settled(root: Any) -> None:
    """Until every save the page sent has come back and shows (`root`: the page, or the sandbox's app frame)."""
    await root.locator('#app[data-pending="0"]').wait_for()


async def answer(root: Any, criterion: str, steps: list[tuple[str, ...]]) -> None:
    """Answer one criterion with its controls as a thumb would: each step waits for the save to show."""
    card = f'[data-criterion="{criterion}"]'
    for step in steps:
        action, *args = step
        if action == "level":
            await root.locator(f"{card} select.level").nth(int(args[1]) if len(args) > 1 else 0).select_option(args[0])
        elif action == "count":
            await root.locator(f"{card} select.count").last.select_option(args[0])
        elif action == "add":
            await root.locator(f"{card} button.add-kind").click()
            continue  # the new kind waits for its level: nothing is saved yet
        elif action == "typed":
            await root.locator(f"{card} input.typed").fill(args[0])
            await root.locator(f"{card} button.save").click()
        else:  # a checkbox (met, bonus, coauthored) or "none"
            await root.locator(f"{card} .{action}").click()
        await settled(root)
    assert await root.locator(card).get_attribute("data-answered") == "yes"


TEACHER_STEPS: dict[str, list[tuple[str, ...]]] = {
    "1.1": [("level", "growth_1_2")],
    "1.2": [("typed", "72 75 70 74 71")],
    "2.1": [("level", "region"), ("add",), ("level", "district", "1"), ("bonus",)],
    "2.2": [("none",)],
    "3.1": [("level", "republic"), ("count", "2")],
    "3.2": [("level", "international")],
    "3.3": [("level", "republic"), ("coauthored",)],
    "3.4": [("level", "district")],
    "3.5": [("level", "region"), ("coauthored",)],
    "4.1": [("typed", "72 + 36")],
}
HEAD_STEPS: dict[str, list[tuple[str, ...]]] = {
    "1.1": [("met",)], "1.2": [("met",)], "1.3": [("none",)], "1.4": [("met",)], "1.5": [("met",), ("bonus",)],
    "1.6": [("level", "growth_3_4")], "2.1": [("level", "growth")], "2.2": [("none",)],
    "2.3": [("level", "stable")], "2.4": [("level", "region"), ("bonus",)], "3.1": [("level", "growth")],
    "3.2": [("level", "republic"), ("add",), ("level", "district", "1")], "3.3": [("typed", "65")],
    "4.1": [("level", "region")], "4.2": [("none",)], "4.3": [("level", "district")], "5.1": [("typed", "72")],
}


@pytest.mark.parametrize(("role", "claimed", "locale", "sheet", "steps", "cli", "variant"), [
    ("teacher", "researcher", "kk", "teacher", TEACHER_STEPS, TEACHER_CLI, "1"),
    ("head", "head_2", "ru", "head", HEAD_STEPS, HEAD_CLI, None),
])
async def test_a_whole_sheet_filled_on_a_phone_gives_the_command_lines_total_and_the_chats(
        harness: Harness, open_page: Opener, role: str, claimed: str, locale: str, sheet: str,
        steps: dict[str, list[tuple[str, ...]]], cli: dict[str, Any], variant: str | None) -> None:
    await make_profile(harness, 500, role, "general_secondary", claimed, locale)
    page = await open_page(500, locale)
    assert await page.get_attribute("#app", "data-sheet") == sheet
    assert await page.get_attribute("html", "lang") == locale
    for criterion, criterion_steps in steps.items():
        await answer(page, criterion, criterion_steps)
    expected = cli_total(sheet, cli)
    total = await page.locator("#total").inner_text()
    assert float(await page.get_attribute("#total", "data-total")) == expected["total"]
    # A phone's width: nothing sticks out sideways, and the summary stays readable.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.locator("#summary-details summary").click()
    lines = await page.locator("#summary-lines li").all_inner_texts()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"miniapp-{sheet}-{locale}.png"), full_page=True)
    await page.locator('[data-criterion="3.1"]').scroll_into_view_if_needed()
    await page.screenshot(path=str(ARTIFACTS / f"miniapp-{sheet}-{locale}-phone.png"))
    summary = await chat_summary(harness, 500, variant)
    assert total_line(harness, locale, total) in summary
    assert lines and all(line.lstrip("• ") in summary for line in lines)
    assert page.errors == []


async def test_the_page_follows_telegrams_theme_and_fits_360_pixels(harness: Harness, open_page: Opener) -> None:
    await make_teacher(harness, 501, locale="kk")
    page = await open_page(501, "kk", scheme="dark")
    await page.set_viewport_size({"width": 360, "height": 740})
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "miniapp-dark-360.png"))
    assert await page.get_attribute("html", "data-scheme") == "dark"
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"  # DARK's bg_color
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every button is big enough for a thumb (Telegram's guideline: 44 px).
    heights = await page.evaluate("[...document.querySelectorAll('button, select')].map(b => b.offsetHeight)")
    assert heights and min(heights) >= 44
    await page.evaluate("""() => { window.Telegram.WebApp.colorScheme = 'light';
        window.Telegram.WebApp.themeParams = {bg_color: '#ffffff', text_color: '#000000'};
        window.__handlers.themeChanged(); }""")
    assert await page.get_attribute("html", "data-scheme") == "light"
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert await page.evaluate("window.__mainButton")  # "back to the chat", in her language
    assert page.errors == []


async def test_the_checklist_page_sends_her_back_to_the_chat_with_the_item_open(
        harness: Harness, open_page: Opener) -> None:
    h, user = harness, harness.user(502)
    await make_teacher(h, 502, locale="ru")
    await h.text(user, "/start ck-diploma")
    await h.send(user, document=pdf("dip5", "диплом.pdf"))
    page = await open_page(502, "ru", view="checklist")
    # Nothing of the page's own making shows as "null" (a missing part printed as text).
    assert "null" not in await page.locator("#app").inner_text()
    assert await page.locator("#items").evaluate("node => getComputedStyle(node).listStyleType") == "none"
    diploma = page.locator('[data-item="diploma"]')
    assert await diploma.get_attribute("data-state") == "done"
    assert await diploma.locator(".item-file").all_inner_texts() == ["диплом.pdf (196 KB)"]
    await diploma.locator("button.open-in-chat").click()
    opened = await page.evaluate("window.__opened")
    assert opened == ["https://t.me/attestation_test_bot?start=ck-diploma"]
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.errors == []
