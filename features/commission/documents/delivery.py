"""Who receives which document of a session (§20): the protocol to the secretary and the members; each
teacher's extract (after the decision told in words: features/commission/notices.py), and later their
certificate, to the teacher and to the secretary. Every file is captioned in its reader's language with what it
is and whose it is."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import locale_of, reach, reach_document
from bot.rule_book import ruleset_of_application
from bot.settings import Settings
from features.commission.composition.service import CommissionService, utc_now
from features.commission.documents.service import DocumentService, Produced
from features.commission.notices import decision_text
from features.verification.service import VerificationService
from scoring.appeals import AppealPeriods
from scoring.config import default_rules
from scoring.dates import format_day
from scoring.i18n import N_
from scoring.rulesets import pilot_with
from storage.commission_models import AgendaItem, Commission, CommissionDecision, CommissionSession
from storage.files import FileStore
from storage.profile_repository import ProfileRepository

PROTOCOL_CAPTION = N_("Protocol No. {number} of the session of {date}, «{name}»")
EXTRACT_CAPTION = N_("Extract from the protocol No. {number} of {date}: {applicant}")
CERTIFICATE_CAPTION = N_("Qualification category certificate: {applicant}")


class DocumentDelivery:
    def __init__(self, session: AsyncSession, settings: Settings, i18n: I18n, commissions: CommissionService,
                 store: FileStore):
        self.session = session
        self.settings = settings
        self.i18n = i18n
        self.commissions = commissions
        self.documents = DocumentService(commissions, i18n, settings.document_templates_dir, store,
                                         stamps=VerificationService(session, settings))

    async def caption(self, user_id: int, template: str, **params: object) -> str:
        locale = await locale_of(self.session, user_id, self.settings.default_locale)
        return self.i18n.gettext(template, locale=locale).format(**params)

    async def issue(self, bot: Bot, s: CommissionSession, c: Commission, now: datetime | None = None) -> None:
        """Generates the session's protocol and extracts, records when each teacher's extract was sent, and sends
        them (after the update commits, as every message to someone else)."""
        now = now or utc_now()
        produced = await self.documents.generate(s, c, now)
        members = [m.user_id for m in await self.commissions.repo.members(c.id)]
        when = format_day(s.session_date)
        for p in produced:
            if p.kind == "protocol":
                for user_id in [c.secretary_user_id, *members]:
                    if user_id is None:
                        continue
                    caption = await self.caption(user_id, PROTOCOL_CAPTION, number=s.number, date=when, name=c.name)
                    for doc in p.files:
                        await reach_document(bot, user_id, doc, caption)
                continue
            assert p.item is not None
            decision = await self.commissions.repo.decision(p.item.id)
            if decision is not None:
                await self._to_teacher(bot, c, p, EXTRACT_CAPTION, decision, number=s.number, date=when)
                decision.extract_sent_at = now
            await self._to_secretary(bot, c, p, EXTRACT_CAPTION, number=s.number, date=when)
        await self.session.flush()

    async def issue_certificates(self, bot: Bot, s: CommissionSession, c: Commission,
                                 now: datetime | None = None) -> int:
        """The certificates of a session whose order is recorded, once; how many were issued."""
        now = now or utc_now()
        if not await self.commissions.repo.take_certificates(s.id, now):
            return 0
        produced = await self.documents.certificates(s, c, now)
        for p in produced:
            await self._to_teacher(bot, c, p, CERTIFICATE_CAPTION, None)
            await self._to_secretary(bot, c, p, CERTIFICATE_CAPTION)
            decision = await self.commissions.repo.decision(p.item.id) if p.item is not None else None
            if decision is not None:
                decision.certificate_sent_at = now
        await self.session.flush()
        return len(produced)

    async def _to_teacher(self, bot: Bot, c: Commission, p: Produced, template: str,
                          decision: CommissionDecision | None, **params: object) -> None:
        """The teacher's documents captioned in their language; an extract after the decision told in words.
        Nobody to send to once they erased their data (the row is then a kept record)."""
        assert p.item is not None
        teacher = p.item.user_id
        if teacher is None:
            return
        if decision is not None:
            locale = await locale_of(self.session, teacher, self.settings.default_locale)
            await self.tell_decision(bot, c, p.item, teacher, decision, locale)
        caption = await self.caption(teacher, template, applicant=p.item.full_name, **params)
        for doc in p.files:
            await reach_document(bot, teacher, doc, caption)

    async def _to_secretary(self, bot: Bot, c: Commission, p: Produced, template: str, **params: object) -> None:
        assert p.item is not None
        if c.secretary_user_id is None:
            return
        caption = await self.caption(c.secretary_user_id, template, applicant=p.item.full_name, **params)
        for doc in p.files:
            await reach_document(bot, c.secretary_user_id, doc, caption)

    async def tell_decision(self, bot: Bot, c: Commission, item: AgendaItem, teacher: int,
                            decision: CommissionDecision, locale: str) -> None:
        profile = await ProfileRepository(self.session).get(teacher)
        ruleset = await ruleset_of_application(self.session, item.application_id, pilot_with(default_rules()))
        text = decision_text(lambda msgid: self.i18n.gettext(msgid, locale=locale), c, decision,
                             item.current_category, profile.category_valid_until if profile is not None else None,
                             AppealPeriods.of(ruleset.rules))
        await reach(bot, teacher, text)
