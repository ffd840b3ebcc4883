"""A village the county moved to another laptop: drop it here once nothing of it is unsent.

At each sync the laptop asks the server which villages are its own (``SyncClient.status``); a
newly assigned one comes by snapshot (``sync.provision.download_villages``). A village it holds
rows of but no longer has is released by ``release_villages`` after the push. The push before it
still delivers the edits this laptop made to the village before the county moved it: the server
accepts them from the former laptop (``sync.server.releases``), and a field the new laptop changed
meanwhile goes to the reviewer as a conflict. Then:

- if the outbox still holds a change to it the server has not accepted (pending or sent), or a
  refused one nobody has dealt with (no resolved ``sync_issues`` row), or a household of it has an
  autosaved form draft, everything stays and the message says why: dropping would lose work;
- otherwise its households and all their child rows, its procedure steps, its hamlets, their
  search-index entries and its snapshot and pull cursors are deleted in one transaction (under
  ``registry_writer`` as sync apply), and the household book gets one line per household removed.
  No outbox change is written: this is not an edit to send. The village's own division row stays
  (the county tree is whole on every laptop and it carries no personal data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from desktop.store.db import Database, registry_writer
from desktop.store.models import (
    AssistanceMeasure,
    CardIssue,
    CrosscheckResult,
    Division,
    Draft,
    Household,
    HouseholdOperation,
    HouseholdReview,
    Income,
    IncomeItem,
    LedgerEntry,
    MedicalSettlement,
    Member,
    NaturalChange,
    OutboxChange,
    ProblemNote,
    ProcedureStep,
    Risk,
    Setting,
    SyncIssue,
    SyncState,
    utcnow,
)
from desktop.store.sync_apply import SYNC_WRITER, reindex

RELEASE_REASON = "行政村已改派给其他笔记本:本机移除"
RELEASE_ACTOR = "同步"
UNSENT_STATES = ("pending", "sent")
_SNAPSHOT_SETTING = "sync.snapshot."  # sync.provision.SETTING_SNAPSHOT (kept import-free)


@dataclass
class Release:
    """What became of one village the laptop holds but no longer has."""

    village: str
    name: str
    removed: bool
    households: int = 0
    unsent: int = 0  # outbox changes the server has not accepted (pending, sent, refused)
    drafts: int = 0

    @property
    def message(self) -> str:
        label = f"行政村 {self.name}({self.village})"
        if self.removed:
            return f"{label} 已改派给其他笔记本,本机数据已移除({self.households} 户)"
        reasons = []
        if self.unsent:
            reasons.append(f"还有 {self.unsent} 条未被服务器接受的修改")
        if self.drafts:
            reasons.append(f"还有 {self.drafts} 份未保存的草稿")
        return (
            f"{label} 已改派给其他笔记本,但本机{'、'.join(reasons)},暂不移除"
            "(被拒的修改处理后再同步即移除)"
        )


def held_villages(session: Session) -> set[str]:
    """Codes of the villages this laptop holds rows or cursors of."""
    with_rows = select(Division.code).where(
        Division.id.in_(select(Household.village_id).distinct())
    )
    held = set(session.scalars(with_rows)) | set(session.scalars(select(SyncState.village_code)))
    keys = session.scalars(select(Setting.key).where(Setting.key.like(_SNAPSHOT_SETTING + "%")))
    held |= {key[len(_SNAPSHOT_SETTING) :] for key in keys}
    return held


def unsent_changes(session: Session, village: str) -> int:
    """Outbox changes to the village the server has not accepted: pending or sent, and refused
    ones not marked dealt with in the sync history."""
    dealt_with = select(SyncIssue.change_id).where(SyncIssue.resolved_at.is_not(None))
    query = (
        select(func.count())
        .select_from(OutboxChange)
        .where(
            OutboxChange.village_code == village,
            or_(
                OutboxChange.state.in_(UNSENT_STATES),
                and_(
                    OutboxChange.state == "refused",
                    OutboxChange.change_id.not_in(dealt_with),
                ),
            ),
        )
    )
    return session.scalar(query) or 0


def release_villages(db: Database, assigned: Iterable[str]) -> list[Release]:
    """Release every held village not in ``assigned`` (see the module docstring), one
    transaction per village; what became of each."""
    assigned = set(assigned)
    with db.session() as session:
        gone = sorted(held_villages(session) - assigned)
    return [_release(db, village) for village in gone]


def _release(db: Database, code: str) -> Release:
    with db.session() as session, registry_writer(session, SYNC_WRITER):
        village = session.scalar(
            select(Division).where(Division.code == code, Division.level == "village")
        )
        name = village.name if village is not None else code
        village_id = village.id if village is not None else None
        households = (
            list(session.scalars(select(Household.id).where(Household.village_id == village_id)))
            if village_id
            else []
        )
        release = Release(village=code, name=name, removed=False, households=len(households))
        release.unsent = unsent_changes(session, code)
        if households:
            release.drafts = (
                session.scalar(
                    select(func.count())
                    .select_from(Draft)
                    .where(Draft.household_id.in_(households))
                )
                or 0
            )
        if release.unsent or release.drafts:
            return release
        if village_id is not None:
            _delete_village_rows(session, village_id, households)
        session.execute(delete(SyncState).where(SyncState.village_code == code))
        session.execute(delete(Setting).where(Setting.key == _SNAPSHOT_SETTING + code))
        now = utcnow()
        if households:
            session.execute(
                insert(LedgerEntry.__table__),
                [
                    {
                        "at": now,
                        "actor": RELEASE_ACTOR,
                        "household_id": household_id,
                        "entity": "households",
                        "entity_id": household_id,
                        "field": "*",
                        "old_value": None,
                        "new_value": None,
                        "reason": RELEASE_REASON,
                        "change_id": None,
                    }
                    for household_id in households
                ],
            )
        session.flush()
        reindex(session, households)  # the households are gone: their index rows drop out
        session.commit()
        release.removed = True
        return release


def _delete_village_rows(session: Session, village_id: str, households: list[str]) -> None:
    """Children first, so no foreign key is left pointing at a deleted row."""
    in_households = Household.id.in_(households)
    members = select(Member.id).where(Member.household_id.in_(households))
    incomes = select(Income.id).where(Income.household_id.in_(households))
    hamlets = select(Division.id).where(
        Division.parent_id == village_id, Division.level == "hamlet"
    )
    statements = [
        delete(CrosscheckResult).where(CrosscheckResult.member_id.in_(members)),
        delete(MedicalSettlement).where(MedicalSettlement.member_id.in_(members)),
        delete(NaturalChange).where(NaturalChange.household_id.in_(households)),
        delete(IncomeItem).where(IncomeItem.income_id.in_(incomes)),
        delete(ProcedureStep).where(
            or_(ProcedureStep.village_id == village_id, ProcedureStep.household_id.in_(households))
        ),
    ]
    for model in (
        AssistanceMeasure,
        Risk,
        ProblemNote,
        HouseholdOperation,
        HouseholdReview,
        CardIssue,
        Income,
    ):
        statements.append(delete(model).where(model.household_id.in_(households)))
    statements += [
        delete(Member).where(Member.household_id.in_(households)),
        delete(Household).where(in_households),
        delete(Division).where(Division.id.in_(hamlets)),
    ]
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
