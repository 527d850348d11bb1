"""Renderers shared by several routers: the profile card and the eligibility verdict."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.i18n import render
from bot.settings import Settings
from features.profile.form import QUESTIONS, display_value
from features.profile.service import assess
from scoring.config import default_rules
from scoring.eligibility import Channel, EligibilityReport
from storage.profile_models import TeacherProfile

FINDING_ICONS = {"ok": "✅", "warning": "⚠️", "blocker": "⛔", "info": "ℹ️"}


def eligibility_text(report: EligibilityReport, files_in_bot: bool) -> str:
    if report.allowed:
        header = _("✅ You can apply for the claimed category.")
    else:
        header = _("⛔ The claimed category cannot be applied for yet:")
    lines = [header, ""]
    for finding in report.findings:
        icon = FINDING_ICONS.get(str(finding.kind), "•")
        lines.append(f"{icon} {render(finding.message)} ({render(finding.reference)})")
    if report.channel is not None:
        lines += ["", bot_role_text(report.channel, files_in_bot)]
    return "\n".join(lines)


def bot_role_text(channel: Channel, files_in_bot: bool) -> str:
    """Next to the official channel, what this bot does for her (the deployment's SUBMISSION_MODE), so she
    does not think she must apply somewhere else as well."""
    if files_in_bot:
        return _("🤖 In this bot the attestation commission itself receives your application: /submit files it "
                 "with the commission, so there is nothing to file on {channel} separately.").format(
            channel=_(channel.label))
    return _("🤖 This bot prepares your application for {channel}: the documents, the essay and the "
             "self-assessment. When they are ready, /submit gives you the package and the steps to file it "
             "there.").format(channel=_(channel.label))


async def send_eligibility(bot: Bot, chat_id: int, profile: TeacherProfile, settings: Settings) -> None:
    report = assess(profile, local_today(settings), default_rules())
    if report is not None:
        await bot.send_message(chat_id, eligibility_text(report, settings.files_in_bot))


def passed_note(profile: TeacherProfile, field: str, today: date) -> str | None:
    """A date of the profile that should lie ahead but has passed: said next to it."""
    if field == "category_valid_until" and profile.category_valid_until is not None \
            and profile.category_valid_until < today:
        return _("⚠️ this date has passed: the category is no longer valid; check the date or your current "
                 "category")
    return None


def profile_text(profile: TeacherProfile, today: date) -> str:
    lines = [_("Your profile:"), ""]
    for question in QUESTIONS:
        if not question.applies(profile):
            continue
        value = display_value(question, profile, _, get_i18n().current_locale)
        line = f"• {_(question.label)}: {value if value is not None else '—'}"
        note = passed_note(profile, question.field, today)
        lines.append(f"{line} {note}" if note else line)
    lines += ["", _("Tap a field to change it.")]
    return "\n".join(lines)


def local_today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


async def send_profile(bot: Bot, chat_id: int, profile: TeacherProfile, today: date,
                       locked: frozenset[str] = frozenset()) -> None:
    """The profile with a button per field; 🔒 on those a submitted application depends on."""
    fields = [(q.field, q.label) for q in QUESTIONS if q.applies(profile)]
    text = profile_text(profile, today)
    if locked:
        text += "\n" + _("🔒 Your application is submitted: the fields it depends on change only after /withdraw.")
    await bot.send_message(chat_id, text, reply_markup=keyboards.profile_edit_keyboard(fields, locked))


async def answer_stale(callback: CallbackQuery) -> None:
    """A button whose moment has passed, or forged callback data: said, never silently ignored."""
    await callback.answer(_("This button is no longer active."), show_alert=True)
