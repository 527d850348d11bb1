"""The application dossier through the real Dispatcher: the teacher's from /status, the commission's from the card.

The PDF and the ZIP are read back: the PDF's pages are the cover's, then each uploaded PDF's and one per image, in
checklist order; the cover names every file's checksum; the ZIP's members are the uploads, byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import BufferedInputFile, Document, InlineKeyboardMarkup
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from bot.refusal import STALE_BUTTON
from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from features.dossier.build import IN_ZIP, UNREADABLE
from features.dossier.callbacks import DossierAct, DossierCallback
from features.dossier.views import DOSSIER_BUTTON
from features.submission.callbacks import SubmissionCallback
from storage.checklist_models import Application
from storage.profile_models import User
from tests.conftest import Harness, alerts, last_markup_data, texts
from tests.fakes import A_DOCUMENT
from tests.handlers.attestation_helpers import NOW, at, make_teacher, pdf, photo
from tests.handlers.commission_helpers import (
    MEMBERS,
    SECRETARY,
    agenda,
    cm,
    elect_chair,
    full_commission,
    voting_session,
)
from tests.handlers.test_essay import docx_bytes, words
from tests.handlers.test_submission import applications

SUBMIT = SubmissionCallback(action="submit").pack()


def real_pdf(pages: int, label: str) -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=14)
    for n in range(1, pages + 1):
        document.add_page()
        document.cell(text=f"{label} page {n}")
    return bytes(document.output())


def picture(fmt: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "darkgreen").save(buffer, fmt)
    return buffer.getvalue()


@dataclass(frozen=True)
class Upload:
    item: str
    data: bytes
    pages: list[str]  # the text of each of its pages in the dossier ([] : not pages; "" : an image page)


def squeezed(text: str) -> str:
    """Text without whitespace: a PDF's extracted lines break where its layout wrapped them."""
    return "".join(text.split())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ck(act: ChecklistAct, item: str, yes: bool = False) -> str:
    return ChecklistCallback(action=act, item=item, yes=yes).pack()


async def prepare(h: Harness, user_id: int, locale: str = "ru") -> list[Upload]:
    """A teacher who sends through the bot PDFs, a photo, a PNG, a file no PDF reader opens, and a Word essay."""
    await make_teacher(h, user_id, locale)
    user = h.user(user_id)
    h.app.dispatcher["clock"] = at(NOW)
    uploads = [
        Upload("courses", real_pdf(2, "Courses"), ["Courses page 1", "Courses page 2"]),
        Upload("courses", picture("JPEG", (640, 480)), [""]),
        Upload("category_certificate", picture("PNG", (300, 500)), [""]),
        Upload("student_achievements", real_pdf(3, "Contests"), ["Contests page 1", "Contests page 2",
                                                                   "Contests page 3"]),
        Upload("observation_sheets", real_pdf(1, "Lessons"), ["Lessons page 1"]),
        Upload("knowledge_quality", A_DOCUMENT, []),  # "%PDF" and no pages: only in the ZIP
    ]
    for n, upload in enumerate(uploads):
        await h.press(user, ck(ChecklistAct.OPEN, upload.item))
        if upload.data.startswith(b"\xff\xd8"):  # the JPEG goes as a Telegram photo
            h.session.files[f"P-p{user_id}{n}"] = upload.data
            await h.send(user, photo=photo(f"p{user_id}{n}"))
        else:
            h.session.files[f"F-d{user_id}{n}"] = upload.data
            name = "certificate.png" if upload.data.startswith(b"\x89PNG") else f"{upload.item}.pdf"
            await h.send(user, document=pdf(f"d{user_id}{n}", name))
    for item in ("diploma", "employment_record"):
        await h.press(user, ck(ChecklistAct.IN_STATE_SYSTEMS, item, yes=True))
    essay = docx_bytes([words(260, "сөз")])
    h.session.files[f"ESSAY-{user_id}"] = essay
    await h.text(user, "/essay")
    await h.send(user, document=Document(file_id=f"ESSAY-{user_id}", file_unique_id=f"e{user_id}",
                                         file_name="essay.docx", file_size=len(essay)))
    return [*uploads, Upload("essay", essay, [])]


async def board_order(h: Harness, user_id: int) -> list[str]:
    """The items in the order of her /checklist."""
    sent = await h.text(h.user(user_id), "/checklist")
    return [ChecklistCallback.unpack(b).item for b in last_markup_data(sent)]


async def submitted(h: Harness, user_id: int) -> Application:
    await h.text(h.user(user_id), "/submit")
    await h.press(h.user(user_id), SUBMIT)
    [app] = await applications(h, user_id)
    assert app.status == "submitted"
    return app


def files_sent(requests: list[TelegramMethod[Any]], chat_id: int) -> dict[str, bytes]:
    out = {}
    for r in requests:
        if isinstance(r, SendDocument) and r.chat_id == chat_id:
            assert isinstance(r.document, BufferedInputFile)
            out[r.document.filename or ""] = r.document.data
    return out


def check_dossier(h: Harness, files: dict[str, bytes], uploads: list[Upload], order: list[str],
                  locale: str) -> None:
    [pdf_name] = [n for n in files if n.endswith(".pdf")]
    [zip_name] = [n for n in files if n.endswith(".zip")]
    in_order = sorted(uploads, key=lambda u: order.index(u.item))  # stable: an item's files as sent
    reader = PdfReader(io.BytesIO(files[pdf_name]))
    document_pages = [text for u in in_order for text in u.pages]
    cover = len(reader.pages) - len(document_pages)
    assert cover >= 1
    # After the cover, each PDF's pages and one page per image, in checklist order.
    for page, expected in zip(reader.pages[cover:], document_pages, strict=True):
        if expected:
            assert expected in page.extract_text()
        else:
            assert len(page.images) == 1
    cover_text = squeezed("".join(page.extract_text() for page in reader.pages[:cover]))
    for upload in uploads:
        assert sha(upload.data) in cover_text
    # Not faked: the Word essay and the unreadable file are named as only in the ZIP.
    assert squeezed(h.app.i18n.gettext(IN_ZIP, locale=locale)) in cover_text
    assert squeezed(h.app.i18n.gettext(UNREADABLE, locale=locale)) in cover_text
    # The ZIP: the originals, named in checklist order, with their checksums.
    archive = zipfile.ZipFile(io.BytesIO(files[zip_name]))
    members = [n for n in archive.namelist() if n != "SHA256SUMS.txt"]
    assert members == sorted(members)
    assert [sha(archive.read(n)) for n in members] == [sha(u.data) for u in in_order]
    sums = archive.read("SHA256SUMS.txt").decode()
    assert all(f"{sha(archive.read(n))}  {n}" in sums for n in members)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_the_teacher_gets_her_dossier_from_status(harness: Harness, locale: str) -> None:
    uploads = await prepare(harness, 500, locale)
    order = await board_order(harness, 500)
    app = await submitted(harness, 500)
    status = await harness.text(harness.user(500), "/status")
    button = DossierCallback(act=DossierAct.OWN, application=app.id).pack()
    assert button in last_markup_data(status)
    sent = await harness.press(harness.user(500), button)
    files = files_sent(sent, 500)
    assert set(files) == {f"dossier-{app.number}.pdf", f"dossier-{app.number}.zip"}
    check_dossier(harness, files, uploads, order, locale)
    # She is told what is in it, in her language; not the portal's package where the commission works in the bot.
    [text] = texts(sent)
    assert harness.app.i18n.gettext("Only in the ZIP: {count} (Word files, such as the essay, and files that cannot "
                                    "be read as pages); the cover names them.", locale=locale).format(count=2) in text
    assert "Ұстаз" not in text


async def test_a_strangers_forged_button_is_refused(harness: Harness) -> None:
    await prepare(harness, 510)
    app = await submitted(harness, 510)
    await make_teacher(harness, 511)
    stranger = harness.user(511)
    for act in DossierAct:
        sent = await harness.press(stranger, DossierCallback(act=act, application=app.id).pack())
        assert files_sent(sent, 511) == {} and alerts(sent) == [harness.app.i18n.gettext(STALE_BUTTON, locale="ru")]
    # Her own button of an application that does not exist is as stale.
    sent = await harness.press(harness.user(510), DossierCallback(act=DossierAct.OWN, application=app.id + 9).pack())
    assert files_sent(sent, 510) == {} and len(alerts(sent)) == 1


async def test_in_a_portal_deployment_it_is_the_package_she_uploads(harness: Harness) -> None:
    harness.app.settings.submission_mode = "portal"
    uploads = await prepare(harness, 520)
    order = await board_order(harness, 520)
    status = await harness.text(harness.user(520), "/status")
    button = DossierCallback(act=DossierAct.OWN, application=0).pack()  # nothing is filed in the bot
    assert button in last_markup_data(status)
    sent = await harness.press(harness.user(520), button)
    files = files_sent(sent, 520)
    assert set(files) == {"dossier-draft.pdf", "dossier-draft.zip"}
    check_dossier(harness, files, uploads, order, "ru")
    assert harness.app.i18n.gettext(
        "This is the package you upload to the Ұстаз platform or egov (Rules §15): the PDF dossier, and from the ZIP "
        "any document the portal asks for on its own.", locale="ru") in texts(sent)[0]


async def test_the_secretary_and_a_member_get_it_from_the_card(harness: Harness) -> None:
    cid = await full_commission(harness)
    await elect_chair(harness, cid)
    uploads = await prepare(harness, 530)
    order = await board_order(harness, 530)
    app = await submitted(harness, 530)
    secretary = harness.user(SECRETARY)
    await harness.text(secretary, "/agenda")
    card = await harness.press(secretary, cm("card", app.id))
    button = DossierCallback(act=DossierAct.REVIEW, application=app.id).pack()
    assert button in last_markup_data(card)
    files = files_sent(await harness.press(secretary, button), SECRETARY)
    # In the secretary's language (the bot's default: she never chose one), not the teacher's.
    check_dossier(harness, files, uploads, order, harness.app.settings.default_locale)
    # A member of that commission may have it too; the teacher cannot press it as a commission's.
    assert len(files_sent(await harness.press(harness.user(MEMBERS[0]), button), MEMBERS[0])) == 2
    sent = await harness.press(harness.user(530), button)
    assert files_sent(sent, 530) == {} and len(alerts(sent)) == 1


def test_a_sideways_photo_becomes_an_upright_page_and_a_jpeg_is_embedded_as_it_is() -> None:
    from features.dossier.build import ORIENTATION, image_page

    sideways = Image.new("RGB", (1200, 800), "navy")
    exif = sideways.getexif()
    exif[ORIENTATION] = 6  # the camera was turned: the picture is portrait
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif.tobytes())
    page = PdfReader(io.BytesIO(image_page(buffer.getvalue()))).pages[0]
    assert page.mediabox.height > page.mediabox.width
    landscape = picture("JPEG", (1200, 800))
    made = image_page(landscape)
    page = PdfReader(io.BytesIO(made)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert landscape in made  # the JPEG's own bytes, not re-encoded


async def test_a_file_gone_from_the_store_or_never_kept_is_named_not_faked(harness: Harness) -> None:
    from sqlalchemy import select

    from features.dossier.service import GONE, NO_COPY
    from storage.checklist_models import UploadedFile
    from storage.file_models import StoredFile

    uploads = await prepare(harness, 540)
    async with harness.app.sessions() as session:
        rows = list(await session.scalars(select(UploadedFile).where(UploadedFile.user_id == 540)
                                          .order_by(UploadedFile.id)))
        lost, legacy = rows[3], rows[4]  # the contests' PDF, the lessons' PDF
        stored = await session.get(StoredFile, lost.stored_file_id)
        assert stored is not None
        await harness.app.file_store.delete(stored.store_key)
        legacy.stored_file_id = None  # as sent before the bot kept copies
        await session.commit()
    sent = await harness.press(harness.user(540), DossierCallback(act=DossierAct.OWN, application=0).pack())
    files = files_sent(sent, 540)
    reader = PdfReader(io.BytesIO(files["dossier-draft.pdf"]))
    kept = [u for n, u in enumerate(uploads) if n not in (3, 4)]
    assert len(reader.pages) > sum(len(u.pages) for u in kept)  # the cover, and only what is there
    text = squeezed("".join(page.extract_text() for page in reader.pages))
    assert "Contestspage1" not in text and "Lessonspage1" not in text
    for phrase in (GONE, NO_COPY):
        assert squeezed(harness.app.i18n.gettext(phrase.text, locale="ru")) in text
    archive = zipfile.ZipFile(io.BytesIO(files["dossier-draft.zip"]))
    assert sorted(sha(archive.read(n)) for n in archive.namelist() if n != "SHA256SUMS.txt") == sorted(
        sha(u.data) for u in kept)
    assert harness.app.i18n.gettext("Not included: {count} file(s) of which the bot has no readable copy; the cover "
                                    "names them.", locale="ru").format(count=2) in texts(sent)[0]


async def test_a_member_gets_it_from_the_ballot(harness: Harness) -> None:
    """The member's ballot carries the dossier button (in the member's language) next to the candidate's files;
    pressing it sends her the PDF and the ZIP; a stranger's press is refused."""
    sid, items = await voting_session(harness)
    [item] = [i for i in await agenda(harness, sid) if i.id == items[0]]
    sent = await harness.press(harness.user(SECRETARY), cm("item", sid, str(item.id)))
    button = DossierCallback(act=DossierAct.REVIEW, application=item.application_id).pack()
    ballots = [r for r in sent if isinstance(r, SendMessage) and r.chat_id == MEMBERS[0]
               and isinstance(r.reply_markup, InlineKeyboardMarkup)]
    assert ballots, "the member got no ballot"
    buttons = {b.callback_data: b.text for row in ballots[-1].reply_markup.inline_keyboard  # type: ignore[union-attr]
               for b in row}
    async with harness.app.sessions() as session:
        locale = (await session.get(User, MEMBERS[0])).locale  # type: ignore[union-attr]
    assert buttons[button] == harness.app.i18n.gettext(DOSSIER_BUTTON, locale=locale)
    files = files_sent(await harness.press(harness.user(MEMBERS[0]), button), MEMBERS[0])
    assert sorted(n.rsplit(".", 1)[1] for n in files) == ["pdf", "zip"]
    stranger = await harness.press(harness.user(990), button)
    assert files_sent(stranger, 990) == {} and len(alerts(stranger)) == 1


async def test_its_outbox_rows_name_a_copy_in_the_file_store_not_its_bytes(harness: Harness) -> None:
    """Telegram is busy, so the dossier's messages wait in the outbox: each row names the copy kept in the file
    store as hers for a day (the retention job then erases it), never base64 bytes; sent later, from the store."""
    from datetime import UTC, datetime, timedelta

    from aiogram.exceptions import TelegramRetryAfter
    from sqlalchemy import select

    from bot.pipeline.outbox import deliver_due
    from features.dossier.service import SENT_COPY_DAYS
    from storage.file_models import StoredFile
    from storage.files.service import FileStoreService
    from storage.outbox_models import OutboxMessage

    async def telegram_busy(method: TelegramMethod[Any]) -> None:
        if isinstance(method, SendDocument):
            raise TelegramRetryAfter(method=method, message="Too Many Requests: retry after 3600", retry_after=3600)

    await prepare(harness, 560)
    app = await submitted(harness, 560)
    harness.session.on_request = telegram_busy
    await harness.press(harness.user(560), DossierCallback(act=DossierAct.OWN, application=app.id).pack())
    async with harness.app.sessions() as s:
        left = [row.payload["document"] for row in await s.scalars(select(OutboxMessage).where(
            OutboxMessage.method == "sendDocument", OutboxMessage.user_id == 560))]
        copies = {ref["filename"]: await s.get(StoredFile, ref["__stored__"]) for ref in left}
        kept = {name: await FileStoreService(s, harness.app.file_store).read(f)  # type: ignore[arg-type]
                for name, f in copies.items()}
    assert all(set(ref) == {"__stored__", "filename"} for ref in left)  # a reference, no bytes
    assert set(copies) == {f"dossier-{app.number}.pdf", f"dossier-{app.number}.zip"}
    for name, stored in copies.items():
        assert stored is not None and stored.owner_user_id == 560 and stored.detected_type == name[-3:]
        assert stored.keep_until is not None
        # A day after the press, by the bot's clock (SQLite keeps the moment's wall time, without its zone).
        assert stored.keep_until.replace(tzinfo=None) == (NOW + timedelta(days=SENT_COPY_DAYS)).replace(tzinfo=None)
    assert kept[f"dossier-{app.number}.pdf"].startswith(b"%PDF")
    harness.session.on_request = None
    before = len(harness.session.requests)
    await deliver_due(harness.bot, harness.app.sessions, datetime.now(UTC) + timedelta(hours=2),
                      store=harness.app.file_store)
    assert files_sent(harness.session.requests[before:], 560) == kept
