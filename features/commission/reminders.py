"""Secretaries' reminders (§23: 1 working day to accept or refuse; §20: extract within 3 working days).

For the scheduler: call `remind_secretaries` once per working day (e.g. at the start of
working hours) with a fresh database session; it sends each secretary one message and commits nothing
itself (the caller commits), marking what it reminded about so a review is reminded once.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messaging import locales_of
from bot.rule_book import RuleBook
from features.commission.composition.service import CommissionService
from storage.commission_models import ApplicationReview, CommissionDecision


async def remind_secretaries(bot: Bot, session: AsyncSession, i18n: I18n, default_locale: str, rule_book: RuleBook,
                             timezone: str = "Asia/Almaty", now: datetime | None = None) -> int:
    """Send the reminders; returns how many secretaries were reminded."""
    svc = CommissionService.in_force(session, rule_book, timezone, now)
    reviews = await svc.overdue_by_secretary(now)
    extracts = await svc.overdue_extracts(now)
    reminded = 0
    secretaries = sorted(set(reviews) | set(extracts))
    locales = await locales_of(session, secretaries, default_locale)
    marked: list[ApplicationReview] = []
    decisions: list[CommissionDecision] = []
    for secretary in secretaries:
        locale = locales[secretary]
        lines = []
        pending = [r for r in reviews.get(secretary, []) if r.reminded_at is None]
        if pending:
            lines.append(i18n.gettext(
                "Applications waiting for acceptance or refusal for more than one working day: {count}. "
                "Open /agenda.", locale=locale).format(count=len(pending)))
        late = extracts.get(secretary, [])
        if late:
            lines.append(i18n.gettext(
                "Extracts not sent within three working days of the decision: {names}.", locale=locale).format(
                names=", ".join(item.full_name for _d, item in late)))
        if not lines:
            continue
        await bot.send_message(secretary, "\n".join(lines))
        marked += pending
        decisions += [d for d, _i in late]
        reminded += 1
    # Marked once for all (the caller commits): a failed send leaves every mark uncommitted either way.
    await svc.mark_reminded(marked, now)
    await svc.mark_reminded(decisions, now)
    return reminded
