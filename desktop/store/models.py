"""SQLAlchemy 2 typed models of the registry: divisions, households and everything a household form holds.

Coded fields hold the national code-table codes (``resources/codes/*.json``) as strings, yes/no
fields are booleans (``None`` = not yet collected), money is ``Numeric`` yuan, areas are mu (亩)
and square metres. Every synced entity carries a UUID ``id`` and ``version``, the server version
last seen (0 for a row the server has never acknowledged), see ../shared/SYNC.md.

Only ``desktop.store.save`` writes registry tables (a flush guard in ``desktop.store.db`` enforces
it); bulk loaders go through ``desktop.store.bulk``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)
Area = Numeric(12, 2)


def new_id() -> str:
    """A UUIDv7 as text: time-ordered, so new rows land at the end of every index."""
    unix_ms = int(datetime.now(UTC).timestamp() * 1000)
    rand = uuid.uuid4().int & ((1 << 74) - 1)
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rand >> 62) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Synced:
    """Columns every synced entity has: a client-minted UUID, the server version, a tombstone."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# --- the division tree -------------------------------------------------------------------------


class Division(Synced, Base):
    """County, township, administrative village or hamlet (县/乡镇/行政村/自然村).

    Counties, townships and villages carry their 12-digit statistical division code; hamlets have
    no national code and get a local one (the village code, ``-``, a sequence number).
    """

    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    level: Mapped[str] = mapped_column(String(10))  # county | township | village | hamlet
    name: Mapped[str] = mapped_column(String(60))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("divisions.id"), index=True)

    # administrative villages (Q18: poor and non-poor villages are both updated, with location)
    is_poor_village: Mapped[bool | None] = mapped_column(Boolean)
    village_exited_year: Mapped[int | None] = mapped_column(Integer)
    task_force: Mapped[str | None] = mapped_column(String(120))  # 驻村工作队 / 驻村单位
    committee_latitude: Mapped[float | None] = mapped_column(Float)
    committee_longitude: Mapped[float | None] = mapped_column(Float)
    committee_location_source: Mapped[str | None] = mapped_column(String(20))
    committee_location_time: Mapped[datetime | None] = mapped_column(DateTime)

    # counties: the base of the marginal-and-monitored quota (Q6)
    poor_population_end_2013: Mapped[int | None] = mapped_column(Integer)

    parent: Mapped[Division | None] = relationship(
        remote_side="Division.id", back_populates="children"
    )
    children: Mapped[list[Division]] = relationship(back_populates="parent")


# --- assistance persons --------------------------------------------------------------------------


class AssistancePerson(Synced, Base):
    """帮扶责任人: the cadre responsible for helping a household."""

    __tablename__ = "assistance_persons"

    name: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(String(2))
    political_status: Mapped[str | None] = mapped_column(String(2))
    unit_name: Mapped[str | None] = mapped_column(String(120))
    unit_level: Mapped[str | None] = mapped_column(String(2))  # code table unit_level
    position: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(30))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


# --- households ----------------------------------------------------------------------------------


class Household(Synced, Base):
    """One household of the registry (户), poor or not, with its production and living conditions."""

    __tablename__ = "households"

    household_number: Mapped[str] = mapped_column(String(30), unique=True)  # 户编号 AAC001
    village_id: Mapped[str] = mapped_column(ForeignKey("divisions.id"), index=True)
    hamlet_id: Mapped[str | None] = mapped_column(ForeignKey("divisions.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))

    status: Mapped[str] = mapped_column(
        String(16), default="ordinary", index=True
    )  # code table status
    attribute: Mapped[str | None] = mapped_column(String(2))  # 贫困户属性 AAC006
    special_support_mode: Mapped[str | None] = mapped_column(String(2))  # 分散/集中供养 (Q17)
    identification_standard: Mapped[str | None] = mapped_column(String(2))  # AAC005
    main_cause: Mapped[str | None] = mapped_column(String(2))  # AAC007
    other_causes: Mapped[list[str]] = mapped_column(JSON, default=list)  # AAC008, at most 2
    return_causes: Mapped[list[str]] = mapped_column(JSON, default=list)  # AAC009
    military_family: Mapped[bool | None] = mapped_column(Boolean)  # 军烈属 AAC012
    only_child: Mapped[bool | None] = mapped_column(Boolean)  # 独生子女户 AAC013
    two_daughters: Mapped[bool | None] = mapped_column(Boolean)  # 双女户 AAC014
    identified_year: Mapped[int | None] = mapped_column(Integer)  # AAR041
    exited_year: Mapped[int | None] = mapped_column(Integer)  # AAC023
    returned_year: Mapped[int | None] = mapped_column(Integer)  # AAC024
    marginal: Mapped[bool] = mapped_column(
        Boolean, default=False, index=True
    )  # 边缘户 (Q6, internal)
    monitored: Mapped[bool] = mapped_column(
        Boolean, default=False, index=True
    )  # 脱贫监测户 (internal)

    phone: Mapped[str | None] = mapped_column(String(30))  # AAR012
    bank_name: Mapped[str | None] = mapped_column(String(60))  # AAQ002
    bank_account: Mapped[str | None] = mapped_column(String(40))  # AAC004
    cooperative_member: Mapped[bool | None] = mapped_column(Boolean)  # AAC084
    led_by_enterprise: Mapped[bool | None] = mapped_column(Boolean)  # AAC088
    led_by_entrepreneur: Mapped[bool | None] = mapped_column(Boolean)  # AAC089

    # production and living conditions (AC30)
    cultivated_land_mu: Mapped[Decimal | None] = mapped_column(Area)
    irrigated_land_mu: Mapped[Decimal | None] = mapped_column(Area)
    forest_land_mu: Mapped[Decimal | None] = mapped_column(Area)
    returned_farmland_mu: Mapped[Decimal | None] = mapped_column(Area)
    fruit_forest_mu: Mapped[Decimal | None] = mapped_column(Area)
    pasture_mu: Mapped[Decimal | None] = mapped_column(Area)
    water_surface_mu: Mapped[Decimal | None] = mapped_column(Area)
    production_power: Mapped[bool | None] = mapped_column(Boolean)  # AAC308
    living_power: Mapped[bool | None] = mapped_column(Boolean)  # AAC313
    broadcast_tv: Mapped[bool | None] = mapped_column(Boolean)  # AAC314
    drinking_water_difficult: Mapped[bool | None] = mapped_column(Boolean)  # AAC311
    drinking_water_safe: Mapped[bool | None] = mapped_column(Boolean)  # AAC312
    road_distance_km: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))  # AAC315
    road_type: Mapped[str | None] = mapped_column(String(2))  # AAC316
    housing_area_m2: Mapped[Decimal | None] = mapped_column(Area)  # AAC317
    dangerous_house: Mapped[bool | None] = mapped_column(Boolean)  # AAC318
    housing_grade: Mapped[str | None] = mapped_column(String(2))  # AAC322
    sanitary_toilet: Mapped[bool | None] = mapped_column(Boolean)  # AAC319
    fuel_type: Mapped[str | None] = mapped_column(String(2))  # AAC320

    # relocation (AC40)
    relocation_wish: Mapped[bool | None] = mapped_column(Boolean)
    relocation_mode: Mapped[str | None] = mapped_column(String(2))
    resettlement_method: Mapped[str | None] = mapped_column(String(2))
    resettlement_place: Mapped[str | None] = mapped_column(String(2))

    # two assurances, three guarantees, and drinking water (两不愁三保障 + 饮水安全), at the snapshot date
    food_assured: Mapped[bool | None] = mapped_column(Boolean)
    clothing_assured: Mapped[bool | None] = mapped_column(Boolean)
    education_assured: Mapped[bool | None] = mapped_column(Boolean)
    medical_assured: Mapped[bool | None] = mapped_column(Boolean)
    housing_assured: Mapped[bool | None] = mapped_column(Boolean)
    water_assured: Mapped[bool | None] = mapped_column(Boolean)

    # location: where the point came from, how good it is, and the Q19 fallback's note and contact
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str | None] = mapped_column(
        String(20)
    )  # gps|manual|original_address|village_committee
    location_accuracy_m: Mapped[float | None] = mapped_column(Float)
    location_time: Mapped[datetime | None] = mapped_column(DateTime)
    away_long_term: Mapped[bool] = mapped_column(Boolean, default=False)  # 整户长期外出 (Q19)
    location_note: Mapped[str | None] = mapped_column(Text)
    location_contact: Mapped[str | None] = mapped_column(String(30))

    assistance_person_id: Mapped[str | None] = mapped_column(ForeignKey("assistance_persons.id"))
    member_count: Mapped[int] = mapped_column(Integer, default=0)  # 家庭人口数 AAC017, kept by save
    # The head's name, kept by save like Anki's sort field: the household list sorts and shows it
    # on 50,000 rows without joining members.
    head_name: Mapped[str | None] = mapped_column(String(40), index=True)
    card_issue: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # QR card in force
    last_visit_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    # The operation record (HouseholdOperation) behind the last status or flag change, set by the
    # save; it travels in the same sync change as the status (issue 12, see save.py).
    operation_id: Mapped[str | None] = mapped_column(String(36))

    village: Mapped[Division] = relationship(foreign_keys=[village_id])
    hamlet: Mapped[Division | None] = relationship(foreign_keys=[hamlet_id])
    assistance_person: Mapped[AssistancePerson | None] = relationship()
    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.position", cascade="all, delete-orphan"
    )
    incomes: Mapped[list[Income]] = relationship(
        back_populates="household", order_by="Income.policy_year", cascade="all, delete-orphan"
    )
    measures: Mapped[list[AssistanceMeasure]] = relationship(
        back_populates="household", order_by="AssistanceMeasure.year", cascade="all, delete-orphan"
    )
    risks: Mapped[list[Risk]] = relationship(
        back_populates="household", cascade="all, delete-orphan"
    )
    natural_changes: Mapped[list[NaturalChange]] = relationship(
        back_populates="household",
        order_by="NaturalChange.change_date",
        cascade="all, delete-orphan",
    )
    procedure_steps: Mapped[list[ProcedureStep]] = relationship(
        back_populates="household",
        order_by="ProcedureStep.start_date",
        cascade="all, delete-orphan",
    )
    operations: Mapped[list[HouseholdOperation]] = relationship(
        back_populates="household",
        order_by="HouseholdOperation.done_at",
        cascade="all, delete-orphan",
    )

    @property
    def current_members(self) -> list[Member]:
        """Members still in the household (not removed by a natural decrease)."""
        return [m for m in self.members if not m.deleted and m.left_date is None]

    @property
    def head(self) -> Member | None:
        heads = [m for m in self.current_members if m.relation == "01"]
        return heads[0] if len(heads) == 1 else None


class Member(Synced, Base):
    """A person of a household (家庭成员, AB01)."""

    __tablename__ = "members"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order on the form
    name: Mapped[str] = mapped_column(String(40))  # AAB002
    sex: Mapped[str | None] = mapped_column(String(2))  # AAB003 1 男 2 女
    id_type: Mapped[str] = mapped_column(String(2), default="01")  # AAB018 01 身份证 09 残疾人证
    id_number: Mapped[str | None] = mapped_column(String(22), index=True)  # AAB004
    disability_cert_number: Mapped[str | None] = mapped_column(String(22))
    birth_date: Mapped[date | None] = mapped_column(Date)  # AAB005
    relation: Mapped[str | None] = mapped_column(String(2))  # AAB006
    ethnicity: Mapped[str | None] = mapped_column(String(2))  # AAB007
    political_status: Mapped[str | None] = mapped_column(String(2))  # AAK033
    education: Mapped[str | None] = mapped_column(String(2))  # AAB008
    school_status: Mapped[str | None] = mapped_column(String(2))  # AAB009
    dropout_reason: Mapped[str | None] = mapped_column(String(60))
    health: Mapped[list[str]] = mapped_column(JSON, default=list)  # AAB017, several codes
    labour_skill: Mapped[str | None] = mapped_column(String(2))  # AAB010
    work_months: Mapped[int | None] = mapped_column(Integer)  # AAB012, 0–12
    work_place: Mapped[str | None] = mapped_column(String(2))  # code table work_place
    work_employer: Mapped[str | None] = mapped_column(String(120))  # AAB029
    active_military: Mapped[bool | None] = mapped_column(Boolean)  # AAB019
    phone: Mapped[str | None] = mapped_column(String(30))  # AAB031
    speaks_mandarin: Mapped[bool | None] = mapped_column(Boolean)  # AAB065

    # insurance and social assistance
    basic_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)  # AAB013
    serious_illness_insurance: Mapped[bool | None] = mapped_column(Boolean)  # AAB022
    basic_pension_insurance: Mapped[bool | None] = mapped_column(Boolean)  # AAB014
    accident_insurance: Mapped[bool | None] = mapped_column(Boolean)  # AAB066
    commercial_medical_insurance: Mapped[bool | None] = mapped_column(Boolean)  # AAB067
    min_living_allowance: Mapped[bool | None] = mapped_column(Boolean)  # 低保 AAB030
    special_support: Mapped[bool | None] = mapped_column(Boolean)  # 特困供养人员
    medical_assistance: Mapped[bool | None] = mapped_column(Boolean)  # 是否接受医疗救助 (Q20)

    # natural changes (自然增加/减少): how and when the person joined or left
    joined_reason: Mapped[str | None] = mapped_column(String(2))
    joined_date: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(2))
    left_date: Mapped[date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship(back_populates="members")
    crosschecks: Mapped[list[CrosscheckResult]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )
    settlements: Mapped[list[MedicalSettlement]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


# --- income --------------------------------------------------------------------------------------


class Income(Synced, Base):
    """A household's income over one policy year's income period (AC07), by component.

    The components are what the per-capita net income is computed from; the sub-items live in
    ``IncomeItem`` and a mismatch between them and their component is a warning, not an error.
    """

    __tablename__ = "incomes"
    __table_args__ = (UniqueConstraint("household_id", "policy_year"),)

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    policy_year: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    wage_income: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # 工资性 AAC073
    business_income: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # 生产经营性 AAC071
    property_income: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # 财产性 AAC072
    transfer_income: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # 转移性 AAC085
    production_costs: Mapped[Decimal] = mapped_column(
        Money, default=Decimal(0)
    )  # 生产经营性支出 AAC074
    per_capita_net_income: Mapped[Decimal | None] = mapped_column(Money)  # AAC082, kept by save

    household: Mapped[Household] = relationship(back_populates="incomes")
    items: Mapped[list[IncomeItem]] = relationship(
        back_populates="income", cascade="all, delete-orphan"
    )


class IncomeItem(Synced, Base):
    """A sub-item of an income component (e.g. 低保金 inside 转移性收入)."""

    __tablename__ = "income_items"

    income_id: Mapped[str] = mapped_column(ForeignKey("incomes.id"), index=True)
    component: Mapped[str] = mapped_column(String(20))  # wage|business|property|transfer|costs
    item: Mapped[str] = mapped_column(String(40))  # code of the income_item table
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    income: Mapped[Income] = relationship(back_populates="items")


# --- assistance, risks, changes, procedures, cross-checks -----------------------------------------


class AssistanceMeasure(Synced, Base):
    """One assistance measure a household received (帮扶措施), by year since 2014 (Q3, Q10, Q14)."""

    __tablename__ = "assistance_measures"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(4))  # code table assistance_category
    item: Mapped[str | None] = mapped_column(String(6))
    description: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    department: Mapped[str | None] = mapped_column(String(60))  # the line department (行业部门)
    received: Mapped[bool] = mapped_column(Boolean, default=True)  # ticked as received (Q10)

    household: Mapped[Household] = relationship(back_populates="measures")


class Risk(Synced, Base):
    """A risk of a marginal (致贫风险) or monitored (返贫风险) household: internal, never public (Q6)."""

    __tablename__ = "risks"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # marginal | monitored
    risk_type: Mapped[str] = mapped_column(String(2))  # code table risk_type
    identified_date: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(2))  # code table risk_decider
    decision_date: Mapped[date | None] = mapped_column(Date)
    eliminated: Mapped[bool] = mapped_column(Boolean, default=False)
    eliminated_date: Mapped[date | None] = mapped_column(Date)
    elimination_method: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="risks")


class NaturalChange(Synced, Base):
    """自然变更: a member joined (birth, marriage-in, move-in) or left (death, marriage-out …)."""

    __tablename__ = "natural_changes"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    reason: Mapped[str] = mapped_column(String(2))  # code table natural_change_reason
    change_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="natural_changes")


class ProcedureStep(Synced, Base):
    """One step of 两公示一比对一公告 for a household, or for a whole village (Q15, Q16)."""

    __tablename__ = "procedure_steps"

    village_id: Mapped[str] = mapped_column(ForeignKey("divisions.id"), index=True)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"), index=True)
    operation: Mapped[str] = mapped_column(String(16))  # identify | return | exit
    step: Mapped[str] = mapped_column(String(20))  # code table procedure_step
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str | None] = mapped_column(String(40))

    household: Mapped[Household | None] = relationship(back_populates="procedure_steps")


class CrosscheckResult(Synced, Base):
    """The cross-check (比对) of one person against departments' data (Q4, Q7, Q15)."""

    __tablename__ = "crosscheck_results"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    checked_date: Mapped[date | None] = mapped_column(Date)
    civil_servant: Mapped[bool | None] = mapped_column(Boolean)  # 公务员
    institution_staff: Mapped[bool | None] = mapped_column(Boolean)  # 企事业单位人员
    vehicle: Mapped[bool | None] = mapped_column(Boolean)  # 车辆
    housing: Mapped[bool | None] = mapped_column(Boolean)  # 住房
    company_legal_person: Mapped[bool | None] = mapped_column(Boolean)  # 企业法人
    decision: Mapped[str | None] = mapped_column(String(20))  # the appraisal's decision
    decision_note: Mapped[str | None] = mapped_column(Text)

    member: Mapped[Member] = relationship(back_populates="crosschecks")


class MedicalSettlement(Synced, Base):
    """One entry of a medical settlement slip (医疗结算单), the evidence for medical assistance (Q20)."""

    __tablename__ = "medical_settlements"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    settled_on: Mapped[date] = mapped_column(Date)
    basic_insurance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    serious_illness_insurance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    medical_assistance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    civil_affairs_aid: Mapped[Decimal] = mapped_column(
        Money, default=Decimal(0)
    )  # before 2019-08-01
    government_subsidy: Mapped[Decimal] = mapped_column(
        Money, default=Decimal(0)
    )  # before 2019-08-01

    member: Mapped[Member] = relationship(back_populates="settlements")


class ProblemNote(Synced, Base):
    """An audit problem explained instead of fixed: it stays listed, with the explanation kept."""

    __tablename__ = "problem_notes"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    rule_code: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(36))  # the member or household concerned
    explanation: Mapped[str] = mapped_column(Text)
    explained_by: Mapped[str] = mapped_column(String(40))
    explained_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HouseholdOperation(Synced, Base):
    """An operation done on a household (新识别, 脱贫, 解除监测 …): written by the save, never edited.

    The household's status and flags change only with one of these in the same save; its
    ``reason`` is what the household book keeps for the change.
    """

    __tablename__ = "household_operations"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    operation: Mapped[str] = mapped_column(String(20))  # code table operation
    done_at: Mapped[datetime] = mapped_column(DateTime)  # the save's clock (Beijing time)
    policy_year: Mapped[int] = mapped_column(Integer)
    status_before: Mapped[str | None] = mapped_column(String(16))
    status_after: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # change reason, member, Q17 modes

    household: Mapped[Household] = relationship(back_populates="operations")


class CardIssue(Synced, Base):
    """The card register: one row per household card printed (一卡), synced like the registry.

    Printing a card is not an edit of the household: the issue lives here, not in the household's
    book. The card in force is the household's highest issue (a reprint revokes every older card
    on every laptop once the entry has synced); ``Household.card_issue`` only holds what older
    releases recorded there.
    """

    __tablename__ = "card_issues"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    issue: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(40))
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)


class HouseholdReview(Synced, Base):
    """A reviewer's verdict on a household as it stands: accepted (通过) or returned (退回) with a
    comment. Written on the server by the township or county office (the web pages), synced to
    the village's laptops like any row, never written by a field laptop. The household shows as
    returned until any of it is changed again after the review (``desktop.store.reviews``)."""

    __tablename__ = "household_reviews"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(10))  # accepted | returned
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(40))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)  # the server's clock (Beijing time)


# --- local users and drafts (never synced) -------------------------------------------------------


class User(Base):
    """A person who signs in on this laptop, with a PIN hash and a role."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # field_worker | reviewer | admin
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Draft(Base):
    """What a form held when it was last autosaved: it comes back after a crash or power cut."""

    __tablename__ = "drafts"

    draft_key: Mapped[str] = mapped_column(String(60), primary_key=True)  # household id or new-<uuid>
    household_id: Mapped[str | None] = mapped_column(String(36))
    user_name: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- the household book and the sync outbox ------------------------------------------------------


class LedgerEntry(Base):
    """The household book (一簿): one row per changed field — who, when, which, old, new, why.

    Append-only. ``household_id`` groups entries of members and other child rows under their
    household, so the book of one household is one indexed query.
    """

    __tablename__ = "ledger"
    __table_args__ = (Index("ix_ledger_household_at", "household_id", "at"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(40))
    household_id: Mapped[str | None] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    change_id: Mapped[str | None] = mapped_column(String(36))


class OutboxChange(Base):
    """One saved change waiting to go to the server (../shared/SYNC.md), written with the edit."""

    __tablename__ = "outbox"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_seq: Mapped[int] = mapped_column(Integer, unique=True)  # gap-free per device
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str | None] = mapped_column(String(20))
    op: Mapped[str] = mapped_column(String(10))  # create | update | delete
    base_version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_at: Mapped[str] = mapped_column(String(40))  # hybrid logical clock, for the book only
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)


class SyncIssue(Base):
    """A change the server refused, or that conflicted, kept listed until someone deals with it."""

    __tablename__ = "sync_issues"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # refused | conflict
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36))
    household_id: Mapped[str | None] = mapped_column(String(36), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON)
    code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(40))


class SyncState(Base):
    """The pull cursor of one assigned village: it only moves forward."""

    __tablename__ = "sync_state"

    village_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    pulled_at: Mapped[datetime | None] = mapped_column(DateTime)


class Setting(Base):
    """Small key/value facts of this database: the device id, the county, the demo seed."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


REGISTRY_MODELS: tuple[type[Synced], ...] = (
    Division,
    AssistancePerson,
    Household,
    Member,
    Income,
    IncomeItem,
    AssistanceMeasure,
    Risk,
    NaturalChange,
    ProcedureStep,
    CrosscheckResult,
    MedicalSettlement,
    ProblemNote,
    HouseholdOperation,
    CardIssue,
    HouseholdReview,
)
"""The synced registry tables: only the save path (and bulk loaders) write them."""

ENTITY_NAMES: dict[type[Synced], str] = {model: model.__tablename__ for model in REGISTRY_MODELS}
