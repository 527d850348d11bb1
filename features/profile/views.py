"""What the profile says: the questions with their buttons, the consent, the profile card and the
eligibility verdict."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from aiogram import Bot
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot import area_views
from bot.clock import local_today
from bot.i18n import Locale, in_reading_order, render
from bot.keyboards import LANGUAGE_NAMES, compact_rows, grid
from bot.settings import Settings
from features.profile.callbacks import (
    DONE,
    NONE_OF_THESE,
    AreaCallback,
    ChoiceCallback,
    ConsentCallback,
    EditFieldCallback,
    KnownCategoryCallback,
    LanguageCallback,
    ToggleCallback,
)
from features.profile.form import QUESTIONS, Kind, Question, display_value, option_label
from features.profile.service import KnownCategory, assess
from scoring.areas import AdministrativeArea, area_name, catalogue
from scoring.categories import Category
from scoring.config import Rules
from scoring.dates import format_day
from scoring.eligibility import Channel, EligibilityReport
from scoring.regions import region_by_id
from storage.profile_models import TeacherProfile

FINDING_ICONS = {"ok": "✅", "warning": "⚠️", "blocker": "⛔", "info": "ℹ️"}
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None

# --- keyboards -------------------------------------------------------------------------------------


def language_keyboard() -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=LANGUAGE_NAMES[code], callback_data=LanguageCallback(code=code).pack())
                 for code in Locale], columns=len(Locale))


def consent_keyboard() -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_("✅ I agree"), callback_data=ConsentCallback(agree=True).pack()),
        InlineKeyboardButton(text=_("❌ I decline"), callback_data=ConsentCallback(agree=False).pack()),
    ], columns=2)


def choice_keyboard(question: Question, options: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_(label), callback_data=ChoiceCallback(field=question.field, value=value).pack())
        for value, label in options
    ], question.columns)


def multi_keyboard(question: Question, profile: TeacherProfile, ticked: set[str]) -> InlineKeyboardMarkup:
    assert question.options is not None
    field = question.field
    buttons = [
        InlineKeyboardButton(text=f"{'☑️' if value in ticked else '⬜'} {_(label)}",
                             callback_data=ToggleCallback(field=field, value=value).pack())
        for value, label in question.options(profile)
    ]
    rows = compact_rows(buttons, question.columns)
    if question.none_first:
        rows.insert(0, [InlineKeyboardButton(text=_("🚫 None of these"),
                                             callback_data=ToggleCallback(field=field, value=NONE_OF_THESE).pack())])
    rows.append([InlineKeyboardButton(text=_("Done"), callback_data=ToggleCallback(field=field, value=DONE).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def profile_edit_keyboard(profile: TeacherProfile, locked: frozenset[str] = frozenset()) -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=f"{'🔒' if q.field in locked else '✏️'} {_(q.label)}",
                                      callback_data=EditFieldCallback(field=q.field).pack())
                 for q in QUESTIONS if q.applies(profile)], columns=2)


def pack_area(action: str, code: str, page: int) -> str:
    return AreaCallback(action=action, code=code, page=page).pack()


def area_list(profile: TeacherProfile, page: int = 0) -> InlineKeyboardMarkup:
    locale = get_i18n().current_locale
    return area_views.area_list_keyboard(catalogue().for_choice(profile.region, locale), locale, page, pack_area)


# --- the questions ---------------------------------------------------------------------------------


def question_view(question: Question, profile: TeacherProfile, ticked: set[str]) -> tuple[str, Markup]:
    """A question with the keyboard its kind needs (a multi-select with `ticked` ticked)."""
    text = _(question.prompt)
    if question.kind is Kind.CHOICE:
        assert question.options is not None
        options = question.options(profile)
        return text, choice_keyboard(question, in_reading_order(options) if question.alphabetical else options)
    if question.kind is Kind.AREA:
        return text, area_list(profile)
    if question.kind is Kind.MULTI:
        return text, multi_keyboard(question, profile, ticked)
    if question.kind is Kind.CONTACT:
        return text, contact_keyboard()
    return text, None


def chosen_text(question: Question, chosen: list[str], profile: TeacherProfile) -> str:
    """The question with the answer under it, so the chat shows what was chosen."""
    labels = dict(question.options(profile)) if question.options else {}
    answer = "; ".join(_(labels[value]) for value in chosen) if chosen else _("none")
    return f"{_(question.prompt)}\n→ {answer}"


def picked_text(question: Question, profile: TeacherProfile, value: str) -> str:
    """A single choice under its question."""
    label = option_label(question, profile, value)
    return f"{_(question.prompt)}\n→ {_(label) if label else value}"


def area_picked_text(question: Question, code: str) -> str:
    return f"{_(question.prompt)}\n→ {area_name(code, get_i18n().current_locale) or code}"


def region_label(profile: TeacherProfile) -> str:
    region = region_by_id(profile.region) if profile.region else None
    return _(region.label) if region else "—"


def area_candidates(profile: TeacherProfile, candidates: list[AdministrativeArea]) -> tuple[str, InlineKeyboardMarkup]:
    """A typed district: what it may mean, to confirm with a button; or the whole list when it means none."""
    if not candidates:
        return area_views.not_found_text(region_label(profile)), area_list(profile)
    return (area_views.candidates_text(len(candidates)),
            area_views.candidates_keyboard(candidates, get_i18n().current_locale, pack_area))


def known_category_view(known: KnownCategory) -> tuple[str, InlineKeyboardMarkup]:
    """The category questions answered from her last decision, with the one way to answer them herself."""
    text = _("From your decision of {date}: {category}, valid until {until}. Your current category is taken from "
             "it, so it is not asked again. If this is wrong, press «Correct».").format(
        date=format_day(known.decided_on), category=_(Category(known.category).label),
        until=format_day(known.valid_until))
    return text, grid([InlineKeyboardButton(text=_("✏️ Correct"), callback_data=KnownCategoryCallback().pack())],
                      columns=1)


# --- the consent -----------------------------------------------------------------------------------


def where_data_live(settings: Settings) -> str:
    """The consent's statement of where the data are kept: the deployment names its operator and server."""
    operator = settings.data_operator or _("the organisation that runs this bot")
    if settings.data_location:
        return _("Your answers, essay and self-assessment are kept in the bot's database, run by {operator} on "
                 "its server ({location}).").format(operator=operator, location=settings.data_location)
    return _("Your answers, essay and self-assessment are kept in the bot's database, run by {operator} on its "
             "server.").format(operator=operator)


def consent_text(settings: Settings) -> str:
    return _(
        "Consent to the collection and processing of personal data (Appendix 5).\n\n"
        "To prepare your attestation application the bot collects: your full name, IIN, e-mail and "
        "phone number, the details of your work and qualification, and the documents, essay and "
        "self-assessment you send. They are used only for attestation, passed only to the attestation "
        "body (the commission and the education department) and not published.\n\n"
        "{where}\n\n"
        "Telegram carries every message and file between you and the bot and stores them on its own "
        "servers, which may be outside the Republic of Kazakhstan. The bot keeps its own copy of every "
        "document you send, beside your answers, in the file store of the same operator.\n\n"
        "You can withdraw your consent at any time with /delete_me: your data are erased, except the "
        "records of a commission's decision that it must keep (you are told which, and for how long)."
        "\n\nDo you agree?"
    ).format(where=where_data_live(settings))


async def send_consent(bot: Bot, chat_id: int, settings: Settings) -> None:
    await bot.send_message(chat_id, consent_text(settings), reply_markup=consent_keyboard())


# --- the profile card and the verdict --------------------------------------------------------------


def eligibility_text(report: EligibilityReport, files_in_bot: bool) -> str:
    if report.allowed and report.without_attestation is not None:
        header = _("✅ On your application {category} is assigned without attestation: no test and no portfolio "
                   "(§10).").format(category=_(report.without_attestation.label))
    elif report.allowed:
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


async def send_eligibility(bot: Bot, chat_id: int, profile: TeacherProfile, settings: Settings,
                           rules: Rules) -> None:
    """The eligibility verdict by her set's rules (TeacherSets.of)."""
    report = assess(profile, local_today(settings), rules)
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


async def send_profile(bot: Bot, chat_id: int, profile: TeacherProfile, today: date,
                       locked: frozenset[str] = frozenset()) -> None:
    """The profile with a button per field; 🔒 on those a submitted application depends on."""
    text = profile_text(profile, today)
    if locked:
        text += "\n" + _("🔒 Your application is submitted: the fields it depends on change only after /withdraw.")
    await bot.send_message(chat_id, text, reply_markup=profile_edit_keyboard(profile, locked))
