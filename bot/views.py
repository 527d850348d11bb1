"""Renderers shared by several routers: the profile card and the eligibility verdict."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot import keyboards
from bot.i18n import render
from bot.profile_form import QUESTIONS, display_value
from bot.services.profile import assess
from bot.settings import Settings
from scoring.config import default_rules
from scoring.eligibility import EligibilityReport
from storage.models import TeacherProfile

FINDING_ICONS = {"ok": "✅", "warning": "⚠️", "blocker": "⛔", "info": "ℹ️"}


def eligibility_text(report: EligibilityReport) -> str:
    if report.allowed:
        header = _("✅ You can apply for the claimed category.")
    else:
        header = _("⛔ The claimed category cannot be applied for yet:")
    lines = [header, ""]
    for finding in report.findings:
        icon = FINDING_ICONS.get(str(finding.kind), "•")
        lines.append(f"{icon} {render(finding.message)} ({render(finding.reference)})")
    return "\n".join(lines)


async def send_eligibility(bot: Bot, chat_id: int, profile: TeacherProfile, settings: Settings) -> None:
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    report = assess(profile, today, default_rules())
    if report is not None:
        await bot.send_message(chat_id, eligibility_text(report))
    await bot.send_message(chat_id, _("What next: /profile to review or edit your answers, /help for all commands."))


def profile_text(profile: TeacherProfile) -> str:
    lines = [_("Your profile:"), ""]
    for question in QUESTIONS:
        if not question.applies(profile):
            continue
        value = display_value(question, profile, _, get_i18n().current_locale)
        lines.append(f"• {_(question.label)}: {value if value is not None else '—'}")
    lines += ["", _("Tap a field to change it.")]
    return "\n".join(lines)


async def send_profile(bot: Bot, chat_id: int, profile: TeacherProfile, locked: frozenset[str] = frozenset()) -> None:
    """The profile with a button per field; 🔒 on those a submitted application depends on."""
    fields = [(q.field, q.label) for q in QUESTIONS if q.applies(profile)]
    text = profile_text(profile)
    if locked:
        text += "\n" + _("🔒 Your application is submitted: the fields it depends on change only after /withdraw.")
    await bot.send_message(chat_id, text, reply_markup=keyboards.profile_edit_keyboard(fields, locked))


async def answer_stale(callback: CallbackQuery) -> None:
    """A button whose moment has passed, or forged callback data: said, never silently ignored."""
    await callback.answer(_("This button is no longer active."), show_alert=True)
