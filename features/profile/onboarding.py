"""Teacher onboarding: /start, language, consent, and the profile questions one at a time."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import area_views, keyboards
from bot.callbacks import AreaCallback, ChoiceCallback, ConsentCallback, LanguageCallback, ToggleCallback
from bot.i18n import SUPPORTED_LOCALES, in_reading_order, render
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, TYPED_TEXT
from bot.views import answer_stale, local_today, send_eligibility, send_profile
from features.checklist.service import utc_now
from features.guidance.views import send_what_next
from features.profile.form import (
    BY_FIELD,
    InvalidAnswer,
    Kind,
    ProfileForm,
    Question,
    field_of,
    next_question,
    option_label,
    parse_phone,
    state_for,
)
from features.profile.service import ProfileService
from scoring.areas import catalogue
from scoring.regions import region_by_id
from storage.profile_models import TeacherProfile, User
from storage.profile_repository import UserRepository

AREA_FIELD = "area_code"


def pack_area(action: str, code: str, page: int) -> str:
    return AreaCallback(action=action, code=code, page=page).pack()


def region_label(profile: TeacherProfile) -> str:
    region = region_by_id(profile.region) if profile.region else None
    return _(region.label) if region else "—"


def area_list(profile: TeacherProfile, page: int = 0) -> InlineKeyboardMarkup:
    locale = get_i18n().current_locale
    return area_views.area_list_keyboard(catalogue().for_choice(profile.region, locale), locale, page, pack_area)


async def ask(bot: Bot, chat_id: int, question: Question, profile: TeacherProfile, state: FSMContext,
              ticked: set[str] | None = None) -> None:
    """Send a question with the keyboard its kind needs, and make it the open one; a multi-select starts
    from the stored answer, or from `ticked` when it is shown again half-answered."""
    await state.set_state(state_for(question.field))
    text = _(question.prompt)
    if question.kind is Kind.CHOICE:
        assert question.options is not None
        options = question.options(profile)
        if question.alphabetical:
            options = in_reading_order(options)
        markup = keyboards.choice_keyboard(question.field, options, question.columns)
        await bot.send_message(chat_id, text, reply_markup=markup)
    elif question.kind is Kind.AREA:
        await bot.send_message(chat_id, text, reply_markup=area_list(profile))
    elif question.kind is Kind.MULTI:
        assert question.options is not None
        if ticked is None:
            ticked = set(getattr(profile, question.field) or [])
        await state.update_data(ticked=sorted(ticked))
        await bot.send_message(chat_id, text, reply_markup=multi_markup(question, profile, ticked))
    elif question.kind is Kind.CONTACT:
        await bot.send_message(chat_id, text, reply_markup=keyboards.contact_keyboard())
    else:
        await bot.send_message(chat_id, text)


def multi_markup(question: Question, profile: TeacherProfile, ticked: set[str]) -> InlineKeyboardMarkup:
    assert question.options is not None
    return keyboards.multi_keyboard(question.field, question.options(profile), ticked, question.columns,
                                    question.none_first)


def chosen_text(question: Question, chosen: list[str], profile: TeacherProfile) -> str:
    """The question with the answer under it, so the chat shows what was chosen."""
    labels = dict(question.options(profile)) if question.options else {}
    answer = "; ".join(_(labels[value]) for value in chosen) if chosen else _("none")
    return f"{_(question.prompt)}\n→ {answer}"


async def advance(
    bot: Bot, chat_id: int, profile: TeacherProfile, upcoming: Question | None, state: FSMContext,
    session: AsyncSession, settings: Settings,
) -> None:
    """After an answer: the next question; when editing, back to the profile; at the end, the verdict and
    what comes next."""
    data = await state.get_data()
    if upcoming is not None and (not data.get("editing") or upcoming.field != data.get("edited")):
        await ask(bot, chat_id, upcoming, profile, state)
        return
    await state.clear()
    if data.get("editing"):
        await send_profile(bot, chat_id, profile, local_today(settings))
        return
    await bot.send_message(chat_id, _("Your profile is complete. Thank you!"), reply_markup=ReplyKeyboardRemove())
    await send_eligibility(bot, chat_id, profile, settings)
    await send_what_next(bot, chat_id, session, settings, utc_now())


async def start(message: Message, state: FSMContext, session: AsyncSession, db_user: User, settings: Settings) -> None:
    assert message.bot is not None and message.from_user is not None
    chat_id = message.chat.id
    if db_user.locale is None:
        await message.answer(_("Welcome! Choose your language:") + "\n" + keyboards.LANGUAGE_QUESTION,
                             reply_markup=keyboards.language_keyboard())
        return
    profile = await ProfileService(session).get(message.from_user.id)
    if profile is None:
        await send_consent(message.bot, chat_id, settings)
        return
    open_field = field_of(await state.get_state())
    upcoming = next_question(profile)
    if open_field is None and upcoming is not None and upcoming.field == AREA_FIELD and profile.completed_at:
        await message.answer(_("Districts and cities are now chosen from the official list, so that your application "
                               "reaches the commission that serves you. Please choose yours once more."))
        await ask(message.bot, chat_id, upcoming, profile, state)
        return
    if open_field is not None or upcoming is not None:
        await message.answer(_("Welcome back! Let's continue where you left off."))
        await ask(message.bot, chat_id, BY_FIELD[open_field] if open_field else upcoming, profile, state)  # type: ignore[arg-type]
        return
    await message.answer(_("Welcome back, {name}!").format(name=profile.full_name))
    await send_eligibility(message.bot, chat_id, profile, settings)
    await send_what_next(message.bot, chat_id, session, settings, utc_now())


def where_data_live(settings: Settings) -> str:
    """The consent's statement of where the data are kept: the deployment names its operator and server."""
    operator = settings.data_operator or _("the organisation that runs this bot")
    if settings.data_location:
        return _("Your answers, essay and self-assessment are kept in the bot's database, run by {operator} on "
                 "its server ({location}).").format(operator=operator, location=settings.data_location)
    return _("Your answers, essay and self-assessment are kept in the bot's database, run by {operator} on its "
             "server.").format(operator=operator)


async def send_consent(bot: Bot, chat_id: int, settings: Settings) -> None:
    await bot.send_message(
        chat_id,
        _(
            "Consent to the collection and processing of personal data (Appendix 5).\n\n"
            "To prepare your attestation application the bot collects: your full name, IIN, e-mail and "
            "phone number, the details of your work and qualification, and the documents, essay and "
            "self-assessment you send. They are used only for attestation, passed only to the attestation "
            "body (the commission and the education department) and not published.\n\n"
            "{where}\n\n"
            "Telegram carries every message and file between you and the bot and stores them on its own "
            "servers, which may be outside the Republic of Kazakhstan: the files you send stay in Telegram, "
            "and the bot keeps only Telegram's references to them.\n\n"
            "You can withdraw your consent at any time with /delete_me: your data are erased, except the "
            "records of a commission's decision that it must keep (you are told which, and for how long)."
            "\n\nDo you agree?"
        ).format(where=where_data_live(settings)),
        reply_markup=keyboards.consent_keyboard(),
    )


async def choose_language(
    callback: CallbackQuery, callback_data: LanguageCallback, state: FSMContext, session: AsyncSession,
    db_user: User, i18n: I18n, settings: Settings,
) -> None:
    assert callback.bot is not None
    if callback_data.code not in SUPPORTED_LOCALES:
        await answer_stale(callback)
        return
    await UserRepository(session).set_locale(db_user, callback_data.code)
    i18n.current_locale = callback_data.code
    await callback.answer(_("Language: {name}").format(name=keyboards.LANGUAGE_NAMES[callback_data.code]))
    chat_id = callback.from_user.id
    if callback.message is not None:
        await callback.bot.edit_message_text(
            _("Language: {name}").format(name=keyboards.LANGUAGE_NAMES[callback_data.code]),
            chat_id=chat_id, message_id=callback.message.message_id,
        )
    profile = await ProfileService(session).get(callback.from_user.id)
    if profile is None:
        await send_consent(callback.bot, chat_id, settings)
        return
    open_field = field_of(await state.get_state())
    if open_field is not None:
        await ask(callback.bot, chat_id, BY_FIELD[open_field], profile, state)


async def consent(
    callback: CallbackQuery, callback_data: ConsentCallback, state: FSMContext, session: AsyncSession,
) -> None:
    assert callback.bot is not None
    service = ProfileService(session)
    chat_id = callback.from_user.id
    existing = await service.get(callback.from_user.id)
    await callback.answer()
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(chat_id=chat_id, message_id=callback.message.message_id)
    if not callback_data.agree:
        if existing is not None:
            # An old consent message: withdrawing goes through /delete_me, which says what a commission keeps.
            await callback.bot.send_message(chat_id, _(
                "Your consent is recorded. To withdraw it and erase your data, send /delete_me."))
            return
        await state.clear()
        await callback.bot.send_message(chat_id, _(
            "Without your consent the attestation application cannot be accepted: the lack of consent "
            "to the processing of personal data is a ground for refusal (Appendix 4, item 9, ground 3). "
            "Nothing personal has been stored. If you change your mind, send /start."
        ))
        return
    if existing is not None:
        await callback.bot.send_message(chat_id, _("Your consent is already recorded."))
        upcoming = next_question(existing)
        if upcoming is not None:
            await ask(callback.bot, chat_id, upcoming, existing, state)
        return
    profile = await service.give_consent(callback.from_user.id)
    await callback.bot.send_message(chat_id, _("Thank you, your consent is recorded. A few questions now."))
    first = next_question(profile)
    assert first is not None
    await ask(callback.bot, chat_id, first, profile, state)


async def _open_profile(session: AsyncSession, user_id: int) -> tuple[ProfileService, TeacherProfile | None]:
    service = ProfileService(session)
    return service, await service.get(user_id)


async def ask_again(bot: Bot, chat_id: int, question: Question, profile: TeacherProfile, state: FSMContext) -> None:
    """Typed text or a file where a button is wanted: say so, and show the question with its buttons again."""
    await bot.send_message(chat_id, _("Please choose one of the buttons above."))
    ticked = set((await state.get_data()).get("ticked", [])) if question.kind is Kind.MULTI else None
    await ask(bot, chat_id, question, profile, state, ticked)


async def text_answer(
    message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
) -> None:
    assert message.bot is not None and message.from_user is not None and message.text is not None
    field = field_of(await state.get_state())
    service, profile = await _open_profile(session, message.from_user.id)
    if field is None or profile is None:
        await state.clear()
        await message.answer(_("Please start with /start."))
        return
    question = BY_FIELD[field]
    if question.kind is Kind.CHOICE or question.kind is Kind.MULTI:
        await ask_again(message.bot, message.chat.id, question, profile, state)
        return
    if question.kind is Kind.CONTACT:
        await message.answer(_("Please use the button below to share your own phone number."),
                             reply_markup=keyboards.contact_keyboard())
        return
    if question.kind is Kind.AREA:
        await typed_area(message, service, profile)
        return
    assert question.parse is not None
    try:
        upcoming = await service.save_answer(profile, field, question.parse(message.text))
    except InvalidAnswer as error:
        await message.answer(render(error.message))
        return
    await advance(message.bot, message.chat.id, profile, upcoming, state, session, settings)


async def typed_area(message: Message, service: ProfileService, profile: TeacherProfile) -> None:
    """A typed district: what it may mean, to confirm with a button (never saved unconfirmed)."""
    assert message.text is not None
    locale = get_i18n().current_locale
    candidates = service.match_area(profile, message.text).candidates
    if not candidates:
        await message.answer(area_views.not_found_text(region_label(profile)), reply_markup=area_list(profile))
        return
    await message.answer(area_views.candidates_text(len(candidates)),
                         reply_markup=area_views.candidates_keyboard(candidates, locale, pack_area))


async def area_answer(
    callback: CallbackQuery, callback_data: AreaCallback, state: FSMContext, session: AsyncSession,
    settings: Settings,
) -> None:
    """A page of the district list, or a district chosen (from the list or to confirm a typed name)."""
    assert callback.bot is not None
    opened = await _open_question(callback, AREA_FIELD, Kind.AREA, state, session)
    if opened is None:
        return
    service, profile, question = opened
    chat_id = callback.from_user.id
    if callback_data.action == area_views.PAGE:
        await callback.answer()
        if callback.message is not None:
            await callback.bot.edit_message_reply_markup(chat_id=chat_id, message_id=callback.message.message_id,
                                                         reply_markup=area_list(profile, callback_data.page))
        return
    area = service.area_of_region(profile, callback_data.code) if callback_data.action == area_views.PICK else None
    if area is None:
        await callback.answer(_("This option is not available."), show_alert=True)
        return
    await callback.answer()
    if callback.message is not None:
        await callback.bot.edit_message_text(f"{_(question.prompt)}\n→ {area.name(get_i18n().current_locale)}",
                                             chat_id=chat_id, message_id=callback.message.message_id)
    upcoming = await service.save_answer(profile, AREA_FIELD, area.code)
    await advance(callback.bot, chat_id, profile, upcoming, state, session, settings)


async def contact_answer(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    assert message.bot is not None and message.from_user is not None and message.contact is not None
    phone = parse_phone(message.contact.phone_number)
    if message.contact.user_id != message.from_user.id or phone is None:
        await message.answer(_("Please share your own phone number with the button below, not someone else's."),
                             reply_markup=keyboards.contact_keyboard())
        return
    service, profile = await _open_profile(session, message.from_user.id)
    if profile is None:
        await state.clear()
        return
    upcoming = await service.save_answer(profile, "phone", phone)
    await message.answer(_("Phone number saved."), reply_markup=ReplyKeyboardRemove())
    await advance(message.bot, message.chat.id, profile, upcoming, state, session, settings)


async def unexpected_content(message: Message, state: FSMContext, session: AsyncSession) -> None:
    assert message.bot is not None and message.from_user is not None
    field = field_of(await state.get_state())
    question = BY_FIELD[field] if field else None
    if question is not None and question.kind is Kind.CONTACT:
        await message.answer(_("Please use the button below to share your own phone number."),
                             reply_markup=keyboards.contact_keyboard())
        return
    profile = await ProfileService(session).get(message.from_user.id)
    if question is not None and profile is not None and question.kind in (Kind.CHOICE, Kind.MULTI):
        await ask_again(message.bot, message.chat.id, question, profile, state)
        return
    await message.answer(_("I expected a text answer to the question above. Please type it, or /cancel."))


async def _open_question(
    callback: CallbackQuery, field: str, kind: Kind, state: FSMContext, session: AsyncSession,
) -> tuple[ProfileService, TeacherProfile, Question] | None:
    """The question a button answers, if it is the open one and of the button's kind (a pick for a
    single choice, a tick for a multi-select); otherwise the button is stale or forged."""
    service, profile = await _open_profile(session, callback.from_user.id)
    if profile is None or field_of(await state.get_state()) != field or BY_FIELD[field].kind is not kind:
        await answer_stale(callback)
        return None
    if field in await service.locked_fields(profile):
        await callback.answer(frozen_text(), show_alert=True)
        return None
    return service, profile, BY_FIELD[field]


def frozen_text() -> str:
    return _("Your submitted application depends on this answer (where it goes, and what it claims): to change it, "
             "withdraw the application first with /withdraw, then change it and submit again.")


async def choice_answer(
    callback: CallbackQuery, callback_data: ChoiceCallback, state: FSMContext, session: AsyncSession,
    settings: Settings,
) -> None:
    assert callback.bot is not None
    opened = await _open_question(callback, callback_data.field, Kind.CHOICE, state, session)
    if opened is None:
        return
    service, profile, question = opened
    field = question.field
    label = option_label(question, profile, callback_data.value)
    if label is None:
        await answer_stale(callback)
        return
    await callback.answer()
    if callback.message is not None:
        await callback.bot.edit_message_text(
            f"{_(question.prompt)}\n→ {_(label)}", chat_id=callback.from_user.id,
            message_id=callback.message.message_id,
        )
    upcoming = await service.save_answer(profile, field, callback_data.value)
    await advance(callback.bot, callback.from_user.id, profile, upcoming, state, session, settings)


async def toggle_answer(
    callback: CallbackQuery, callback_data: ToggleCallback, state: FSMContext, session: AsyncSession,
    settings: Settings,
) -> None:
    assert callback.bot is not None
    opened = await _open_question(callback, callback_data.field, Kind.MULTI, state, session)
    if opened is None:
        return
    service, profile, question = opened
    field = question.field
    assert question.options is not None
    options = question.options(profile)
    ticked = set((await state.get_data()).get("ticked", []))
    chat_id = callback.from_user.id
    if callback_data.value in (".", keyboards.NONE_OF_THESE) and (
            callback_data.value == "." or question.none_first):
        await callback.answer()
        chosen = [] if callback_data.value == keyboards.NONE_OF_THESE else [
            value for value, _label in options if value in ticked]
        if callback.message is not None:
            await callback.bot.edit_message_text(chosen_text(question, chosen, profile), chat_id=chat_id,
                                                 message_id=callback.message.message_id)
        upcoming = await service.save_answer(profile, field, chosen)
        await advance(callback.bot, chat_id, profile, upcoming, state, session, settings)
        return
    if callback_data.value not in dict(options):
        await answer_stale(callback)
        return
    ticked ^= {callback_data.value}
    await state.update_data(ticked=sorted(ticked))
    await callback.answer()
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=callback.message.message_id,
            reply_markup=multi_markup(question, profile, ticked),
        )


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="onboarding")
    router.message.register(start, CommandStart())
    router.callback_query.register(choose_language, LanguageCallback.filter())
    router.callback_query.register(consent, ConsentCallback.filter())
    router.message.register(text_answer, StateFilter(ProfileForm), TYPED_TEXT)
    router.message.register(contact_answer, StateFilter(ProfileForm.phone), F.contact)
    router.message.register(unexpected_content, StateFilter(ProfileForm), NOT_A_COMMAND)
    router.callback_query.register(choice_answer, ChoiceCallback.filter())
    router.callback_query.register(toggle_answer, ToggleCallback.filter())
    router.callback_query.register(area_answer, AreaCallback.filter())
    return router
