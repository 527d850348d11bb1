"""Callback data factories. Callback data is client-controlled: handlers re-check everything."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class ConsentCallback(CallbackData, prefix="consent"):
    agree: bool


class ChoiceCallback(CallbackData, prefix="pick"):
    """An answer to the profile question `field`; accepted only while that question is open."""

    field: str
    value: str


class ToggleCallback(CallbackData, prefix="tick"):
    """Multi-select question: toggle `value`, or finish when value is '.'."""

    field: str
    value: str


class EditFieldCallback(CallbackData, prefix="edit"):
    field: str


class DeleteMeCallback(CallbackData, prefix="erase"):
    confirm: bool


class BroadcastControlCallback(CallbackData, prefix="bc"):
    """Pause, resume, cancel or refresh broadcast `id` (admins only, re-checked)."""

    action: str
    id: int


class BroadcastSegmentCallback(CallbackData, prefix="bcseg"):
    """While composing: a segment kind, then (for region/category) its value; value '' = not chosen yet."""

    kind: str
    value: str = ""


class BroadcastConfirmCallback(CallbackData, prefix="bcok"):
    confirm: bool


class ReminderMuteCallback(CallbackData, prefix="rm"):
    mute: bool


class WindowCallback(CallbackData, prefix="win"):
    """Reset the application window of academic year `year` to the default."""

    action: str
    year: int


class AreaCallback(CallbackData, prefix="area"):
    """The district question: `action` page (show page `page` of the list) or pick (choose area `code`).
    Accepted only while that question is open, and only for an area of her region."""

    action: str
    code: str = ""
    page: int = 0
