"""How long the files of a decided application stay in the file store (FILE_RETENTION), and the commission's
generated documents (the records' retention of scoring/retention.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from scoring.calendar import add_years

# The owner of the commission's own records in the file store (protocols, extracts, certificates): no
# Telegram account has id 0, so no one's erasure (/delete_me) takes them; they go with their retention.
RECORDS_OWNER = 0

UNTIL_VALIDITY_ENDS: Literal["validity"] = "validity"


@dataclass(frozen=True)
class FileRetention:
    """`period`: "validity" keeps a decided application's files until the category it awarded expires, a
    number keeps them that many days after the decision. A decision that awards no category (the teacher keeps
    hers, or gets none) has no validity to wait for: its files are kept `without_category_days`."""

    period: Literal["validity"] | int = UNTIL_VALIDITY_ENDS
    without_category_days: int = 365

    def keep_until(self, decided_on: date, valid_until: date | None) -> datetime:
        if self.period != UNTIL_VALIDITY_ENDS:
            last = decided_on + timedelta(days=int(self.period))
        else:
            last = valid_until or decided_on + timedelta(days=self.without_category_days)
        return end_of(last)


def records_kept_until(session_date: date, years: int) -> datetime:
    """The end of a session's records' retention (scoring.retention.purge_before deletes them the day after)."""
    return end_of(add_years(session_date, years))


def end_of(day: date) -> datetime:
    """Kept through that whole day (in UTC, a few hours after it ends in Kazakhstan)."""
    return datetime.combine(day + timedelta(days=1), time(), UTC)
