"""The sandbox as a person uses it: headless Chromium opens the chat page, creates a user, talks to the real
bot process (onboarding from /start to the last profile question) and uploads a document from the page.

Chromium is Debian's (/usr/bin/chromium) and Playwright is only its driver; scripts/install-browser.sh,
run by scripts/test.sh, installs both. A missing browser fails this test instead of skipping it.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from features.profile.callbacks import AreaCallback, ChoiceCallback, ConsentCallback, LanguageCallback, ToggleCallback
from sandbox.run import Sandbox

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
UID = 5101
PHONE = "+77011234567"
VALID_IIN = "850315300019"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def require_browser() -> Any:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: run `bash scripts/install-browser.sh` (scripts/test.sh does)")
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install-browser.sh` (installs Debian's chromium)")
    return async_playwright


class Chat:
    """The page as the person sees it; every step waits for the bot the way a person would."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.messages = page.locator("#messages .msg")
        self.bot_messages = page.locator("#messages .msg.in")

    async def seen(self) -> tuple[int, str]:
        count = await self.messages.count()
        last = await self.messages.nth(count - 1).inner_text() if count else ""
        return count, last

    async def settle(self, before: tuple[int, str], timeout: float = 30.0) -> None:
        """Until the bot has answered (the chat changed) and then stayed quiet for a moment."""
        deadline = time.monotonic() + timeout
        last, quiet_since = before, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            now = await self.seen()
            if now != last:
                last, quiet_since = now, time.monotonic()
            elif now[0] > before[0] and await self.bot_messages.count() and await self._bot_spoke_last() \
                    and time.monotonic() - quiet_since > 0.5:
                return
        raise AssertionError(f"the bot did not answer; last message on the page: {last[1]!r}")

    async def _bot_spoke_last(self) -> bool:
        return "in" in (await self.messages.last.get_attribute("class") or "")

    async def send(self, text: str) -> None:
        before = await self.seen()
        await self.page.fill("#text", text)
        await self.page.press("#text", "Enter")
        await self.page.locator("#messages .msg.out .text", has_text=text).last.wait_for()
        await self.settle(before)

    def button(self, data: str) -> Any:
        return self.page.locator(f'#messages .msg.in .ikb[data-callback="{data}"]').last

    async def press(self, data: str) -> None:
        button = self.button(data)
        await button.wait_for()
        before = await self.seen()
        await button.click()
        await self.settle(before)


def choice(field: str, value: str) -> str:
    return ChoiceCallback(field=field, value=value).pack()


async def test_person_completes_onboarding_and_uploads_a_document_in_the_browser(sandbox: Sandbox) -> None:
    async_playwright = require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # A phone-sized window: the page has to work there too.
            page = await browser.new_page(viewport={"width": 420, "height": 860})
            page.set_default_timeout(30_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            try:
                await run_scenario(page, sandbox)
            finally:
                await page.screenshot(path=str(ARTIFACTS / "sandbox.png"))
            assert not errors, errors
        finally:
            await browser.close()
    with sqlite3.connect(sandbox.data_dir / "bot.db") as conn:
        row = conn.execute("select completed_at, phone from teacher_profiles where user_id = ?", (UID,)).fetchone()
    assert row is not None and row[0] is not None and row[1] == PHONE


async def run_scenario(page: Any, sandbox: Sandbox) -> None:
    chat = Chat(page)

    # Pick a user: none exist yet, so create one with the form; the tab then plays that user.
    await page.goto(sandbox.page_url)
    await page.get_by_text("Who is chatting?").wait_for()
    form = page.locator("#create-form")
    await form.locator("[name=first_name]").fill("Айгуль")
    await form.locator("[name=last_name]").fill("Ахметова")
    await form.locator("[name=id]").fill(str(UID))
    await form.locator("[name=language_code]").select_option("kk")
    await form.locator("[name=phone_number]").fill(PHONE)
    await form.get_by_role("button", name="Create and chat").click()
    await page.wait_for_url(f"**/?user={UID}")
    await page.locator("#who-name", has_text="Айгуль Ахметова").wait_for()
    await page.locator("#status", has_text="online").wait_for()

    await chat.send("/start")
    kazakh = LanguageCallback(code="kk").pack()
    await chat.button(kazakh).wait_for()
    bubble = page.locator("#messages .msg.in").filter(has=page.locator(f'.ikb[data-callback="{kazakh}"]'))
    message_id = await bubble.get_attribute("data-id")
    await chat.press(kazakh)
    # The callback answer shows as a toast; the language message is edited in place, not sent anew.
    await page.locator("#toasts .toast", has_text="Қазақша").first.wait_for()
    edited = page.locator(f'#messages .msg[data-id="{message_id}"]')
    assert await edited.count() == 1
    assert "Қазақша" in await edited.inner_text()
    assert await edited.locator(".ikb").count() == 0

    await chat.press(ConsentCallback(agree=True).pack())
    await chat.send("Ахметова Айгуль")
    await chat.send(VALID_IIN)
    await chat.press(choice("role", "teacher"))
    await chat.press(choice("teaching_post", "subject"))
    await chat.press(choice("org_type", "general_secondary"))
    await chat.send("Школа-лицей №7")
    await chat.press(choice("region", "karaganda"))
    await chat.send("Қарағанды қаласы")  # typed: the match is confirmed with its button
    await chat.press(AreaCallback(action="pick", code="351010000").pack())
    await chat.press(choice("current_category", "moderator"))
    await chat.send("31.12.2026")
    await chat.send("8")
    await chat.press(choice("education", "higher_pedagogical"))
    await chat.press(choice("claimed_category", "expert"))
    await chat.press(choice("attestation_kind", "regular"))
    await chat.press(ToggleCallback(field="certificates", value=".").pack())
    await chat.press(choice("special_programme", "no"))
    await chat.press(choice("transferred", "no"))
    await chat.send("aigul@mail.kz")

    # The phone question opens a reply keyboard; its request_contact button shares the user's own contact.
    share = page.locator("#reply-keyboard .rkb.contact-request")
    await share.wait_for()
    before = await chat.seen()
    await share.click()
    await page.locator("#messages .msg.out .contact", has_text=PHONE).wait_for()
    await chat.settle(before)
    await page.locator("#messages .msg.in", has_text="(13-т.)").first.wait_for()
    assert await page.locator("#reply-keyboard").is_hidden()

    # A document from the page: the file chooser behind the paperclip, then the bubble with a download link.
    before = await chat.seen()
    async with page.expect_file_chooser() as chooser_info:
        await page.click("#attach-doc")
    chooser = await chooser_info.value
    await chooser.set_files(files=[{"name": "diploma.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    sent = page.locator("#messages .msg.out .document", has_text="diploma.pdf").last
    await sent.wait_for()
    await chat.settle(before)
    href = await sent.get_attribute("href")
    assert href is not None and href.startswith("/sandbox/api/files/")
    # Over HTTP as the browser's link does (the server runs on this test's event loop, so no blocking client).
    async with aiohttp.ClientSession() as http, http.get(sandbox.url + href) as response:
        assert await response.read() == PDF
    assert await chat.messages.last.get_attribute("class") == "msg in"

    # Bot text with entities is rendered, never shown as markup.
    shown = await page.locator("#messages").inner_text()
    assert "<b>" not in shown and "&lt;" not in shown
