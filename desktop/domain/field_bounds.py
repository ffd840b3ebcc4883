"""The type and bounds of every synced field: what the laptop may save and the server may store.

One table for both ends. The laptop's save path checks every changed value against it before
anything is written, and the sync server checks every pushed value against it before it parses
or stores it, so a value one side refuses the other refuses too, and a malformed value
(``1e30`` kilometres, a latitude of ``1e308``, a dict where a list of codes belongs, a 50 MB note)
is a clear Chinese refusal of that one value instead of an overflow further down.

The kinds and lengths follow the store's column types (``tests/domain/test_field_bounds.py``
holds the two together: every synced column has a bound here, of the same kind, no longer than
the column and within its precision); the ranges are the registry's sense (a latitude within
±90°, at most 12 working months a year). Values are checked in their wire form (the outbox's
JSON: decimals and dates as text). ``None`` passes here: whether a column may be empty is the
column's own rule. This module knows nothing of the database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from desktop.domain.problems import Problem, Severity

Kind = Literal[
    "str", "text", "int", "float", "decimal", "bool", "date", "datetime", "codes", "record"
]

TEXT_MAX_CHARS = 3000
"""A free-text note (Text column) holds at most this many characters."""
CODES_MAX_ITEMS = 10
CODE_MAX_CHARS = 4
RECORD_MAX_ITEMS = 20
"""A small record (a JSON object such as an operation's details) has at most this many keys."""
PROBLEM_CODE = "FIELD_BOUND"


@dataclass(frozen=True, slots=True)
class Bound:
    """What one field may hold: its kind, and for its kind a length, a range or a pattern."""

    kind: Kind
    max_length: int | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    scale: int | None = None
    pattern: str | None = None


def _s(length: int, pattern: str | None = None) -> Bound:
    return Bound("str", max_length=length, pattern=pattern)


def _i(low: int, high: int) -> Bound:
    return Bound("int", minimum=low, maximum=high)


def _f(low: float, high: float) -> Bound:
    return Bound("float", minimum=low, maximum=high)


def _d(low: float, high: float) -> Bound:
    return Bound("decimal", minimum=low, maximum=high, scale=2)


TEXT = Bound("text", max_length=TEXT_MAX_CHARS)
BOOL = Bound("bool")
DATE = Bound("date")
DATETIME = Bound("datetime")
CODES = Bound("codes", max_length=CODE_MAX_CHARS, maximum=CODES_MAX_ITEMS)
RECORD = Bound("record", max_length=200, maximum=RECORD_MAX_ITEMS)  # keys and texts ≤ 200 chars
ID = _s(36)
CODE2 = _s(2)
YEAR = _i(1949, 2100)
MONEY = _d(-1e9, 1e9)  # Numeric(14, 2); a net or business income may be negative
AMOUNT = _d(0, 1e9)
AREA = _d(0, 100_000)  # mu or m², one household's
LATITUDE = _f(-90, 90)
LONGITUDE = _f(-180, 180)
ID_NUMBER = _s(22, r"[0-9A-Za-z]*")

_HOUSEHOLD_FLAGS = [
    "military_family",
    "only_child",
    "two_daughters",
    "marginal",
    "monitored",
    "cooperative_member",
    "led_by_enterprise",
    "led_by_entrepreneur",
    "production_power",
    "living_power",
    "broadcast_tv",
    "drinking_water_difficult",
    "drinking_water_safe",
    "dangerous_house",
    "sanitary_toilet",
    "relocation_wish",
    "food_assured",
    "clothing_assured",
    "education_assured",
    "medical_assured",
    "housing_assured",
    "water_assured",
    "away_long_term",
    "deleted",
]
_HOUSEHOLD_CODES = [
    "attribute",
    "special_support_mode",
    "identification_standard",
    "main_cause",
    "road_type",
    "housing_grade",
    "fuel_type",
    "relocation_mode",
    "resettlement_method",
    "resettlement_place",
]
_MEMBER_FLAGS = [
    "active_military",
    "speaks_mandarin",
    "basic_medical_insurance",
    "serious_illness_insurance",
    "basic_pension_insurance",
    "accident_insurance",
    "commercial_medical_insurance",
    "min_living_allowance",
    "special_support",
    "medical_assistance",
    "deleted",
]
_MEMBER_CODES = [
    "sex",
    "id_type",
    "relation",
    "ethnicity",
    "political_status",
    "education",
    "school_status",
    "labour_skill",
    "work_place",
    "joined_reason",
    "left_reason",
]

FIELD_BOUNDS: dict[str, dict[str, Bound]] = {
    "divisions": {
        "code": _s(20, r"[0-9]*"),
        "level": _s(10, r"county|township|village|hamlet"),
        "name": _s(60),
        "parent_id": ID,
        "is_poor_village": BOOL,
        "village_exited_year": YEAR,
        "task_force": _s(120),
        "committee_latitude": LATITUDE,
        "committee_longitude": LONGITUDE,
        "committee_location_source": _s(20),
        "committee_location_time": DATETIME,
        "poor_population_end_2013": _i(0, 10_000_000),
        "deleted": BOOL,
    },
    "assistance_persons": {
        "name": _s(40),
        "sex": CODE2,
        "political_status": CODE2,
        "unit_name": _s(120),
        "unit_level": CODE2,
        "position": _s(60),
        "phone": _s(30),
        "start_date": DATE,
        "end_date": DATE,
        "deleted": BOOL,
    },
    "households": {
        "household_number": _s(30),
        "village_id": ID,
        "hamlet_id": ID,
        "address": _s(200),
        "status": _s(16, r"poor|exited|exited_stable|ordinary"),
        **{name: CODE2 for name in _HOUSEHOLD_CODES},
        "other_causes": CODES,
        "return_causes": CODES,
        **{name: BOOL for name in _HOUSEHOLD_FLAGS},
        "identified_year": YEAR,
        "exited_year": YEAR,
        "returned_year": YEAR,
        "phone": _s(30),
        "bank_name": _s(60),
        "bank_account": _s(40),
        "cultivated_land_mu": AREA,
        "irrigated_land_mu": AREA,
        "forest_land_mu": AREA,
        "returned_farmland_mu": AREA,
        "fruit_forest_mu": AREA,
        "pasture_mu": AREA,
        "water_surface_mu": AREA,
        "road_distance_km": _d(0, 1000),
        "housing_area_m2": AREA,
        "latitude": LATITUDE,
        "longitude": LONGITUDE,
        "location_source": _s(20),
        "location_accuracy_m": _f(0, 100_000),
        "location_time": DATETIME,
        "location_note": TEXT,
        "location_contact": _s(30),
        "assistance_person_id": ID,
        "operation_id": ID,
        "member_count": _i(0, 50),
        "head_name": _s(40),
        "card_issue": _i(0, 100_000),
        "last_visit_date": DATE,
        "note": TEXT,
    },
    "members": {
        "household_id": ID,
        "position": _i(0, 100),
        "name": _s(40),
        **{name: CODE2 for name in _MEMBER_CODES},
        "id_number": ID_NUMBER,
        "disability_cert_number": ID_NUMBER,
        "birth_date": DATE,
        "dropout_reason": _s(60),
        "health": CODES,
        "work_months": _i(0, 99),  # more than 12 is a warning the worker may explain (R44)
        "work_employer": _s(120),
        "phone": _s(30),
        **{name: BOOL for name in _MEMBER_FLAGS},
        "joined_date": DATE,
        "left_date": DATE,
    },
    "incomes": {
        "household_id": ID,
        "policy_year": YEAR,
        "period_start": DATE,
        "period_end": DATE,
        "wage_income": MONEY,
        "business_income": MONEY,
        "property_income": MONEY,
        "transfer_income": MONEY,
        "production_costs": AMOUNT,
        "per_capita_net_income": MONEY,
        "deleted": BOOL,
    },
    "income_items": {
        "income_id": ID,
        "component": _s(20),
        "item": _s(40),
        "amount": MONEY,
        "deleted": BOOL,
    },
    "assistance_measures": {
        "household_id": ID,
        "member_id": ID,
        "year": YEAR,
        "category": _s(4),
        "item": _s(6),
        "description": _s(200),
        "amount": AMOUNT,
        "department": _s(60),
        "received": BOOL,
        "deleted": BOOL,
    },
    "risks": {
        "household_id": ID,
        "kind": _s(10),
        "risk_type": CODE2,
        "identified_date": DATE,
        "decided_by": CODE2,
        "decision_date": DATE,
        "eliminated": BOOL,
        "eliminated_date": DATE,
        "elimination_method": _s(20),
        "note": TEXT,
        "deleted": BOOL,
    },
    "natural_changes": {
        "household_id": ID,
        "member_id": ID,
        "direction": _s(3),
        "reason": CODE2,
        "change_date": DATE,
        "note": TEXT,
        "deleted": BOOL,
    },
    "procedure_steps": {
        "village_id": ID,
        "household_id": ID,
        "operation": _s(16),
        "step": _s(20),
        "start_date": DATE,
        "end_date": DATE,
        "outcome": _s(200),
        "recorded_by": _s(40),
        "deleted": BOOL,
    },
    "crosscheck_results": {
        "member_id": ID,
        "checked_date": DATE,
        "civil_servant": BOOL,
        "institution_staff": BOOL,
        "vehicle": BOOL,
        "housing": BOOL,
        "company_legal_person": BOOL,
        "decision": _s(20),
        "decision_note": TEXT,
        "deleted": BOOL,
    },
    "medical_settlements": {
        "member_id": ID,
        "settled_on": DATE,
        "basic_insurance": AMOUNT,
        "serious_illness_insurance": AMOUNT,
        "medical_assistance": AMOUNT,
        "civil_affairs_aid": AMOUNT,
        "government_subsidy": AMOUNT,
        "deleted": BOOL,
    },
    "household_operations": {
        "household_id": ID,
        "operation": _s(20),
        "done_at": DATETIME,
        "policy_year": YEAR,
        "status_before": _s(16),
        "status_after": _s(16),
        "actor": _s(40),
        "reason": TEXT,
        "detail": RECORD,
        "deleted": BOOL,
    },
    "card_issues": {
        "household_id": ID,
        "issue": _i(0, 10_000),
        "issued_at": DATETIME,
        "issued_by": _s(40),
        "reprint": BOOL,
        "deleted": BOOL,
    },
    "household_reviews": {
        "household_id": ID,
        "verdict": _s(10),
        "comment": TEXT,
        "reviewer": _s(40),
        "reviewed_at": DATETIME,
        "deleted": BOOL,
    },
    "problem_notes": {
        "household_id": ID,
        "rule_code": _s(40),
        "entity_id": ID,
        "explanation": TEXT,
        "explained_by": _s(40),
        "explained_at": DATETIME,
        "deleted": BOOL,
    },
}
"""Every synced field of every entity (wire name = the store's table and column name)."""

_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(2100, 12, 31)


def bound_of(entity: str, field: str) -> Bound | None:
    """The bound of a field, or ``None`` for a field this table does not know."""
    return FIELD_BOUNDS.get(entity, {}).get(field)


def _number(value: float | int | Decimal) -> str:
    return format(value, ",") if isinstance(value, int) else format(Decimal(str(value)), "f")


def _range_reason(value: Any, bound: Bound) -> str | None:
    if bound.minimum is not None and value < bound.minimum:
        return f"不能小于 {_number(bound.minimum)}"
    if bound.maximum is not None and value > bound.maximum:
        return f"不能大于 {_number(bound.maximum)}"
    return None


def _text_reason(value: Any, max_length: int | None) -> str | None:
    if not isinstance(value, str):
        return "应为文字"
    if max_length is not None and len(value) > max_length:
        return f"超过 {max_length} 个字符"
    if "\x00" in value:
        return "含有不可见的控制字符"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "含有无效的字符"
    return None


def check_value(bound: Bound, value: Any) -> str | None:
    """Why ``value`` (wire form) does not fit ``bound``, in Chinese; ``None`` when it fits."""
    if value is None:
        return None
    kind = bound.kind
    if kind == "bool":
        return None if isinstance(value, bool) else "应为是/否"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数"
        return _range_reason(value, bound)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "应为数字"
        if isinstance(value, float) and not math.isfinite(value):
            return "应为有限的数字"
        return _range_reason(value, bound)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return "应为数字"
        if isinstance(value, str) and len(value) > 40:
            return "应为数字"
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return "应为数字"
        if not number.is_finite():
            return "应为有限的数字"
        return _range_reason(number, bound)
    if kind in ("str", "text"):
        reason = _text_reason(value, bound.max_length)
        if reason is None and bound.pattern is not None and not re.fullmatch(bound.pattern, value):
            return "格式不正确"
        return reason
    if kind in ("date", "datetime"):
        if not isinstance(value, str) or len(value) > 40:
            return "应为日期" if kind == "date" else "应为日期时间"
        try:
            parsed = (
                dt.date.fromisoformat(value)
                if kind == "date"
                else dt.datetime.fromisoformat(value).date()
            )
        except ValueError:
            return "应为日期" if kind == "date" else "应为日期时间"
        if not _EARLIEST <= parsed <= _LATEST:
            return "日期超出范围"
        return None
    if kind == "codes":
        if not isinstance(value, list):
            return "应为代码列表"
        if bound.maximum is not None and len(value) > bound.maximum:
            return f"最多 {int(bound.maximum)} 项"
        for item in value:
            if not isinstance(item, str) or not item or len(item) > (bound.max_length or 0):
                return "代码列表中有不合法的代码"
        return None
    if kind == "record":
        return _record_reason(value, bound)
    return None


def _record_reason(value: Any, bound: Bound) -> str | None:
    """A flat JSON object: short text keys; values empty, yes/no, finite numbers or short text."""
    if not isinstance(value, dict):
        return "应为一组记录项"
    if bound.maximum is not None and len(value) > bound.maximum:
        return f"最多 {int(bound.maximum)} 项"
    for key, item in value.items():
        if _text_reason(key, bound.max_length) is not None:
            return "记录项的名称不合法"
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, int | float):
            if isinstance(item, float) and not math.isfinite(item):
                return "应为有限的数字"
            continue
        if isinstance(item, list):  # a short list of texts (e.g. Q17's support modes)
            if len(item) > RECORD_MAX_ITEMS or any(
                x is not None and _text_reason(x, bound.max_length) is not None for x in item
            ):
                return "记录项的内容不合法"
            continue
        if _text_reason(item, bound.max_length) is not None:
            return "记录项的内容不合法"
    return None


def check_fields(entity: str, fields: Mapping[str, Any]) -> list[Problem]:
    """One problem (an error) per field of ``fields`` whose value does not fit its bound.

    Fields this table does not know are not this module's to refuse (the caller's column check
    is); ``fields`` are wire values.
    """
    table = FIELD_BOUNDS.get(entity, {})
    problems: list[Problem] = []
    for name, value in fields.items():
        bound = table.get(name)
        if bound is None:
            continue
        reason = check_value(bound, value)
        if reason is not None:
            problems.append(
                Problem(
                    code=PROBLEM_CODE,
                    field=f"{entity}.{name}",
                    severity=Severity.ERROR,
                    message=f"{name} {reason}",
                )
            )
    return problems
