"""The shapes of the records the domain rules read, as ``typing.Protocol`` classes.

Domain functions never import the store: they take any object with these attribute names. The
ORM models of ``desktop.store.models`` satisfy them, and so do transient ORM objects built without
a database (whose defaulted columns are still ``None``) and plain dataclasses in tests. Every
rule therefore reads ``None`` as "not collected": a missing list is empty, a missing amount is 0,
a missing ``deleted`` flag is False.

These protocols are a contract, not only documentation: the store's audit runner
(``desktop.store.audit``) loads exactly the attributes declared here (and, for the guide's rules,
in the protocols of ``desktop.domain.audit_guide``) into light records, so a rule that reads a
new attribute must declare it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


class IncomeItemLike(Protocol):
    """A sub-item of an income component (``IncomeItem``)."""

    component: str  # wage | business | property | transfer | costs
    item: str  # code of the sub-item (低保金, 生态补偿金 …)
    amount: Decimal | int | float | None
    deleted: bool | None


class IncomeLike(Protocol):
    """A household's income over one policy year's income period (``Income``, AC07)."""

    id: str | None
    policy_year: int | None
    period_start: date | None
    period_end: date | None
    wage_income: Decimal | int | float | None  # 工资性收入 AAC073
    business_income: Decimal | int | float | None  # 生产经营性收入 AAC071
    property_income: Decimal | int | float | None  # 财产性收入 AAC072
    transfer_income: Decimal | int | float | None  # 转移性收入 AAC085
    production_costs: Decimal | int | float | None  # 生产经营性支出 AAC074
    per_capita_net_income: Decimal | int | float | None  # 人均纯收入 AAC082 as recorded
    items: Sequence[IncomeItemLike]
    deleted: bool | None


class MemberLike(Protocol):
    """A person of a household (``Member``, AB01): the attributes the audit rules read."""

    id: str | None
    name: str | None
    sex: str | None  # 1 男 2 女
    id_type: str | None  # 01 身份证 09 残疾人证
    id_number: str | None
    disability_cert_number: str | None
    birth_date: date | None
    relation: str | None  # code table relation, 01 = 户主
    school_status: str | None  # code table school_status, 01 = 非在校生
    health: Sequence[str] | None  # code table health, several codes, 01 健康 04 残疾
    labour_skill: str | None  # code table labour_skill, 03 丧失劳动力 04 无劳动力
    work_months: int | None
    min_living_allowance: bool | None  # 低保
    special_support: bool | None  # 特困供养
    left_reason: str | None  # code table natural_change_reason, 01 = 死亡
    left_date: date | None
    deleted: bool | None


class HouseholdLike(Protocol):
    """A household (``Household``) with its members and incomes."""

    id: str | None
    household_number: str | None
    status: str | None  # poor | exited | exited_stable | ordinary
    main_cause: str | None  # code table poverty_cause
    other_causes: Sequence[str] | None
    member_count: int | None  # 家庭人口数 as recorded
    # location (desktop.domain.location_rules)
    latitude: float | None
    longitude: float | None
    location_source: str | None  # gps | manual | original_address | village_committee
    location_accuracy_m: float | None
    location_time: datetime | None
    away_long_term: bool | None  # 整户长期外出 (Q19)
    location_note: str | None
    location_contact: str | None
    housing_area_m2: Decimal | int | float | None
    members: Sequence[MemberLike]
    incomes: Sequence[IncomeLike]


def is_current(member: MemberLike) -> bool:
    """Whether a member still counts: not a tombstone and not removed by a natural decrease."""
    return not member.deleted and member.left_date is None


def current_members(household: HouseholdLike) -> list[MemberLike]:
    """The household's current members, in form order."""
    return [m for m in household.members or () if is_current(m)]
