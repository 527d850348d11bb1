"""/submit (checks, then the App 6 acceptance or App 7 refusal notice), /status and /withdraw."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attestation_callbacks import SubmissionCallback
from bot.checklist_views import progress_line
from bot.i18n import render
from bot.profile_form import next_question
from bot.services.checklist import Clock, utc_now
from bot.services.routing import route_and_notify
from bot.services.submission import Review, SubmissionService, fmt_date
from bot.settings import Settings
from bot.views import answer_stale
from handlers.onboarding import AREA_FIELD, ask
from scoring.categories import Category
from scoring.essay import essay_verdict
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


async def _refuse(message_chat: int, callback_or_message: Message | CallbackQuery, service: SubmissionService,
                  review: Review, user_id: int, locale: str) -> None:
    text = refusal_notice(review)
    await service.refuse(user_id, review, locale, text)
    bot = callback_or_message.bot
    assert bot is not None
    await bot.send_message(message_chat, text)
    await bot.send_message(message_chat, _("Put these right and send /submit again."))


async def submit_command(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings, i18n: I18n,
    clock: Clock = utc_now,
) -> None:
    assert message.from_user is not None
    service = _service(session, settings)
    review = await service.review(message.from_user.id, clock())
    if review.profile is None:
        await message.answer(sentence(render(review.failures[0].message)))
        return
    if review.already is not None:
        await message.answer(already_text(review.already))
        return
    upcoming = next_question(review.profile)
    if upcoming is not None and upcoming.field == AREA_FIELD:
        # A district typed before districts were a list, and matching none of it: asked here, not refused.
        await message.answer(_("Before you submit: districts and cities are now chosen from the official list, so that "
                               "the application reaches the commission that serves you. Please choose yours, then "
                               "send /submit again."))
        assert message.bot is not None
        await ask(message.bot, message.chat.id, upcoming, review.profile, state)
        return
    if review.failures:
        await _refuse(message.chat.id, message, service, review, message.from_user.id, i18n.current_locale)
        return
    await message.answer(
        _("Every check passed: consent, profile, eligibility, documents, essay, window. After submission the "
          "documents are frozen until you withdraw the application. Submit now?"),
        reply_markup=confirm_keyboard("submit", _("✅ Submit the application")),
    )


async def on_button(
    callback: CallbackQuery, callback_data: SubmissionCallback, state: FSMContext, session: AsyncSession,
    settings: Settings, i18n: I18n, clock: Clock = utc_now,
) -> None:
    assert callback.bot is not None
    user_id = callback.from_user.id
    service = _service(session, settings)
    now = clock()
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(chat_id=user_id, message_id=callback.message.message_id)
    if callback_data.action == "keep":
        await callback.answer()
        await callback.bot.send_message(user_id, _("Nothing changed."))
        return
    if callback_data.action == "submit":
        await callback.answer()
        review = await service.review(user_id, now)
        if review.profile is None:
            await callback.bot.send_message(user_id, sentence(render(review.failures[0].message)))
            return
        if review.already is not None:
            await callback.bot.send_message(user_id, already_text(review.already))
            return
        if review.failures:
            await _refuse(user_id, callback, service, review, user_id, i18n.current_locale)
            return
        app = await service.accept(user_id, review)
        text = acceptance_notice(review, app)
        await service.record_acceptance(app, i18n.current_locale, text, now)
        await state.clear()
        await callback.bot.send_message(user_id, text)
        # The commission's secretary hears of it at once: acceptance is due within one working day (§23).
        await route_and_notify(callback.bot, session, i18n, settings)
        return
    if callback_data.action == "withdraw":
        latest = await service.latest(user_id, now)
        if latest is None or latest.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT):
            await callback.answer(_("There is no submitted application to withdraw."), show_alert=True)
            return
        problem = await service.can_withdraw(latest, now)
        if problem is not None:
            await callback.answer(render(problem), show_alert=True)
            return
        await callback.answer()
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


async def status_command(message: Message, session: AsyncSession, settings: Settings, clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    service = _service(session, settings)
    now = clock()
    review = await service.review(message.from_user.id, now)
    if review.profile is None:
        await message.answer(_("Send /start first."))
        return
    app = await service.latest(message.from_user.id, now)
    registered = app is not None and app.registered_on is not None and review.today >= app.registered_on
    lines = [status_line(app, registered, ZoneInfo(settings.timezone))]
    if review.checklist is not None:
        lines.append(progress_line(review.checklist))
    if review.essay is None:
        lines.append(_("Essay: not written yet (/essay)."))
    else:
        verdict = essay_verdict(review.essay.words, service.rules)
        essay_line = _("Essay: {words} words ({min}–{max}).").format(
            words=verdict.words, min=verdict.min, max=verdict.max)
        lines.append(essay_line + (" ✅" if verdict.ok else " ❌"))
    start, end = review.window
    lines.append((_("Applications are accepted from {start} to {end}: open now.") if review.window_open else
                  _("Applications are accepted from {start} to {end}: closed now.")).format(
        start=fmt_date(start), end=fmt_date(end)))
    await message.answer("\n".join(lines))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="submission")
    router.message.register(submit_command, Command("submit"))
    router.message.register(status_command, Command("status"))
    router.message.register(withdraw_command, Command("withdraw"))
    router.callback_query.register(on_button, SubmissionCallback.filter())
    return router
