"""Self-assessment on a scoring sheet: one row per user and sheet, saved answer by answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SelfAssessment(Base):
    __tablename__ = "self_assessments"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sheet_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The input format of `python -m scoring evaluate` (docs/scoring-format.md), so the CLI and other
    # tools can score exactly what the bot stored.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Observation sheets filled in the bot: [{"form": "secondary", "total": 72, "ratings": {...} | null}].
    # Their totals are also in answers["criteria"]["1.2"]["observations"].
    observations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
