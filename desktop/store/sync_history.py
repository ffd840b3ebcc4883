"""The sync history: changes the server refused or that conflicted, kept until dealt with.

After a sync the outbox rows the server refused (state ``refused``) or answered with a conflict
(state ``conflict``) are recorded once in ``sync_issues`` with the household they belong to,
the fields they changed and the server's reason. They stay listed (``open_sync_issues``) until
someone marks them dealt with (``resolve_sync_issue``), whatever dialog was closed meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import REGISTRY_MODELS, Household, Member, OutboxChange, SyncIssue

ISSUE_STATES = ("refused", "conflict")
_MODELS = {model.__tablename__: model for model in REGISTRY_MODELS}
_BOOKKEEPING = {"id", "version", "deleted", "updated_at", "household_id"}


@dataclass(frozen=True)
class IssueView:
    """One open (or dealt-with) sync issue as a person reads it."""

    change_id: str
    kind: str
    entity: str
    entity_id: str
    household_id: str | None
    household_number: str | None
    head_name: str | None
    member_name: str | None
    fields: list[str] = field(default_factory=list)
    code: str | None = None
    message: str | None = None
    synced_at: datetime | None = None
    resolved_at: datetime | None = None


def _household_of(session: Session, entity: str, entity_id: str) -> str | None:
    if entity == "households":
        return entity_id
    model = _MODELS.get(entity)
    column = getattr(model, "household_id", None) if model is not None else None
    if column is None:
        return None
    return session.scalar(select(column).where(model.id == entity_id))  # type: ignore[union-attr]


def record_sync_issues(
    session: Session, refusals: Iterable[Mapping[str, Any]], *, now: datetime
) -> int:
    """Record every refused or conflicting outbox change not recorded yet; returns how many.

    ``refusals`` are the receipt's refusals (``change_id``, ``code``, ``message``): they carry
    the server's reason. The caller commits.
    """
    reasons = {r["change_id"]: r for r in refusals}
    known = set(session.scalars(select(SyncIssue.change_id)))
    rows = session.scalars(
        select(OutboxChange)
        .where(OutboxChange.state.in_(ISSUE_STATES))
        .order_by(OutboxChange.device_seq)
    ).all()
    added = 0
    for row in rows:
        if row.change_id in known:
            continue
        reason = reasons.get(row.change_id, {})
        session.add(
            SyncIssue(
                change_id=row.change_id,
                kind=row.state,
                entity=row.entity,
                entity_id=row.entity_id,
                household_id=_household_of(session, row.entity, row.entity_id),
                fields=sorted(k for k in (row.fields or {}) if k not in _BOOKKEEPING),
                code=reason.get("code"),
                message=reason.get("message"),
                synced_at=now,
            )
        )
        added += 1
    session.flush()
    return added


def sync_issues(session: Session, *, include_resolved: bool = False) -> list[IssueView]:
    """The sync issues, oldest first, with the household's number and head, and the member."""
    query = select(SyncIssue).order_by(SyncIssue.synced_at, SyncIssue.change_id)
    if not include_resolved:
        query = query.where(SyncIssue.resolved_at.is_(None))
    issues = session.scalars(query).all()
    household_ids = {i.household_id for i in issues if i.household_id}
    households = {
        h.id: (h.household_number, h.head_name)
        for h in session.execute(
            select(Household.id, Household.household_number, Household.head_name).where(
                Household.id.in_(household_ids)
            )
        )
    }
    member_ids = {i.entity_id for i in issues if i.entity == "members"}
    members = {
        member_id: name
        for member_id, name in session.execute(
            select(Member.id, Member.name).where(Member.id.in_(member_ids))
        )
    }
    views = []
    for issue in issues:
        number, head = households.get(issue.household_id or "", (None, None))
        views.append(
            IssueView(
                change_id=issue.change_id,
                kind=issue.kind,
                entity=issue.entity,
                entity_id=issue.entity_id,
                household_id=issue.household_id,
                household_number=number,
                head_name=head,
                member_name=members.get(issue.entity_id),
                fields=list(issue.fields or []),
                code=issue.code,
                message=issue.message,
                synced_at=issue.synced_at,
                resolved_at=issue.resolved_at,
            )
        )
    return views


def open_sync_issues(session: Session) -> list[IssueView]:
    """The issues nobody has dealt with yet."""
    return sync_issues(session)


def resolve_sync_issue(session: Session, change_id: str, *, actor: str, now: datetime) -> bool:
    """Mark one issue dealt with (it leaves the open list, stays in the history)."""
    issue = session.get(SyncIssue, change_id)
    if issue is None or issue.resolved_at is not None:
        return False
    issue.resolved_at = now
    issue.resolved_by = actor
    session.flush()
    return True
