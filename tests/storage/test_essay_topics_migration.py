"""Migration 0014: a year's one list of essay topics becomes its Kazakh and its Russian list, and back."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, text

from storage.migrate import alembic_config


def sync_url(url: str) -> str:
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


def test_the_list_of_each_year_becomes_both_languages_list(db_url: str) -> None:
    config = alembic_config(db_url)
    command.upgrade(config, "0002_checklist")
    engine = create_engine(sync_url(db_url))
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "insert into essay_topics (academic_year, topics, set_by, updated_at) values (:y, :t, 1, :w)"),
                {"y": 2026, "t": '["Менің мамандығым", "Цифрлық сауаттылық"]', "w": datetime.now(UTC)})
        command.upgrade(config, "0014_essay_topics_by_language")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "select locale, topics from essay_topic_lists where academic_year = 2026 order by locale")).all()
        assert [(locale, list(_json(topics))) for locale, topics in rows] == [
            ("kk", ["Менің мамандығым", "Цифрлық сауаттылық"]), ("ru", ["Менің мамандығым", "Цифрлық сауаттылық"])]
        command.downgrade(config, "0002_checklist")
        with engine.connect() as connection:
            back = connection.execute(text("select topics from essay_topics where academic_year = 2026")).scalar()
        assert list(_json(back)) == ["Менің мамандығым", "Цифрлық сауаттылық"]
    finally:
        engine.dispose()


def _json(value: object) -> list[str]:
    import json

    return json.loads(value) if isinstance(value, str) else list(value)  # type: ignore[arg-type]
