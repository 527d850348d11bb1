"""What complaints look like: the teacher's steps and acknowledgement, the holders' card, reminders.

`t` translates into the reader's language: most of these go to someone other than the one who acted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from features.appeals.callbacks import (
    AppealDeskCallback,
    AppealFormCallback,
    AppealStartCallback,
    DeskAct,
    FormAct,
)
from features.appeals.service import Appealable, Card, Filed, current_deadline
from features.verification.payload import display_code
from features.verification.service import KIND_LABELS
from scoring.dates import format_day, format_time
from scoring.i18n import N_
from storage.appeal_models import Appeal, AppealRemedy, AppealStatus, AppealSubject
from storage.verification_models import IssuedDocument

Translate = Callable[[str], str]

SUBJECTS = {
    AppealSubject.REFUSAL: N_("the refusal to accept the documents"),
    AppealSubject.DECISION: N_("the commission's decision"),
}
REMEDIES = {
    AppealRemedy.REVOTE: N_("the commission votes on the application again"),
    AppealRemedy.CORRECTION: N_("the decision is corrected"),
}
STATUSES = {
    AppealStatus.FILED: N_("registered, with the attestation body"),
    AppealStatus.FORWARDED: N_("forwarded to the quality-control body"),
    AppealStatus.SCHEDULED: N_("its review is scheduled"),
    AppealStatus.UPHELD: N_("upheld"),
    AppealStatus.REJECTED: N_("rejected"),
}


def _day_of(moment: datetime, zone: tzinfo) -> date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite: written in UTC
    return aware.astimezone(zone).date()


def subject_text(t: Translate, subject: str) -> str:
    return t(SUBJECTS[AppealSubject(subject)])


def yes_no(t: Translate, value: bool) -> str:
    return t(N_("yes")) if value else t(N_("no"))


# --- the teacher ---------------------------------------------------------------------------------------


def status_buttons(t: Translate, appealable: list[Appealable]) -> list[list[InlineKeyboardButton]]:
    """/status: one button per refusal or decision she may complain about now."""
    return [[InlineKeyboardButton(
        text=t(N_("📝 Complain about {subject} of {date}")).format(subject=subject_text(t, a.contested.subject),
                                                                  date=format_day(a.on)),
        callback_data=AppealStartCallback(application=a.contested.application_id, subject=a.contested.subject).pack(),
    )] for a in appealable]


def ask_grounds(t: Translate, chosen: Appealable, longest: int) -> str:
    return t(N_("Complaint about {subject} of {date} (§26). Complaints about it are taken until {closes}.\n\n"
                "Type the grounds of your complaint in one message: what you disagree with and why (at most "
                "{max} characters). /cancel stops.")).format(
        subject=subject_text(t, chosen.contested.subject), date=format_day(chosen.on), closes=format_day(chosen.closes),
        max=longest)


def ask_files(t: Translate) -> tuple[str, InlineKeyboardMarkup]:
    return (t(N_("Now send the documents that support your complaint, if any (PDF, JPEG, PNG or DOCX), one per "
                 "message. Press «Done» when there are no more.")), done_keyboard(t))


def done_keyboard(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t(N_("➡️ Done")), callback_data=AppealFormCallback(act=FormAct.FILES_DONE).pack())]])


def file_kept(t: Translate, count: int) -> tuple[str, InlineKeyboardMarkup]:
    return t(N_("📎 Kept: {count} file(s). Send another one or press «Done».")).format(count=count), done_keyboard(t)


def not_a_file(t: Translate) -> tuple[str, InlineKeyboardMarkup]:
    return t(N_("Send a document or a photo, or press «Done».")), done_keyboard(t)


def ask_attend(t: Translate) -> tuple[str, InlineKeyboardMarkup]:
    return t(N_("Do you want to attend the review of your complaint?")), InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=t(N_("Yes, I will attend")),
                             callback_data=AppealFormCallback(act=FormAct.ATTEND).pack()),
        InlineKeyboardButton(text=t(N_("No")), callback_data=AppealFormCallback(act=FormAct.ABSENT).pack()),
    ]])


def acknowledgement(t: Translate, filed: Filed) -> str:
    a, due, p = filed.appeal, filed.deadlines, filed.periods
    return "\n".join([
        t(N_("✅ Your complaint is registered: No. {number} of {day}.")).format(
            number=a.number, day=format_day(a.registered_on)),
        t(N_("About: {subject} of {date}.")).format(subject=subject_text(t, a.subject), date=format_day(a.subject_on)),
        t(N_("You asked to attend its review: {answer}.")).format(answer=yes_no(t, a.attend)),
        "",
        t(N_("Deadlines, in working days (§26):")),
        t(N_("• forwarded with the case to the quality-control body within {days}: by {day};")).format(
            days=p.forward_working_days, day=format_day(due.forward_by)),
        t(N_("• reviewed by the attestation body within {days} of its registration: by {day};")).format(
            days=p.provider_review_working_days, day=format_day(due.provider_review_by)),
        t(N_("• once forwarded, reviewed by the quality-control body within {days} of its registration there: by "
             "{day} at the latest.")).format(days=p.quality_body_review_working_days,
                                             day=format_day(due.quality_body_review_by)),
        "",
        t(N_("You will be told of every step here.")),
    ])


def my_appeals_lines(t: Translate, rows: list[Appeal]) -> list[str]:
    """/status: her complaints and where each is."""
    if not rows:
        return []
    return [t(N_("Your complaints:"))] + [
        t(N_("• No. {number} of {day}: {status}")).format(number=a.number, day=format_day(a.registered_on),
                                                         status=t(STATUSES[AppealStatus(a.status)]))
        for a in rows]


def forwarded_to_teacher(t: Translate, a: Appeal) -> str:
    assert a.forwarded_on is not None and a.quality_body_review_by is not None
    return t(N_("📨 Your complaint No. {number} was forwarded with the case to the quality-control body on {day}. "
                "It is to be reviewed there by {by}.")).format(number=a.number, day=format_day(a.forwarded_on),
                                                        by=format_day(a.quality_body_review_by))


def scheduled_to_teacher(t: Translate, a: Appeal, zone: tzinfo) -> str:
    assert a.review_at is not None
    text = t(N_("🗓 The review of your complaint No. {number} is on {day} at {time}.")).format(
        number=a.number, day=format_day(_day_of(a.review_at, zone)), time=format_time(a.review_at, zone))
    return text + " " + (t(N_("You asked to attend it: please come.")) if a.attend else
                         t(N_("You did not ask to attend it; the outcome will be sent to you here.")))


def outcome_to_teacher(t: Translate, a: Appeal, revoked: Sequence[IssuedDocument] = ()) -> str:
    if a.status == AppealStatus.UPHELD.value and revoked:
        assert a.remedy is not None
        documents = ", ".join(f"{t(KIND_LABELS.get(d.kind, d.kind))} {display_code(d.code)}" for d in revoked)
        text = t(N_("✅ Your complaint No. {number} is upheld: {remedy}. These documents of the decision are revoked "
                    "and will be issued again: {documents}.")).format(
            number=a.number, remedy=t(REMEDIES[AppealRemedy(a.remedy)]), documents=documents)
    elif a.status == AppealStatus.UPHELD.value:
        assert a.remedy is not None
        text = t(N_("✅ Your complaint No. {number} is upheld: {remedy}. The documents of the decision are to be "
                    "revoked and issued again.")).format(number=a.number, remedy=t(REMEDIES[AppealRemedy(a.remedy)]))
    else:
        text = t(N_("Your complaint No. {number} is rejected. Reasons: {reasons}\nAfter this complaint you may go to "
                    "court (§26).")).format(number=a.number, reasons=a.reasons or "—")
    return text + "\n" + t(N_("The document of the outcome follows and is kept in your record."))


# --- the holders ---------------------------------------------------------------------------------------


def card_text(t: Translate, card: Card, zone: tzinfo) -> str:
    a = card.appeal
    lines = [
        t(N_("📝 Complaint No. {number} of {day} (§26)")).format(number=a.number, day=format_day(a.registered_on)),
        t(N_("From: {name}, application No. {application}")).format(name=card.teacher_name,
                                                                     application=card.application_number),
        t(N_("About: {subject} of {date}.")).format(subject=subject_text(t, a.subject), date=format_day(a.subject_on)),
        t(N_("Grounds: {grounds}")).format(grounds=a.grounds),
        t(N_("Files attached: {count}. Wants to attend the review: {answer}.")).format(
            count=len(card.files), answer=yes_no(t, a.attend)),
        t(N_("Status: {status}. Next deadline: {day}.")).format(status=t(STATUSES[AppealStatus(a.status)]),
                                                                day=format_day(current_deadline(a))),
    ]
    if a.review_at is not None:
        lines.append(t(N_("Review: {day} at {time}.")).format(day=format_day(_day_of(a.review_at, zone)),
                                                              time=format_time(a.review_at, zone)))
    return "\n".join(lines)


def desk_keyboard(t: Translate, a: Appeal) -> InlineKeyboardMarkup | None:
    if a.status not in (AppealStatus.FILED.value, AppealStatus.FORWARDED.value, AppealStatus.SCHEDULED.value):
        return None
    acts = [(DeskAct.SCHEDULE, N_("🗓 Schedule the review")), (DeskAct.REVOTE, N_("✅ Upheld: vote again")),
            (DeskAct.CORRECT, N_("✅ Upheld: correct the decision")), (DeskAct.REJECT, N_("❌ Rejected"))]
    if a.forwarded_on is None:
        acts.insert(0, (DeskAct.FORWARD, N_("📨 Forwarded to the quality-control body")))
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=t(label), callback_data=AppealDeskCallback(act=act, appeal=a.id).pack())] for act, label in acts])


def ask_review_at(t: Translate, a: Appeal) -> str:
    return t(N_("Type the date and time of the review of complaint No. {number}, e.g. 21.12.2026 15:00. /cancel "
                "stops.")).format(number=a.number)


def bad_review_at(t: Translate) -> str:
    return t(N_("That is not a date and time: type them as DD.MM.YYYY HH:MM, e.g. 21.12.2026 15:00."))


def ask_reasons(t: Translate, a: Appeal, longest: int) -> str:
    return t(N_("Type the reasons why complaint No. {number} is rejected (at most {max} characters). They are sent to "
                "the teacher and go into the document of the outcome. /cancel stops.")).format(number=a.number,
                                                                                                max=longest)


def done_text(t: Translate, a: Appeal) -> str:
    return t(N_("Recorded. Complaint No. {number}: {status}. The teacher has been told.")).format(
        number=a.number, status=t(STATUSES[AppealStatus(a.status)]))


def upheld_done(t: Translate, a: Appeal) -> str:
    return done_text(t, a) + "\n" + t(N_("The application's extract and certificate are to be revoked and issued "
                                          "again after the new vote or the correction."))


def scheduled_done(t: Translate, a: Appeal) -> str:
    return done_text(t, a) + " " + (t(N_("She wants to attend the review.")) if a.attend else
                                    t(N_("She does not want to attend the review.")))


# --- the scheduler -------------------------------------------------------------------------------------


def what_is_due(t: Translate, a: Appeal) -> str:
    if a.status == AppealStatus.FILED.value:
        return t(N_("forward it to the quality-control body, or uphold it"))
    return t(N_("record the outcome of its review"))


def reminder_text(t: Translate, a: Appeal, deadline: date) -> str:
    return t(N_("⏰ Complaint No. {number}: {what} by {day} (§26, working days).")).format(
        number=a.number, what=what_is_due(t, a), day=format_day(deadline))


def overdue_text(t: Translate, a: Appeal, deadline: date) -> str:
    return t(N_("⚠️ Complaint No. {number} is overdue: {what} was due by {day} (§26).")).format(
        number=a.number, what=what_is_due(t, a), day=format_day(deadline))


def review_moment(day: date, hour: int, minute: int, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)

