"""Commissions: creation (admin), invites, members' roles, validity, chair, the secretary's review.

Sessions and voting are in features/commission/session/handlers.py; `create_router` includes both. The
router goes before onboarding's, so `/start inv…` reaches `join_start` and every other /start
reaches onboarding.
"""

from __future__ import annotations

import contextlib
from datetime import date

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import area_views
from bot.callbacks import user_id_in
from bot.i18n import in_reading_order, render
from bot.keyboards import LANGUAGE_NAMES, grid
from bot.messaging import locale_of, notify, reach
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, max_length
from bot.views import answer_stale
from features.commission.agenda.card import card, file_caption, submitted_files
from features.commission.callbacks import CmCallback, InviteRoleCallback
from features.commission.composition.service import INVITE_PREFIX, CommissionService
from features.commission.points import handlers as commission_points
from features.commission.routing import route_and_notify
from features.commission.session import handlers as commission_session
from features.commission.session.handlers import (
    ChangeDate,
    NewSession,
    OrderForm,
    ReasonForm,
    cancel_button,
    cancel_markup,
    parse_date,
    strip_buttons,
)
from features.commission.session.service import SessionService
from scoring.areas import area_name, catalogue
from scoring.categories import CommissionLevel
from scoring.commission import MemberRole, RefusalGround, invite_days
from scoring.config import default_rules
from scoring.i18n import N_, Phrase
from scoring.regions import REGIONS, region_by_id
from storage.commission_models import Commission, CommissionMember, InviteKind

# The documents a refusal names go into the teacher's notice (App 7), which must fit one message.
REFUSAL_DOCUMENTS_MAX = 2000


class NewCommission(StatesGroup):
    level = State()
    name = State()
    region = State()
    area = State()
    organisation = State()
    order_number = State()
    order_date = State()
    language = State()


class CommissionArea(StatesGroup):
    """The admin chooses the area of an existing commission (one whose typed area matched no list entry)."""

    area = State()


class Join(StatesGroup):
    role = State()
    name = State()


class Refuse(StatesGroup):
    grounds = State()
    documents = State()


def service(session: AsyncSession, settings: Settings) -> CommissionService:
    return CommissionService(session, default_rules(), settings.timezone)


def button(text: str, act: str, ref: int = 0, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CmCallback(act=act, ref=ref, arg=arg).pack())


# --- the admin creates a commission ----------------------------------------------------------


async def commission_new(message: Message, state: FSMContext, is_admin: bool) -> None:
    if not is_admin:
        await message.answer(_("Only administrators create commissions."))
        return
    await state.set_state(NewCommission.level)
    await message.answer(_("Level of the commission (§13):"), reply_markup=level_keyboard())


def level_keyboard() -> InlineKeyboardMarkup:
    return grid([button(_(level.label), "lvl", arg=level.value) for level in CommissionLevel]
                + [cancel_button("new")])


def region_keyboard() -> InlineKeyboardMarkup:
    """The regions in the reader's alphabet."""
    return grid([button(_(label), "reg", arg=region_id)
                 for region_id, label in in_reading_order((r.id, r.label) for r in REGIONS)]
                + [cancel_button("new")], 2)


def language_keyboard() -> InlineKeyboardMarkup:
    return grid([button(name, "lang", arg=code) for code, name in LANGUAGE_NAMES.items()] + [cancel_button("new")])


def roles_keyboard() -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=_(r.label), callback_data=InviteRoleCallback(role=r.value).pack())
                 for r in MemberRole])


async def pick_level(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, is_admin: bool) -> None:
    if not is_admin or await state.get_state() != NewCommission.level.state:
        await answer_stale(callback)
        return
    try:
        level = CommissionLevel(callback_data.arg)
    except ValueError:
        await answer_stale(callback)
        return
    await callback.answer()
    await state.update_data(level=level.value)
    await state.set_state(NewCommission.name)
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("Full name of the commission (as in the order):"),
                                    reply_markup=cancel_markup("new"))


async def text_between(message: Message, low: int, high: int) -> str | None:
    """The typed text when its length fits, else None after telling the person what is expected."""
    text = (message.text or "").strip()
    if low <= len(text) <= high:
        return text
    await message.answer(_("Please send it as text, {min} to {max} characters (this was {n}).").format(
        min=low, max=high, n=len(text)))
    return None


async def got_name(message: Message, state: FSMContext) -> None:
    name = await text_between(message, 3, max_length(Commission.name))
    if name is None:
        return
    await state.update_data(name=name)
    data = await state.get_data()
    if data["level"] == CommissionLevel.MINISTRY.value:
        await ask_order_number(message, state)
        return
    await state.set_state(NewCommission.region)
    await message.answer(_("Region it serves:"), reply_markup=region_keyboard())


async def pick_region(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, is_admin: bool) -> None:
    if not is_admin or await state.get_state() != NewCommission.region.state or not region_by_id(callback_data.arg):
        await answer_stale(callback)
        return
    await callback.answer()
    await state.update_data(region=callback_data.arg)
    data = await state.get_data()
    assert callback.message is not None and isinstance(callback.message, Message)
    if data["level"] == CommissionLevel.REGION.value:
        await ask_order_number(callback.message, state)
        return
    await state.set_state(NewCommission.area)
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("District or city it serves: choose it below, or type "
                                                             "its name."),
                                    reply_markup=area_list(callback_data.arg))


# --- the area a commission serves: the same list teachers choose from (scoring.areas) ------------


def pack_area(action: str, code: str, page: int) -> str:
    return CmCallback(act="a" + action, ref=page, arg=code).pack()


def area_list(region: str | None, page: int = 0) -> InlineKeyboardMarkup:
    locale = get_i18n().current_locale
    return area_views.area_list_keyboard(catalogue().for_choice(region, locale), locale, page, pack_area)


async def _area_region(state: FSMContext, svc: CommissionService) -> tuple[str | None, Commission | None]:
    """The region whose areas are being chosen from, and the commission when it already exists."""
    data = await state.get_data()
    if await state.get_state() == CommissionArea.area.state:
        c = await svc.get(int(data.get("commission", 0)))
        return (c.region if c else None), c
    return data.get("region"), None


async def got_area_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    region, _c = await _area_region(state, service(session, settings))
    text = await text_between(message, 2, max_length(Commission.legacy_area))
    if text is None:
        return
    candidates = catalogue().match(text, region).candidates
    if not candidates:
        found = region_by_id(region) if region else None
        await message.answer(area_views.not_found_text(_(found.label) if found else "—"),
                             reply_markup=area_list(region))
        return
    await message.answer(area_views.candidates_text(len(candidates)), reply_markup=area_views.candidates_keyboard(
        candidates, get_i18n().current_locale, pack_area))


async def area_button(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, is_admin: bool,
                      session: AsyncSession, settings: Settings, i18n: I18n) -> None:
    current = await state.get_state()
    if not is_admin or current not in (NewCommission.area.state, CommissionArea.area.state):
        await answer_stale(callback)
        return
    assert callback.bot is not None and isinstance(callback.message, Message)
    svc = service(session, settings)
    region, existing = await _area_region(state, svc)
    if callback_data.act == "a" + area_views.PAGE:
        await callback.answer()
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id,
                                                     reply_markup=area_list(region, callback_data.ref))
        return
    area = catalogue().get(callback_data.arg)
    if area is None or area.region != region:
        await callback.answer(_("This option is not available."), show_alert=True)
        return
    await callback.answer()
    await callback.bot.edit_message_text(_("District or city it serves: {area}").format(
        area=area.name(get_i18n().current_locale)), chat_id=callback.from_user.id,
        message_id=callback.message.message_id)
    if existing is not None:
        await state.clear()
        await svc.set_area(existing, area.code)
        await route_and_notify(callback.bot, session, i18n, settings)
        await send_card(callback.bot, callback.from_user.id, session, settings, existing, is_admin=True)
        return
    await state.update_data(area_code=area.code)
    if (await state.get_data())["level"] == CommissionLevel.ORGANISATION.value:
        await state.set_state(NewCommission.organisation)
        await callback.message.answer(_("Name of the organisation (as teachers write it in their profiles):"),
                                      reply_markup=cancel_markup("new"))
        return
    await ask_order_number(callback.message, state)


async def choose_area_of(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, is_admin: bool,
                         session: AsyncSession, settings: Settings) -> None:
    """The admin gives an existing district or organisation commission its area from the list."""
    c = await service(session, settings).get(callback_data.ref)
    if not is_admin or c is None or c.level not in (CommissionLevel.DISTRICT.value,
                                                    CommissionLevel.ORGANISATION.value):
        await answer_stale(callback)
        return
    await callback.answer()
    await state.clear()
    await state.set_state(CommissionArea.area)
    await state.update_data(commission=c.id)
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("District or city that «{name}» serves: choose it "
                                                             "below, or type its name.").format(name=c.name),
                                    reply_markup=area_list(c.region))


async def got_organisation(message: Message, state: FSMContext) -> None:
    organisation = await text_between(message, 2, max_length(Commission.organisation))
    if organisation is None:
        return
    await state.update_data(organisation=organisation)
    await ask_order_number(message, state)


async def ask_order_number(message: Message, state: FSMContext) -> None:
    await state.set_state(NewCommission.order_number)
    assert message.bot is not None
    await message.bot.send_message(message.chat.id, _("Number of the order that approved the commission:"),
                                   reply_markup=cancel_markup("new"))


async def got_order_number(message: Message, state: FSMContext) -> None:
    number = await text_between(message, 1, max_length(Commission.order_number))
    if number is None:
        return
    await state.update_data(order_number=number)
    await state.set_state(NewCommission.order_date)
    await message.answer(_("Date of the order, DD.MM.YYYY (the term is one year from it, §16):"),
                         reply_markup=cancel_markup("new"))


async def got_order_date(message: Message, state: FSMContext) -> None:
    when = parse_date(message.text or "")
    if when is None:
        await message.answer(_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026."))
        return
    await state.update_data(order_date=when.isoformat())
    await state.set_state(NewCommission.language)
    await message.answer(_("Language of the commission's documents:"), reply_markup=language_keyboard())


async def pick_language(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, is_admin: bool,
                        session: AsyncSession, settings: Settings, i18n: I18n) -> None:
    if (not is_admin or await state.get_state() != NewCommission.language.state
            or callback_data.arg not in LANGUAGE_NAMES):
        await answer_stale(callback)
        return
    await callback.answer()
    data = await state.get_data()
    await state.clear()
    c = await service(session, settings).create(
        level=CommissionLevel(data["level"]), name=data["name"], region=data.get("region"),
        area_code=data.get("area_code"), organisation=data.get("organisation"), order_number=data["order_number"],
        order_date=date.fromisoformat(data["order_date"]), locale=callback_data.arg, by=callback.from_user.id,
    )
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("The commission is created."))
    # Applications that were waiting for a commission of this level and area reach it now.
    await route_and_notify(callback.bot, session, i18n, settings)
    await send_card(callback.bot, callback.from_user.id, session, settings, c, is_admin=True)


# --- commission card, validity, invites, chair ------------------------------------------------


def served_lines(c: Commission) -> list[str]:
    """Where it serves: region, district or city (from the list), organisation; or what is missing."""
    region = region_by_id(c.region) if c.region else None
    parts = [_(region.label)] if region else []
    if c.level in (CommissionLevel.DISTRICT.value, CommissionLevel.ORGANISATION.value):
        name = area_name(c.area_code, get_i18n().current_locale)
        if name is None:
            return [_("⚠️ Its district or city is not chosen from the list (it was typed as «{typed}»): no application "
                      "can reach it until an administrator chooses it.").format(typed=c.legacy_area or "—")]
        parts.append(name)
    if c.organisation:
        parts.append(c.organisation)
    return [_("Serves: {area}").format(area=", ".join(parts))] if parts else []


async def card_text(svc: CommissionService, c: Commission) -> str:
    members = await svc.repo.members(c.id)
    problems = await svc.missing(c)
    lines = [
        _("Commission No. {id}: {name}").format(id=c.id, name=c.name),
        _("Level: {level}").format(level=_(CommissionLevel(c.level).label)),
        *served_lines(c),
        _("Order No. {number} of {date}; term until {end}").format(
            number=c.order_number, date=c.order_date.strftime("%d.%m.%Y"), end=c.term_end.strftime("%d.%m.%Y")),
        _("Secretary: {name}").format(name=c.secretary_name or "—"),
        _("Members ({count}):").format(count=len(members)),
        *[f"{i}. {m.full_name} — {_(MemberRole(m.role).label)}" + (" — " + _("chair") if m.is_chair else "")
          for i, m in enumerate(members, start=1)],
        "",
    ]
    if problems:
        lines.append(_("Not valid yet. Missing:"))
        lines += ["• " + render(p) for p in problems]
    else:
        lines.append(_("The commission is valid and can hold sessions."))
    return "\n".join(lines)


async def send_card(bot: Bot, chat_id: int, session: AsyncSession, settings: Settings, c: Commission,
                    is_admin: bool) -> None:
    svc = service(session, settings)
    buttons = []
    if is_admin:
        buttons += [button(_("➕ Invite a member"), "invm", c.id), button(_("➕ Invite the secretary"), "invs", c.id),
                    button(_("Record the chair"), "rchair", c.id), button(_("➖ Remove a member"), "rmm", c.id)]
        buttons += await order_buttons(session, svc, c)
        if c.level in (CommissionLevel.DISTRICT.value, CommissionLevel.ORGANISATION.value):
            buttons.append(button(_("📍 District or city it serves"), "setarea", c.id))
    member = await svc.repo.member(c.id, chat_id)
    if member is not None and await svc.repo.chair(c.id) is None:
        buttons.append(button(_("🗳 Elect the chair"), "chairv", c.id))
    await bot.send_message(chat_id, await card_text(svc, c), reply_markup=grid(buttons) if buttons else None)


async def order_buttons(session: AsyncSession, svc: CommissionService, c: Commission) -> list[InlineKeyboardButton]:
    """Closed sessions whose certificates wait for the order assigning the categories (secretary, admins)."""
    return [button(_("📜 Order for session No. {number} of {date}").format(
        number=s.number, date=s.session_date.strftime("%d.%m.%Y")), "order", s.id)
        for s in await SessionService(session, svc).awaiting_order(c)]


async def commissions_command(message: Message, session: AsyncSession, settings: Settings, is_admin: bool) -> None:
    assert message.from_user is not None and message.bot is not None
    visible = await service(session, settings).visible_to(message.from_user.id, is_admin)
    if not visible:
        await message.answer(_("You are not in any commission.") if not is_admin else _(
            "There are no commissions yet. Create one with /commission_new."))
        return
    for c in visible:
        await send_card(message.bot, message.chat.id, session, settings, c, is_admin)


async def make_invite(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession, settings: Settings,
                      is_admin: bool) -> None:
    svc = service(session, settings)
    c = await svc.get(callback_data.ref)
    if not is_admin or c is None:
        await callback.answer(_("Only administrators invite to a commission."), show_alert=True)
        return
    kind = InviteKind.MEMBER if callback_data.act == "invm" else InviteKind.SECRETARY
    code = await svc.new_invite(c, kind, callback.from_user.id)
    assert callback.bot is not None
    me = await callback.bot.me()
    link = f"https://t.me/{me.username}?start={code}"
    await callback.answer()
    text = (_("One-time link for a member of «{name}» (valid {days} days, works once):\n{link}") if kind is
            InviteKind.MEMBER else _("One-time link for the secretary of «{name}» (valid {days} days, works once):"
                                     "\n{link}"))
    await callback.bot.send_message(callback.from_user.id, text.format(name=c.name, days=invite_days(), link=link))


async def chair_menu(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession,
                     settings: Settings, is_admin: bool) -> None:
    """Members' list to vote for (act chairv, a member) or to record (act rchair, an admin)."""
    svc = service(session, settings)
    c = await svc.get(callback_data.ref)
    allowed = c is not None and (
        (callback_data.act == "rchair" and is_admin)
        or (callback_data.act == "chairv" and await svc.repo.member(c.id, callback.from_user.id) is not None))
    if not allowed or c is None:
        await callback.answer(_("Only members of this commission elect its chair."), show_alert=True)
        return
    members = await svc.repo.members(c.id)
    if not members:
        await callback.answer(_("The commission has no members yet."), show_alert=True)
        return
    act = "setchair" if callback_data.act == "rchair" else "chair"
    await callback.answer()
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("Who is the chair?"), reply_markup=grid(
        [button(m.full_name, act, c.id, str(m.user_id)) for m in members]))


async def chair_choice(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession,
                       settings: Settings, is_admin: bool) -> None:
    svc = service(session, settings)
    c = await svc.get(callback_data.ref)
    candidate = user_id_in(callback_data.arg)
    if c is None or candidate is None:
        await answer_stale(callback)
        return
    if callback_data.act == "setchair":
        if not is_admin:
            await callback.answer(_("Only administrators record the chair."), show_alert=True)
            return
        result = await svc.record_chair(c, candidate)
    else:
        result = await svc.vote_chair(c, callback.from_user.id, candidate)
    await callback.answer(render(result), show_alert=True)


# --- removing a member (admins) ----------------------------------------------------------------


async def remove_member(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession,
                        settings: Settings, i18n: I18n, is_admin: bool) -> None:
    """rmm: whom to remove; rmmask: are you sure; rmmok: done, and the person is told in their language."""
    svc = service(session, settings)
    c = await svc.get(callback_data.ref)
    if not is_admin:
        await callback.answer(_("Only administrators change the members of a commission."), show_alert=True)
        return
    user_id = user_id_in(callback_data.arg)
    if c is None or (callback_data.act != "rmm" and user_id is None):
        await answer_stale(callback)
        return
    assert callback.bot is not None
    if callback_data.act == "rmm":
        members = await svc.repo.members(c.id)
        if not members:
            await callback.answer(_("The commission has no members yet."), show_alert=True)
            return
        await callback.answer()
        await callback.bot.send_message(callback.from_user.id, _("Whom to remove from «{name}»?").format(name=c.name),
                                        reply_markup=grid([button(m.full_name, "rmmask", c.id, str(m.user_id))
                                                           for m in members] + [cancel_button("rmm", c.id)]))
        return
    assert user_id is not None
    member = await svc.repo.member(c.id, user_id)
    if member is None:
        await callback.answer(_("This person is not a member of the commission."), show_alert=True)
        return
    if callback_data.act == "rmmask":
        await callback.answer()
        await callback.bot.send_message(
            callback.from_user.id, _("Remove {member} from «{name}»?").format(member=member.full_name, name=c.name),
            reply_markup=grid([button(_("Yes, remove"), "rmmok", c.id, str(user_id)), cancel_button("rmm", c.id)]))
        return
    removed, result = await svc.remove_member(c, user_id)
    await callback.answer(render(result), show_alert=True)
    if removed:
        await notify(callback.bot, session, i18n, settings, user_id, REMOVED, name=c.name)
        await send_card(callback.bot, callback.from_user.id, session, settings, c, is_admin)


REMOVED = N_("You are no longer a member of the attestation commission «{name}».")


# --- joining through an invite ---------------------------------------------------------------


async def join_start(message: Message, command: CommandObject, state: FSMContext, session: AsyncSession,
                     settings: Settings) -> None:
    assert message.from_user is not None
    code = command.args or ""
    checked = await service(session, settings).check_invite(code, message.from_user.id)
    if isinstance(checked, Phrase):
        await message.answer(render(checked))
        return
    invite, c = checked
    await state.set_state(Join.role)
    await state.set_data({"code": code})
    if invite.kind == InviteKind.SECRETARY.value:
        await message.answer(_("You are invited as the secretary of «{name}». The secretary prepares the materials "
                               "and the protocol and does not vote (§17).").format(name=c.name))
        await ask_name_or_join(message.bot, message.from_user.id, state, session, settings)
        return
    await message.answer(_("You are invited to be a member of «{name}». What is your role in the commission?")
                         .format(name=c.name), reply_markup=roles_keyboard())


async def join_role(callback: CallbackQuery, callback_data: InviteRoleCallback, state: FSMContext,
                    session: AsyncSession, settings: Settings) -> None:
    if await state.get_state() != Join.role.state:
        await answer_stale(callback)
        return
    try:
        role = MemberRole(callback_data.role)
    except ValueError:
        await answer_stale(callback)
        return
    await callback.answer()
    await state.update_data(role=role.value)
    await ask_name_or_join(callback.bot, callback.from_user.id, state, session, settings)


async def ask_name_or_join(bot: Bot | None, user_id: int, state: FSMContext, session: AsyncSession,
                           settings: Settings) -> None:
    assert bot is not None
    profile = await service(session, settings).profile(user_id)
    if profile is not None and profile.full_name:
        await finish_join(bot, user_id, profile.full_name, state, session, settings)
        return
    await state.set_state(Join.name)
    await bot.send_message(user_id, _("Your full name as it will appear in the protocol:"))


async def join_name(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    assert message.from_user is not None and message.bot is not None
    name = " ".join((message.text or "").split())
    longest = min(max_length(CommissionMember.full_name), max_length(Commission.secretary_name))
    if not 3 <= len(name) <= longest:
        await message.answer(_("Send your full name as text, {min} to {max} characters.").format(min=3, max=longest))
        return
    await finish_join(message.bot, message.from_user.id, name, state, session, settings)


async def finish_join(bot: Bot, user_id: int, name: str, state: FSMContext, session: AsyncSession,
                      settings: Settings) -> None:
    data = await state.get_data()
    await state.clear()
    role = MemberRole(data["role"]) if data.get("role") else None
    svc = service(session, settings)
    result = await svc.join(data.get("code", ""), user_id, name, role)
    if isinstance(result, Phrase):
        await bot.send_message(user_id, render(result))
        return
    if isinstance(result, list):
        await bot.send_message(user_id, _("You cannot be a member of this commission:") + "\n"
                               + "\n".join("• " + render(m) for m in result))
        return
    c, kind = result
    if kind is InviteKind.SECRETARY:
        await bot.send_message(user_id, _("You are the secretary of «{name}». /agenda shows the applications to "
                                          "review; /commissions shows the commission.").format(name=c.name))
    else:
        await bot.send_message(user_id, _("You are a member of «{name}». /commissions shows the commission and "
                                          "what it still needs.").format(name=c.name))
    await send_card(bot, user_id, session, settings, c, is_admin=False)


# --- the secretary reviews applications ----------------------------------------------------------


async def agenda_command(message: Message, session: AsyncSession, settings: Settings, i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    await route_and_notify(message.bot, session, i18n, settings)
    svc = service(session, settings)
    mine = await svc.repo.for_secretary(message.from_user.id)
    if not mine:
        await message.answer(_("/agenda is for commission secretaries; you are not one."))
        return
    for c in mine:
        pending, accepted = await svc.pending(c), await svc.accepted(c)
        buttons = []
        for review in pending:
            profile = await svc.profile(review.user_id)
            buttons.append(button(_("📄 {name}").format(name=(profile.full_name if profile else None) or "—"),
                                  "card", review.application_id))
        if accepted:
            buttons.append(button(_("🗓 New session ({count} accepted)").format(count=len(accepted)), "snew", c.id))
        buttons += [button(_("Session: {date}").format(date=s.session_date.strftime("%d.%m.%Y")), "spanel", s.id)
                    for s in await svc.repo.sessions(c.id) if s.status != "closed"]
        buttons += await order_buttons(session, svc, c)
        text = _("«{name}»: {pending} to review, {accepted} accepted for a session.").format(
            name=c.name, pending=len(pending), accepted=len(accepted))
        await message.answer(text, reply_markup=grid(buttons) if buttons else None)


async def open_card(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession,
                    settings: Settings) -> None:
    svc = service(session, settings)
    found = await svc.review_for_secretary(callback.from_user.id, callback_data.ref)
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    review, _c = found
    await callback.answer()
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, await card(svc, review),
                                    reply_markup=card_keyboard(review.application_id, review.status == "pending"))


def card_keyboard(application_id: int, pending: bool) -> InlineKeyboardMarkup:
    """The applicant's card: the files always; Accept and Refuse only while the application waits for a decision."""
    buttons = [button(_("📎 Send the files"), "files", application_id)]
    if pending:
        buttons += [button(_("✅ Accept for a session"), "acc", application_id),
                    button(_("❌ Refuse"), "ref", application_id)]
    return grid(buttons)


async def settle_card(bot: Bot, chat_id: int, message_id: int | None, application_id: int) -> None:
    """The card of an application just accepted or refused keeps only its files button."""
    if message_id is None:
        return
    with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id,
                                            reply_markup=card_keyboard(application_id, pending=False))


async def send_files(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession,
                     settings: Settings) -> None:
    svc = service(session, settings)
    found = await svc.review_for_secretary(callback.from_user.id, callback_data.ref)
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    files = await submitted_files(svc, found[0])
    await callback.answer(_("Files: {count}").format(count=len(files)))
    profile = await svc.profile(found[0].user_id)
    applicant = profile.full_name if profile is not None else None
    assert callback.bot is not None
    for f in files:
        caption = file_caption(_, f.item_id, applicant)
        if f.kind == "photo":
            await callback.bot.send_photo(callback.from_user.id, f.file_id, caption=caption)
        else:
            await callback.bot.send_document(callback.from_user.id, f.file_id, caption=caption)


async def accept(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession, settings: Settings,
                 i18n: I18n) -> None:
    svc = service(session, settings)
    found = await svc.review_for_secretary(callback.from_user.id, callback_data.ref)
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    review, c = found
    assert callback.bot is not None
    card_message = callback.message.message_id if callback.message is not None else None
    if not await svc.accept(review, callback.from_user.id):
        await callback.answer(_("This application has already been accepted or refused."), show_alert=True)
        await settle_card(callback.bot, callback.from_user.id, card_message, review.application_id)
        return
    await callback.answer(_("Accepted for a session."))
    await settle_card(callback.bot, callback.from_user.id, card_message, review.application_id)
    app = await svc.application(review.application_id)
    await notify(callback.bot, session, i18n, settings, review.user_id,
                 "Your application No. {number} is accepted by «{name}» and will be considered at a session.",
                 number=(app.number if app else None) or review.application_id, name=c.name)


async def refuse_start(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, session: AsyncSession,
                       settings: Settings) -> None:
    svc = service(session, settings)
    found = await svc.review_for_secretary(callback.from_user.id, callback_data.ref)
    if isinstance(found, Phrase):
        await callback.answer(render(found), show_alert=True)
        return
    if found[0].status != "pending":
        await callback.answer(_("Only a pending application of your commission can be refused."), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Refuse.grounds)
    await state.set_data({"application": callback_data.ref, "grounds": [],
                          "card": callback.message.message_id if callback.message is not None else None})
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("Choose the grounds for refusal (App 4, item 9):"),
                                    reply_markup=grounds_keyboard(callback_data.ref, set()))


def grounds_keyboard(application_id: int, ticked: set[str]) -> InlineKeyboardMarkup:
    buttons = [button(("☑️ " if g.value in ticked else "⬜ ") + _(g.label), "grd", application_id, g.value)
               for g in RefusalGround]
    buttons.append(button(_("Done"), "grd", application_id, "."))
    buttons.append(cancel_button("ref", application_id))
    return grid(buttons)


async def toggle_ground(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext) -> None:
    data = await state.get_data()
    if await state.get_state() != Refuse.grounds.state or data.get("application") != callback_data.ref:
        await answer_stale(callback)
        return
    ticked = set(data.get("grounds", []))
    assert callback.bot is not None
    if callback_data.arg == ".":
        if not ticked:
            await callback.answer(_("Choose at least one ground."), show_alert=True)
            return
        await callback.answer()
        await state.set_state(Refuse.documents)
        await strip_buttons(callback)
        await callback.bot.send_message(callback.from_user.id, _(
            "Name the documents concerned and what is wrong with them (the teacher reads this):"),
            reply_markup=cancel_markup("ref", callback_data.ref))
        return
    if callback_data.arg not in {g.value for g in RefusalGround}:
        await answer_stale(callback)
        return
    ticked ^= {callback_data.arg}
    await state.update_data(grounds=sorted(ticked))
    await callback.answer()
    if callback.message is not None:
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id,
                                                     reply_markup=grounds_keyboard(callback_data.ref, ticked))


async def refuse_documents(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                           i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    documents = await text_between(message, 3, REFUSAL_DOCUMENTS_MAX)
    if documents is None:
        return
    data = await state.get_data()
    await state.clear()
    svc = service(session, settings)
    found = await svc.review_for_secretary(message.from_user.id, int(data["application"]))
    if isinstance(found, Phrase):
        await message.answer(render(found))
        return
    review, c = found
    grounds = [RefusalGround(g) for g in data["grounds"]]
    locale = await locale_of(session, review.user_id, settings.default_locale)
    app = await svc.application(review.application_id)

    def tr(text: str) -> str:
        return i18n.gettext(text, locale=locale)

    notice = tr(N_("Your application No. {number} is refused by «{name}» (App 7). Grounds:\n{grounds}\nDocuments: "
                   "{documents}\nYou can correct them and submit again with /submit.")).format(
        number=(app.number if app else None) or review.application_id, name=c.name,
        grounds="\n".join("• " + tr(g.label) for g in grounds), documents=documents)
    if not await svc.refuse(review, message.from_user.id, grounds, documents, locale, notice):
        await message.answer(_("This application has already been accepted or refused."))
        return
    await reach(message.bot, review.user_id, notice)
    await settle_card(message.bot, message.from_user.id, data.get("card"), review.application_id)
    await message.answer(_("Refused; the teacher is notified."))


# Multi-step actions a Cancel button leaves: the FSM states it clears (None: a chain of buttons, nothing stored).
CANCELLABLE: dict[str, type[StatesGroup] | None] = {
    "new": NewCommission, "ref": Refuse, "snew": NewSession, "sdate": ChangeDate, "reason": ReasonForm,
    "order": OrderForm, "rmm": None, "iforce": None, "pp": None,
}


async def cancel(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext) -> None:
    """Cancel of any multi-step admin or secretary action: the step is left and its buttons are taken away."""
    if callback_data.arg not in CANCELLABLE:
        await answer_stale(callback)
        return
    group = CANCELLABLE[callback_data.arg]
    current = await state.get_state()
    if group is not None and current is not None and current in group.__all_states_names__:
        await state.clear()
    await callback.answer(_("Cancelled."))
    await strip_buttons(callback)


async def buttons_wanted(message: Message, state: FSMContext) -> None:
    """Typed text (or a file) where a step wants one of its buttons: said, and the buttons shown again."""
    current = await state.get_state()
    data = await state.get_data()
    steps: dict[str | None, tuple[str, InlineKeyboardMarkup]] = {
        NewCommission.level.state: (_("Level of the commission (§13):"), level_keyboard()),
        NewCommission.region.state: (_("Region it serves:"), region_keyboard()),
        NewCommission.language.state: (_("Language of the commission's documents:"), language_keyboard()),
        Join.role.state: (_("What is your role in the commission?"), roles_keyboard()),
        Refuse.grounds.state: (_("Choose the grounds for refusal (App 4, item 9):"),
                               grounds_keyboard(int(data.get("application", 0)), set(data.get("grounds", [])))),
    }
    prompt, markup = steps[current]
    await message.answer(_("Please choose one of the buttons above."))
    await message.answer(prompt, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="commission")
    router.message.register(join_start, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX)))
    router.message.register(commission_new, Command("commission_new"))
    router.message.register(commissions_command, Command("commissions"))
    router.message.register(agenda_command, Command("agenda"))
    # Text steps take anything but a command (a photo gets the step's refusal; /help still runs).
    router.message.register(got_name, StateFilter(NewCommission.name), NOT_A_COMMAND)
    router.message.register(got_area_text, StateFilter(NewCommission.area, CommissionArea.area), NOT_A_COMMAND)
    router.message.register(got_organisation, StateFilter(NewCommission.organisation), NOT_A_COMMAND)
    router.message.register(got_order_number, StateFilter(NewCommission.order_number), NOT_A_COMMAND)
    router.message.register(got_order_date, StateFilter(NewCommission.order_date), NOT_A_COMMAND)
    router.message.register(join_name, StateFilter(Join.name), NOT_A_COMMAND)
    router.message.register(refuse_documents, StateFilter(Refuse.documents), NOT_A_COMMAND)
    router.message.register(buttons_wanted, StateFilter(NewCommission.level, NewCommission.region,
                                                        NewCommission.language, Join.role, Refuse.grounds),
                            NOT_A_COMMAND)
    router.callback_query.register(pick_level, CmCallback.filter(F.act == "lvl"))
    router.callback_query.register(pick_region, CmCallback.filter(F.act == "reg"))
    router.callback_query.register(pick_language, CmCallback.filter(F.act == "lang"))
    router.callback_query.register(area_button, CmCallback.filter(F.act.in_({"apage", "apick"})))
    router.callback_query.register(choose_area_of, CmCallback.filter(F.act == "setarea"))
    router.callback_query.register(make_invite, CmCallback.filter(F.act.in_({"invm", "invs"})))
    router.callback_query.register(chair_menu, CmCallback.filter(F.act.in_({"chairv", "rchair"})))
    router.callback_query.register(chair_choice, CmCallback.filter(F.act.in_({"chair", "setchair"})))
    router.callback_query.register(remove_member, CmCallback.filter(F.act.in_({"rmm", "rmmask", "rmmok"})))
    router.callback_query.register(join_role, InviteRoleCallback.filter())
    router.callback_query.register(open_card, CmCallback.filter(F.act == "card"))
    router.callback_query.register(send_files, CmCallback.filter(F.act == "files"))
    router.callback_query.register(accept, CmCallback.filter(F.act == "acc"))
    router.callback_query.register(refuse_start, CmCallback.filter(F.act == "ref"))
    router.callback_query.register(toggle_ground, CmCallback.filter(F.act == "grd"))
    router.callback_query.register(cancel, CmCallback.filter(F.act == "cancel"))
    router.include_router(commission_session.create_router())
    router.include_router(commission_points.create_router())
    return router

