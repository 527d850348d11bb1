"""The decision as the teacher reads it (features/commission/notices.py), for every kind of decision."""

from __future__ import annotations

from datetime import date, datetime

from bot.i18n import create_i18n
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
from scoring.appeals import AppealPeriods
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
        assert ATTACHED_CERTIFICATE_LATER.format(number="1-2026-0001") in text
        assert APPEAL.format(closes="16.03.2027", provider=5, quality=15) in text  # 3 months; 15.03.2027 is a day off
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
    assert status.startswith("Status:") and "15.12.2031" in status
    assert APPEAL.format(closes="16.03.2027", provider=5, quality=15) in status


def test_the_appeal_points_to_the_bot_with_the_numbers_of_the_rule_set() -> None:
    row = decision(Decision.MATCHES_CLAIMED, "expert", date(2031, 12, 15), "1-2026-0001")
    periods = AppealPeriods(filing_months=1, forward_working_days=2, provider_review_working_days=4,
                            quality_body_review_working_days=10, remind_working_days_before=1)
    text = decision_text(same, COMMISSION, row, "moderator", None, periods)
    # A month after 15.12.2026 is Friday 15.01.2027, a working day.
    assert APPEAL.format(closes="15.01.2027", provider=4, quality=10) in text
    assert "/status" in text and "e-Otinish" not in text
    kk = create_i18n("kk")
    for locale, button in (("kk", "«📝 Шағым беру…»"), ("ru", "«📝 Обжаловать…»")):
        told = decision_text(lambda m, loc=locale: kk.gettext(m, locale=loc), COMMISSION, row, "moderator", None,
                             periods)
        assert "/status" in told and button in told and "15.01.2027" in told and "eotinish" not in told


def test_heads_are_told_of_the_interview() -> None:
    session = CommissionSession(session_date=date(2026, 12, 15))
    teacher = AgendaItem(role="teacher")
    head = AgendaItem(role="head")
    assert INTERVIEW not in scheduled_text(same, "2026-000001", COMMISSION, session, teacher)
    text = scheduled_text(same, "2026-000001", COMMISSION, session, head)
    assert "15.12.2026" in text and "2026-000001" in text and INTERVIEW in text
