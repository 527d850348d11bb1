"""Teacher onboarding: /start, language, consent, and the profile questions one at a time."""

from __future__ import annotations

from typing import NoReturn

from aiogram import Bot, F, Router
from aiogram.filters import CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import local_today
from bot.keyboards import LANGUAGE_NAMES, LANGUAGE_QUESTION
from bot.rule_book import TeacherSets
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, TYPED_TEXT
from features.checklist import handlers as checklist
from features.checklist.service import utc_now
from features.guidance.views import send_what_next
from features.profile import views
from features.profile.callbacks import (
    DONE,
    NONE_OF_THESE,
    AreaAction,
    AreaCallback,
    ChoiceCallback,
    ConsentCallback,
    KnownCategoryCallback,
    LanguageCallback,
    ToggleCallback,
)
from features.profile.form import BY_FIELD, Kind, ProfileField, Question, next_question, parse_phone
from features.profile.service import Answered, KnownCategory, NotStarted, ProfileService
from features.profile.states import ProfileForm, field_of, state_for, states_of
from storage.profile_models import TeacherProfile, User

AREA_FIELD = ProfileField.AREA_CODE


async def ask(bot: Bot, chat_id: int, question: Question, profile: TeacherProfile, state: FSMContext,
              ticked: set[str] | None = None) -> None:
    """Send a question with the keyboard its kind needs, and make it the open one; a multi-select starts
    from the stored answer, or from `ticked` when it is shown again half-answered."""
    await state.set_state(state_for(question.field))
    if question.kind is Kind.MULTI:
        if ticked is None:
            ticked = set(getattr(profile, question.field) or [])
        await state.update_data(ticked=sorted(ticked))
    text, markup = views.question_view(question, profile, ticked or set())
    await bot.send_message(chat_id, text, reply_markup=markup)


async def advance(bot: Bot, chat_id: int, answered: Answered, state: FSMContext, session: AsyncSession,
                  settings: Settings,
                  teacher_sets: TeacherSets) -> None:
    """After an answer: the next question; when editing, back to the profile; at the end, the verdict and
    what comes next."""
    data = await state.get_data()
    upcoming, profile = answered.upcoming, answered.profile
    if answered.known is not None:
        await send_known_category(bot, chat_id, answered.known)
    if upcoming is not None and (not data.get("editing") or upcoming.field != data.get("edited")):
        await ask(bot, chat_id, upcoming, profile, state)
        return
    await state.clear()
    if data.get("editing"):
        await views.send_profile(bot, chat_id, profile, local_today(settings))
        return
    await bot.send_message(chat_id, _("Your profile is complete. Thank you!"), reply_markup=ReplyKeyboardRemove())
    await finish(bot, chat_id, profile, session, settings, teacher_sets)


async def send_known_category(bot: Bot, chat_id: int, known: KnownCategory) -> None:
    text, markup = views.known_category_view(known)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def finish(bot: Bot, chat_id: int, profile: TeacherProfile, session: AsyncSession, settings: Settings,
                 teacher_sets: TeacherSets) -> None:
    """A complete profile: the eligibility verdict, then the steps that come next."""
    ruleset = await teacher_sets.of(session, profile.user_id)
    await views.send_eligibility(bot, chat_id, profile, settings, ruleset.rules)
    await send_what_next(bot, chat_id, session, settings, utc_now(), ruleset)


async def start(message: Message, state: FSMContext, session: AsyncSession, db_user: User, settings: Settings,
                teacher_sets: TeacherSets) -> None:
    assert message.bot is not None and message.from_user is not None
    if db_user.locale is None:
        await message.answer(_("Welcome! Choose your language:") + "\n" + LANGUAGE_QUESTION,
                             reply_markup=views.language_keyboard())
        return
    profile = await ProfileService(session).get(message.from_user.id)
    if profile is None:
        await views.send_consent(message.bot, message.chat.id, settings)
        return
    await resume(message, profile, state, session, settings, teacher_sets)


async def resume(message: Message, profile: TeacherProfile, state: FSMContext, session: AsyncSession,
                 settings: Settings,
                 teacher_sets: TeacherSets) -> None:
    """/start with a profile: the open question again, the next unanswered one, or where she stands."""
    assert message.bot is not None
    open_field = field_of(await state.get_state())
    upcoming, known = (BY_FIELD[open_field], None) if open_field is not None else (
        await ProfileService(session).take_known_category(profile, next_question(profile)))
    if open_field is None and upcoming is not None and upcoming.field == AREA_FIELD and profile.completed_at:
        await message.answer(_("Districts and cities are now chosen from the official list, so that your application "
                               "reaches the commission that serves you. Please choose yours once more."))
    elif upcoming is not None:
        await message.answer(_("Welcome back! Let's continue where you left off."))
    else:
        await message.answer(_("Welcome back, {name}!").format(name=profile.full_name))
    if known is not None:
        await send_known_category(message.bot, message.chat.id, known)
    if upcoming is None:
        await finish(message.bot, message.chat.id, profile, session, settings, teacher_sets)
        return
    await ask(message.bot, message.chat.id, upcoming, profile, state)


async def edit_text(callback: CallbackQuery, text: str) -> None:
    """The pressed message's text replaced, its buttons gone (the chat shows what was chosen)."""
    assert callback.bot is not None
    if callback.message is not None:
        await callback.bot.edit_message_text(text, chat_id=callback.from_user.id,
                                             message_id=callback.message.message_id)


async def edit_markup(callback: CallbackQuery, markup: InlineKeyboardMarkup | None = None) -> None:
    assert callback.bot is not None
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id, reply_markup=markup)


async def choose_language(
    callback: CallbackQuery, callback_data: LanguageCallback, state: FSMContext, session: AsyncSession,
    db_user: User, i18n: I18n, settings: Settings, callback_answer: CallbackAnswer,
) -> None:
    assert callback.bot is not None
    code = callback_data.code.value
    profile = await ProfileService(session).set_language(db_user, code)
    i18n.current_locale = code
    chosen = _("Language: {name}").format(name=LANGUAGE_NAMES[code])
    callback_answer.text = chosen
    await edit_text(callback, chosen)
    if profile is None:
        await views.send_consent(callback.bot, callback.from_user.id, settings)
        return
    open_field = field_of(await state.get_state())
    if open_field is not None:
        await ask(callback.bot, callback.from_user.id, BY_FIELD[open_field], profile, state)


async def consent_given(callback: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    assert callback.bot is not None
    chat_id = callback.from_user.id
    consented = await ProfileService(session).give_consent(chat_id)
    await edit_markup(callback)
    if consented.already:
        await callback.bot.send_message(chat_id, _("Your consent is already recorded."))
    else:
        await callback.bot.send_message(chat_id, _("Thank you, your consent is recorded. A few questions now."))
    upcoming = next_question(consented.profile)
    if upcoming is not None:
        await ask(callback.bot, chat_id, upcoming, consented.profile, state)


async def consent_declined(callback: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    assert callback.bot is not None
    chat_id = callback.from_user.id
    existing = await ProfileService(session).get(chat_id)
    await edit_markup(callback)
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


async def ask_again(bot: Bot, chat_id: int, question: Question, profile: TeacherProfile, state: FSMContext) -> None:
    """Typed text or a file where a button is wanted: say so, and show the question with its buttons again."""
    await bot.send_message(chat_id, _("Please choose one of the buttons above."))
    ticked = set((await state.get_data()).get("ticked", [])) if question.kind is Kind.MULTI else None
    await ask(bot, chat_id, question, profile, state, ticked)


async def open_field_of(state: FSMContext) -> ProfileField:
    """The question the conversation's state asks (the handlers are registered on those states only)."""
    field = field_of(await state.get_state())
    assert field is not None
    return field


async def restarting(state: FSMContext) -> NoReturn:
    """No profile behind the questionnaire's state: the state goes, and she is sent to /start."""
    await state.clear()
    raise NotStarted()


async def typed_answer(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       teacher_sets: TeacherSets) -> None:
    """A typed answer to a text question: parsed, stored, then the next question."""
    assert message.bot is not None and message.from_user is not None and message.text is not None
    field = await open_field_of(state)
    try:
        answered = await ProfileService(session).answer_text(message.from_user.id, field, message.text)
    except NotStarted:
        await restarting(state)
    await advance(message.bot, message.chat.id, answered, state, session, settings, teacher_sets)


async def typed_area(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """A typed district: what it may mean, to confirm with a button (never saved unconfirmed)."""
    assert message.from_user is not None and message.text is not None
    try:
        profile, candidates = await ProfileService(session).typed_area(message.from_user.id, message.text)
    except NotStarted:
        await restarting(state)
    text, markup = views.area_candidates(profile, candidates)
    await message.answer(text, reply_markup=markup)


async def button_expected(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """Typed text or a file where a choice's buttons are wanted: the question with its buttons again."""
    assert message.bot is not None and message.from_user is not None
    field = await open_field_of(state)
    profile = await ProfileService(session).get(message.from_user.id)
    if profile is not None:
        await ask_again(message.bot, message.chat.id, BY_FIELD[field], profile, state)
    elif message.text is not None:
        await restarting(state)
    else:
        await expected_text(message)


async def typed_instead_of_contact(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """Typed text where her shared contact is wanted: the button again."""
    assert message.from_user is not None
    try:
        await ProfileService(session).started(message.from_user.id)
    except NotStarted:
        await restarting(state)
    await contact_expected(message)


async def contact_expected(message: Message) -> None:
    await message.answer(_("Please use the button below to share your own phone number."),
                         reply_markup=views.contact_keyboard())


async def expected_text(message: Message) -> None:
    await message.answer(_("I expected a text answer to the question above. Please type it, or /cancel."))


async def contact_answer(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                         teacher_sets: TeacherSets) -> None:
    assert message.bot is not None and message.from_user is not None and message.contact is not None
    phone = parse_phone(message.contact.phone_number)
    if message.contact.user_id != message.from_user.id or phone is None:
        await message.answer(_("Please share your own phone number with the button below, not someone else's."),
                             reply_markup=views.contact_keyboard())
        return
    answered = await ProfileService(session).save_phone(message.from_user.id, phone)
    if answered is None:
        await state.clear()
        return
    await message.answer(_("Phone number saved."), reply_markup=ReplyKeyboardRemove())
    await advance(message.bot, message.chat.id, answered, state, session, settings, teacher_sets)


async def area_page(callback: CallbackQuery, callback_data: AreaCallback, state: FSMContext,
                    session: AsyncSession) -> None:
    """Another page of the district list."""
    opened = await ProfileService(session).open_question(callback.from_user.id, AREA_FIELD, Kind.AREA,
                                                         field_of(await state.get_state()))
    await edit_markup(callback, views.area_list(opened.profile, callback_data.page))


async def area_pick(callback: CallbackQuery, callback_data: AreaCallback, state: FSMContext, session: AsyncSession,
                    settings: Settings,
                    teacher_sets: TeacherSets) -> None:
    """A district chosen, from the list or to confirm a typed name."""
    assert callback.bot is not None
    answered = await ProfileService(session).pick_area(callback.from_user.id, callback_data.code,
                                                       field_of(await state.get_state()))
    await edit_text(callback, views.area_picked_text(answered.question, answered.value))
    await advance(callback.bot, callback.from_user.id, answered, state, session, settings, teacher_sets)


async def unknown_area_action(callback: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    """Forged data on the district question (neither a page nor a pick)."""
    await ProfileService(session).refuse_area_action(callback.from_user.id, field_of(await state.get_state()))


async def choice_answer(callback: CallbackQuery, callback_data: ChoiceCallback, state: FSMContext,
                        session: AsyncSession, settings: Settings,
                        teacher_sets: TeacherSets) -> None:
    assert callback.bot is not None
    answered = await ProfileService(session).choose(callback.from_user.id, callback_data.field, callback_data.value,
                                                    field_of(await state.get_state()))
    await edit_text(callback, views.picked_text(answered.question, answered.profile, callback_data.value))
    await advance(callback.bot, callback.from_user.id, answered, state, session, settings, teacher_sets)


async def toggle_option(callback: CallbackQuery, callback_data: ToggleCallback, state: FSMContext,
                        session: AsyncSession) -> None:
    """An option of a multi-select ticked or unticked; the ticks wait in the conversation until Done."""
    opened = await ProfileService(session).tick(callback.from_user.id, callback_data.field, callback_data.value,
                                                field_of(await state.get_state()))
    ticked = set((await state.get_data()).get("ticked", [])) ^ {callback_data.value}
    await state.update_data(ticked=sorted(ticked))
    await edit_markup(callback, views.multi_keyboard(opened.question, opened.profile, ticked))


async def finish_options(callback: CallbackQuery, callback_data: ToggleCallback, state: FSMContext,
                         session: AsyncSession, settings: Settings,
                         teacher_sets: TeacherSets) -> None:
    """Done (the ticked options), or "none of these" where the question starts with it."""
    assert callback.bot is not None
    ticked = None if callback_data.value == NONE_OF_THESE else set((await state.get_data()).get("ticked", []))
    answered = await ProfileService(session).finish_multi(callback.from_user.id, callback_data.field, ticked,
                                                          field_of(await state.get_state()))
    await edit_text(callback, views.chosen_text(answered.question, answered.value, answered.profile))
    await advance(callback.bot, callback.from_user.id, answered, state, session, settings, teacher_sets)


async def correct_known_category(callback: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    """«Correct» under the category taken from her decision: she answers the category questions herself."""
    assert callback.bot is not None
    opened = await ProfileService(session).correct_known_category(callback.from_user.id)
    await edit_markup(callback)
    await ask(callback.bot, callback.from_user.id, opened.question, opened.profile, state)


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="onboarding")
    # /start ck-<item>: the Mini App's "open in the chat" (before the plain /start, which takes any payload).
    router.message.register(checklist.open_from_link, checklist.ITEM_LINK)
    router.message.register(start, CommandStart())
    router.callback_query.register(choose_language, LanguageCallback.filter())
    router.callback_query.register(consent_given, ConsentCallback.filter(F.agree))
    router.callback_query.register(consent_declined, ConsentCallback.filter(~F.agree))
    router.message.register(typed_answer, StateFilter(*states_of(Kind.TEXT)), TYPED_TEXT)
    router.message.register(typed_area, StateFilter(ProfileForm.area_code), TYPED_TEXT)
    router.message.register(button_expected, StateFilter(*states_of(Kind.CHOICE, Kind.MULTI)), NOT_A_COMMAND)
    router.message.register(typed_instead_of_contact, StateFilter(ProfileForm.phone), TYPED_TEXT)
    router.message.register(contact_answer, StateFilter(ProfileForm.phone), F.contact)
    router.message.register(contact_expected, StateFilter(ProfileForm.phone), NOT_A_COMMAND)
    router.message.register(expected_text, StateFilter(ProfileForm), NOT_A_COMMAND)
    router.callback_query.register(choice_answer, ChoiceCallback.filter())
    router.callback_query.register(finish_options, ToggleCallback.filter(F.value.in_({DONE, NONE_OF_THESE})))
    router.callback_query.register(toggle_option, ToggleCallback.filter())
    router.callback_query.register(area_page, AreaCallback.filter(F.action == AreaAction.PAGE))
    router.callback_query.register(area_pick, AreaCallback.filter(F.action == AreaAction.PICK))
    router.callback_query.register(unknown_area_action, AreaCallback.filter())
    router.callback_query.register(correct_known_category, KnownCategoryCallback.filter())
    return router
