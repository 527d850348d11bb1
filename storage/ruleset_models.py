"""The rule sets an admin loaded in the bot (/rules): each file's text and the academic year it starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
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
