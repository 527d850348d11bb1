"""Admin broadcasts: /broadcast (compose in Kazakh and Russian, pick a segment, preview, confirm),
/broadcast_status, and the pause/resume/cancel buttons of the live progress message.

Every handler is filtered by IsAdmin: commands can be typed and callback data forged by anyone.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.pipeline.deferred import after_commit
from bot.refusal import Refusal, StaleButton
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, max_length
from features.broadcast.callbacks import (
    BroadcastConfirmCallback,
    BroadcastControlCallback,
    BroadcastPaidCallback,
    BroadcastSegmentCallback,
    ControlAct,
    Segment,
)
from features.broadcast.sender import BroadcastSender
from features.broadcast.service import BroadcastService, Draft, Estimate, Progress
from features.broadcast.views import (
    STATUS_LABELS,
    confirm_text,
    control_keyboard,
    paid_confirm_text,
    progress_text,
    segment_description,
    segment_keyboard,
    status_text,
    value_keyboard,
)
from scoring.categories import Category
from scoring.i18n import N_, Phrase
from scoring.regions import region_by_id
from storage.broadcast_models import BroadcastStatus
from storage.commission_models import Commission
from storage.profile_models import TeacherProfile

ADMINS_ONLY = N_("This command is for administrators only.")
# Telegram's limit for one text message.
MAX_TEXT = 4096
# An organisation is matched against the profiles' column (a longer one matches no one); a district's
# name against the list of areas, whose longest names are far shorter than a typed name may be.
SEGMENT_TEXT_MAX = {
    Segment.DISTRICT: max_length(Commission.legacy_area), Segment.ORG: max_length(TeacherProfile.org_name),
}
# Segments chosen with one tap (no value to pick or type).
SEGMENTS_WITHOUT_VALUE = (Segment.ALL, Segment.NOT_SUBMITTED, Segment.COMMISSION)


class BroadcastForm(StatesGroup):
    text_kk = State()
    text_ru = State()
    segment = State()
    segment_text = State()
    confirm = State()


BROADCAST_STATES = {s.state for s in BroadcastForm.__all_states__}


# --- composing ------------------------------------------------------------------------------------


async def broadcast_command(message: Message, state: FSMContext) -> None:
    await state.set_state(BroadcastForm.text_kk)
    await message.answer(_("New broadcast. Send the text in Kazakh (/cancel to stop)."))


def _text_of(message: Message) -> str | None:
    """The message's text if it is usable as a broadcast; the caller explains what is wrong."""
    text = (message.text or "").strip()
    return text or None


def _read_text(message: Message) -> str:
    text = _text_of(message)
    if text is None:
        raise Refusal(Phrase(N_("Please send the broadcast as a text message (not empty, no files).")))
    if len(text) > MAX_TEXT:
        raise Refusal(Phrase(N_("The text is too long: {n} characters, at most {max}. Please shorten it."),
                             {"n": len(text), "max": MAX_TEXT}))
    return text


async def got_text_kk(message: Message, state: FSMContext) -> None:
    await state.update_data(text_kk=_read_text(message))
    await state.set_state(BroadcastForm.text_ru)
    await message.answer(_("Now send the same text in Russian."))


async def got_text_ru(message: Message, state: FSMContext) -> None:
    await state.update_data(text_ru=_read_text(message))
    await state.set_state(BroadcastForm.segment)
    await message.answer(_("Who should receive it?"), reply_markup=segment_keyboard())


def _valid_value(kind: Segment, value: str) -> bool:
    if kind is Segment.REGION:
        return region_by_id(value) is not None
    if kind is Segment.CLAIMED:
        return value in {c.value for c in Category}
    return False


async def choose_segment(callback: CallbackQuery, callback_data: BroadcastSegmentCallback, state: FSMContext,
                         session: AsyncSession, settings: Settings) -> None:
    kind, value = callback_data.kind, callback_data.value
    if not isinstance(callback.message, Message) or (value and not _valid_value(kind, value)):
        raise StaleButton()
    if kind in SEGMENTS_WITHOUT_VALUE or value:
        await preview(callback.message, state, session, settings, kind, value or None)
    elif kind in SEGMENT_TEXT_MAX:
        await state.update_data(kind=kind)
        await state.set_state(BroadcastForm.segment_text)
        prompt = _("Send the name of the district or city, in Kazakh or Russian.") if kind is Segment.DISTRICT \
            else _("Send the name of the organisation, as teachers wrote it in their profiles.")
        await callback.message.answer(prompt)
    else:
        await callback.message.answer(_("Choose one:"), reply_markup=value_keyboard(kind))


async def got_segment_text(message: Message, state: FSMContext, session: AsyncSession, settings: Settings) -> None:
    value = _text_of(message)
    if value is None:
        raise Refusal(Phrase(N_("Please send the name as text.")))
    kind = (await state.get_data()).get("kind")
    if kind not in SEGMENT_TEXT_MAX:
        await state.set_state(BroadcastForm.segment)
        await message.answer(_("Who should receive it?"), reply_markup=segment_keyboard())
        return
    if len(value) > SEGMENT_TEXT_MAX[kind]:
        raise Refusal(Phrase(N_("The name is too long: {n} characters, at most {max}. Please shorten it."),
                             {"n": len(value), "max": SEGMENT_TEXT_MAX[kind]}))
    await preview(message, state, session, settings, Segment(kind), value)


async def buttons_wanted(message: Message, state: FSMContext) -> None:
    """Typed text while the composer waits for a segment or the confirmation: the buttons, again."""
    await message.answer(_("Please choose one of the buttons above."))
    if await state.get_state() == BroadcastForm.segment.state:
        await message.answer(_("Who should receive it?"), reply_markup=segment_keyboard())


def estimate_for(count: int, settings: Settings) -> Estimate:
    return Estimate(count, settings.broadcast_rate, settings.broadcast_paid_rate,
                    settings.broadcast_paid_stars_per_message)


async def preview(message: Message, state: FSMContext, session: AsyncSession, settings: Settings, kind: Segment,
                  value: str | None) -> None:
    """The recipient count, the time it takes and both texts, then Confirm / Paid… / Cancel."""
    count = await BroadcastService(session).recipients(kind, value)
    if count == 0:
        await state.set_state(BroadcastForm.segment)
        await message.answer(_("No teacher matches «{segment}». Choose another segment:").format(
            segment=segment_description(kind, value)), reply_markup=segment_keyboard())
        return
    await state.update_data(kind=kind.value, value=value, count=count, paid_shown=False)
    await state.set_state(BroadcastForm.confirm)
    data = await state.get_data()
    # Each text as its own message: each may be as long as one message can be.
    await message.answer(data["text_kk"])
    await message.answer(data["text_ru"])
    text, markup = confirm_text(kind, value, estimate_for(count, settings))
    await message.answer(text, reply_markup=markup)


async def confirm(callback: CallbackQuery, callback_data: BroadcastConfirmCallback, state: FSMContext,
                  session: AsyncSession, settings: Settings, callback_answer: CallbackAnswer,
                  broadcast_sender: BroadcastSender | None = None) -> None:
    assert callback.message is not None
    data: dict[str, Any] = await state.get_data()
    await state.clear()
    if not callback_data.confirm:
        await callback.message.answer(_("Broadcast cancelled; nothing was sent."))
        return
    await _queue(callback, data, False, session, settings, callback_answer, broadcast_sender)


async def paid(callback: CallbackQuery, callback_data: BroadcastPaidCallback, state: FSMContext,
               session: AsyncSession, settings: Settings, callback_answer: CallbackAnswer,
               broadcast_sender: BroadcastSender | None = None) -> None:
    """What a paid broadcast would take and cost; once that was shown (paid_shown), its confirmation."""
    if not isinstance(callback.message, Message):
        raise StaleButton()
    data: dict[str, Any] = await state.get_data()
    if not callback_data.send:
        await state.update_data(paid_shown=True)
        text, markup = paid_confirm_text(estimate_for(int(data["count"]), settings))
        await callback.message.answer(text, reply_markup=markup)
        return
    if not data.get("paid_shown"):
        raise StaleButton()  # a paid broadcast only once its cost was shown (callback data can be forged)
    await state.clear()
    await _queue(callback, data, True, session, settings, callback_answer, broadcast_sender)


async def _queue(callback: CallbackQuery, data: dict[str, Any], paid: bool, session: AsyncSession,
                 settings: Settings, callback_answer: CallbackAnswer, broadcast_sender: BroadcastSender | None) -> None:
    assert callback.message is not None
    draft = Draft(data["text_kk"], data["text_ru"], data["kind"], data.get("value"), paid=paid)
    broadcast = await BroadcastService(session).queue(
        draft, created_by=callback.from_user.id, admin_locale=get_i18n().current_locale,
        default_locale=settings.default_locale, progress_chat_id=callback.message.chat.id)
    callback_answer.text = _("Broadcast #{id} queued.").format(id=broadcast.id)
    if broadcast_sender is not None:
        # Once committed, so the sender sees the queue.
        after_commit(broadcast_sender.wake)


# --- progress and control --------------------------------------------------------------------------


async def broadcast_status(message: Message, session: AsyncSession, settings: Settings) -> None:
    report = await BroadcastService(session).status()
    if report is None:
        await message.answer(_("There have been no broadcasts yet. Start one with /broadcast."))
        return
    await message.answer(status_text(report, settings.broadcast_rate),
                         reply_markup=control_keyboard(_, report.newest.broadcast))


async def _show_progress(callback: CallbackQuery, progress: Progress, settings: Settings,
                         callback_answer: CallbackAnswer) -> None:
    broadcast = progress.broadcast
    if not progress.changed:
        callback_answer.text = _("Not possible now: the broadcast is {status}.").format(
            status=_(STATUS_LABELS[BroadcastStatus(broadcast.status)]))
        callback_answer.show_alert = True
    if isinstance(callback.message, Message):
        # A refresh with no news is Telegram's "message is not modified": the outbox counts it as done.
        await callback.message.edit_text(
            progress_text(_, broadcast, progress.counts, None, settings.broadcast_rate),
            reply_markup=control_keyboard(_, broadcast))


async def pause(callback: CallbackQuery, callback_data: BroadcastControlCallback, session: AsyncSession,
                settings: Settings, callback_answer: CallbackAnswer) -> None:
    progress = await BroadcastService(session).pause(callback_data.id)
    await _show_progress(callback, progress, settings, callback_answer)


async def resume(callback: CallbackQuery, callback_data: BroadcastControlCallback, session: AsyncSession,
                 settings: Settings, callback_answer: CallbackAnswer,
                 broadcast_sender: BroadcastSender | None = None) -> None:
    progress = await BroadcastService(session).resume(callback_data.id)
    if progress.changed and broadcast_sender is not None:
        after_commit(broadcast_sender.wake)
    await _show_progress(callback, progress, settings, callback_answer)


async def cancel(callback: CallbackQuery, callback_data: BroadcastControlCallback, session: AsyncSession,
                 settings: Settings, callback_answer: CallbackAnswer) -> None:
    progress = await BroadcastService(session).cancel(callback_data.id)
    await _show_progress(callback, progress, settings, callback_answer)


async def refresh(callback: CallbackQuery, callback_data: BroadcastControlCallback, session: AsyncSession,
                  settings: Settings, callback_answer: CallbackAnswer) -> None:
    progress = await BroadcastService(session).refresh(callback_data.id)
    await _show_progress(callback, progress, settings, callback_answer)


# --- everyone else ---------------------------------------------------------------------------------


async def not_for_you(event: Message | CallbackQuery, state: FSMContext) -> None:
    """A non-admin typed a command, pressed a broadcast button or is left in the composer: refused."""
    if await state.get_state() in BROADCAST_STATES:
        await state.clear()
    raise Refusal(Phrase(ADMINS_ONLY))


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="broadcast")
    _register_refusals(router)
    message, press = router.message.register, router.callback_query.register
    message(broadcast_command, Command("broadcast"), IsAdmin())
    message(broadcast_status, Command("broadcast_status"), IsAdmin())
    # The composer takes anything but a command: /help, /cancel, /stats… typed here run as commands.
    message(got_text_kk, StateFilter(BroadcastForm.text_kk), NOT_A_COMMAND, IsAdmin())
    message(got_text_ru, StateFilter(BroadcastForm.text_ru), NOT_A_COMMAND, IsAdmin())
    message(got_segment_text, StateFilter(BroadcastForm.segment_text), NOT_A_COMMAND, IsAdmin())
    message(buttons_wanted, StateFilter(BroadcastForm.segment, BroadcastForm.confirm), NOT_A_COMMAND, IsAdmin())
    press(choose_segment, BroadcastSegmentCallback.filter(), StateFilter(BroadcastForm.segment), IsAdmin())
    press(paid, BroadcastPaidCallback.filter(), StateFilter(BroadcastForm.confirm), IsAdmin())
    press(confirm, BroadcastConfirmCallback.filter(), StateFilter(BroadcastForm.confirm), IsAdmin())
    press(pause, BroadcastControlCallback.filter(F.action == ControlAct.PAUSE), IsAdmin())
    press(resume, BroadcastControlCallback.filter(F.action == ControlAct.RESUME), IsAdmin())
    press(cancel, BroadcastControlCallback.filter(F.action == ControlAct.CANCEL), IsAdmin())
    press(refresh, BroadcastControlCallback.filter(F.action == ControlAct.REFRESH), IsAdmin())
    return router


def _register_refusals(router: Router) -> None:
    """What a non-admin gets: the commands, the composer's steps and the buttons answer "administrators only"."""
    router.message.register(not_for_you, Command("broadcast", "broadcast_status"), ~IsAdmin())
    router.message.register(not_for_you, StateFilter(*BROADCAST_STATES), NOT_A_COMMAND, ~IsAdmin())
    for factory in (BroadcastSegmentCallback, BroadcastConfirmCallback, BroadcastPaidCallback,
                    BroadcastControlCallback):
        router.callback_query.register(not_for_you, factory.filter(), ~IsAdmin())
