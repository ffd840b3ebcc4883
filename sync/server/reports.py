"""County reports from the server's database: progress per village, the quota, problems, conflicts.

Each report is a plain function of a session and the villages asked about (the calling device's,
or all for the console), returning the pydantic model the ``/v1/reports/…`` endpoint answers and
``fieldbook-server report`` prints. The rules are the desktop's own: the quota is
``desktop.store.quota.quota_report`` (Q6), the problems are ``desktop.store.audit.audit_database``
under the server's working policy year, so a county sees the same findings as its laptops.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop.domain.policy import PolicyYear
from desktop.store.models import Division, Household
from desktop.store.settings import working_policy
from desktop.store.sync_apply import household_id_of, model_for
from sync.protocol import (
    ConflictItem,
    ConflictsReport,
    ProblemLine,
    ProblemsReport,
    ProgressReport,
    QuotaLine,
    QuotaReport,
    VillageConflicts,
    VillageProblems,
    VillageProgress,
)
from sync.server.models import ChangeLogEntry, Conflict, Device

MAX_PROBLEMS_PER_VILLAGE = 500
"""A problems report lists at most this many findings per village (all are counted)."""


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def _villages(session: Session, codes: Collection[str] | None) -> list[Division]:
    query = select(Division).where(Division.level == "village", Division.deleted.is_(False))
    if codes is not None:
        query = query.where(Division.code.in_(list(codes)))
    return list(session.scalars(query.order_by(Division.code)))


def progress_report(
    session: Session, villages: Collection[str] | None = None, *, policy: PolicyYear | None = None
) -> ProgressReport:
    """Households, visited, changed and synced per village (see ``VillageProgress``)."""
    policy = policy or working_policy(session)
    rows = _villages(session, villages)
    ids = [v.id for v in rows]
    township = aliased(Division)
    townships = dict(
        session.execute(
            select(Division.id, township.name)
            .join(township, Division.parent_id == township.id)
            .where(Division.id.in_(ids))
        ).all()
    )
    counts = {
        village_id: (total, visited or 0)
        for village_id, total, visited in session.execute(
            select(
                Household.village_id,
                func.count(),
                func.count().filter(
                    Household.last_visit_date >= policy.work_start,
                    Household.last_visit_date <= policy.work_end,
                ),
            )
            .where(Household.deleted.is_(False), Household.village_id.in_(ids))
            .group_by(Household.village_id)
        )
    }
    codes = [v.code for v in rows]
    changed = {
        code: (households or 0, changes or 0)
        for code, households, changes in session.execute(
            select(
                ChangeLogEntry.village_code,
                func.count(func.distinct(ChangeLogEntry.household_id)),
                func.count(),
            )
            .where(ChangeLogEntry.village_code.in_(codes), ChangeLogEntry.device_id.is_not(None))
            .group_by(ChangeLogEntry.village_code)
        )
    }
    conflicts = dict(
        session.execute(
            select(Conflict.village_code, func.count())
            .where(Conflict.status == "open", Conflict.village_code.in_(codes))
            .group_by(Conflict.village_code)
        ).all()
    )
    devices: dict[str, list[str]] = defaultdict(list)
    synced_at: dict[str, datetime] = {}
    for device in session.scalars(select(Device).where(Device.revoked.is_(False))):
        for code in device.villages:
            devices[code].append(device.name)
            if device.last_seen_at and (
                code not in synced_at or device.last_seen_at > synced_at[code]
            ):
                synced_at[code] = device.last_seen_at
    return ProgressReport(
        year=policy.year,
        work_start=policy.work_start.isoformat(),
        work_end=policy.work_end.isoformat(),
        villages=[
            VillageProgress(
                village_code=v.code,
                village_name=v.name,
                township_name=townships.get(v.id),
                households=counts.get(v.id, (0, 0))[0],
                visited=counts.get(v.id, (0, 0))[1],
                changed=changed.get(v.code, (0, 0))[0],
                changes=changed.get(v.code, (0, 0))[1],
                open_conflicts=conflicts.get(v.code, 0),
                devices=sorted(devices.get(v.code, [])),
                synced_at=_aware(synced_at.get(v.code)),
            )
            for v in rows
        ],
    )


def counties_of(session: Session, villages: Collection[str] | None) -> list[str] | None:
    """The county codes the villages lie in (``None``: every county)."""
    if villages is None:
        return None
    village, township, county = aliased(Division), aliased(Division), aliased(Division)
    return sorted(
        session.scalars(
            select(county.code)
            .distinct()
            .select_from(village)
            .join(township, village.parent_id == township.id)
            .join(county, township.parent_id == county.id)
            .where(village.code.in_(list(villages)))
        )
    )


def quota_report_for(
    session: Session, villages: Collection[str] | None = None, *, policy: PolicyYear | None = None
) -> QuotaReport:
    """The marginal-and-monitored quota of the counties the villages lie in (internal, Q6)."""
    from desktop.store.quota import quota_report, quota_rows

    policy = policy or working_policy(session)
    wanted = counties_of(session, villages)
    report = [
        line
        for line in quota_report(session, policy=policy)
        if wanted is None or line.county_code in wanted
    ]
    return QuotaReport(
        year=policy.year,
        counties=[
            QuotaLine(
                **{
                    **row,
                    "share": None if row["share"] is None else str(row["share"]),
                }
            )
            for row in quota_rows(report)
        ],
    )


def problems_report(
    session: Session,
    villages: Collection[str] | None = None,
    *,
    policy: PolicyYear | None = None,
    limit: int = MAX_PROBLEMS_PER_VILLAGE,
) -> ProblemsReport:
    """The data-quality audit over the villages' live households, grouped per village."""
    from desktop.store.audit import audit_database

    policy = policy or working_policy(session)
    rows = _villages(session, villages)
    findings = audit_database(session, policy=policy, village_ids=[v.id for v in rows])
    by_village: dict[str, list] = defaultdict(list)
    for finding in findings:
        by_village[finding.village_code or ""].append(finding)
    out = []
    for village in rows:
        found = by_village.get(village.code, [])
        severities = Counter(str(f.problem.severity) for f in found)
        out.append(
            VillageProblems(
                village_code=village.code,
                village_name=village.name,
                errors=severities.get("error", 0),
                warnings=severities.get("warning", 0),
                by_code=dict(Counter(f.problem.code for f in found).most_common()),
                problems=[
                    ProblemLine(
                        household_number=f.household_number,
                        code=f.problem.code,
                        severity=str(f.problem.severity),
                        field=f.problem.field,
                        message=f.problem.message,
                    )
                    for f in found[:limit]
                ],
            )
        )
    return ProblemsReport(year=policy.year, villages=out)


def conflict_items(session: Session, rows: list[Conflict]) -> list[ConflictItem]:
    """Conflict rows as the wire shows them, with who wrote each side and when."""
    names = dict(session.execute(select(Device.device_id, Device.name)).all())
    households: dict[tuple[str, str], str | None] = {}
    origins: dict[tuple[str, str, str], tuple[str | None, datetime | None]] = {}
    for row in rows:
        key = (row.entity, row.entity_id)
        if key not in households:
            model = model_for(row.entity)
            record = session.get(model, row.entity_id) if model is not None else None
            households[key] = household_id_of(session, record) if record is not None else None
        field_key = (row.entity, row.entity_id, row.field)
        if field_key not in origins:
            origins[field_key] = _last_writer(session, row)
    items = []
    for row in rows:
        origin, changed_at = origins[(row.entity, row.entity_id, row.field)]
        items.append(
            ConflictItem(
                id=row.id,
                entity=row.entity,
                entity_id=row.entity_id,
                village_code=row.village_code,
                field=row.field,
                base_value=row.base_value,
                server_value=row.server_value,
                incoming_value=row.incoming_value,
                change_id=row.change_id,
                device_id=row.device_id,
                edited_at=row.edited_at,
                status=row.status,  # type: ignore[arg-type]
                resolved_value=row.resolved_value,
                resolved_by=row.resolved_by,
                created_at=row.created_at.replace(tzinfo=UTC),
                device_name=names.get(row.device_id),
                household_id=households[(row.entity, row.entity_id)],
                server_origin=origin,
                server_changed_at=_aware(changed_at),
                resolved_at=_aware(row.resolved_at),
            )
        )
    return items


def _last_writer(session: Session, conflict: Conflict) -> tuple[str | None, datetime | None]:
    """Who wrote the server's value of a conflicting field before the conflict, and when."""
    entries = session.execute(
        select(ChangeLogEntry.origin, ChangeLogEntry.applied_at, ChangeLogEntry.fields)
        .where(
            ChangeLogEntry.entity == conflict.entity,
            ChangeLogEntry.entity_id == conflict.entity_id,
            ChangeLogEntry.applied_at <= conflict.created_at,
        )
        .order_by(ChangeLogEntry.server_seq.desc())
        .limit(50)
    )
    for origin, applied_at, fields in entries:
        if conflict.field in fields:
            return origin, applied_at
    return None, None


def conflicts_report(session: Session, villages: Collection[str] | None = None) -> ConflictsReport:
    """Open conflicts per village, with who and when, oldest first."""
    query = select(Conflict).where(Conflict.status == "open").order_by(Conflict.id)
    if villages is not None:
        query = query.where(Conflict.village_code.in_(list(villages)))
    rows = list(session.scalars(query))
    grouped: dict[str, list[ConflictItem]] = defaultdict(list)
    for item in conflict_items(session, rows):
        grouped[item.village_code or ""].append(item)
    codes = sorted(set(villages) if villages is not None else set(grouped))
    return ConflictsReport(
        villages=[
            VillageConflicts(
                village_code=code,
                open=len(grouped.get(code, [])),
                by_field=dict(Counter(i.field for i in grouped.get(code, [])).most_common()),
                conflicts=grouped.get(code, []),
            )
            for code in codes
        ]
    )
