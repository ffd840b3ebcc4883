"""What the household form needs from the store: load for editing, a payload, apply it, the book.

The form never holds ORM objects. It edits a *payload*: a plain, JSON-ready dict of the
household and everything that belongs to it, with every value as the person typed it (dates,
amounts and counts are text, yes/no fields are ``True``/``False``/``None``, coded fields hold
their codes, multi-code fields lists of codes). The same payload is what a draft stores, so
nothing typed is lost to a crash, not even an unfinished date.

Shape (``PAYLOAD_FORMAT`` 1)::

    {"format": 1,
     "household": {column: value, ...},          # with "id"
     "members": [{column: value, ..., "_saved": True}, ...],
     "incomes": [{..., "items": [{...}, ...]}, ...],
     "measures": [...], "natural_changes": [...], "procedure_steps": [...],
     "risks": [...],                              # only for roles that see internal lists
     "assistance_person": {...} | None,
     "operations": [{"op": "exit", "at": "..."}], # done in the form, named in the book
     "meta": {"title": ..., "village_name": ...}}

Every row carries its ``id`` (new rows get a UUIDv7 when the form adds them, so a natural change
can name a member that is not saved yet); keys starting with ``_`` are the form's own. Rows are
never dropped by ``apply_payload``: a saved row leaves only as a tombstone (``deleted``), and a
member leaves only through a natural change (``left_reason``, ``left_date``). Location fields
are applied only when the form captured a location (``set_location`` marks the payload with
``meta["location_edited"]``); otherwise they are shown and left as stored, so a location written
elsewhere while the form was open is not overwritten by the form's older copy.

``parse_payload`` turns the texts into values and reports what cannot be read as problems
(``FORM_BAD_DATE``, ``FORM_BAD_NUMBER``, ``FORM_REQUIRED``, all errors); ``preview_household``
gives light records the domain audit reads, for checking as the person types: the household,
its members, incomes, measures, risks and procedure steps, and with a ``FormContext`` (read when
the form opens) what the payload does not hold — the village committee's point, the village's
procedure steps, each member's cross-check results and medical settlements — so the form finds
what the save's audit finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    func,
    select,
)
from sqlalchemy.orm import Session, selectinload

from desktop.domain.clock import Clock
from desktop.domain.problems import Problem, Severity
from desktop.store.drafts import DraftData, autosave_seconds, delete_draft, load_draft
from desktop.store.models import (
    AssistanceMeasure,
    AssistancePerson,
    Base,
    Division,
    Household,
    Income,
    IncomeItem,
    LedgerEntry,
    Member,
    NaturalChange,
    ProcedureStep,
    Risk,
    new_id,
)

PAYLOAD_FORMAT = 1

FORM_BAD_DATE = "FORM_BAD_DATE"
FORM_BAD_NUMBER = "FORM_BAD_NUMBER"
FORM_REQUIRED = "FORM_REQUIRED"

INTERNAL_HOUSEHOLD_FIELDS = frozenset({"marginal", "monitored"})
"""Household fields of the internal lists (Q6): absent from the payload of other roles."""

LOCATION_FIELDS = (
    "latitude",
    "longitude",
    "location_source",
    "location_accuracy_m",
    "location_time",
    "away_long_term",
    "location_note",
    "location_contact",
)
"""Shown read-only in the form; a location captured in the form writes them (``set_location``)."""

LOCATION_EDITED = "location_edited"
"""``payload["meta"][LOCATION_EDITED]``: the form captured a location, so the save applies it."""

_NEVER = frozenset({"version", "updated_at"})
_DERIVED = frozenset(
    {"member_count", "head_name", "card_issue", "assistance_person_id", "operation_id"}
)


@dataclass(frozen=True)
class Section:
    """A kind of row the payload holds: its model, payload key, the columns it carries."""

    key: str
    model: type[Base]
    skip: frozenset[str] = frozenset()
    read_only: frozenset[str] = frozenset()
    required: tuple[tuple[str, str], ...] = ()  # (column, Chinese name) that must be filled
    entity: str = ""  # the prefix of problem fields: ``member`` → ``member.birth_date``

    @property
    def columns(self) -> dict[str, Any]:
        table = self.model.__table__  # type: ignore[attr-defined]
        return {c.key: c for c in table.columns if c.key not in _NEVER and c.key not in self.skip}

    @property
    def applied(self) -> list[str]:
        return [k for k in self.columns if k not in self.read_only and k != "id"]


HOUSEHOLD = Section(
    "household",
    Household,
    skip=_DERIVED,
    read_only=frozenset(LOCATION_FIELDS),
    required=(("household_number", "户编号"), ("village_id", "行政村")),
    entity="household",
)
MEMBERS = Section(
    "members",
    Member,
    skip=frozenset({"household_id"}),
    required=(("name", "姓名"),),
    entity="member",
)
INCOMES = Section(
    "incomes",
    Income,
    skip=frozenset({"household_id", "per_capita_net_income"}),
    required=(("policy_year", "收入年度"),),
    entity="income",
)
INCOME_ITEMS = Section(
    "items",
    IncomeItem,
    skip=frozenset({"income_id"}),
    required=(("component", "收入项"), ("item", "明细名称")),
    entity="income_item",
)
MEASURES = Section(
    "measures",
    AssistanceMeasure,
    skip=frozenset({"household_id"}),
    required=(("year", "年度"), ("category", "帮扶类别")),
    entity="measure",
)
RISKS = Section(
    "risks",
    Risk,
    skip=frozenset({"household_id"}),
    required=(("kind", "类别"), ("risk_type", "风险类型")),
    entity="risk",
)
NATURAL_CHANGES = Section(
    "natural_changes",
    NaturalChange,
    skip=frozenset({"household_id"}),
    required=(("member_id", "成员"), ("reason", "变更原因"), ("change_date", "变更日期")),
    entity="natural_change",
)
PROCEDURE_STEPS = Section(
    "procedure_steps",
    ProcedureStep,
    skip=frozenset({"household_id", "village_id"}),
    required=(("operation", "办理事项"), ("step", "程序步骤")),
    entity="procedure",
)
ASSISTANCE_PERSON = Section("assistance_person", AssistancePerson, entity="assistance_person")

ROW_SECTIONS = (MEMBERS, INCOMES, MEASURES, RISKS, NATURAL_CHANGES, PROCEDURE_STEPS)
SECTIONS: dict[str, Section] = {
    s.key: s for s in (HOUSEHOLD, *ROW_SECTIONS, INCOME_ITEMS, ASSISTANCE_PERSON)
}


class FormInvalid(ValueError):
    """A payload with values that cannot be read (a bad date, a bad number, a missing name)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


# --- values: form text <-> column values -------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_FULL_WIDTH = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)} | {"．": ".", "－": "-"})


def plain_decimal(value: Decimal) -> str:
    """``Decimal('6000.00')`` → ``6000``, ``Decimal('6.50')`` → ``6.5`` (no exponent)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def parse_date(text: str) -> date:
    """A day typed as ``2019-11-30``, ``2019/11/30``, ``2019.11.30``, ``20191130`` or ``2019年11月30日``."""
    cleaned = "".join(text.translate(_FULL_WIDTH).split())
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)  # ValueError for 2019-02-30
    raise ValueError(text)


def to_form(column: Any, value: Any) -> Any:
    """A column value as the form holds it (text for dates and numbers)."""
    kind = column.type
    if isinstance(kind, JSON):
        return list(value or [])
    if value is None:
        return None
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, DateTime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, Float):
        return repr(float(value))
    if isinstance(kind, Numeric):
        return plain_decimal(Decimal(value))
    if isinstance(kind, Integer):
        return str(value)
    return value


class _BadValue(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def from_form(column: Any, value: Any) -> Any:
    """A form value as a column value; ``_BadValue`` when the text cannot be read."""
    kind = column.type
    if isinstance(kind, JSON):
        return [str(v) for v in value or []]
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if isinstance(kind, Boolean):
        if isinstance(value, str):
            return value in ("1", "true", "True", "是")
        return bool(value)
    if isinstance(kind, DateTime):
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise _BadValue(FORM_BAD_DATE) from exc
    if isinstance(kind, Date):
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise _BadValue(FORM_BAD_DATE) from exc
    if isinstance(kind, Float):
        try:
            return float(str(value).translate(_FULL_WIDTH))
        except ValueError as exc:
            raise _BadValue(FORM_BAD_NUMBER) from exc
    if isinstance(kind, Numeric):
        try:
            number = Decimal(str(value).translate(_FULL_WIDTH).replace(",", "").replace("，", ""))
        except InvalidOperation as exc:
            raise _BadValue(FORM_BAD_NUMBER) from exc
        if not number.is_finite():
            raise _BadValue(FORM_BAD_NUMBER)
        return number
    if isinstance(kind, Integer):
        try:
            return int(str(value).translate(_FULL_WIDTH))
        except ValueError as exc:
            raise _BadValue(FORM_BAD_NUMBER) from exc
    return str(value)


def _column_default(column: Any) -> Any:
    default = column.default
    if default is None or default.is_callable:
        return None
    return default.arg


# --- ORM -> payload -----------------------------------------------------------------------------


def load_for_edit(session: Session, household_id: str) -> Household | None:
    """A live household with everything its form shows, loaded up front (no lazy loads later)."""
    query = (
        select(Household)
        .where(Household.id == household_id, Household.deleted.is_(False))
        .options(
            selectinload(Household.members).selectinload(Member.crosschecks),
            selectinload(Household.members).selectinload(Member.settlements),
            selectinload(Household.incomes).selectinload(Income.items),
            selectinload(Household.measures),
            selectinload(Household.risks),
            selectinload(Household.natural_changes),
            selectinload(Household.procedure_steps),
            selectinload(Household.assistance_person),
            selectinload(Household.village),
            selectinload(Household.hamlet),
        )
    )
    return session.scalars(query).one_or_none()


def row_payload(section: Section, obj: Any, *, saved: bool = True) -> dict[str, Any]:
    """One ORM row as a payload row."""
    row = {key: to_form(column, getattr(obj, key)) for key, column in section.columns.items()}
    if saved:
        row["_saved"] = True
    return row


def household_payload(household: Household, *, internal: bool) -> dict[str, Any]:
    """The form payload of a loaded household (see the module docstring for the shape).

    Without ``internal`` the marginal and monitored flags and the risks are left out: a role
    that may not see the internal lists (Q6) never receives them, and cannot change them.
    """
    head = row_payload(HOUSEHOLD, household)
    head.pop("_saved")
    if not internal:
        for key in INTERNAL_HOUSEHOLD_FIELDS:
            head.pop(key, None)
    incomes = []
    for income in household.incomes:
        row = row_payload(INCOMES, income)
        row["items"] = [row_payload(INCOME_ITEMS, item) for item in income.items]
        incomes.append(row)
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "household": head,
        "members": [row_payload(MEMBERS, m) for m in household.members],
        "incomes": incomes,
        "measures": [row_payload(MEASURES, m) for m in household.measures],
        "natural_changes": [row_payload(NATURAL_CHANGES, c) for c in household.natural_changes],
        "procedure_steps": [row_payload(PROCEDURE_STEPS, s) for s in household.procedure_steps],
        "assistance_person": (
            row_payload(ASSISTANCE_PERSON, household.assistance_person)
            if household.assistance_person is not None
            else None
        ),
        "operations": [],
        "meta": {
            "saved": True,
            "village_name": household.village.name if household.village else None,
            "hamlet_name": household.hamlet.name if household.hamlet else None,
            "title": payload_title_of(household.household_number, household.head_name),
        },
    }
    if internal:
        payload["risks"] = [row_payload(RISKS, r) for r in household.risks]
    return payload


def payload_title_of(number: str | None, head: str | None) -> str:
    return " ".join(p for p in (number, head) if p) or "新建农户"


def new_row(section_key: str, **values: Any) -> dict[str, Any]:
    """An empty payload row of a section, with a fresh id, column defaults and ``values``."""
    section = SECTIONS[section_key]
    row: dict[str, Any] = {}
    for key, column in section.columns.items():
        default = _column_default(column)
        row[key] = to_form(column, default) if default is not None else to_form(column, None)
    row["id"] = new_id()
    row["deleted"] = False
    if section_key == "incomes":
        row["items"] = []
    row.update(values)
    return row


def new_household_payload(
    *,
    village_id: str,
    village_name: str | None = None,
    hamlet_id: str | None = None,
    hamlet_name: str | None = None,
    household_number: str | None = None,
    internal: bool,
) -> dict[str, Any]:
    """The payload of a household not saved yet: an ordinary household (status ``ordinary``).

    A new poor household is a new household plus the identify operation (新识别).
    """
    head = new_row("household")
    head.update(
        village_id=village_id,
        hamlet_id=hamlet_id,
        household_number=household_number,
        status="ordinary",
    )
    head.pop("items", None)
    if not internal:
        for key in INTERNAL_HOUSEHOLD_FIELDS:
            head.pop(key, None)
    payload: dict[str, Any] = {
        "format": PAYLOAD_FORMAT,
        "household": head,
        "members": [],
        "incomes": [],
        "measures": [],
        "natural_changes": [],
        "procedure_steps": [],
        "assistance_person": None,
        "operations": [],
        "meta": {
            "saved": False,
            "village_name": village_name,
            "hamlet_name": hamlet_name,
            "title": payload_title_of(household_number, None),
        },
    }
    if internal:
        payload["risks"] = []
    return payload


def payload_title(payload: Mapping[str, Any]) -> str:
    """``户编号 户主姓名`` of a payload, for window titles and the draft list."""
    head = next(
        (
            m.get("name")
            for m in payload.get("members", ())
            if m.get("relation") == "01" and not m.get("left_date") and not m.get("deleted")
        ),
        None,
    )
    return payload_title_of(payload.get("household", {}).get("household_number"), head)


# --- payload -> values --------------------------------------------------------------------------


@dataclass
class Parsed:
    """A payload's values (``household`` a dict, sections lists of dicts) and what was unreadable."""

    household: dict[str, Any]
    sections: dict[str, list[dict[str, Any]]]
    assistance_person: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)


_BAD_MESSAGES = {
    FORM_BAD_DATE: "“{label}”填写的“{text}”不是有效日期，请按“2019-11-30”的格式填写。",
    FORM_BAD_NUMBER: "“{label}”填写的“{text}”不是有效数字，请只填写数字。",
}


def _parse_row(
    section: Section,
    row: Mapping[str, Any],
    problems: list[Problem],
    labels: Mapping[str, str],
    *,
    owner: str | None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    target = row.get("id") or owner
    for key, column in section.columns.items():
        if key not in row:
            continue
        try:
            values[key] = from_form(column, row[key])
        except _BadValue as bad:
            values[key] = None
            label = labels.get(f"{section.entity}.{key}", key)
            problems.append(
                Problem(
                    bad.code,
                    f"{section.entity}.{key}",
                    Severity.ERROR,
                    _BAD_MESSAGES[bad.code].format(label=label, text=row[key]),
                    target,
                )
            )
    if not row.get("deleted"):
        for key, name in section.required:
            if key in section.columns and values.get(key) in (None, "", []):
                who = ""
                if section is MEMBERS:
                    who = f"第{int(row.get('_position', 0)) + 1}名成员的"
                problems.append(
                    Problem(
                        FORM_REQUIRED,
                        f"{section.entity}.{key}",
                        Severity.ERROR,
                        f"{who}“{name}”不能为空，请填写。",
                        target,
                    )
                )
    return values


def parse_payload(payload: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> Parsed:
    """The payload's values, with a problem for every text that is not a valid date or number.

    ``labels`` maps ``entity.column`` to the form's Chinese label, for the messages.
    """
    labels = labels or {}
    problems: list[Problem] = []
    head = payload.get("household", {})
    household_id = head.get("id")
    household = _parse_row(HOUSEHOLD, head, problems, labels, owner=household_id)
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in ROW_SECTIONS:
        if section.key not in payload:
            continue
        rows = []
        for position, row in enumerate(payload.get(section.key) or ()):
            marked = {**row, "_position": position}
            values = _parse_row(section, marked, problems, labels, owner=household_id)
            values.setdefault("id", row.get("id"))
            values.setdefault("deleted", bool(row.get("deleted")))
            if section is INCOMES:
                values["items"] = [
                    {
                        **_parse_row(INCOME_ITEMS, item, problems, labels, owner=household_id),
                        "id": item.get("id"),
                        "deleted": bool(item.get("deleted")),
                    }
                    for item in row.get("items") or ()
                ]
            rows.append(values)
        sections[section.key] = rows
    person = payload.get("assistance_person")
    person_values = (
        _parse_row(ASSISTANCE_PERSON, person, problems, labels, owner=household_id)
        if person
        else None
    )
    return Parsed(household, sections, person_values, problems)


@dataclass(frozen=True)
class FormContext:
    """What the form checks with besides its payload, read when it opens and never edited there.

    ``committee`` is the village committee's point (latitude, longitude) or None;
    ``village_steps`` the village's own procedure steps (no household); ``member_records`` each
    member's cross-check results and medical settlements (member id -> {"crosschecks": …,
    "settlements": …}). All are plain records (``SimpleNamespace``), safe to hand across threads.
    """

    committee: tuple[float, float] | None = None
    village_steps: tuple[SimpleNamespace, ...] = ()
    member_records: Mapping[str, Mapping[str, tuple[SimpleNamespace, ...]]] = field(
        default_factory=dict
    )

    def crosschecks(self, member_ids: Iterable[str]) -> list[SimpleNamespace]:
        """The cross-check results of these members."""
        return [
            r
            for member_id in member_ids
            for r in self.member_records.get(member_id, {}).get("crosschecks", ())
        ]


def plain_record(obj: Any) -> SimpleNamespace:
    """An ORM row's column values as a plain record (no session needed to read it later)."""
    table = obj.__table__
    return SimpleNamespace(**{c.key: getattr(obj, c.key) for c in table.columns})


def form_context(
    session: Session, household: Household | None, village_id: str | None
) -> FormContext:
    """The ``FormContext`` of a household (stored or not yet) in village ``village_id``."""
    from desktop.store.queries import village_steps

    committee = None
    steps: tuple[SimpleNamespace, ...] = ()
    if village_id:
        village = session.get(Division, village_id)
        if village is not None and None not in (
            village.committee_latitude,
            village.committee_longitude,
        ):
            committee = (village.committee_latitude, village.committee_longitude)
        steps = tuple(plain_record(s) for s in village_steps(session, village_id))
    records: dict[str, dict[str, tuple[SimpleNamespace, ...]]] = {}
    if household is not None:
        for member in household.members:
            records[member.id] = {
                "crosschecks": tuple(plain_record(r) for r in member.crosschecks),
                "settlements": tuple(plain_record(r) for r in member.settlements),
            }
    return FormContext(committee=committee, village_steps=steps, member_records=records)


def preview_household(
    payload: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    context: FormContext | None = None,
) -> tuple[SimpleNamespace, list[Problem]]:
    """Light records of the payload that the domain audit reads, and the unreadable values.

    Nothing touches a database: the form checks the household as it is typed. With ``context``
    the records also carry the village (its committee point), the village's procedure steps and
    the members' cross-checks and settlements; without it those are absent, and the audit's
    rules that read them are skipped.
    """
    parsed = parse_payload(payload, labels)

    def records(section: Section, rows: Iterable[Mapping[str, Any]]) -> list[SimpleNamespace]:
        return [SimpleNamespace(**_with_defaults(section, r)) for r in rows]

    members = records(MEMBERS, parsed.sections.get("members", []))
    if context is not None:
        for member in members:
            found = context.member_records.get(str(member.id), {})
            member.crosschecks = list(found.get("crosschecks", ()))
            member.settlements = list(found.get("settlements", ()))
    incomes = []
    for income in parsed.sections.get("incomes", []):
        values = _with_defaults(INCOMES, {k: v for k, v in income.items() if k != "items"})
        items = records(INCOME_ITEMS, income["items"])
        incomes.append(SimpleNamespace(**values, items=items))
    household = SimpleNamespace(
        **_with_defaults(HOUSEHOLD, parsed.household),
        members=[m for m in members if not m.deleted],
        incomes=incomes,
    )
    household.member_count = None  # kept by the save from the current members, never typed
    for section in (MEASURES, RISKS, PROCEDURE_STEPS):
        if section.key in parsed.sections:
            rows = records(section, parsed.sections[section.key])
            setattr(household, section.key, [r for r in rows if not r.deleted])
    if context is not None:
        household.village_procedure_steps = list(context.village_steps)
        lat, lon = context.committee if context.committee is not None else (None, None)
        household.village = SimpleNamespace(committee_latitude=lat, committee_longitude=lon)
    return household, parsed.problems


def _with_defaults(section: Section, values: Mapping[str, Any]) -> dict[str, Any]:
    full = {key: None for key in section.columns}
    full.update(values)
    return full


# --- payload -> ORM -----------------------------------------------------------------------------


def _assign(obj: Any, values: Mapping[str, Any], keys: Iterable[str], section: Section) -> None:
    columns = section.columns
    for key in keys:
        if key not in values:
            continue
        value = values[key]
        column = columns[key]
        if value is None and not column.nullable:
            value = _column_default(column)
            if value is None and isinstance(column.type, Boolean):
                value = False
            if value is None and not isinstance(column.type, Date | Integer | Numeric):
                value = ""
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def _rows_by_id(objs: Iterable[Any]) -> dict[str, Any]:
    return {o.id: o for o in objs}


def _apply_rows(
    section: Section,
    rows: list[dict[str, Any]],
    existing: list[Any],
    make: Any,
    *,
    positions: bool = False,
) -> list[Any]:
    by_id = _rows_by_id(existing)
    touched = []
    for position, values in enumerate(rows):
        obj = by_id.get(values.get("id"))
        if obj is None:
            if values.get("deleted"):
                continue  # added and removed before it was ever saved
            obj = make(values.get("id") or new_id())
            existing.append(obj)
            by_id[obj.id] = obj
        _assign(obj, values, section.applied, section)
        if positions:
            obj.position = position
        touched.append(obj)
    return touched


def apply_payload(
    session: Session, household: Household, payload: Mapping[str, Any], *, internal: bool
) -> Household:
    """Put the payload's values on the household's ORM rows (the caller saves them).

    Only what changed is assigned, so the save's book and outbox name only real changes. Rows
    missing from the payload are left as they are; a removed row comes as ``deleted``.
    Raises ``FormInvalid`` when a value cannot be read.
    """
    parsed = parse_payload(payload)
    if parsed.problems:
        raise FormInvalid(parsed.problems)
    keys = [k for k in HOUSEHOLD.applied if internal or k not in INTERNAL_HOUSEHOLD_FIELDS]
    if (payload.get("meta") or {}).get(LOCATION_EDITED):
        keys += LOCATION_FIELDS
    _assign(household, parsed.household, keys, HOUSEHOLD)
    if household.village_id and (
        household.village is None or household.village.id != household.village_id
    ):
        household.village = session.get(Division, household.village_id)
    if household.hamlet_id is None:
        household.hamlet = None
    elif household.hamlet is None or household.hamlet.id != household.hamlet_id:
        household.hamlet = session.get(Division, household.hamlet_id)

    sections = parsed.sections
    if "members" in sections:
        _apply_rows(
            MEMBERS,
            sections["members"],
            household.members,
            lambda i: Member(id=i),
            positions=True,
        )
    for values in sections.get("incomes", []):
        income_values = {k: v for k, v in values.items() if k != "items"}
        touched = _apply_rows(INCOMES, [income_values], household.incomes, lambda i: Income(id=i))
        for income in touched:
            _apply_rows(INCOME_ITEMS, values["items"], income.items, lambda i: IncomeItem(id=i))
    if "measures" in sections:
        _apply_rows(
            MEASURES, sections["measures"], household.measures, lambda i: AssistanceMeasure(id=i)
        )
    if internal and "risks" in sections:
        _apply_rows(RISKS, sections["risks"], household.risks, lambda i: Risk(id=i))
    if "natural_changes" in sections:
        _apply_rows(
            NATURAL_CHANGES,
            sections["natural_changes"],
            household.natural_changes,
            lambda i: NaturalChange(id=i),
        )
    if "procedure_steps" in sections:
        steps = _apply_rows(
            PROCEDURE_STEPS,
            sections["procedure_steps"],
            household.procedure_steps,
            lambda i: ProcedureStep(id=i),
        )
        for step in steps:
            if step.village_id != household.village_id:
                step.village_id = household.village_id
    person = parsed.assistance_person
    if person is not None and (person.get("name") or household.assistance_person is not None):
        if household.assistance_person is None:
            household.assistance_person = AssistancePerson(id=person.get("id") or new_id())
        _assign(household.assistance_person, person, ASSISTANCE_PERSON.applied, ASSISTANCE_PERSON)
    return household


# --- the household book, divisions, numbers, scans ----------------------------------------------


@dataclass(frozen=True)
class BookLine:
    """One line of the household book (一簿): who changed which field of what, when, and why."""

    seq: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


def household_book(session: Session, household_id: str, *, limit: int = 2000) -> list[BookLine]:
    """The household's book, newest first (the same moment: the later entry first)."""
    rows = session.execute(
        select(
            LedgerEntry.seq,
            LedgerEntry.at,
            LedgerEntry.actor,
            LedgerEntry.entity,
            LedgerEntry.entity_id,
            LedgerEntry.field,
            LedgerEntry.old_value,
            LedgerEntry.new_value,
            LedgerEntry.reason,
        )
        .where(LedgerEntry.household_id == household_id)
        .order_by(LedgerEntry.at.desc(), LedgerEntry.seq.desc())
        .limit(limit)
    ).all()
    return [BookLine(*row) for row in rows]


@dataclass(frozen=True)
class DivisionOption:
    """A village or hamlet a household can belong to."""

    id: str
    parent_id: str | None
    level: str
    code: str
    name: str


def division_options(session: Session) -> list[DivisionOption]:
    """Live villages and hamlets, in code order (for the new-household choice)."""
    rows = session.execute(
        select(Division.id, Division.parent_id, Division.level, Division.code, Division.name)
        .where(Division.deleted.is_(False), Division.level.in_(("village", "hamlet")))
        .order_by(Division.code)
    ).all()
    return [DivisionOption(*row) for row in rows]


HOUSEHOLD_SEQUENCE_DIGITS = 4


def next_household_number(session: Session, village_id: str) -> str | None:
    """A free household number in the village: its 12-digit code and the next 4-digit sequence."""
    code = session.scalar(select(Division.code).where(Division.id == village_id))
    if code is None:
        return None
    width = len(code) + HOUSEHOLD_SEQUENCE_DIGITS
    numbers = session.scalars(
        select(Household.household_number).where(
            Household.household_number.like(f"{code}%"),
            func.length(Household.household_number) == width,
        )
    ).all()
    used = [int(n[len(code) :]) for n in numbers if n[len(code) :].isdigit()]
    return f"{code}{(max(used, default=0) + 1):0{HOUSEHOLD_SEQUENCE_DIGITS}d}"


_DIGIT_RUN = re.compile(r"\d{6,}")


def resolve_household_number(session: Session, text: str) -> str | None:
    """The id of the live household a scanned or typed code names, or None.

    Until the cards define their QR payload this accepts the household number itself, or any
    text holding it as its longest run of digits (a URL or a labelled code).
    """
    cleaned = "".join((text or "").split())
    if not cleaned:
        return None
    candidates = [cleaned]
    runs = sorted(_DIGIT_RUN.findall(cleaned), key=len, reverse=True)
    candidates += [r for r in runs if r != cleaned]
    for candidate in candidates:
        found = session.scalar(
            select(Household.id).where(
                Household.household_number == candidate, Household.deleted.is_(False)
            )
        )
        if found is not None:
            return found
    return None


# --- the form's two jobs: open and save ----------------------------------------------------------


@dataclass
class FormData:
    """What opening a form reads in one job.

    ``payload`` is None when the household does not exist (any more) or was never saved;
    ``draft`` is the unsaved draft under ``key``, if any.
    """

    key: str
    payload: dict[str, Any] | None
    draft: DraftData | None
    policy_year: int
    book: list[BookLine]
    autosave_seconds: float
    context: FormContext = field(default_factory=FormContext)


def load_form(
    session: Session,
    *,
    household_id: str | None,
    key: str,
    internal: bool,
    village_id: str | None = None,
) -> FormData:
    """Read a household's payload, its book, its draft, the policy year, the autosave interval
    and the ``FormContext`` (of ``village_id`` for a household not saved yet)."""
    from desktop.store.settings import working_policy

    payload = None
    household = None
    book: list[BookLine] = []
    if household_id is not None:
        household = load_for_edit(session, household_id)
        if household is not None:
            payload = household_payload(household, internal=internal)
            book = household_book(session, household_id)
            village_id = household.village_id
    draft = load_draft(session, key)
    if village_id is None and draft is not None:
        village_id = draft.payload.get("household", {}).get("village_id")
    return FormData(
        key=key,
        payload=payload,
        draft=draft,
        policy_year=working_policy(session).year,
        book=book,
        autosave_seconds=autosave_seconds(session),
        context=form_context(session, household, village_id),
    )


def _check_number_is_free(session: Session, household_id: str, number: str | None) -> None:
    if not number:
        return
    other = session.scalar(
        select(Household.id).where(
            Household.household_number == number.strip(), Household.id != household_id
        )
    )
    if other is not None:
        raise FormInvalid(
            [
                Problem(
                    "FORM_NUMBER_TAKEN",
                    "household.household_number",
                    Severity.ERROR,
                    f"户编号 {number.strip()} 已被另一户使用,请换一个户编号。",
                    household_id,
                )
            ]
        )


@dataclass
class SavedForm:
    """What a save wrote, and the household as it is now stored (a fresh payload and book)."""

    household_id: str
    payload: dict[str, Any]
    book: list[BookLine]
    problems: list[Problem]
    ledger_entries: int


def save_form(
    session: Session,
    payload: Mapping[str, Any],
    *,
    actor: str,
    reason: str | None,
    internal: bool,
    key: str | None = None,
    clock: Clock | None = None,
) -> SavedForm:
    """Apply the payload to the stored household (or a new one) and save it through the one path.

    ``save_household`` validates, writes the rows, the book and the outbox in one transaction;
    its ``SaveRefused`` (and ``FormInvalid`` from reading the payload) propagate and nothing is
    written. After the save the draft under ``key`` is deleted (its own commit). The operations
    the payload lists (``payload["operations"]``) go to the save, which checks every status and
    flag change against them at ``clock``'s now (default: the database's clock).
    """
    from desktop.store.engine import begin_write
    from desktop.store.save import save_household

    begin_write(session)  # the loads below already belong to the save's write transaction
    household_id = payload["household"]["id"]
    household = load_for_edit(session, household_id)
    if household is None:
        household = Household(id=household_id)
    _check_number_is_free(session, household_id, payload["household"].get("household_number"))
    with session.no_autoflush:  # a query before the save must not flush half-applied rows
        apply_payload(session, household, payload, internal=internal)
    result = save_household(
        session,
        household,
        actor=actor,
        reason=reason,
        operations=list(payload.get("operations") or ()),
        clock=clock,
        internal=internal,
        as_registered=False,
    )
    if key is not None:
        delete_draft(session, key)
    session.expire_all()
    stored = load_for_edit(session, household_id)
    assert stored is not None
    return SavedForm(
        household_id=household_id,
        payload=household_payload(stored, internal=internal),
        book=household_book(session, household_id),
        problems=result.problems,
        ledger_entries=result.ledger_entries,
    )


# --- operations recorded in a payload ------------------------------------------------------------


def _procedure_steps_for(payload: dict[str, Any], op: str) -> None:
    """Add the procedure's steps the household has no live row for yet (to be dated later)."""
    from desktop.domain.procedure import REQUIRED_STEPS

    steps = payload.setdefault("procedure_steps", [])
    present = {s.get("step") for s in steps if s.get("operation") == op and not s.get("deleted")}
    for step in REQUIRED_STEPS.get(op, ()):
        if step not in present:
            steps.append(new_row("procedure_steps", operation=op, step=step))


def set_location(payload: dict[str, Any], values: Mapping[str, Any]) -> list[str]:
    """Put location values (column values: floats, a datetime, a bool, texts) on the payload's
    household as form values, and mark the payload so the save applies them.

    Only ``LOCATION_FIELDS`` are taken; returns the names of those that changed.
    """
    head = payload["household"]
    columns = HOUSEHOLD.columns
    changed = []
    for name in LOCATION_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, datetime):
            shown: Any = value.replace(microsecond=0).isoformat(sep=" ")
        else:
            shown = to_form(columns[name], value)
        if head.get(name) != shown:
            head[name] = shown
            changed.append(name)
    if changed:
        payload.setdefault("meta", {})[LOCATION_EDITED] = True
    return changed


def current_member_rows(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The payload's members still in the household (not removed, not tombstones)."""
    return [
        m for m in payload.get("members", ()) if not m.get("deleted") and not m.get("left_date")
    ]


def apply_operation(
    payload: dict[str, Any],
    op: str,
    values: Mapping[str, Any],
    *,
    policy_year: int,
    moment: datetime,
) -> dict[str, Any] | None:
    """Record an operation the person confirmed in the form's payload (saved with the form).

    The caller has asked ``desktop.domain.operations.operation_problems``; the save checks it
    again (``check_transition``) and ends the flags it ends. ``values`` are
    what the operation's dialog asked for (form values). Returns the member row an operation
    added or changed (``member_in``, ``member_out``), else None. The operation is listed under
    ``payload["operations"]`` so the save names it in the household book.
    """
    from desktop.domain.operations import Operation, Status, new_status

    operation = Operation(op)
    head = payload["household"]
    before_mode = head.get("special_support_mode")
    year = str(policy_year)
    touched: dict[str, Any] | None = None
    if operation in (Operation.identify, Operation.return_, Operation.exit):
        head["status"] = new_status(operation, Status(head.get("status") or "ordinary")).value
    if operation is Operation.identify:
        head["identified_year"] = year
        for key in ("main_cause", "other_causes", "identification_standard", "attribute"):
            if key in values:
                head[key] = values[key]
        _procedure_steps_for(payload, op)
    elif operation is Operation.return_:
        head["returned_year"] = year
        head["return_causes"] = list(values.get("return_causes") or [])
        _procedure_steps_for(payload, op)
    elif operation is Operation.exit:
        head["exited_year"] = year
        if values.get("special_support_mode"):
            head["special_support_mode"] = values["special_support_mode"]
        _procedure_steps_for(payload, op)
    elif operation is Operation.member_in:
        from desktop.domain.codes import implied_sex

        heads = [m for m in current_member_rows(payload) if m.get("relation") == "01"]
        head_sex = heads[0].get("sex") if len(heads) == 1 else None
        relation = values.get("relation")
        touched = new_row(
            "members",
            name=values.get("name") or "",
            relation=relation,
            sex=values.get("sex") or (implied_sex(relation, head_sex) if relation else None),
            id_number=values.get("id_number"),
            joined_reason=values.get("reason"),
            joined_date=values.get("date"),
        )
        payload.setdefault("members", []).append(touched)
        payload.setdefault("natural_changes", []).append(
            new_row(
                "natural_changes",
                member_id=touched["id"],
                direction="in",
                reason=values.get("reason"),
                change_date=values.get("date"),
                note=values.get("note"),
            )
        )
    elif operation is Operation.member_out:
        touched = next(
            (m for m in payload.get("members", ()) if m.get("id") == values.get("member_id")),
            None,
        )
        if touched is None:
            raise KeyError(f"no member {values.get('member_id')!r} in the form")
        touched["left_reason"] = values.get("reason")
        touched["left_date"] = values.get("date")
        payload.setdefault("natural_changes", []).append(
            new_row(
                "natural_changes",
                member_id=touched["id"],
                direction="out",
                reason=values.get("reason"),
                change_date=values.get("date"),
                note=values.get("note"),
            )
        )
    elif operation is Operation.end_monitoring:
        pass  # the save ends the flag and closes its risks (desktop.domain.operations.end_flags)
    elif operation in (Operation.mark_marginal, Operation.mark_monitored):
        kind = "marginal" if operation is Operation.mark_marginal else "monitored"
        head[kind] = True
        payload.setdefault("risks", []).append(
            new_row(
                "risks",
                kind=kind,
                risk_type=values.get("risk_type"),
                identified_date=values.get("identified_date"),
                decided_by=values.get("decided_by"),
                decision_date=values.get("decision_date"),
                note=values.get("note"),
            )
        )
    entry: dict[str, Any] = {"op": operation.value, "at": moment.isoformat(timespec="seconds")}
    if operation in (Operation.member_in, Operation.member_out):
        entry["change_reason"] = values.get("reason")
        entry["member_id"] = touched["id"] if touched else None
    if values.get("special_support_change"):
        entry["special_support_change"] = list(values["special_support_change"])
    elif operation in (Operation.exit, Operation.member_out) and values.get("special_support_mode"):
        # Q17: the save judges the change of support with the operation it came with
        entry["special_support_change"] = [before_mode, values["special_support_mode"]]
        if operation is Operation.member_out:
            head["special_support_mode"] = values["special_support_mode"]
    payload.setdefault("operations", []).append(entry)
    return touched
