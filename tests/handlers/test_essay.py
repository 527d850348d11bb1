"""/essay and /topics through the real Dispatcher: pasted parts, files, counts and bad input."""

from __future__ import annotations

import io

import pytest
from aiogram.types import Document, PhotoSize, Sticker

from features.essay.callbacks import EssayCallback
from storage.checklist_models import Essay
from tests.conftest import Harness, alerts, texts
from tests.handlers.attestation_helpers import NOW, at, make_teacher


@pytest.fixture(autouse=True)
def fixed_clock(harness: Harness) -> None:
    harness.app.dispatcher["clock"] = at(NOW)


def words(n: int, word: str = "сөз") -> str:
    return " ".join([word] * n)


async def stored(h: Harness, user_id: int) -> Essay | None:
    async with h.app.sessions() as session:
        return await session.get(Essay, user_id)


def docx_bytes(paragraphs: list[str], table: list[str] | None = None) -> bytes:
    from docx import Document as Docx

    doc = Docx()
    for p in paragraphs:
        doc.add_paragraph(p)
    if table:
        t = doc.add_table(rows=1, cols=len(table))
        for cell, text in zip(t.rows[0].cells, table, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


DONE = EssayCallback(action="done").pack()


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_topics_shown_and_parts_joined_until_done(harness: Harness, locale: str) -> None:
    admin = harness.user(1)
    await make_teacher(harness, 1, locale)
    sent = await harness.text(admin, "/topics\n1. Менің мамандығым\n2. Цифрлық сауаттылық")
    assert "2" in texts(sent)[0]
    user = harness.user(200)
    await make_teacher(harness, 200, locale)
    sent = await harness.text(user, "/essay")
    assert "Менің мамандығым" in texts(sent)[0] and "Цифрлық сауаттылық" in texts(sent)[0]
    await harness.text(user, words(120, "бірінші-кезекте"))
    sent = await harness.text(user, words(100, "ә ғ"))  # 200 words: ә and ғ are words of Kazakh letters
    assert "320" in texts(sent)[0]
    sent = await harness.press(user, DONE)
    assert "320" in texts(sent)[0] and "20" in texts(sent)[0]  # cut 20
    essay = await stored(harness, 200)
    assert essay is not None and essay.words == 320 and essay.source == "text"
    # A second round replaces it: 240 words -> add 10.
    await harness.text(user, "/essay")
    await harness.text(user, words(240, "что-то"))
    sent = await harness.press(user, DONE)
    assert "240" in texts(sent)[0] and "10" in texts(sent)[0]
    essay = await stored(harness, 200)
    assert essay is not None and essay.words == 240


async def test_essay_within_range(harness: Harness) -> None:
    user = harness.user(201)
    await make_teacher(harness, 201)
    await harness.text(user, "/essay")
    await harness.text(user, words(275, "2024"))
    sent = await harness.press(user, DONE)
    assert "275" in texts(sent)[0] and "✅" in texts(sent)[0]


async def test_docx_and_txt_files_are_read(harness: Harness) -> None:
    user = harness.user(202)
    await make_teacher(harness, 202)
    harness.session.files["DOCX-1"] = docx_bytes([words(250, "word")], table=["one two", "three"])
    await harness.text(user, "/essay")
    sent = await harness.send(user, document=Document(file_id="DOCX-1", file_unique_id="d1", file_name="essay.docx",
                                                      file_size=20_000))
    assert "253" in texts(sent)[0]
    essay = await stored(harness, 202)
    assert essay is not None and essay.words == 253 and essay.source == "docx"
    harness.session.files["TXT-1"] = words(300, "ұстаз").encode()
    await harness.text(user, "/essay")
    await harness.send(user, document=Document(file_id="TXT-1", file_unique_id="t1", file_name="essay.txt",
                                               file_size=3000))
    essay = await stored(harness, 202)
    assert essay is not None and essay.words == 300 and essay.source == "txt"


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_essay_bad_input(harness: Harness, locale: str) -> None:
    user = harness.user(203)
    await make_teacher(harness, 203, locale)
    await harness.text(user, "/essay")
    harness.session.files["BAD"] = b"\x00\xff\xfe garbage \x81"
    cases = [
        {"photo": [PhotoSize(file_id="p", file_unique_id="p", width=10, height=10, file_size=100)]},
        {"sticker": Sticker(file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False,
                            is_video=False)},
        {"document": Document(file_id="E", file_unique_id="e", file_name="essay.exe", file_size=10)},
        {"document": Document(file_id="PDF", file_unique_id="f", file_name="essay.pdf", file_size=10)},
        {"document": Document(file_id="BIG", file_unique_id="b", file_name="essay.docx", file_size=30 * 1024 * 1024)},
        {"document": Document(file_id="BAD", file_unique_id="x", file_name="essay.docx", file_size=20)},
    ]
    answers = []
    for fields in cases:
        sent = await harness.send(user, **fields)
        assert len(texts(sent)) == 1, fields
        answers.append(texts(sent)[0])
    assert len(set(answers)) >= 5
    assert await stored(harness, 203) is None
    sent = await harness.press(user, DONE)  # nothing pasted yet
    assert alerts(sent) and alerts(sent)[0]


async def test_topics_are_kept_and_shown_per_language(harness: Harness) -> None:
    admin, kk, ru = harness.user(1), harness.user(205), harness.user(206)
    await make_teacher(harness, 1, "ru")
    await make_teacher(harness, 205, "kk")
    await make_teacher(harness, 206, "ru")
    # Only the Russian list so far: the Kazakh reader is told so and sees it rather than nothing.
    sent = await harness.text(admin, "/topics\n1. Роль учителя\n2. Инклюзия")  # the admin's language: ru
    assert "Русский" in texts(sent)[0] and "2" in texts(sent)[0]
    shown = texts(await harness.text(kk, "/essay"))[0]
    assert "Роль учителя" in shown and "Русский" in shown
    await harness.press(kk, DONE)
    sent = await harness.text(admin, "/topics kk\n1. Менің мамандығым\n2. Цифрлық сауаттылық\n3. Ұстаз")
    assert "Қазақша" in texts(sent)[0] and "3" in texts(sent)[0]
    shown = texts(await harness.text(kk, "/essay"))[0]
    assert "Менің мамандығым" in shown and "Роль учителя" not in shown
    shown = texts(await harness.text(ru, "/essay"))[0]
    assert "Роль учителя" in shown and "Менің мамандығым" not in shown
    # /topics alone lists both languages.
    listing = texts(await harness.text(admin, "/topics"))[0]
    assert all(t in listing for t in ("Қазақша", "Русский", "Ұстаз", "Инклюзия"))
    # Setting one language again leaves the other as it was.
    await harness.text(admin, "/topics ru 1. Новая тема")
    shown = texts(await harness.text(kk, "/essay"))[0]
    assert "Ұстаз" in shown


async def test_topics_is_for_admins_only(harness: Harness) -> None:
    user = harness.user(204)
    await make_teacher(harness, 204)
    sent = await harness.text(user, "/topics\nMy topic")
    assert len(texts(sent)) == 1
    sent = await harness.text(user, "/essay")
    assert "My topic" not in texts(sent)[0]


async def test_essay_needs_consent(harness: Harness) -> None:
    sent = await harness.text(harness.user(205), "/essay")
    assert "/start" in texts(sent)[0]


async def test_a_docx_essay_is_kept_in_the_file_store(harness: Harness) -> None:
    from storage.file_models import StoredFile

    user = harness.user(230)
    await make_teacher(harness, 230)
    harness.session.files["DOCX-K"] = content = docx_bytes([words(250, "word")])
    await harness.text(user, "/essay")
    await harness.send(user, document=Document(file_id="DOCX-K", file_unique_id="dk", file_name="essay.docx",
                                               file_size=20_000))
    essay = await stored(harness, 230)
    assert essay is not None and essay.stored_file_id is not None
    async with harness.app.sessions() as session:
        row = await session.get(StoredFile, essay.stored_file_id)
    assert row is not None and row.detected_type == "docx"
    assert await harness.app.file_store.get(row.store_key) == content


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_a_program_renamed_docx_is_refused_and_nothing_kept(harness: Harness, locale: str) -> None:
    from storage.files.detection import NOT_ALLOWED

    user = harness.user(231)
    await make_teacher(harness, 231, locale)
    harness.session.files["EXE"] = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
    await harness.text(user, "/essay")
    sent = await harness.send(user, document=Document(file_id="EXE", file_unique_id="x", file_name="essay.docx",
                                                      file_size=128))
    assert texts(sent) == [harness.app.i18n.gettext(NOT_ALLOWED, locale=locale)] and texts(sent)[0] != NOT_ALLOWED
    assert await stored(harness, 231) is None and await harness.app.file_store.keys_of(231) == []
