"""The steps of /score."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ScoreForm(StatesGroup):
    variant = State()  # teacher: with or without criterion 1.1
    criterion = State()  # answering criterion data["sc_crit"]
    filling = State()  # rating the indicators of an observation sheet
    summary = State()


SCORE_STATES = {s.state for s in (ScoreForm.variant, ScoreForm.criterion, ScoreForm.filling, ScoreForm.summary)}
