"""The requirements table: which items apply and block, per role and type of organisation (spec §3)."""

from __future__ import annotations

import pytest

from scoring.categories import Category, OrgType, Role, TeachingPost
from scoring.config import Rules
from scoring.documents import (
    BY_ID,
    ITEMS,
    MAX_FILE_BYTES,
    DocProfile,
    Format,
    ItemState,
    Mark,
    Need,
    Source,
    State,
    applicable_items,
    evaluate,
    format_of,
    help_for,
    missing,
    observation_sheets_needed,
    progress,
    required_items,
)
from scoring.rulesets import RuleSetError, pilot
from tests.scoring.rulesets_helpers import edited, with_interpretation

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


# --- who must bring students' achievements and observation sheets (pilot against egov) --------------


def egov_reading(key: str) -> Rules:
    return with_interpretation(key, "egov").rules


def states_of(p: DocProfile, rules: Rules | None = None) -> dict[str, ItemState]:
    return {s.item.id: s for s in evaluate(p, {}, {}, application_ready=True, essay_ok=True, rules=rules)}


@pytest.mark.parametrize("role", [Role.HEAD, Role.DEPUTY, Role.CABINET_HEAD, Role.CABINET_DEPUTY])
def test_app11_app4_item8_observation_sheets_do_not_block_a_leader(role: Role) -> None:
    """App 11 has no observation criterion and App 4 item 8 does not list the sheets: "if any" for heads,
    deputies and methodical-cabinet heads and deputies (the egov card's item 11 stays selectable)."""
    claimed = Category.HEAD_2 if role in (Role.HEAD, Role.CABINET_HEAD) else Category.DEPUTY_2
    p = DocProfile(role, OrgType.GENERAL_SECONDARY, claimed, holds_category=True)
    sheets = states_of(p)["observation_sheets"]
    assert sheets.state is State.OPTIONAL and not sheets.blocking and sheets.optional
    assert "observation_sheets" not in ids(required_items(p))
    assert observation_sheets_needed(p) is None
    assert "App 11" in help_for(BY_ID["observation_sheets"], p).text


@pytest.mark.parametrize("role", [Role.HEAD, Role.CABINET_DEPUTY])
def test_egov_item11_reading_requires_observation_sheets_from_leaders(role: Role) -> None:
    """egov item 11 (the other reading, `interpretations.leader_observation_sheets = "egov"`): required from
    leaders."""
    rules = egov_reading("leader_observation_sheets")
    p = DocProfile(role, OrgType.GENERAL_SECONDARY, Category.HEAD_2)
    assert states_of(p, rules)["observation_sheets"].state is State.MISSING
    assert "observation_sheets" in ids(required_items(p, rules))


@pytest.mark.parametrize(
    ("claimed", "count"),
    [(Category.MODERATOR, 4), (Category.EXPERT, 5), (Category.RESEARCHER, 6), (Category.MASTER, 7)],
)
@pytest.mark.parametrize("role", [Role.METHODIST, Role.CABINET_METHODIST])
def test_app8_sheet2_criterion_1_1_methodists_bring_4_5_6_7_observation_sheets(
    role: Role, claimed: Category, count: int
) -> None:
    """App 8, sheet 2, criterion 1.1: 4 · 5 · 6 · 7 sheets a year by the claimed category, not "at least 5"."""
    p = DocProfile(role, OrgType.GENERAL_SECONDARY, claimed)
    assert observation_sheets_needed(p) == count
    line = help_for(BY_ID["observation_sheets"], p)
    assert line.params["count"] == count and "criterion 1.1" in line.text
    assert states_of(p)["observation_sheets"].state is State.MISSING


def test_app8_criterion_1_2_teachers_bring_the_configured_number_of_sheets() -> None:
    """App 8 criterion 1.2: the mean of at least `[observation] min_sheets` (5) sheets."""
    p = DocProfile(Role.TEACHER, OrgType.GENERAL_SECONDARY, Category.EXPERT)
    assert observation_sheets_needed(p) == 5
    line = states_of(p)["observation_sheets"].help
    assert line.params == {"count": 5} and "criterion 1.2" in line.text


@pytest.mark.parametrize(
    "post",
    [TeachingPost.PSYCHOLOGIST, TeachingPost.SOCIAL_PEDAGOGUE, TeachingPost.MENTOR_ORGANISER,
     TeachingPost.NVTP_ORGANISER, TeachingPost.SPECIAL_NEEDS],
)
def test_app8_criterion_2_1_note_1_students_achievements_if_any_for_these_posts(post: TeachingPost) -> None:
    """App 8 criterion 2.1 note 1: students' contests "if any" for these posts: nothing blocks on them."""
    p = DocProfile.of("teacher", "general_secondary", "expert", "moderator", post=post.value)
    assert p.post is post
    students = states_of(p)["student_achievements"]
    assert students.state is State.OPTIONAL and not students.counts
    assert "student_achievements" not in ids(required_items(p))
    assert "note 1" in students.help.text


def test_app8_criterion_2_1_note_1_department_heads_and_methodists() -> None:
    """App 8 criterion 2.1 note 1 names department heads and organisation methodists too."""
    p = DocProfile(Role.METHODIST, OrgType.TVET, Category.MODERATOR)
    assert states_of(p)["student_achievements"].state is State.OPTIONAL


def test_app11_criterion_2_4_note_2_preschool_heads_students_if_any() -> None:
    """App 11 criterion 2.4 note 2: "if any" for preschool heads; other heads and deputies still bring them."""
    preschool_head = DocProfile(Role.HEAD, OrgType.PRESCHOOL, Category.HEAD_2)
    assert states_of(preschool_head)["student_achievements"].state is State.OPTIONAL
    for other in (DocProfile(Role.HEAD, OrgType.GENERAL_SECONDARY, Category.HEAD_2),
                  DocProfile(Role.DEPUTY, OrgType.PRESCHOOL, Category.DEPUTY_2)):
        assert states_of(other)["student_achievements"].state is State.MISSING


def test_subject_teachers_still_bring_students_achievements() -> None:
    """App 4 item 8(6): required from subject teachers (and from a teacher whose post is not asked yet)."""
    for post in (TeachingPost.SUBJECT.value, None):
        p = DocProfile.of("teacher", "general_secondary", "expert", "moderator", post=post)
        assert states_of(p)["student_achievements"].state is State.MISSING


def test_egov_item9_reading_requires_students_achievements_from_these_posts() -> None:
    """egov item 9 (the other reading, `interpretations.student_achievements = "egov"`): only
    methodical-cabinet methodists and ПМПК teachers are exempt."""
    rules = egov_reading("student_achievements")
    for p in (DocProfile.of("teacher", "general_secondary", "expert", post="psychologist"),
              DocProfile(Role.METHODIST, OrgType.TVET, Category.MODERATOR),
              DocProfile(Role.HEAD, OrgType.PRESCHOOL, Category.HEAD_2)):
        assert states_of(p, rules)["student_achievements"].state is State.MISSING
    pmpk = DocProfile.of("teacher", "special", "expert", post="pmpk")
    assert pmpk.pmpk and "student_achievements" not in states_of(pmpk, rules)


@pytest.mark.parametrize("key", ["student_achievements", "leader_observation_sheets"])
def test_an_unknown_reading_is_refused_with_its_place(key: str) -> None:
    with pytest.raises(RuleSetError) as caught:
        with_interpretation(key, "rules")
    assert [str(p) for p in caught.value.problems] == [f"interpretations.{key}: must be one of: 'pilot' or 'egov'"]


@pytest.mark.parametrize("key", ["student_achievements", "leader_observation_sheets"])
def test_the_pilot_reading_is_the_default_of_the_rule_set_and_of_a_partial_rules(key: str) -> None:
    assert pilot().rules.interpretation(key) == "pilot"
    assert Rules({}).interpretation(key) == "pilot"


def test_app8_sheet2_criterion_1_1_counts_are_the_rule_sets_and_must_not_fall() -> None:
    assert pilot().rules.methodist_observation_sheets == {"moderator": 4, "expert": 5, "researcher": 6, "master": 7}
    more = edited(lambda t: t["observation"]["methodist_sheets"].__setitem__("master", 8))
    p = DocProfile(Role.METHODIST, OrgType.GENERAL_SECONDARY, Category.MASTER)
    assert observation_sheets_needed(p, more.rules) == 8
    with pytest.raises(RuleSetError) as caught:
        edited(lambda t: t["observation"]["methodist_sheets"].__setitem__("expert", 3))
    assert [str(p) for p in caught.value.problems] == [
        "observation.methodist_sheets: must not fall from moderator to master"]
