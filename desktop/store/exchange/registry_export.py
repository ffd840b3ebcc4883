"""The registry export: households, members, income and assistance with the national system's
columns, as the database holds them or as they stood on a day (``as_of``, Q13)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from desktop.domain.income import income_totals
from desktop.domain.policy import PolicyYear
from desktop.store.as_of import Rewind, rewind_to
from desktop.store.exchange.columns import column_map
from desktop.store.exchange.writing import add_sheet, new_workbook, save_workbook
from desktop.store.models import (
    AssistanceMeasure,
    Division,
    Household,
    Income,
    Member,
)
from desktop.store.settings import working_policy


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the file and the rows per sheet."""

    path: Path
    sheets: dict[str, int]
    internal: bool


def _household_rows(
    session: Session, village_ids: Collection[str] | None, rewind: Rewind | None = None
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    village, township, county, hamlet = (aliased(Division) for _ in range(4))
    columns = [c for c in Household.__table__.columns if c.key not in ("version", "updated_at")]
    query = (
        select(
            *columns,
            village.code.label("village_code"),
            village.name.label("village_name"),
            township.name.label("township_name"),
            county.name.label("county_name"),
            hamlet.name.label("hamlet_name"),
        )
        .join(village, Household.village_id == village.id)
        .outerjoin(township, village.parent_id == township.id)
        .outerjoin(county, township.parent_id == county.id)
        .outerjoin(hamlet, Household.hamlet_id == hamlet.id)
        .order_by(village.code, Household.household_number)
    )
    if rewind is None:
        query = query.where(Household.deleted.is_(False))
    if village_ids is not None:
        query = query.where(Household.village_id.in_(list(village_ids)))
    rows = [dict(r._mapping) for r in session.execute(query)]
    rows = _as_it_stood(rows, Household, rewind, deleted=True)
    return rows, {r["id"]: r for r in rows}


def _as_it_stood(
    rows: list[dict[str, Any]],
    model: type[Any],
    rewind: Rewind | None,
    *,
    deleted: bool = False,
    left: bool = False,
) -> list[dict[str, Any]]:
    """``rows`` as they stood at the rewind's cutoff (as they are without one), without the rows
    that did not exist yet and, when asked, without tombstones and people who had left."""
    if rewind is None:
        return rows
    kept = []
    for row in rows:
        then = rewind.row(model.__tablename__, row)
        if then is None or (deleted and then["deleted"]) or (left and then["left_date"]):
            continue
        kept.append(then)
    return kept


def _member_rows(
    session: Session, households: dict[str, dict[str, Any]], rewind: Rewind | None = None
) -> list[dict[str, Any]]:
    columns = [c for c in Member.__table__.columns if c.key not in ("version", "updated_at")]
    found: list[dict[str, Any]] = []
    ids = list(households)
    for start in range(0, len(ids), 900):
        query = select(*columns).where(Member.household_id.in_(ids[start : start + 900]))
        if rewind is None:
            query = query.where(Member.deleted.is_(False), Member.left_date.is_(None))
        rows = [dict(r._mapping) for r in session.execute(query)]
        for row in _as_it_stood(rows, Member, rewind, deleted=True, left=True):
            household = households[row["household_id"]]
            row["household_number"] = household["household_number"]
            row["position"] = (row["position"] or 0) + 1
            found.append(row)
    order = {hid: n for n, hid in enumerate(households)}
    found.sort(key=lambda r: (order[r["household_id"]], r["position"]))
    for row in found:
        household = households[row["household_id"]]
        if row["relation"] == "01" and "head_id_number" not in household:
            household["head_id_number"] = row["id_number"]
            household["head_name"] = household["head_name"] or row["name"]
    return found


def _income_rows(
    session: Session,
    households: dict[str, dict[str, Any]],
    policy: PolicyYear,
    rewind: Rewind | None = None,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    ids = list(households)
    for start in range(0, len(ids), 900):
        query = select(*Income.__table__.columns).where(
            Income.household_id.in_(ids[start : start + 900]),
            Income.policy_year == policy.year,
        )
        if rewind is None:
            query = query.where(Income.deleted.is_(False))
        rows = [dict(r._mapping) for r in session.execute(query)]
        for values in _as_it_stood(rows, Income, rewind, deleted=True):
            income = SimpleNamespace(**values)
            household = households[income.household_id]
            people = household["member_count"] or 0
            totals = income_totals(income, people)
            found.append(
                {
                    "household_number": household["household_number"],
                    "policy_year": income.policy_year,
                    "period_start": income.period_start,
                    "period_end": income.period_end,
                    "wage_income": income.wage_income,
                    "business_income": income.business_income,
                    "property_income": income.property_income,
                    "transfer_income": income.transfer_income,
                    "production_costs": income.production_costs,
                    "total_income": totals.total,
                    "net_income": totals.net,
                    "member_count": people,
                    "per_capita_net_income": totals.per_capita,
                    "_order": household["household_number"],
                }
            )
    order = {h["household_number"]: n for n, h in enumerate(households.values())}
    found.sort(key=lambda r: order[r["_order"]])
    return found


def _measure_rows(
    session: Session,
    households: dict[str, dict[str, Any]],
    members: list[dict[str, Any]],
    rewind: Rewind | None = None,
) -> list[dict[str, Any]]:
    people = {m["id"]: m for m in members}
    found: list[dict[str, Any]] = []
    ids = list(households)
    for start in range(0, len(ids), 900):
        query = select(*AssistanceMeasure.__table__.columns).where(
            AssistanceMeasure.household_id.in_(ids[start : start + 900])
        )
        if rewind is None:
            query = query.where(
                AssistanceMeasure.deleted.is_(False), AssistanceMeasure.received.is_(True)
            )
        rows = [dict(r._mapping) for r in session.execute(query)]
        for values in _as_it_stood(rows, AssistanceMeasure, rewind, deleted=True):
            if not values["received"]:
                continue
            measure = SimpleNamespace(**values)
            person = people.get(measure.member_id or "")
            found.append(
                {
                    "household_number": households[measure.household_id]["household_number"],
                    "member_name": person["name"] if person else None,
                    "member_id_number": person["id_number"] if person else None,
                    "year": measure.year,
                    "category": measure.category,
                    "item": measure.item,
                    "description": measure.description,
                    "amount": measure.amount,
                    "department": measure.department,
                }
            )
    order = {h["household_number"]: n for n, h in enumerate(households.values())}
    found.sort(key=lambda r: (order[r["household_number"]], r["year"], r["category"]))
    return found


def export_registry(
    session: Session,
    path: str | Path,
    *,
    policy: PolicyYear | None = None,
    village_ids: Collection[str] | None = None,
    internal: bool = False,
    as_of: date | None = None,
) -> ExportSummary:
    """Households, members, the policy year's income and the received assistance measures, as
    one workbook with the national system's columns (one sheet each), for data entry.

    ``internal`` adds the marginal and monitored columns and marks every sheet 内部资料.
    ``as_of`` writes the registry as it stood at the start of that day (Beijing time), rebuilt
    from the household book (Q13, ``desktop.store.as_of``).
    """
    policy = policy or working_policy(session)
    exported = [m.__tablename__ for m in (Household, Member, Income, AssistanceMeasure)]
    rewind = rewind_to(session, as_of, entities=exported) if as_of is not None else None
    households, by_id = _household_rows(session, village_ids, rewind)
    members = _member_rows(session, by_id, rewind)
    incomes = _income_rows(session, by_id, policy, rewind)
    measures = _measure_rows(session, by_id, members, rewind)
    title = f"{policy.year}年度建档立卡信息" + ("（内部资料）" if internal else "")
    if as_of is not None:
        title += f"（{as_of.isoformat()} 当日开始前）"
    workbook = new_workbook(title=title, internal=internal)
    counts: dict[str, int] = {}
    for name, rows in (
        ("households", households),
        ("members", members),
        ("income", incomes),
        ("assistance", measures),
    ):
        colmap = column_map(name)
        counts[colmap.sheet] = add_sheet(
            workbook, colmap.visible(internal=internal), rows, sheet=colmap.sheet, internal=internal
        )
    return ExportSummary(save_workbook(workbook, path), counts, internal)
