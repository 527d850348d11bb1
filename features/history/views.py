"""What /history says: her attestations, a page at a time, with a button per document kept."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.i18n import render
from features.commission.documents.delivery import CERTIFICATE_CAPTION, EXTRACT_CAPTION
from features.history.callbacks import DocumentKind, HistoryAct, HistoryCallback
from features.history.service import AttestationRecord, Complaint, History, IssuedDocument, Outcome, Resent
from scoring.categories import Category
from scoring.commission import Decision
from scoring.dates import format_day
from scoring.rulesets.changes import year_label

# Telegram's limit is 4096 characters; a page stays below it with room for its header.
PAGE_CHARS = 3600
PER_PAGE = 5

ICONS = {Outcome.ASSIGNED: "✅", Outcome.NOT_CONFIRMED: "➖", Outcome.REFUSED: "⛔",
         Outcome.REFUSED_ON_SUBMISSION: "⛔", Outcome.WITHDRAWN: "↩️", Outcome.SCHEDULED: "⏳", Outcome.PENDING: "⏳"}


def category_label(value: str | None) -> str:
    try:
        return _(Category(value).label) if value else "—"
    except ValueError:
        return value or "—"


def day(value: date | None) -> str:
    return format_day(value) if value is not None else "—"


def outcome_line(r: AttestationRecord) -> str:
    when, commission = day(r.outcome_on), r.commission or "—"
    if r.outcome in (Outcome.ASSIGNED, Outcome.NOT_CONFIRMED):
        return _("Decision of {date}, «{commission}»: {decision}.").format(
            date=when, commission=commission, decision=_(Decision(r.decision).label) if r.decision else "—")
    texts = {
        Outcome.REFUSED: _("Refused on {date} by «{commission}» (App 7)."),
        Outcome.REFUSED_ON_SUBMISSION: _("Refused when submitted, on {date} (App 7)."),
        Outcome.WITHDRAWN: _("Withdrawn on {date}."),
        Outcome.SCHEDULED: _("Pending: on the agenda of the session of «{commission}» on {date}."),
        Outcome.PENDING: _("Pending: submitted on {date}, not decided yet."),
    }
    return texts[r.outcome].format(date=when, commission=commission)


def category_line(r: AttestationRecord) -> str | None:
    if r.outcome is Outcome.ASSIGNED:
        return _("Category: {category}, valid until {until}.").format(category=category_label(r.category),
                                                                     until=day(r.valid_until))
    if r.outcome is Outcome.NOT_CONFIRMED:
        return _("No category was assigned by this decision.")
    return None


def document_name(d: IssuedDocument) -> str:
    formats = ", ".join(f.upper() for f in d.formats)
    if d.kind is DocumentKind.CERTIFICATE:
        name = _("certificate No. {number} ({formats})").format(number=d.number or "—", formats=formats)
    else:
        name = _("extract from the protocol ({formats})").format(formats=formats)
    return _("{document} — ⛔ revoked").format(document=name) if d.revoked else name


def complaint_line(c: Complaint) -> str:
    return _("Complaint No. {number} of {date}: {state}").format(number=c.number, date=format_day(c.filed_on),
                                                                 state=render(c.state))


def record_text(r: AttestationRecord) -> str:
    head = _("{icon} {year}, application No. {number}").format(icon=ICONS[r.outcome], year=year_label(
        r.academic_year), number=r.number or "—")
    lines = [head, _("Claim: {category}; rules: «{rules}».").format(category=category_label(r.claimed),
                                                                   rules=r.rule_set_title), outcome_line(r)]
    category = category_line(r)
    if category is not None:
        lines.append(category)
    if r.documents:
        lines.append(_("Documents: {documents}.").format(documents="; ".join(document_name(d) for d in r.documents)))
    lines += [complaint_line(c) for c in r.complaints]
    return "\n".join(lines)


def pages(history: History) -> list[list[tuple[AttestationRecord, str]]]:
    """Her attestations in pages of at most PER_PAGE that fit one message, each with its text."""
    out: list[list[tuple[AttestationRecord, str]]] = []
    size = 0
    for record in history.records:
        text = record_text(record)[:PAGE_CHARS]
        if not out or len(out[-1]) >= PER_PAGE or size + len(text) + 2 > PAGE_CHARS:
            out.append([])
            size = 0
        out[-1].append((record, text))
        size += len(text) + 2
    return out


def document_button(r: AttestationRecord, d: IssuedDocument) -> InlineKeyboardButton:
    year = year_label(r.academic_year)
    label = (_("📜 Certificate, {year}") if d.kind is DocumentKind.CERTIFICATE else _("📄 Extract, {year}")).format(
        year=year)
    return InlineKeyboardButton(text=label, callback_data=HistoryCallback(act=HistoryAct.RESEND, item=d.item_id,
                                                                          kind=d.kind).pack())


def page_buttons(page: int, count: int) -> list[InlineKeyboardButton]:
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton(text="◀️", callback_data=HistoryCallback(act=HistoryAct.PAGE,
                                                                                     page=page - 1).pack()))
    if page < count - 1:
        buttons.append(InlineKeyboardButton(text="▶️", callback_data=HistoryCallback(act=HistoryAct.PAGE,
                                                                                     page=page + 1).pack()))
    return buttons


def history_view(history: History, page: int = 0) -> tuple[str, InlineKeyboardMarkup | None]:
    """Page `page` of her record (the last one when there are fewer), with its documents' buttons."""
    split = pages(history)
    if not split:
        return _("You have no attestations in the bot yet. Once you submit an application (/submit), it and the "
                 "commission's decision are kept here, year after year."), None
    page = min(page, len(split) - 1)
    head = _("📚 Your attestations: {count}.").format(count=len(history.records))
    if len(split) > 1:
        head += " " + _("Page {page} of {pages}.").format(page=page + 1, pages=len(split))
    text = "\n\n".join([head, *(entry for _record, entry in split[page])])
    rows = [[document_button(record, d)] for record, _entry in split[page] for d in record.documents]
    navigation = page_buttons(page, len(split))
    if navigation:
        rows.append(navigation)
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def document_caption(resent: Resent) -> str:
    """The caption the document had when it was first sent, in her language."""
    applicant = resent.item.full_name
    if resent.kind is DocumentKind.CERTIFICATE:
        return _(CERTIFICATE_CAPTION).format(applicant=applicant)
    return _(EXTRACT_CAPTION).format(number=resent.session.number, date=format_day(resent.session.session_date),
                                     applicant=applicant)
