"""Store benchmark: a demo county's build, household saves against raw SQLite, search latency, size.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/store_bench.py [--households 50000] [--saves 2000] [--queries 200]

1. builds a demo county (``desktop.store.demo``) into a fresh SQLite file: households/s;
2. edits households through the real save path: load one as the form does (``load_for_edit``),
   change its phone, visit date and note and one member's phone and work months, and
   ``save_household`` it (validation, book, outbox, search index, one commit each); then writes
   the same changed rows with raw ``sqlite3`` ``executemany`` in one transaction, and with one
   raw transaction per household, and prints the ratios;
3. times ``search_households`` for six kinds of query (full name, 2-character given name,
   1-character surname, pinyin initials, 4+ ID digits, household number): median and p95;
4. prints the database file's size after a WAL checkpoint.

Figures, not pass/fail: the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.household_edit import load_for_edit  # noqa: E402
from desktop.store.models import Household, Member  # noqa: E402
from desktop.store.save import save_household  # noqa: E402
from desktop.store.search import name_text, search_households  # noqa: E402

SAVE_REASON = "入户核实:基准测试"

HOUSEHOLD_UPDATE = "UPDATE households SET phone = ?, last_visit_date = ?, note = ? WHERE id = ?"
MEMBER_UPDATE = "UPDATE members SET phone = ?, work_months = ? WHERE id = ?"


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "186", "199")) + f"{rng.randrange(10**8):08d}"


def bench_saves(db: Database, count: int, rng: random.Random) -> dict[str, float]:
    """Saves through ``save_household`` and the same changed rows through raw sqlite3."""
    with db.session() as session:
        ids = session.scalars(select(Household.id).order_by(Household.household_number)).all()
    chosen = rng.sample(ids, min(count, len(ids)))
    household_rows: list[tuple] = []
    member_rows: list[tuple] = []
    save_seconds = 0.0
    started = time.perf_counter()
    for n, household_id in enumerate(chosen):
        with db.session() as session:
            household = load_for_edit(session, household_id)
            assert household is not None
            household.phone = mobile(rng)
            household.last_visit_date = date(2019, 11, 1) + timedelta(days=n % 29)
            household.note = f"第{n + 1}次入户核实"
            member = rng.choice(household.current_members)
            member.phone = mobile(rng)
            if member.labour_skill in ("01", "02"):
                member.work_months = rng.randint(1, 12)
            t = time.perf_counter()
            # no_autoflush: save_household looks the working policy up before it enters its own
            # no-autoflush block, and an autoflush there trips the registry write guard
            with session.no_autoflush:
                save_household(session, household, actor="bench", reason=SAVE_REASON)
            save_seconds += time.perf_counter() - t
            household_rows.append(
                (
                    household.phone,
                    household.last_visit_date.isoformat(),
                    household.note,
                    household.id,
                )
            )
            member_rows.append((member.phone, member.work_months, member.id))
    edit_seconds = time.perf_counter() - started

    path = db.engine.url.database
    assert path is not None
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    t = time.perf_counter()
    raw.execute("BEGIN")
    raw.executemany(HOUSEHOLD_UPDATE, household_rows)
    raw.executemany(MEMBER_UPDATE, member_rows)
    raw.execute("COMMIT")
    raw_many_seconds = time.perf_counter() - t
    t = time.perf_counter()
    for household_row, member_row in zip(household_rows, member_rows, strict=True):
        raw.execute("BEGIN")
        raw.execute(HOUSEHOLD_UPDATE, household_row)
        raw.execute(MEMBER_UPDATE, member_row)
        raw.execute("COMMIT")
    raw_each_seconds = time.perf_counter() - t
    raw.close()
    saves = len(chosen)
    return {
        "saves": saves,
        "edit_per_s": saves / edit_seconds,
        "save_per_s": saves / save_seconds,
        "save_ms": save_seconds / saves * 1000,
        "edit_ms": edit_seconds / saves * 1000,
        "raw_many_per_s": saves / raw_many_seconds,
        "raw_each_per_s": saves / raw_each_seconds,
    }


def search_queries(db: Database, count: int, rng: random.Random) -> dict[str, list[str]]:
    """``count`` queries of each kind, drawn from the county's own names and numbers."""
    with db.session() as session:
        members = session.execute(
            select(Member.name, Member.id_number).where(
                Member.deleted.is_(False), Member.left_date.is_(None)
            )
        ).all()
        numbers = session.scalars(select(Household.household_number)).all()
    names = [name for name, _ in members]
    three = [name for name in names if len(name) == 3]
    id_numbers = [number for _, number in members if number]

    def digits() -> str:
        number = rng.choice(id_numbers)
        size = rng.randint(4, 8)
        start = rng.randrange(len(number) - size)
        return number[start : start + size]

    kinds: dict[str, Callable[[], str]] = {
        "full name": lambda: rng.choice(names),
        "2-char given name": lambda: rng.choice(three)[1:],
        "1-char surname": lambda: rng.choice(names)[0],
        "pinyin initials": lambda: name_text(rng.choice(names)).initials.split()[0],
        "4+ ID digits": digits,
        "household number": lambda: rng.choice(numbers),
    }
    return {kind: [make() for _ in range(count)] for kind, make in kinds.items()}


def bench_search(db: Database, queries: dict[str, list[str]]) -> dict[str, tuple]:
    """Median and p95 latency (ms) and the mean number of households found, per kind."""
    results: dict[str, tuple] = {}
    with db.session() as session:
        for warm in list(queries.values())[0][:20]:  # the first queries load the FTS pages
            search_households(session, warm)
        for kind, texts in queries.items():
            times: list[float] = []
            found = 0
            for query in texts:
                t = time.perf_counter()
                hits = search_households(session, query)
                times.append((time.perf_counter() - t) * 1000)
                found += len(hits)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results[kind] = (statistics.median(times), p95, found / len(texts), texts[0])
    return results


def file_size(db: Database) -> tuple[int, list[tuple[str, int]]]:
    """The file's size after a WAL checkpoint, and bytes per table with its indexes (if known)."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db.engine.url.database
    assert path is not None
    tables: dict[str, int] = {}
    raw = sqlite3.connect(path)
    try:
        for table, size in raw.execute(
            "SELECT m.tbl_name, sum(s.pgsize) FROM dbstat s"
            " JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name"
        ):
            key = "search index (FTS5)" if table.startswith("search_") else table
            tables[key] = tables.get(key, 0) + size
    except sqlite3.OperationalError:  # SQLite built without the dbstat table
        pass
    finally:
        raw.close()
    return os.path.getsize(path), sorted(tables.items(), key=lambda item: -item[1])


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--saves", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--keep", type=Path, help="build into this file and keep it")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        if path.exists():
            sys.exit(f"{path} exists; the benchmark builds into a new file")
        print(
            f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        )
        db = open_database(path)
        try:
            summary = build_demo_county(db, households=args.households, seed=args.seed)
            saves = bench_saves(db, args.saves, rng)
            searches = bench_search(db, search_queries(db, args.queries, rng))
            size, tables = file_size(db)
        finally:
            db.dispose()

    rows = summary.rows / summary.elapsed_seconds
    width = 44
    print()
    print(f"{'demo county build':<{width}} {'value':>14}")
    print("-" * (width + 15))
    print(f"{'households':<{width}} {summary.households:>14,}")
    print(f"{'members':<{width}} {summary.members:>14,}")
    print(f"{'villages / townships':<{width}} {f'{summary.villages} / {summary.townships}':>14}")
    print(f"{'rows written (all tables)':<{width}} {summary.rows:>14,}")
    print(f"{'build time (s)':<{width}} {summary.elapsed_seconds:>14.1f}")
    print(f"{'build rate (households/s)':<{width}} {summary.households_per_second:>14,.0f}")
    print(f"{'build rate (rows/s)':<{width}} {rows:>14,.0f}")
    print()
    print(f"{'household saves (' + str(saves['saves']) + ')':<{width}} {'per s':>14}")
    print("-" * (width + 15))
    print(f"{'load + edit + save_household':<{width}} {saves['edit_per_s']:>14,.0f}")
    print(f"{'save_household alone':<{width}} {saves['save_per_s']:>14,.0f}")
    raw_each, raw_many = saves["raw_each_per_s"], saves["raw_many_per_s"]
    print(f"{'raw sqlite3, one transaction per household':<{width}} {raw_each:>14,.0f}")
    print(f"{'raw sqlite3 executemany, one transaction':<{width}} {raw_many:>14,.0f}")
    print(
        f"{'ratio save_household / raw executemany':<{width}} "
        f"{saves['save_per_s'] / saves['raw_many_per_s']:>14.4f}"
    )
    print(
        f"{'ratio save_household / raw per household':<{width}} "
        f"{saves['save_per_s'] / saves['raw_each_per_s']:>14.3f}"
    )
    per_save = f"{saves['edit_ms']:.2f} / {saves['save_ms']:.2f}"
    print(f"{'ms per save (load+edit+save / save alone)':<{width}} {per_save:>14}")
    print()
    title = f"search ({args.queries} queries each)"
    header = f"{title:<24} {'median ms':>10} {'p95 ms':>9} {'found':>7}  example"
    print(header)
    print("-" * len(header))
    for kind, (median, p95, found, example) in searches.items():
        print(f"{kind:<24} {median:>10.2f} {p95:>9.2f} {found:>7.1f}  {example}")
    print()
    print(f"{'database file (after WAL checkpoint)':<{width}} {size / 1e6:>11.1f} MB")
    print(f"{'per household':<{width}} {size / summary.households / 1e3:>11.1f} kB")
    if tables:
        print("  largest tables, with their indexes:")
    for table, table_size in tables[:6]:
        share = f"{table_size / 1e6:.1f} MB {table_size / size:>4.0%}"
        print(f"{'    ' + table:<{width}} {share:>14}")


if __name__ == "__main__":
    main()
