"""The guide's audit rules: each fires on a household that breaks it and stays quiet on a clean one.

Households are transient ORM objects (no database), as in tests/domain/test_audit.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop.domain import audit as core
from desktop.domain import audit_guide as guide
from desktop.domain.idcard import make_id_number
from desktop.domain.policy import policy_year
from desktop.domain.problems import Problem, Severity
from desktop.store.models import (
    AssistanceMeasure,
    CrosscheckResult,
    Household,
    Income,
    MedicalSettlement,
    Member,
    ProcedureStep,
    Risk,
)

POLICY = policy_year(2019)
ON = date(2019, 11, 20)
REGION = "610727"


def person(key: str, name: str, relation: str, sex: str, birth: date, seq: int, **values) -> Member:
    base = {
        "id": f"m-{key}",
        "name": name,
        "relation": relation,
        "sex": sex,
        "birth_date": birth,
        "id_type": "01",
        "id_number": make_id_number(REGION, birth, seq, sex),
        "ethnicity": "01",
        "political_status": "13",
        "education": "03",
        "school_status": "01",
        "health": ["01"],
        "labour_skill": "01",
        "work_months": 0,
        "active_military": False,
        "basic_medical_insurance": True,
        "serious_illness_insurance": True,
        "min_living_allowance": False,
        "special_support": False,
        "medical_assistance": False,
    }
    base.update(values)
    return Member(**base)


def clean(status: str = "exited", **values) -> Household:
    """An exited family of three that passes every rule, core and guide."""
    head = person(
        "head", "张建国", "01", "1", date(1975, 3, 12), 11, work_months=8, phone="13812345678"
    )
    spouse = person("spouse", "李秀英", "02", "2", date(1977, 6, 1), 12)
    son = person(
        "son",
        "张小明",
        "03",
        "1",
        date(2008, 9, 1),
        13,
        school_status="03",
        labour_skill="04",
        education=None,
    )
    income = Income(
        id="inc",
        policy_year=2019,
        period_start=date(2018, 10, 1),
        period_end=date(2019, 9, 30),
        wage_income=Decimal(24000),
        business_income=Decimal(3000),
        property_income=Decimal(0),
        transfer_income=Decimal(0),
        production_costs=Decimal(0),
        items=[],
    )
    base = {
        "id": "hh",
        "household_number": "6107271012010001",
        "status": status,
        "attribute": "1",
        "military_family": False,
        "main_cause": "07",
        "other_causes": [],
        "identified_year": 2015,
        "exited_year": 2017 if status != "poor" else None,
        "member_count": 3,
        "marginal": False,
        "monitored": False,
        "dangerous_house": False,
        "drinking_water_safe": True,
        "food_assured": True,
        "clothing_assured": True,
        "education_assured": True,
        "medical_assured": True,
        "housing_assured": True,
        "water_assured": True,
        "members": [head, spouse, son],
        "incomes": [income],
        "measures": [AssistanceMeasure(year=2016, category="01", item="0101", received=True)],
        "risks": [],
        "procedure_steps": [],
        "latitude": 33.33,
        "longitude": 106.15,
        "location_source": "gps",
        "location_accuracy_m": 5.0,
        "location_time": datetime(2019, 10, 12, 9, 30),
    }
    base.update(values)
    return Household(**base)


def member(h: Household, key: str) -> Member:
    return next(m for m in h.members if m.id == f"m-{key}")


GUIDE_IDS = frozenset(r.id for r in guide.GUIDE_RULES)


def found(h: Household, **kwargs) -> list[Problem]:
    """The guide rules' problems among everything ``audit_household`` finds."""
    problems = core.audit_household(h, policy=kwargs.pop("policy", POLICY), on=ON)
    return [p for p in problems if p.code in GUIDE_IDS]


def codes(h: Household) -> set[str]:
    return {p.code for p in found(h)}


def test_a_clean_household_passes_every_rule_core_and_guide() -> None:
    assert core.audit_household(clean(), policy=POLICY, on=ON) == []


def test_every_rule_has_a_stable_unique_id_a_severity_and_a_chinese_description() -> None:
    ids = [r.id for r in guide.GUIDE_RULES]
    assert len(ids) == len(set(ids))
    all_ids = [r.id for r in core.RULES]
    assert len(all_ids) == len(set(all_ids))
    for rule in guide.GUIDE_RULES:
        assert rule.level in ("household", "member")
        assert isinstance(rule.severity, Severity)
        assert any("\u4e00" <= c <= "\u9fff" for c in rule.description)
    descriptions = {r.id: r.description for r in core.rule_catalogue(POLICY)}
    assert "16周岁以下" in descriptions["R2_12_014_CHILD_LABOUR_SKILL"]


def test_the_rules_have_the_shape_of_the_core_rules() -> None:
    rule = core.Rule(*guide.GUIDE_RULES[0])
    assert [f.name for f in dataclasses.fields(core.Rule)] == list(guide.GuideRule._fields)
    assert rule.id == guide.GUIDE_RULES[0].id


# --- empty fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "code"),
    [
        ("ethnicity", "R9_ETHNICITY_EMPTY"),
        ("political_status", "R10_POLITICAL_STATUS_EMPTY"),
        ("health", "R13_HEALTH_EMPTY"),
        ("labour_skill", "R14_LABOUR_SKILL_EMPTY"),
        ("serious_illness_insurance", "R15_SERIOUS_ILLNESS_INSURANCE_EMPTY"),
        ("active_military", "R16_ACTIVE_MILITARY_EMPTY"),
        ("school_status", "R12_SCHOOL_STATUS_EMPTY"),
        ("relation", "R8_RELATION_EMPTY"),
    ],
)
def test_an_empty_member_field_of_a_registered_household_is_reported(
    attribute: str, code: str
) -> None:
    h = clean()
    setattr(member(h, "spouse"), attribute, [] if attribute == "health" else None)
    problems = [p for p in found(h) if p.code == code]
    assert len(problems) == 1
    assert problems[0].entity_id == "m-spouse" and problems[0].field == f"member.{attribute}"
    assert problems[0].severity is Severity.WARNING


def test_education_is_only_required_of_members_not_in_school() -> None:
    h = clean()
    assert member(h, "son").education is None  # a pupil
    member(h, "spouse").education = None
    assert [p.entity_id for p in found(h) if p.code == "R11_EDUCATION_EMPTY"] == ["m-spouse"]


def test_an_empty_sex_is_reported_even_when_the_id_tells_it() -> None:
    h = clean()
    member(h, "spouse").sex = None
    assert "R6_SEX_EMPTY" in codes(h)


def test_empty_household_fields_are_reported_for_registered_households_only() -> None:
    h = clean(attribute=None, military_family=None)
    assert {"R4_ATTRIBUTE_EMPTY", "R5_MILITARY_FAMILY_EMPTY"} <= codes(h)
    ordinary = clean(status="ordinary", attribute=None, military_family=None, measures=[])
    member(ordinary, "spouse").ethnicity = None
    assert codes(ordinary) == set()


# --- 2021+ rules for 2019 --------------------------------------------------------------------------


def test_a_child_under_sixteen_must_have_no_labour() -> None:
    h = clean()
    member(h, "son").labour_skill = "01"
    problems = [p for p in found(h) if p.code == "R2_12_014_CHILD_LABOUR_SKILL"]
    assert [p.entity_id for p in problems] == ["m-son"]
    assert "11周岁" in problems[0].message


def test_a_worker_phone_must_be_a_mobile() -> None:
    h = clean()
    member(h, "head").phone = "029-88886666"
    assert "R2_01_013_WORKER_PHONE" in codes(h)
    member(h, "head").phone = "+86 138-1234-5678"
    assert "R2_01_013_WORKER_PHONE" not in codes(h)


def test_a_dropout_for_illness_while_healthy_is_reported() -> None:
    h = clean()
    member(h, "son").dropout_reason = "因病"
    assert "R2_DROPOUT_REASON_HEALTHY" in codes(h)
    member(h, "son").health = ["02"]
    assert "R2_DROPOUT_REASON_HEALTHY" not in codes(h)


def test_employment_assistance_without_a_worker_is_reported() -> None:
    h = clean()
    h.measures.append(AssistanceMeasure(year=2019, category="02", item="0201", received=True))
    assert "R4_11_014_EMPLOYMENT_MEASURE_NO_WORKER" not in codes(h)
    member(h, "head").work_months = 0
    assert "R4_11_014_EMPLOYMENT_MEASURE_NO_WORKER" in codes(h)


def test_a_public_welfare_job_for_a_child_is_reported() -> None:
    h = clean()
    h.measures.append(
        AssistanceMeasure(year=2019, category="04", item="0401", member_id="m-son", received=True)
    )
    problems = [p for p in found(h) if p.code == "R5_12_004_WELFARE_JOB_UNDER_AGE"]
    assert [p.entity_id for p in problems] == ["m-son"]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"dangerous_house": True}, "R1_02_001_EXITED_UNSAFE_HOUSE"),
        ({"housing_assured": False}, "R1_02_001_EXITED_UNSAFE_HOUSE"),
        ({"drinking_water_safe": False}, "R1_02_002_EXITED_UNSAFE_WATER"),
        ({"education_assured": False}, "X_EXITED_NOT_ASSURED"),
    ],
)
def test_an_exited_household_must_meet_the_exit_standard(values: dict, code: str) -> None:
    assert code in codes(clean(**values))
    assert code not in codes(clean(status="poor", **values))


def test_an_exited_household_with_an_uninsured_member_is_reported() -> None:
    h = clean()
    member(h, "son").basic_medical_insurance = False
    assert "X_EXITED_UNINSURED" in codes(h)


# --- the guide's rules -----------------------------------------------------------------------------


def test_a_change_after_the_snapshot_date_is_reported() -> None:
    h = clean()
    member(h, "son").joined_date = POLICY.snapshot_date
    assert "Q8_CHANGE_AFTER_SNAPSHOT" not in codes(h)
    member(h, "son").joined_date = date(2019, 12, 1)
    assert "Q8_CHANGE_AFTER_SNAPSHOT" in codes(h)


def test_a_registered_household_without_received_assistance_is_reported_q10() -> None:
    assert "Q10_NO_ASSISTANCE_RECORDED" in codes(clean(status="exited_stable", measures=[]))
    unticked = [AssistanceMeasure(year=2016, category="01", received=False)]
    assert "Q10_NO_ASSISTANCE_RECORDED" in codes(clean(measures=unticked))
    new = clean(status="poor", identified_year=2019, measures=[])
    assert "Q10_NO_ASSISTANCE_RECORDED" not in codes(new)


def test_centralised_special_support_while_still_poor_is_reported_q17() -> None:
    h = clean(status="poor", attribute="3", special_support_mode="2")
    assert "Q17_CENTRALISED_SUPPORT_STILL_POOR" in codes(h)
    assert "Q17_CENTRALISED_SUPPORT_STILL_POOR" not in codes(
        clean(status="poor", special_support_mode="1")
    )


def test_a_special_support_member_moved_out_as_a_natural_decrease_is_reported_q17() -> None:
    h = clean()
    spouse = member(h, "spouse")
    spouse.special_support = True
    spouse.left_reason, spouse.left_date = "08", date(2019, 10, 20)
    h.member_count = 2
    problems = [p for p in found(h) if p.code == "Q17_SUPPORT_MOVE_AS_DECREASE"]
    assert [p.entity_id for p in problems] == ["m-spouse"]
    spouse.left_reason = "01"  # died: a natural decrease
    assert "Q17_SUPPORT_MOVE_AS_DECREASE" not in codes(h)


def test_a_married_in_person_flagged_by_the_crosscheck_needs_a_decision() -> None:
    h = clean()
    spouse = member(h, "spouse")
    spouse.joined_reason, spouse.joined_date = "05", date(2019, 5, 1)
    spouse.crosschecks = [CrosscheckResult(checked_date=date(2019, 10, 20), vehicle=True)]
    assert "Q4_CROSSCHECK_UNDECIDED" in codes(h)
    spouse.crosschecks[0].decision = "include"
    assert codes(h) == set()
    spouse.crosschecks[0].decision = "exclude"
    assert "Q4_CROSSCHECK_EXCLUDED_MEMBER" in codes(h)


def test_the_medical_assistance_flag_must_agree_with_the_slips_q20() -> None:
    h = clean()
    spouse = member(h, "spouse")
    spouse.settlements = [
        MedicalSettlement(settled_on=date(2019, 6, 3), civil_affairs_aid=Decimal(400))
    ]
    problems = [p for p in found(h) if p.code == "Q20_MEDICAL_ASSISTANCE_MISMATCH"]
    assert [p.entity_id for p in problems] == ["m-spouse"]
    spouse.medical_assistance = True
    assert codes(h) == set()
    spouse.settlements.append(
        MedicalSettlement(settled_on=date(2019, 8, 20), civil_affairs_aid=Decimal(10))
    )
    assert codes(h) == {"Q20_SETTLEMENT_WRONG_TIER"}


def test_marginal_households_are_checked_by_the_q6_rules() -> None:
    h = clean(status="ordinary", marginal=True, attribute=None, measures=[], risks=[])
    assert codes(h) == {"Q6_INCOME_NOT_BELOW_LINE", "Q6_NO_RISK"}
    h.incomes[0].wage_income = Decimal(9000)  # (9000 + 3000) / 3 = 4000 a head
    h.risks = [
        Risk(kind="marginal", risk_type="01", decided_by="01", decision_date=date(2019, 10, 9))
    ]
    assert codes(h) == set()
    poor = clean(status="poor", marginal=True)
    assert [p.severity for p in found(poor) if p.code == "Q6_FLAG_STATUS"] == [Severity.ERROR]


# --- procedures --------------------------------------------------------------------------------------


def steps(operation: str = "identify", **ends: date) -> list[ProcedureStep]:
    d = date
    plan = [
        ("appraisal", d(2019, 10, 8), None),
        ("first_notice", d(2019, 10, 8), d(2019, 10, 17)),
        ("crosscheck", d(2019, 10, 9), d(2019, 10, 15)),
        ("second_appraisal", d(2019, 10, 18), None),
        ("second_notice", d(2019, 10, 18), d(2019, 10, 27)),
        ("announcement", d(2019, 10, 28), None),
    ]
    return [
        ProcedureStep(
            id=f"s-{code}",
            operation=operation,
            step=code,
            start_date=start,
            end_date=ends.get(code, end),
        )
        for code, start, end in plan
    ]


def test_a_new_household_with_its_whole_procedure_passes() -> None:
    h = clean(status="poor", identified_year=2019, procedure_steps=steps())
    assert codes(h) == set()


def test_a_nine_day_notice_of_the_household_is_an_error_at_save() -> None:
    h = clean(
        status="poor", identified_year=2019, procedure_steps=steps(first_notice=date(2019, 10, 16))
    )
    invalid = [p for p in found(h) if p.code == "Q16_PROCEDURE_STEP_INVALID"]
    assert invalid and invalid[0].severity is Severity.ERROR
    assert invalid[0].entity_id == "s-first_notice"


def test_steps_still_to_be_dated_are_an_unfinished_procedure_not_invalid_dates() -> None:
    """An identification adds its six steps undated (to be dated later); the household saves."""
    undated = [ProcedureStep(id=f"s-{s.step}", operation="identify", step=s.step) for s in steps()]
    h = clean(status="poor", identified_year=2019, procedure_steps=undated)
    assert "Q16_PROCEDURE_STEP_INVALID" not in codes(h)
    h.village_procedure_steps = []
    problems = [p for p in found(h) if p.code == "Q15_PROCEDURE_INCOMPLETE"]
    assert problems and "民主评议" in problems[0].message


def test_an_incomplete_procedure_is_judged_only_when_the_village_steps_are_known() -> None:
    h = clean(status="poor", identified_year=2019, procedure_steps=steps()[:2])
    assert "Q15_PROCEDURE_INCOMPLETE" not in codes(h)  # a save: the village may hold the rest
    h.village_procedure_steps = []
    problems = [p for p in found(h) if p.code == "Q15_PROCEDURE_INCOMPLETE"]
    assert problems and "比对" in problems[0].message
    h.village_procedure_steps = steps()[2:]
    assert "Q15_PROCEDURE_INCOMPLETE" not in codes(h)


def test_an_undecided_crosscheck_finding_holds_a_new_household_up_even_at_save() -> None:
    h = clean(status="poor", identified_year=2019, procedure_steps=steps())
    member(h, "spouse").crosschecks = [
        CrosscheckResult(member_id="m-spouse", checked_date=date(2019, 10, 15), housing=True)
    ]
    problems = [p for p in found(h) if p.code == "Q15_PROCEDURE_INCOMPLETE"]
    assert [p.entity_id for p in problems] == ["m-spouse"]
    assert "李秀英" in problems[0].message


def test_a_household_that_exited_this_year_needs_its_exit_procedure() -> None:
    h = clean(status="exited", exited_year=2019, identified_year=2015)
    h.village_procedure_steps = []
    assert "Q15_PROCEDURE_INCOMPLETE" in codes(h)
    h.procedure_steps = [s for s in steps("exit") if s.step in ("appraisal", "first_notice")] + [
        ProcedureStep(
            id="s-ann", operation="exit", step="announcement", start_date=date(2019, 10, 18)
        )
    ]
    assert "Q15_PROCEDURE_INCOMPLETE" not in codes(h)


def test_the_guide_rules_are_registered_in_the_audit_and_run_once_each() -> None:
    registered = [r for r in core.RULES if r.id in GUIDE_IDS]
    assert [r.id for r in registered] == [r.id for r in guide.GUIDE_RULES]
    assert all(core.RULES_BY_ID[r.id].check is r.check for r in guide.GUIDE_RULES)
    h = clean(attribute=None)
    member(h, "spouse").id_number = "123"
    problems = core.audit_household(h, policy=POLICY, on=ON)
    assert [p.code for p in problems].count("R4_ATTRIBUTE_EMPTY") == 1
    assert [p.code for p in problems].count("R40_ID_LENGTH") == 1


def test_a_record_that_does_not_carry_an_attribute_is_not_judged_empty() -> None:
    """A loader that reads only ``records.py``'s attributes must not make every field "empty"."""
    from types import SimpleNamespace

    from desktop.domain.records import HouseholdLike, MemberLike

    h = clean()

    def light(obj, protocol, **extra):
        names = [n for n in protocol.__annotations__ if n not in extra]
        return SimpleNamespace(**{n: getattr(obj, n) for n in names}, **extra)

    members = [light(m, MemberLike) for m in h.members]
    household = light(h, HouseholdLike, members=members, incomes=h.incomes)
    assert not hasattr(household, "attribute") and not hasattr(members[0], "ethnicity")
    assert found(household) == []
