"""One way to refuse (bot/refusal.py), IsAdmin, and one answer per button press, through the real Dispatcher."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Message

from bot.filters import IsAdmin
from bot.refusal import Refusal, StaleButton
from scoring.i18n import N_, Phrase
from tests.conftest import Harness

TEACHER, ADMIN = 555, 1  # conftest: ADMIN_IDS=[1]


def first(harness: Harness, router: Router) -> None:
    """Put `router` before the app's own (the fallback router would take everything otherwise)."""
    dp = harness.app.dispatcher
    dp.include_router(router)
    dp.sub_routers.insert(0, dp.sub_routers.pop())


async def speak_russian(harness: Harness, user_id: int) -> None:
    await harness.press(harness.user(user_id), "lang:ru")


async def test_a_refused_press_is_one_alert_in_the_users_language(harness: Harness) -> None:
    router = Router()

    @router.callback_query(F.data == "try")
    async def refuse(callback: CallbackQuery) -> None:
        raise Refusal(Phrase(N_("Only administrators create commissions.")))

    first(harness, router)
    await speak_russian(harness, TEACHER)
    sent = await harness.press(harness.user(TEACHER), "try")
    answers = [r for r in sent if isinstance(r, AnswerCallbackQuery)]
    assert len(answers) == 1
    assert answers[0].show_alert is True
    assert answers[0].text == "Комиссии создают только администраторы."


async def test_a_refused_message_is_a_reply(harness: Harness) -> None:
    router = Router()

    @router.message(Command("try"))
    async def refuse(message: Message) -> None:
        raise StaleButton()

    first(harness, router)
    await speak_russian(harness, TEACHER)
    sent = await harness.text(harness.user(TEACHER), "/try")
    assert [r.text for r in sent if isinstance(r, SendMessage)] == ["Эта кнопка больше не активна."]


async def test_a_press_is_answered_once_even_when_the_handler_answers_itself(harness: Harness) -> None:
    router = Router()

    @router.callback_query(F.data == "own")
    async def answers_itself(callback: CallbackQuery) -> None:
        await callback.answer("mine")

    @router.callback_query(F.data == "quiet")
    async def says_nothing(callback: CallbackQuery) -> None:
        return None

    first(harness, router)
    own = [r for r in await harness.press(harness.user(TEACHER), "own") if isinstance(r, AnswerCallbackQuery)]
    quiet = [r for r in await harness.press(harness.user(TEACHER), "quiet") if isinstance(r, AnswerCallbackQuery)]
    assert [a.text for a in own] == ["mine"]
    assert len(quiet) == 1 and quiet[0].text is None  # the spinner stops, nothing is said


async def test_is_admin_lets_only_administrators_through(harness: Harness) -> None:
    router = Router()
    router.message.filter(IsAdmin())

    @router.message(Command("secret"))
    async def secret(message: Message) -> None:
        await message.answer("for admins")

    first(harness, router)
    assert "for admins" in [r.text for r in await harness.text(harness.user(ADMIN), "/secret")
                            if isinstance(r, SendMessage)]
    assert "for admins" not in [r.text for r in await harness.text(harness.user(TEACHER), "/secret")
                                if isinstance(r, SendMessage)]
