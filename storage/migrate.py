"""Applies Alembic migrations up to every head; called by the bot on start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

# The areas' branches off 0001 up to 0019: a migration after them names them all in its depends_on, since a table
# it changes may come from any of them (an old database upgraded to heads must not meet it first).
EARLIER_BRANCHES = (
    "0003_scoring", "0007_teaching_post", "0009_update_inbox", "0010_unique_iin", "0011_erased_links",
    "0012_administrative_areas", "0013_votes_documents", "0014_essay_topics_by_language", "0016_programme_transfer",
    "0018_rule_set_notices",
)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_sync(url: str) -> None:
    # "heads": feature areas add migrations as branches off a common base; all of them apply.
    command.upgrade(alembic_config(url), "heads")


async def upgrade(url: str) -> None:
    # env.py runs its own event loop, so it must not run inside the bot's loop.
    await asyncio.to_thread(upgrade_sync, url)


def main(argv: list[str] | None = None) -> int:
    """`python -m storage.migrate`: the release step that migrates once before the workers start."""
    import argparse

    from bot.settings import get_settings

    parser = argparse.ArgumentParser(description="Apply every database migration (DATABASE_URL) and exit.")
    parser.parse_args(argv)
    upgrade_sync(get_settings().database_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
