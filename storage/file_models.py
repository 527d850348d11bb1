"""The department's copy of every document: one row per file in the file store (storage/files/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class StoredFile(Base):
    """A file in the store: its checksum, size and type as read from its bytes, and whose it is.

    The same bytes of one owner are one row and one object (the key is the owner and the checksum).
    """

    __tablename__ = "stored_files"
    __table_args__ = (UniqueConstraint("owner_user_id", "sha256", name="uq_stored_files_owner_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    # storage.files.detection.FileType: what the bytes are, whatever the file was called.
    detected_type: Mapped[str] = mapped_column(String(16))
    store_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when the application it belongs to is decided; the retention job erases it after this moment.
    keep_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
