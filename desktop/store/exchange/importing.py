"""What every import of a department's file shares: matching rows to people, the rows it will
not take, and one transaction for the whole import.

Every import has a preview that writes nothing, and a commit that writes everything in one
transaction (``import_transaction``) or nothing at all (``ImportRefused``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
