"""What /delete_me says: what it erases, what a commission keeps of the person, why and until when."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.i18n import render
from bot.keyboards import grid
from features.privacy.callbacks import DeleteMeCallback
from features.privacy.service import NOTHING_TO_ERASE, Erased, Kept
from scoring.i18n import Phrase


def kept_text(kept: Kept) -> str:
    if not kept:
        return ""
    lines = ["", _("Kept, because a commission must keep the records of its decisions; they no longer point to "
                   "your Telegram account:")]
    for what, why, until in kept:
        lines += ["", "• " + render(what), _("Why: {reason}").format(reason=render(why)), render(until)]
    return "\n".join(lines)


def erasure_prompt(kept: Kept) -> str:
    parts = [_("This withdraws your consent and erases your profile and everything you have entered: documents, "
               "essay, self-assessment, applications, and your part in commissions. It cannot be undone.")]
    if kept:
        parts.append(kept_text(kept))
    parts += ["", _("Erase?")]
    return "\n".join(parts)


def erasure_done(result: Erased) -> str:
    parts = [_("Your consent is withdrawn and your personal data is erased.")]
    if result.kept:
        parts.append(kept_text(result.kept))
    parts += ["", _("The messages of this chat and the files you sent stay in Telegram until you delete the chat. "
                    "Send /start to begin again.")]
    return "\n".join(parts)


def erasure_outcome(result: Erased | Phrase) -> str:
    """After the confirmation: what was erased and kept, or why nothing was (a session in progress)."""
    if isinstance(result, Phrase):
        return render(result)
    return erasure_done(result) if result.existed else render(NOTHING_TO_ERASE)


def delete_me_keyboard() -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_("Yes, erase my data"), callback_data=DeleteMeCallback(confirm=True).pack()),
        InlineKeyboardButton(text=_("No, keep it"), callback_data=DeleteMeCallback(confirm=False).pack()),
    ], columns=2)
