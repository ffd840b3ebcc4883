"""Writing an import plan: new households through the bulk loader, changed fields as row changes.

``diff_plan`` compares the plan with the database: a household number the database does not
have is new (written whole by ``desktop.store.bulk.BulkLoader``: one transaction, one book entry
per household, no outbox rows, the search index rebuilt once); for a household it has, only the
fields that differ become ``RowChange`` s (and a member, income or measure the database lacks a
``create``). The laptop (``import_registry``) writes those changes itself, booked with the reason
``建档立卡数据导入``; the server (``sync.server.registry_import``) sends them through its merge so
that they reach the laptops by the feed and a field a laptop changed becomes a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.domain.policy import PolicyYear, policy_year
from desktop.store.bulk import BulkLoader
from desktop.store.db import Database, registry_writer
from desktop.store.models import (
    AssistanceMeasure,
    Division,
    Household,
    Income,
    LedgerEntry,
    Member,
    Synced,
    new_id,
    utcnow,
)
from desktop.store.registry_import.parse import HouseholdIn, ImportPlan, paused_gc, plan_import
from desktop.store.settings import working_policy

IMPORT_ACTOR = "import"
IMPORT_REASON = "建档立卡数据导入"
CHUNK = 900


@dataclass
class KnownState:
    """What the database holds that the plan is checked against."""

    divisions: dict[str, tuple[str, str, str | None]]  # code -> (level, name, parent code)
    division_ids: dict[str, str]  # code -> id
    hamlets: dict[tuple[str, str], str]  # (village id, name) -> id
    households: dict[str, str]  # household number -> id


def known_state(session: Session) -> KnownState:
    """The division tree and the household numbers of the database."""
    rows = session.execute(
        select(Division.id, Division.code, Division.level, Division.name, Division.parent_id).where(
            Division.deleted.is_(False)
        )
    ).all()
    code_of = {r.id: r.code for r in rows}
    divisions = {r.code: (r.level, r.name, code_of.get(r.parent_id)) for r in rows}
    hamlets = {(r.parent_id, r.name): r.id for r in rows if r.level == "hamlet" and r.parent_id}
    households = {
        number: household_id
        for number, household_id in session.execute(
            select(Household.household_number, Household.id).where(Household.deleted.is_(False))
        )
    }
    return KnownState(divisions, {r.code: r.id for r in rows}, hamlets, households)


def plan_for(
    session: Session, paths: Iterable[str | Path], *, today: date | None = None
) -> tuple[ImportPlan, KnownState, PolicyYear]:
    """Read and check ``paths`` against the database of ``session`` (nothing is written)."""
    policy = working_policy(session, today=today)
    state = known_state(session)
    plan = plan_import(
        list(paths),
        known_divisions=state.divisions,
        known_households=set(state.households),
        policy_year=policy.year,
        today=today,
    )
    return plan, state, policy


# --- the diff ------------------------------------------------------------------------------------


@dataclass
class RowChange:
    """One record's change: ``create`` with every field, or ``update`` with the differing ones."""

    entity: str  # table name
    entity_id: str
    op: str  # create | update
    fields: dict[str, Any]
    household_id: str
    village_code: str
    household_number: str
    version: int = 0  # the record's version when it was read (for an update)
    old: dict[str, Any] = field(default_factory=dict)  # an update's previous values


@dataclass
class Diff:
    """What an import changes in a database."""

    new: list[HouseholdIn] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def updated_households(self) -> int:
        return len({c.household_number for c in self.changes})


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if not k.startswith("_")}


def _same(old: Any, new: Any) -> bool:
    if old is None and new in (None, [], ""):
        return True
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except Exception:  # noqa: BLE001 - a value that is no number is simply different
            return False
    if isinstance(old, list) and isinstance(new, list):
        return list(old) == list(new)
    return old == new


def _rows(session: Session, model: type[Synced], key: Any, ids: list[str]) -> list[Any]:
    found = []
    for start in range(0, len(ids), CHUNK):
        found.extend(
            session.execute(
                select(model).where(key.in_(ids[start : start + CHUNK]), model.deleted.is_(False))
            ).scalars()
        )
    return found


def _member_key(values: dict[str, Any]) -> str | None:
    number = values.get("id_number")
    return str(number)[:18].upper() if number and len(str(number)) >= 18 else None


def diff_plan(session: Session, plan: ImportPlan, state: KnownState, policy: PolicyYear) -> Diff:
    """Split the plan into new households and field changes of the households the database has."""
    diff = Diff()
    existing: dict[str, HouseholdIn] = {}
    for number, household in plan.households.items():
        if number in state.households:
            existing[state.households[number]] = household
        else:
            diff.new.append(household)
    if not existing:
        return diff
    ids = list(existing)
    with session.no_autoflush:
        households = {h.id: h for h in _rows(session, Household, Household.id, ids)}
        members: dict[str, list[Member]] = defaultdict(list)
        for m in _rows(session, Member, Member.household_id, ids):
            if m.left_date is None:
                members[m.household_id].append(m)
        incomes: dict[str, list[Income]] = defaultdict(list)
        for i in _rows(session, Income, Income.household_id, ids):
            incomes[i.household_id].append(i)
        measures: dict[str, list[AssistanceMeasure]] = defaultdict(list)
        for a in _rows(session, AssistanceMeasure, AssistanceMeasure.household_id, ids):
            measures[a.household_id].append(a)
    for household_id, incoming in existing.items():
        row = households[household_id]
        village = incoming.village_key
        before = len(diff.changes)

        def change(
            entity: str,
            record: Any,
            values: dict[str, Any],
            *,
            hid: str = household_id,
            number: str = incoming.number,
            code: str = village,
        ) -> None:
            fields = {k: v for k, v in values.items() if not _same(getattr(record, k), v)}
            if fields:
                old = {k: getattr(record, k) for k in fields}
                diff.changes.append(
                    RowChange(
                        entity, record.id, "update", fields, hid, code, number, record.version, old
                    )
                )

        def create(
            entity: str,
            values: dict[str, Any],
            *,
            hid: str = household_id,
            number: str = incoming.number,
            code: str = village,
        ) -> str:
            entity_id = new_id()
            diff.changes.append(
                RowChange(
                    entity, entity_id, "create", {**values, "household_id": hid}, hid, code, number
                )
            )
            return entity_id

        values = _clean(incoming.values)
        values.pop("household_number", None)
        village_id = state.division_ids.get(village)
        if village_id is not None and village_id != row.village_id:
            values["village_id"] = village_id
        change("households", row, values)

        have = members[household_id]
        by_key = {k: m for m in have if (k := _member_key({"id_number": m.id_number}))}
        by_name = {m.name: m for m in have}
        member_ids: dict[str, str] = {}
        for m in incoming.members:
            clean = _clean(m)
            key = _member_key(clean)
            found = (by_key.get(key) if key else None) or by_name.get(clean.get("name"))
            if found is not None:
                change("members", found, clean)
                member_id = found.id
            else:
                member_id = create("members", clean)
            if key:
                member_ids[key] = member_id
        for m in have:
            if (key := _member_key({"id_number": m.id_number})) and key not in member_ids:
                member_ids[key] = m.id

        years = {i.policy_year: i for i in incomes[household_id]}
        for income in incoming.incomes:
            clean = _income_values(income, policy)
            found_income = years.get(clean["policy_year"])
            if found_income is not None:
                change("incomes", found_income, clean)
            else:
                create("incomes", clean)

        seen = {(a.year, a.category, a.item, a.member_id) for a in measures[household_id]}
        for measure in incoming.measures:
            member_id = member_ids.get(measure.get("_member_key") or "")
            identity = (measure["year"], measure["category"], measure.get("item"), member_id)
            if identity in seen:
                continue
            seen.add(identity)
            create("assistance_measures", {**_clean(measure), "member_id": member_id})
        if len(diff.changes) == before:
            diff.unchanged += 1
    return diff


def _income_values(income: dict[str, Any], policy: PolicyYear) -> dict[str, Any]:
    values = _clean(income)
    if values["policy_year"] == policy.year:
        values.setdefault("period_start", policy.income_period_start)
        values.setdefault("period_end", policy.income_period_end)
        if values.get("period_start") is None:
            values["period_start"] = policy.income_period_start
        if values.get("period_end") is None:
            values["period_end"] = policy.income_period_end
    elif values.get("period_start") is None or values.get("period_end") is None:
        try:
            other = policy_year(values["policy_year"])
            values["period_start"] = values.get("period_start") or other.income_period_start
            values["period_end"] = values.get("period_end") or other.income_period_end
        except Exception:  # noqa: BLE001 - a year without a policy file: its calendar year
            year = values["policy_year"]
            values["period_start"] = values.get("period_start") or date(year - 1, 10, 1)
            values["period_end"] = values.get("period_end") or date(year, 9, 30)
    return values


# --- writing ---------------------------------------------------------------------------------------


def write_divisions(loader: BulkLoader, plan: ImportPlan, state: KnownState) -> int:
    """Add the divisions the file names and the database lacks (parents first)."""
    added = 0
    levels = {"county": 0, "township": 1, "village": 2}
    for division in sorted(plan.divisions.values(), key=lambda d: levels[d.level]):
        if division.code in state.division_ids:
            continue
        parent = state.division_ids.get(division.parent_code or "")
        division_id = loader.add(
            Division,
            {
                "code": division.code,
                "level": division.level,
                "name": division.name,
                "parent_id": parent,
            },
        )
        assert division_id is not None
        state.division_ids[division.code] = division_id
        state.divisions[division.code] = (division.level, division.name, division.parent_code)
        added += 1
    return added


def hamlet_id(
    loader: BulkLoader, state: KnownState, village_code: str, name: str | None
) -> str | None:
    """The hamlet (组) ``name`` of a village, added when the database lacks it."""
    if not name:
        return None
    village_id = state.division_ids[village_code]
    found = state.hamlets.get((village_id, name))
    if found is None:
        taken = sum(1 for (v, _n) in state.hamlets if v == village_id)
        code = f"{village_code}-{taken + 1:02d}"
        while code in state.division_ids:
            taken += 1
            code = f"{village_code}-{taken + 1:02d}"
        found = loader.add(
            Division, {"code": code, "level": "hamlet", "name": name, "parent_id": village_id}
        )
        assert found is not None
        state.hamlets[(village_id, name)] = found
        state.division_ids[code] = found
    return found


def write_new_households(
    loader: BulkLoader, households: list[HouseholdIn], state: KnownState, policy: PolicyYear
) -> int:
    """Every new household with its members, incomes and measures, through the bulk loader."""
    for household in households:
        values = _clean(household.values)
        household_id = loader.add(
            Household,
            {
                **values,
                "village_id": state.division_ids[household.village_key],
                "hamlet_id": hamlet_id(loader, state, household.village_key, household.hamlet_name),
            },
        )
        assert household_id is not None
        state.households[household.number] = household_id
        keys: dict[str, str] = {}
        for member in household.members:
            clean = _clean(member)
            member_id = loader.add(Member, {**clean, "household_id": household_id})
            if (key := _member_key(clean)) and member_id:
                keys[key] = member_id
        for income in household.incomes:
            loader.add(Income, {**_income_values(income, policy), "household_id": household_id})
        for measure in household.measures:
            loader.add(
                AssistanceMeasure,
                {
                    **_clean(measure),
                    "household_id": household_id,
                    "member_id": keys.get(measure.get("_member_key") or ""),
                },
            )
    return len(households)


MODELS: dict[str, type[Synced]] = {
    "households": Household,
    "members": Member,
    "incomes": Income,
    "assistance_measures": AssistanceMeasure,
}


def _book(value: Any) -> str | None:
    from desktop.store.save import to_book

    return to_book(value)


def write_changes_locally(session: Session, changes: list[RowChange], *, actor: str) -> None:
    """Write field changes straight into the registry (a stand-alone laptop), booked."""
    at = utcnow()
    book = []
    with registry_writer(session, "bulk"):
        for c in changes:
            model = MODELS[c.entity]
            table = model.__table__
            if c.op == "create":
                session.execute(
                    table.insert().values(
                        id=c.entity_id, version=0, deleted=False, updated_at=at, **c.fields
                    )
                )
            else:
                session.execute(
                    update(model)
                    .where(model.id == c.entity_id)
                    .values(**c.fields, version=model.version + 1, updated_at=at)
                )
            for name, value in c.fields.items():
                if name == "household_id":
                    continue
                book.append(
                    {
                        "at": at,
                        "actor": actor,
                        "household_id": c.household_id,
                        "entity": c.entity,
                        "entity_id": c.entity_id,
                        "field": name,
                        "old_value": _book(c.old.get(name)),
                        "new_value": _book(value),
                        "reason": IMPORT_REASON,
                        "change_id": None,
                    }
                )
        if book:
            session.execute(LedgerEntry.__table__.insert(), book)


@dataclass
class RegistryImportResult:
    """What an import did (or, dry, would do)."""

    plan: ImportPlan
    new_households: int = 0
    updated_households: int = 0
    unchanged_households: int = 0
    changed_fields: int = 0
    new_divisions: int = 0
    dry_run: bool = False
    conflicts: int = 0
    feed_entries: int = 0
    elapsed_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The result as plain data (``--json``); ID numbers in it are masked."""
        plan = self.plan
        return {
            "files": plan.files,
            "sheets": plan.sheets,
            "rows_read": plan.rows_read,
            "dry_run": self.dry_run,
            "households_in_file": len(plan.households),
            "new_households": self.new_households,
            "updated_households": self.updated_households,
            "unchanged_households": self.unchanged_households,
            "changed_fields": self.changed_fields,
            "new_divisions": self.new_divisions,
            "conflicts": self.conflicts,
            "feed_entries": self.feed_entries,
            "rejected": [i.as_dict() for i in plan.rejected],
            "problems": [i.as_dict() for i in plan.problems],
            **self.extra,
        }

    def text(self) -> str:
        """A few Chinese lines for the console."""
        plan = self.plan
        head = "试导入（未写入任何数据）" if self.dry_run else "导入完成"
        lines = [
            f"{head}：文件中 {len(plan.households)} 户；新增 {self.new_households} 户，"
            f"更新 {self.updated_households} 户（{self.changed_fields} 项），"
            f"未变 {self.unchanged_households} 户；新建行政区划 {self.new_divisions} 个。",
            f"结构错误未导入 {len(plan.rejected)} 行；规则问题已导入并列入问题清单 "
            f"{len(plan.problems)} 项。",
        ]
        if self.conflicts:
            lines.append(f"与村里修改冲突 {self.conflicts} 项，已交审核。")
        for issue in plan.rejected[:20]:
            where = f"{issue.file} {issue.sheet} 第{issue.row}行" if issue.row else issue.file
            lines.append(f"  未导入：{where}：{issue.reason}")
        if len(plan.rejected) > 20:
            lines.append(f"  …… 另有 {len(plan.rejected) - 20} 行，见 --report 报告")
        return "\n".join(lines)


def _settle_settings(session: Session, loader: BulkLoader, plan: ImportPlan) -> None:
    """A new database takes its policy year (the file's income year) and county from the file."""
    from collections import Counter

    from desktop.store.models import Setting
    from desktop.store.settings import POLICY_YEAR_KEY, get_setting

    if get_setting(session, POLICY_YEAR_KEY) is None:
        years = Counter(i["policy_year"] for h in plan.households.values() for i in h.incomes)
        if years:
            loader.add(Setting, {"key": POLICY_YEAR_KEY, "value": str(years.most_common(1)[0][0])})
    counties = [d.code for d in plan.divisions.values() if d.level == "county"]
    if get_setting(session, COUNTY_KEY) is None and len(counties) == 1:
        loader.add(Setting, {"key": COUNTY_KEY, "value": counties[0]})


COUNTY_KEY = "county_code"


def import_registry(
    db: Database,
    paths: Iterable[str | Path],
    *,
    actor: str = IMPORT_ACTOR,
    dry_run: bool = False,
    today: date | None = None,
) -> RegistryImportResult:
    """Import the national system's export into a laptop's database (a stand-alone county).

    One transaction: new households through the bulk loader, changed fields of known households
    written and booked. ``dry_run`` reads and checks everything and writes nothing. Raises
    ``RegistryFileError`` (nothing written) for an unreadable file or a missing sheet or column.
    """
    import time

    started = time.perf_counter()
    with db.session() as session:
        plan, state, policy = plan_for(session, paths, today=today)
        diff = diff_plan(session, plan, state, policy)
        result = RegistryImportResult(
            plan,
            new_households=len(diff.new),
            updated_households=diff.updated_households,
            unchanged_households=diff.unchanged,
            changed_fields=sum(len(c.fields) for c in diff.changes),
            new_divisions=sum(
                1 for d in plan.divisions.values() if d.code not in state.division_ids
            ),
            dry_run=dry_run,
        )
        if dry_run:
            session.rollback()
            return result
        with paused_gc(), BulkLoader(session) as loader:
            _settle_settings(session, loader, plan)
            write_divisions(loader, plan, state)
            write_new_households(loader, diff.new, state, policy)
            loader.flush()
            write_changes_locally(session, diff.changes, actor=actor)
            loader.finish(actor=actor, reason=IMPORT_REASON)
    result.elapsed_seconds = time.perf_counter() - started
    return result
