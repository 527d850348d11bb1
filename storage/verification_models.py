"""The registry of issued certificates and extracts that anyone can verify (migration 0021_document_registry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class IssuedDocument(Base):
    """One certificate or extract as issued: its code, the facts its QR code signs, and whether it still stands.

    Written in the transaction that generates the document, so no document exists without its row. It points at
    the application and the agenda row without foreign keys: a registry entry outlives what it was made from
    (as the commission's records do, see storage/commission_models.py)."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # normalised, no dashes (features/verification)
    kind: Mapped[str] = mapped_column(String(16))  # certificate / extract
    application_id: Mapped[int] = mapped_column(Integer, index=True)
    candidate_id: Mapped[int | None] = mapped_column(Integer, index=True)  # session_candidates.id
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # as signed (features.verification.payload.Facts)
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, base64url
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)  # the admin; None once they erased their data
