"""What /rules shows: the sets loaded, a file's problems, the diff, the year and confirm buttons; and the
message a teacher reads about what a new set changes for her."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards import grid
from features.rules.callbacks import RulesAct, RulesCallback
from features.rules.service import Checked, Entry, Loaded
from scoring.dates import format_moment
from scoring.i18n import N_, Phrase
from scoring.rulesets import Problem
from scoring.rulesets.changes import year_label

# Telegram's limit is 4096 characters; longer diffs go as a file.
MAX_TEXT = 3500


def listing_text(entries: Sequence[Entry]) -> str:
    lines = [_("Rule sets loaded:")]
    for entry in entries:
        s = entry.ruleset
        if entry.stored is None:
            source = _("built in")
        else:
            source = _("loaded {moment} by {admin}").format(moment=format_moment(entry.stored.loaded_at),
                                                          admin=entry.stored.loaded_by or "—")
        lines.append(_("• {key}: {title}; from {year}; {order}; {source}").format(
            key=s.key, title=s.title, year=year_label(s.first_year), order=s.source.order, source=source))
    lines.append("")
    lines.append(_("To load a set, send its .toml file here (copy scoring/rulesets/2024-pilot.toml, edit it, "
                   "check it with python -m scoring rules check FILE)."))
    return "\n".join(lines)


def problems_text(file_name: str, problems: Sequence[Problem]) -> str:
    head = _("The rule set {file} cannot be loaded: {count} problem(s). Fix them and send the file again.").format(
        file=file_name, count=len(problems))
    lines = [head, *(f"• {problem}" for problem in problems)]
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def diff_view(checked: Checked) -> tuple[str, BufferedInputFile | None]:
    """The diff, criterion by criterion: in the message if short, else a summary and the whole as a file."""
    assert checked.ruleset is not None and checked.current is not None
    head = _("The file is valid: {key} ({title}). Against {current}, in force today, it changes {count}:").format(
        key=checked.ruleset.key, title=checked.ruleset.title, current=checked.current.key,
        count=len(checked.changes))
    lines = [str(change) for change in checked.changes] or [_("nothing")]
    text = "\n".join([head, *lines])
    if len(text) <= MAX_TEXT:
        return text, None
    body = "\n".join(lines).encode()
    return "\n".join([head, *lines[:10], _("… the whole diff is in the file.")])[:MAX_TEXT], BufferedInputFile(
        body, filename=f"diff-{checked.ruleset.key.replace('@', '-')}.txt")


def year_text() -> str:
    return _("From which academic year does this set apply?")


def year_keyboard(years: Sequence[int]) -> InlineKeyboardMarkup:
    return grid([InlineKeyboardButton(text=year_label(y), callback_data=RulesCallback(act=RulesAct.YEAR,
                                                                                       year=y).pack())
                 for y in years] + [cancel_button()], columns=2)


def cancel_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("Cancel"), callback_data=RulesCallback(act=RulesAct.CANCEL).pack())


def confirm_view(key: str, year: int) -> tuple[str, InlineKeyboardMarkup]:
    text = _("Load {key} for applications from {year} on? Applications already submitted keep their rules; "
             "teachers in progress are told what changes for them.").format(key=key, year=year_label(year))
    markup = grid([InlineKeyboardButton(text=_("Load"), callback_data=RulesCallback(act=RulesAct.CONFIRM).pack()),
                   cancel_button()], columns=2)
    return text, markup


def loaded_text(loaded: Loaded) -> str:
    key, year = loaded.ruleset.key, year_label(loaded.year)
    if loaded.telling:
        return _("Loaded: {key} applies from {year}. Each teacher in progress is being told what changes for "
                 "her; you will get the count when it is done.").format(key=key, year=year)
    return _("Loaded: {key} applies from {year}. Teachers told what changes for them: {told}.").format(
        key=key, year=year, told=0)


def notices_done_text(key: str, told: int, tr: Callable[[str], str]) -> str:
    """To the admin who loaded the set, in her language, once every teacher in progress has been handled."""
    return tr(N_("Rule set {key}: teachers told what changes for them: {told}.")).format(key=key, told=told)


def cancelled_text() -> str:
    return _("Nothing was loaded.")


def send_file_text() -> str:
    return _("Send the rule set as a .toml file.")


def changes_message(changes: list[Phrase], tr: Callable[[str], str]) -> str:
    """What a teacher reads, in her language: each change for her on its own line."""
    head = tr(N_("The attestation rules change. For you this means:"))
    return "\n".join([head, *(f"• {change.render(tr)}" for change in changes)])
