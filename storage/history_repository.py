"""A teacher's attestations across academic years, with what became of each: the queries of her record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checklist_models import Application, ApplicationStatus, Notice, NoticeKind
from storage.commission_models import (
    AgendaItem,
    ApplicationReview,
    Commission,
    CommissionDecision,
    CommissionSession,
    GeneratedDocument,
)
from storage.verification_models import IssuedDocument

# The documents of a decision that are the teacher's own (the protocol names every candidate of the session).
TEACHER_DOCUMENT_KINDS = ("extract", "certificate")


@dataclass(frozen=True)
class StoredDocumentRef:
    """A stored document of a decision, without its bytes."""

    id: int
    kind: str
    fmt: str
    created_at: datetime


@dataclass(frozen=True)
class AgendaEntry:
    """The session whose agenda held the application, its commission and the decision taken there (if any)."""

    item: AgendaItem
    session: CommissionSession
    commission: Commission
    decision: CommissionDecision | None
    documents: tuple[StoredDocumentRef, ...]


@dataclass(frozen=True)
class AttestationRow:
    """One application of hers and every record about it."""

    application: Application
    review: ApplicationReview | None
    reviewed_by: Commission | None  # the commission the application was routed to
    agenda: AgendaEntry | None  # the decided entry, else the latest (a postponed candidate is put on again)
    refused_on_submission: datetime | None  # the last App 7 notice recorded against it


@dataclass(frozen=True)
class AssignedCategory:
    """The category her latest decision assigned, and until when it is valid."""

    application_id: int
    rule_set_key: str | None
    category: str
    decided_on: date
    valid_until: date | None


class HistoryRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def attestations(self, user_id: int) -> list[AttestationRow]:
        """Every application she submitted or tried to (an App 7 notice recorded), newest first; five
        queries, however long her record (revoked_documents and her complaints are one more each)."""
        noticed = exists().where(Notice.application_id == Application.id)
        applications = list(await self.session.scalars(
            select(Application)
            .where(Application.user_id == user_id,
                   or_(Application.status != ApplicationStatus.DRAFT.value, Application.number.is_not(None), noticed))
            .order_by(Application.academic_year.desc(), Application.id.desc())))
        ids = [a.id for a in applications]
        if not ids:
            return []
        reviews = await self._reviews(ids)
        agenda = await self._agenda(user_id, ids)
        refusals = await self._refusal_notices(ids)
        out = []
        for a in applications:
            review, commission = reviews.get(a.id, (None, None))
            out.append(AttestationRow(a, review, commission, agenda.get(a.id), refusals.get(a.id)))
        return out

    async def revoked_documents(self, item_ids: Sequence[int]) -> set[tuple[int, str]]:
        """(agenda entry, kind) of the documents among these the registry holds revoked (features/verification)."""
        if not item_ids:
            return set()
        rows = await self.session.execute(select(IssuedDocument.candidate_id, IssuedDocument.kind).where(
            IssuedDocument.candidate_id.in_(item_ids), IssuedDocument.revoked_at.is_not(None)))
        return {(int(item), kind) for item, kind in rows if item is not None}

    async def _reviews(self, ids: Sequence[int]) -> dict[int, tuple[ApplicationReview, Commission]]:
        rows = await self.session.execute(
            select(ApplicationReview, Commission).join(Commission, Commission.id == ApplicationReview.commission_id)
            .where(ApplicationReview.application_id.in_(ids)))
        return {review.application_id: (review, commission) for review, commission in rows}

    async def _agenda(self, user_id: int, ids: Sequence[int]) -> dict[int, AgendaEntry]:
        rows = (await self.session.execute(
            select(AgendaItem, CommissionSession, Commission, CommissionDecision)
            .join(CommissionSession, CommissionSession.id == AgendaItem.session_id)
            .join(Commission, Commission.id == CommissionSession.commission_id)
            .outerjoin(CommissionDecision, CommissionDecision.candidate_id == AgendaItem.id)
            .where(AgendaItem.application_id.in_(ids), AgendaItem.user_id == user_id)
            .order_by(AgendaItem.id))).all()
        documents = await self._documents([item.id for item, _s, _c, decision in rows if decision is not None])
        out: dict[int, AgendaEntry] = {}
        for item, session, commission, decision in rows:
            earlier = out.get(item.application_id)
            if earlier is None or earlier.decision is None or decision is not None:
                out[item.application_id] = AgendaEntry(item, session, commission, decision,
                                                       documents.get(item.id, ()))
        return out

    async def _documents(self, item_ids: Sequence[int]) -> dict[int, tuple[StoredDocumentRef, ...]]:
        if not item_ids:
            return {}
        rows = await self.session.execute(
            select(GeneratedDocument.candidate_id, GeneratedDocument.id, GeneratedDocument.kind,
                   GeneratedDocument.fmt, GeneratedDocument.created_at)
            .where(GeneratedDocument.candidate_id.in_(item_ids), GeneratedDocument.kind.in_(TEACHER_DOCUMENT_KINDS))
            .order_by(GeneratedDocument.id))
        out: dict[int, list[StoredDocumentRef]] = {}
        for candidate_id, doc_id, kind, fmt, created_at in rows:
            assert candidate_id is not None  # selected by it
            out.setdefault(candidate_id, []).append(StoredDocumentRef(doc_id, kind, fmt, created_at))
        return {candidate_id: tuple(refs) for candidate_id, refs in out.items()}

    async def _refusal_notices(self, ids: Sequence[int]) -> dict[int, datetime]:
        rows = await self.session.execute(
            select(Notice.application_id, Notice.created_at)
            .where(Notice.application_id.in_(ids), Notice.kind == NoticeKind.REFUSAL.value).order_by(Notice.id))
        return {application_id: created_at for application_id, created_at in rows}

    async def last_assigned(self, user_id: int) -> AssignedCategory | None:
        """The category of her latest decision that assigned one (by the decision's date)."""
        row = (await self.session.execute(
            select(Application.id, Application.rule_set_key, CommissionDecision.assigned_category,
                   CommissionDecision.decided_on, CommissionDecision.valid_until)
            .join(AgendaItem, AgendaItem.id == CommissionDecision.candidate_id)
            .join(Application, Application.id == AgendaItem.application_id)
            .where(AgendaItem.user_id == user_id, Application.user_id == user_id,
                   CommissionDecision.assigned_category.is_not(None))
            .order_by(CommissionDecision.decided_on.desc(), CommissionDecision.id.desc()).limit(1))).first()
        if row is None:
            return None
        application_id, key, category, decided_on, valid_until = row
        assert category is not None  # selected by it
        return AssignedCategory(application_id, key, category, decided_on, valid_until)

    async def own_documents(self, user_id: int, item_id: int, kind: str) -> tuple[AgendaItem, CommissionSession,
                                                                                 list[GeneratedDocument]] | None:
        """The latest stored documents of this kind (one per format) of an agenda entry of hers; None when
        the entry is not hers or has none."""
        if kind not in TEACHER_DOCUMENT_KINDS:
            return None
        found = (await self.session.execute(
            select(AgendaItem, CommissionSession)
            .join(CommissionSession, CommissionSession.id == AgendaItem.session_id)
            .join(Application, Application.id == AgendaItem.application_id)
            .where(AgendaItem.id == item_id, AgendaItem.user_id == user_id, Application.user_id == user_id))).first()
        if found is None:
            return None
        documents = list(await self.session.scalars(
            select(GeneratedDocument)
            .where(GeneratedDocument.candidate_id == item_id, GeneratedDocument.kind == kind)
            .order_by(GeneratedDocument.id.desc())))
        latest: dict[str, GeneratedDocument] = {}
        for document in documents:
            latest.setdefault(document.fmt, document)
        if not latest:
            return None
        return found[0], found[1], sorted(latest.values(), key=lambda d: d.fmt)
