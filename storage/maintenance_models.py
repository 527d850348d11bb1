"""Maintenance the database file owes (rebuilding SQLite after an erasure)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class MaintenanceDue(Base):
    """Work the database file owes, done when nobody is using the bot (features/privacy); no personal data."""

    __tablename__ = "maintenance_due"

    task: Mapped[str] = mapped_column(String(32), primary_key=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorkerLease(Base):
    """Which worker runs a once-per-deployment job (the scheduler), until when; renewed while it lives."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
