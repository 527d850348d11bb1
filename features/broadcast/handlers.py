"""Admin broadcasts: /broadcast (compose in Kazakh and Russian, pick a segment, preview, confirm),
/broadcast_status, and the pause/resume/cancel buttons of the live progress message.

Every handler re-checks `is_admin`: commands can be typed and callback data forged by anyone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BroadcastConfirmCallback, BroadcastControlCallback, BroadcastSegmentCallback
from bot.i18n import in_reading_order
from bot.keyboards import grid
from bot.pipeline.deferred import after_commit
from bot.settings import Settings
from bot.text_input import NOT_A_COMMAND, max_length
from bot.views import answer_stale
from features.broadcast.sender import BroadcastSender
from features.broadcast.views import STATUS_LABELS, control_keyboard, progress_text
from scoring.categories import Category
from scoring.i18n import N_
from scoring.regions import REGIONS, region_by_id
from storage.broadcast_models import BroadcastStatus
from storage.broadcast_repository import (
    SEGMENT_ALL,
    SEGMENT_CLAIMED,
    SEGMENT_COMMISSION,
    SEGMENT_DISTRICT,
    SEGMENT_NOT_SUBMITTED,
    SEGMENT_ORG,
    SEGMENT_REGION,
    BroadcastRepository,
)
from storage.commission_models import Commission
from storage.profile_models import TeacherProfile

# Telegram's limit for one text message.
MAX_TEXT = 4096
# An organisation is matched against the profiles' column (a longer one matches no one); a district's
# name against the list of areas, whose longest names are far shorter than a typed name may be.
SEGMENT_TEXT_MAX = {
    SEGMENT_DISTRICT: max_length(Commission.legacy_area), SEGMENT_ORG: max_length(TeacherProfile.org_name),
}

SEGMENT_LABELS: dict[str, str] = {
    SEGMENT_ALL: N_("All teachers"),
    SEGMENT_NOT_SUBMITTED: N_("Not yet submitted"),
    SEGMENT_REGION: N_("By region"),
    SEGMENT_DISTRICT: N_("By district"),
    SEGMENT_ORG: N_("By organisation"),
    SEGMENT_CLAIMED: N_("By claimed category"),
    SEGMENT_COMMISSION: N_("Commission members"),
}
# Segments chosen with one tap (no value to pick or type).
SEGMENTS_WITHOUT_VALUE = (SEGMENT_ALL, SEGMENT_NOT_SUBMITTED, SEGMENT_COMMISSION)


class BroadcastForm(StatesGroup):
    text_kk = State()
    text_ru = State()
    segment = State()
    segment_text = State()
    confirm = State()


async def refuse(event: Message | CallbackQuery) -> None:
    text = _("This command is for administrators only.")
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.answer(text)


# --- composing ------------------------------------------------------------------------------------


async def broadcast_command(message: Message, state: FSMContext, is_admin: bool = False) -> None:
    if not is_admin:
        await refuse(message)
        return
    await state.set_state(BroadcastForm.text_kk)
    await message.answer(_("New broadcast. Send the text in Kazakh (/cancel to stop)."))


def _text_of(message: Message) -> str | None:
    """The message's text if it is usable as a broadcast; the caller explains what is wrong."""
    text = (message.text or "").strip()
    return text or None


async def _read_text(message: Message) -> str | None:
    text = _text_of(message)
    if text is None:
        await message.answer(_("Please send the broadcast as a text message (not empty, no files)."))
        return None
    if len(text) > MAX_TEXT:
        await message.answer(_("The text is too long: {n} characters, at most {max}. Please shorten it.").format(
            n=len(text), max=MAX_TEXT))
        return None
    return text


async def got_text_kk(message: Message, state: FSMContext, is_admin: bool = False) -> None:
    if not is_admin:
        await state.clear()
        await refuse(message)
        return
    text = await _read_text(message)
    if text is None:
        return
    await state.update_data(text_kk=text)
    await state.set_state(BroadcastForm.text_ru)
    await message.answer(_("Now send the same text in Russian."))


async def got_text_ru(message: Message, state: FSMContext, is_admin: bool = False) -> None:
    if not is_admin:
        await state.clear()
        await refuse(message)
        return
    text = await _read_text(message)
    if text is None:
        return
    await state.update_data(text_ru=text)
    await state.set_state(BroadcastForm.segment)
    await message.answer(_("Who should receive it?"), reply_markup=segment_keyboard())


def segment_keyboard() -> InlineKeyboardMarkup:
    return grid([
        InlineKeyboardButton(text=_(label), callback_data=BroadcastSegmentCallback(kind=kind).pack())
        for kind, label in SEGMENT_LABELS.items()
    ])


def value_keyboard(kind: str) -> InlineKeyboardMarkup:
    if kind == SEGMENT_REGION:
        options = in_reading_order((region.id, region.label) for region in REGIONS)
    else:
        options = [(category.value, category.label) for category in Category]
    return grid([
        InlineKeyboardButton(text=_(label), callback_data=BroadcastSegmentCallback(kind=kind, value=value).pack())
        for value, label in options
    ], 2)


def _valid_value(kind: str, value: str) -> bool:
    if kind == SEGMENT_REGION:
        return region_by_id(value) is not None
    if kind == SEGMENT_CLAIMED:
        return value in {c.value for c in Category}
    return False


async def choose_segment(
    callback: CallbackQuery, callback_data: BroadcastSegmentCallback, state: FSMContext, session: AsyncSession,
    is_admin: bool = False,
) -> None:
    if not is_admin:
        await state.clear()
        await refuse(callback)
        return
    if not isinstance(callback.message, Message):
        await answer_stale(callback)
        return
    kind, value = callback_data.kind, callback_data.value
    if kind not in SEGMENT_LABELS or (value and not _valid_value(kind, value)):
        await answer_stale(callback)
        return
    await callback.answer()
    if kind in SEGMENTS_WITHOUT_VALUE:
        await preview(callback.message, state, session, kind, None)
    elif kind in (SEGMENT_DISTRICT, SEGMENT_ORG):
        await state.update_data(kind=kind)
        await state.set_state(BroadcastForm.segment_text)
        prompt = _("Send the name of the district or city, in Kazakh or Russian.") if kind == SEGMENT_DISTRICT \
            else _("Send the name of the organisation, as teachers wrote it in their profiles.")
        await callback.message.answer(prompt)
    elif not value:
        await callback.message.answer(_("Choose one:"), reply_markup=value_keyboard(kind))
    else:
        await preview(callback.message, state, session, kind, value)


async def got_segment_text(message: Message, state: FSMContext, session: AsyncSession, is_admin: bool = False) -> None:
    if not is_admin:
        await state.clear()
        await refuse(message)
        return
    value = _text_of(message)
    if value is None:
        await message.answer(_("Please send the name as text."))
        return
    kind = (await state.get_data()).get("kind")
    if kind not in SEGMENT_TEXT_MAX:
        await state.set_state(BroadcastForm.segment)
        await message.answer(_("Who should receive it?"), reply_markup=segment_keyboard())
        return
    if len(value) > SEGMENT_TEXT_MAX[kind]:
        await message.answer(_("The name is too long: {n} characters, at most {max}. Please shorten it.").format(
            n=len(value), max=SEGMENT_TEXT_MAX[kind]))
        return
    await preview(message, state, session, kind, value)


async def buttons_wanted(message: Message, state: FSMContext, is_admin: bool = False) -> None:
    """Typed text while the composer waits for a segment or the confirmation: the buttons, again."""
    if not is_admin:
        await state.clear()
        await refuse(message)
        return
    await message.answer(_("Please choose one of the buttons above."))
    if await state.get_state() == BroadcastForm.segment.state:
        await message.answer(_("Who should receive it?"), reply_markup=segment_keyboard())


def _segment_description(kind: str, value: str | None) -> str:
    label = _(SEGMENT_LABELS[kind])
    if kind == SEGMENT_REGION and value:
        region = region_by_id(value)
        return f"{label}: {_(region.label) if region else value}"
    if kind == SEGMENT_CLAIMED and value:
        return f"{label}: {_(Category(value).label)}"
    return f"{label}: {value}" if value else label


async def preview(message: Message, state: FSMContext, session: AsyncSession, kind: str, value: str | None) -> None:
    """The recipient count and both texts, then Confirm / Cancel."""
    count = await BroadcastRepository(session).count_segment(kind, value)
    if count == 0:
        await state.set_state(BroadcastForm.segment)
        await message.answer(_("No teacher matches «{segment}». Choose another segment:").format(
            segment=_segment_description(kind, value)), reply_markup=segment_keyboard())
        return
    await state.update_data(kind=kind, value=value)
    await state.set_state(BroadcastForm.confirm)
    data = await state.get_data()
    # Each text as its own message: each may be as long as one message can be.
    await message.answer(data["text_kk"])
    await message.answer(data["text_ru"])
    await message.answer(
        _("Segment: {segment}\nRecipients: {count}\n\nThe Kazakh and the Russian text are the two messages above.")
        .format(segment=_segment_description(kind, value), count=count),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=_("✅ Send to {count}").format(count=count),
                                 callback_data=BroadcastConfirmCallback(confirm=True).pack()),
            InlineKeyboardButton(text=_("❌ Cancel"), callback_data=BroadcastConfirmCallback(confirm=False).pack()),
        ]]),
    )


async def confirm(
    callback: CallbackQuery, callback_data: BroadcastConfirmCallback, state: FSMContext, session: AsyncSession,
    settings: Settings, is_admin: bool = False, broadcast_sender: BroadcastSender | None = None,
) -> None:
    if not is_admin:
        await state.clear()
        await refuse(callback)
        return
    assert callback.message is not None
    data: dict[str, Any] = await state.get_data()
    await state.clear()
    if not callback_data.confirm:
        await callback.answer()
        await callback.message.answer(_("Broadcast cancelled; nothing was sent."))
        return
    repo = BroadcastRepository(session)
    broadcast = await repo.create(
        created_by=callback.from_user.id, admin_locale=get_i18n().current_locale,
        text_kk=data["text_kk"], text_ru=data["text_ru"], kind=data["kind"], value=data.get("value"),
        default_locale=settings.default_locale,
    )
    # The sender posts the progress message itself (it needs the message's id to edit it later).
    await repo.set_progress_message(broadcast.id, callback.message.chat.id, None)
    await callback.answer(_("Broadcast #{id} queued.").format(id=broadcast.id))
    if broadcast_sender is not None:
        # Once committed, so the sender sees the queue.
        after_commit(broadcast_sender.wake)


# --- progress and control --------------------------------------------------------------------------


async def broadcast_status(message: Message, session: AsyncSession, settings: Settings, is_admin: bool = False) -> None:
    if not is_admin:
        await refuse(message)
        return
    repo = BroadcastRepository(session)
    latest = await repo.latest(5)
    if not latest:
        await message.answer(_("There have been no broadcasts yet. Start one with /broadcast."))
        return
    newest, older = latest[0], latest[1:]
    text = progress_text(_, newest, await repo.counts(newest.id), None, settings.broadcast_rate)
    if older:
        lines = [_("Earlier:")]
        for item in older:
            counts = await repo.counts(item.id)
            lines.append(_("#{id}: {sent} of {total} sent").format(id=item.id, sent=counts.get("sent", 0),
                                                                    total=item.total))
        text += "\n\n" + "\n".join(lines)
    await message.answer(text, reply_markup=control_keyboard(_, newest))


async def control(
    callback: CallbackQuery, callback_data: BroadcastControlCallback, session: AsyncSession, settings: Settings,
    is_admin: bool = False, broadcast_sender: BroadcastSender | None = None,
) -> None:
    if not is_admin:
        await refuse(callback)
        return
    repo = BroadcastRepository(session)
    now = datetime.now(UTC)
    action, broadcast_id = callback_data.action, callback_data.id
    if action == "pause":
        changed = await repo.pause(broadcast_id)
    elif action == "resume":
        changed = await repo.resume(broadcast_id)
    elif action == "cancel":
        changed = await repo.cancel(broadcast_id, now)
    elif action == "refresh":
        changed = True
    else:
        await answer_stale(callback)
        return
    broadcast = await repo.get(broadcast_id)
    if broadcast is None:
        await callback.answer(_("This broadcast no longer exists."), show_alert=True)
        return
    if not changed:
        await callback.answer(_("Not possible now: the broadcast is {status}.").format(
            status=_(STATUS_LABELS[BroadcastStatus(broadcast.status)])), show_alert=True)
    else:
        await callback.answer()
    if action == "resume" and changed and broadcast_sender is not None:
        after_commit(broadcast_sender.wake)
    if isinstance(callback.message, Message):
        # A refresh with no news is Telegram's "message is not modified": the outbox counts it as done.
        await callback.message.edit_text(
            progress_text(_, broadcast, await repo.counts(broadcast_id), None, settings.broadcast_rate),
            reply_markup=control_keyboard(_, broadcast),
        )


def create_router() -> Router:
    """A fresh router per Dispatcher (a router can belong to one parent only)."""
    router = Router(name="admin")
    router.message.register(broadcast_command, Command("broadcast"))
    router.message.register(broadcast_status, Command("broadcast_status"))
    # The composer takes anything but a command: /help, /cancel, /stats… typed here run as commands.
    router.message.register(got_text_kk, StateFilter(BroadcastForm.text_kk), NOT_A_COMMAND)
    router.message.register(got_text_ru, StateFilter(BroadcastForm.text_ru), NOT_A_COMMAND)
    router.message.register(got_segment_text, StateFilter(BroadcastForm.segment_text), NOT_A_COMMAND)
    router.message.register(buttons_wanted, StateFilter(BroadcastForm.segment, BroadcastForm.confirm), NOT_A_COMMAND)
    router.callback_query.register(choose_segment, BroadcastSegmentCallback.filter(),
                                   StateFilter(BroadcastForm.segment))
    router.callback_query.register(confirm, BroadcastConfirmCallback.filter(), StateFilter(BroadcastForm.confirm))
    router.callback_query.register(control, BroadcastControlCallback.filter())
    return router
