"""What the secretary's review shows: /agenda per commission, the card's buttons, the grounds, the teacher's notices."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards import grid
from features.commission.agenda.callbacks import GroundCallback, GroundsChosenCallback, ReviewAct, ReviewCallback
from features.commission.agenda.service import CommissionAgenda
from features.commission.composition.views import order_buttons
from features.commission.flows import Flow, cancel_button
from features.commission.session.callbacks import SessionAct, SessionCallback
from features.dossier.callbacks import DossierAct
from features.dossier.views import dossier_button
from scoring.commission import RefusalGround
from scoring.dates import format_day
from scoring.i18n import N_
from storage.commission_models import Commission

Translate = Callable[[str], str]

ACCEPTED = N_("Your application No. {number} is accepted by «{name}» and will be considered at a session.")
REFUSED = N_("Your application No. {number} is refused by «{name}» (App 7). Grounds:\n{grounds}\nDocuments: "
             "{documents}\nYou can correct them and submit again with /submit.")


def _review_button(text: str, act: ReviewAct, application_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=ReviewCallback(act=act, application=application_id).pack())


def _session_button(text: str, data: SessionCallback) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def agenda_text(agenda: CommissionAgenda) -> str:
    return _("«{name}»: {pending} to review, {accepted} accepted for a session.").format(
        name=agenda.commission.name, pending=len(agenda.pending), accepted=agenda.accepted)


def agenda_keyboard(agenda: CommissionAgenda) -> InlineKeyboardMarkup | None:
    """The applications to review, a new session, the sessions not closed and the orders awaited."""
    buttons = [_review_button(_("📄 {name}").format(name=(a.profile.full_name if a.profile else None) or "—"),
                              ReviewAct.CARD, a.review.application_id) for a in agenda.pending]
    if agenda.accepted:
        buttons.append(_session_button(_("🗓 New session ({count} accepted)").format(count=agenda.accepted),
                                       SessionCallback(act=SessionAct.NEW, commission=agenda.commission.id)))
    buttons += [_session_button(_("Session: {date}").format(date=format_day(s.session_date)),
                                SessionCallback(act=SessionAct.PANEL, session=s.id)) for s in agenda.sessions]
    buttons += order_buttons(agenda.awaiting_order)
    return grid(buttons) if buttons else None


def card_keyboard(application_id: int, pending: bool) -> InlineKeyboardMarkup:
    """The applicant's card: the files and the dossier always; Accept and Refuse only while the application waits
    for a decision."""
    buttons = [_review_button(_("📎 Send the files"), ReviewAct.FILES, application_id),
               dossier_button(DossierAct.REVIEW, application_id)]
    if pending:
        buttons += [_review_button(_("✅ Accept for a session"), ReviewAct.ACCEPT, application_id),
                    _review_button(_("❌ Refuse"), ReviewAct.REFUSE, application_id)]
    return grid(buttons)


def grounds_keyboard(application_id: int, ticked: set[str]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=("☑️ " if g.value in ticked else "⬜ ") + _(g.label),
                                    callback_data=GroundCallback(application=application_id, ground=g).pack())
               for g in RefusalGround]
    buttons.append(InlineKeyboardButton(text=_("Done"), callback_data=GroundsChosenCallback(
        application=application_id).pack()))
    buttons.append(cancel_button(Flow.REFUSE, application_id))
    return grid(buttons)


def grounds_question() -> str:
    return _("Choose the grounds for refusal (App 4, item 9):")


def acceptance_notice(t: Translate, number: str | int, c: Commission) -> str:
    """What the teacher is told of the acceptance, in her language."""
    return t(ACCEPTED).format(number=number, name=c.name)


def refusal_notice(t: Translate, number: str | int, c: Commission, grounds: list[RefusalGround],
                   documents: str) -> str:
    """The refusal notice (App 7) in the teacher's language; it is also stored with the application."""
    return t(REFUSED).format(number=number, name=c.name, grounds="\n".join("• " + t(g.label) for g in grounds),
                             documents=documents)
