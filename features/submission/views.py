"""Texts and keyboards of /submit (the App 6 and App 7 notices), /status and /withdraw."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import render
from features.commission.notices import decision_status
from features.dossier.callbacks import DossierAct
from features.dossier.views import dossier_button
from features.guidance.service import Standing
from features.guidance.views import channel_name, what_next_keyboard, what_next_text
from features.submission.callbacks import SubmissionAct, SubmissionCallback
from features.submission.service import (
    NO_CONSENT,
    NoticeWording,
    Review,
    Submission,
    SubmitOutcome,
    Withdrawn,
)
from scoring.appeals import AppealPeriods
from scoring.categories import Category
from scoring.dates import format_day, format_day_or_dash
from storage.checklist_models import ACTIVE_STATUSES, Application, ApplicationStatus


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def no_consent_text() -> str:
    return sentence(render(NO_CONSENT))


def confirm_keyboard(yes: SubmissionAct, yes_text: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=yes_text, callback_data=SubmissionCallback(action=yes))
    builder.button(text=_("Not now"), callback_data=SubmissionCallback(action=SubmissionAct.KEEP))
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
             registered=format_day(app.registered_on), sent=format_day(review.today))


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
    ).format(name=review.profile.full_name or "—", reasons=listing, sent=format_day(review.today))


NOTICES = NoticeWording(acceptance=acceptance_notice, refusal=refusal_notice)


def already_text(app: Application) -> str:
    return _("Your application No. {number} for this academic year is already submitted (registered on {date}). "
             "/status shows where it is.").format(number=app.number, date=format_day_or_dash(app.registered_on))


def choose_area_text() -> str:
    return _("Before you submit: districts and cities are now chosen from the official list, so that the "
             "application reaches the commission that serves you. Please choose yours, then send /submit again.")


def submission_texts(submission: Submission) -> list[str]:
    """The messages that answer her confirmed /submit, in order."""
    if submission.outcome is SubmitOutcome.NO_CONSENT:
        return [no_consent_text()]
    if submission.outcome is SubmitOutcome.ALREADY:
        assert submission.application is not None
        return [already_text(submission.application)]
    if submission.outcome is SubmitOutcome.REFUSED:
        return [submission.notice, _("Put these right and send /submit again.")]
    return [submission.notice]


def nothing_changed_text() -> str:
    return _("Nothing changed.")


def withdraw_question(app: Application) -> tuple[str, InlineKeyboardMarkup]:
    return (_("Withdraw application No. {number}? It is recorded; you can then change the documents and submit "
              "again while the window is open.").format(number=app.number),
            confirm_keyboard(SubmissionAct.WITHDRAW, _("↩️ Withdraw the application")))


def withdrawn_text(withdrawn: Withdrawn) -> str:
    return _("Application No. {number} is withdrawn; this is recorded. You can change your documents and essay now "
             "and /submit again until {end}.").format(number=withdrawn.application.number,
                                                      end=format_day(withdrawn.window_end))


def essay_caption(words: int) -> str:
    return _("Your essay: {words} words").format(words=words)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    # Stored in UTC; the teacher's calendar is Kazakhstan's (a 01:00 filing is not yesterday's).
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()


def status_line(app: Application | None, today_is_after: bool, tz: ZoneInfo) -> str:
    if app is None or app.status == ApplicationStatus.DRAFT:
        return _("Status: draft, not submitted yet.")
    if app.status == ApplicationStatus.WITHDRAWN:
        when = format_day(local_date(app.withdrawn_at, tz)) if app.withdrawn_at else "—"
        return _("Status: application No. {number} withdrawn on {date}; you can submit again while the window is "
                 "open.").format(number=app.number, date=when)
    if app.status == ApplicationStatus.UNDER_REVIEW:
        return _("Status: application No. {number} is under review by the commission.").format(number=app.number)
    if app.status == ApplicationStatus.DECIDED:
        return _("Status: the commission has decided on application No. {number}.").format(number=app.number)
    assert app.registered_on is not None and app.submitted_at is not None
    submitted, registered = format_day(local_date(app.submitted_at, tz)), format_day(app.registered_on)
    if today_is_after:
        return _("Status: application No. {number} submitted on {submitted}, registered on {registered}.").format(
            number=app.number, submitted=submitted, registered=registered)
    return _("Status: application No. {number} submitted on {submitted}; it will be registered on {registered} "
             "(the next working day).").format(number=app.number, submitted=submitted, registered=registered)


def standing_line(standing: Standing, tz: ZoneInfo, i18n: I18n, periods: AppealPeriods | None = None) -> str:
    """Where the application is: on a session, decided, or (before that) as status_line says."""
    app, agenda = standing.application, standing.agenda
    if not standing.files_in_bot and (app is None or app.status == ApplicationStatus.DRAFT):
        return _("Status: this bot prepares your application; you file it on {channel} yourself (/submit gives "
                 "you the package and the steps).").format(channel=channel_name(standing))
    if app is not None and agenda is not None and agenda.decision is not None:
        profile = standing.review.profile
        return decision_status(partial(i18n.gettext, locale=i18n.current_locale), agenda.commission,
                               agenda.decision, agenda.item.current_category,
                               profile.category_valid_until if profile is not None else None, periods)
    if app is not None and agenda is not None and app.status == ApplicationStatus.UNDER_REVIEW:
        return _("Status: application No. {number} is on the agenda of the session of «{name}» on {date}.").format(
            number=app.number, name=agenda.commission.name, date=format_day(agenda.session.session_date))
    registered = app is not None and app.registered_on is not None and standing.review.today >= app.registered_on
    return status_line(app, registered, tz)


def status_text(standing: Standing, tz: ZoneInfo, i18n: I18n, periods: AppealPeriods | None = None) -> str:
    """/status: where the application is, whether the window is open, and what to do next."""
    review = standing.review
    start, end = review.window
    window = (_("Applications are accepted from {start} to {end}: open now.") if review.window_open else
              _("Applications are accepted from {start} to {end}: closed now."))
    return "\n".join([standing_line(standing, tz, i18n, periods),
                      window.format(start=format_day(start), end=format_day(end)), "", what_next_text(standing)])


def status_keyboard(standing: Standing) -> InlineKeyboardMarkup:
    """/status: the steps, and her dossier once she has a checklist (of the filed application, else of what she
    has prepared)."""
    markup = what_next_keyboard(standing)
    if standing.review.checklist is None:
        return markup
    app = standing.application
    filed = app.id if app is not None and app.status in ACTIVE_STATUSES else 0
    return InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, [dossier_button(DossierAct.OWN, filed)]])
