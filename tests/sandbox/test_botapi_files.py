"""Uploads and downloads in both directions, validated through aiogram's types."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile

from sandbox.botapi import BotAPIServer
from tests.sandbox.conftest import TOKEN


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def _started_user(server: BotAPIServer) -> int:
    user = server.create_user()
    await server.send_text(user.id, "/start")
    return user.id


async def test_bot_sends_document_and_downloads_it(server: BotAPIServer, bot: Bot) -> None:
    user_id = await _started_user(server)
    content = b"%PDF-1.4 attestation portfolio"
    sent = await bot.send_document(user_id, BufferedInputFile(content, "portfolio.pdf"), caption="<b>Report</b>",
                                   parse_mode="HTML")
    document = sent.document
    assert document is not None
    assert document.file_name == "portfolio.pdf" and document.mime_type == "application/pdf"
    assert document.file_size == len(content)
    assert sent.caption == "Report" and sent.caption_entities is not None
    file = await bot.get_file(document.file_id)
    assert file.file_size == len(content) and file.file_path
    assert file.file_unique_id == document.file_unique_id
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, destination=buffer)
    assert buffer.getvalue() == content

    again = await bot.send_document(user_id, BufferedInputFile(content, "copy.pdf"))
    assert again.document is not None
    assert again.document.file_id != document.file_id
    assert again.document.file_unique_id == document.file_unique_id
    reused = await bot.send_document(user_id, document.file_id)
    assert reused.document is not None and reused.document.file_id == document.file_id

    view = server.history(user_id)[1]
    assert view["document"]["file_name"] == "portfolio.pdf"
    async with aiohttp.ClientSession() as http, http.get(server.url + view["document"]["url"]) as response:
        assert response.status == 200 and await response.read() == content


async def test_user_document_and_photo_reach_the_bot(server: BotAPIServer, bot: Bot) -> None:
    user_id = await _started_user(server)
    await server.send_document(user_id, b"diploma scan", "diploma.pdf", "application/pdf", caption="Diploma")
    await server.send_photo(user_id, png(4, 3), "certificate.png", "image/png")
    updates = await bot.get_updates(timeout=0)
    document_message, photo_message = updates[-2].message, updates[-1].message
    assert document_message is not None and document_message.document is not None
    assert document_message.caption == "Diploma"
    assert photo_message is not None and photo_message.photo is not None
    assert (photo_message.photo[-1].width, photo_message.photo[-1].height) == (4, 3)
    file = await bot.get_file(document_message.document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"diploma scan"


async def test_send_photo(server: BotAPIServer, bot: Bot) -> None:
    user_id = await _started_user(server)
    sent = await bot.send_photo(user_id, BufferedInputFile(png(8, 6), "chart.png"))
    assert sent.photo is not None and sent.photo[-1].width == 8
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(user_id, BufferedInputFile(b"not an image", "x.png"))
    document = await bot.send_document(user_id, BufferedInputFile(b"text", "a.txt"))
    assert document.document is not None
    with pytest.raises(TelegramBadRequest, match="can't use file of type"):
        await bot.send_photo(user_id, document.document.file_id)


async def test_file_errors(server: BotAPIServer, bot: Bot) -> None:
    user_id = await _started_user(server)
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(user_id, "nope")
    await server.send_document(user_id, b"\0" * (20 * 1024 * 1024 + 1), "huge.zip")
    updates = await bot.get_updates(timeout=0)
    message = updates[-1].message
    assert message is not None and message.document is not None
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(message.document.file_id)


async def test_copy_and_forward(server: BotAPIServer, bot: Bot) -> None:
    user_id = await _started_user(server)
    original = await bot.send_message(user_id, "original")
    copied = await bot.copy_message(user_id, user_id, original.message_id)
    assert copied.message_id > original.message_id
    forwarded = await bot.forward_message(user_id, user_id, original.message_id)
    assert forwarded.text == "original" and forwarded.forward_origin is not None
    assert [m["text"] for m in server.history(user_id)][-2:] == ["original", "original"]


async def test_people_and_file_ids_are_still_there_after_the_sandbox_restarts(tmp_path: Path) -> None:
    """The bot keeps users and a teacher's file_ids in its database; a restarted sandbox must still know
    them: the same people (who started the bot, who did not) and the same files."""
    data = tmp_path / "botapi"
    first = BotAPIServer(data, default_token=TOKEN)
    await first.start()
    user_id = await _started_user(first)
    silent = first.create_user("Never wrote").id
    async with Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(first.url))) as bot:
        sent = await bot.send_document(user_id, BufferedInputFile(b"%PDF-1.4 diploma", "diploma.pdf"))
    assert sent.document is not None
    file_id, old_path = sent.document.file_id, (await first_file_path(first, file_id=sent.document.file_id))
    await first.close()
    with (data / "files" / "index.jsonl").open("a", encoding="utf-8") as index:
        index.write('{"file_id": "cut short by a cra')  # the last line of a crash is skipped

    second = BotAPIServer(data, default_token=TOKEN)
    await second.start()
    try:
        async with Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(second.url))) as bot:
            file = await bot.get_file(file_id)
            assert file.file_path == old_path
            buffer = io.BytesIO()
            await bot.download_file(old_path, destination=buffer)
            assert buffer.getvalue() == b"%PDF-1.4 diploma"
            assert {user_id, silent} <= {u.id for u in second.users()}
            again = await bot.send_document(user_id, file_id)  # re-sent by file_id, as the bot does
            assert again.document is not None and again.document.file_name == "diploma.pdf"
            with pytest.raises(TelegramForbiddenError):  # still has not started the bot
                await bot.send_message(silent, "hello")
            assert second.create_user("Newcomer").id not in (user_id, silent)
            newer = await bot.send_document(user_id, BufferedInputFile(b"%PDF-1.4 another", "other.pdf"))
            assert newer.document is not None
            assert (await bot.get_file(newer.document.file_id)).file_path != old_path
    finally:
        await second.close()


async def first_file_path(server: BotAPIServer, file_id: str) -> str:
    record = server.world.files.get(file_id)
    assert record is not None
    return record.file_path
