"""The summary's evidence buttons lead only to items on the person's own checklist."""

from __future__ import annotations

from features.self_assessment.service import evidence_item, sheet_id_for
from scoring.categories import OrgType, Role
from scoring.documents import DocProfile, applicable_items
from scoring.sheets import SHEETS


def test_every_evidence_item_is_on_the_persons_checklist() -> None:
    offered = 0
    for role in Role:
        for org_type in OrgType:
            applicable = {item.id for item in applicable_items(DocProfile.of(role.value, org_type.value))}
            for dynamics in (True, False):
                sheet = SHEETS[sheet_id_for(role, org_type, dynamics)]
                for criterion in sheet.criteria:
                    item = evidence_item(sheet, criterion, applicable)
                    assert item is None or item.id in applicable, (role, org_type, sheet.id, criterion.id)
                    offered += item is not None
    assert offered


def test_items_by_person() -> None:
    def item_for(role: Role, org_type: OrgType, criterion_id: str) -> str | None:
        sheet = SHEETS[sheet_id_for(role, org_type)]
        criterion = sheet.criterion(criterion_id)
        assert criterion is not None
        applicable = {i.id for i in applicable_items(DocProfile.of(role.value, org_type.value))}
        item = evidence_item(sheet, criterion, applicable)
        return item.id if item is not None else None

    # An organisation's methodist has no "methodist materials" item (cabinet methodists only).
    assert item_for(Role.METHODIST, OrgType.GENERAL_SECONDARY, "2.1") == "professional_achievements"
    assert item_for(Role.CABINET_METHODIST, OrgType.GENERAL_SECONDARY, "2.1") == "methodist_materials"
    # Teacher 1.1: the results indicators of the teacher's type of organisation.
    assert item_for(Role.TEACHER, OrgType.GENERAL_SECONDARY, "1.1") == "knowledge_quality"
    assert item_for(Role.TEACHER, OrgType.PRESCHOOL, "1.1") == "preschool_skills"
    assert item_for(Role.TEACHER, OrgType.GENERAL_SECONDARY, "2.1") == "student_achievements"
    assert item_for(Role.TEACHER, OrgType.GENERAL_SECONDARY, "4.1") == "courses"
