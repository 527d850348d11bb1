"""An application never goes astray: it reaches its commission, or someone is told why it has not.

`route_and_notify` runs after a submission, when a commission is created or given its area, when a
secretary opens /agenda, and every few minutes from the scheduler (app/scheduler.py). Each run:
- sends every registered application whose commission exists to it; its secretary is told (or, for a
  commission without a secretary yet, the administrators), and the teacher too if she had been told
  that no commission served her;
- for an application no commission serves, tells the teacher (in her language: why, and that she
  need do nothing, or which question to answer) and every administrator, once (`unrouted_reported_at`);
- tells the administrators, once, of a commission whose typed area matched no area of the list.

Messages go through the outbox (`bot.messaging.reach`): inside an update they are sent after its commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messaging import locale_of, reach
from bot.pipeline import deferred, outbox
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.commission.composition.service import CommissionService, Destination, Routed, RoutingOutcome, Unrouted
from scoring.areas import area_name
from scoring.categories import Category
from scoring.i18n import N_
from scoring.regions import region_by_id
from storage.commission_models import Commission
from storage.outbox_repository import OutboxRepository

log = logging.getLogger(__name__)

Translate = Callable[[str], str]

ROUTED = N_("A new application No. {number} is routed to «{name}». Accept or refuse it within one working day: "
            "/agenda")
ROUTED_NO_SECRETARY = N_("Application No. {number} has reached «{name}», which has no secretary yet: invite one "
                         "from /commissions, and the secretary will find it in /agenda.")
ROUTED_AT_LAST = N_("Your application No. {number} has reached «{name}». Its secretary accepts or refuses it "
                    "within one working day; /status shows where it is.")
TEACHER_NO_COMMISSION = N_(
    "Your application No. {number} is saved, but no commission serves {area} for the category «{category}» yet, "
    "so it cannot reach a secretary today. The administrators have been told. You need not do anything: you will "
    "get a message here as soon as a commission receives it.")
TEACHER_NO_AREA = N_(
    "Your application No. {number} is saved, but your profile has no district or city from the list, so it cannot "
    "reach a commission. Send /start and choose your district: the application then goes on to its commission "
    "(it is not withdrawn). The administrators have been told.")
ADMIN_NO_COMMISSION = N_(
    "⚠️ Application No. {number} reaches no commission: it needs {level} serving {area}, claimed category "
    "«{category}», and none serves it in its term. Create one with /commission_new (or give an existing one this "
    "area in /commissions): the application reaches it at once and the teacher is told.")
ADMIN_NO_AREA = N_(
    "⚠️ Application No. {number} reaches no commission: the teacher's profile ({region}) names no district or city "
    "from the list. She has been asked to choose it; the application goes on as soon as she does.")
ADMIN_COMMISSION_WITHOUT_AREA = N_(
    "⚠️ Commission No. {id} «{name}» serves «{typed}», which matches no district or city of the list, so no "
    "application can reach it. Open /commissions and choose its area.")


def _now() -> datetime:
    return datetime.now(UTC)


class Announcer:
    """Formats one message per addressee in the addressee's language."""

    def __init__(self, bot: Bot, session: AsyncSession, i18n: I18n, settings: Settings):
        self.bot, self.session, self.i18n, self.settings = bot, session, i18n, settings

    async def send(self, user_id: int, msgid: str, **params: Callable[[str, Translate], str] | object) -> None:
        locale = await locale_of(self.session, user_id, self.settings.default_locale)

        def tr(text: str) -> str:
            return self.i18n.gettext(text, locale=locale)

        values = {k: (v(locale, tr) if callable(v) else v) for k, v in params.items()}
        await reach(self.bot, user_id, tr(msgid).format(**values))

    async def admins(self, msgid: str, **params: Callable[[str, Translate], str] | object) -> None:
        if not self.settings.admin_ids:
            log.warning("No ADMIN_IDS are set: an administrator's notice about routing reached nobody")
        for admin in self.settings.admin_ids:
            await self.send(admin, msgid, **params)


def _place(region: str | None, code: str | None) -> Callable[[str, Translate], str]:
    """«Осакаровский район (Карагандинская область)», in the reader's language."""
    def render(locale: str, tr: Translate) -> str:
        found = region_by_id(region) if region else None
        region_label = tr(found.label) if found else "—"
        name = area_name(code, locale)
        return f"{name} ({region_label})" if name else region_label
    return render


def _category(value: str | None) -> Callable[[str, Translate], str]:
    def render(_locale: str, tr: Translate) -> str:
        try:
            return tr(Category(value).label) if value else "—"
        except ValueError:
            return value or "—"
    return render


def _label(msgid: str) -> Callable[[str, Translate], str]:
    return lambda _locale, tr: tr(msgid)


async def _announce_routed(out: Announcer, routed: Routed) -> None:
    app, c = routed.application, routed.commission
    number = app.number or app.id
    if c.secretary_user_id is not None:
        await out.send(c.secretary_user_id, ROUTED, number=number, name=c.name)
    else:
        await out.admins(ROUTED_NO_SECRETARY, number=number, name=c.name)
    if app.unrouted_reported_at is not None:
        await out.send(app.user_id, ROUTED_AT_LAST, number=number, name=c.name)
        app.unrouted_reported_at = None


async def _announce_unrouted(out: Announcer, d: Destination, now: datetime) -> None:
    app, profile = d.application, d.profile
    # Ids and codes only: no personal data in the log.
    log.warning("Application %s reaches no commission (%s; level %s, area %s)", app.id, d.unrouted, d.level.value,
                profile.area_code)
    number = app.number or app.id
    claimed = app.claimed_category or profile.claimed_category
    if d.unrouted is Unrouted.NO_AREA:
        await out.send(app.user_id, TEACHER_NO_AREA, number=number)
        await out.admins(ADMIN_NO_AREA, number=number, region=_place(profile.region, None))
    else:
        place = _place(profile.region, profile.area_code)
        await out.send(app.user_id, TEACHER_NO_COMMISSION, number=number, area=place, category=_category(claimed))
        await out.admins(ADMIN_NO_COMMISSION, number=number, level=_label(d.level.label), area=place,
                         category=_category(claimed))
    app.unrouted_reported_at = now


async def _announce_commission_without_area(out: Announcer, c: Commission, now: datetime) -> None:
    await out.admins(ADMIN_COMMISSION_WITHOUT_AREA, id=c.id, name=c.name, typed=c.legacy_area or "—")
    c.area_reported_at = now


async def route_and_notify(bot: Bot, session: AsyncSession, i18n: I18n, settings: Settings, rule_book: RuleBook,
                           now: datetime | None = None) -> RoutingOutcome:
    """Route what can be routed and tell whoever must know, once; the caller commits."""
    now = now or _now()
    service = CommissionService.in_force(session, rule_book, settings.timezone, now)
    out = Announcer(bot, session, i18n, settings)
    outcome = await service.route_pending(now)
    for routed in outcome.routed:
        await _announce_routed(out, routed)
    for d in outcome.unrouted:
        if d.application.unrouted_reported_at is None:
            await _announce_unrouted(out, d, now)
    for c in await service.commissions_without_area():
        if c.area_reported_at is None:
            await _announce_commission_without_area(out, c, now)
    await session.flush()
    return outcome


class RoutingJob:
    """The scheduler's retry (app/scheduler.py): one run in its own transaction, its messages held and
    written to the outbox with it, and sent once it has committed (as an update's are, bot/pipeline/deferred.py)."""

    def __init__(self, bot: Bot, sessions: async_sessionmaker[AsyncSession], i18n: I18n, settings: Settings,
                 rule_book: RuleBook):
        self.bot, self.sessions, self.i18n, self.settings = bot, sessions, i18n, settings
        self.rule_book = rule_book

    async def run(self, now: datetime | None = None) -> RoutingOutcome:
        deferred.install(self.bot)
        async with self.sessions() as session:
            with deferred.holding() as held:
                outcome = await route_and_notify(self.bot, session, self.i18n, self.settings, self.rule_book, now)
                rows = [(int(getattr(call, "chat_id", 0) or 0), call.__api_method__,
                         await outbox.encode(self.bot, call)) for call in held.calls]
                ids = await OutboxRepository(session).add_many(rows, _now()) if rows else []
                await session.commit()
        await outbox.send_claimed(self.bot, self.sessions, ids)
        return outcome
