"""What /verify, /verify_key and /revoke say: a document's facts and status, the public key, the confirmation."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards import grid
from features.verification.callbacks import RevokeAct, RevokeCallback
from features.verification.payload import Facts, display_code, masked_iin
from features.verification.service import KIND_LABELS, UNKNOWN_CODE, Status, Verdict, reason_text
from scoring.categories import Category
from scoring.dates import format_day
from scoring.i18n import N_

Translate = Callable[[str], str]

STATUS_LINES = {
    Status.VALID: N_("✅ Valid: the document was issued with these facts and stands."),
    Status.REVOKED: N_("⛔ Revoked on {date}. Reason: {reason}. The document is not valid."),
    Status.EXPIRED: N_("⌛ Expired: it was valid until {date}."),
    Status.INVALID: N_("❌ Not valid: the QR code's facts or signature were altered, or it was not issued by this "
                       "education authority."),
}


def category_label(t: Translate, key: str) -> str:
    try:
        return t(Category(key).label)
    except ValueError:
        return key or "—"


def fact_lines(t: Translate, facts: Facts) -> list[tuple[str, str]]:
    """(label, value) of every fact a verifier is shown: the IIN only by its last four digits."""
    number_label = N_("Registration number") if facts.kind == "certificate" else N_("Minutes No.")
    return [
        (t(N_("Document")), t(KIND_LABELS.get(facts.kind, facts.kind))),
        (t(N_("Code")), display_code(facts.code)),
        (t(N_("Full name")), facts.full_name),
        (t(N_("IIN")), masked_iin(facts.iin_last4)),
        (t(N_("Qualification category")), category_label(t, facts.category)),
        (t(N_("Date of the decision")), format_day(facts.decided_on)),
        (t(N_("Commission")), facts.commission),
        (t(N_("Valid until")), format_day(facts.valid_until) if facts.valid_until else "—"),
        (t(number_label), facts.number or "—"),
    ]


def status_line(t: Translate, verdict: Verdict, revoked_on: str = "") -> str:
    if verdict.status is Status.UNKNOWN:
        return t(UNKNOWN_CODE).format(code=verdict.code or "—")
    facts = verdict.facts
    return t(STATUS_LINES[verdict.status]).format(
        date=revoked_on if verdict.status is Status.REVOKED else (
            format_day(facts.valid_until) if facts and facts.valid_until else "—"),
        reason=reason_text(t, verdict.revoked_reason))


def verdict_text(verdict: Verdict, revoked_on: str) -> str:
    lines = [status_line(_, verdict, revoked_on)]
    if verdict.facts is not None and verdict.status is not Status.INVALID:
        lines.append("")
        lines += [f"{label}: {value}" for label, value in fact_lines(_, verdict.facts)]
    return "\n".join(lines)


def usage_text() -> str:
    return _("Send /verify and the code printed under the QR code of a certificate or an extract, e.g. "
             "/verify ABCD-EFGH-JK; or paste the text of its QR code after /verify.")


def public_key_text(pem: str, fingerprint: str, url: str | None) -> str:
    lines = [_("The education authority's public key for checking the QR codes of its certificates offline "
               "(Ed25519), fingerprint {fingerprint}:").format(fingerprint=fingerprint), "", pem.strip()]
    if url:
        lines += ["", _("Also published at {url}").format(url=f"{url.rstrip('/')}/key")]
    lines += ["", _("Check a QR code with it: python -m features.verification verify --public-key key.pem "
                    "\"<text of the QR code>\"")]
    return "\n".join(lines)


def revoke_usage_text() -> str:
    return _("Send /revoke CODE and the reason, e.g. /revoke ABCD-EFGH-JK the decision was overturned on appeal.")


def confirm_view(facts: Facts, reason: str, document_id: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("Revoke this document? It will show as revoked everywhere and its holder will be told."), ""]
    lines += [f"{label}: {value}" for label, value in fact_lines(_, facts)]
    lines += ["", _("Reason: {reason}").format(reason=reason)]
    markup = grid([
        InlineKeyboardButton(text=_("Revoke"), callback_data=RevokeCallback(act=RevokeAct.CONFIRM,
                                                                            doc=document_id).pack()),
        InlineKeyboardButton(text=_("Cancel"), callback_data=RevokeCallback(act=RevokeAct.CANCEL).pack()),
    ], columns=2)
    return "\n".join(lines), markup


def revoked_text(code: str, day: str) -> str:
    return _("The document {code} is revoked as of {date}; its holder is told.").format(code=display_code(code),
                                                                                         date=day)


def cancelled_text() -> str:
    return _("Nothing was revoked.")
