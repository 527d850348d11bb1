"""Verifiable certificates end to end through the real Dispatcher: a decided application's extract and
certificate carry a code and a QR code (read back from the DOCX and the PDF) whose signed facts verify with the
published key; /verify answers valid, unknown, invalid, expired and revoked; an admin revokes with a confirmation
and the teacher is told in her language; the page and its JSON say the same with the IIN masked; the offline
command accepts the QR code's text and refuses a tampered one."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.web import create_web_app
from bot.clock import local_today
from bot.i18n import create_i18n
from features.verification import service as verification_service
from features.verification.keys import public_pem, signing_key
from features.verification.payload import display_code, verify
from features.verification.service import REVOKED_NOTICES, UNKNOWN_CODE, Status
from features.verification.views import STATUS_LINES
from storage.commission_models import GeneratedDocument
from storage.profile_models import TeacherProfile
from storage.verification_models import IssuedDocument
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.handlers.commission_helpers import ADMIN, TEACHERS
from tests.handlers.test_commission_documents import (
    docs,
    docx_text,
    enter_order,
    of_kind,
    pdf_text,
    run_session,
)

I18N = create_i18n("kk")
ROOT = Path(__file__).parents[2]


def t(text: str, locale: str = "kk") -> str:
    return I18N.gettext(text, locale=locale)


def qr_of_image(data: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)).convert("L"))
    assert len(found) == 1
    return found[0].text


def qr_of_docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        images = [name for name in docx.namelist() if name.startswith("word/media/")]
        assert len(images) == 1
        return qr_of_image(docx.read(images[0]))


def qr_of_pdf(data: bytes) -> str:
    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert len(images) == 1
    out = io.BytesIO()
    images[0].image.save(out, format="PNG")  # type: ignore[union-attr]
    return qr_of_image(out.getvalue())


async def registry(h: Harness) -> list[IssuedDocument]:
    async with h.app.sessions() as s:
        return list(await s.scalars(select(IssuedDocument).order_by(IssuedDocument.id)))


async def issued(h: Harness) -> tuple[list, list]:  # type: ignore[type-arg]
    """A closed session (extracts) and its order entered (certificates), as the documents' test runs them."""
    sid, _items, sent = await run_session(h)
    certificates = await enter_order(h, sid)
    return sent, certificates


async def test_every_extract_and_certificate_carries_a_verifiable_code_and_qr(harness: Harness) -> None:
    sent, certificates = await issued(harness)
    rows = await registry(harness)
    assert sorted(r.kind for r in rows) == ["certificate", "certificate", "extract", "extract"]
    key = signing_key(harness.app.settings.signing_key_path).public_key()
    async with harness.app.sessions() as s:
        iin = (await s.get(TeacherProfile, TEACHERS[0])).iin  # type: ignore[union-attr]
    assert iin and len(iin) == 12
    for stem, requests in (("certificate", certificates), ("extract", sent)):
        documents = docs(requests, TEACHERS[0], stem)
        pdf, docx = of_kind(documents, "pdf"), of_kind(documents, "docx")
        from_pdf, from_docx = qr_of_pdf(pdf), qr_of_docx(docx)
        assert from_pdf == from_docx
        facts = verify(from_pdf, key)
        row = next(r for r in rows if r.code == facts.code)
        assert row.kind == stem and row.facts == facts.as_json() and row.revoked_at is None
        assert facts.full_name == "Teacher 301" and facts.iin_last4 == iin[-4:]
        assert facts.category == "expert" and facts.commission == "District attestation commission of Karaganda"
        code = display_code(facts.code)
        assert code in pdf_text(pdf) and code in docx_text(docx)[0]
        assert iin not in pdf_text(pdf) and iin not in from_pdf
        if stem == "certificate":
            assert facts.number == row.facts["r"] and facts.valid_until is not None


async def test_verify_in_the_bot_valid_unknown_invalid_and_expired(harness: Harness,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _sent, certificates = await issued(harness)
    text = qr_of_pdf(of_kind(docs(certificates, TEACHERS[0], "certificate"), "pdf"))
    facts = verify(text, signing_key(harness.app.settings.signing_key_path).public_key())
    someone = harness.user(555)
    typed = display_code(facts.code).lower().replace("-", " ")  # as a person might type it
    answer = texts(await harness.text(someone, f"/verify {typed}"))[-1]
    assert answer.startswith(t(STATUS_LINES[Status.VALID])) and "Teacher 301" in answer and "********" in answer
    answer = texts(await harness.text(someone, f"/verify {text}"))[-1]  # the QR code's text pasted
    assert answer.startswith(t(STATUS_LINES[Status.VALID]))
    unknown = texts(await harness.text(someone, "/verify 2345-6789-AB"))[-1]
    assert unknown == t(UNKNOWN_CODE).format(code="2345-6789-AB")
    head, body, signature = text.split(".")
    forged = f"{head}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    assert texts(await harness.text(someone, f"/verify {forged}"))[-1] == t(STATUS_LINES[Status.INVALID])
    assert facts.valid_until is not None
    last_day = facts.valid_until
    monkeypatch.setattr(verification_service, "local_today", lambda settings: last_day)
    assert texts(await harness.text(someone, f"/verify {facts.code}"))[-1].startswith(t(STATUS_LINES[Status.VALID]))
    monkeypatch.setattr(verification_service, "local_today", lambda settings: last_day + timedelta(days=1))
    expired = texts(await harness.text(someone, f"/verify {facts.code}"))[-1]
    assert expired.startswith(t(STATUS_LINES[Status.EXPIRED]).format(date=last_day.strftime("%d.%m.%Y")))


async def test_an_admin_revokes_it_the_teacher_is_told_and_it_shows_revoked_everywhere(harness: Harness) -> None:
    _sent, certificates = await issued(harness)
    text = qr_of_pdf(of_kind(docs(certificates, TEACHERS[0], "certificate"), "pdf"))
    facts = verify(text, signing_key(harness.app.settings.signing_key_path).public_key())
    code = display_code(facts.code)
    assert texts(await harness.text(harness.user(TEACHERS[1]), f"/revoke {code} no"))[-1] == t(
        "This command is for administrators only.", "ru")  # the teachers read Russian
    admin = harness.user(ADMIN)
    asked = await harness.text(admin, f"/revoke {code} решение отменено по апелляции")
    confirm = last_markup_data(asked)[0]
    assert confirm.startswith("vr:ok:")
    assert (await registry(harness))[0].revoked_at is None  # nothing before the confirmation
    done = await harness.press(admin, confirm)
    told = [r.text for r in done if getattr(r, "chat_id", None) == TEACHERS[0]]
    day = local_today(harness.app.settings).strftime("%d.%m.%Y")
    assert told == [t(REVOKED_NOTICES["certificate"], "ru").format(code=code, date=day,
                                                                   reason="решение отменено по апелляции")]
    answer = texts(await harness.text(harness.user(555), f"/verify {code}"))[-1]
    assert answer.startswith(t(STATUS_LINES[Status.REVOKED]).format(date=day, reason="решение отменено по апелляции"))
    again = await harness.text(admin, f"/revoke {code} ещё раз")
    assert texts(again)[-1] == t("The document {code} was already revoked on {date}.").format(code=code, date=day)
    assert t("This button is no longer active.") in alerts(await harness.press(admin, confirm))

    # The page and its JSON say so too; the offline check can only vouch for the signature.
    async with TestClient(TestServer(create_web_app(harness.app, harness.bot))) as client:
        response = await client.get(f"/verify/{facts.code}.json")
        assert response.status == 200
        body = await response.json()
        assert body["status"] == "revoked" and body["revoked_reason"] == "решение отменено по апелляции"
    public = harness.app.settings.signing_key_path.with_name("public.pem")
    public.write_text(public_pem(signing_key(harness.app.settings.signing_key_path).public_key()))
    offline = subprocess.run([sys.executable, "-m", "features.verification", "verify", "--public-key", str(public),
                              text], cwd=ROOT, capture_output=True, text=True)
    assert offline.returncode == 0 and "VALID" in offline.stdout and "revocation" in offline.stdout


async def test_the_verification_page_shows_the_facts_and_status_with_the_iin_masked(harness: Harness) -> None:
    _sent, certificates = await issued(harness)
    text = qr_of_pdf(of_kind(docs(certificates, TEACHERS[0], "certificate"), "pdf"))
    key = signing_key(harness.app.settings.signing_key_path).public_key()
    facts = verify(text, key)
    async with harness.app.sessions() as s:
        iin = (await s.get(TeacherProfile, TEACHERS[0])).iin  # type: ignore[union-attr]
    assert iin is not None
    async with TestClient(TestServer(create_web_app(harness.app, harness.bot))) as client:
        page = await client.get(f"/verify/{display_code(facts.code).lower()}", headers={"Accept-Language": "ru-RU"})
        html = await page.text()
        assert page.status == 200 and 'lang="ru"' in html
        assert t(STATUS_LINES[Status.VALID], "ru") in html and "Teacher 301" in html
        assert f"********{iin[-4:]}" in html and iin not in html
        english = await (await client.get(f"/verify/{facts.code}?lang=en")).text()
        assert "Valid: the document was issued" in english
        data = await (await client.get(f"/verify/{facts.code}", headers={"Accept": "application/json"})).json()
        assert data["status"] == "valid" and data["document"]["iin"] == f"********{iin[-4:]}"
        assert data["document"]["full_name"] == "Teacher 301" and iin not in str(data)
        unknown = await client.get("/verify/2345-6789-AB")
        assert unknown.status == 404 and t(UNKNOWN_CODE).format(code="2345-6789-AB") in await unknown.text()
        nonsense = await client.get("/verify/<script>.json")
        assert nonsense.status == 404 and (await nonsense.json())["status"] == "unknown"
        # The page's script sends the QR code's payload: a tampered one, or one signing another code, is invalid.
        assert "location.hash" in html
        checked = await (await client.get(f"/verify/{facts.code}.json", params={"payload": text})).json()
        assert checked["status"] == "valid"
        head, body, signature = text.split(".")
        tampered = f"{head}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
        checked = await (await client.get(f"/verify/{facts.code}.json", params={"payload": tampered})).json()
        assert checked["status"] == "invalid" and "document" not in checked
        other = next(r.code for r in await registry(harness) if r.code != facts.code)
        checked = await (await client.get(f"/verify/{other}.json", params={"payload": text})).json()
        assert checked["status"] == "invalid"
        published = await (await client.get("/verify/key")).text()
        assert published == public_pem(key)


def test_the_offline_command_says_valid_or_invalid_with_its_exit_code(tmp_path: Path) -> None:
    from datetime import date as day

    from features.verification.payload import Facts, assemble, sign

    key = signing_key(tmp_path / "signing_key.pem")
    (tmp_path / "public.pem").write_text(public_pem(key.public_key()))
    facts = Facts(kind="certificate", code="7K3MZQ9W2H", full_name="Әбенова Гүлнұр", iin_last4="0123",
                  category="expert", decided_on=day(2026, 5, 20), commission="Комиссия", valid_until=day(2031, 5, 20),
                  number="45-к")
    text = assemble(facts, sign(facts, key))

    def run(payload: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "features.verification", "verify", "--public-key",
                               str(tmp_path / "public.pem"), payload], cwd=ROOT, capture_output=True, text=True)

    valid = run(text)
    assert valid.returncode == 0 and "VALID" in valid.stdout and "Әбенова Гүлнұр" in valid.stdout
    assert "********0123" in valid.stdout
    other = assemble(Facts(**{**facts.__dict__, "category": "master"}), text.rsplit(".", 1)[1])
    tampered = run(other)
    assert tampered.returncode == 1 and tampered.stdout.startswith("INVALID")


async def test_help_names_verify_for_everyone_and_revoke_for_admins(harness: Harness) -> None:
    for_teacher = texts(await harness.text(harness.user(301, "ru"), "/help"))[0]
    for_admin = texts(await harness.text(harness.user(ADMIN, "ru"), "/help"))[0]
    assert "/verify" in for_teacher and "/revoke" not in for_teacher
    assert "/revoke" in for_admin and for_admin.startswith(for_teacher)
    usage = texts(await harness.text(harness.user(301, "ru"), "/verify"))[0]
    assert usage == t("Send /verify and the code printed under the QR code of a certificate or an extract, e.g. "
                      "/verify ABCD-EFGH-JK; or paste the text of its QR code after /verify.", "ru")
    key = texts(await harness.text(harness.user(301, "ru"), "/verify_key"))[0]
    assert public_pem(signing_key(harness.app.settings.signing_key_path).public_key()).strip() in key


async def test_the_page_opened_from_a_qr_link_checks_the_signed_facts_in_its_fragment(harness: Harness) -> None:
    """What a phone does with the QR code of a deployment with VERIFY_URL: opens the link; the page's script
    checks the fragment's payload, so a link whose facts were altered shows "not valid" (Debian's chromium)."""
    from tests.sandbox.test_sandbox_browser import CHROMIUM, CHROMIUM_ARGS, require_browser

    async_playwright = require_browser()
    _sent, certificates = await issued(harness)
    text = qr_of_pdf(of_kind(docs(certificates, TEACHERS[0], "certificate"), "pdf"))
    code = display_code(verify(text, signing_key(harness.app.settings.signing_key_path).public_key()).code)
    head, body, signature = text.split(".")
    tampered = f"{head}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    async with TestServer(create_web_app(harness.app, harness.bot), host="127.0.0.1") as server, \
            async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for payload, shown, hidden in ((text, "#verdict", "#forged"), (tampered, "#forged", "#verdict")):
            page = await browser.new_page(locale="ru-RU")  # as a phone opens a link: a page of its own
            await page.goto(f"http://127.0.0.1:{server.port}/verify/{code}?lang=ru#{payload}")
            await page.wait_for_selector(shown, state="visible")
            await page.wait_for_timeout(500)  # the script's answer has come by now
            assert await page.is_visible(shown) and not await page.is_visible(hidden), payload[:12]
        await browser.close()


async def test_a_registry_row_and_its_document_are_written_together_or_not_at_all(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The certificates' registry rows are in the update's transaction: a failure while rendering leaves neither
    a certificate nor a row for one."""
    from features.commission.documents import service as documents

    sid, _items, _sent = await run_session(harness)
    assert sorted(r.kind for r in await registry(harness)) == ["extract", "extract"]

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("the PDF writer failed")

    monkeypatch.setattr(documents, "certificate_pdf", broken)
    with contextlib.suppress(RuntimeError):  # however the pipeline reports it, the update is rolled back
        await enter_order(harness, sid)
    assert sorted(r.kind for r in await registry(harness)) == ["extract", "extract"]
    async with harness.app.sessions() as s:
        kinds = list(await s.scalars(select(GeneratedDocument.kind)))
    assert "certificate" not in kinds and "extract" in kinds
