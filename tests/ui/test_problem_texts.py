"""Problem messages speak the interface language (issue 15: English mode)."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from PySide6.QtCore import QCoreApplication

from desktop.domain.audit import audit_household
from desktop.domain.idcard import make_id_number
from desktop.domain.policy import policy_year
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
