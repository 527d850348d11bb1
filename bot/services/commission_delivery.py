"""Who receives which document of a closed session (§20): the protocol to the secretary and the members,
each teacher's extract and certificate to the teacher (captioned in their language, after the decision told
in words: bot/decision_views.py) and to the secretary."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.decision_views import decision_text
from bot.outbox import reach, reach_document
from bot.services.commission import CommissionService, utc_now
from bot.services.commission_docs import DocumentService, Produced
from bot.services.notify import locale_of
from bot.settings import Settings
from scoring.i18n import N_
from storage.commission_models import AgendaItem, Commission, CommissionDecision, CommissionSession
from storage.repositories import ProfileRepository

EXTRACT_CAPTION = N_("Extract from the protocol of the attestation commission «{name}»")
CERTIFICATE_CAPTION = N_("Your qualification category certificate")


class DocumentDelivery:
    def __init__(self, session: AsyncSession, settings: Settings, i18n: I18n, commissions: CommissionService):
        self.session = session
        self.settings = settings
        self.i18n = i18n
        self.commissions = commissions

    async def issue(self, bot: Bot, s: CommissionSession, c: Commission, now: datetime | None = None) -> None:
        """Generates the session's documents, records when each teacher's was sent, and sends them (after
        the update commits, as every message to someone else)."""
        now = now or utc_now()
        produced = await DocumentService(self.commissions, self.i18n).generate(s, c, now)
        members = [m.user_id for m in await self.commissions.repo.members(c.id)]
        for p in produced:
            if p.kind == "protocol":
                for user_id in [c.secretary_user_id, *members]:
                    if user_id is not None:
                        for doc in p.documents:
                            await reach_document(bot, user_id, doc)
                continue
            assert p.item is not None
            decision = await self.commissions.repo.decision(p.item.id)
            if p.item.user_id is not None:  # None: they erased their data; the secretary still gets the documents
                await self.to_teacher(bot, c, p, p.item.user_id, decision, now)
            for doc in p.documents:
                if c.secretary_user_id is not None:
                    await reach_document(bot, c.secretary_user_id, doc)
        await self.session.flush()

    async def to_teacher(self, bot: Bot, c: Commission, p: Produced, teacher: int,
                         decision: CommissionDecision | None, now: datetime) -> None:
        """The teacher's extract (with the decision told in words) or certificate, captioned in their language."""
        assert p.item is not None
        locale = await locale_of(self.session, teacher, self.settings.default_locale)
        if p.kind == "extract" and decision is not None:
            await self.tell_decision(bot, c, p.item, teacher, decision, locale)
        template = EXTRACT_CAPTION if p.kind == "extract" else CERTIFICATE_CAPTION
        for doc in p.documents:
            await reach_document(bot, teacher, doc, self.i18n.gettext(template, locale=locale).format(name=c.name))
        if decision is not None:
            if p.kind == "extract":
                decision.extract_sent_at = now
            else:
                decision.certificate_sent_at = now

    async def tell_decision(self, bot: Bot, c: Commission, item: AgendaItem, teacher: int,
                            decision: CommissionDecision, locale: str) -> None:
        profile = await ProfileRepository(self.session).get(teacher)
        text = decision_text(lambda msgid: self.i18n.gettext(msgid, locale=locale), c, decision,
                             item.current_category, profile.category_valid_until if profile is not None else None)
        await reach(bot, teacher, text)
