"""The decision as the teacher reads it (features/commission/notices.py), for every kind of decision."""

from __future__ import annotations

from datetime import date, datetime

from features.commission.notices import (
    AGAIN,
    APPEAL,
    ATTACHED_CERTIFICATE_LATER,
    ATTACHED_EXTRACT,
    INTERVIEW,
    KEPT,
    KEPT_NONE,
    MEANING,
    decision_status,
    decision_text,
    meaning_text,
    scheduled_text,
)
from scoring.commission import Decision
from storage.commission_models import AgendaItem, Commission, CommissionDecision, CommissionSession


def same(text: str) -> str:
    return text


def decision(kind: Decision, category: str | None, until: date | None, number: str | None) -> CommissionDecision:
    return CommissionDecision(decision=kind.value, assigned_category=category, valid_until=until,
                              certificate_number=number, decided_on=date(2026, 12, 15), outcome="decided",
                              decided_at=datetime(2026, 12, 15, 12), extract_due=date(2026, 12, 18))


COMMISSION = Commission(name="District commission", locale="ru")


def test_an_assigned_category_says_what_and_until_when() -> None:
    for kind in MEANING:
        row = decision(kind, "expert", date(2031, 12, 15), "1-2026-0001")
        text = decision_text(same, COMMISSION, row, "moderator", date(2026, 12, 31))
        assert MEANING[kind].format(category="pedagogue-expert", until="15.12.2031") in text
        assert ATTACHED_CERTIFICATE_LATER.format(number="1-2026-0001") in text and APPEAL in text
        assert "District commission" in text and "15.12.2026" in text


def test_not_matching_keeps_the_current_category_until_it_expires() -> None:
    row = decision(Decision.NOT_MATCHING, None, None, None)
    text = decision_text(same, COMMISSION, row, "moderator", date(2027, 5, 31))
    assert KEPT.format(category="pedagogue-moderator", until="31.05.2027") in text and AGAIN in text
    assert ATTACHED_EXTRACT in text
    assert meaning_text(same, row, "none", None) == f"{KEPT_NONE} {AGAIN}"
    assert meaning_text(same, row, None, None) == f"{KEPT_NONE} {AGAIN}"


def test_status_repeats_the_decision_and_the_appeal() -> None:
    row = decision(Decision.MATCHES_CLAIMED, "expert", date(2031, 12, 15), "1-2026-0001")
    status = decision_status(same, COMMISSION, row, "moderator", None)
    assert status.startswith("Status:") and APPEAL in status and "15.12.2031" in status


def test_heads_are_told_of_the_interview() -> None:
    session = CommissionSession(session_date=date(2026, 12, 15))
    teacher = AgendaItem(role="teacher")
    head = AgendaItem(role="head")
    assert INTERVIEW not in scheduled_text(same, "2026-000001", COMMISSION, session, teacher)
    text = scheduled_text(same, "2026-000001", COMMISSION, session, head)
    assert "15.12.2026" in text and "2026-000001" in text and INTERVIEW in text
