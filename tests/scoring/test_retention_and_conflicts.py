"""Pure rules: what an erasure keeps and until when (scoring/retention.py), and conflicts of interest."""

from __future__ import annotations

from datetime import date, time

from scoring import retention
from scoring.commission import OWN_APPLICATION, ROLE_CONFLICTS, CommissionRole, own_application_objection, role_conflict
from scoring.config import Rules, default_rules
from scoring.retention import KeptItem, KeptRecord


def rules_with(**retention_keys: object) -> Rules:
    raw = dict(default_rules().raw)
    raw["retention"] = {**raw["retention"], **retention_keys}
    return Rules(raw)


def test_records_are_kept_the_configured_years_after_the_session() -> None:
    assert retention.kept_until(date(2025, 12, 10)) == date(2030, 12, 10)
    assert retention.kept_until(date(2024, 2, 29)) == date(2029, 3, 1)  # no 29 February in 2029
    assert retention.kept_until(date(2025, 12, 10), rules_with(decision_records_years=10)) == date(2035, 12, 10)
    # The purge deletes what was held before this date: a session on 10.12.2025 is kept through 10.12.2030.
    assert retention.purge_before(date(2030, 12, 10)) == date(2025, 12, 10)
    assert retention.purge_before(date(2030, 12, 11)) == date(2025, 12, 11)


def test_the_person_is_told_each_kind_once_until_its_latest_session() -> None:
    items = [KeptItem(KeptRecord.COMMISSION_WORK, date(2026, 3, 2)), KeptItem(KeptRecord.DECISION, date(2025, 12, 10)),
             KeptItem(KeptRecord.COMMISSION_WORK, date(2026, 2, 5))]
    told = retention.explain(items)
    assert [what.text for what, _why, _until in told] == [retention.KEPT[KeptRecord.DECISION].what,
                                                            retention.KEPT[KeptRecord.COMMISSION_WORK].what]
    assert [until.params for _what, _why, until in told] == [{"date": "10.12.2030", "years": 5},
                                                             {"date": "02.03.2031", "years": 5}]
    assert all("§" in why.text for _what, why, _until in told)  # every reason names its clause
    assert retention.explain([]) == []


def test_the_file_is_rebuilt_only_in_the_night_hours() -> None:
    hours = retention.rebuild_hours()
    assert hours.contains(time(3, 0)) and not hours.contains(time(5, 0)) and not hours.contains(time(14, 0))
    late = retention.rebuild_hours(rules_with(rebuild_start="23:00", rebuild_end="01:00"))
    assert late.contains(time(0, 30)) and not late.contains(time(2, 0))


def test_a_commission_holding_the_application_refuses_every_role() -> None:
    assert role_conflict(CommissionRole.MEMBER, holds_own_application=False) is None
    for role in (CommissionRole.MEMBER, CommissionRole.SECRETARY):
        refusal = role_conflict(role, holds_own_application=True)
        assert refusal is not None and refusal.text == ROLE_CONFLICTS[role] and refusal.params == {}
    chair = role_conflict(CommissionRole.CHAIR, True, "Member 107")
    assert chair is not None and chair.render() == ROLE_CONFLICTS[CommissionRole.CHAIR].format(name="Member 107")


def test_nobody_acts_on_their_own_application() -> None:
    own = own_application_objection(5, 5)
    assert own is not None and own.text == OWN_APPLICATION
    assert own_application_objection(5, 6) is None
    assert own_application_objection(5, None) is None  # an erased candidate's kept row is nobody's own
