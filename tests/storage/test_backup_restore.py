"""deploy/backup: a backup of PostgreSQL and the file store restores into a fresh database and folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

from app.factory import create_application
from storage.files.service import FileStoreService
from storage.migrate import upgrade
from storage.profile_models import User
from tests.conftest import settings_for
from tests.services import postgres_server
from tests.storage.sample_files import pdf

ROOT = Path(__file__).resolve().parents[2]
TEACHER = 424242


def _run(script: str, database_url: str, files: Path, *args: str) -> str:
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url, "FILE_STORE_DIR": str(files)}
    done = subprocess.run(["bash", str(ROOT / "deploy" / "backup" / script), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def _create_database(url: str, name: str) -> str:
    engine = create_engine(url.replace("+asyncpg", "+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


async def test_a_backup_restores_the_database_and_the_files(tmp_path: Path) -> None:
    with postgres_server() as url:
        await upgrade(url)
        settings = settings_for(url).model_copy(update={"file_store_dir": tmp_path / "files"})
        app = create_application(settings)
        document = pdf()
        async with app.sessions() as session:
            session.add(User(id=TEACHER, locale="kk", is_active=True))
            await session.flush()
            stored = await FileStoreService(session, app.file_store).store_upload(TEACHER, document)
            await session.commit()
        await app.close()

        backup = _run("backup.sh", url, tmp_path / "files", str(tmp_path / "backups"))
        assert {p.name for p in Path(backup).iterdir()} == {"database.dump", "files.tar.gz"}

        restored_url = _create_database(url, "restored")
        _run("restore.sh", restored_url, tmp_path / "restored-files", backup)
        restored = create_application(settings_for(restored_url).model_copy(
            update={"file_store_dir": tmp_path / "restored-files"}))
        try:
            async with restored.sessions() as session:
                assert await session.get(User, TEACHER) is not None
                copy = await session.merge(stored, load=True)
                # read() checks the bytes against the recorded checksum.
                assert await FileStoreService(session, restored.file_store).read(copy) == document
        finally:
            await restored.close()
