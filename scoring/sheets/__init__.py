"""The official portfolio scoring sheets (App 8, App 11) as data, and their evaluation.

``SHEETS`` maps the sheet ids of the input format to the sheets; ``evaluate_answers`` scores one
answers dict (see ``docs/scoring-format.md``).
"""

from __future__ import annotations

from scoring.sheets.cabinet import CABINET_DEPUTY, CABINET_HEAD
from scoring.sheets.deputy import DEPUTY, DEPUTY_PRESCHOOL
from scoring.sheets.head import HEAD, HEAD_PRESCHOOL, HEAD_TVET
from scoring.sheets.methodist import CABINET_METHODIST, METHODIST
from scoring.sheets.model import Criterion, Scale, ScoringSheet
from scoring.sheets.teacher import TEACHER, TEACHER_NO_DYNAMICS

SHEETS: dict[str, ScoringSheet] = {
    sheet.id: sheet
    for sheet in (
        TEACHER,
        TEACHER_NO_DYNAMICS,
        METHODIST,
        CABINET_METHODIST,
        HEAD,
        HEAD_TVET,
        HEAD_PRESCHOOL,
        DEPUTY,
        DEPUTY_PRESCHOOL,
        CABINET_HEAD,
        CABINET_DEPUTY,
    )
}


def get_sheet(sheet_id: str) -> ScoringSheet | None:
    return SHEETS.get(sheet_id)


__all__ = ["SHEETS", "Criterion", "Scale", "ScoringSheet", "get_sheet"]
