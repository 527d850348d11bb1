"""Every user-facing string of app/, bot/, features/ and scoring/ is one pybabel extracts (tests/gettext_audit.py);
and the audit does find each kind of string it cannot see, planted in a module."""

from __future__ import annotations

from tests.gettext_audit import audit, audit_source

PLANTED = '''
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from scoring.i18n import N_

STATUS = {"draft": "not opened", "open": N_("open")}
MARKED = {"draft": N_("not opened")}
ICONS = {"draft": "⏳"}


async def planted(message, bot, i18n, points, name, status, tr):
    await message.answer(f"{_('Points')}: {points}")                      # 1 _() inside an f-string
    await message.answer(tr("Refused by the commission"))                 # 2 a translator pybabel does not know
    await message.answer(_(f"Hello, {name}"))                             # 3 built at run time: f-string
    await message.answer(_("Hello, " + name))                             # 4 built at run time: +
    await message.answer(_("Hello, {name}".format(name=name)))            # 5 formatted before translating
    await message.answer(_(STATUS[status]))                               # 6 a constant not marked with N_()
    await bot.send_message(1, "Your application is accepted")             # 7 a literal shown as it is
    await message.answer(f"Total: {points}")                              # 8 an f-string with words
    await message.edit_text("Saved" if points else _("Nothing"))          # 9 one branch untranslated
    InlineKeyboardButton(text="Next", callback_data="x")                  # 10 a button label
    await message.answer(i18n.gettext("Welcome" if points else "Bye"))    # 11 a conditional msgid


async def clean(message, bot, i18n, points, name, status, label, tr, callback):
    await message.answer(_("Points: {points}").format(points=points))
    await message.answer(tr(N_("Refused by the commission")))
    await message.answer(_(MARKED[status]) + " " + ICONS[status])
    await message.answer(f"✏️ {_(label)}")
    await message.answer(f"{points} · {_(label)} — {name}")
    await bot.send_message(1, "⬅️")
    await callback.answer()
    InlineKeyboardButton(text=f"❌ {points}", callback_data="x")
    await message.answer(i18n.gettext("Welcome", locale="kk"))
'''


def test_the_code_shows_no_text_the_extractor_cannot_see() -> None:
    findings = audit()
    assert findings == [], "\n".join(str(f) for f in findings)


def test_every_planted_kind_of_invisible_text_is_found() -> None:
    findings = audit_source("planted.py", PLANTED)
    source = PLANTED.splitlines()
    flagged = {source[f.line - 1].split("# ")[-1].split()[0] for f in findings if "# " in source[f.line - 1]}
    assert flagged == {str(n) for n in range(1, 12)}, "\n".join(str(f) for f in findings)
    clean_from = next(n for n, line in enumerate(source, 1) if line.startswith("async def clean"))
    assert [f for f in findings if f.line >= clean_from] == []
    # The unmarked constant is named with its string; the marked one in the same dict is not.
    unmarked = [f.problem for f in findings if "STATUS" in f.problem]
    assert len(unmarked) == 1 and "'not opened'" in unmarked[0]
