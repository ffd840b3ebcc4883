"""The bulk loader hands the driver its own values (no SQLAlchemy Core in between): dates, money,
code lists, yes/no and time stamps read back exactly as the ORM would have written them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from desktop.store.bulk import BulkLoader
from desktop.store.db import open_database
from desktop.store.models import Division, Household, Income, LedgerEntry


def test_bulk_loaded_values_read_back_as_written(tmp_path: Path) -> None:
    db = open_database(tmp_path / "f.db")
    at = datetime(2019, 11, 30, 8, 15, 1, 250000)
    causes = ["01", "03"]
    try:
        with db.session() as session, BulkLoader(session, at=at) as loader:
            village = loader.add(
                Division,
                {
                    "code": "610424100201",
                    "level": "village",
                    "name": "东街村",
                    "is_poor_village": True,
                },
            )
            first = loader.add(
                Household,
                {
                    "household_number": "6104241002010001",
                    "village_id": village,
                    "status": "poor",
                    "other_causes": causes,
                    "last_visit_date": date(2019, 10, 8),
                },
            )
            second = loader.add(
                Household,
                {
                    "household_number": "6104241002010002",
                    "village_id": village,
                    "status": "exited",
                    "other_causes": [*causes, "05"],
                },
            )
            loader.add(
                Income,
                {
                    "household_id": first,
                    "policy_year": 2019,
                    "period_start": date(2018, 10, 1),
                    "period_end": date(2019, 9, 30),
                    "wage_income": Decimal("6000.50"),
                },
            )
            loader.finish(actor="测试", reason="建档立卡数据导入")
        with db.session() as session:
            one, two = (session.get(Household, h) for h in (first, second))
            income = session.scalars(select(Income)).one()
            village_row = session.get(Division, village)
            booked = session.scalars(select(LedgerEntry.at)).all()
    finally:
        db.dispose()
    assert one.other_causes == ["01", "03"] and two.other_causes == ["01", "03", "05"]
    assert one.last_visit_date == date(2019, 10, 8) and two.last_visit_date is None
    assert one.updated_at == at and one.version == 0 and one.deleted is False
    assert income.wage_income == Decimal("6000.50") and income.period_end == date(2019, 9, 30)
    assert village_row.is_poor_village is True
    assert booked == [at, at]
