"""Commission sessions: the secretary's panel, attendance, voting per candidate, closing, documents, the order.

Every secretary action re-checks on the server that the presser is this session's secretary (the order also
admits an administrator); every multi-step action has a Cancel (the `cancel` callback,
features.commission.composition.handlers).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import row_id_in
from bot.i18n import render
from bot.keyboards import grid
from bot.messaging import locale_of, notify, reach
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND
from features.commission.agenda.card import file_caption, submitted_files_of
from features.commission.callbacks import CmCallback, VoteCallback
from features.commission.composition.service import CommissionService
from features.commission.documents.delivery import DocumentDelivery
from features.commission.notices import scheduled_text
from features.commission.points.service import PointsService
from features.commission.session.ballot import (
    BACK,
    ballot_markup,
    ballot_text,
    categories_markup,
    choice_text,
    closed_ballot_text,
    vote_line,
)
from features.commission.session.service import (
    REASON_LENGTH,
    Closed,
    NotVoted,
    SessionService,
    VoteProgress,
)
from scoring.categories import Category
from scoring.config import default_rules
from scoring.i18n import N_, Phrase
from storage.commission_models import AgendaItem, Commission, CommissionSession, ItemStatus, SessionStatus

Translate = Callable[[str], str]


class NewSession(StatesGroup):
    date = State()


class ChangeDate(StatesGroup):
    date = State()  # data["session"]


class ReasonForm(StatesGroup):
    text = State()  # the secretary types the reason of data["rs_item"]'s decision


class OrderForm(StatesGroup):
    """The order assigning the categories (§12): number, date, who issued it, who signs the certificates."""

    number = State()
    date = State()
    issuer = State()
    signatory = State()
    confirm = State()


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


def cancel_button(flow: str, ref: int = 0) -> InlineKeyboardButton:
    """Leaves a multi-step action (`flow` names it, see features.commission.composition.handlers.CANCELLABLE)."""
    return button(_("✖️ Cancel"), "cancel", ref, flow)


def cancel_markup(flow: str, ref: int = 0) -> InlineKeyboardMarkup:
    return grid([cancel_button(flow, ref)])


def d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def arg_id(callback_data: CmCallback) -> int:
    """The row id a panel button carries (before a "." and its key, for "close anyway"); 0 for a forged one."""
    return row_id_in(callback_data.arg.split(".", 1)[0]) or 0


async def edit_other(bot: Bot, chat_id: int, message_id: int, text: str,
                     markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message in someone's chat; one that was deleted (or a chat that blocked the bot) is no reason to
    fail the update that changed what it shows."""
    with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup)


async def strip_buttons(callback: CallbackQuery) -> None:
    if callback.message is not None and callback.bot is not None:
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await callback.bot.edit_message_reply_markup(chat_id=callback.from_user.id,
                                                         message_id=callback.message.message_id, reply_markup=None)


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
    await callback.bot.send_message(callback.from_user.id, _(
        "Date of the session, DD.MM.YYYY (today or later, not before the registration date of an application on "
        "it; the session is opened on that day):"), reply_markup=cancel_markup("snew"))


async def session_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    when = parse_date(message.text or "")
    if when is None:
        await message.answer(_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026."),
                             reply_markup=cancel_markup("snew"))
        return
    data = await state.get_data()
    commissions, sessions = services(session, settings)
    c = await commissions.secretary_commission(message.from_user.id, int(data["commission"]))
    if c is None:
        await state.clear()
        await message.answer(_("Only the commission's secretary creates its sessions."))
        return
    created = await sessions.create(c, when, message.from_user.id)
    if isinstance(created, Phrase):
        await message.answer(render(created), reply_markup=cancel_markup("snew"))
        return
    await state.clear()
    await tell_scheduled(message.bot, session, settings, i18n, sessions, created, c)
    await send_panel(message.bot, message.from_user.id, sessions, created, c)


async def tell_scheduled(bot: Bot, session: AsyncSession, settings: Settings, i18n: I18n, sessions: SessionService,
                         s: CommissionSession, c: Commission) -> None:
    """Each teacher on the agenda learns the date of the session, in her language (again when it moves)."""
    for item in await sessions.items(s):
        if item.user_id is None:  # an erased person's kept row: no account to tell
            continue
        app = await sessions.repo.application(item.application_id)
        locale = await locale_of(session, item.user_id, settings.default_locale)
        number = (app.number if app else None) or str(item.application_id)
        await reach(bot, item.user_id, scheduled_text(partial(i18n.gettext, locale=locale), number, c, s, item))


async def change_date_start(bot: Bot, state: FSMContext, chat_id: int, s: CommissionSession) -> None:
    await state.set_state(ChangeDate.date)
    await state.set_data({"session": s.id})
    await bot.send_message(chat_id, _("New date of session No. {number}, DD.MM.YYYY:").format(number=s.number),
                           reply_markup=cancel_markup("sdate", s.id))


async def changed_date(message: Message, state: FSMContext, session: AsyncSession, settings: Settings,
                       i18n: I18n) -> None:
    assert message.from_user is not None and message.bot is not None
    _c, sessions = services(session, settings)
    found = await sessions.as_secretary(message.from_user.id, int((await state.get_data()).get("session", 0)))
    if found is None:
        await state.clear()
        await message.answer(_("Only the commission's secretary manages its sessions."))
        return
    s, c = found
    when = parse_date(message.text or "")
    problem = (await sessions.change_date(s, c, when) if when is not None else
               Phrase(N_("I could not read the date. Send it as DD.MM.YYYY, e.g. 01.09.2026.")))
    if problem is not None:
        await message.answer(render(problem), reply_markup=cancel_markup("sdate", s.id))
        return
    await state.clear()
    await tell_scheduled(message.bot, session, settings, i18n, sessions, s, c)
    await send_panel(message.bot, message.from_user.id, sessions, s, c)


# --- the secretary's panel ---------------------------------------------------------------------


STATUS_LABELS = {
    SessionStatus.DRAFT: N_("not opened"),
    SessionStatus.OPEN: N_("open: members mark themselves present"),
    SessionStatus.VOTING: N_("voting"),
    SessionStatus.CLOSED: N_("closed"),
}
MARKS = {ItemStatus.WAITING.value: "⏳", ItemStatus.VOTING.value: "🗳", ItemStatus.CLOSED.value: "✅",
         ItemStatus.DEFERRED.value: "⏭"}


def progress_text(p: VoteProgress) -> str:
    """Votes cast against the members present who may vote, and who is still to vote."""
    text = _("votes: {voted} of {voters} members present").format(voted=len(p.voted), voters=len(p.voters))
    if p.abstained:
        text += _("; abstained: {count}").format(count=len(p.abstained))
    if p.missing and p.item.status == ItemStatus.VOTING.value:
        text += _("; not yet: {names}").format(names=", ".join(p.names_of(p.missing)))
    return text


async def item_line(sessions: SessionService, s: CommissionSession, item: AgendaItem) -> str:
    line = f"{MARKS[item.status]} {item.position}. {item.full_name} — {_(Category(item.claimed_category).label)}"
    if item.status == ItemStatus.DEFERRED.value:
        return line + " — " + _("postponed to a later session")
    decision = await sessions.decision_of(item)
    if decision is not None:
        line += " — " + choice_text(_, decision.decision, decision.assigned_category)
    if item.status in (ItemStatus.VOTING.value, ItemStatus.CLOSED.value):
        line += "\n    " + progress_text(await sessions.progress(s, item))
    return line


async def panel_text(sessions: SessionService, s: CommissionSession, c: Commission) -> str:
    present, members, needed = await sessions.attendance(s)
    lines = [
        _("Session No. {number} of «{name}», {date}").format(number=s.number, name=c.name, date=d(s.session_date)),
        _("Status: {status}").format(status=_(STATUS_LABELS[SessionStatus(s.status)])),
        _("Present: {present} of {members} (quorum {quorum})").format(present=present, members=members,
                                                                     quorum=needed),
        _("Agenda:"),
    ]
    lines += [await item_line(sessions, s, item) for item in await sessions.items(s)]
    if s.order_number and s.order_date:
        lines.append(_("Order assigning the categories: No. {number} of {date}").format(
            number=s.order_number, date=d(s.order_date)))
    return "\n".join(lines)


async def panel_keyboard(sessions: SessionService, s: CommissionSession) -> InlineKeyboardMarkup | None:
    status = SessionStatus(s.status)
    if status is SessionStatus.DRAFT:
        return grid([button(_("▶️ Open the session"), "sopen", s.id), button(_("🗓 Change the date"), "sdate", s.id),
                     button(_("🔄 Refresh"), "spanel", s.id)])
    if status is SessionStatus.OPEN:
        return grid([button(_("🗳 Start voting"), "svote", s.id), button(_("🔄 Refresh"), "spanel", s.id)])
    if status is SessionStatus.CLOSED:
        if s.certificates_issued_at is None and await sessions.certificates_due(s):
            return grid([button(_("📜 Enter the order assigning the categories"), "order", s.id)])
        return None
    buttons = []
    for item in await sessions.items(s):
        if item.status == ItemStatus.WAITING.value:
            buttons.append(button(_("Put to the vote: {name}").format(name=item.full_name), "item", s.id, str(item.id)))
        elif item.status == ItemStatus.VOTING.value:
            buttons.append(button(_("Close the vote: {name}").format(name=item.full_name), "iclose", s.id,
                                  str(item.id)))
    for item in await sessions.missing_reasons(s):
        buttons.append(button(_("✍️ Reason: {name}").format(name=item.full_name), "reason", s.id, str(item.id)))
    if any(i.status in (ItemStatus.WAITING.value, ItemStatus.VOTING.value) for i in await sessions.items(s)):
        buttons.append(button(_("⏭ Postpone a candidate"), "ppick", s.id))
    buttons.append(button(_("🏁 Close the session and issue the documents"), "sclose", s.id))
    buttons.append(button(_("🔄 Refresh"), "spanel", s.id))
    return grid(buttons)


async def send_panel(bot: Bot, chat_id: int, sessions: SessionService, s: CommissionSession, c: Commission) -> None:
    await bot.send_message(chat_id, await panel_text(sessions, s, c), reply_markup=await panel_keyboard(sessions, s))


@dataclass
class Ctx:
    """One press on the secretary's panel, already checked to come from this session's secretary."""

    callback: CallbackQuery
    data: CmCallback
    state: FSMContext
    session: AsyncSession
    settings: Settings
    i18n: I18n
    commissions: CommissionService
    sessions: SessionService
    s: CommissionSession
    c: Commission

    @property
    def bot(self) -> Bot:
        assert self.callback.bot is not None
        return self.callback.bot

    @property
    def me(self) -> int:
        return self.callback.from_user.id

    async def alert(self, message: Phrase | str) -> None:
        await self.callback.answer(message if isinstance(message, str) else render(message), show_alert=True)

    def translator(self, locale: str) -> Translate:
        return lambda text: self.i18n.gettext(text, locale=locale)

    async def translator_of(self, user_id: int) -> Translate:
        return self.translator(await locale_of(self.session, user_id, self.settings.default_locale))


# Each action returns True when the panel is to be sent again.
Action = Callable[[Ctx], Awaitable[bool]]


async def act_panel(x: Ctx) -> bool:
    await x.callback.answer()
    return True


async def act_open(x: Ctx) -> bool:
    problems = await x.sessions.open(x.s, x.c)
    if problems:
        await x.callback.answer()
        await x.bot.send_message(x.me, _("The session cannot be opened:") + "\n"
                                 + "\n".join("• " + render(p) for p in problems))
        return False
    await x.callback.answer(_("The session is open."))
    for member in await x.sessions.members(x.c):
        t = await x.translator_of(member)
        await reach(x.bot, member, t(N_(
            "Session No. {number} of «{name}» on {date} is open. Mark yourself present:")).format(
            number=x.s.number, name=x.c.name, date=d(x.s.session_date)),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                text=t(N_("✋ I am present")), callback_data=CmCallback(act="here", ref=x.s.id).pack())]]))
    return True


async def act_date(x: Ctx) -> bool:
    if x.s.status != SessionStatus.DRAFT.value:
        await x.alert(Phrase(N_("Only a session that has not been opened can change its date.")))
        return False
    await x.callback.answer()
    await change_date_start(x.bot, x.state, x.me, x.s)
    return False


async def act_vote(x: Ctx) -> bool:
    problem = await x.sessions.start_voting(x.s)
    if problem is not None:
        await x.alert(problem)
        return False
    await x.callback.answer(_("Voting is open."))
    return True


async def act_item(x: Ctx) -> bool:
    opened = await x.sessions.open_item(x.s, arg_id(x.data), x.me)
    if not isinstance(opened, AgendaItem):
        await x.alert(opened)
        return False
    await x.callback.answer(_("The vote is open."))
    await send_ballots(x, opened, await x.sessions.voters(x.s, opened))
    return True


async def act_close_item(x: Ctx) -> bool:
    """Close the vote; `iforce` is the confirmed "close anyway" (arg: item.key of who had not voted)."""
    anyway = x.data.arg.split(".", 1)[1] if x.data.act == "iforce" and "." in x.data.arg else None
    closed = await x.sessions.close_item(x.s, arg_id(x.data), x.me, anyway)
    if isinstance(closed, NotVoted):
        changed = anyway is not None
        await x.callback.answer(_("Who has not voted has changed meanwhile: check again.") if changed else
                                _("Not everyone present has voted."), show_alert=changed)
        await ask_close_anyway(x, closed)
        return False
    if not isinstance(closed, Closed):
        await x.alert(closed)
        return False
    await x.callback.answer()
    if x.data.act == "iforce":
        await strip_buttons(x.callback)
    await x.bot.send_message(x.me, render(closed.tally.explain()))
    if closed.decision is None:
        await tell_no_decision(x, closed)
        return True
    await close_ballots(x, closed.item)
    if x.sessions.reason_needed(closed.item, closed.decision):
        await ask_reason(x.bot, x.state, x.me, x.s, closed.item)
        return False
    return True


async def ask_close_anyway(x: Ctx, not_voted: NotVoted) -> None:
    names = ", ".join(not_voted.names)
    await x.bot.send_message(x.me, _(
        "Not every member present has voted on {name}. Still to vote: {names}.\nWait for their votes (they can be "
        "reminded), or close the vote anyway: they are then recorded as abstaining.").format(
        name=not_voted.item.full_name, names=names), reply_markup=grid([
            button(_("🔔 Remind them"), "inudge", x.s.id, str(not_voted.item.id)),
            button(_("Close anyway, recording as abstaining: {names}").format(names=names), "iforce", x.s.id,
                   f"{not_voted.item.id}.{not_voted.key}"),
            cancel_button("iforce", x.s.id)]))


async def act_nudge(x: Ctx) -> bool:
    """Send the ballot again to the members present who have not voted (theirs may be lost in the chat)."""
    item = await x.sessions.agenda_item(x.s, arg_id(x.data), x.me)
    if isinstance(item, Phrase) or item.status != ItemStatus.VOTING.value:
        await x.alert(Phrase(N_("The vote on this candidate is not open.")))
        return False
    missing = (await x.sessions.progress(x.s, item)).missing
    await send_ballots(x, item, list(missing), reminder=True)
    await x.callback.answer(_("Reminded: {count}").format(count=len(missing)))
    return False


async def tell_no_decision(x: Ctx, closed: Closed) -> None:
    """The vote stays open: each member who may vote hears why, in their language, and can change their vote."""
    for user_id in await x.sessions.voters(x.s, closed.item):
        t = await x.translator_of(user_id)
        await reach(x.bot, user_id, t(N_("The vote on {name} gave no decision: {why}")).format(
            name=closed.item.full_name, why=closed.tally.explain().render(t)))


async def act_reason(x: Ctx) -> bool:
    target = await x.sessions.reason_target(x.s, arg_id(x.data), x.me)
    if isinstance(target, Phrase):
        await x.alert(target)
        return False
    await x.callback.answer()
    await ask_reason(x.bot, x.state, x.me, x.s, target[0])
    return False


async def act_postpone_pick(x: Ctx) -> bool:
    undecided = [i for i in await x.sessions.items(x.s)
                 if i.status in (ItemStatus.WAITING.value, ItemStatus.VOTING.value)]
    if not undecided:
        await x.alert(Phrase(N_("Every candidate is decided or postponed.")))
        return False
    await x.callback.answer()
    await x.bot.send_message(x.me, _("Which candidate is postponed to a later session?"), reply_markup=grid(
        [button(i.full_name, "ppone", x.s.id, str(i.id)) for i in undecided] + [cancel_button("pp", x.s.id)]))
    return False


async def act_postpone_ask(x: Ctx) -> bool:
    item = await x.sessions.agenda_item(x.s, arg_id(x.data), x.me)
    if isinstance(item, Phrase):
        await x.alert(item)
        return False
    await x.callback.answer()
    await x.bot.send_message(x.me, _(
        "Postpone {name} to a later session? Their votes here are not counted, and the application goes back to "
        "the accepted ones for the next session.").format(name=item.full_name), reply_markup=grid([
            button(_("Yes, postpone"), "ppok", x.s.id, str(item.id)), cancel_button("pp", x.s.id)]))
    return False


async def act_postpone(x: Ctx) -> bool:
    item = await x.sessions.postpone(x.s, arg_id(x.data), x.me)
    if isinstance(item, Phrase):
        await x.alert(item)
        return False
    await x.callback.answer(_("Postponed: {name}.").format(name=item.full_name))
    await strip_buttons(x.callback)
    await close_ballots(x, item)
    if item.user_id is not None:  # None: they erased their data
        await notify(x.bot, x.session, x.i18n, x.settings, item.user_id,
                     "«{name}» has postponed the consideration of your application to a later session; you will be "
                     "told its date.", name=x.c.name)
    return True


async def act_close(x: Ctx) -> bool:
    problem = await x.sessions.close(x.s)
    if problem is not None:
        await x.alert(problem)
        return False
    # The documents are made before the secretary is told anything: if they fail, the update rolls back and
    # the session stays open instead of being announced closed without a protocol.
    await DocumentDelivery(x.session, x.settings, x.i18n, x.commissions).issue(x.bot, x.s, x.c)
    await x.callback.answer(_("The session is closed."))
    if await x.sessions.certificates_due(x.s):
        await x.bot.send_message(x.me, _(
            "The protocol and the extracts are sent. The certificates cite the order that assigns the categories "
            "on this protocol (§12): once it is signed, enter its number and date with «📜 Enter the order "
            "assigning the categories»."))
    return True


ACTIONS: dict[str, Action] = {
    "spanel": act_panel, "sopen": act_open, "sdate": act_date, "svote": act_vote, "item": act_item,
    "iclose": act_close_item, "iforce": act_close_item, "inudge": act_nudge, "reason": act_reason,
    "ppick": act_postpone_pick, "ppone": act_postpone_ask, "ppok": act_postpone, "sclose": act_close,
}


async def secretary_action(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext,
                           session: AsyncSession, settings: Settings, i18n: I18n) -> None:
    """Every panel button; each re-checks that the presser is this session's secretary."""
    commissions, sessions = services(session, settings)
    found = await sessions.as_secretary(callback.from_user.id, callback_data.ref)
    if found is None:
        await callback.answer(_("Only the commission's secretary manages its sessions."), show_alert=True)
        return
    s, c = found
    x = Ctx(callback, callback_data, state, session, settings, i18n, commissions, sessions, s, c)
    if await ACTIONS[callback_data.act](x):
        await send_panel(x.bot, x.me, sessions, s, c)


async def ask_reason(bot: Bot, state: FSMContext, chat_id: int, s: CommissionSession, item: AgendaItem) -> None:
    await state.set_state(ReasonForm.text)
    await state.set_data({"rs_session": s.id, "rs_item": item.id})
    await bot.send_message(chat_id, _(
        "Type the reason for the decision on {name}: it goes to the «Reason» column of the protocol.").format(
        name=item.full_name), reply_markup=cancel_markup("reason", s.id))


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
    if isinstance(result, Phrase):
        if result is not REASON_LENGTH:  # anything but a length problem ends the step
            await state.clear()
            await message.answer(render(result))
        else:
            await message.answer(render(result), reply_markup=cancel_markup("reason", s.id))
        return
    await state.clear()
    await message.answer(_("The reason is recorded for {name}.").format(name=result.full_name))
    await send_panel(message.bot, message.from_user.id, sessions, s, c)


# --- ballots ---------------------------------------------------------------------------------------


async def ballot(session: AsyncSession, sessions: SessionService, s: CommissionSession, item: AgendaItem,
                 t: Translate) -> InlineKeyboardMarkup:
    scorable = await PointsService(session, sessions.commissions.rules).sheet_id(item) is not None
    return ballot_markup(s.id, item, sessions.options(item), t, scorable)


async def ballot_body(session: AsyncSession, sessions: SessionService, item: AgendaItem, member: int,
                      t: Translate) -> str:
    """The ballot's text as this member sees it now: the points, and their vote once they have voted."""
    points = PointsService(session, sessions.commissions.rules)
    vote = await sessions.own_vote(item, member)
    return ballot_text(t, item, await points.own_total(item), await points.member_total(item, member),
                       vote_line(t, vote, sessions.commissions.tz) if vote is not None else None)


async def send_ballots(x: Ctx, item: AgendaItem, users: list[int], reminder: bool = False) -> None:
    for user_id in users:
        t = await x.translator_of(user_id)
        text = await ballot_body(x.session, x.sessions, item, user_id, t)
        if reminder:
            text = t(N_("🔔 The secretary is waiting for your vote.")) + "\n\n" + text
        await reach(x.bot, user_id, text, reply_markup=await ballot(x.session, x.sessions, x.s, item, t))


async def close_ballots(x: Ctx, item: AgendaItem) -> None:
    """The vote on `item` is over (decided, or postponed): every ballot shows the member's vote and the outcome
    and loses its buttons; a member whose ballot was never pressed (recorded as abstaining) is told."""
    decided = await x.sessions.decision_of(item)
    for ballot_state in await x.sessions.ballots(item):
        t = await x.translator_of(ballot_state.member)
        outcome = choice_text(t, decided.decision, decided.assigned_category) if decided is not None else None
        text = closed_ballot_text(t, item, ballot_state.vote, ballot_state.abstained, outcome, x.commissions.tz)
        if ballot_state.message_id is not None:
            await edit_other(x.bot, ballot_state.member, ballot_state.message_id, text)
        else:
            await reach(x.bot, ballot_state.member, text)


async def present(callback: CallbackQuery, callback_data: CmCallback, state: FSMContext, session: AsyncSession,
                  settings: Settings, i18n: I18n) -> None:
    commissions, sessions = services(session, settings)
    result = await sessions.mark_present(callback.from_user.id, callback_data.ref)
    await callback.answer(render(result.message), show_alert=True)
    if await sessions.is_present(callback_data.ref, callback.from_user.id):
        await strip_buttons(callback)
    if result.ballot is not None and result.session is not None and result.commission is not None:
        x = Ctx(callback, callback_data, state, session, settings, i18n, commissions, sessions, result.session,
                result.commission)
        await send_ballots(x, result.ballot, [callback.from_user.id])


async def vote(callback: CallbackQuery, callback_data: VoteCallback, session: AsyncSession,
               settings: Settings) -> None:
    """A press on a ballot: a decision (then the categories), back to the decisions, or a category (the vote)."""
    _c, sessions = services(session, settings)
    checked = await sessions.check_voter(callback.from_user.id, callback_data.sid, callback_data.item)
    if not isinstance(checked, tuple):
        await callback.answer(render(checked), show_alert=True)
        if await sessions.vote_over(callback_data.item):
            await strip_buttons(callback)  # a ballot of a vote that is over
        return
    s, item = checked
    assert callback.bot is not None and callback.message is not None
    me, message_id = callback.from_user.id, callback.message.message_id
    await sessions.record_ballot(item, me, message_id)
    if callback_data.d == BACK:
        await callback.answer()
        await callback.bot.edit_message_reply_markup(chat_id=me, message_id=message_id,
                                                     reply_markup=await ballot(session, sessions, s, item, _))
        return
    decision = next((d for d in sessions.options(item) if d.code == callback_data.d), None)
    if decision is None:
        await callback.answer(_("This choice is not possible for this candidate."), show_alert=True)
        return
    categories = sessions.categories(item, decision)
    if categories and not callback_data.cat:
        await callback.answer()
        markup = categories_markup(s.id, item, decision, categories, _)
        await callback.bot.edit_message_reply_markup(chat_id=me, message_id=message_id, reply_markup=markup)
        return
    result = await sessions.cast(me, s.id, item.id, decision.code, callback_data.cat)
    await callback.answer(render(result.message), show_alert=not result.ok)
    if result.ok:
        # The ballot shows the vote, and the decisions again, so the member can change it while it is open.
        await callback.bot.edit_message_text(text=await ballot_body(session, sessions, item, me, _), chat_id=me,
                                             message_id=message_id,
                                             reply_markup=await ballot(session, sessions, s, item, _))


async def candidate_files(callback: CallbackQuery, callback_data: CmCallback, session: AsyncSession,
                          settings: Settings) -> None:
    """The candidate's submitted files, for a member who may vote on them, captioned in the member's language."""
    commissions, sessions = services(session, settings)
    item_id = arg_id(callback_data)
    checked = await sessions.check_voter(callback.from_user.id, callback_data.ref, item_id)
    if not isinstance(checked, tuple):
        await callback.answer(render(checked), show_alert=True)
        return
    _s, item = checked
    # An erased candidate's kept row has no files to show (and no account they belong to).
    files = await submitted_files_of(commissions, item.application_id, item.user_id) if item.user_id else []
    await callback.answer(_("Files: {count}").format(count=len(files)))
    assert callback.bot is not None
    for f in files:
        caption = file_caption(_, f.item_id, item.full_name)
        if f.kind == "photo":
            await callback.bot.send_photo(callback.from_user.id, f.file_id, caption=caption)
        else:
            await callback.bot.send_document(callback.from_user.id, f.file_id, caption=caption)


def create_router() -> Router:
    from features.commission.order import handlers as commission_order

    router = Router(name="commission_session")
    router.message.register(session_date, StateFilter(NewSession.date), NOT_A_COMMAND)
    router.message.register(changed_date, StateFilter(ChangeDate.date), NOT_A_COMMAND)
    router.message.register(reason_text, StateFilter(ReasonForm.text), NOT_A_COMMAND)
    router.callback_query.register(new_session, CmCallback.filter(F.act == "snew"))
    router.callback_query.register(present, CmCallback.filter(F.act == "here"))
    router.callback_query.register(secretary_action, CmCallback.filter(F.act.in_(set(ACTIONS))))
    router.callback_query.register(candidate_files, CmCallback.filter(F.act == "vfiles"))
    router.callback_query.register(vote, VoteCallback.filter())
    router.include_router(commission_order.create_router())
    return router
