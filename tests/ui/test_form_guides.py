"""The form guides before it refuses: required fields are marked on their labels (issue 15)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel

from desktop.ui.household_form import HouseholdForm
from desktop.ui.tasks import ImmediateTaskRunner
from tests.ui.test_household_form import household_id_with

IN_WORK = datetime(2019, 11, 15, 10, 0)


def _label(form: HouseholdForm, key: str) -> QLabel:
    label = form.findChild(QLabel, f"label:{key}")
    assert label is not None, key
    return label


def test_every_field_a_save_reports_missing_is_marked_required_before_saving(
    demo_db, qtbot
) -> None:
    form = HouseholdForm(
        demo_db,
        runner=ImmediateTaskRunner(),
        household_id=household_id_with(demo_db, "poor"),
        clock=lambda: IN_WORK,
    )
    qtbot.addWidget(form)
    form.show()
    members = form.payload["members"]
    for column in ("ethnicity", "health", "serious_illness_insurance", "labour_skill"):
        members[0][column] = [] if column == "health" else None
    form.payload["household"]["attribute"] = None
    missing = form.missing(form.validate_now())
    assert {p.field for p in missing} >= {
        "member.ethnicity",
        "member.health",
        "member.serious_illness_insurance",
        "household.attribute",
    }
    for problem in missing:
        label = _label(form, problem.field)
        assert label.property("required") is True, problem.field
        assert "*" in label.text(), problem.field
    for optional in ("member.phone", "member.work_employer", "household.bank_name"):
        label = _label(form, optional)
        assert label.property("required") is None and "*" not in label.text(), optional
    legends = form.findChildren(QLabel, "required_legend")
    assert legends and all("必填" in legend.text() for legend in legends)
