"""Every table of the bot, registered on one metadata: what Alembic compares the database with.

Each area keeps its tables in its own `*_models.py`; importing them here (and nowhere else for this
purpose) puts them all on `Base.metadata` without an area importing another.
"""

from __future__ import annotations

from storage import (  # noqa: F401
    appeal_models,
    broadcast_models,
    checklist_models,
    commission_models,
    file_models,
    fsm_models,
    inbox_models,
    maintenance_models,
    outbox_models,
    profile_models,
    ruleset_models,
    scoring_models,
    verification_models,
)
from storage.base import Base

metadata = Base.metadata

__all__ = ["Base", "metadata"]
