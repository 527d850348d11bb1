"""What a commission session shows: the secretary's panel and prompts, and what the members and teachers are
told from the secretary's update (each in their own language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.i18n import render
from bot.keyboards import grid
from features.commission.flows import Flow, cancel_button
from features.commission.notices import scheduled_text
from features.commission.session.ballot import (
    ballot_markup,
    ballot_text,
    categories_markup,
    choice_text,
    closed_ballot_text,
    vote_line,
)
from features.commission.session.callbacks import PresenceCallback, SessionAct, SessionCallback
from features.commission.session.service import (
    Addressee,
    Ballot,
    NotVoted,
    Opening,
    Panel,
    PanelRow,
    Postponed,
    Scheduled,
    VoteClosing,
    VoteOver,
    VoteProgress,
)
from scoring.categories import Category
from scoring.commission import Decision
from scoring.dates import format_day
from scoring.i18n import N_, Phrase
from storage.commission_models import AgendaItem, CommissionSession, ItemStatus, SessionStatus

Translate = Callable[[str], str]

STATUS_LABELS = {
    SessionStatus.DRAFT: N_("not opened"),
    SessionStatus.OPEN: N_("open: members mark themselves present"),
    SessionStatus.VOTING: N_("voting"),
    SessionStatus.CLOSED: N_("closed"),
}
MARKS = {ItemStatus.WAITING.value: "⏳", ItemStatus.VOTING.value: "🗳", ItemStatus.CLOSED.value: "✅",
         ItemStatus.DEFERRED.value: "⏭"}


@dataclass(frozen=True)
class Note:
    """A message to someone else: sent, or (with `edit`) written over their message `edit`."""

    user_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None
    edit: int | None = None


def translator(i18n: I18n, addressee: Addressee) -> Translate:
    return partial(i18n.gettext, locale=addressee.locale)


def session_button(text: str, act: SessionAct, session_id: int, item: int = 0,
                   absent: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=SessionCallback(
        act=act, session=session_id, item=item, absent=absent).pack())


# --- the secretary's panel ---------------------------------------------------------------------


def progress_text(p: VoteProgress) -> str:
    """Votes cast against the members present who may vote, and who is still to vote."""
    text = _("votes: {voted} of {voters} members present").format(voted=len(p.voted), voters=len(p.voters))
    if p.abstained:
        text += _("; abstained: {count}").format(count=len(p.abstained))
    if p.missing and p.item.status == ItemStatus.VOTING.value:
        text += _("; not yet: {names}").format(names=", ".join(p.names_of(p.missing)))
    return text


def item_line(row: PanelRow) -> str:
    item = row.item
    line = f"{MARKS[item.status]} {item.position}. {item.full_name} — {_(Category(item.claimed_category).label)}"
    if item.status == ItemStatus.DEFERRED.value:
        return line + " — " + _("postponed to a later session")
    if row.decision is not None:
        line += " — " + choice_text(_, row.decision.decision, row.decision.assigned_category)
    if row.progress is not None:
        line += "\n    " + progress_text(row.progress)
    return line


def panel_text(panel: Panel) -> str:
    s, c = panel.session, panel.commission
    lines = [
        _("Session No. {number} of «{name}», {date}").format(number=s.number, name=c.name,
                                                             date=format_day(s.session_date)),
        _("Status: {status}").format(status=_(STATUS_LABELS[SessionStatus(s.status)])),
        _("Present: {present} of {members} (quorum {quorum})").format(present=panel.present, members=panel.members,
                                                                     quorum=panel.quorum),
        _("Agenda:"),
    ]
    lines += [item_line(row) for row in panel.rows]
    if s.order_number and s.order_date:
        lines.append(_("Order assigning the categories: No. {number} of {date}").format(
            number=s.order_number, date=format_day(s.order_date)))
    return "\n".join(lines)


def panel_keyboard(panel: Panel) -> InlineKeyboardMarkup | None:
    s = panel.session
    refresh = session_button(_("🔄 Refresh"), SessionAct.PANEL, s.id)
    status = SessionStatus(s.status)
    if status is SessionStatus.DRAFT:
        return grid([session_button(_("▶️ Open the session"), SessionAct.OPEN, s.id),
                     session_button(_("🗓 Change the date"), SessionAct.DATE, s.id), refresh])
    if status is SessionStatus.OPEN:
        return grid([session_button(_("🗳 Start voting"), SessionAct.VOTING, s.id), refresh])
    if status is SessionStatus.CLOSED:
        if panel.certificates_due:
            return grid([session_button(_("📜 Enter the order assigning the categories"), SessionAct.ORDER, s.id)])
        return None
    return grid([*voting_buttons(panel), refresh])


def voting_buttons(panel: Panel) -> list[InlineKeyboardButton]:
    s = panel.session
    buttons = []
    for row in panel.rows:
        item = row.item
        if item.status == ItemStatus.WAITING.value:
            buttons.append(session_button(_("Put to the vote: {name}").format(name=item.full_name), SessionAct.PUT,
                                          s.id, item.id))
        elif item.status == ItemStatus.VOTING.value:
            buttons.append(session_button(_("Close the vote: {name}").format(name=item.full_name),
                                          SessionAct.CLOSE_VOTE, s.id, item.id))
    for item in panel.missing_reasons:
        buttons.append(session_button(_("✍️ Reason: {name}").format(name=item.full_name), SessionAct.REASON, s.id,
                                      item.id))
    if panel.undecided:
        buttons.append(session_button(_("⏭ Postpone a candidate"), SessionAct.POSTPONE_PICK, s.id))
    buttons.append(session_button(_("🏁 Close the session and issue the documents"), SessionAct.CLOSE, s.id))
    return buttons


# --- the secretary's prompts -------------------------------------------------------------------


def new_session_prompt() -> str:
    return _("Date of the session, DD.MM.YYYY (today or later, not before the registration date of an application "
             "on it; the session is opened on that day):")


def change_date_prompt(s: CommissionSession) -> str:
    return _("New date of session No. {number}, DD.MM.YYYY:").format(number=s.number)


def reason_prompt(item: AgendaItem) -> str:
    return _("Type the reason for the decision on {name}: it goes to the «Reason» column of the protocol.").format(
        name=item.full_name)


def cannot_open_text(problems: list[Phrase]) -> str:
    return _("The session cannot be opened:") + "\n" + "\n".join("• " + render(p) for p in problems)


def close_anyway_prompt(not_voted: NotVoted) -> tuple[str, InlineKeyboardMarkup]:
    session_id = not_voted.item.session_id
    names = ", ".join(not_voted.names)
    text = _("Not every member present has voted on {name}. Still to vote: {names}.\nWait for their votes (they can "
             "be reminded), or close the vote anyway: they are then recorded as abstaining.").format(
        name=not_voted.item.full_name, names=names)
    return text, grid([
        session_button(_("🔔 Remind them"), SessionAct.NUDGE, session_id, not_voted.item.id),
        session_button(_("Close anyway, recording as abstaining: {names}").format(names=names),
                       SessionAct.CLOSE_ANYWAY, session_id, not_voted.item.id, not_voted.key),
        cancel_button(Flow.CLOSE_ANYWAY, session_id)])


def postpone_pick_prompt(s: CommissionSession, undecided: list[AgendaItem]) -> tuple[str, InlineKeyboardMarkup]:
    return _("Which candidate is postponed to a later session?"), grid(
        [session_button(i.full_name, SessionAct.POSTPONE_ASK, s.id, i.id) for i in undecided]
        + [cancel_button(Flow.POSTPONE, s.id)])


def postpone_prompt(s: CommissionSession, item: AgendaItem) -> tuple[str, InlineKeyboardMarkup]:
    return _("Postpone {name} to a later session? Their votes here are not counted, and the application goes back "
             "to the accepted ones for the next session.").format(name=item.full_name), grid([
                 session_button(_("Yes, postpone"), SessionAct.POSTPONE, s.id, item.id),
                 cancel_button(Flow.POSTPONE, s.id)])


def closed_session_text() -> str:
    return _("The protocol and the extracts are sent. The certificates cite the order that assigns the categories "
             "on this protocol (§12): once it is signed, enter its number and date with «📜 Enter the order "
             "assigning the categories».")


# --- what the others are told ------------------------------------------------------------------


def scheduled_notes(i18n: I18n, scheduled: Scheduled) -> list[Note]:
    """Each teacher on the agenda learns the date of the session, in her language (again when it moves)."""
    s, c = scheduled.panel.session, scheduled.panel.commission
    return [Note(who.user_id, scheduled_text(translator(i18n, who), number, c, s, item))
            for who, number, item in scheduled.teachers]


def opened_notes(i18n: I18n, opening: Opening) -> list[Note]:
    """Each member is asked to mark themselves present."""
    assert opening.panel is not None
    s, c = opening.panel.session, opening.panel.commission
    notes = []
    for member in opening.members:
        t = translator(i18n, member)
        notes.append(Note(member.user_id, t(N_("Session No. {number} of «{name}» on {date} is open. Mark yourself "
                                               "present:")).format(number=s.number, name=c.name,
                                                                    date=format_day(s.session_date)),
                          InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                              text=t(N_("✋ I am present")), callback_data=PresenceCallback(session=s.id).pack())]])))
    return notes


def ballot_body(t: Translate, ballot: Ballot, tz: ZoneInfo) -> str:
    """The ballot's text as its member sees it now: the points, and their vote once they have voted."""
    return ballot_text(t, ballot.item, ballot.own, ballot.mine,
                       vote_line(t, ballot.vote, tz) if ballot.vote is not None else None)


def ballot_keyboard(t: Translate, ballot: Ballot) -> InlineKeyboardMarkup:
    return ballot_markup(ballot.session_id, ballot.item, ballot.options, t, ballot.scorable)


def categories_keyboard(t: Translate, ballot: Ballot, decision: Decision,
                        categories: tuple[Category, ...]) -> InlineKeyboardMarkup:
    return categories_markup(ballot.session_id, ballot.item, decision, categories, t)


def ballot_note(i18n: I18n, ballot: Ballot, tz: ZoneInfo, reminder: bool = False) -> Note:
    t = translator(i18n, ballot.member)
    text = ballot_body(t, ballot, tz)
    if reminder:
        text = t(N_("🔔 The secretary is waiting for your vote.")) + "\n\n" + text
    return Note(ballot.member.user_id, text, ballot_keyboard(t, ballot))


def vote_over_notes(i18n: I18n, over: VoteOver, tz: ZoneInfo) -> list[Note]:
    """The vote on a candidate is over (decided, or postponed): every ballot shows the member's vote and the
    outcome and loses its buttons; a member whose ballot was never pressed (recorded as abstaining) is told."""
    notes = []
    for state in over.ballots:
        t = translator(i18n, state.member)
        outcome = choice_text(t, over.decision.decision, over.decision.assigned_category) if over.decision else None
        text = closed_ballot_text(t, over.item, state.vote, state.abstained, outcome, tz)
        notes.append(Note(state.member.user_id, text, edit=state.message_id))
    return notes


def no_decision_notes(i18n: I18n, closing: VoteClosing) -> list[Note]:
    """The vote stays open: each member who may vote hears why, in their language, and can change their vote."""
    closed = closing.closed
    assert closed is not None
    notes = []
    for voter in closing.voters:
        t = translator(i18n, voter)
        notes.append(Note(voter.user_id, t(N_("The vote on {name} gave no decision: {why}")).format(
            name=closed.item.full_name, why=closed.tally.explain().render(t))))
    return notes


def postponed_notes(i18n: I18n, postponed: Postponed) -> list[Note]:
    if postponed.teacher is None:
        return []
    t = translator(i18n, postponed.teacher)
    return [Note(postponed.teacher.user_id, t(N_(
        "«{name}» has postponed the consideration of your application to a later session; you will be told its "
        "date.")).format(name=postponed.commission.name))]
