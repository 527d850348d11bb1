"""The sheets as data: every sheet's minimal profile per category against its printed threshold (§5)."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.categories import Category
from scoring.sheets import SHEETS
from scoring.sheets.evaluate import evaluate_answers
from scoring.sheets.model import ScaleKind

Column = tuple[Any, ...]  # one answer (or None: not scored) per category column, lowest first


def _lv(*names: str | None) -> Column:
    return tuple(None if n is None else {"level": n} for n in names)


def _met(n: int) -> Column:
    return tuple({"met": True} for _ in range(n))


def _q(key: str, *values: int) -> Column:
    return tuple({key: v} for v in values)


ODRR = _lv("organisation", "district", "region", "republic")
DRR = _lv("district", "region", "republic")

TEACHER_COLUMNS: dict[str, Column] = {
    "1.1": _lv("unstable", "stable", "growth_1_2", "growth_3_plus"),
    "1.2": tuple({"observations": [m] * 5} for m in (61, 71, 81, 91)),
    "2.1": ODRR,
    "2.2": ODRR,
    "3.1": (None, None, {"level": "region", "count": 3}, {"level": "republic", "count": 3}),
    "3.2": ODRR,
    "3.3": _lv(None, None, "region", "republic"),
    "3.4": ODRR,
    "3.5": ODRR,
    "4.1": _q("hours", 72, 72, 80, 108),
}
METHODIST_COLUMNS: dict[str, Column] = {
    "1.1": _q("sheets", 4, 5, 6, 7),
    "2.1": ODRR,
    "2.2": ODRR,
    "3.1": (None, None, {"level": "region", "count": 3}, {"level": "republic", "count": 3}),
    "3.2": ODRR,
    "3.3": _lv(None, None, "region", "republic"),
    "3.4": ODRR,
    "3.5": ODRR,
    "4.1": _q("hours", 72, 72, 80, 108),
}
HEAD_COLUMNS: dict[str, Column] = {
    **{cid: _met(3) for cid in ("1.1", "1.2", "1.3", "1.4", "1.5")},
    "1.6": _lv("stable", "growth_3_4", "growth_5_plus"),
    "2.1": _lv("stable", "stable", "growth"),
    "2.2": _lv("unstable", "stable", "growth"),
    "2.3": _lv("unstable", "stable", "growth"),
    "2.4": DRR,
    "3.1": _lv("unstable", "stable", "growth"),
    "3.2": DRR,
    "3.3": _q("percent", 50, 60, 70),
    "4.1": DRR,
    "4.2": DRR,
    "4.3": DRR,
    "5.1": _q("hours", 72, 80, 108),
}
DEPUTY_COLUMNS: dict[str, Column] = {
    "1.1": _met(3),
    "1.2": DRR,
    "2.1": _lv("stable", "stable", "growth"),
    "2.2": _lv("unstable", "stable", "growth"),
    "2.3": DRR,
    "3.1": _lv("unstable", "stable", "growth"),
    "3.2": _lv("organisation", "district", "region"),
    "3.3": DRR,
    "3.4": _q("percent", 50, 60, 70),
    "3.5": DRR,
    "4.1": DRR,
    "4.2": DRR,
    "4.3": _lv(None, "region", "republic"),
    "4.4": DRR,
    "4.5": DRR,
    "5.1": _q("hours", 72, 80, 108),
}
CABINET_HEAD_COLUMNS: dict[str, Column] = {
    "1.1": _met(3),
    "1.2": _met(3),
    "1.3": DRR,
    "2.1": _lv("unstable", "stable", "growth"),
    "3.1": DRR,
    "3.2": DRR,
    "3.3": DRR,
    "3.4": DRR,
    "4.1": _q("hours", 36, 72, 73),
}
CABINET_DEPUTY_COLUMNS: dict[str, Column] = {
    "1.1": _met(3),
    "1.2": DRR,
    "2.1": DRR,
    "2.2": DRR,
    "2.3": _lv(None, "region", "republic"),
    "2.4": DRR,
    "2.5": DRR,
    "3.1": _q("hours", 36, 72, 73),
}
PRESCHOOL_HOURS = _q("hours", 36, 72, 80)


def _profile(sheet_id: str, columns: dict[str, Column], index: int) -> dict[str, Any]:
    sheet = SHEETS[sheet_id]
    criteria = {
        cid: column[index] for cid, column in columns.items() if sheet.criterion(cid) and column[index] is not None
    }
    return {"claimed": list(sheet.thresholds)[index].value, "criteria": criteria}


def _minimal_totals(sheet_id: str, columns: dict[str, Column]) -> list[int | float]:
    return [
        evaluate_answers(SHEETS[sheet_id], _profile(sheet_id, columns, i)).to_json()["total"]
        for i in range(len(SHEETS[sheet_id].thresholds))
    ]


@pytest.mark.parametrize(
    ("sheet_id", "columns"),
    [
        ("teacher", TEACHER_COLUMNS),
        ("teacher-no-dynamics", TEACHER_COLUMNS),
        ("methodist", METHODIST_COLUMNS),
        ("cabinet-methodist", {**METHODIST_COLUMNS, "4.1": _q("hours", 36, 36, 72, 80)}),
        ("head", HEAD_COLUMNS),
        ("head-tvet", HEAD_COLUMNS),
        ("head-preschool", {**HEAD_COLUMNS, "5.1": PRESCHOOL_HOURS}),
        ("cabinet-head", CABINET_HEAD_COLUMNS),
        ("cabinet-deputy", CABINET_DEPUTY_COLUMNS),
    ],
)
def test_minimal_profile_sums_exactly_to_each_threshold(sheet_id: str, columns: dict[str, Column]) -> None:
    sheet = SHEETS[sheet_id]
    assert _minimal_totals(sheet_id, columns) == list(sheet.thresholds.values())
    for index, category in enumerate(sheet.thresholds):
        result = evaluate_answers(sheet, _profile(sheet_id, columns, index))
        assert result.category == category
        assert result.gap == 0 and result.advice == ()


def test_printed_teacher_thresholds_and_spec_check_sums() -> None:
    assert [v for v in SHEETS["teacher"].thresholds.values()] == [68, 84, 113, 134]
    assert 1 + 61 + 1 + 1 + 1 + 1 + 1 + 1 == 68
    assert 4 + 91 + 4 + 4 + 9 + 4 + 6 + 4 + 4 + 4 == 134
    assert _minimal_totals("teacher", TEACHER_COLUMNS)[0] == 68
    assert _minimal_totals("teacher", TEACHER_COLUMNS)[-1] == 134
    assert [v for v in SHEETS["teacher-no-dynamics"].thresholds.values()] == [67, 82, 110, 130]


def test_deputy_minimal_profile_differs_from_the_printed_thresholds() -> None:
    # The printed thresholds are kept (30 · 47 · 62); the sheet's minimal profile sums to 30 · 48 · 64.
    assert list(SHEETS["deputy"].thresholds.values()) == [30, 47, 62]
    assert _minimal_totals("deputy", DEPUTY_COLUMNS) == [30, 48, 64]
    # preschool row: printed 28 · 44 · 58, minimal profile 28 · 45 · 60
    preschool = {**DEPUTY_COLUMNS, "5.1": PRESCHOOL_HOURS}
    assert list(SHEETS["deputy-preschool"].thresholds.values()) == [28, 44, 58]
    assert _minimal_totals("deputy-preschool", preschool) == [28, 45, 60]


def test_one_point_short_of_the_minimal_profile_is_the_lower_category() -> None:
    profile = _profile("teacher", TEACHER_COLUMNS, 1)  # expert: 84
    profile["criteria"]["4.1"] = {"hours": 71}  # loses the 1 PD point
    result = evaluate_answers(SHEETS["teacher"], profile)
    assert result.to_json()["total"] == 83
    assert result.category == Category.MODERATOR
    assert result.gap == 1


def test_sheet_ids_and_criteria() -> None:
    assert list(SHEETS) == [
        "teacher", "teacher-no-dynamics", "methodist", "cabinet-methodist", "head", "head-tvet",
        "head-preschool", "deputy", "deputy-preschool", "cabinet-head", "cabinet-deputy",
    ]
    ids = {sid: [c.id for c in s.criteria] for sid, s in SHEETS.items()}
    assert ids["teacher"] == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "3.5", "4.1"]
    assert "1.1" not in ids["teacher-no-dynamics"]
    assert "2.2" not in ids["cabinet-methodist"]
    assert "2.2" not in ids["head-tvet"] and "2.3" in ids["head-tvet"]
    assert "2.2" not in ids["head-preschool"] and "2.3" not in ids["head-preschool"]
    assert len(ids["head"]) == 17 and len(ids["deputy"]) == 16
    assert SHEETS["head-preschool"].reduced_hours and SHEETS["cabinet-methodist"].reduced_hours


def test_every_criterion_has_title_evidence_reference_and_a_scale() -> None:
    for sheet in SHEETS.values():
        assert list(sheet.thresholds.values()) == sorted(sheet.thresholds.values())
        for criterion in sheet.criteria:
            assert criterion.title and criterion.evidence, (sheet.id, criterion.id)
            assert criterion.ref.startswith(("App 8", "App 11")), (sheet.id, criterion.id)
            scale = criterion.scale
            if scale.kind in (ScaleKind.LEVEL, ScaleKind.COUNT):
                assert scale.levels
            if scale.kind is ScaleKind.THRESHOLD:
                assert [s.points for s in scale.steps] == sorted(s.points for s in scale.steps)


def test_leader_sheets_use_the_leader_ladders() -> None:
    for sheet_id in ("head", "head-tvet", "head-preschool", "cabinet-head"):
        assert list(SHEETS[sheet_id].thresholds) == [Category.HEAD_3, Category.HEAD_2, Category.HEAD_1]
    for sheet_id in ("deputy", "deputy-preschool", "cabinet-deputy"):
        assert list(SHEETS[sheet_id].thresholds) == [Category.DEPUTY_3, Category.DEPUTY_2, Category.DEPUTY_1]
