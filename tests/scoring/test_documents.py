"""The requirements table: which items apply and block, per role and type of organisation (spec §3)."""

from __future__ import annotations

import pytest

from scoring.categories import Category, OrgType, Role
from scoring.documents import (
    BY_ID,
    ITEMS,
    MAX_FILE_BYTES,
    DocProfile,
    Format,
    Mark,
    Need,
    Source,
    State,
    applicable_items,
    evaluate,
    format_of,
    missing,
    progress,
    required_items,
)

COMMON = {"application", "identity", "courses", "professional_achievements", "essay", "diploma",
          "employment_record", "retraining", "qualification_test"}
ORG_EXTRA = {
    OrgType.GENERAL_SECONDARY: "knowledge_quality",
    OrgType.TVET: "knowledge_quality",
    OrgType.PRESCHOOL: "preschool_skills",
    OrgType.ADDITIONAL: "programme_mastery",
    OrgType.SPECIAL: "development_programme",
}


def ids(items: list) -> set[str]:  # type: ignore[type-arg]
    return {i.id for i in items}


def test_table_is_well_formed() -> None:
    assert len(BY_ID) == len(ITEMS)
    for item in ITEMS:
        assert item.title and item.why
        # Every item names its clause in its one-line reason.
        assert any(mark in item.why for mark in ("§", "App", "egov")), item.id
        if item.uploadable:
            assert item.formats, item.id
        else:
            assert not item.formats, item.id


@pytest.mark.parametrize("org_type", list(OrgType))
def test_teacher_per_type_of_organisation(org_type: OrgType) -> None:
    p = DocProfile(Role.TEACHER, org_type, Category.EXPERT, holds_category=True)
    expected = COMMON | {"category_certificate", "student_achievements", "observation_sheets", ORG_EXTRA[org_type]}
    assert ids(applicable_items(p)) == expected
    others = set(ORG_EXTRA.values()) - {ORG_EXTRA[org_type]}
    assert not ids(applicable_items(p)) & others


@pytest.mark.parametrize("org_type", list(OrgType))
def test_department_head_or_organisation_methodist(org_type: OrgType) -> None:
    p = DocProfile(Role.METHODIST, org_type, Category.MODERATOR)
    found = ids(applicable_items(p))
    assert ORG_EXTRA[org_type] in found and "student_achievements" in found
    assert "methodist_materials" not in found


@pytest.mark.parametrize("role", [Role.CABINET_METHODIST, Role.CABINET_HEAD, Role.CABINET_DEPUTY])
def test_methodical_cabinet_staff(role: Role) -> None:
    p = DocProfile(role, OrgType.ADDITIONAL, None)
    found = ids(applicable_items(p))
    assert "methodist_materials" in found
    assert "student_achievements" not in found  # egov item 9
    assert not found & set(ORG_EXTRA.values())


@pytest.mark.parametrize("role", [Role.HEAD, Role.DEPUTY])
def test_heads_and_deputies(role: Role) -> None:
    claimed = Category.HEAD_2 if role is Role.HEAD else Category.DEPUTY_2
    p = DocProfile(role, OrgType.GENERAL_SECONDARY, claimed, holds_category=True)
    found = ids(applicable_items(p))
    assert "category_certificate" in found and "student_achievements" in found
    assert "methodist_materials" not in found and "knowledge_quality" not in found


def test_category_certificate_only_for_holders() -> None:
    holder = DocProfile.of("teacher", "preschool", "expert", "moderator")
    newcomer = DocProfile.of("teacher", "preschool", "moderator", "none")
    assert "category_certificate" in ids(required_items(holder))
    assert "category_certificate" not in ids(applicable_items(newcomer))


def test_pmpk_teacher_exemptions() -> None:
    p = DocProfile(Role.TEACHER, OrgType.SPECIAL, Category.EXPERT, pmpk=True)
    found = ids(applicable_items(p))
    assert not found & {"student_achievements", "observation_sheets", "development_programme"}


def test_required_excludes_if_any_and_state_items() -> None:
    p = DocProfile(Role.TEACHER, OrgType.GENERAL_SECONDARY, Category.MODERATOR)
    required = ids(required_items(p))
    assert not required & {"professional_achievements", "retraining", "identity", "qualification_test"}
    assert {"application", "essay", "courses", "diploma", "employment_record"} <= required
    assert all(BY_ID[i].need is Need.REQUIRED for i in required)
    assert BY_ID["identity"].source is Source.STATE and BY_ID["qualification_test"].source is Source.STATE


def test_evaluate_states_and_progress() -> None:
    p = DocProfile(Role.TEACHER, OrgType.GENERAL_SECONDARY, Category.EXPERT, holds_category=True)
    states = {s.item.id: s for s in evaluate(p, {}, {}, application_ready=False, essay_ok=False)}
    assert states["identity"].state is State.FETCHED and not states["identity"].blocking
    assert states["diploma"].state is State.ASK and states["diploma"].blocking
    assert states["retraining"].state is State.OPTIONAL and not states["retraining"].blocking
    assert states["courses"].state is State.MISSING
    before = progress(states.values())
    assert before.done == 0 and before.total == 9

    marks = {"diploma": Mark(in_state_systems=True), "employment_record": Mark(in_state_systems=False),
             "retraining": Mark(not_applicable=True)}
    files = {"courses": 2, "category_certificate": 1, "student_achievements": 1, "observation_sheets": 5,
             "knowledge_quality": 1}
    after = evaluate(p, files, marks, application_ready=True, essay_ok=True)
    by_id = {s.item.id: s for s in after}
    assert by_id["diploma"].state is State.DONE
    assert by_id["employment_record"].state is State.MISSING  # not in state systems: must be sent
    assert by_id["retraining"].state is State.NOT_APPLICABLE
    assert [s.item.id for s in missing(after)] == ["employment_record"]
    assert progress(after).done == 8 and not progress(after).complete
    files["employment_record"] = 1
    assert progress(evaluate(p, files, marks, application_ready=True, essay_ok=True)).complete


def test_required_item_cannot_be_not_applicable() -> None:
    p = DocProfile(Role.TEACHER, OrgType.PRESCHOOL, Category.MODERATOR)
    states = {s.item.id: s for s in evaluate(p, {}, {"courses": Mark(not_applicable=True)},
                                             application_ready=True, essay_ok=True)}
    assert states["courses"].state is State.MISSING


@pytest.mark.parametrize(
    ("name", "mime", "fmt"),
    [
        ("scan.PDF", None, Format.PDF),
        ("photo.jpeg", "image/jpeg", Format.IMAGE),
        ("x.png", None, Format.IMAGE),
        ("essay.docx", None, Format.DOCX),
        ("virus.exe", "application/x-msdownload", None),
        ("fake.exe", "application/pdf", None),  # a known-bad extension wins over the claimed type
        (None, "application/pdf", Format.PDF),
        (None, "image/png", Format.IMAGE),
        (None, None, None),
    ],
)
def test_format_of(name: str | None, mime: str | None, fmt: Format | None) -> None:
    assert format_of(name, mime) is fmt


def test_download_limit_is_twenty_megabytes() -> None:
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_check_upload() -> None:
    from scoring.documents import check_upload

    courses, materials = BY_ID["courses"], BY_ID["methodist_materials"]
    assert check_upload(courses, is_photo=True, file_name=None, mime=None, size=1000) is None
    assert check_upload(courses, is_photo=False, file_name="c.pdf", mime="application/pdf", size=10) is None
    exe = check_upload(courses, is_photo=False, file_name="setup.exe", mime="application/x-msdownload", size=10)
    assert exe is not None and "PDF" in exe.render()
    big = check_upload(courses, is_photo=False, file_name="c.pdf", mime=None, size=MAX_FILE_BYTES + 1)
    assert big is not None and "20 MB" in big.render()
    assert check_upload(courses, is_photo=False, file_name="c.pdf", mime=None, size=MAX_FILE_BYTES) is None
    assert check_upload(materials, is_photo=False, file_name="m.docx", mime=None, size=10) is None
    photo = check_upload(BY_ID["knowledge_quality"].__class__(**{**BY_ID["knowledge_quality"].__dict__,
                                                                 "formats": frozenset({Format.DOCX})}),
                         is_photo=True, file_name=None, mime=None, size=10)
    assert photo is not None and "DOCX" in photo.render()
    assert check_upload(BY_ID["identity"], is_photo=False, file_name="a.pdf", mime=None, size=1) is not None
