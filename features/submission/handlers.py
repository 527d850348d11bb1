"""/submit (checks, then the App 6 acceptance or App 7 refusal notice), /status and /withdraw."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import render
from bot.settings import Settings
from bot.views import answer_stale
from features.checklist.service import Clock, utc_now
from features.commission.notices import decision_status
from features.commission.routing import route_and_notify
from features.guidance.service import GuidanceService, Standing
from features.guidance.views import (
    channel_name,
    package_summary,
    portal_steps,
    readiness_view,
    what_next_keyboard,
    what_next_text,
)
from features.profile.form import next_question
from features.profile.onboarding import AREA_FIELD, ask
from features.submission.callbacks import SubmissionCallback
from features.submission.service import NO_CONSENT, Review, SubmissionService, fmt_date
from scoring.categories import Category
from storage.checklist_models import Application, ApplicationStatus


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _service(session: AsyncSession, settings: Settings) -> SubmissionService:
    return SubmissionService(session, timezone=settings.timezone)


def confirm_keyboard(yes: str, yes_text: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=yes_text, callback_data=SubmissionCallback(action=yes))
    builder.button(text=_("Not now"), callback_data=SubmissionCallback(action="keep"))
    builder.adjust(1)
    return builder.as_markup()


def acceptance_notice(review: Review, app: Application) -> str:
    """App 6, restated."""
    assert review.profile is not None and app.registered_on is not None
    claimed = _(Category(app.claimed_category).label) if app.claimed_category else "—"
    return _(
        "NOTICE of acceptance of the application for attestation (Appendix 6)\n\n"
        "To: {name}\n\n"
        "Your application to take part in the procedure of awarding (confirming) a qualification category "
        "of teachers has been accepted.\n\n"
        "Application No.: {number}\n"
        "Claimed category: {category}\n"
        "Registration date: {registered}\n\n"
        "This notice was sent on {sent}."
    ).format(name=review.profile.full_name or "—", number=app.number, category=claimed,
             registered=fmt_date(app.registered_on), sent=fmt_date(review.today))


def refusal_notice(review: Review) -> str:
    """App 7, restated: each missing or non-conforming item on its own line."""
    assert review.profile is not None
    reasons = [render(f.message) for f in review.failures]
    listing = "\n".join(f"{n}) {reason}" + (";" if n < len(reasons) else ".") for n, reason in enumerate(reasons, 1))
    return _(
        "NOTICE of refusal to accept the application for attestation (Appendix 7)\n\n"
        "To: {name}\n\n"
        "Your application to take part in the procedure of awarding (confirming) a qualification category "
        "of teachers was not accepted because of, namely (missing or non-conforming documents):\n"
        "{reasons}\n\n"
        "This notice was sent on {sent}."
    ).format(name=review.profile.full_name or "—", reasons=listing, sent=fmt_date(review.today))


def already_text(app: Application) -> str:
    return _("Your application No. {number} for this academic year is already submitted (registered on {date}). "
             "/status shows where it is.").format(number=app.number, date=fmt_date(app.registered_on)
                                                  if app.registered_on else "—")


async def _refuse(chat_id: int, bot: Bot, service: SubmissionService, review: Review, locale: str) -> None:
    """The rules refuse an application she confirmed (something changed since the readiness check, e.g. the
    window closed): the App 7 notice, recorded."""
    text = refusal_notice(review)
    await service.refuse(chat_id, review, locale, text)
    await bot.send_message(chat_id, text)
    await bot.send_message(chat_id, _("Put these right and send /submit again."))


async def start_submit(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession, settings: Settings,
                       now: datetime) -> None:
    """The readiness check: what is done and what is missing, each with its fix; the submit (or, for a
    portal, the package) button once everything is ready. Nothing is filed or recorded here."""
    standing = await GuidanceService(session, settings).standing(user_id, now)
    if standing is None:
        await bot.send_message(user_id, sentence(render(NO_CONSENT)))
        return
    if standing.review.already is not None and settings.files_in_bot:
        await bot.send_message(user_id, already_text(standing.review.already))
        return
    assert standing.review.profile is not None
    upcoming = next_question(standing.review.profile)
    if upcoming is not None and upcoming.field == AREA_FIELD:
        # A district typed before districts were a list, and matching none of it: asked here, not refused.
        await bot.send_message(user_id, _(
            "Before you submit: districts and cities are now chosen from the official list, so that the "
            "application reaches the commission that serves you. Please choose yours, then send /submit again."))
        await ask(bot, user_id, upcoming, standing.review.profile, state)
        return
    text, markup = readiness_view(standing)
    await bot.send_message(user_id, text, reply_markup=markup)


async def submit_command(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                         clock: Clock = utc_now) -> None:
    assert message.from_user is not None and message.bot is not None
    await start_submit(message.bot, message.from_user.id, state, session, settings, clock())


async def _submit(bot: Bot, user_id: int, session: AsyncSession, settings: Settings, i18n: I18n,
                  state: FSMContext, now: datetime) -> None:
    """She confirmed: the checks once more, then the App 6 acceptance or, if the rules refuse, App 7."""
    service = _service(session, settings)
    review = await service.review(user_id, now)
    if review.profile is None:
        await bot.send_message(user_id, sentence(render(review.failures[0].message)))
        return
    if review.already is not None:
        await bot.send_message(user_id, already_text(review.already))
        return
    if review.failures:
        await _refuse(user_id, bot, service, review, i18n.current_locale)
        return
    app = await service.accept(user_id, review)
    text = acceptance_notice(review, app)
    await service.record_acceptance(app, i18n.current_locale, text, now)
    await state.clear()
    await bot.send_message(user_id, text)
    # The commission's secretary hears of it at once: acceptance is due within one working day (§23).
    await route_and_notify(bot, session, i18n, settings)


async def send_package(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession, settings: Settings,
                       now: datetime) -> None:
    """For a portal: her data, every document's files re-sent, the essay as a file, and the portal's steps.
    If something is missing after all, the readiness check again (the bot refuses nothing: the portal does)."""
    guidance = GuidanceService(session, settings)
    standing = await guidance.standing(user_id, now)
    if standing is None or not standing.review.passed:
        await start_submit(bot, user_id, state, session, settings, now)
        return
    files = await guidance.package_files(user_id)
    await bot.send_message(user_id, package_summary(standing, files))
    assert standing.review.checklist is not None
    for s in standing.review.checklist.states:
        for f in files.get(s.item.id, []):
            caption = _(s.item.title)
            if f.kind == "photo":
                await bot.send_photo(user_id, f.file_id, caption=caption)
            else:
                await bot.send_document(user_id, f.file_id, caption=caption)
    essay = standing.review.essay
    if essay is not None:
        await bot.send_document(user_id, BufferedInputFile(essay.text.encode("utf-8"), filename="essay.txt"),
                                caption=_("Your essay: {words} words").format(words=essay.words))
    await bot.send_message(user_id, portal_steps(standing))


async def on_button(
    callback: CallbackQuery, callback_data: SubmissionCallback, state: FSMContext, session: AsyncSession,
    settings: Settings, i18n: I18n, clock: Clock = utc_now,
) -> None:
    assert callback.bot is not None
    user_id = callback.from_user.id
    service = _service(session, settings)
    now = clock()
    action = callback_data.action
    # Filing belongs to a commission working in this bot, the package to a portal deployment.
    if (action == "submit" and not settings.files_in_bot) or (action == "package" and settings.files_in_bot):
        await answer_stale(callback)
        return
    if callback.message is not None and action in ("keep", "submit", "package"):
        await callback.bot.edit_message_reply_markup(chat_id=user_id, message_id=callback.message.message_id)
    if action == "keep":
        await callback.answer()
        await callback.bot.send_message(user_id, _("Nothing changed."))
        return
    if action == "submit":
        await callback.answer()
        await _submit(callback.bot, user_id, session, settings, i18n, state, now)
        return
    if action == "package":
        await callback.answer()
        await send_package(callback.bot, user_id, state, session, settings, now)
        return
    if action == "withdraw":
        latest = await service.latest(user_id, now)
        if latest is None or latest.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT):
            await callback.answer(_("There is no submitted application to withdraw."), show_alert=True)
            return
        problem = await service.can_withdraw(latest, now)
        if problem is not None:
            await callback.answer(render(problem), show_alert=True)
            return
        await callback.answer()
        if callback.message is not None:
            await callback.bot.edit_message_reply_markup(chat_id=user_id, message_id=callback.message.message_id)
        await service.withdraw(latest, now)
        _start, end = await service.window(latest.academic_year)
        await callback.bot.send_message(user_id, _(
            "Application No. {number} is withdrawn; this is recorded. You can change your documents and essay now "
            "and /submit again until {end}.").format(number=latest.number, end=fmt_date(end)))
        return
    await answer_stale(callback)


async def withdraw_command(message: Message, session: AsyncSession, settings: Settings,
                           clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    service = _service(session, settings)
    now = clock()
    app = await service.latest(message.from_user.id, now)
    if app is None or app.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        await message.answer(_("There is no submitted application to withdraw."))
        return
    problem = await service.can_withdraw(app, now)
    if problem is not None:
        await message.answer(render(problem))
        return
    await message.answer(
        _("Withdraw application No. {number}? It is recorded; you can then change the documents and submit again "
          "while the window is open.").format(number=app.number),
        reply_markup=confirm_keyboard("withdraw", _("↩️ Withdraw the application")),
    )


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    # Stored in UTC; the teacher's calendar is Kazakhstan's (a 01:00 filing is not yesterday's).
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()


def status_line(app: Application | None, today_is_after: bool, tz: ZoneInfo) -> str:
    if app is None or app.status == ApplicationStatus.DRAFT:
        return _("Status: draft, not submitted yet.")
    if app.status == ApplicationStatus.WITHDRAWN:
        when = fmt_date(local_date(app.withdrawn_at, tz)) if app.withdrawn_at else "—"
        return _("Status: application No. {number} withdrawn on {date}; you can submit again while the window is "
                 "open.").format(number=app.number, date=when)
    if app.status == ApplicationStatus.UNDER_REVIEW:
        return _("Status: application No. {number} is under review by the commission.").format(number=app.number)
    if app.status == ApplicationStatus.DECIDED:
        return _("Status: the commission has decided on application No. {number}.").format(number=app.number)
    assert app.registered_on is not None and app.submitted_at is not None
    if today_is_after:
        return _("Status: application No. {number} submitted on {submitted}, registered on {registered}.").format(
            number=app.number, submitted=fmt_date(local_date(app.submitted_at, tz)),
            registered=fmt_date(app.registered_on))
    return _("Status: application No. {number} submitted on {submitted}; it will be registered on {registered} "
             "(the next working day).").format(
        number=app.number, submitted=fmt_date(local_date(app.submitted_at, tz)), registered=fmt_date(app.registered_on))


def standing_line(standing: Standing, tz: ZoneInfo, i18n: I18n) -> str:
    """Where the application is: on a session, decided, or (before that) as status_line says."""
    app, agenda = standing.application, standing.agenda
    if not standing.files_in_bot and (app is None or app.status == ApplicationStatus.DRAFT):
        return _("Status: this bot prepares your application; you file it on {channel} yourself (/submit gives "
                 "you the package and the steps).").format(channel=channel_name(standing))
    if app is not None and agenda is not None and agenda.decision is not None:
        profile = standing.review.profile
        return decision_status(partial(i18n.gettext, locale=i18n.current_locale), agenda.commission,
                               agenda.decision, agenda.item.current_category,
                               profile.category_valid_until if profile is not None else None)
    if app is not None and agenda is not None and app.status == ApplicationStatus.UNDER_REVIEW:
        return _("Status: application No. {number} is on the agenda of the session of «{name}» on {date}.").format(
            number=app.number, name=agenda.commission.name, date=fmt_date(agenda.session.session_date))
    registered = app is not None and app.registered_on is not None and standing.review.today >= app.registered_on
    return status_line(app, registered, tz)


async def status_command(message: Message, session: AsyncSession, settings: Settings, i18n: I18n,
                         clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    standing = await GuidanceService(session, settings).standing(message.from_user.id, clock())
    if standing is None:
        await message.answer(_("Send /start first."))
        return
    review = standing.review
    start, end = review.window
    lines = [standing_line(standing, ZoneInfo(settings.timezone), i18n),
             (_("Applications are accepted from {start} to {end}: open now.") if review.window_open else
              _("Applications are accepted from {start} to {end}: closed now.")).format(
                 start=fmt_date(start), end=fmt_date(end)),
             "", what_next_text(standing)]
    await message.answer("\n".join(lines), reply_markup=what_next_keyboard(standing))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="submission")
    router.message.register(submit_command, Command("submit"))
    router.message.register(status_command, Command("status"))
    router.message.register(withdraw_command, Command("withdraw"))
    router.callback_query.register(on_button, SubmissionCallback.filter())
    return router
