"""The rule sets an admin loaded in the bot (/rules): each file's text and the academic year it starts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base

# The key of the built-in 2024 pilot (scoring/rulesets/2024-pilot.toml): what judged every application
# submitted before rule sets were stored with them.
PILOT_KEY = "kz-2024-pilot@2024.1"


class StoredRuleSet(Base):
    """One loaded rule set file, kept as it was sent; the registry of every worker is built from these."""

    __tablename__ = "rule_sets"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)  # scoring.rulesets.RuleSet.key
    text: Mapped[str] = mapped_column(Text)
    first_year: Mapped[int] = mapped_column(Integer)  # the academic year it starts (Sep of this year)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[int | None] = mapped_column(BigInteger)  # the admin; emptied when they are erased
    # The teachers' change notices, worked out in the background (features/rules/notices.py) from these
    # columns so that a restart resumes them: against which set (None: nobody is to be told), as of which day,
    # the last teacher (user id) handled, how many were told, and when all were.
    notices_from: Mapped[str | None] = mapped_column(String(128), nullable=True)
    notices_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notices_after: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    notices_told: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notices_done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
