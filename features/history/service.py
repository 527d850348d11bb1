"""A teacher's record: every attestation of hers across academic years, what was decided, the documents
issued (sent again on request, hers only) and the complaints about it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import StaleButton
from bot.rule_book import RuleBook
from features.history.callbacks import DocumentKind
from scoring.i18n import N_, Phrase
from storage.appeal_models import AppealStatus
from storage.appeal_repository import AppealRepository
from storage.checklist_models import ApplicationStatus
from storage.commission_models import AgendaItem, CommissionSession, GeneratedDocument, ItemStatus, ReviewStatus
from storage.history_repository import AgendaEntry, AttestationRow, HistoryRepository

# Where a complaint of hers stands (the same words as features/appeals shows her).
COMPLAINT_STATES = {
    AppealStatus.FILED: N_("registered, with the attestation body"),
    AppealStatus.FORWARDED: N_("forwarded to the quality-control body"),
    AppealStatus.SCHEDULED: N_("its review is scheduled"),
    AppealStatus.UPHELD: N_("upheld"),
    AppealStatus.REJECTED: N_("rejected"),
}


class Outcome(StrEnum):
    """Where one attestation ended, or stands."""

    ASSIGNED = "assigned"  # the commission's decision assigned a category
    NOT_CONFIRMED = "not_confirmed"  # decided, and no category assigned (a current one is kept)
    REFUSED = "refused"  # refused by the commission's secretary (App 7): back to her as a draft
    REFUSED_ON_SUBMISSION = "refused_on_submission"  # the checks refused it as she submitted it (App 7)
    WITHDRAWN = "withdrawn"
    SCHEDULED = "scheduled"  # pending, on the agenda of a session
    PENDING = "pending"  # submitted, not decided yet


@dataclass(frozen=True)
class IssuedDocument:
    """A document of her decision kept in the bot, in the formats stored."""

    kind: DocumentKind
    item_id: int  # the agenda entry the decision was taken on
    formats: tuple[str, ...]
    number: str | None = None  # the certificate's
    revoked: bool = False  # revoked in the registry (features/verification), e.g. on an upheld complaint


@dataclass(frozen=True)
class Complaint:
    """A complaint about one attestation, as her record lists it (see History.add_complaint)."""

    number: str
    filed_on: date
    state: Phrase  # where it stands, e.g. "reviewed on 12.06.2026: rejected"


@dataclass
class AttestationRecord:
    """One attestation of hers, as /history shows it."""

    application_id: int
    academic_year: int
    number: str | None
    claimed: str | None  # scoring.categories.Category value
    rule_set_title: str  # of the rule set that judged it, as printed (like the order it names)
    outcome: Outcome
    outcome_on: date | None
    commission: str | None
    decision: str | None  # scoring.commission.Decision value
    category: str | None  # the category the decision assigned
    valid_until: date | None
    documents: tuple[IssuedDocument, ...] = ()
    complaints: list[Complaint] = field(default_factory=list)


@dataclass
class History:
    """Her attestations, newest first."""

    records: list[AttestationRecord]

    def add_complaint(self, application_id: int, complaint: Complaint) -> None:
        """A complaint joins the attestation it is about (the view lists it under that attestation)."""
        for record in self.records:
            if record.application_id == application_id:
                record.complaints.append(complaint)


@dataclass(frozen=True)
class Resent:
    """Documents of hers to send again, with what their caption names."""

    kind: DocumentKind
    item: AgendaItem
    session: CommissionSession
    documents: list[GeneratedDocument]


class HistoryService:
    def __init__(self, session: AsyncSession, rule_book: RuleBook, timezone: str):
        self.repo = HistoryRepository(session)
        self.appeals = AppealRepository(session)
        self.rule_book = rule_book
        self.tz = ZoneInfo(timezone)

    async def of(self, user_id: int) -> History:
        """Her record; a person without one has an empty record."""
        history = History([self.record(row) for row in await self.repo.attestations(user_id)])
        revoked = await self.repo.revoked_documents([d.item_id for r in history.records for d in r.documents])
        for record in history.records:
            record.documents = tuple(replace(d, revoked=(d.item_id, d.kind.value) in revoked)
                                     for d in record.documents)
        for appeal in await self.appeals.of_user(user_id):
            history.add_complaint(appeal.application_id, Complaint(
                appeal.number, appeal.registered_on, Phrase(COMPLAINT_STATES[AppealStatus(appeal.status)])))
        return history

    def record(self, row: AttestationRow) -> AttestationRecord:
        app, agenda = row.application, row.agenda
        outcome, on, commission = self.outcome(row)
        decision = agenda.decision if agenda is not None else None
        return AttestationRecord(
            application_id=app.id, academic_year=app.academic_year, number=app.number,
            claimed=app.claimed_category or (agenda.item.claimed_category if agenda else None),
            rule_set_title=self.rule_book.get(app.rule_set_key).title, outcome=outcome, outcome_on=on,
            commission=commission, decision=decision.decision if decision else None,
            category=decision.assigned_category if decision else None,
            valid_until=decision.valid_until if decision else None,
            documents=issued(agenda) if agenda is not None else (),
        )

    def outcome(self, row: AttestationRow) -> tuple[Outcome, date | None, str | None]:
        """What became of the application, on which day, and which commission did it."""
        app, agenda, review = row.application, row.agenda, row.review
        if agenda is not None and agenda.decision is not None:
            assigned = agenda.decision.assigned_category is not None
            return (Outcome.ASSIGNED if assigned else Outcome.NOT_CONFIRMED, agenda.decision.decided_on,
                    agenda.commission.name)
        if app.status == ApplicationStatus.WITHDRAWN:
            return Outcome.WITHDRAWN, self.day(app.withdrawn_at), None
        if app.status == ApplicationStatus.DRAFT:
            if review is not None and review.status == ReviewStatus.REFUSED and row.reviewed_by is not None:
                return Outcome.REFUSED, self.day(review.acted_at), row.reviewed_by.name
            return Outcome.REFUSED_ON_SUBMISSION, self.day(row.refused_on_submission), None
        if agenda is not None and agenda.item.status != ItemStatus.DEFERRED:
            return Outcome.SCHEDULED, agenda.session.session_date, agenda.commission.name
        return Outcome.PENDING, self.day(app.submitted_at), row.reviewed_by.name if row.reviewed_by else None

    def day(self, moment: datetime | None) -> date | None:
        """A stored moment's day in the deployment's calendar (SQLite gives it back without its UTC zone)."""
        if moment is None:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(self.tz).date()

    async def documents(self, user_id: int, item_id: int, kind: DocumentKind) -> Resent:
        """The stored documents of one of her decisions; anyone else's (or none) is a stale button."""
        found = await self.repo.own_documents(user_id, item_id, kind.value)
        if found is None:
            raise StaleButton()
        item, session, documents = found
        return Resent(kind, item, session, documents)


def issued(agenda: AgendaEntry) -> tuple[IssuedDocument, ...]:
    """The documents of her decision kept in the bot: the extract, then the certificate."""
    out = []
    certificate_number = agenda.decision.certificate_number if agenda.decision is not None else None
    for kind in DocumentKind:
        formats = tuple(sorted({d.fmt for d in agenda.documents if d.kind == kind.value}))
        if formats:
            number = certificate_number if kind is DocumentKind.CERTIFICATE else None
            out.append(IssuedDocument(kind, agenda.item.id, formats, number))
    return tuple(out)
