"""A Mini App in the sandbox's chat page, in headless Chromium on a 390×844 phone: the panel opens a small
Mini App (served by this test) with signed initData, Telegram's theme and MainButton; sendData, close and
a t.me link to the bot behave as in Telegram. The bot's side is played with Bot API calls, no bot process.

Chromium is Debian's (/usr/bin/chromium), as in test_sandbox_browser.py; a missing browser fails the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonWebApp,
    ReplyKeyboardMarkup,
    WebAppInfo,
)
from aiogram.utils.web_app import safe_parse_webapp_init_data
from aiohttp import web

from sandbox.botapi import BotAPIServer

from .test_sandbox_browser import CHROMIUM, CHROMIUM_ARGS, require_browser

TOKEN = "7100000000:SANDBOX-webapp-test"
BOT_USERNAME = "attestation_webapp_bot"
SHOTS = Path("/tmp/sbxweb")
PHONE = {"width": 390, "height": 844}

FIXTURE_APP = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<script src="{script}"></script>
<style>
  body {{ margin: 0; padding: 16px; font: 16px system-ui, sans-serif;
         background: var(--tg-theme-bg-color); color: var(--tg-theme-text-color); }}
  .hint {{ color: var(--tg-theme-hint-color); }}
  button {{ margin: 4px 0; padding: 10px; width: 100%; border: 0; border-radius: 8px;
           background: var(--tg-theme-secondary-bg-color); color: var(--tg-theme-link-color); }}
</style></head>
<body>
  <h1 id="hello">…</h1>
  <p class="hint">Theme: <span id="scheme"></span> · viewport <span id="viewport"></span></p>
  <p id="result"></p>
  <button id="confirm" type="button">Ask to confirm</button>
  <button id="link" type="button">Open item 7 in the chat</button>
  <button id="close" type="button">Close</button>
  <script>
    const app = window.Telegram.WebApp;
    const show = () => {{
      document.getElementById("scheme").textContent = app.colorScheme;
      document.getElementById("viewport").textContent = app.viewportHeight;
    }};
    document.getElementById("hello").textContent = "Hello, " + app.initDataUnsafe.user.first_name;
    show();
    app.onEvent("themeChanged", show);
    app.onEvent("viewportChanged", show);
    app.MainButton.setText("Send the score").show();
    app.MainButton.onClick(() => app.sendData(JSON.stringify({{total: 42}})));
    document.getElementById("confirm").onclick = () =>
      app.showConfirm("Save the answers?", (ok) => {{
        document.getElementById("result").textContent = "confirmed " + ok;
      }});
    document.getElementById("link").onclick = () => app.openTelegramLink("https://t.me/{bot}?start=item_7");
    document.getElementById("close").onclick = () => app.close();
    app.ready();
  </script>
</body></html>
"""


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[BotAPIServer]:
    server = BotAPIServer(tmp_path / "botapi", default_token=TOKEN)
    server.register_bot(TOKEN, first_name="Attestation bot", username=BOT_USERNAME)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def mini_app(server: BotAPIServer) -> AsyncIterator[str]:
    """A tiny Mini App on its own origin, loading the WebApp script from the sandbox as the bot's page does."""
    page = FIXTURE_APP.format(script=f"{server.url}/telegram-web-app.js", bot=BOT_USERNAME)

    async def serve(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/app/", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/app/"
    finally:
        await runner.cleanup()


class Updates:
    """The bot's getUpdates, confirming as it goes, so each call returns only what is new."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.offset = 0

    async def new(self) -> list[Any]:
        updates = await self.bot.get_updates(offset=self.offset, timeout=0)
        if updates:
            self.offset = updates[-1].update_id + 1
        return updates


def app_frame(page: Any, url: str) -> Any:
    frames = [frame for frame in page.frames if frame.url.startswith(url)]
    assert frames, [frame.url for frame in page.frames]
    return frames[-1]


async def theme_variable(frame: Any, name: str) -> str:
    value = await frame.evaluate(f"getComputedStyle(document.documentElement).getPropertyValue('{name}')")
    return str(value).strip()


async def test_mini_app_opens_in_a_phone_panel_and_talks_to_the_chat(
        server: BotAPIServer, bot: Bot, mini_app: str) -> None:
    async_playwright = require_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    user = server.create_user("Айгуль", last_name="Ахметова", language_code="kk")
    server.start_chat(user.id)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=PHONE, color_scheme="light")
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(f"{server.url}/?user={user.id}")
            await page.locator("#who-name", has_text="Айгуль Ахметова").wait_for()
            await page.locator("#empty").wait_for()
            await run_scenario(page, server, bot, mini_app, user.id)
            await open_from_the_menu_button_on_a_wide_screen(browser, server, bot, mini_app, user.id)
            assert not errors, errors
        finally:
            await browser.close()


async def run_scenario(page: Any, server: BotAPIServer, bot: Bot, mini_app: str, user_id: int) -> None:
    updates = Updates(bot)
    inline = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="📝 Open the form",
                                                                         web_app=WebAppInfo(url=mini_app))]])
    await bot.send_message(user_id, "Your self-assessment sheet", reply_markup=inline)
    await page.locator(".ikb.opens-app", has_text="Open the form").click()

    # The panel: the bot's name, the app with the user's name, Telegram's light theme, the MainButton.
    panel = page.locator("#webapp")
    await panel.wait_for()
    assert await page.locator("#webapp-title").inner_text() == "Attestation bot"
    frame_box = await page.locator("#webapp-frame").bounding_box()
    assert frame_box is not None and frame_box["width"] == PHONE["width"]
    frame = page.frame_locator("#webapp-frame")
    await frame.locator("#hello", has_text="Hello, Айгуль").wait_for()
    main = page.locator("#webapp-main")
    await main.wait_for()
    assert await main.inner_text() == "SEND THE SCORE"  # shown in capitals, as Telegram Web does
    app = app_frame(page, mini_app)
    assert await theme_variable(app, "--tg-theme-bg-color") == "#ffffff"
    assert await theme_variable(app, "--tg-theme-button-color") == "#3390ec"
    assert await theme_variable(app, "--tg-theme-secondary-bg-color") == "#f4f4f5"
    assert (await theme_variable(app, "--tg-viewport-height")).endswith("px")
    assert await frame.locator("#scheme").inner_text() == "light"
    # The app got initData that Telegram's check (aiogram's) accepts for this bot and this user.
    init_data = await app.evaluate("window.Telegram.WebApp.initData")
    parsed = safe_parse_webapp_init_data(TOKEN, init_data)
    assert parsed.user is not None and parsed.user.id == user_id and parsed.query_id
    assert await app.evaluate("window.Telegram.WebApp.initDataUnsafe.user.last_name") == "Ахметова"
    await page.screenshot(path=str(SHOTS / "panel-light.png"))

    # The theme switch in the panel reaches the app as theme_changed.
    await page.click("#webapp-theme")
    await frame.locator("#scheme", has_text="dark").wait_for()
    assert await theme_variable(app, "--tg-theme-bg-color") == "#212121"
    # The MainButton's colour was not set by the app, so it follows the theme too.
    await page.wait_for_function("getComputedStyle(document.getElementById('webapp-main')).backgroundColor"
                                 " === 'rgb(135, 116, 225)'")
    await page.screenshot(path=str(SHOTS / "panel-dark.png"))
    await page.click("#webapp-theme")
    await frame.locator("#scheme", has_text="light").wait_for()

    # A popup from the app is shown by the chat page and answered back.
    await frame.locator("#confirm").click()
    await page.locator("#webapp-popup", has_text="Save the answers?").wait_for()
    await page.screenshot(path=str(SHOTS / "panel-popup.png"))
    await page.locator("#webapp-popup .popup-button.ok").click()
    await frame.locator("#result", has_text="confirmed true").wait_for()

    # An app opened from an inline button cannot sendData (Telegram ignores it): nothing reaches the bot.
    await main.click()
    await page.locator("#toasts .toast", has_text="keyboard button").wait_for()
    await page.locator("#toasts .toast button").click()
    assert not [u for u in await updates.new() if u.message and u.message.web_app_data]

    # close() closes the panel.
    await frame.locator("#close").click()
    await panel.wait_for(state="hidden")

    # openTelegramLink to the bot's own start link closes the panel and sends /start with the payload.
    await page.locator(".ikb.opens-app", has_text="Open the form").click()
    await frame.locator("#hello", has_text="Hello").wait_for()
    await frame.locator("#link").click()
    await panel.wait_for(state="hidden")
    await page.locator("#messages .msg.out .text", has_text="/start item_7").wait_for()
    texts = [u.message.text for u in await updates.new() if u.message]
    assert texts == ["/start item_7"]

    # From a reply keyboard button, the MainButton's sendData reaches the bot as message.web_app_data.
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="📝 Fill in", web_app=WebAppInfo(url=mini_app))]],
                                   resize_keyboard=True)
    await bot.send_message(user_id, "Or fill it in here", reply_markup=keyboard)
    await page.locator("#reply-keyboard .rkb.opens-app", has_text="Fill in").click()
    await frame.locator("#hello", has_text="Hello").wait_for()
    keyboard_app = app_frame(page, mini_app)
    assert not await keyboard_app.evaluate("'query_id' in window.Telegram.WebApp.initDataUnsafe")
    await main.click()
    await panel.wait_for(state="hidden")
    await page.locator("#messages .msg.service", has_text="Fill in").wait_for()
    await page.screenshot(path=str(SHOTS / "chat-after-send-data.png"))
    sent = [u.message for u in await updates.new() if u.message and u.message.web_app_data]
    assert len(sent) == 1 and sent[0].from_user is not None and sent[0].from_user.id == user_id
    assert sent[0].web_app_data.data == '{"total":42}'
    assert sent[0].web_app_data.button_text == "📝 Fill in"


async def open_from_the_menu_button_on_a_wide_screen(browser: Any, server: BotAPIServer, bot: Bot, mini_app: str,
                                                     user_id: int) -> None:
    """The chat menu button set with setChatMenuButton opens the app; on a wide screen the panel is phone-sized."""
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text="Form", web_app=WebAppInfo(url=mini_app)))
    await page.goto(f"{server.url}/?user={user_id}")
    await page.locator("#menu-app", has_text="Form").click()
    await page.frame_locator("#webapp-frame").locator("#hello", has_text="Hello, Айгуль").wait_for()
    phone = await page.locator(".webapp-phone").bounding_box()
    assert phone is not None and phone["width"] == 390 and phone["height"] <= 844
    await page.screenshot(path=str(SHOTS / "panel-wide.png"))
    await page.click("#webapp-close")
    await page.locator("#webapp").wait_for(state="hidden")
    await page.close()
