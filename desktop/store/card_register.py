"""The card register (一卡): which household card is in force, and recording a print run's issues.

A card issue is not an edit of the household: it books nothing in the household's book and
queues no household change. Each issue is a ``CardIssue`` row with one outbox change of its own
(entity ``card_issues``), so a reprint revokes the older cards on every laptop of the village.
All the issues of one print run are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.store.db import registry_writer
from desktop.store.models import CardIssue, Division, Household, OutboxChange, new_id, utcnow
from desktop.store.save import CLOCK, _next_device_seq, to_wire

CHUNK = 900  # below SQLite's default limit of bound parameters


def issues_in_force(session: Session, household_ids: Sequence[str]) -> dict[str, int]:
    """The card issue in force of each household found (0: no card yet)."""
    ids = list(dict.fromkeys(household_ids))
    found: dict[str, int] = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        found.update(
            session.execute(
                select(Household.id, Household.card_issue).where(Household.id.in_(part))
            )
            .all()
        )
        for household_id, issue in session.execute(
            select(CardIssue.household_id, func.max(CardIssue.issue))
            .where(CardIssue.household_id.in_(part), CardIssue.deleted.is_(False))
            .group_by(CardIssue.household_id)
        ):
            if household_id in found and issue > found[household_id]:
                found[household_id] = issue
    return found


def record_card_issues(
    session: Session, issues: Mapping[str, int], *, actor: str, reprint: bool
) -> list[CardIssue]:
    """Register ``issues`` (household id -> issue number) in one transaction, each with its outbox
    change; commits. Nothing is written if anything fails."""
    if not issues:
        return []
    villages: dict[str, str | None] = {}
    ids = list(issues)
    for start in range(0, len(ids), CHUNK):
        villages.update(
            session.execute(
                select(Household.id, Division.code)
                .join(Division, Household.village_id == Division.id)
                .where(Household.id.in_(ids[start : start + CHUNK]))
            )
            .all()
        )
    try:
        with registry_writer(session, "cards"), session.no_autoflush:
            seq = _next_device_seq(session)
            at = utcnow()
            rows = []
            for household_id, issue in issues.items():
                row = CardIssue(
                    id=new_id(),
                    version=0,
                    deleted=False,
                    updated_at=at,
                    household_id=household_id,
                    issue=issue,
                    issued_at=at,
                    issued_by=actor[:40],
                    reprint=reprint,
                )
                fields = {
                    "household_id": household_id,
                    "issue": issue,
                    "issued_at": to_wire(at),
                    "issued_by": row.issued_by,
                    "reprint": reprint,
                }
                session.add(row)
                session.add(
                    OutboxChange(
                        change_id=new_id(),
                        device_seq=seq,
                        entity=CardIssue.__tablename__,
                        entity_id=row.id,
                        village_code=villages.get(household_id),
                        op="create",
                        base_version=0,
                        fields=fields,
                        edited_at=CLOCK.now(),
                    )
                )
                seq += 1
                rows.append(row)
            session.commit()
            return rows
    except BaseException:
        session.rollback()
        raise
