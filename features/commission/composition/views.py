"""What the composition screens say and show: the commission card, the creation steps' keyboards, invites."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot import area_views
from bot.i18n import in_reading_order, render
from bot.keyboards import LANGUAGE_NAMES, grid
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
from features.commission.composition.card import CommissionCard
from features.commission.composition.service import AREA_LEVELS
from features.commission.flows import Flow, cancel_button
from features.commission.session.callbacks import SessionAct, SessionCallback
from scoring.areas import AdministrativeArea, area_name, catalogue
from scoring.categories import CommissionLevel
from scoring.commission import MemberRole
from scoring.dates import format_day
from scoring.i18n import N_, Phrase
from scoring.regions import REGIONS, region_by_id
from storage.commission_models import Commission, CommissionMember, CommissionSession, InviteKind

Translate = Callable[[str], str]

REMOVED = N_("You are no longer a member of the attestation commission «{name}».")


def _button(text: str, data: SessionCallback | CommissionCallback | MemberCallback) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


# --- creating a commission ---------------------------------------------------------------------


def level_keyboard() -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=_(level.label), callback_data=LevelCallback(level=level).pack())
                 for level in CommissionLevel] + [cancel_button(Flow.NEW_COMMISSION)])


def region_keyboard() -> InlineKeyboardMarkup:
    """The regions in the reader's alphabet."""
    return grid([InlineKeyboardButton(text=_(label), callback_data=RegionCallback(region=region_id).pack())
                 for region_id, label in in_reading_order((r.id, r.label) for r in REGIONS)]
                + [cancel_button(Flow.NEW_COMMISSION)], 2)


def language_keyboard() -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=name, callback_data=DocumentsLanguageCallback(code=code).pack())
                 for code, name in LANGUAGE_NAMES.items()] + [cancel_button(Flow.NEW_COMMISSION)])


def roles_keyboard() -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=_(r.label), callback_data=InviteRoleCallback(role=r).pack())
                 for r in MemberRole])


def pack_area(action: str, code: str, page: int) -> str:
    return CommissionAreaCallback(act=AreaAct(action), code=code, page=page).pack()


def area_list(region: str | None, page: int = 0) -> InlineKeyboardMarkup:
    locale = get_i18n().current_locale
    return area_views.area_list_keyboard(catalogue().for_choice(region, locale), locale, page, pack_area)


def area_candidates(candidates: Sequence[AdministrativeArea]) -> tuple[str, InlineKeyboardMarkup]:
    return area_views.candidates_text(len(candidates)), area_views.candidates_keyboard(
        candidates, get_i18n().current_locale, pack_area)


def area_not_found(region: str | None) -> tuple[str, InlineKeyboardMarkup]:
    found = region_by_id(region) if region else None
    return area_views.not_found_text(_(found.label) if found else "—"), area_list(region)


def area_chosen_text(area: AdministrativeArea) -> str:
    return _("District or city it serves: {area}").format(area=area.name(get_i18n().current_locale))


def area_question(c: Commission) -> str:
    return _("District or city that «{name}» serves: choose it below, or type its name.").format(name=c.name)


# --- the commission card -------------------------------------------------------------------------


def served_lines(c: Commission) -> list[str]:
    """Where it serves: region, district or city (from the list), organisation; or what is missing."""
    region = region_by_id(c.region) if c.region else None
    parts = [_(region.label)] if region else []
    if c.level in AREA_LEVELS:
        name = area_name(c.area_code, get_i18n().current_locale)
        if name is None:
            return [_("⚠️ Its district or city is not chosen from the list (it was typed as «{typed}»): no application "
                      "can reach it until an administrator chooses it.").format(typed=c.legacy_area or "—")]
        parts.append(name)
    if c.organisation:
        parts.append(c.organisation)
    return [_("Serves: {area}").format(area=", ".join(parts))] if parts else []


def member_line(position: int, m: CommissionMember) -> str:
    return f"{position}. {m.full_name} — {_(MemberRole(m.role).label)}" + (" — " + _("chair") if m.is_chair else "")


def card_text(card: CommissionCard) -> str:
    c = card.commission
    lines = [
        _("Commission No. {id}: {name}").format(id=c.id, name=c.name),
        _("Level: {level}").format(level=_(CommissionLevel(c.level).label)),
        *served_lines(c),
        _("Order No. {number} of {date}; term until {end}").format(
            number=c.order_number, date=format_day(c.order_date), end=format_day(c.term_end)),
        _("Secretary: {name}").format(name=c.secretary_name or "—"),
        _("Members ({count}):").format(count=len(card.members)),
        *[member_line(i, m) for i, m in enumerate(card.members, start=1)],
        "",
    ]
    if card.missing:
        lines.append(_("Not valid yet. Missing:"))
        lines += ["• " + render(p) for p in card.missing]
    else:
        lines.append(_("The commission is valid and can hold sessions."))
    return "\n".join(lines)


def order_buttons(sessions: list[CommissionSession]) -> list[InlineKeyboardButton]:
    """Closed sessions whose certificates wait for the order assigning the categories (secretary, admins)."""
    return [_button(_("📜 Order for session No. {number} of {date}").format(
        number=s.number, date=format_day(s.session_date)), SessionCallback(act=SessionAct.ORDER, session=s.id))
        for s in sessions]


def card_keyboard(card: CommissionCard) -> InlineKeyboardMarkup | None:
    cid = card.commission.id
    buttons = []
    if card.for_admin:
        buttons += [_button(text, CommissionCallback(act=act, commission=cid)) for text, act in (
            (_("➕ Invite a member"), CommissionAct.INVITE_MEMBER),
            (_("➕ Invite the secretary"), CommissionAct.INVITE_SECRETARY),
            (_("Record the chair"), CommissionAct.RECORD_CHAIR),
            (_("➖ Remove a member"), CommissionAct.REMOVE_MEMBER))]
        buttons += order_buttons(card.awaiting_order)
        if card.area_from_list:
            buttons.append(_button(_("📍 District or city it serves"),
                                   CommissionCallback(act=CommissionAct.SET_AREA, commission=cid)))
    if card.may_elect_chair:
        buttons.append(_button(_("🗳 Elect the chair"),
                               CommissionCallback(act=CommissionAct.ELECT_CHAIR, commission=cid)))
    return grid(buttons) if buttons else None


def no_commissions_text(is_admin: bool) -> str:
    return _("You are not in any commission.") if not is_admin else _(
        "There are no commissions yet. Create one with /commission_new.")


# --- invites, the chair, members -----------------------------------------------------------------


def invite_text(c: Commission, kind: InviteKind, link: str, days: int) -> str:
    text = (_("One-time link for a member of «{name}» (valid {days} days, works once):\n{link}") if kind is
            InviteKind.MEMBER else _("One-time link for the secretary of «{name}» (valid {days} days, works once):"
                                     "\n{link}"))
    return text.format(name=c.name, days=days, link=link)


def members_keyboard(c: Commission, members: list[CommissionMember], act: MemberAct,
                     cancel: bool = False) -> InlineKeyboardMarkup:
    buttons = [_button(m.full_name, MemberCallback(act=act, commission=c.id, user=m.user_id)) for m in members]
    return grid(buttons + ([cancel_button(Flow.REMOVE_MEMBER, c.id)] if cancel else []))


def removal_question(c: Commission, member: CommissionMember) -> tuple[str, InlineKeyboardMarkup]:
    return _("Remove {member} from «{name}»?").format(member=member.full_name, name=c.name), grid([
        _button(_("Yes, remove"), MemberCallback(act=MemberAct.REMOVE, commission=c.id, user=member.user_id)),
        cancel_button(Flow.REMOVE_MEMBER, c.id)])


def removal_notice(t: Translate, c: Commission) -> str:
    """What the person taken off the commission is told, in their language."""
    return t(REMOVED).format(name=c.name)


# --- joining through an invite ---------------------------------------------------------------------


def invited_text(c: Commission, kind: InviteKind) -> str:
    if kind is InviteKind.SECRETARY:
        return _("You are invited as the secretary of «{name}». The secretary prepares the materials and the protocol "
                 "and does not vote (§17).").format(name=c.name)
    return _("You are invited to be a member of «{name}». What is your role in the commission?").format(name=c.name)


def joined_text(c: Commission, kind: InviteKind) -> str:
    if kind is InviteKind.SECRETARY:
        return _("You are the secretary of «{name}». /agenda shows the applications to review; /commissions shows the "
                 "commission.").format(name=c.name)
    return _("You are a member of «{name}». /commissions shows the commission and what it still needs.").format(
        name=c.name)


def objections_text(objections: list[Phrase]) -> str:
    return _("You cannot be a member of this commission:") + "\n" + "\n".join("• " + render(m) for m in objections)
