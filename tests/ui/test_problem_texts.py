"""Problem messages speak the interface language (issue 15: English mode)."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from PySide6.QtCore import QCoreApplication

from desktop.domain.audit import audit_household
from desktop.domain.clock import FixedClock
from desktop.domain.idcard import make_id_number
from desktop.domain.policy import policy_year
from desktop.domain.problems import t
from desktop.ui.household_form import HouseholdForm
from desktop.ui.problem_texts import PROBLEM_TEXTS, domain_templates, problem_message
from desktop.ui.tasks import ImmediateTaskRunner
from tests.ui.test_household_form import english, household_id_with  # noqa: F401 - fixture

CJK = re.compile(r"[\u3400-\u9fff]")
IN_WORK = datetime(2019, 11, 15, 10, 0)


def places(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_the_catalogue_lists_every_template_of_the_domain() -> None:
    assert set(PROBLEM_TEXTS) == {"、", *domain_templates()}
    assert len(domain_templates()) > 60  # the audit's, the guide's and the income's messages


def test_every_template_has_an_english_translation_with_the_same_places(english) -> None:  # noqa: F811
    for template in PROBLEM_TEXTS:
        translated = QCoreApplication.translate("Problems", template)
        assert not CJK.search(translated), template
        assert translated != template or not CJK.search(template), template  # translated
        assert places(translated) == places(template), template


def _member(name: str, relation: str, birth: date, sex: str, seq: int, **kw) -> SimpleNamespace:
    values = dict(
        id=f"m{seq}", name=name, relation=relation, sex=sex, birth_date=None, id_type="01",
        id_number=make_id_number("610727", birth, seq, sex), disability_cert_number=None,
        school_status="01", labour_skill="01", work_months=0, min_living_allowance=False,
        special_support=False, health=["01"], deleted=False, left_date=None, left_reason=None,
        ethnicity="01", political_status="01", education="01", serious_illness_insurance=True,
        active_military=False,
    )  # fmt: skip
    values.update(kw)
    return SimpleNamespace(**values)


def test_the_audit_of_a_faulty_household_reads_in_english_apart_from_names(english) -> None:  # noqa: F811
    policy = policy_year(2019)
    head = _member("张大山", "01", date(1970, 3, 1), "1", 11, ethnicity=None)
    son = _member("张小山", "03", date(1960, 5, 1), "2", 12, work_months=20, health=[])
    son.id_number = son.id_number[:-1] + ("0" if son.id_number[-1] != "0" else "1")  # check digit
    income = SimpleNamespace(
        id="i1", policy_year=2019, period_start=date(2018, 1, 1), period_end=date(2018, 12, 31),
        wage_income=Decimal(-5), business_income=Decimal(0), property_income=Decimal(0),
        transfer_income=Decimal(0), production_costs=Decimal(0),
        per_capita_net_income=Decimal(9000), items=[], deleted=False,
    )  # fmt: skip
    household = SimpleNamespace(
        id="h1", status="poor", main_cause="03", other_causes=["01", "02", "03"],
        members=[head, son], incomes=[income], member_count=3, attribute=None,
        military_family=None, village=None, location_source=None, latitude=None, longitude=None,
    )  # fmt: skip
    problems = audit_household(household, policy=policy, on=date(2019, 11, 15))
    codes = {p.code for p in problems}
    assert {"R9_ETHNICITY_EMPTY", "R44_WORK_MONTHS", "INCOME_NEGATIVE"} <= codes
    assert {"R51A_TOO_MANY_OTHER_CAUSES", "R1_01_003_ID_INVALID"} <= codes
    assert "INCOME_TOTAL_MISMATCH" in codes
    translated = [p for p in problems if p.text is not None]
    assert translated == problems  # every audit problem here, the location's included
    for problem in translated:
        shown = problem_message(problem).replace("张大山", "").replace("张小山", "")
        assert not CJK.search(shown), (problem.code, shown)
    ethnicity = next(p for p in problems if p.code == "R9_ETHNICITY_EMPTY")
    assert problem_message(ethnicity) == "Member “张大山”: Ethnic group is empty. Fill it in."
    assert ethnicity.message == "成员“张大山”的民族为空，请填写民族。"  # the domain's Chinese


def test_the_forms_problem_list_speaks_english(demo_db, qtbot, english) -> None:  # noqa: F811
    form = HouseholdForm(
        demo_db,
        runner=ImmediateTaskRunner(),
        household_id=household_id_with(demo_db, "poor"),
        clock=lambda: IN_WORK,
    )
    qtbot.addWidget(form)
    form.show()
    members = form.payload["members"]
    members[0]["ethnicity"] = None
    members[0]["work_months"] = 20
    names = [m.get("name") or "" for m in members]
    form.validate_now()
    model = form.problem_model
    shown = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert any("Ethnic group is empty" in line for line in shown)
    assert any("months of work away are 20" in line for line in shown)
    for line in shown:
        for name in names:
            line = line.replace(name, "")
        assert not CJK.search(line), line


def test_without_a_translation_the_message_is_the_domains() -> None:
    policy = policy_year(2019)
    head = _member("李四", "01", date(1970, 3, 1), "1", 11, ethnicity=None)
    household = SimpleNamespace(
        id="h1", status="poor", main_cause=None, other_causes=[], members=[head], incomes=[],
        member_count=1, attribute="01", military_family=False, village=None,
        location_source=None, latitude=None, longitude=None,
    )  # fmt: skip
    problems = audit_household(household, policy=policy, on=date(2019, 11, 15))
    assert problems and all(problem_message(p) == p.message for p in problems)


def _slip(settled_on: date, **amounts: int) -> SimpleNamespace:
    values = dict(
        basic_insurance=0, serious_illness_insurance=0, medical_assistance=0,
        civil_affairs_aid=0, government_subsidy=0,
    )  # fmt: skip
    values.update(amounts)
    return SimpleNamespace(id="s1", settled_on=settled_on, deleted=False, **values)


def _step(step: str, start: date, end: date | None, **kw: object) -> SimpleNamespace:
    values = dict(
        id=f"p-{step}", operation="identify", step=step, start_date=start, end_date=end,
        outcome=None, recorded_by=None, deleted=False,
    )  # fmt: skip
    values.update(kw)
    return SimpleNamespace(**values)


def test_the_other_rules_read_in_english_apart_from_names(english) -> None:  # noqa: F811
    """Procedure, monitoring, medical, operations, phone, village and location problems."""
    from desktop.domain import location_rules, medical, monitoring, operations, procedure
    from desktop.domain.geo import LatLon
    from desktop.domain.phone import check_phone
    from desktop.domain.village import village_info_problems

    policy = policy_year(2019)
    steps = [
        _step("appraisal", date(2019, 10, 20), date(2019, 10, 10)),
        _step("first_notice", date(2019, 10, 12), date(2019, 10, 13)),
        _step("first_notice", date(2019, 10, 14), date(2019, 10, 15)),
        _step("crosscheck", date(2019, 10, 16), None, outcome="不通过"),
    ]
    flagged = SimpleNamespace(
        member_id="m1", civil_servant=True, institution_staff=False, vehicle=True, housing=False,
        company_legal_person=False, decision=None, deleted=False,
    )  # fmt: skip
    risk = SimpleNamespace(
        id="r1", kind="marginal", risk_type=None, identified_date=None, decided_by=None,
        decision_date=None, eliminated=False, eliminated_date=None, deleted=False,
    )  # fmt: skip
    flagged_household = SimpleNamespace(
        id="h1", status="poor", marginal=True, monitored=True, risks=[risk],
        food_assured=False, clothing_assured=True, education_assured=True, medical_assured=True,
        housing_assured=True, water_assured=True,
    )  # fmt: skip
    village = SimpleNamespace(
        id="v1", name="张家村", is_poor_village=False, village_exited_year=2030,
        task_force="队" * 200, committee_latitude=10.0, committee_longitude=None,
        committee_location_source=None,
    )  # fmt: skip
    fallback = SimpleNamespace(
        id="h2", latitude=34.30, longitude=108.90, location_source="village_committee",
        location_time=None, location_accuracy_m=None, away_long_term=False, housing_area_m2=80,
        location_note="", location_contact="12345", village=None,
    )  # fmt: skip
    committee = LatLon(34.0, 108.0)
    who = t("成员“{name}”", name="张家村")  # as the audit names a member
    by_module = {
        "procedure": [
            *procedure.check_steps(steps, operation="identify", policy=policy, subject="本户"),
            *procedure.crosscheck_problems([flagged], names={}, operation="identify"),
            *procedure.procedure_complete([], operation="exit", policy=policy).problems,
            *procedure.village_procedure_check([], has_candidates=False, policy=policy).problems,
        ],
        "monitoring": [
            *monitoring.monitoring_problems(
                flagged_household, per_capita=Decimal(9000), policy=policy
            ),
            *monitoring.quota_check(
                base_population=None, marginal_people=1, monitored_people=1, policy=policy
            ).problems,
            *monitoring.quota_check(
                base_population=100, marginal_people=50, monitored_people=50, policy=policy
            ).problems,
        ],
        "medical": [
            *medical.settlement_problems(
                _slip(date(2019, 7, 1), basic_insurance=-5, medical_assistance=9), policy, who=who
            ),
            *medical.medical_assistance_problems(True, [_slip(date(2019, 3, 1))], policy, who=who),
        ],
        "operations": [
            *operations.check_operation(
                operations.Operation.exit, status=operations.Status.ordinary, moment=IN_WORK,
                policy=policy, identified_year=2019,
            ),
            *operations.check_operation(
                operations.Operation.identify, status=operations.Status.ordinary,
                moment=datetime(2020, 6, 1), policy=policy,
            ),
            *operations.check_transition(
                operations.HouseholdState(status=operations.Status.poor),
                operations.HouseholdState(status=operations.Status.ordinary, marginal=True),
                [], FixedClock(IN_WORK), policy=policy, internal=True,
            ),
        ],  # fmt: skip
        "phone": [*check_phone("12345"), *check_phone("")],
        "village": village_info_problems(village, policy=policy),
        "location_rules": [
            *location_rules.check_point(108.9, 34.3, committee=None),
            *location_rules.check_point(35.5, 108.0, committee=committee),
            *location_rules.household_location_problems(fallback, committee=committee),
            *location_rules.village_location_problems(village),
            *location_rules.many_on_one_point([(f"h{i}", 34.3, 108.9) for i in range(9)]),
        ],
    }
    for module, problems in by_module.items():
        assert problems, module
        for problem in problems:
            assert problem.text is not None, (module, problem.code, problem.message)
            shown = problem_message(problem).replace("张家村", "").replace("队", "")
            assert not CJK.search(shown), (module, problem.code, shown)
    codes = {p.code for problems in by_module.values() for p in problems}
    assert {
        "PROC_END_BEFORE_START", "PROC_STEP_DUPLICATE", "PROC_CROSSCHECK_UNDECIDED",
        "PROC_NO_PROCEDURE", "Q6_BOTH_FLAGS", "Q6_OVER_QUOTA", "Q20_SETTLEMENT_NEGATIVE",
        "Q20_SETTLEMENT_WRONG_TIER", "Q20_MEDICAL_ASSISTANCE_MISMATCH", "OP_EXIT_SAME_YEAR",
        "OP_STATUS_WITHOUT_OPERATION", "PHONE_INVALID", "VILLAGE_EXIT_NOT_POOR",
        "LOC_OUTSIDE_CHINA", "LOC_FAR_FROM_VILLAGE", "LOC_FALLBACK_NOT_AWAY",
        "LOC_FALLBACK_BAD_CONTACT", "LOC_COMMITTEE_MISMATCH", "LOC_MANY_ON_ONE_POINT",
    } <= codes  # fmt: skip
