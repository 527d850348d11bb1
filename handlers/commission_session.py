"""Commission sessions: the secretary's panel, attendance, voting per candidate, closing, documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import row_id_in
from bot.commission_ballot import ballot_markup, ballot_text
from bot.commission_callbacks import CmCallback, VoteCallback
from bot.decision_views import scheduled_text
from bot.i18n import render
from bot.keyboards import grid
from bot.outbox import reach
from bot.services.commission import CommissionService
from bot.services.commission_delivery import DocumentDelivery
from bot.services.commission_points import PointsService
from bot.services.commission_session import REASON_LENGTH, Closed, SessionService
from bot.services.notify import locale_of
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND
from scoring.categories import Category
from scoring.commission import Decision
from scoring.config import default_rules
from scoring.i18n import N_
from scoring.i18n import Message as Message_
from storage.commission_models import AgendaItem, Commission, CommissionSession, SessionStatus


class NewSession(StatesGroup):
    date = State()


class ReasonForm(StatesGroup):
    text = State()  # the secretary types the reason of data["rs_item"]'s decision


def services(session: AsyncSession, settings: Settings) -> tuple[CommissionService, SessionService]:
    commissions = CommissionService(session, default_rules(), settings.timezone)
    return commissions, SessionService(session, commissions)


def parse_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def button(text: str, act: str, ref: int = 0, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=CmCallback(act=act, ref=ref, arg=arg).pack())


# --- creating a session ------------------------------------------------------------------------


async def new_session(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, session: AsyncSession,
                      settings: Settings) -> None:
    commissions, _s = services(session, settings)
    c = await commissions.secretary_commission(callback.from_user.id, callback_data.ref)
    if c is None:
        await callback.answer(_("Only the commission's secretary creates its sessions."), show_alert=True)
        return
    await callback.answer()
    await state.set_state(NewSession.date)
    await state.set_data({"commission": c.id})
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, _("Date of the session, DD.MM.YYYY:"))


async def session_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    when = parse_date(message.text or "")
    if when is None:
        await message.answer(_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026."))
        return
    data = await state.get_data()
    await state.clear()
    commissions, sessions = services(session, settings)
    c = await commissions.secretary_commission(message.from_user.id, int(data["commission"]))
    if c is None:
        await message.answer(_("Only the commission's secretary creates its sessions."))
        return
    s = await sessions.create(c, when, message.from_user.id)
    if s is None:
        await message.answer(_("No application is accepted for a session yet: accept some in /agenda first."))
        return
    await tell_scheduled(message.bot, session, settings, i18n, sessions, s, c)
    await send_panel(message.bot, message.from_user.id, sessions, s, c)


async def tell_scheduled(bot: Bot, session: AsyncSession, settings: Settings, i18n: I18n, sessions: SessionService,
                         s: CommissionSession, c: Commission) -> None:
    """Each teacher on the agenda learns the date of the session, in her language."""
    for item in await sessions.items(s):
        if item.user_id is None:  # an erased person's kept row: no account to tell
            continue
        app = await sessions.repo.application(item.application_id)
        locale = await locale_of(session, item.user_id, settings.default_locale)
        number = (app.number if app else None) or str(item.application_id)
        await reach(bot, item.user_id, scheduled_text(partial(i18n.gettext, locale=locale), number, c, s, item))


async def panel_text(sessions: SessionService, s: CommissionSession, c: Commission) -> str:
    present, members, needed = await sessions.attendance(s)
    lines = [
        _("Session No. {number} of «{name}», {date}").format(number=s.number, name=c.name,
                                                            date=s.session_date.strftime("%d.%m.%Y")),
        _("Status: {status}").format(status=_(STATUS_LABELS[SessionStatus(s.status)])),
        _("Present: {present} of {members} (quorum {quorum})").format(present=present, members=members,
                                                                     quorum=needed),
        _("Agenda:"),
    ]
    for item in await sessions.items(s):
        decision = await sessions.repo.decision(item.id)
        mark = {"waiting": "⏳", "voting": "🗳", "closed": "✅"}[item.status]
        tail = ""
        if decision is not None:
            tail = " — " + _(Decision(decision.decision).label)
            if decision.assigned_category:
                tail += " (" + _(Category(decision.assigned_category).label) + ")"
        lines.append(f"{mark} {item.position}. {item.full_name} — {_(Category(item.claimed_category).label)}{tail}")
    return "\n".join(lines)


STATUS_LABELS = {
    SessionStatus.DRAFT: N_("not opened"),
    SessionStatus.OPEN: N_("open: members mark themselves present"),
    SessionStatus.VOTING: N_("voting"),
    SessionStatus.CLOSED: N_("closed"),
}


async def panel_keyboard(sessions: SessionService, s: CommissionSession) -> InlineKeyboardMarkup | None:
    status = SessionStatus(s.status)
    if status is SessionStatus.DRAFT:
        return grid([button(_("▶️ Open the session"), "sopen", s.id)])
    if status is SessionStatus.OPEN:
        return grid([button(_("🗳 Start voting"), "svote", s.id), button(_("🔄 Refresh"), "spanel", s.id)])
    if status is SessionStatus.VOTING:
        buttons = []
        for item in await sessions.items(s):
            if item.status == "waiting":
                buttons.append(button(_("Put to the vote: {name}").format(name=item.full_name), "item", s.id,
                                      str(item.id)))
            elif item.status == "voting":
                buttons.append(button(_("Close the vote: {name}").format(name=item.full_name), "iclose", s.id,
                                      str(item.id)))
        for item in await sessions.missing_reasons(s):
            buttons.append(button(_("✍️ Reason: {name}").format(name=item.full_name), "reason", s.id, str(item.id)))
        buttons.append(button(_("🏁 Close the session and issue the documents"), "sclose", s.id))
        buttons.append(button(_("🔄 Refresh"), "spanel", s.id))
        return grid(buttons)
    return None


async def send_panel(bot: Bot, chat_id: int, sessions: SessionService, s: CommissionSession, c: Commission) -> None:
    await bot.send_message(chat_id, await panel_text(sessions, s, c), reply_markup=await panel_keyboard(sessions, s))


async def secretary_action(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext,
                           session: AsyncSession, settings: Settings, i18n: I18n) -> None:
    """Every panel button; each re-checks that the presser is this session's secretary."""
    commissions, sessions = services(session, settings)
    found = await sessions.as_secretary(callback.from_user.id, callback_data.ref)
    if found is None:
        await callback.answer(_("Only the commission's secretary manages its sessions."), show_alert=True)
        return
    s, c = found
    bot = callback.bot
    assert bot is not None
    act = callback_data.act
    if act == "sopen":
        problems = await sessions.open(s, c)
        if problems:
            await callback.answer()
            await bot.send_message(callback.from_user.id, _("The session cannot be opened:") + "\n"
                                   + "\n".join("• " + render(p) for p in problems))
            return
        await callback.answer(_("The session is open."))
        for member in await commissions.repo.members(c.id):
            locale = await locale_of(session, member.user_id, settings.default_locale)
            await reach(bot, member.user_id, i18n.gettext(
                "Session No. {number} of «{name}» on {date} is open. Mark yourself present:", locale=locale).format(
                number=s.number, name=c.name, date=s.session_date.strftime("%d.%m.%Y")),
                reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                    text=i18n.gettext("✋ I am present", locale=locale),
                    callback_data=CmCallback(act="here", ref=s.id).pack())]]))
    elif act == "svote":
        problem = await sessions.start_voting(s)
        if problem is not None:
            await callback.answer(render(problem), show_alert=True)
            return
        await callback.answer(_("Voting is open."))
    elif act == "item":
        opened = await sessions.open_item(s, row_id_in(callback_data.arg) or 0, callback.from_user.id)
        if not isinstance(opened, AgendaItem):
            await callback.answer(render(opened), show_alert=True)
            return
        await callback.answer(_("The vote is open."))
        await send_ballots(bot, session, settings, i18n, sessions, s, opened)
    elif act == "iclose":
        closed = await sessions.close_item(s, row_id_in(callback_data.arg) or 0, callback.from_user.id)
        if not isinstance(closed, Closed):
            await callback.answer(render(closed), show_alert=True)
            return
        await callback.answer()
        await bot.send_message(callback.from_user.id, render(closed.tally.explain()))
        if closed.decision is not None and sessions.reason_needed(closed.item, closed.decision):
            await ask_reason(bot, state, callback.from_user.id, s, closed.item)
            return
    elif act == "reason":
        target = await sessions.reason_target(s, row_id_in(callback_data.arg) or 0, callback.from_user.id)
        if isinstance(target, Message_):
            await callback.answer(render(target), show_alert=True)
            return
        await callback.answer()
        await ask_reason(bot, state, callback.from_user.id, s, target[0])
        return
    elif act == "sclose":
        problem = await sessions.close(s)
        if problem is not None:
            await callback.answer(render(problem), show_alert=True)
            return
        await callback.answer(_("The session is closed."))
        await DocumentDelivery(session, settings, i18n, commissions).issue(bot, s, c)
    else:
        await callback.answer()
    await send_panel(bot, callback.from_user.id, sessions, s, c)


async def ask_reason(bot: Bot, state: FSMContext, chat_id: int, s: CommissionSession, item: AgendaItem) -> None:
    await state.set_state(ReasonForm.text)
    await state.set_data({"rs_session": s.id, "rs_item": item.id})
    await bot.send_message(chat_id, _(
        "Type the reason for the decision on {name}: it goes to the «Reason» column of the protocol.").format(
        name=item.full_name))


async def reason_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    """The typed reason; the sender is re-checked as the session's secretary."""
    assert message.from_user is not None and message.bot is not None
    data = await state.get_data()
    _c, sessions = services(session, settings)
    found = await sessions.as_secretary(message.from_user.id, int(data.get("rs_session", 0)))
    if found is None:
        await state.clear()
        await message.answer(_("Only the commission's secretary manages its sessions."))
        return
    s, c = found
    result = await sessions.set_reason(s, int(data.get("rs_item", 0)), message.text or "", message.from_user.id)
    if isinstance(result, Message_):
        await message.answer(render(result))
        if result is not REASON_LENGTH:  # anything but a length problem ends the step
            await state.clear()
        return
    await state.clear()
    await message.answer(_("The reason is recorded for {name}.").format(name=result.full_name))
    await send_panel(message.bot, message.from_user.id, sessions, s, c)


# --- members ---------------------------------------------------------------------------------------


async def present(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession, settings: Settings,
                  i18n: I18n) -> None:
    _c, sessions = services(session, settings)
    result = await sessions.mark_present(callback.from_user.id, callback_data.ref)
    await callback.answer(render(result), show_alert=True)


async def ballot(session: AsyncSession, sessions: SessionService, s: CommissionSession, item: AgendaItem,
                 t: Callable[[str], str]) -> InlineKeyboardMarkup:
    scorable = await PointsService(session, sessions.commissions.rules).sheet_id(item) is not None
    return ballot_markup(s.id, item, sessions.options(item), t, scorable)


async def send_ballots(bot: Bot, session: AsyncSession, settings: Settings, i18n: I18n, sessions: SessionService,
                       s: CommissionSession, item: AgendaItem) -> None:
    points = PointsService(session, sessions.commissions.rules)
    own = await points.own_total(item)
    for user_id in await sessions.voters(s, item):
        locale = await locale_of(session, user_id, settings.default_locale)

        def tr(text: str, locale: str = locale) -> str:
            return i18n.gettext(text, locale=locale)

        await reach(bot, user_id, ballot_text(tr, item, own, await points.member_total(item, user_id)),
                    reply_markup=await ballot(session, sessions, s, item, tr))


async def vote(callback: CallbackQuery, callback_data: VoteCallback, session: AsyncSession,
               settings: Settings) -> None:
    """A press on a ballot: a decision (then the categories), or a category (the vote itself)."""
    _c, sessions = services(session, settings)
    checked = await sessions.check_voter(callback.from_user.id, callback_data.sid, callback_data.item)
    if not isinstance(checked, tuple):
        await callback.answer(render(checked), show_alert=True)
        return
    s, item = checked
    decision = next((d for d in sessions.options(item) if d.code == callback_data.d), None)
    if decision is None:
        await callback.answer(_("This choice is not possible for this candidate."), show_alert=True)
        return
    categories = sessions.categories(item, decision)
    if categories and not callback_data.cat:
        await callback.answer()
        assert callback.bot is not None and callback.message is not None
        buttons = [InlineKeyboardButton(text=_(c.label), callback_data=VoteCallback(
            sid=s.id, item=item.id, d=decision.code, cat=c.value).pack()) for c in categories]
        await callback.bot.edit_message_reply_markup(
            chat_id=callback.from_user.id, message_id=callback.message.message_id,
            reply_markup=grid(buttons))
        return
    result = await sessions.cast(callback.from_user.id, s.id, item.id, decision.code, callback_data.cat)
    await callback.answer(render(result.message), show_alert=not result.ok)
    if result.ok and callback.message is not None and callback.bot is not None:
        # Back to the decisions, so the member can change the vote while it is open.
        await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                     message_id=callback.message.message_id,
                                                     reply_markup=await ballot(session, sessions, s, item, _))


def create_router() -> Router:
    router = Router(name="commission_session")
    router.message.register(session_date, StateFilter(NewSession.date), NOT_A_COMMAND)
    router.message.register(reason_text, StateFilter(ReasonForm.text), NOT_A_COMMAND)
    router.callback_query.register(new_session, CmCallback.filter(F.act == "snew"))
    router.callback_query.register(present, CmCallback.filter(F.act == "here"))
    panel = {"spanel", "sopen", "svote", "item", "iclose", "reason", "sclose"}
    router.callback_query.register(secretary_action, CmCallback.filter(F.act.in_(panel)))
    router.callback_query.register(vote, VoteCallback.filter())
    return router
