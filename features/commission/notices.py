"""What the teacher is told about the commission's work on her application, in her language: the session
it is put on, and the decision (what it means for her, the documents that follow, how to appeal).

`t` translates into the teacher's language: these messages go to her from someone else's update."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from scoring.appeals import AppealPeriods, filing_closes
from scoring.categories import Category, Role
from scoring.commission import Decision
from scoring.config import DEFAULT_APPEALS
from scoring.dates import format_day
from scoring.i18n import N_
from storage.commission_models import AgendaItem, Commission, CommissionDecision, CommissionSession

Translate = Callable[[str], str]

SCHEDULED = N_("🗓 Your application No. {number} is on the agenda of the session of «{name}» on {date}. The "
               "decision will be sent to you here, with the extract from the protocol.")
INTERVIEW = N_("Heads and their deputies also have an interview with the commission at the session (§5).")

MEANING = {
    Decision.MATCHES_CLAIMED: N_("You are awarded the category you applied for: {category}. It is valid until "
                                 "{until}."),
    Decision.MATCHES_CURRENT: N_("Your current category, {category}, is confirmed. It is now valid until "
                                 "{until}."),
    Decision.LOWER_THAN_CURRENT: N_("The commission assigned you {category}, a category lower than your current "
                                    "one. It is valid until {until}."),
    Decision.LOWER_THAN_CLAIMED: N_("The commission assigned you {category}, a category lower than the one you "
                                    "applied for. It is valid until {until}."),
    Decision.NOT_MATCHING: N_("Your claim is not confirmed. On the results of the national qualification test you "
                              "are assigned {category} (§32). It is valid until {until}."),
}
KEPT = N_("Your claim is not confirmed. You keep your current category, {category}, until it expires ({until}).")
KEPT_NONE = N_("Your claim is not confirmed, and no category is assigned.")
AGAIN = N_("You can apply again in a later academic year's application window.")
# The certificate cites the order that assigns the category on the protocol (§12): it follows that order.
ATTACHED_CERTIFICATE_LATER = N_("The extract from the protocol follows (DOCX and PDF). Your certificate No. {number} "
                                "follows once the order assigning the category on this protocol is signed (§12).")
ATTACHED_EXTRACT = N_("The extract from the protocol follows (DOCX and PDF).")
# §26: complaints are filed in this bot (features/appeals), from /status, within the rule set's period.
APPEAL = N_("If you disagree, you can complain about the decision in this bot until {closes}: send /status and "
            "press «📝 Complain about…». The attestation body reviews a complaint within {provider} working days, "
            "or the quality-control body, if it is forwarded there, within {quality} working days (§26). A court "
            "can be asked after this complaint.")
STATUS_HINT = N_("/status shows this decision at any time.")


def _category(t: Translate, value: str | None) -> str | None:
    try:
        return t(Category(value).label) if value else None
    except ValueError:
        return None


def scheduled_text(t: Translate, number: str, c: Commission, s: CommissionSession, item: AgendaItem) -> str:
    text = t(SCHEDULED).format(number=number, name=c.name, date=format_day(s.session_date))
    try:
        leader = Role(item.role).is_leader
    except ValueError:
        leader = False
    return f"{text}\n\n{t(INTERVIEW)}" if leader else text


def meaning_text(t: Translate, decision: CommissionDecision, current: str | None, current_until: date | None) -> str:
    """What the decision means for her: the category she now holds, and until when."""
    chosen = Decision(decision.decision)
    assigned = _category(t, decision.assigned_category)
    if chosen in MEANING and assigned is not None and decision.valid_until is not None:
        return t(MEANING[chosen]).format(category=assigned, until=format_day(decision.valid_until))
    held = _category(t, current)
    if held is not None and current_until is not None:
        return t(KEPT).format(category=held, until=format_day(current_until)) + " " + t(AGAIN)
    return t(KEPT_NONE) + " " + t(AGAIN)


def appeal_text(t: Translate, decision: CommissionDecision, periods: AppealPeriods | None = None) -> str:
    """Where and until when she may complain about the decision: the numbers of the set that judged it
    (`periods`; the pilot's when not given)."""
    periods = periods or AppealPeriods(**DEFAULT_APPEALS)
    return t(APPEAL).format(closes=format_day(filing_closes(decision.decided_on, periods)),
                            provider=periods.provider_review_working_days,
                            quality=periods.quality_body_review_working_days)


def decision_text(t: Translate, c: Commission, decision: CommissionDecision, current: str | None,
                  current_until: date | None, periods: AppealPeriods | None = None) -> str:
    """The decision as the teacher reads it: what was decided, what it means, the documents, the appeal."""
    head = t(N_("🏛 The attestation commission «{name}» decided on {date}: {decision}.")).format(
        name=c.name, date=format_day(decision.decided_on), decision=t(Decision(decision.decision).label))
    documents = t(ATTACHED_CERTIFICATE_LATER).format(number=decision.certificate_number) if (
        decision.certificate_number) else t(ATTACHED_EXTRACT)
    return "\n\n".join([head, meaning_text(t, decision, current, current_until), documents,
                        appeal_text(t, decision, periods), t(STATUS_HINT)])


def decision_status(t: Translate, c: Commission, decision: CommissionDecision, current: str | None,
                    current_until: date | None, periods: AppealPeriods | None = None) -> str:
    """The decision in /status: the same facts, without the documents that were sent with it."""
    head = t(N_("Status: the attestation commission «{name}» decided on {date}: {decision}.")).format(
        name=c.name, date=format_day(decision.decided_on), decision=t(Decision(decision.decision).label))
    return "\n".join([head, meaning_text(t, decision, current, current_until), appeal_text(t, decision, periods)])
