"""Commissions' composition: creation (admin), the area it serves, the card, invites, members' roles, the chair.

`create_router` is the commission's router: it includes the secretary's review (features/commission/agenda),
the Cancel of every multi-step action, sessions and points. It goes before onboarding's, so `/start inv…`
reaches `join_start` and every other /start reaches onboarding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.i18n import render
from bot.keyboards import LANGUAGE_NAMES
from bot.messaging import locale_of, reach
from bot.refusal import Refusal, StaleButton
from bot.rule_book import RuleBook
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, max_length
from features.commission import cancel
from features.commission.agenda import handlers as agenda
from features.commission.composition import views
from features.commission.composition.callbacks import (
    AreaAct,
    CommissionAct,
    CommissionAreaCallback,
    CommissionCallback,
    DocumentsLanguageCallback,
    InviteRoleCallback,
    LevelCallback,
    MemberAct,
    MemberCallback,
    RegionCallback,
)
from features.commission.composition.card import commission_card, visible_cards
from features.commission.composition.service import INVITE_PREFIX, CommissionService
from features.commission.composition.states import CommissionArea, Join, NewCommission
from features.commission.flows import Flow, ask_again, cancel_markup, typed_text
from features.commission.points import handlers as commission_points
from features.commission.routing import route_and_notify
from features.commission.session import handlers as commission_session
from scoring.areas import catalogue
from scoring.categories import CommissionLevel
from scoring.commission import MemberRole, invite_days
from scoring.dates import parse_day
from scoring.i18n import N_, Phrase
from scoring.regions import region_by_id
from storage.commission_models import Commission, CommissionMember, InviteKind


def service(session: AsyncSession, settings: Settings, rule_book: RuleBook) -> CommissionService:
    return CommissionService.in_force(session, rule_book, settings.timezone)


async def send_card(bot: Bot, chat_id: int, svc: CommissionService, c: Commission, is_admin: bool) -> None:
    card = await commission_card(svc, c, chat_id, is_admin)
    await bot.send_message(chat_id, views.card_text(card), reply_markup=views.card_keyboard(card))


def refusing(reason: Phrase) -> Callable[[TelegramObject], Awaitable[None]]:
    """The handler of an administrator's button or command for everyone else: `reason` says whose it is."""
    async def refuse(_event: TelegramObject) -> None:
        raise Refusal(reason)
    return refuse


# --- the admin creates a commission ----------------------------------------------------------


async def commission_new(message: Message, state: FSMContext) -> None:
    await state.set_state(NewCommission.level)
    await message.answer(_("Level of the commission (§13):"), reply_markup=views.level_keyboard())


async def pick_level(callback: CallbackQuery, callback_data: LevelCallback, state: FSMContext, bot: Bot) -> None:
    await state.update_data(level=callback_data.level.value)
    await state.set_state(NewCommission.name)
    await bot.send_message(callback.from_user.id, _("Full name of the commission (as in the order):"),
                           reply_markup=cancel_markup(Flow.NEW_COMMISSION))


async def got_name(message: Message, state: FSMContext) -> None:
    await state.update_data(name=typed_text(message, 3, max_length(Commission.name)))
    if (await state.get_data())["level"] == CommissionLevel.MINISTRY.value:
        await ask_order_number(message, state)
        return
    await state.set_state(NewCommission.region)
    await message.answer(_("Region it serves:"), reply_markup=views.region_keyboard())


async def pick_region(callback: CallbackQuery, callback_data: RegionCallback, state: FSMContext, bot: Bot) -> None:
    if not region_by_id(callback_data.region):
        raise StaleButton()
    await state.update_data(region=callback_data.region)
    assert isinstance(callback.message, Message)
    if (await state.get_data())["level"] == CommissionLevel.REGION.value:
        await ask_order_number(callback.message, state)
        return
    await state.set_state(NewCommission.area)
    await bot.send_message(callback.from_user.id, _("District or city it serves: choose it below, or type its name."),
                           reply_markup=views.area_list(callback_data.region))


async def got_organisation(message: Message, state: FSMContext) -> None:
    await state.update_data(organisation=typed_text(message, 2, max_length(Commission.organisation)))
    await ask_order_number(message, state)


async def ask_order_number(message: Message, state: FSMContext) -> None:
    await state.set_state(NewCommission.order_number)
    assert message.bot is not None
    await message.bot.send_message(message.chat.id, _("Number of the order that approved the commission:"),
                                   reply_markup=cancel_markup(Flow.NEW_COMMISSION))


async def got_order_number(message: Message, state: FSMContext) -> None:
    await state.update_data(order_number=typed_text(message, 1, max_length(Commission.order_number)))
    await state.set_state(NewCommission.order_date)
    await message.answer(_("Date of the order, DD.MM.YYYY (the term is one year from it, §16):"),
                         reply_markup=cancel_markup(Flow.NEW_COMMISSION))


async def got_order_date(message: Message, state: FSMContext) -> None:
    when = parse_day(message.text or "")
    if when is None:
        raise Refusal(_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026."))
    await state.update_data(order_date=when.isoformat())
    await state.set_state(NewCommission.language)
    await message.answer(_("Language of the commission's documents:"), reply_markup=views.language_keyboard())


async def pick_language(callback: CallbackQuery, callback_data: DocumentsLanguageCallback, state: FSMContext,
                        bot: Bot, session: AsyncSession, settings: Settings, rule_book: RuleBook, i18n: I18n) -> None:
    if callback_data.code not in LANGUAGE_NAMES:
        raise StaleButton()
    data = await state.get_data()
    await state.clear()
    svc = service(session, settings, rule_book)
    c = await svc.create(
        level=CommissionLevel(data["level"]), name=data["name"], region=data.get("region"),
        area_code=data.get("area_code"), organisation=data.get("organisation"), order_number=data["order_number"],
        order_date=date.fromisoformat(data["order_date"]), locale=callback_data.code, by=callback.from_user.id,
    )
    await bot.send_message(callback.from_user.id, _("The commission is created."))
    # Applications that were waiting for a commission of this level and area reach it now.
    await route_and_notify(bot, session, i18n, settings, rule_book)
    await send_card(bot, callback.from_user.id, svc, c, is_admin=True)


# --- the area a commission serves: the same list teachers choose from (scoring.areas) ------------


async def area_region(state: FSMContext, svc: CommissionService) -> str | None:
    """The region whose areas are being chosen from: the new commission's, or the existing one's."""
    data = await state.get_data()
    if await state.get_state() == CommissionArea.area.state:
        c = await svc.get(int(data.get("commission", 0)))
        return c.region if c else None
    return data.get("region")


async def got_area_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                        rule_book: RuleBook) -> None:
    region = await area_region(state, service(session, settings, rule_book))
    text = typed_text(message, 2, max_length(Commission.legacy_area))
    candidates = catalogue().match(text, region).candidates
    shown, markup = views.area_candidates(candidates) if candidates else views.area_not_found(region)
    await message.answer(shown, reply_markup=markup)


async def area_page(callback: CallbackQuery, callback_data: CommissionAreaCallback, state: FSMContext, bot: Bot,
                    session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    assert callback.message is not None
    await bot.edit_message_reply_markup(chat_id=callback.from_user.id, message_id=callback.message.message_id,
                                        reply_markup=views.area_list(await area_region(state, service(
                                            session, settings, rule_book)), callback_data.page))


async def pick_new_area(callback: CallbackQuery, callback_data: CommissionAreaCallback, state: FSMContext,
                        bot: Bot) -> None:
    area = CommissionService.area_of_region((await state.get_data()).get("region"), callback_data.code)
    assert isinstance(callback.message, Message)
    await bot.edit_message_text(views.area_chosen_text(area), chat_id=callback.from_user.id,
                                message_id=callback.message.message_id)
    await state.update_data(area_code=area.code)
    if (await state.get_data())["level"] != CommissionLevel.ORGANISATION.value:
        await ask_order_number(callback.message, state)
        return
    await state.set_state(NewCommission.organisation)
    await callback.message.answer(_("Name of the organisation (as teachers write it in their profiles):"),
                                  reply_markup=cancel_markup(Flow.NEW_COMMISSION))


async def pick_commission_area(callback: CallbackQuery, callback_data: CommissionAreaCallback, state: FSMContext,
                               bot: Bot, session: AsyncSession, settings: Settings, rule_book: RuleBook,
                                   i18n: I18n) -> None:
    svc = service(session, settings, rule_book)
    c, area = await svc.give_area(int((await state.get_data()).get("commission", 0)), callback_data.code)
    await state.clear()
    assert callback.message is not None
    await bot.edit_message_text(views.area_chosen_text(area), chat_id=callback.from_user.id,
                                message_id=callback.message.message_id)
    await route_and_notify(bot, session, i18n, settings, rule_book)
    await send_card(bot, callback.from_user.id, svc, c, is_admin=True)


async def choose_area_of(callback: CallbackQuery, callback_data: CommissionCallback, state: FSMContext, bot: Bot,
                         session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    """The admin gives an existing district or organisation commission its area from the list."""
    c = await service(session, settings, rule_book).without_area(callback_data.commission)
    await state.clear()
    await state.set_state(CommissionArea.area)
    await state.update_data(commission=c.id)
    await bot.send_message(callback.from_user.id, views.area_question(c), reply_markup=views.area_list(c.region))


# --- the card, invites, the chair, members ----------------------------------------------------


async def commissions_command(message: Message, bot: Bot, session: AsyncSession, settings: Settings,
                              rule_book: RuleBook,
                              is_admin: bool) -> None:
    assert message.from_user is not None
    cards = await visible_cards(service(session, settings, rule_book), message.from_user.id, is_admin)
    if not cards:
        await message.answer(views.no_commissions_text(is_admin))
    for card in cards:
        await bot.send_message(message.chat.id, views.card_text(card), reply_markup=views.card_keyboard(card))


async def make_invite(callback: CallbackQuery, callback_data: CommissionCallback, bot: Bot, session: AsyncSession,
                      settings: Settings, rule_book: RuleBook) -> None:
    kind = InviteKind.MEMBER if callback_data.act is CommissionAct.INVITE_MEMBER else InviteKind.SECRETARY
    c, code = await service(session, settings, rule_book).invite(callback_data.commission, kind, callback.from_user.id)
    link = f"https://t.me/{(await bot.me()).username}?start={code}"
    await bot.send_message(callback.from_user.id, views.invite_text(c, kind, link, invite_days()))


async def chair_menu(callback: CallbackQuery, callback_data: CommissionCallback, bot: Bot, session: AsyncSession,
                     settings: Settings, rule_book: RuleBook) -> None:
    """Members' list to vote for (a member) or to record (an admin)."""
    recording = callback_data.act is CommissionAct.RECORD_CHAIR
    c, members = await service(session, settings, rule_book).chair_ballot(callback_data.commission,
                                                                          callback.from_user.id,
                                                              recording)
    act = MemberAct.RECORD_CHAIR if recording else MemberAct.VOTE_CHAIR
    await bot.send_message(callback.from_user.id, _("Who is the chair?"),
                           reply_markup=views.members_keyboard(c, members, act))


async def chair_choice(callback: CallbackQuery, callback_data: MemberCallback, session: AsyncSession,
                       settings: Settings, rule_book: RuleBook, callback_answer: CallbackAnswer) -> None:
    result = await service(session, settings, rule_book).choose_chair(callback_data.commission, callback.from_user.id,
                                                           callback_data.user,
                                                           recording=callback_data.act is MemberAct.RECORD_CHAIR)
    callback_answer.text, callback_answer.show_alert = render(result), True


async def removal_list(callback: CallbackQuery, callback_data: CommissionCallback, bot: Bot, session: AsyncSession,
                       settings: Settings, rule_book: RuleBook) -> None:
    c, members = await service(session, settings, rule_book).removable_members(callback_data.commission)
    await bot.send_message(callback.from_user.id, _("Whom to remove from «{name}»?").format(name=c.name),
                           reply_markup=views.members_keyboard(c, members, MemberAct.ASK_REMOVAL, cancel=True))


async def ask_removal(callback: CallbackQuery, callback_data: MemberCallback, bot: Bot, session: AsyncSession,
                      settings: Settings, rule_book: RuleBook) -> None:
    c, member = await service(session, settings, rule_book).member_to_remove(callback_data.commission,
                                                                             callback_data.user)
    text, markup = views.removal_question(c, member)
    await bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def remove_member(callback: CallbackQuery, callback_data: MemberCallback, bot: Bot, session: AsyncSession,
                        settings: Settings, rule_book: RuleBook, i18n: I18n, callback_answer: CallbackAnswer) -> None:
    """The member is taken off and told in their language; the admin sees the card as it is now."""
    svc = service(session, settings, rule_book)
    c, result = await svc.remove(callback_data.commission, callback_data.user)
    callback_answer.text, callback_answer.show_alert = render(result), True
    locale = await locale_of(session, callback_data.user, settings.default_locale)
    await reach(bot, callback_data.user, views.removal_notice(partial(i18n.gettext, locale=locale), c))
    await send_card(bot, callback.from_user.id, svc, c, is_admin=True)


# --- joining through an invite ---------------------------------------------------------------


async def join_start(message: Message, command: CommandObject, state: FSMContext, bot: Bot, session: AsyncSession,
                     settings: Settings, rule_book: RuleBook) -> None:
    assert message.from_user is not None
    code = command.args or ""
    invite, c = await service(session, settings, rule_book).usable_invite(code, message.from_user.id)
    kind = InviteKind(invite.kind)
    await state.set_state(Join.role)
    await state.set_data({"code": code})
    if kind is InviteKind.SECRETARY:
        await message.answer(views.invited_text(c, kind))
        await ask_name_or_join(bot, message.from_user.id, state, session, settings, rule_book)
        return
    await message.answer(views.invited_text(c, kind), reply_markup=views.roles_keyboard())


async def join_role(callback: CallbackQuery, callback_data: InviteRoleCallback, state: FSMContext, bot: Bot,
                    session: AsyncSession, settings: Settings, rule_book: RuleBook) -> None:
    await state.update_data(role=callback_data.role.value)
    await ask_name_or_join(bot, callback.from_user.id, state, session, settings, rule_book)


async def ask_name_or_join(bot: Bot, user_id: int, state: FSMContext, session: AsyncSession,
                           settings: Settings, rule_book: RuleBook) -> None:
    profile = await service(session, settings, rule_book).profile(user_id)
    if profile is not None and profile.full_name:
        await finish_join(bot, user_id, profile.full_name, state, session, settings, rule_book)
        return
    await state.set_state(Join.name)
    await bot.send_message(user_id, _("Your full name as it will appear in the protocol:"))


async def join_name(message: Message, state: FSMContext, bot: Bot, session: AsyncSession, settings: Settings,
                    rule_book: RuleBook) -> None:
    assert message.from_user is not None
    name = " ".join((message.text or "").split())
    longest = min(max_length(CommissionMember.full_name), max_length(Commission.secretary_name))
    if not 3 <= len(name) <= longest:
        raise Refusal(_("Send your full name as text, {min} to {max} characters.").format(min=3, max=longest))
    await finish_join(bot, message.from_user.id, name, state, session, settings, rule_book)


async def finish_join(bot: Bot, user_id: int, name: str, state: FSMContext, session: AsyncSession,
                      settings: Settings, rule_book: RuleBook) -> None:
    """Use the invite; what came of it is a message in the chat (also when it is pressed from a button)."""
    data = await state.get_data()
    await state.clear()
    role = MemberRole(data["role"]) if data.get("role") else None
    svc = service(session, settings, rule_book)
    result = await svc.join(data.get("code", ""), user_id, name, role)
    if not isinstance(result, tuple):
        await bot.send_message(user_id, render(result) if not isinstance(result, list) else views.objections_text(
            result))
        return
    c, kind = result
    await bot.send_message(user_id, views.joined_text(c, kind))
    await send_card(bot, user_id, svc, c, is_admin=False)


async def buttons_wanted(message: Message, state: FSMContext) -> None:
    """Typed text (or a file) where a creation or joining step wants one of its buttons."""
    steps = {
        NewCommission.level.state: (_("Level of the commission (§13):"), views.level_keyboard),
        NewCommission.region.state: (_("Region it serves:"), views.region_keyboard),
        NewCommission.language.state: (_("Language of the commission's documents:"), views.language_keyboard),
        Join.role.state: (_("What is your role in the commission?"), views.roles_keyboard),
    }
    prompt, markup = steps[await state.get_state()]
    await ask_again(message, prompt, markup())


def register_creation(router: Router) -> None:
    admin = IsAdmin()
    router.message.register(commission_new, Command("commission_new"), admin)
    router.message.register(refusing(Phrase(N_("Only administrators create commissions."))), Command("commission_new"))
    # Text steps take anything but a command (a photo gets the step's refusal; /help still runs).
    router.message.register(got_name, StateFilter(NewCommission.name), NOT_A_COMMAND)
    router.message.register(got_area_text, StateFilter(NewCommission.area, CommissionArea.area), NOT_A_COMMAND)
    router.message.register(got_organisation, StateFilter(NewCommission.organisation), NOT_A_COMMAND)
    router.message.register(got_order_number, StateFilter(NewCommission.order_number), NOT_A_COMMAND)
    router.message.register(got_order_date, StateFilter(NewCommission.order_date), NOT_A_COMMAND)
    router.message.register(buttons_wanted, StateFilter(NewCommission.level, NewCommission.region,
                                                        NewCommission.language, Join.role), NOT_A_COMMAND)
    router.callback_query.register(pick_level, LevelCallback.filter(), StateFilter(NewCommission.level), admin)
    router.callback_query.register(pick_region, RegionCallback.filter(), StateFilter(NewCommission.region), admin)
    router.callback_query.register(pick_language, DocumentsLanguageCallback.filter(),
                                   StateFilter(NewCommission.language), admin)
    areas = StateFilter(NewCommission.area, CommissionArea.area)
    router.callback_query.register(area_page, CommissionAreaCallback.filter(F.act == AreaAct.PAGE), areas, admin)
    router.callback_query.register(pick_new_area, CommissionAreaCallback.filter(F.act == AreaAct.PICK),
                                   StateFilter(NewCommission.area), admin)
    router.callback_query.register(pick_commission_area, CommissionAreaCallback.filter(F.act == AreaAct.PICK),
                                   StateFilter(CommissionArea.area), admin)
    router.callback_query.register(choose_area_of, CommissionCallback.filter(F.act == CommissionAct.SET_AREA), admin)


def register_members(router: Router) -> None:
    admin, on = IsAdmin(), CommissionCallback.filter
    router.callback_query.register(make_invite, on(F.act.in_({CommissionAct.INVITE_MEMBER,
                                                              CommissionAct.INVITE_SECRETARY})), admin)
    router.callback_query.register(refusing(Phrase(N_("Only administrators invite to a commission."))),
                                   on(F.act.in_({CommissionAct.INVITE_MEMBER, CommissionAct.INVITE_SECRETARY})))
    router.callback_query.register(chair_menu, on(F.act == CommissionAct.RECORD_CHAIR), admin)
    router.callback_query.register(chair_menu, on(F.act == CommissionAct.ELECT_CHAIR))
    router.callback_query.register(refusing(Phrase(N_("Only members of this commission elect its chair."))),
                                   on(F.act == CommissionAct.RECORD_CHAIR))
    router.callback_query.register(chair_choice, MemberCallback.filter(F.act == MemberAct.VOTE_CHAIR))
    router.callback_query.register(chair_choice, MemberCallback.filter(F.act == MemberAct.RECORD_CHAIR), admin)
    router.callback_query.register(refusing(Phrase(N_("Only administrators record the chair."))),
                                   MemberCallback.filter(F.act == MemberAct.RECORD_CHAIR))
    router.callback_query.register(removal_list, on(F.act == CommissionAct.REMOVE_MEMBER), admin)
    router.callback_query.register(ask_removal, MemberCallback.filter(F.act == MemberAct.ASK_REMOVAL), admin)
    router.callback_query.register(remove_member, MemberCallback.filter(F.act == MemberAct.REMOVE), admin)
    router.callback_query.register(refusing(Phrase(N_("Only administrators change the members of a commission."))),
                                   on(F.act == CommissionAct.REMOVE_MEMBER))
    router.callback_query.register(refusing(Phrase(N_("Only administrators change the members of a commission."))),
                                   MemberCallback.filter(F.act.in_({MemberAct.ASK_REMOVAL, MemberAct.REMOVE})))
    router.message.register(join_start, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX)))
    router.message.register(join_name, StateFilter(Join.name), NOT_A_COMMAND)
    router.callback_query.register(join_role, InviteRoleCallback.filter(), StateFilter(Join.role))


def create_router() -> Router:
    router = Router(name="commission")
    register_members(router)
    register_creation(router)
    router.message.register(commissions_command, Command("commissions"))
    router.include_router(agenda.create_router())
    router.include_router(cancel.create_router())
    router.include_router(commission_session.create_router())
    router.include_router(commission_points.create_router())
    return router
