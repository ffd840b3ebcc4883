"""Income that does not add up, imported from the national system's export, is listed by the
audit (issue 14: rule problems import and appear in the audit's problem list)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.income import INCOME_TOTAL_MISMATCH, per_capita_net_income
from desktop.store.audit import audit_database
from desktop.store.models import Household, Income
from desktop.store.registry_import import import_registry
from desktop.store.save import save_household
from tests.store.test_registry_import import (  # noqa: F401 - the module's fixture
    column,
    exported,
    open_empty,
    read_sheets,
    write_xlsx,
)

IN_WORK = datetime(2019, 11, 15, 10, 0)  # inside the 2019 calendar


def test_an_imported_income_that_does_not_add_up_is_listed_until_the_household_is_saved(
    exported,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    sheets = read_sheets(exported)
    income = sheets["收支情况"]
    number_col, per_capita_col = column(income, "户编号"), column(income, "年人均纯收入")
    wrong = income[2]
    wrong[per_capita_col] = Decimal(str(wrong[per_capita_col])) + 500  # does not add up
    wrong_household = wrong[number_col]
    rounded = income[3]  # the national system's yuan rounding still adds up
    rounded[per_capita_col] = round(Decimal(str(rounded[per_capita_col])))
    path = write_xlsx(sheets, tmp_path / "income.xlsx")
    db = open_empty(tmp_path / "county.db")
    try:
        result = import_registry(db, [path], today=None)
        assert any("年人均纯收入与各项收入不符" in i.reason for i in result.plan.problems)
        with db.session() as session:
            findings = audit_database(session)
            listed = [f for f in findings if f.problem.code == INCOME_TOTAL_MISMATCH]
            assert [f.household_number for f in listed] == [wrong_household]
            assert "两者不符" in listed[0].problem.message
            household = session.scalars(
                select(Household).where(Household.household_number == wrong_household)
            ).one()
            household.address = "入户核实后的住址"
            save_household(session, household, actor="王芳", reason="收入已入户核实", clock=IN_WORK)
        with db.session() as session:
            income_row = session.scalars(
                select(Income).where(Income.household_id == household.id)
            ).one()
            assert income_row.per_capita_net_income == per_capita_net_income(
                income_row, household.member_count
            )
            after = audit_database(session)
        assert not [f for f in after if f.problem.code == INCOME_TOTAL_MISMATCH]
    finally:
        db.dispose()
