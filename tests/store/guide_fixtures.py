"""A small, real registry for the procedure, cross-check, exchange and problem-list tests.

``build_registry(path)`` opens a SQLite file with one county (base population entered), one
township and two villages, worked under the 2019 policy, and ``add_household`` puts a family in
it that passes every audit rule (core and guide) unless a test changes it. Rows go in under
``registry_writer`` the way other store tests set up data: what is under test is what happens
next, through the app's own write paths.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop.domain.idcard import make_id_number
from desktop.domain.policy import policy_year
from desktop.store.db import Database, open_database, registry_writer
from desktop.store.models import (
    AssistanceMeasure,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    OutboxChange,
)
from desktop.store.settings import POLICY_YEAR_KEY, set_setting

POLICY = policy_year(2019)
ON = date(2019, 11, 20)
REGION = "610727"
COUNTY_CODE = f"{REGION}000000"
EAST_CODE = f"{REGION}101201"
WEST_CODE = f"{REGION}101202"
BASE_2013 = 1000

_sequence = itertools.count(1)


@dataclass(frozen=True)
class Places:
    county_id: str
    east_id: str
    west_id: str


_template: tuple[Path, Places] | None = None


def build_registry(path: Path | str) -> tuple[Database, Places]:
    """An empty registry with its divisions, worked under the 2019 policy.

    ``path`` is a SQLite file or a database URL (PostgreSQL). For SQLite, the first call of a
    test run builds it (migrations and all) into a temporary file; later calls copy that file,
    which keeps each test's database its own and the tests fast.
    """
    global _template
    if "://" in str(path):
        return _build(path)
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="fieldbook-guide-"))
        db, places = _build(folder / "template.db")
        db.dispose()  # checkpoints the WAL into the file, so a plain copy is complete
        _template = (folder / "template.db", places)
    source, places = _template
    shutil.copyfile(source, path)
    return open_database(path), places


def _build(path: Path | str) -> tuple[Database, Places]:
    db = open_database(path)
    with db.session() as session, registry_writer(session, "test"):
        county = Division(
            code=COUNTY_CODE, level="county", name="略阳县", poor_population_end_2013=BASE_2013
        )
        township = Division(
            code=f"{REGION}101000", level="township", name="接官亭镇", parent=county
        )
        committee = {"committee_location_source": "gps"}
        east = Division(
            code=EAST_CODE,
            level="village",
            name="王家湾村",
            parent=township,
            committee_latitude=33.33,
            committee_longitude=106.15,
            **committee,
        )
        west = Division(
            code=WEST_CODE,
            level="village",
            name="罗家寨村",
            parent=township,
            committee_latitude=33.331,
            committee_longitude=106.151,
            **committee,
        )
        session.add_all([county, township, east, west])
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()
        places = Places(county.id, east.id, west.id)
    return db, places


def person_id(birth: date, sex: str) -> str:
    """A valid ID number not used before in this test run."""
    return make_id_number(REGION, birth, next(_sequence) % 100, sex)


def member(name: str, relation: str, sex: str, birth: date, **values: Any) -> Member:
    """A member that passes every audit rule; keyword arguments override."""
    base: dict[str, Any] = {
        "name": name,
        "relation": relation,
        "sex": sex,
        "birth_date": birth,
        "id_type": "01",
        "id_number": person_id(birth, sex),
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


def add_household(
    db: Database,
    village_id: str,
    number: str,
    *,
    status: str = "exited",
    people: list[Member] | None = None,
    per_capita: int = 8000,
    identified_year: int | None = 2015,
    exited_year: int | None = 2017,
    returned_year: int | None = None,
    **values: Any,
) -> str:
    """A household (status, family, 2019 income giving ``per_capita``); returns its id."""
    family = people or [
        member("张建国", "01", "1", date(1970, 3, 12), work_months=10),
        member("李秀英", "02", "2", date(1972, 6, 1)),
    ]
    registered = status != "ordinary"
    current = [m for m in family if m.left_date is None]
    n = next(_sequence)
    where = {  # a GPS point near the county seat, its own for every household
        "latitude": 33.33 + (n % 100) * 0.0003,
        "longitude": 106.15 + (n % 100) * 0.0003,
        "location_source": "gps",
        "location_accuracy_m": 5.0,
        "location_time": datetime(2019, 10, 12, 9, 30),
    }
    values = {**where, **values}
    household = Household(
        household_number=number,
        village_id=village_id,
        status=status,
        attribute="1" if registered else None,
        identification_standard="01" if registered else None,
        main_cause="07" if registered else None,
        other_causes=[],
        military_family=False,
        identified_year=identified_year if registered else None,
        exited_year=exited_year if status in ("exited", "exited_stable") else None,
        returned_year=returned_year,
        food_assured=True,
        clothing_assured=True,
        education_assured=True,
        medical_assured=True,
        housing_assured=True,
        water_assured=True,
        drinking_water_safe=True,
        dangerous_house=False,
        member_count=len(current),
        head_name=family[0].name,
        **values,
    )
    for position, m in enumerate(family):
        m.position = position
        household.members.append(m)
    wage = Decimal(per_capita * len(current))
    household.incomes.append(
        Income(
            policy_year=2019,
            period_start=POLICY.income_period_start,
            period_end=POLICY.income_period_end,
            wage_income=wage if any((m.work_months or 0) > 0 for m in family) else Decimal(0),
            business_income=Decimal(0) if any((m.work_months or 0) > 0 for m in family) else wage,
            property_income=Decimal(0),
            transfer_income=Decimal(0),
            production_costs=Decimal(0),
            per_capita_net_income=Decimal(per_capita),
        )
    )
    if registered:
        household.measures.append(
            AssistanceMeasure(year=2016, category="01", item="0101", amount=Decimal(1000))
        )
    with db.session() as session, registry_writer(session, "test"):
        session.add(household)
        session.commit()
        return household.id


def count(session: Any, model: Any, *where: Any) -> int:
    """Rows of ``model`` (matching ``where``)."""
    query = select(func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    return session.scalar(query)


def writes(session: Any) -> tuple[int, int]:
    """(book entries, outbox changes) in the database."""
    return count(session, LedgerEntry), count(session, OutboxChange)


def device_seqs(session: Any) -> list[int]:
    """The outbox's device sequence numbers, in order."""
    return list(session.scalars(select(OutboxChange.device_seq).order_by(OutboxChange.device_seq)))
