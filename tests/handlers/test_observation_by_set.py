"""The lesson observation sheet (App 9) a teacher fills in /score is her rule set's, not the pilot's."""

from __future__ import annotations

import dataclasses

from features.self_assessment.service import SelfAssessmentService, Setting
from scoring.eligibility import OrgType, Role
from scoring.rulesets import RuleSet, pilot


def test_the_observation_sheet_comes_from_her_rule_set() -> None:
    base = pilot()
    # A set whose secondary-school sheet is laid out as the special schools' one: the bot must take it.
    changed = dataclasses.replace(base, observation_sheets={**base.observation_sheets,
                                                            "secondary": base.observation_sheets["special"]})
    teacher = Setting(Role.TEACHER, OrgType.GENERAL_SECONDARY, None)
    preschool = Setting(Role.TEACHER, OrgType.PRESCHOOL, None)
    assert service(base).observation_form(teacher) is base.observation_sheets["secondary"]
    assert service(changed).observation_form(teacher) is base.observation_sheets["special"]
    assert service(base).observation_form(preschool) is base.observation_sheets["preschool"]


def service(ruleset: RuleSet) -> SelfAssessmentService:
    return SelfAssessmentService(None, ruleset)  # type: ignore[arg-type]  # choosing a sheet reads no rows
