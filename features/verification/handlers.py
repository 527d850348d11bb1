"""/verify CODE (anyone), /verify_key (the public key), /revoke CODE reason (administrators, with a confirmation)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.refusal import Refusal, StaleButton
from bot.settings import Settings
from features.checklist.service import Clock, utc_now
from features.verification import views
from features.verification.callbacks import RevokeAct, RevokeCallback
from features.verification.keys import fingerprint, public_pem, signing_key
from features.verification.service import VerificationService, facts_of
from features.verification.states import Revoking
from scoring.dates import format_day
from scoring.i18n import N_, Phrase

FOR_ADMINS = Phrase(N_("This command is for administrators only."))
REASON_LIMIT = 500


async def verify_command(message: Message, command: CommandObject, session: AsyncSession,
                         settings: Settings) -> None:
    if not command.args:
        await message.answer(views.usage_text())
        return
    service = VerificationService(session, settings)
    verdict = await service.check(command.args)
    revoked_on = format_day(service.local_day(verdict.revoked_at)) if verdict.revoked_at else ""
    await message.answer(views.verdict_text(verdict, revoked_on))


async def verify_key_command(message: Message, settings: Settings) -> None:
    key = signing_key(settings.signing_key_path).public_key()
    await message.answer(views.public_key_text(public_pem(key), fingerprint(key), settings.verify_url))


async def revoke_command(message: Message, command: CommandObject, state: FSMContext, session: AsyncSession,
                         settings: Settings) -> None:
    code, _, reason = (command.args or "").strip().partition(" ")
    reason = reason.strip()
    if not code or not reason or len(reason) > REASON_LIMIT:
        await message.answer(views.revoke_usage_text())
        return
    row = await VerificationService(session, settings).revocable(code)
    await state.set_state(Revoking.confirm)
    await state.update_data(revoke_doc=row.id, revoke_reason=reason)
    text, markup = views.confirm_view(facts_of(row), reason, row.id)
    await message.answer(text, reply_markup=markup)


async def revoke_confirm(callback: CallbackQuery, callback_data: RevokeCallback, state: FSMContext,
                         session: AsyncSession, settings: Settings, bot: Bot, i18n: I18n,
                         clock: Clock = utc_now) -> None:
    data = await state.get_data()
    if data.get("revoke_doc") != callback_data.doc or not data.get("revoke_reason"):
        raise StaleButton()
    service = VerificationService(session, settings)
    row = await service.revoke(bot, i18n, callback_data.doc, str(data["revoke_reason"]), callback.from_user.id,
                               clock())
    await state.clear()
    day = format_day(service.local_day(row.revoked_at)) if row.revoked_at else ""
    await callback.message.answer(views.revoked_text(row.code, day))  # type: ignore[union-attr]


async def revoke_cancel(callback: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await callback.message.answer(views.cancelled_text())  # type: ignore[union-attr]


async def not_for_you(message: Message) -> None:
    raise Refusal(FOR_ADMINS)


def create_router() -> Router:
    router = Router(name="verification")
    router.message.register(verify_command, Command("verify"))
    router.message.register(verify_key_command, Command("verify_key"))
    router.message.register(revoke_command, Command("revoke"), IsAdmin())
    router.message.register(not_for_you, Command("revoke"), ~IsAdmin())
    # Without the state filter: a confirmation pressed after another /revoke, or twice, is answered as stale.
    router.callback_query.register(revoke_confirm, RevokeCallback.filter(F.act == RevokeAct.CONFIRM), IsAdmin())
    router.callback_query.register(revoke_cancel, RevokeCallback.filter(F.act == RevokeAct.CANCEL), IsAdmin())
    return router
