"""A local Bot API server in local-file mode (`telegram-bot-api --local`, BOT_API_LOCAL_FILES): getFile names a
file on the server's disk and the bot reads it there, so an upload past the official 20 MB is kept whole."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import GetFile, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import File
from sqlalchemy import select

from app.factory import create_application
from bot.downloads import MountedFiles, TelegramFiles, bot_api_server
from bot.settings import Settings
from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from scoring.documents import MAX_FILE_BYTES
from storage.checklist_models import UploadedFile
from storage.file_models import StoredFile
from storage.files.service import FileStoreService
from storage.migrate import upgrade
from tests.conftest import Harness, texts
from tests.fakes import RecordingSession
from tests.handlers.attestation_helpers import make_teacher, pdf
from tests.storage import sample_files

SERVER_DIR = Path("/var/lib/telegram-bot-api")  # the server's --dir, as the server sees it
BIG = sample_files.pdf() + b"\n%" + b"0" * (MAX_FILE_BYTES + 1_000_000)  # a real PDF past 20 MB


class LocalServer(RecordingSession):
    """A `telegram-bot-api --local`: getFile answers with the absolute path of the file on its disk, and no
    file is ever downloaded over HTTP."""

    def __init__(self, settings: Settings, disk: Path) -> None:
        super().__init__()
        self.api = bot_api_server(settings)
        self.disk = disk  # where SERVER_DIR is mounted here

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> Any:
        if isinstance(method, GetFile):
            self.requests.append(method)
            path = SERVER_DIR / bot.token / "documents" / f"{method.file_id}.pdf"
            return File(file_id=method.file_id, file_unique_id=f"u-{method.file_id}", file_path=str(path))
        return await super().make_request(bot, method, timeout)

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        raise AssertionError(f"a download over HTTP in local-file mode: {url}")
        yield b""  # pragma: no cover


def local_settings(settings: Settings, disk: Path) -> Settings:
    return settings.model_copy(update={"bot_api_url": "http://127.0.0.1:8081", "bot_api_local_files": True,
                                       "bot_api_files_mount": (SERVER_DIR, disk)})


async def test_an_upload_past_20_mb_is_read_from_the_local_servers_disk(settings: Settings, tmp_path: Path) -> None:
    disk = tmp_path / "telegram-bot-api"
    settings = local_settings(settings, disk)
    await upgrade(settings.database_url)
    app = create_application(settings)
    session = LocalServer(settings, disk)
    h = Harness(app, Bot(token=settings.token, session=session), session)
    (disk / settings.token / "documents").mkdir(parents=True)
    (disk / settings.token / "documents" / "F-big.pdf").write_bytes(BIG)
    try:
        await make_teacher(h, 104)
        await h.press(h.user(104), ChecklistCallback(action=ChecklistAct.OPEN, item="courses").pack())
        sent = await h.send(h.user(104), document=pdf("big", "courses.pdf", size=len(BIG)))
        assert len(texts(sent)) == 1 and "courses.pdf" in texts(sent)[0]
        async with app.sessions() as s:
            upload = await s.scalar(select(UploadedFile).where(UploadedFile.user_id == 104))
            assert upload is not None and upload.stored_file_id is not None
            stored = await s.get(StoredFile, upload.stored_file_id)
            assert stored is not None and stored.size == len(BIG)
            assert await FileStoreService(s, app.file_store).read(stored) == BIG
    finally:
        await app.close()


async def test_the_20_mb_limit_is_the_official_servers_only(settings: Settings, tmp_path: Path) -> None:
    bot = Bot(token=settings.token, session=RecordingSession())
    assert TelegramFiles(bot, settings).size_limit == MAX_FILE_BYTES
    assert TelegramFiles(bot, local_settings(settings, tmp_path)).size_limit is None


def test_a_path_outside_the_servers_directory_is_never_read(tmp_path: Path) -> None:
    mount = MountedFiles(SERVER_DIR, tmp_path)
    assert mount.to_local(SERVER_DIR / "42:T" / "documents" / "file_1.pdf") == tmp_path / "42:T/documents/file_1.pdf"
    for path in ("/etc/passwd", f"{SERVER_DIR}/../../etc/passwd"):
        with pytest.raises(ValueError):
            mount.to_local(path)


def test_local_files_need_a_local_server() -> None:
    with pytest.raises(ValueError, match="BOT_API_LOCAL_FILES"):
        Settings(_env_file=None, bot_api_local_files=True)  # type: ignore[call-arg]
    mounted = Settings(_env_file=None, bot_api_url="http://bot-api:8081", bot_api_local_files=True,  # type: ignore[call-arg]
                       bot_api_files_mount="/var/lib/telegram-bot-api:/mnt/bot-api")
    assert mounted.bot_api_files_mount == (SERVER_DIR, Path("/mnt/bot-api"))
    assert bot_api_server(mounted).is_local
