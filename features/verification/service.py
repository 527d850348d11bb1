"""Issuing a verifiable document (its code, signed facts and registry row), checking one, and revoking one."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_today
from bot.messaging import locale_of, reach
from bot.refusal import Refusal
from bot.settings import Settings
from features.commission.documents.content import Stamp
from features.verification.keys import signing_key
from features.verification.payload import (
    FORMAT,
    Facts,
    InvalidPayload,
    display_code,
    new_code,
    normalise_code,
    qr_text,
    sign,
    verify,
)
from scoring.dates import format_day
from scoring.i18n import N_, Phrase
from storage.commission_models import AgendaItem, Commission, CommissionDecision, CommissionSession
from storage.commission_repository import CommissionRepository
from storage.profile_repository import ProfileRepository
from storage.verification_models import IssuedDocument
from storage.verification_repository import VerificationRepository

log = logging.getLogger(__name__)

CERTIFICATE, EXTRACT = "certificate", "extract"
UNKNOWN_CODE = N_("No document with the code {code} was issued: it is not valid.")
ALREADY_REVOKED = N_("The document {code} was already revoked on {date}.")
REVOKED_NOTICES = {
    "certificate": N_("Your certificate {code} was revoked on {date}. Reason: {reason}. It is no longer valid; the "
                      "commission's secretary can tell you what happens next."),
    "extract": N_("Your extract from the minutes {code} was revoked on {date}. Reason: {reason}. It is no longer "
                  "valid; the commission's secretary can tell you what happens next."),
}
KIND_LABELS = {CERTIFICATE: N_("certificate"), EXTRACT: N_("extract from the minutes")}
# A revocation because a complaint was upheld (features/appeals): stored in this form, shown translated.
COMPLAINT_REASON = "complaint {number} upheld: {remedy}"
COMPLAINT_REASON_TEXT = N_("complaint {number} upheld: {remedy}")
REMEDY_LABELS = {"revote": N_("a new vote"), "correction": N_("a correction of the decision")}
_COMPLAINT_REASON = re.compile(r"complaint (\S+) upheld: (\w+)")


def reason_text(t: Callable[[str], str], reason: str | None) -> str:
    """A revocation's reason in the reader's language where the bot wrote it (an upheld complaint); an admin's
    typed reason as typed."""
    match = _COMPLAINT_REASON.fullmatch(reason or "")
    if match is None or match[2] not in REMEDY_LABELS:
        return reason or "—"
    return t(COMPLAINT_REASON_TEXT).format(number=match[1], remedy=t(REMEDY_LABELS[match[2]]))


class Status(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # no such code was issued
    INVALID = "invalid"  # a QR payload whose signature or facts do not hold


@dataclass(frozen=True)
class Verdict:
    status: Status
    code: str = ""  # as printed, when one was read
    facts: Facts | None = None
    revoked_at: datetime | None = None
    revoked_reason: str | None = None


def facts_of(row: IssuedDocument) -> Facts:
    return Facts.from_json(row.facts)


def status_of(row: IssuedDocument, today: date) -> Status:
    if row.revoked_at is not None:
        return Status.REVOKED
    if row.valid_until is not None and row.valid_until < today:
        return Status.EXPIRED
    return Status.VALID


class VerificationService:
    def __init__(self, session: AsyncSession, settings: Settings):
        self.session = session
        self.settings = settings
        self.repo = VerificationRepository(session)

    # --- issuing (called by features/commission/documents/service.py while it makes the document) ---------

    async def certificate(self, c: Commission, item: AgendaItem, decision: CommissionDecision, now: datetime) -> Stamp:
        return await self._issue(CERTIFICATE, c, item, decision, decision.certificate_number or "", now)

    async def extract(self, c: Commission, s: CommissionSession, item: AgendaItem, now: datetime) -> Stamp | None:
        decision = await CommissionRepository(self.session).decision(item.id)
        if decision is None:
            return None
        return await self._issue(EXTRACT, c, item, decision, str(s.number), now)

    async def _issue(self, kind: str, c: Commission, item: AgendaItem, decision: CommissionDecision, number: str,
                     now: datetime) -> Stamp:
        code = await self._free_code()
        facts = Facts(kind=kind, code=code, full_name=item.full_name, iin_last4=await self._iin_last4(item),
                      category=decision.assigned_category or item.current_category or "",
                      decided_on=decision.decided_on, commission=c.name, valid_until=decision.valid_until,
                      number=number)
        signature = sign(facts, signing_key(self.settings.signing_key_path))
        row = await self.repo.add(code=code, kind=kind, application_id=item.application_id, candidate_id=item.id,
                                  facts=facts.as_json(), signature=signature, issued_at=now,
                                  valid_until=decision.valid_until)
        log.info("Issued verifiable %s #%d for agenda item %d", kind, row.id, item.id)
        return Stamp(code=display_code(code), qr=qr_text(facts, signature, self.settings.verify_url),
                     url=self.settings.verify_url)

    async def _free_code(self) -> str:
        # 50 random bits: a clash is all but impossible, and checked anyway.
        while await self.repo.code_taken(code := new_code()):
            continue
        return code

    async def _iin_last4(self, item: AgendaItem) -> str:
        profile = await ProfileRepository(self.session).get(item.user_id) if item.user_id is not None else None
        iin = profile.iin if profile is not None else None
        return iin[-4:] if iin else ""

    # --- checking -----------------------------------------------------------------------------------------

    async def check(self, typed: str) -> Verdict:
        """A typed code or a pasted QR payload (or link) against the registry."""
        text = typed.strip()
        if f"{FORMAT}." in text:
            return await self.check_payload(text)
        code = normalise_code(text)
        if code is None:
            return Verdict(Status.UNKNOWN, code=text[:40])
        return await self.lookup(code)

    async def lookup(self, code: str) -> Verdict:
        row = await self.repo.by_code(code)
        if row is None:
            return Verdict(Status.UNKNOWN, code=display_code(code))
        return Verdict(status_of(row, local_today(self.settings)), code=display_code(code), facts=facts_of(row),
                       revoked_at=row.revoked_at, revoked_reason=row.revoked_reason)

    async def check_payload(self, text: str) -> Verdict:
        try:
            facts = verify(text, signing_key(self.settings.signing_key_path).public_key())
        except InvalidPayload:
            return Verdict(Status.INVALID)
        row = await self.repo.by_code(facts.code)
        if row is not None and row.facts != facts.as_json():
            return Verdict(Status.INVALID, code=display_code(facts.code))
        return await self.lookup(facts.code)

    # --- revoking -----------------------------------------------------------------------------------------

    async def revocable(self, typed: str) -> IssuedDocument:
        """The document an admin means to revoke; refused if there is none or it already is."""
        code = normalise_code(typed)
        row = await self.repo.by_code(code) if code is not None else None
        if row is None:
            raise Refusal(Phrase(UNKNOWN_CODE, {"code": typed.strip()[:40]}))
        self._not_revoked(row)
        return row

    async def revoke(self, bot: Bot, i18n: I18n, document_id: int, reason: str, admin: int,
                     now: datetime) -> IssuedDocument:
        row = await self.repo.get(document_id)
        if row is None:
            raise Refusal(Phrase(UNKNOWN_CODE, {"code": str(document_id)}))
        self._not_revoked(row)
        if not await self.repo.revoke(row.id, at=now, reason=reason, by=admin):
            await self.session.refresh(row)
            self._not_revoked(row)
        log.info("Document #%d revoked by admin %d", row.id, admin)
        await self._tell_teacher(bot, i18n, row)
        return row

    async def revoke_for_complaint(self, application_id: int, number: str, remedy: str, by: int | None,
                                   now: datetime) -> list[IssuedDocument]:
        """An upheld complaint (§26) revokes the application's documents in force, in the caller's transaction;
        the caller tells the teacher (in its own outcome message, once)."""
        reason = COMPLAINT_REASON.format(number=number, remedy=remedy)
        revoked = []
        for row in await self.repo.not_revoked_of(application_id):
            if await self.repo.revoke(row.id, at=now, reason=reason, by=by):
                revoked.append(row)
        log.info("%d document(s) of application %d revoked on an upheld complaint", len(revoked), application_id)
        return revoked

    def _not_revoked(self, row: IssuedDocument) -> None:
        if row.revoked_at is not None:
            raise Refusal(Phrase(ALREADY_REVOKED, {"code": display_code(row.code),
                                                   "date": format_day(self.local_day(row.revoked_at))}))

    def local_day(self, moment: datetime) -> date:
        """A stored moment's day in the deployment's time zone (SQLite gives it back without one; it is UTC)."""
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(ZoneInfo(self.settings.timezone)
                                                                                    ).date()

    async def _tell_teacher(self, bot: Bot, i18n: I18n, row: IssuedDocument) -> None:
        """In her language, after the commit (bot.messaging.reach); nobody to tell once she erased her data."""
        item = await self.session.get(AgendaItem, row.candidate_id) if row.candidate_id is not None else None
        if item is None or item.user_id is None or row.revoked_at is None:
            return
        locale = await locale_of(self.session, item.user_id, self.settings.default_locale)

        notice = i18n.gettext(REVOKED_NOTICES.get(row.kind, REVOKED_NOTICES[CERTIFICATE]), locale=locale)
        await reach(bot, item.user_id, notice.format(
            code=display_code(row.code), date=format_day(self.local_day(row.revoked_at)),
            reason=reason_text(lambda m: i18n.gettext(m, locale=locale), row.revoked_reason)))
