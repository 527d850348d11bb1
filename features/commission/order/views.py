"""What the secretary sees while entering the order assigning the categories."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards import grid
from features.commission.flows import Flow, cancel_button
from features.commission.order.callbacks import OrderAct, OrderCallback
from scoring.dates import format_day
from storage.commission_models import CommissionSession


def order_button(text: str, act: OrderAct, s: CommissionSession) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=OrderCallback(act=act, session=s.id).pack())


def number_prompt(s: CommissionSession) -> str:
    return _("The order that assigns the categories on protocol No. {number} of {date} (§12). Its number:").format(
        number=s.number, date=format_day(s.session_date))


def date_prompt() -> str:
    return _("Date of the order, DD.MM.YYYY:")


def issuer_prompt() -> str:
    return _("Full name of the education organisation or education authority that issued the order (as on the "
             "certificate, App 1):")


def signatory_prompt() -> str:
    return _("Surname, name and patronymic of the head of the organisation or authority, who signs the "
             "certificates:")


def with_previous(s: CommissionSession, previous: str | None, act: OrderAct) -> InlineKeyboardMarkup:
    """The step's Cancel, after the value of the commission's previous order (if it had one)."""
    buttons = [order_button(_("As before: {value}").format(value=previous)[:60], act, s)] if previous else []
    return grid([*buttons, cancel_button(Flow.ORDER, s.id)])


def confirm_prompt(s: CommissionSession, number: str, when: date, issuer: str,
                   signatory: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _("Order No. {number} of {date} of «{issuer}»; the certificates are signed by {signatory}.\nIssue the "
             "certificates of protocol No. {protocol} and send them to the teachers?").format(
        number=number, date=format_day(when), issuer=issuer, signatory=signatory, protocol=s.number)
    return text, grid([order_button(_("✅ Issue the certificates"), OrderAct.ISSUE, s),
                       cancel_button(Flow.ORDER, s.id)])


def issued_text(count: int) -> str:
    return _("Certificates issued: {count}.").format(count=count)
