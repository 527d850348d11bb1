"""Builds the protocol and extracts of a closed session, and its certificates once the order assigning the
categories is recorded (§12, §20, §47), from the database; keeps every document, as DOCX and PDF, in the file
store as one of the commission's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aiogram.utils.i18n import I18n

from bot.pipeline.outbox import KeptFile
from features.commission.composition.service import CommissionService, utc_now
from features.commission.documents.content import (
    Attendance,
    CertificateData,
    ProtocolData,
    Row,
    Translate,
    VoteLine,
    certificate_docx,
    certificate_pdf,
    extract_docx,
    extract_pdf,
    protocol_docx,
    protocol_pdf,
)
from features.commission.points.service import PointsService, mean
from scoring.categories import AttestationKind, Category, Role
from scoring.commission import (
    Decision,
    Majority,
    Outcome,
    ProtocolGroup,
    decision_basis,
    keeps_current,
    needs_reason,
    protocol_group,
    quorum,
)
from scoring.i18n import N_
from scoring.retention import retention_years
from scoring.sheets.observation import format_points
from storage.commission_models import (
    AgendaItem,
    Commission,
    CommissionDecision,
    CommissionSession,
    GeneratedDocument,
    ItemStatus,
)
from storage.commission_repository import CommissionRepository
from storage.files import FileStore
from storage.files.retention import records_kept_until
from storage.files.service import FileStoreService

if TYPE_CHECKING:
    from features.verification.service import VerificationService

ABSTAINED = N_("abstained: had not voted when the secretary closed the vote")


@dataclass(frozen=True)
class Produced:
    kind: str  # protocol / extract / certificate
    item: AgendaItem | None
    documents: list[GeneratedDocument]
    # The same documents as they are sent: from the file store, by reference (bot/pipeline/outbox.py).
    files: list[KeptFile] = field(default_factory=list)


class DocumentService:
    def __init__(self, commissions: CommissionService, i18n: I18n, templates: Path | None = None,
                 store: FileStore | None = None, *, stamps: VerificationService):
        """`store`: the file store, where every document is kept as one of the commission's records."""
        self.stamps = stamps  # each certificate and extract gets its code, QR code and registry row here
        self.commissions = commissions
        self.repo: CommissionRepository = commissions.repo
        self.i18n = i18n
        self.templates = templates  # a department's template folder (DOCUMENT_TEMPLATES_DIR), or None
        self.store = store

    def translator(self, locale: str) -> Translate:
        return lambda text: self.i18n.gettext(text, locale=locale)

    def local(self, moment: datetime) -> datetime:
        """A stored moment in the bot's time zone (SQLite gives it back without one; it was written in UTC)."""
        return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(self.commissions.tz)

    # --- what the documents say ---------------------------------------------------------------------

    async def attendance(self, s: CommissionSession) -> tuple[Attendance, set[int]]:
        members = await self.repo.members(s.commission_id)
        present = await self.repo.present(s.id)
        return Attendance(
            members=len(members),
            present=tuple(m.full_name for m in members if m.user_id in present),
            absent=tuple(m.full_name for m in members if m.user_id not in present),
            quorum=quorum(len(members), self.commissions.rules),
        ), present

    async def protocols(self, s: CommissionSession, c: Commission) -> tuple[list[ProtocolData],
                                                                            dict[int, tuple[ProtocolData, Row]]]:
        """App 2 for teachers and App 12 for heads and deputies, one of each form the session needs; and for each
        decided candidate (by agenda item) the protocol and row their extract repeats."""
        t = self.translator(c.locale)
        members = await self.repo.members(c.id)
        names = {m.user_id: m.full_name for m in members}
        chair = next((m for m in members if m.is_chair), None)
        attendance, present = await self.attendance(s)
        rows: dict[bool, list[tuple[int, Row]]] = {False: [], True: []}
        postponed: dict[bool, list[str]] = {False: [], True: []}
        for item in await self.repo.items(s.id):
            leader = _role(item.role).is_leader
            decision = await self.repo.decision(item.id)
            if decision is not None:
                rows[leader].append((item.id, await self.row(t, item, decision, names)))
            elif item.status == ItemStatus.DEFERRED.value:
                postponed[leader].append(item.full_name)
        forms = [leader for leader in (False, True) if rows[leader] or postponed[leader]] or [False]
        out, by_item = [], {}
        for leader in forms:
            p = ProtocolData(
                commission=c.name, number=s.number, session_date=s.session_date,
                chair=chair.full_name if chair else "—", chair_present=chair is not None and chair.user_id in present,
                members=tuple(m.full_name for m in members if m.user_id in present and not m.is_chair),
                secretary=c.secretary_name or "—", leaders=leader, attendance=attendance,
                rows=tuple(row for _id, row in rows[leader]), postponed=tuple(postponed[leader]),
            )
            out.append(p)
            by_item.update({item_id: (p, row) for item_id, row in rows[leader]})
        return out, by_item

    async def row(self, t: Translate, item: AgendaItem, decision: CommissionDecision, names: dict[int, str]) -> Row:
        role = _role(item.role)
        chosen = Decision(decision.decision)
        group = protocol_group(chosen, role.is_leader)
        votes = [VoteLine(names.get(v.member_user_id, "—"), _choice(t, v.decision, v.category), self.local(v.cast_at))
                 for v in await self.repo.votes(item.id)]
        votes += [VoteLine(names.get(a.member_user_id, "—"), t(ABSTAINED), self.local(a.recorded_at))
                  for a in await self.repo.abstentions(item.id)]
        return Row(
            full_name=item.full_name, position=t(role.label), kind=_kind(t, item.kind),
            current=_label(t, item.current_category), claimed=_label(t, item.claimed_category),
            assigned=_label(t, decision.assigned_category), decision=t(chosen.label), group=group,
            # Typed by the secretary (SessionService.set_reason); a decision recorded before reasons were asked
            # for prints its label, as before.
            reason=(decision.reason or t(chosen.label)) if needs_reason(group) else "",
            votes=tuple(votes), points=await self.points_line(t, item, names), basis=_basis(t, decision),
            matches_claimed=_matches_claimed(group, decision, item),
            keeps_current=keeps_current(chosen) and decision.assigned_category is None,
        )

    async def points_line(self, t: Translate, item: AgendaItem, names: dict[int, str]) -> str:
        """The members' commission points on this candidate: the mean, each member's, the threshold."""
        points = await PointsService(self.commissions.session, self.commissions.ruleset_of).all_totals(item)
        average = mean(points)
        if average is None:
            return ""
        threshold = points[0].total.threshold
        each = "; ".join(f"{names.get(p.member_user_id, '—')} — {format_points(p.total.total)}" for p in points)
        return t(N_("{name}: commission points, mean {mean} of {count} members (threshold {threshold}): "
                    "{each}.")).format(name=item.full_name, mean=format_points(average), count=len(points),
                                      threshold="—" if threshold is None else threshold, each=each)

    async def certificate(self, t: Translate, s: CommissionSession, item: AgendaItem,
                          decision: CommissionDecision, issued_on: datetime) -> CertificateData | None:
        if not (decision.certificate_number and decision.valid_until and decision.assigned_category
                and s.order_number and s.order_date):
            return None
        return CertificateData(
            full_name=item.full_name, category=_label(t, decision.assigned_category),
            position=t(_role(item.role).label),
            decided_on=decision.decided_on, order_issuer=s.order_issuer or "—", order_number=s.order_number,
            order_date=s.order_date, signatory=s.order_signatory or "—", issued_on=self.commissions.today(issued_on),
            valid_until=decision.valid_until, number=decision.certificate_number,
        )

    # --- generating and storing -------------------------------------------------------------------

    async def _store(self, s: CommissionSession, c: Commission, kind: str, stem: str, docx: bytes, pdf: bytes,
                     item: AgendaItem | None, now: datetime) -> Produced:
        """Both forms into the file store (the object before its rows, all in this transaction), kept as long
        as the session's records are (scoring/retention.py: they are deleted the day after)."""
        assert self.store is not None, "generating documents needs the file store"
        files = FileStoreService(self.commissions.session, self.store)
        until = records_kept_until(s.session_date, retention_years(self.commissions.rules))
        documents, sent = [], []
        for fmt, content in (("docx", docx), ("pdf", pdf)):
            stored = await files.store_record(content, until)
            document = await self.repo.add_document(
                commission_id=c.id, session_id=s.id, candidate_id=item.id if item else None, kind=kind, fmt=fmt,
                locale=c.locale, filename=f"{stem}.{fmt}", content=None, stored_file_id=stored.id, created_at=now,
            )
            documents.append(document)
            sent.append(KeptFile(content, document.filename, stored.id))
        return Produced(kind, item, documents, sent)

    async def generate(self, s: CommissionSession, c: Commission, now: datetime | None = None) -> list[Produced]:
        """The protocol of the session (per form), then an extract per decided candidate (§20, §47)."""
        now = now or utc_now()
        t = self.translator(c.locale)
        produced = []
        protocols, by_item = await self.protocols(s, c)
        for p in protocols:
            stem = f"protocol-{c.id}-{s.number}" + ("-app12" if p.leaders and len(protocols) > 1 else "")
            produced.append(await self._store(
                s, c, "protocol", stem, protocol_docx(p, t, c.locale, self.templates),
                protocol_pdf(p, t, self.templates), None, now))
        for item in await self.repo.items(s.id):
            if item.id not in by_item:
                continue
            p, row = by_item[item.id]
            stamp = await self.stamps.extract(c, s, item, now)
            produced.append(await self._store(
                s, c, "extract", f"extract-{c.id}-{s.number}-{item.position}",
                extract_docx(p, row, t, c.locale, self.templates, stamp),
                extract_pdf(p, row, t, self.templates, stamp), item, now))
        return produced

    async def certificates(self, s: CommissionSession, c: Commission, now: datetime | None = None) -> list[Produced]:
        """The certificate (App 1) of every candidate assigned a category, citing the order recorded for the
        session (§12)."""
        now = now or utc_now()
        t = self.translator(c.locale)
        produced = []
        for item in await self.repo.items(s.id):
            decision = await self.repo.decision(item.id)
            data = await self.certificate(t, s, item, decision, now) if decision is not None else None
            if data is None or decision is None:
                continue
            stamp = await self.stamps.certificate(c, item, decision, now)
            produced.append(await self._store(
                s, c, "certificate", f"certificate-{data.number}",
                certificate_docx(data, t, c.locale, self.templates, stamp),
                certificate_pdf(data, t, self.templates, stamp), item, now))
        return produced


def _basis(t: Translate, decision: CommissionDecision) -> str:
    counts = {str(k): int(v) for k, v in (decision.counts or {}).items()}
    cast = sum(counts.values())
    # A "does not match" vote names no category, though the decision may assign the §32 one.
    voted = "" if keeps_current(Decision(decision.decision)) else decision.assigned_category or ""
    count = counts.get(f"{decision.decision}:{voted}", 0)
    # Decisions recorded before the majority reading was stored were counted of the votes cast.
    majority = Majority(decision.majority_of) if decision.majority_of else Majority.CAST
    voters = decision.voters if decision.voters is not None else cast
    try:
        outcome = Outcome(decision.outcome)
    except ValueError:
        outcome = Outcome.DECIDED
    return decision_basis(outcome, count, cast, voters, majority).render(t)


def _matches_claimed(group: ProtocolGroup, decision: CommissionDecision, item: AgendaItem) -> bool:
    if group is ProtocolGroup.MATCHES_CLAIMED:
        return True
    return group is ProtocolGroup.LEADER_MATCHES and decision.assigned_category == item.claimed_category


def _label(t: Translate, value: str | None) -> str:
    try:
        return t(Category(value).label) if value else "—"
    except ValueError:
        return value or "—"


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        return Role.TEACHER


def _kind(t: Translate, value: str | None) -> str:
    if value == AttestationKind.EARLY.value:
        return t(N_("early"))
    return t(N_("regular"))


def _choice(t: Translate, decision: str, category: str | None) -> str:
    label = t(Decision(decision).label)
    return f"{label} — {_label(t, category)}" if category else label
