"""/help through the real Dispatcher: every command of the menu is named for an admin, in Kazakh and Russian,
line by line (one msgid a line); the administrators' lines only for an admin."""

from __future__ import annotations

import pytest

from app.commands import COMMANDS
from features.general.handlers import ADMIN_HELP, COMMISSION_HELP, TEACHER_HELP, VERIFY_HELP
from tests.conftest import Harness, texts

ADMIN, TEACHER = 1, 301  # the harness's settings make user 1 the admin


def translated(h: Harness, lines: tuple[str, ...], locale: str) -> str:
    return "\n".join(h.app.i18n.gettext(line, locale=locale) if line else "" for line in lines)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_every_command_of_the_menu_is_in_help_for_an_admin(harness: Harness, locale: str) -> None:
    [shown] = texts(await harness.text(harness.user(ADMIN, locale), "/help"))
    starts = {line.split(" ", 1)[0] for line in shown.splitlines() if line.startswith("/")}
    assert {f"/{name}" for name, _description in COMMANDS} <= starts
    assert shown == "\n\n".join(translated(harness, block, locale)
                                for block in (TEACHER_HELP, COMMISSION_HELP, VERIFY_HELP, ADMIN_HELP))
    assert "/export" in starts and "/revoke" in starts and "/history" in starts


async def test_a_teacher_sees_no_administrators_lines(harness: Harness) -> None:
    [shown] = texts(await harness.text(harness.user(TEACHER, "ru"), "/help"))
    assert shown.startswith("Этот бот пошагово помогает пройти аттестацию педагогов на квалификационную "
                            "категорию.\n\n/start — начать или продолжить\n")
    assert "/history —" in shown and "/export" not in shown and "/revoke" not in shown
    assert shown.endswith(translated(harness, VERIFY_HELP, "ru"))
