"""The departments' assistance measures (guide Q14): each row matched to a person by ID number,
previewed, then written through each household's save in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.domain.codes import code_table
from desktop.domain.policy import PolicyYear
from desktop.store.db import Database
from desktop.store.exchange.columns import column_map
from desktop.store.exchange.importing import (
    ImportPreview,
    ImportResult,
    RowIssue,
    holders_by_id,
    import_transaction,
    match_holder,
    save_in_import,
)
from desktop.store.exchange.reading import id_key, read_sheet
from desktop.store.models import (
    AssistanceMeasure,
    Household,
)
from desktop.store.settings import working_policy


@dataclass(frozen=True)
class MeasureRow:
    """A row matched to a person, ready to become an ``AssistanceMeasure``."""

    row: int
    member_id: str
    member_name: str
    household_id: str
    household_number: str
    year: int
    category: str
    item: str | None
    amount: Decimal | None
    department: str | None
    description: str | None
    name_in_file: str | None

    @property
    def name_differs(self) -> bool:
        return bool(self.name_in_file) and self.name_in_file != self.member_name


@dataclass(kw_only=True)
class AssistancePreview(ImportPreview):
    """What an assistance import would do; nothing has been written."""

    new: list[MeasureRow] = field(default_factory=list)
    already_recorded: list[MeasureRow] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return (
            len(self.new)
            + len(self.already_recorded)
            + len(self.unmatched)
            + len(self.ambiguous)
            + len(self.invalid)
        )

    def summary(self) -> dict[str, Any]:
        """The preview as plain data (for ``--json`` and the report)."""

        def measure(m: MeasureRow) -> dict[str, Any]:
            return {
                "row": m.row,
                "household_number": m.household_number,
                "name": m.member_name,
                "name_in_file": m.name_in_file,
                "year": m.year,
                "category": m.category,
                "item": m.item,
                "amount": str(m.amount) if m.amount is not None else None,
            }

        return {
            "file": str(self.path),
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "new": [measure(m) for m in self.new],
            "already_recorded": [measure(m) for m in self.already_recorded],
            **self.issues(),
            "name_differs": [measure(m) for m in self.new if m.name_differs],
        }


def _resolve_measure(category: str | None, item: str | None) -> tuple[str, str | None] | str:
    """(category code, item code) from codes or labels, or a Chinese reason it cannot be."""
    table = code_table("assistance_category")
    categories = {c: (table.entry(c) or {}) for c in table.codes()}
    category_code: str | None = None
    if category:
        text = category.strip()
        if text in categories:
            category_code = text
        else:
            matches = [c for c, e in categories.items() if e.get("label") == text]
            if not matches:
                return f"帮扶措施类别“{text}”不在代码表中"
            category_code = matches[0]
    item_code: str | None = None
    if item:
        text = item.strip()
        items = [
            (c, i["code"], i["label"])
            for c, e in categories.items()
            if category_code in (None, c)
            for i in e.get("items", ())
        ]
        by_code = [x for x in items if x[1] == text]
        by_label = [x for x in items if x[2] == text]
        chosen = by_code or by_label
        if not chosen:
            where = f"“{table.label(category_code)}”类别下" if category_code else ""
            return f"帮扶项目“{text}”不在{where}代码表中"
        if len(chosen) > 1:
            return f"帮扶项目“{text}”属于多个类别，请填写帮扶措施类别"
        category_code, item_code = chosen[0][0], chosen[0][1]
    if category_code is None:
        return "缺少帮扶措施类别"
    return category_code, item_code


def preview_assistance_import(
    session: Session, path: str | Path, *, policy: PolicyYear | None = None
) -> AssistancePreview:
    """Read a department's measures and match each row to a person by ID number (Q14).

    Rows that match nobody, that match people in several households, that name an ordinary
    household, or whose values do not parse are reported, never dropped; rows already recorded
    (same household, person, year and item) are listed and will be skipped.
    """
    policy = policy or working_policy(session)
    parsed = read_sheet(path, column_map("assistance_import"))
    preview = AssistancePreview(path=parsed.path, sheet=parsed.sheet)
    keys = {k for r in parsed.rows if (k := id_key(r.values.get("id_number")))}
    holders = holders_by_id(session, keys)
    existing = _existing_measures(session, {h.household_id for hs in holders.values() for h in hs})
    seen: set[tuple[str, str | None, int, str, str | None]] = set()
    for row in parsed.rows:
        values = row.values
        number, name = values.get("id_number"), values.get("name")
        if row.problems:
            preview.invalid.append(RowIssue(row.number, number, name, "；".join(row.problems)))
            continue
        year = values["year"]
        if not policy.assistance_first_year <= year <= policy.year:
            preview.invalid.append(
                RowIssue(
                    row.number,
                    number,
                    name,
                    f"年度{year}不在{policy.assistance_first_year}—{policy.year}年之间（导引第14问）",
                )
            )
            continue
        resolved = _resolve_measure(values.get("category"), values.get("item"))
        if isinstance(resolved, str):
            preview.invalid.append(RowIssue(row.number, number, name, resolved))
            continue
        category, item = resolved
        amount = values.get("amount")
        if amount is not None and amount < 0:
            preview.invalid.append(RowIssue(row.number, number, name, f"金额为负数（{amount}）"))
            continue
        key = id_key(number)
        found = holders.get(key or "", [])
        if key is None:
            preview.invalid.append(RowIssue(row.number, number, name, "证件号码不足18位"))
            continue
        holder = match_holder(preview, row.number, number, name, found)
        if holder is None:
            continue
        measure = MeasureRow(
            row=row.number,
            member_id=holder.member_id,
            member_name=holder.name,
            household_id=holder.household_id,
            household_number=holder.household_number,
            year=year,
            category=category,
            item=item,
            amount=amount,
            department=values.get("department"),
            description=values.get("description"),
            name_in_file=name,
        )
        identity = (holder.household_id, holder.member_id, year, category, item)
        if identity in seen or identity in existing:
            preview.already_recorded.append(measure)
            continue
        seen.add(identity)
        preview.new.append(measure)
    return preview


def _existing_measures(
    session: Session, household_ids: Collection[str]
) -> set[tuple[str, str | None, int, str, str | None]]:
    found: set[tuple[str, str | None, int, str, str | None]] = set()
    ids = list(household_ids)
    for start in range(0, len(ids), 900):
        for row in session.execute(
            select(
                AssistanceMeasure.household_id,
                AssistanceMeasure.member_id,
                AssistanceMeasure.year,
                AssistanceMeasure.category,
                AssistanceMeasure.item,
            ).where(
                AssistanceMeasure.household_id.in_(ids[start : start + 900]),
                AssistanceMeasure.deleted.is_(False),
            )
        ):
            found.add(tuple(row))  # type: ignore[arg-type]
    return found


def commit_assistance_import(
    db: Database, preview: AssistancePreview, *, actor: str
) -> ImportResult:
    """Write the preview's new measures through each household's save, all in one transaction.

    A household whose save is refused (an error in its data) rolls the whole import back and
    raises ``ImportRefused`` naming it.
    """
    by_household: dict[str, list[MeasureRow]] = defaultdict(list)
    for m in preview.new:
        by_household[m.household_id].append(m)
    reason = f"导入行业部门帮扶措施（{preview.path.name}，导引第14问）"
    changes = 0
    with import_transaction(db) as session:
        for household_id, rows in by_household.items():
            household = session.scalars(
                select(Household)
                .where(Household.id == household_id)
                .options(selectinload(Household.measures))
            ).one()
            with session.no_autoflush:
                for m in rows:
                    household.measures.append(
                        AssistanceMeasure(
                            member_id=m.member_id,
                            year=m.year,
                            category=m.category,
                            item=m.item,
                            description=m.description,
                            amount=m.amount,
                            department=m.department,
                            received=True,
                        )
                    )
            result = save_in_import(session, household, actor=actor, reason=reason)
            changes += len(result.change_ids)
    return ImportResult(households=len(by_household), rows=len(preview.new), change_ids=changes)
