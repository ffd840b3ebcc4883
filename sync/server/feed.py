"""The pull feed's numbers: one counter row per county, locked by the transaction that writes.

A laptop pulls a village's feed after a cursor (``server_seq > since``) and must never step over
a row that commits later. The server used to number the whole feed from one sequence under one
lock (a PostgreSQL advisory lock): every push of a province waited for every other. Now each
county (``county_of``: the first six digits of a village's division code, GB/T 2260) has its
own row in ``feed_counters``:

1. a push locks the rows of its device's counties (``lock_counties``: ``SELECT … FOR UPDATE``, in
   code order, so two pushes never wait for each other in a circle) *before* it reads anything
   it merges, and holds them until it commits or rolls back;
2. it numbers its feed entries from those rows (``number_feed``), last number + 1 onwards, and
   writes the new last number back in the same transaction.

So within a county, numbers are taken and committed strictly one transaction after another: the
next transaction can only read the counter after the previous one committed (or rolled back, when
it reads the old number again and nothing was given out). A reader that sees number N+1 of a
county therefore sees N too; and a village belongs to one county, so its cursor never skips.
Pushes of different counties lock different rows and run side by side. The same holds unchanged
with one database per county (one row), and on Citus with the feed tables distributed by
``county_code``: the counter row and the county's feed rows live in one shard, the lock is a
router query, held by that shard's transaction until commit (``docs/scaling.md``).

On SQLite the database has one writer anyway (``BEGIN IMMEDIATE``); ``FOR UPDATE`` is not
rendered there and the numbering is the same.

A county's counter starts at the highest number any county has given, so a cursor a laptop took
before its county had a row (a snapshot's high-water mark, ``feed_high_water``) never lies above
the county's next number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, event, func, select, update
from sqlalchemy.orm import Session

from sync.server.models import ChangeLogEntry, FeedCounter

COUNTY_DIGITS = 6
"""A division code's county part (GB/T 2260: province 2, city 2, county 2 digits)."""


def county_of(code: str) -> str:
    """The county (the feed's shard) a village's, township's or county's code belongs to."""
    return code[:COUNTY_DIGITS]


def counties_of(codes: Iterable[str]) -> list[str]:
    """The counties of ``codes``, each once, in the order they are locked."""
    return sorted({county_of(code) for code in codes})


def _insert_ignoring_existing(connection: Connection, counties: list[str]) -> None:
    """Create the counter rows that do not exist yet, each starting at the highest number given
    so far (see the module docstring)."""
    start = connection.scalar(select(func.coalesce(func.max(FeedCounter.last_seq), 0)))
    rows = [{"county_code": county, "last_seq": start} for county in counties]
    table = FeedCounter.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    connection.execute(insert(table).on_conflict_do_nothing(), rows)


def lock_counties(session: Session, counties: Iterable[str]) -> dict[str, int]:
    """Lock the counter rows of ``counties`` until the transaction ends (creating missing ones);
    their last numbers."""
    wanted = sorted(set(counties))
    if not wanted:
        return {}
    locked = _locked(session.connection(), wanted)
    missing = [county for county in wanted if county not in locked]
    if missing:
        _insert_ignoring_existing(session.connection(), missing)
        locked.update(_locked(session.connection(), missing))
    return locked


def _locked(connection: Connection, counties: list[str]) -> dict[str, int]:
    rows = connection.execute(
        select(FeedCounter.county_code, FeedCounter.last_seq)
        .where(FeedCounter.county_code.in_(counties))
        .order_by(FeedCounter.county_code)
        .with_for_update()
    )
    return {county: last for county, last in rows}


def number_feed(session: Session, entries: list[dict[str, Any]]) -> None:
    """Give each feed entry (a ``change_log`` row as a dict, in the order the changes were
    applied) its ``county_code`` and ``server_seq``, and move the counters past them."""
    if not entries:
        return
    per_county: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        entry["county_code"] = county_of(entry["village_code"])
        per_county[entry["county_code"]].append(entry)
    last = lock_counties(session, per_county)  # already held by the push: no wait, no new lock
    for county, county_entries in per_county.items():
        for number, entry in enumerate(county_entries, start=last[county] + 1):
            entry["server_seq"] = number
        last[county] += len(county_entries)
    table = FeedCounter.__table__
    session.connection().execute(
        update(table).where(table.c.county_code == bindparam("county")),
        [{"county": county, "last_seq": last[county]} for county in per_county],
    )


def next_number(connection: Connection, village_code: str) -> tuple[str, int]:
    """The county and next number of one feed entry written on its own (an ORM ``add``), the
    counter moved and locked until the transaction ends."""
    county = county_of(village_code)
    table = FeedCounter.__table__
    bump = (
        update(table)
        .where(table.c.county_code == county)
        .values(last_seq=table.c.last_seq + 1)
        .returning(table.c.last_seq)
    )
    number = connection.scalar(bump)
    if number is None:
        _insert_ignoring_existing(connection, [county])
        number = connection.scalar(bump)
    assert number is not None
    return county, number


def feed_high_water(session: Session, village_code: str) -> int:
    """The last number the village's county gave (committed): a cursor to pull after. For a
    county without a counter yet, the number its counter will start from."""
    last = session.scalar(
        select(FeedCounter.last_seq).where(FeedCounter.county_code == county_of(village_code))
    )
    if last is not None:
        return int(last)
    return int(session.scalar(select(func.coalesce(func.max(FeedCounter.last_seq), 0))) or 0)


@event.listens_for(ChangeLogEntry, "before_insert")
def _numbered(_mapper: Any, connection: Any, entry: ChangeLogEntry) -> None:
    """A feed entry added on its own (not by a push, which numbers its rows in bulk) takes the
    next number of its county like a push does. ``sync.server.db`` imports this module, so the
    hook is in place wherever a server database is open."""
    if entry.server_seq is None:
        entry.county_code, entry.server_seq = next_number(connection, entry.village_code)
