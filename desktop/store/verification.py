"""The line departments' verification of registered households (guide Q8, Q14): 贫困户属性 and
两不愁三保障 with drinking water, imported from a spreadsheet.

Each row names a person by ID number (the head or any current member) and the values the
department verified. ``preview_verification_import`` matches rows to households and lists, for
the worker, every value that differs from the registry, next to the rows that confirm it and
the rows that cannot be used (no such person, several households, a bad ID number, an ordinary
household, values that do not read, two rows that disagree about one household). Nothing is
written. ``commit_verification_import`` then sets the department's values through each
household's save (``save_household``: booked and queued), all in one transaction.

The policy year's ``departments_verification_due`` (12-31) is the day the departments' work is
due; a preview made after it says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.codes import code_table
from desktop.domain.idcard import check_id
from desktop.domain.monitoring import ASSURANCES
from desktop.domain.policy import PolicyYear
from desktop.store.db import Database
from desktop.store.exchange.columns import column_map
from desktop.store.exchange.importing import (
    ImportPreview,
    ImportRefused,
    ImportResult,
    RowIssue,
    holders_by_id,
    import_transaction,
    match_holder,
    save_in_import,
)
from desktop.store.exchange.reading import id_key, read_sheet
from desktop.store.models import Household
from desktop.store.settings import working_policy

VERIFIED_FIELDS: dict[str, str] = {"attribute": "贫困户属性", **ASSURANCES}


def shown(name: str, value: Any) -> str:
    """A verified field's value in words (代码表 label, 是/否, 空)."""
    if value is None:
        return "空"
    if name == "attribute":
        return code_table("attribute").label(value)
    return "是" if value else "否"


@dataclass(frozen=True)
class Difference:
    """One value the department verified differently from the registry."""

    field: str
    registered: Any
    verified: Any

    @property
    def label(self) -> str:
        return VERIFIED_FIELDS[self.field]

    def describe(self) -> str:
        return (
            f"{self.label}: 登记为{shown(self.field, self.registered)},"
            f"部门核实为{shown(self.field, self.verified)}"
        )


@dataclass
class VerifiedHousehold:
    """A row matched to a household, with what it says and how that differs."""

    row: int
    household_id: str
    household_number: str
    person: str  # the matched person's registered name
    name_in_file: str | None
    department: str | None
    values: dict[str, Any]
    differences: list[Difference] = field(default_factory=list)

    @property
    def name_differs(self) -> bool:
        return bool(self.name_in_file) and self.name_in_file != self.person


@dataclass(kw_only=True)
class VerificationPreview(ImportPreview):
    """What a verification import would change; nothing has been written."""

    due: date
    today: date
    mismatched: list[VerifiedHousehold] = field(default_factory=list)
    confirmed: list[VerifiedHousehold] = field(default_factory=list)

    @property
    def late(self) -> bool:
        """Whether the file comes after the departments' due day (Q14)."""
        return self.today > self.due

    @property
    def rows_read(self) -> int:
        return sum(
            len(x)
            for x in (self.mismatched, self.confirmed, self.unmatched, self.ambiguous, self.invalid)
        )

    def summary(self) -> dict[str, Any]:
        """The preview as plain data (for ``--json``)."""

        def household(h: VerifiedHousehold) -> dict[str, Any]:
            return {
                "row": h.row,
                "household_number": h.household_number,
                "name": h.person,
                "name_in_file": h.name_in_file,
                "department": h.department,
                "differences": [
                    {
                        "field": d.field,
                        "label": d.label,
                        "registered": shown(d.field, d.registered),
                        "verified": shown(d.field, d.verified),
                    }
                    for d in h.differences
                ],
            }

        return {
            "file": str(self.path),
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "due": self.due.isoformat(),
            "late": self.late,
            "mismatched": [household(h) for h in self.mismatched],
            "confirmed": [household(h) for h in self.confirmed],
            **self.issues(),
            "name_differs": [
                household(h) for h in self.mismatched + self.confirmed if h.name_differs
            ],
        }


def _attribute_code(text: str | None) -> str | None:
    if text is None:
        return None
    table = code_table("attribute")
    cleaned = text.strip()
    if cleaned in table:
        return cleaned
    for code in table.codes():
        if table.label(code) == cleaned:
            return code
    raise ValueError(
        f"贫困户属性“{cleaned}”不在代码表中(应为{'、'.join(table.labels(table.codes()))})"
    )


def _registered_values(
    session: Session, household_ids: Collection[str]
) -> dict[str, dict[str, Any]]:
    ids = list(household_ids)
    columns = [getattr(Household, name) for name in VERIFIED_FIELDS]
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        for row in session.execute(
            select(Household.id, *columns).where(Household.id.in_(ids[start : start + 900]))
        ):
            found[row[0]] = dict(zip(VERIFIED_FIELDS, row[1:], strict=True))
    return found


def preview_verification_import(
    session: Session,
    path: str | Path,
    *,
    policy: PolicyYear | None = None,
    today: date | None = None,
) -> VerificationPreview:
    """Read a department's verification file and compare each row with the registry (Q14).

    ``today`` is the clock's day (for ID-number checks and the due day); the real one if None.
    """
    policy = policy or working_policy(session)
    today = today or date.today()
    parsed = read_sheet(path, column_map("verification_import"))
    preview = VerificationPreview(
        path=parsed.path, sheet=parsed.sheet, due=policy.departments_verification_due, today=today
    )
    keys = {k for r in parsed.rows if (k := id_key(r.values.get("id_number")))}
    holders = holders_by_id(session, keys)
    matched: list[tuple[int, str, str, str, str | None, str | None, dict[str, Any]]] = []
    for row in parsed.rows:
        values = row.values
        number, name = values.get("id_number"), values.get("name")
        problems = list(row.problems)
        if number is not None and not problems:
            info = check_id(number, today=today)
            if not info.is_valid:
                problems.append(next(p.message for p in info.problems if p.is_error))
        verified: dict[str, Any] = {}
        if not problems:
            try:
                attribute = _attribute_code(values.get("attribute"))
            except ValueError as exc:
                problems.append(str(exc))
            else:
                verified = {
                    name_: value
                    for name_, value in {
                        "attribute": attribute,
                        **{f: values.get(f) for f in ASSURANCES},
                    }.items()
                    if value is not None
                }
                if not verified:
                    problems.append("没有核实内容(贫困户属性、两不愁三保障和饮水安全均为空)")
        if problems:
            preview.invalid.append(RowIssue(row.number, number, name, "；".join(problems)))
            continue
        holder = match_holder(
            preview, row.number, number, name, holders.get(id_key(number) or "", [])
        )
        if holder is None:
            continue
        matched.append(
            (
                row.number,
                holder.household_id,
                holder.household_number,
                holder.name,
                name,
                values.get("department"),
                verified,
            )
        )

    registered = _registered_values(session, {m[1] for m in matched})
    by_household: dict[str, VerifiedHousehold] = {}
    conflicted: dict[str, list[VerifiedHousehold]] = {}
    for number, household_id, household_number, person, in_file, department, verified in matched:
        entry = VerifiedHousehold(
            number, household_id, household_number, person, in_file, department, verified
        )
        if household_id in conflicted:
            conflicted[household_id].append(entry)
            continue
        earlier = by_household.get(household_id)
        if earlier is None:
            by_household[household_id] = entry
            continue
        clash = [f for f in verified if f in earlier.values and earlier.values[f] != verified[f]]
        if clash:
            conflicted[household_id] = [by_household.pop(household_id), entry]
            continue
        earlier.values.update(verified)  # two rows of one household that agree add up
    for entries in conflicted.values():
        rows = "、".join(str(e.row) for e in entries)
        for e in entries:
            preview.invalid.append(
                RowIssue(
                    e.row,
                    None,
                    e.name_in_file,
                    f"第{rows}行对户编号 {e.household_number} 的核实结果互相矛盾,请与部门核对",
                )
            )
    for entry in sorted(by_household.values(), key=lambda e: e.row):
        now = registered[entry.household_id]
        entry.differences = [
            Difference(name, now[name], value)
            for name, value in entry.values.items()
            if now[name] != value
        ]
        (preview.mismatched if entry.differences else preview.confirmed).append(entry)
    preview.invalid.sort(key=lambda i: i.row)
    return preview


def commit_verification_import(
    db: Database, preview: VerificationPreview, *, actor: str
) -> ImportResult:
    """Set the departments' values where they differ, through each household's save, in one
    transaction. A household changed since the preview, or whose save is refused, rolls the
    whole import back (``ImportRefused`` naming it)."""
    changes = 0
    fields = 0
    with import_transaction(db) as session:
        for entry in preview.mismatched:
            household = session.get(Household, entry.household_id)
            if household is None:
                raise ImportRefused(entry.household_number, [], "户已不存在,请重新预览")
            for difference in entry.differences:
                if getattr(household, difference.field) != difference.registered:
                    raise ImportRefused(
                        entry.household_number,
                        [],
                        f"户编号 {entry.household_number} 的{difference.label}在预览之后已被修改,"
                        "整个导入已撤销,请重新预览。",
                    )
            department = entry.department or preview.path.name
            reason = f"行业部门核实({department},导引第14问)"
            with session.no_autoflush:
                for difference in entry.differences:
                    setattr(household, difference.field, difference.verified)
            result = save_in_import(session, household, actor=actor, reason=reason)
            changes += len(result.change_ids)
            fields += len(entry.differences)
    return ImportResult(households=len(preview.mismatched), rows=fields, change_ids=changes)
