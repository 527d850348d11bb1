"""Builds the protocol, extracts and certificates of a closed session from the database and stores them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiogram.utils.i18n import I18n

from bot.commission_documents import (
    CertificateData,
    ProtocolData,
    Row,
    Translate,
    VoteLine,
    certificate_blocks,
    extract_blocks,
    protocol_blocks,
    to_docx,
    to_pdf,
)
from bot.services.commission import CommissionService, utc_now
from bot.services.commission_points import PointsService, mean
from scoring.areas import area_name
from scoring.categories import AttestationKind, Category, Role
from scoring.commission import Decision, needs_reason, protocol_group
from scoring.i18n import N_
from scoring.regions import region_by_id
from scoring.sheets.observation import format_points
from storage.commission_models import AgendaItem, Commission, CommissionSession, GeneratedDocument
from storage.commission_repository import CommissionRepository


@dataclass(frozen=True)
class Produced:
    kind: str  # protocol / extract / certificate
    item: AgendaItem | None
    documents: list[GeneratedDocument]


class DocumentService:
    def __init__(self, commissions: CommissionService, i18n: I18n):
        self.commissions = commissions
        self.repo: CommissionRepository = commissions.repo
        self.i18n = i18n

    def translator(self, locale: str) -> Translate:
        return lambda text: self.i18n.gettext(text, locale=locale)

    async def protocol_data(self, s: CommissionSession, c: Commission) -> ProtocolData:
        t = self.translator(c.locale)
        members = await self.repo.members(c.id)
        names = {m.user_id: m.full_name for m in members}
        chair = next((m.full_name for m in members if m.is_chair), "—")
        leaders = False
        rows = []
        for item in await self.repo.items(s.id):
            decision = await self.repo.decision(item.id)
            if decision is None:
                continue
            role = _role(item.role)
            leaders = leaders or role.is_leader
            chosen = Decision(decision.decision)
            votes = tuple(
                VoteLine(names.get(v.member_user_id, str(v.member_user_id)),
                         _choice(t, v.decision, v.category), v.cast_at.astimezone(self.commissions.tz))
                for v in await self.repo.votes(item.id)
            )
            rows.append(Row(
                full_name=item.full_name, position=t(role.label), kind=_kind(t, item.kind),
                current=_label(t, item.current_category), claimed=_label(t, item.claimed_category),
                assigned=_label(t, decision.assigned_category), decision=t(chosen.label),
                group=protocol_group(chosen, role.is_leader),
                # Typed by the secretary (SessionService.set_reason); a decision recorded before reasons were
                # asked for prints its label, as before.
                reason=(decision.reason or t(chosen.label)) if needs_reason(
                    protocol_group(chosen, role.is_leader)) else "",
                votes=votes, points=await self.points_line(t, item, names),
            ))
        return ProtocolData(
            commission=c.name, number=s.number, session_date=s.session_date, chair=chair,
            members=tuple(m.full_name for m in members if not m.is_chair), secretary=c.secretary_name or "—",
            leaders=leaders, rows=tuple(rows),
        )

    async def points_line(self, t: Translate, item: AgendaItem, names: dict[int, str]) -> str:
        """The members' commission points on this candidate: the mean, each member's, the threshold."""
        points = await PointsService(self.commissions.session, self.commissions.rules).all_totals(item)
        average = mean(points)
        if average is None:
            return ""
        threshold = points[0].total.threshold
        each = "; ".join(f"{names.get(p.member_user_id, str(p.member_user_id))} — {format_points(p.total.total)}"
                         for p in points)
        return t(N_("{name}: commission points, mean {mean} of {count} members (threshold {threshold}): "
                    "{each}.")).format(name=item.full_name, mean=format_points(average), count=len(points),
                                      threshold="—" if threshold is None else threshold, each=each)

    async def signatory(self, t: Translate, c: Commission) -> str:
        """Who signs the certificates: the chair; the secretary while no chair is recorded.

        App 1 prints "head of the education organisation / authority" under the signature, but the bot issues
        the certificate on the commission's decision and knows only the commission's people, so the line names
        the chair (or the secretary) with their function instead of being left blank.
        """
        chair = await self.repo.chair(c.id)
        if chair is not None:
            return t(N_("Chair of the commission: {name}")).format(name=chair.full_name)
        return t(N_("Secretary of the commission: {name}")).format(name=c.secretary_name or "—")

    async def _store(self, c: CommissionSession | None, commission: Commission, kind: str, stem: str,
                     docx: bytes, pdf: bytes, item: AgendaItem | None, now: datetime) -> list[GeneratedDocument]:
        out = []
        for fmt, content in (("docx", docx), ("pdf", pdf)):
            out.append(await self.repo.add_document(
                commission_id=commission.id, session_id=c.id if c else None, candidate_id=item.id if item else None,
                kind=kind, fmt=fmt, locale=commission.locale, filename=f"{stem}.{fmt}", content=content,
                created_at=now,
            ))
        return out

    async def generate(self, s: CommissionSession, c: Commission, now: datetime | None = None) -> list[Produced]:
        """Protocol of the session, then an extract (and a certificate where one is due) per candidate."""
        now = now or utc_now()
        t = self.translator(c.locale)
        data = await self.protocol_data(s, c)
        blocks = protocol_blocks(data, t)
        produced = [Produced("protocol", None, await self._store(
            s, c, "protocol", f"protocol-{c.id}-{s.number}", to_docx(blocks, landscape=True),
            to_pdf(blocks, landscape=True), None, now))]
        decided = [(i, dec) for i in await self.repo.items(s.id) if (dec := await self.repo.decision(i.id))]
        # protocol_data lists the decided candidates in agenda order, as `decided` does.
        for (item, decision), row in zip(decided, data.rows, strict=True):
            blocks = extract_blocks(data, row, t)
            produced.append(Produced("extract", item, await self._store(
                s, c, "extract", f"extract-{c.id}-{s.number}-{item.position}", to_docx(blocks), to_pdf(blocks),
                item, now)))
            if decision.certificate_number and decision.valid_until and decision.assigned_category:
                cert = CertificateData(
                    full_name=item.full_name, category=_label(t, decision.assigned_category), position=row.position,
                    order_number=c.order_number, order_date=c.order_date, decided_on=decision.decided_on,
                    issuer=issuer(t, c), signatory=await self.signatory(t, c),
                    place=area_name(c.area_code, c.locale) or _region(t, c.region) or c.name,
                    issued_on=decision.decided_on, valid_until=decision.valid_until,
                    number=decision.certificate_number,
                )
                blocks = certificate_blocks(cert, t)
                produced.append(Produced("certificate", item, await self._store(
                    s, c, "certificate", f"certificate-{decision.certificate_number}", to_docx(blocks),
                    to_pdf(blocks), item, now)))
        return produced


def _region(t: Translate, region_id: str | None) -> str | None:
    region = region_by_id(region_id) if region_id else None
    return t(region.label) if region is not None else region_id


def issuer(t: Translate, c: Commission) -> str:
    """The issuing body of App 1: the commission's name and the area it serves (organisation, district, region)."""
    area = [part for part in (c.organisation, area_name(c.area_code, c.locale), _region(t, c.region)) if part]
    if not area:
        return c.name
    return f"{c.name} ({', '.join(area)})"


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
