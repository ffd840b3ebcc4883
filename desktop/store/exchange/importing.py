"""What every import of a department's file shares: matching rows to people, the rows it will
not take, and one transaction for the whole import.

Every import has a preview that writes nothing, and a commit that writes everything in one
transaction (``import_transaction``) or nothing at all (``ImportRefused``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.store.db import Database
from desktop.store.exchange.reading import ID_KEY_LENGTH, id_key
from desktop.store.models import (
    Household,
    Member,
)


@contextmanager
def import_transaction(db: Database) -> Iterator[Session]:
    """A session whose saves all land in one database transaction, committed at the end.

    ``save_household`` commits after each household; here its commits stay inside one outer
    transaction (SQLAlchemy's "join an external transaction", ``rollback_only``), so an import of
    many households is committed as a whole when the block ends, or rolled back as a whole when
    anything in it raises.
    """
    connection = db.engine.connect()
    outer = connection.begin()
    session = db.sessions(bind=connection, join_transaction_mode="rollback_only")
    try:
        yield session
        session.flush()
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    finally:
        session.close()
        connection.close()


@dataclass(frozen=True)
class RowIssue:
    """A row that will not be imported, and why."""

    row: int
    id_number: str | None
    name: str | None
    reason: str


REGISTERED = frozenset({"poor", "exited", "exited_stable"})
"""The statuses of registered (建档立卡) households: the only ones a department's file is about."""
ISSUE_KINDS = ("unmatched", "ambiguous", "invalid")


@dataclass(kw_only=True)
class ImportPreview:
    """What every import's preview lists besides its own rows: the rows it will not take."""

    path: Path
    sheet: str
    unmatched: list[RowIssue] = field(default_factory=list)
    ambiguous: list[RowIssue] = field(default_factory=list)
    invalid: list[RowIssue] = field(default_factory=list)

    @property
    def has_issues(self) -> bool:
        return bool(self.unmatched or self.ambiguous or self.invalid)

    def issues(self) -> dict[str, list[dict[str, Any]]]:
        """The rows not taken, as plain data by reason (for ``--json`` and the reports)."""
        return {kind: [asdict(i) for i in getattr(self, kind)] for kind in ISSUE_KINDS}


def match_holder(
    preview: ImportPreview, row: int, number: str | None, name: str | None, found: list[Holder]
) -> Holder | None:
    """The one current member (``found``) carrying the row's ID number, in a registered
    household; otherwise the row goes on the preview's unmatched, ambiguous or invalid list and
    the answer is ``None``."""
    if not found:
        preview.unmatched.append(
            RowIssue(row, number, name, "没有找到持有此证件号码的现有家庭成员")
        )
        return None
    if len(found) > 1:
        numbers = "、".join(sorted({h.household_number for h in found}))
        preview.ambiguous.append(
            RowIssue(row, number, name, f"此证件号码登记在多名成员上（户编号 {numbers}）")
        )
        return None
    holder = found[0]
    if holder.status not in REGISTERED:
        preview.invalid.append(
            RowIssue(
                row,
                number,
                name,
                f"{holder.name}所在户（{holder.household_number}）是一般农户，不是建档立卡户",
            )
        )
        return None
    return holder


@dataclass(frozen=True)
class Holder:
    """A current member who carries an ID number."""

    member_id: str
    name: str
    household_id: str
    household_number: str
    status: str
    village_id: str


def holders_by_id(session: Session, keys: Collection[str]) -> dict[str, list[Holder]]:
    """Current members of live households by ID key (first 18 characters, upper case)."""
    wanted = set(keys)
    found: dict[str, list[Holder]] = defaultdict(list)
    if not wanted:
        return found
    query = (
        select(
            Member.id,
            Member.name,
            Member.id_number,
            Household.id,
            Household.household_number,
            Household.status,
            Household.village_id,
        )
        .join(Household, Member.household_id == Household.id)
        .where(
            Member.deleted.is_(False),
            Member.left_date.is_(None),
            Household.deleted.is_(False),
            func.length(Member.id_number) >= ID_KEY_LENGTH,
        )
    )
    for (
        member_id,
        name,
        number,
        household_id,
        household_number,
        status,
        village_id,
    ) in session.execute(query):
        key = id_key(number)
        if key in wanted:
            found[key].append(
                Holder(member_id, name, household_id, household_number, status, village_id)
            )
    return found


class ImportRefused(Exception):
    """An import was rolled back as a whole: a household's save was refused."""

    def __init__(self, household_number: str, problems: list[Any], message: str) -> None:
        super().__init__(message)
        self.household_number = household_number
        self.problems = problems
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    """What a committed import wrote."""

    households: int
    rows: int
    change_ids: int


def save_in_import(session: Session, household: Any, *, actor: str, reason: str) -> Any:
    """Save one household of an import through ``save_household``; a refused save raises
    ``ImportRefused`` naming the household, and the import's one transaction rolls back."""
    from desktop.store.save import SaveRefused, save_household

    try:
        return save_household(session, household, actor=actor, reason=reason)
    except SaveRefused as refused:
        raise ImportRefused(
            household.household_number,
            refused.problems,
            f"户编号 {household.household_number} 不能保存（{refused.message}："
            + "；".join(p.message for p in refused.problems if p.is_error)
            + "），整个导入已撤销，没有写入任何数据。",
        ) from refused
