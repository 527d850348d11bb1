"""The district-or-city list as buttons: paged, in the reader's language and alphabet (scoring.areas).

Both the teacher's profile question and the admin's /commission_new use it; each passes how its
buttons are packed (`Pack`: action, area code, page -> callback data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from scoring.areas import AdministrativeArea

Pack = Callable[[str, str, int], str]
PAGE = "page"
PICK = "pick"
# Buttons per page: the largest region (Kostanay, 20 areas) fits on two pages of a phone's screen.
PER_PAGE = 12
COLUMNS = 2


def pages(count: int) -> int:
    return max(1, -(-count // PER_PAGE))


def area_list_keyboard(areas: Sequence[AdministrativeArea], locale: str | None, page: int,
                       pack: Pack) -> InlineKeyboardMarkup:
    """One page of the list, with ◀️ / ▶️ between pages when there is more than one."""
    total = pages(len(areas))
    page = min(max(page, 0), total - 1)
    shown = areas[page * PER_PAGE:(page + 1) * PER_PAGE]
    buttons = [InlineKeyboardButton(text=a.name(locale), callback_data=pack(PICK, a.code, page)) for a in shown]
    rows = [buttons[i:i + COLUMNS] for i in range(0, len(buttons), COLUMNS)]
    if total > 1:
        nav = []
        if page > 0:
            nav.append(InlineKeyboardButton(text="◀️", callback_data=pack(PAGE, "", page - 1)))
        nav.append(InlineKeyboardButton(text=f"{page + 1}/{total}", callback_data=pack(PAGE, "", page)))
        if page < total - 1:
            nav.append(InlineKeyboardButton(text="▶️", callback_data=pack(PAGE, "", page + 1)))
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def candidates_keyboard(candidates: Sequence[AdministrativeArea], locale: str | None,
                        pack: Pack) -> InlineKeyboardMarkup:
    """What the typed name may mean, each to confirm with its button, and the whole list."""
    rows = [[InlineKeyboardButton(text=f"✅ {a.name(locale)}", callback_data=pack(PICK, a.code, 0))]
            for a in candidates]
    rows.append([InlineKeyboardButton(text=_("📋 None of these: the whole list"), callback_data=pack(PAGE, "", 0))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def candidates_text(count: int) -> str:
    if count == 1:
        return _("Is this the one? Confirm with the button:")
    return _("Which one do you mean? Confirm with its button:")


def not_found_text(region: str) -> str:
    return _("No district or city of {region} has that name. Choose it from the list:").format(region=region)
