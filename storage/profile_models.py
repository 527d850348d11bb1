"""Tables of the people: the Telegram user and the teacher's consent and profile (App 5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class User(Base):
    """A Telegram user who has talked to the bot; holds no personal data beyond the chat's own."""

    __tablename__ = "users"
    # The id with what the reminder selection and the broadcast segments read of each teacher: one probe of
    # this index instead of the key's and then the row's (SQLite keeps a BIGINT key apart from the row).
    __table_args__ = (Index("ix_users_id_active_locale", "id", "is_active", "locale"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TeacherProfile(Base):
    """Consent and the App 5 profile. Created only after consent; erased on /delete_me."""

    __tablename__ = "teacher_profiles"
    # The reminders read the teachers along their category's expiry date (migration 0026); /stats counts
    # the profiles per region and a stage's teachers per region from indexes alone (migration 0028).
    __table_args__ = (Index("ix_teacher_profiles_valid_until", "category_valid_until", "user_id"),
                      Index("ix_teacher_profiles_region_completed", "region", "completed_at"),
                      Index("ix_teacher_profiles_user_region", "user_id", "region"))

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    full_name: Mapped[str | None] = mapped_column(String(200))
    iin: Mapped[str | None] = mapped_column(String(12), index=True, unique=True)  # one IIN, one account
    role: Mapped[str | None] = mapped_column(String(32))
    teaching_post: Mapped[str | None] = mapped_column(String(32))  # scoring.categories.TeachingPost
    org_type: Mapped[str | None] = mapped_column(String(32))
    org_name: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(32), index=True)
    # The KATO code of her district or city of regional significance (scoring.areas); None until chosen.
    area_code: Mapped[str | None] = mapped_column(String(9), index=True)
    current_category: Mapped[str | None] = mapped_column(String(32))
    category_valid_until: Mapped[date | None] = mapped_column(Date)
    experience_years: Mapped[int | None] = mapped_column(Integer)
    education: Mapped[str | None] = mapped_column(String(32))
    claimed_category: Mapped[str | None] = mapped_column(String(32))
    attestation_kind: Mapped[str | None] = mapped_column(String(16))
    last_attestation: Mapped[date | None] = mapped_column(Date)
    # None = not asked yet; [] = asked, none apply.
    early_requirements: Mapped[list[str] | None] = mapped_column(JSON)
    certificates: Mapped[list[str] | None] = mapped_column(JSON)
    production_experience_years: Mapped[int | None] = mapped_column(Integer)
    # Hired under the Special Programme for regions short of teachers (§10); None = not asked.
    special_programme: Mapped[bool | None] = mapped_column(Boolean)
    # Moved to another organisation or post since the category was given (§41, §49); None = not asked.
    transferred: Mapped[bool | None] = mapped_column(Boolean)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
