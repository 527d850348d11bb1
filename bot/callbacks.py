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
