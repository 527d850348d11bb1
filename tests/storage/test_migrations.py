"""The hand-written migrations create exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from storage.migrate import upgrade_sync
from storage.registry import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    db = tmp_path / "schema.db"
    upgrade_sync(f"sqlite+aiosqlite:///{db}")
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    # The job store's table belongs to APScheduler, not to our models.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "apscheduler_jobs")]
    assert diff == []


def test_rebuilding_a_referenced_table_keeps_the_rows_that_point_at_it(tmp_path: Path) -> None:
    """0011 rebuilds session_candidates on SQLite; its votes, decision, points and documents survive."""
    from alembic import command
    from sqlalchemy import text

    from storage.migrate import alembic_config

    db = tmp_path / "before.db"
    cfg = alembic_config(f"sqlite+aiosqlite:///{db}")
    for revision in ("0002_checklist", "0005_broadcast", "0006_commission_points"):
        command.upgrade(cfg, revision)
    engine = create_engine(f"sqlite:///{db}")
    now, today = "2026-10-01 10:00:00", "2026-10-01"
    rows = [
        f"INSERT INTO commissions (id, level, name, order_number, order_date, term_end, locale, created_by, "
        f"created_at) VALUES (1, 'district', 'C', '1', '{today}', '2027-10-01', 'ru', 7, '{now}')",
        f"INSERT INTO commission_sessions (id, commission_id, number, session_date, status, created_by, created_at,"
        f" version) VALUES (1, 1, 1, '{today}', 'closed', 8, '{now}', 0)",
        "INSERT INTO session_candidates (id, session_id, application_id, user_id, position, status, full_name, "
        "role, claimed_category, version) VALUES (1, 1, 1, 9, 1, 'closed', 'N', 'teacher', 'expert', 0)",
        f"INSERT INTO commission_votes (id, session_id, candidate_id, member_user_id, decision, cast_at, changes) "
        f"VALUES (1, 1, 1, 10, 'claimed', '{now}', 0)",
        f"INSERT INTO commission_decisions (id, candidate_id, decision, outcome, counts, decided_at, decided_on, "
        f"extract_due) VALUES (1, 1, 'claimed', 'decided', '{{}}', '{now}', '{today}', '{today}')",
        f"INSERT INTO commission_documents (id, commission_id, session_id, candidate_id, kind, fmt, locale, "
        f"filename, content, created_at) VALUES (1, 1, 1, 1, 'extract', 'pdf', 'ru', 'e.pdf', x'00', '{now}')",
        f"INSERT INTO commission_points (id, candidate_id, member_user_id, sheet_id, answers, updated_at) "
        f"VALUES (1, 1, 10, 'teacher', '{{}}', '{now}')",
    ]
    with engine.begin() as connection:
        for row in rows:
            connection.execute(text(row))
    engine.dispose()
    upgrade_sync(f"sqlite+aiosqlite:///{db}")
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        for table in ("session_candidates", "commission_votes", "commission_decisions", "commission_documents",
                      "commission_points", "commission_sessions", "commissions"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
        assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    engine.dispose()


def test_every_revision_id_fits_alembic_version_on_postgresql() -> None:
    """alembic_version.version_num is VARCHAR(32): a longer revision id migrates on SQLite and fails on
    PostgreSQL."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(Path(__file__).resolve().parents[2] / "alembic.ini"))
    revisions = [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]
    assert revisions and all(len(revision) <= 32 for revision in revisions), [r for r in revisions if len(r) > 32]
