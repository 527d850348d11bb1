"""Workers of one release starting together on PostgreSQL migrate once: the others wait and find the schema done."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from storage.migrate import alembic_config
from tests.services import postgres_server

ROOT = Path(__file__).resolve().parents[2]


def _applied(url: str) -> set[str]:
    engine = create_engine(url.replace("+asyncpg", "+psycopg"))
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def test_workers_starting_together_on_postgresql_all_succeed() -> None:
    with postgres_server() as url:
        env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url}
        # Separate processes, as workers are: Alembic's context is one per process.
        workers = [subprocess.Popen([sys.executable, "-m", "storage.migrate"], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
        for worker in workers:
            _, err = worker.communicate(timeout=180)
            # One that raced another would fail on a table the other had just created.
            assert worker.returncode == 0, err.decode()[-2000:]
        # Every migration is in the schema: the recorded heads and what they stand on are all there are.
        script = ScriptDirectory.from_config(alembic_config(url))
        covered = {rev.revision for rev in script.revision_map.iterate_revisions(
            tuple(_applied(url)), "base", select_for_downgrade=True)}
        assert covered == {rev.revision for rev in script.walk_revisions()}


async def test_a_worker_told_not_to_migrate_leaves_the_schema_to_the_release_step(tmp_path: Path) -> None:
    import main
    from tests.conftest import settings_for

    db = tmp_path / "bot.db"
    settings = settings_for(f"sqlite+aiosqlite:///{db}").model_copy(update={"migrate_on_start": False})
    app, bot = await main.prepare(settings)
    await bot.session.close()
    await app.close()
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master"))}
    finally:
        engine.dispose()
    assert "alembic_version" not in tables
