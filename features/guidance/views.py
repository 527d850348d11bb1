"""Texts and keyboards that tell a teacher where she stands: the "what next" steps, the readiness check
before /submit, and (where the bot prepares the file for a portal) the package and the portal's steps."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import render
from bot.keyboards import grid
from bot.settings import Settings
from features.guidance.callbacks import GuideCallback, GuideStep
from features.guidance.service import GuidanceService, Standing, Step, StepProgress
from features.profile.form import QUESTIONS, display_value
from features.submission.callbacks import SubmissionAct, SubmissionCallback
from features.submission.service import Failure, Review
from scoring.categories import Category
from scoring.dates import format_day
from scoring.documents import BY_ID, ItemState, Source, State
from scoring.eligibility import Channel
from scoring.i18n import N_
from scoring.rulesets import RuleSet
from storage.checklist_models import UploadedFile

STEP_LABELS = {
    Step.CHECKLIST: N_("Documents"),
    Step.ESSAY: N_("Essay"),
    Step.SCORE: N_("Self-assessment"),
    Step.SUBMIT: N_("Application"),
}
PORTAL_STEP_LABEL = N_("Package for the portal")
STEP_ICONS = {Step.CHECKLIST: "📋", Step.ESSAY: "✍️", Step.SCORE: "📊", Step.SUBMIT: "📨"}
COMMANDS = {Step.CHECKLIST: "/checklist", Step.ESSAY: "/essay", Step.SCORE: "/score", Step.SUBMIT: "/submit"}
NEXT_HINTS = {
    Step.CHECKLIST: N_("Next: send your documents (/checklist)."),
    Step.ESSAY: N_("Next: write the essay (/essay)."),
    Step.SCORE: N_("Next: score yourself on the official sheet (/score): it shows whether your portfolio "
                   "reaches the category."),
    Step.SUBMIT: N_("Next: check and submit the application (/submit)."),
}
PORTAL_NEXT = N_("Next: /submit — your package and the steps to file it on {channel}.")


def step_label(standing: Standing, step: Step) -> str:
    return _(PORTAL_STEP_LABEL if step is Step.SUBMIT and not standing.files_in_bot else STEP_LABELS[step])


def _mark(standing: Standing, progress: StepProgress) -> str:
    if progress.done:
        return "✅"
    if standing.next is progress:
        return "👉"
    return "⏳" if progress.started else "⬜"


def what_next_text(standing: Standing) -> str:
    lines = [_("🧭 Your attestation, step by step:")]
    for number, progress in enumerate(standing.steps, start=1):
        lines.append(_("{mark} {n}. {step}: {detail} ({command})").format(
            mark=_mark(standing, progress), n=number, step=step_label(standing, progress.step),
            detail=render(progress.detail), command=COMMANDS[progress.step]))
    lines += ["", next_hint(standing)]
    return "\n".join(lines)


def next_hint(standing: Standing) -> str:
    upcoming = standing.next
    if upcoming is not None and upcoming.step is Step.SUBMIT and not standing.files_in_bot:
        channel = _(standing.channel.label) if standing.channel else _("the portal")
        return _(PORTAL_NEXT).format(channel=channel)
    if upcoming is not None:
        return _(NEXT_HINTS[upcoming.step])
    if standing.agenda is not None and standing.agenda.decision is not None:
        return _("Your attestation of this year is decided: /status shows the decision.")
    return _("Nothing to do now: the commission reviews your application, and you are told of each step here "
             "(/status shows where it is).")


def what_next_keyboard(standing: Standing) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=f"{'✅' if p.done else STEP_ICONS[p.step]} {step_label(standing, p.step)}",
                             callback_data=GuideCallback(step=GuideStep(p.step.value)).pack())
        for p in standing.steps
    ]
    return grid(buttons, columns=2)


# --- the readiness check before /submit ----------------------------------------------------------------


def _failures(review: Review, prefix: str) -> list[Failure]:
    return [f for f in review.failures if f.reason == prefix or f.reason.startswith(prefix + ":")]


def _fix(text: str, step: GuideStep, item: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=GuideCallback(step=step, item=item).pack())


def _profile_rows(review: Review) -> tuple[list[str], list[InlineKeyboardButton]]:
    if _failures(review, "profile"):
        return [_("❌ Profile (App 5): not complete yet")], [_fix(_("✏️ Finish the profile"), GuideStep.PROFILE)]
    lines = [_("✅ Profile (App 5): complete")]
    blocked = _failures(review, "eligibility")
    if blocked:
        lines.append(_("❌ Eligibility: the claimed category cannot be applied for yet:"))
        lines += [f"   • {render(f.message)}" for f in blocked]
        return lines, [_fix(_("✏️ Check my profile"), GuideStep.EDIT)]
    assert review.profile is not None
    claimed = review.profile.claimed_category
    lines.append(_("✅ Eligibility: you can apply for {category}").format(
        category=_(Category(claimed).label) if claimed else "—"))
    return lines, []


def _document_rows(review: Review) -> tuple[list[str], list[InlineKeyboardButton]]:
    checklist = review.checklist
    if checklist is None:
        return [], []
    progress = checklist.progress
    missing = _failures(review, "document")
    if not missing:
        return [_("✅ Documents: {done}/{total}").format(done=progress.done, total=progress.total)], []
    lines = [_("❌ Documents: {done}/{total}; still needed:").format(done=progress.done, total=progress.total)]
    buttons = []
    for failure in missing:
        item = BY_ID[failure.reason.split(":", 1)[1]]
        state = checklist.state_of(item.id)
        asked = state is not None and state.state is State.ASK
        lines.append("   • " + (_("«{item}»: in the state information systems, or to be sent?") if asked
                                else _("«{item}»")).format(item=_(item.title)))
        buttons.append(_fix(f"📎 {_(item.title)}", GuideStep.ITEM, item.id))
    return lines, buttons


def _essay_rows(review: Review) -> tuple[list[str], list[InlineKeyboardButton]]:
    problem = _failures(review, "essay")
    if review.essay is not None and not problem:
        return [_("✅ Essay: {words} words").format(words=review.essay.words)], []
    if review.essay is None:
        return [_("❌ Essay: not written yet")], [_fix(_("✍️ Write the essay"), GuideStep.ESSAY)]
    text = render(problem[0].message)
    return [f"❌ {text[:1].upper()}{text[1:]}"], [_fix(_("✍️ Correct the essay"), GuideStep.ESSAY)]


def _window_row(review: Review) -> str:
    start, end = review.window
    if review.window_open:
        return _("✅ Application window: open until {end}").format(end=format_day(end))
    if review.today < start:
        return _("❌ Application window: opens on {start} (nothing to fix: /submit then)").format(
            start=format_day(start))
    return _("❌ Application window: closed on {end}").format(end=format_day(end))


def readiness_view(standing: Standing) -> tuple[str, InlineKeyboardMarkup]:
    """What is done and what is missing before the application is filed, each missing thing with its fix.
    Nothing is recorded: a refusal notice (App 7) exists only for an application actually refused."""
    review = standing.review
    lines = [_("📋 Before you submit: what is done and what is missing"), "",
             _("✅ Consent to the processing of personal data (App 5)")]
    buttons: list[InlineKeyboardButton] = []
    for rows, fixes in (_profile_rows(review), _document_rows(review), _essay_rows(review)):
        lines += rows
        buttons += fixes
    lines.append(_window_row(review))
    score = standing.step(Step.SCORE)
    lines.append(_("{mark} Self-assessment (not required, but it shows whether your portfolio reaches the "
                   "category): {detail}").format(mark="✅" if score.done else "ℹ️", detail=render(score.detail)))
    if not score.done:
        buttons.append(_fix(_("📊 Self-assessment"), GuideStep.SCORE))
    lines.append("")
    if review.passed and standing.files_in_bot:
        lines.append(_("Everything is ready. After submission the documents are frozen until you withdraw the "
                       "application. Submit now?"))
        buttons = [InlineKeyboardButton(text=_("✅ Submit the application"),
                                        callback_data=SubmissionCallback(action=SubmissionAct.SUBMIT).pack()),
                   InlineKeyboardButton(text=_("Not now"),
                                        callback_data=SubmissionCallback(action=SubmissionAct.KEEP).pack()),
                   *buttons]
    elif review.passed:
        lines.append(_("Everything is ready to be filed on {channel}. The bot gives you the package: your data, "
                       "the documents, the essay, and the steps on the portal.").format(channel=channel_name(standing)))
        package = SubmissionCallback(action=SubmissionAct.PACKAGE).pack()
        buttons = [InlineKeyboardButton(text=_("📦 Get my package"), callback_data=package), *buttons]
    else:
        lines.append(_("Not ready yet: {count} to put right, with the buttons below. Nothing has been filed or "
                       "recorded; send /submit again when it is done.").format(count=len(review.failures)))
    return "\n".join(lines), grid(buttons)


def channel_name(standing: Standing) -> str:
    return _(standing.channel.label) if standing.channel is not None else _("the portal")


# --- the package for the portal -------------------------------------------------------------------------


def package_summary(standing: Standing, files: dict[str, list[UploadedFile]]) -> str:
    """The application's data (App 5) and each document with what is sent for it, for the portal's form."""
    review = standing.review
    profile = review.profile
    assert profile is not None and review.checklist is not None
    lines = [_("📦 Your application package for {channel}").format(channel=channel_name(standing)), "",
             _("Application data (App 5):")]
    for question in QUESTIONS:
        if question.applies(profile):
            value = display_value(question, profile, _)
            lines.append(f"• {_(question.label)}: {value if value is not None else '—'}")
    lines += ["", _("Documents:")]
    for s in review.checklist.states:
        lines.append(f"• {_(s.item.title)}: {package_note(s, files.get(s.item.id, []))}")
    if review.essay is not None:
        lines += ["", _("Essay: {words} words, sent below as a text file to paste into the portal.").format(
            words=review.essay.words)]
    score = standing.step(Step.SCORE)
    lines.append(_("Self-assessment: {detail}").format(detail=render(score.detail)))
    return "\n".join(lines)


def package_note(s: ItemState, sent: list[UploadedFile]) -> str:
    """What the package holds for one checklist item."""
    if sent:
        return _("{count} file(s), sent below").format(count=len(sent))
    if s.item.source is Source.PROFILE:
        return _("the application form: the data above")
    if s.item.source is Source.ESSAY:
        return _("sent below")
    if s.state in (State.FETCHED, State.DONE):
        return _("in the state systems: nothing to attach")
    if s.state is State.NOT_APPLICABLE:
        return _("not applicable")
    return _("none (only if you have it)")


PORTAL_STEPS = {
    Channel.PLATFORM: (
        N_("Sign in to the National platform for teachers' professional development (Ustaz) with your digital "
           "signature (ЭЦҚ)."),
        N_("Open the attestation service and start an application for the category {category}."),
        N_("Fill in the application form (App 5) with the data above and give your consent to the processing "
           "of personal data."),
        N_("Attach each document from this package in its place; documents from the state systems are "
           "fetched by the platform."),
        N_("Paste your essay ({words} words)."),
        N_("Sign the application with your digital signature and send it."),
        N_("Within one working day the acceptance notice (App 6) or the refusal notice (App 7) comes to your "
           "personal cabinet; an application sent after working hours or on a day off is registered on the "
           "next working day."),
    ),
    Channel.EGOV: (
        N_("Sign in to egov.kz with your digital signature (ЭЦҚ)."),
        N_("Find the public service of attestation of teachers for a qualification category and start a "
           "request for the category {category}."),
        N_("Fill in the application form (App 5) with the data above and give your consent to the processing "
           "of personal data."),
        N_("Attach each document from this package in its place; documents from the state systems are "
           "fetched by egov."),
        N_("Attach or paste your essay ({words} words)."),
        N_("Sign the request with your digital signature and send it."),
        N_("Within one working day the acceptance notice (App 6) or the refusal notice (App 7) comes to your "
           "personal cabinet; a request sent after working hours or on a day off is registered on the next "
           "working day."),
    ),
}


def portal_steps(standing: Standing) -> str:
    review = standing.review
    channel = standing.channel or Channel.PLATFORM
    assert review.profile is not None
    claimed = review.profile.claimed_category
    params = {"category": _(Category(claimed).label) if claimed else "—",
              "words": review.essay.words if review.essay is not None else 0}
    lines = [_("How to file it on {channel}:").format(channel=_(channel.label))]
    lines += [f"{n}. {_(step).format(**params)}" for n, step in enumerate(PORTAL_STEPS[channel], start=1)]
    lines += ["", _("This bot does not see the portal: /status keeps showing your steps here.")]
    return "\n".join(lines)


async def send_what_next(bot: Bot, user_id: int, session: AsyncSession, settings: Settings, now: datetime,
                         ruleset: RuleSet) -> None:
    """The steps and her progress on each, with their buttons (after the profile, at /start), by her set."""
    standing = await GuidanceService(session, settings, ruleset).standing(user_id, now)
    if standing is not None:
        await bot.send_message(user_id, what_next_text(standing), reply_markup=what_next_keyboard(standing))
