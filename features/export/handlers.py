"""/export (administrators): the academic year's applications as XLSX, or with `/export csv` (or the button under
the workbook) as CSV; written in the background once the command has committed (features/export/task.py)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.filters import IsAdmin
from bot.refusal import Refusal
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import Clock, utc_now
from features.export.callbacks import ExportAct, ExportCallback
from features.export.task import ExportFormat, ExportRequest, ExportRunner, exports
from scoring.i18n import N_, Phrase
from storage.db import create_session_factory

ADMINS_ONLY = N_("This command is for administrators only.")
_FORMATS = {"": ExportFormat.XLSX, "xlsx": ExportFormat.XLSX, "excel": ExportFormat.XLSX, "csv": ExportFormat.CSV}


def _format(args: str | None) -> ExportFormat:
    found = _FORMATS.get((args or "").strip().lower())
    if found is None:
        raise Refusal(Phrase(N_("Send /export for the Excel workbook, or /export csv for a CSV file.")))
    return found


async def _start(fmt: ExportFormat, user_id: int, chat_id: int, session: AsyncSession, bot: Bot,
                 settings: Settings, i18n: I18n, rule_book: RuleBook, clock: Clock) -> None:
    # The export reads in sessions of its own, after this update's has closed.
    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    runner = ExportRunner(bot, create_session_factory(engine), i18n, settings, rule_book)
    exports.start(runner, ExportRequest(user_id, chat_id, i18n.current_locale, fmt, clock()))


async def export_command(message: Message, command: CommandObject, session: AsyncSession, bot: Bot,
                         settings: Settings, i18n: I18n, rule_book: RuleBook, clock: Clock = utc_now) -> None:
    assert message.from_user is not None
    await _start(_format(command.args), message.from_user.id, message.chat.id, session, bot, settings, i18n,
                 rule_book, clock)


async def export_csv_pressed(query: CallbackQuery, session: AsyncSession, bot: Bot, settings: Settings, i18n: I18n,
                             rule_book: RuleBook, clock: Clock = utc_now) -> None:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await _start(ExportFormat.CSV, query.from_user.id, chat_id, session, bot, settings, i18n, rule_book, clock)


async def not_for_you(_event: Message | CallbackQuery) -> None:
    raise Refusal(Phrase(ADMINS_ONLY))


def create_router() -> Router:
    router = Router(name="export")
    router.message.register(export_command, Command("export"), IsAdmin())
    router.message.register(not_for_you, Command("export"), ~IsAdmin())
    router.callback_query.register(export_csv_pressed, ExportCallback.filter(F.act == ExportAct.CSV), IsAdmin())
    router.callback_query.register(not_for_you, ExportCallback.filter(), ~IsAdmin())
    return router
