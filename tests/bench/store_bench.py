"""Store benchmark, on a plain and an encrypted (SQLCipher) file in the same run: a demo county's
bulk load against raw ``executemany`` of the same rows, household saves (broken down by their
kinds of work) against raw SQL, search latency, size.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/store_bench.py [--households 50000] [--saves 2000] [--queries 200]

For each file, plain and then encrypted (``--modes`` picks):

1. builds a demo county (``desktop.store.demo``, through ``BulkLoader``) into a fresh file:
   households/s; then the baseline: every row the build wrote, read back and written again
   with the driver's own ``executemany`` into an empty migrated file of the same kind, one
   transaction (the goal: the bulk load at >= 0.25x of that);
2. edits households through the real save path: load one as the form does (``load_for_edit``),
   change its phone, visit date and note and one member's phone and work months, and
   ``save_household`` it (validation, book, outbox, search index when an indexed field changed,
   one commit each): median and p95 (the goal: p95 <= 15 ms on the encrypted file), and the save
   broken down by its kinds of work (validation, duplicate-ID query, book and outbox, flush,
   search reindex, commit, the rest); then the same changed rows written with raw SQL in one
   transaction, and with one raw transaction per household (the baseline), and the ratios; and
   the like-for-like baseline: every row the saves wrote (household and member updates, book
   entries, outbox rows; recorded as the driver received them) written with the driver's
   ``executemany`` in one transaction into the file's raw copy (same kind, same key), beside
   the saves' total and the ratio;
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
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from desktop.store import save as save_module  # noqa: E402
from desktop.store import search as search_module  # noqa: E402
from desktop.store.crypto import connect_raw, new_database_key  # noqa: E402
from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.household_edit import load_for_edit  # noqa: E402
from desktop.store.models import Base, Household, Member  # noqa: E402
from desktop.store.save import save_household  # noqa: E402
from desktop.store.search import name_text, search_households  # noqa: E402

SAVE_REASON = "入户核实:基准测试"
MODES = ("plain", "encrypted")

SAVED_TABLES = ("households", "members", "ledger", "outbox")
"""The tables a save writes rows to (the book is ``ledger``); the like-for-like baseline writes
the same rows to them."""
HOUSEHOLD_UPDATE = "UPDATE households SET phone = ?, last_visit_date = ?, note = ? WHERE id = ?"
MEMBER_UPDATE = "UPDATE members SET phone = ?, work_months = ? WHERE id = ?"
WORK_KINDS = (
    "validation",
    "duplicate-ID query",
    "book and outbox",
    "flush",
    "search reindex",
    "commit",
)


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "186", "199")) + f"{rng.randrange(10**8):08d}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def raw_connection(path: Path, key: bytes | None) -> Any:
    raw = connect_raw(path, key)
    raw.isolation_level = None
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    return raw


# --- bulk load ------------------------------------------------------------------------------


def bench_bulk_baseline(source: Path, target: Path, key: bytes | None) -> tuple[float, int]:
    """Seconds to write every row of ``source`` again with the driver's ``executemany`` into an
    empty migrated file (one transaction), and the rows written."""
    open_database(target, key=key).dispose()  # the empty schema, migrated, like a fresh laptop
    tables = [t.name for t in Base.metadata.sorted_tables]
    reader = connect_raw(source, key)
    data: dict[str, tuple[str, list[tuple]]] = {}
    for table in tables:
        cursor = reader.execute(f"SELECT * FROM {table}")
        rows = cursor.fetchall()
        if rows:
            names = ", ".join(d[0] for d in cursor.description)
            marks = ", ".join("?" for _ in cursor.description)
            data[table] = (f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    reader.close()
    writer = raw_connection(target, key)
    writer.execute("PRAGMA cache_size = -65536")  # as BulkLoader does
    started = time.perf_counter()
    writer.execute("BEGIN")
    for statement, rows in data.values():
        writer.executemany(statement, rows)
    writer.execute("COMMIT")
    seconds = time.perf_counter() - started
    writer.close()
    return seconds, sum(len(rows) for _statement, rows in data.values())


# --- saves ----------------------------------------------------------------------------------


class WorkTimer:
    """Wraps the save's parts to time each kind of work (installed for the whole run)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._installed: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, kind: str) -> None:
        original = getattr(owner, name)
        seconds = self.seconds

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[kind] += time.perf_counter() - started

        setattr(owner, name, timed)
        self._installed.append((owner, name, original))

    def install(self) -> None:
        self.wrap(save_module, "duplicate_id_problems", "duplicate-ID query")
        self.wrap(save_module, "_book_and_queue", "book and outbox")
        self.wrap(search_module, "reindex_households", "search reindex")
        original_policy = save_module._audit_under_working_policy
        seconds = self.seconds

        def policy(session: Any, *args: Any) -> Any:
            validate = original_policy(session, *args)

            def timed(household: Any) -> Any:
                started = time.perf_counter()
                try:
                    return validate(household)
                finally:
                    seconds["validation"] += time.perf_counter() - started

            return timed

        save_module._audit_under_working_policy = policy
        self._installed.append((save_module, "_audit_under_working_policy", original_policy))

    def session(self, session: Any) -> None:
        seconds = self.seconds
        for name, kind in (("flush", "flush"), ("commit", "commit")):
            original = getattr(session, name)

            def timed(*args: Any, _original: Any = original, _kind: str = kind, **kw: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _original(*args, **kw)
                finally:
                    seconds[_kind] += time.perf_counter() - started

            setattr(session, name, timed)

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._installed):
            setattr(owner, name, original)
        self._installed.clear()


BLOCK = 25  # saves alternate between the files in blocks, so the machine's load hits both alike


class WriteRecorder:
    """Records the rows a save writes to ``SAVED_TABLES`` (statement and parameters, as the
    driver received them), so the baseline can write the very same rows with raw SQL."""

    def __init__(self) -> None:
        self.recording = False
        self.rows: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        """Rows by (table, statement)."""
        self.engine: Any = None

    def _record(
        self, _conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, many: bool
    ) -> None:
        words = statement.split(None, 3)
        if not self.recording or not words or words[0].upper() not in ("INSERT", "UPDATE"):
            return
        table = words[2] if words[0].upper() == "INSERT" else words[1]
        if table not in SAVED_TABLES:
            return
        # the ORM asks the book's new sequence numbers back; a raw write needs none
        statement = statement.split(" RETURNING ")[0]
        rows = params if many and params and isinstance(params[0], tuple | list) else [params]
        self.rows[table, statement].extend(tuple(row) for row in rows)

    def install(self, engine: Any) -> None:
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._record)

    def uninstall(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def row_count(self, table: str) -> int:
        return sum(len(rows) for (written, _), rows in self.rows.items() if written == table)


def edit_and_save(
    db: Database,
    household_id: str,
    n: int,
    rng: random.Random,
    work: WorkTimer,
    state: dict[str, Any],
) -> None:
    """Load one household as the form does, edit it and save it; the save is timed."""
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
        work.session(session)
        t = time.perf_counter()
        # no_autoflush: save_household looks the working policy up before it enters its own
        # no-autoflush block, and an autoflush there trips the registry write guard
        state["writes"].recording = True
        with session.no_autoflush:
            save_household(session, household, actor="bench", reason=SAVE_REASON)
        state["writes"].recording = False
        state["times"].append(time.perf_counter() - t)
        state["household_rows"].append(
            (household.phone, household.last_visit_date.isoformat(), household.note, household.id)
        )
        state["member_rows"].append((member.phone, member.work_months, member.id))


def bench_saves(
    files: dict[str, tuple[Database, Path, bytes | None]],
    count: int,
    seed: int,
    copies: dict[str, Path],
) -> dict[str, dict[str, Any]]:
    """Saves through ``save_household`` (each timed, broken down by kind of work), alternating
    between the files block by block, then the same changed rows through raw SQL; and every row
    the saves wrote (households, members, book, outbox) written with the driver's
    ``executemany`` in one transaction into ``copies`` (each file's raw copy of the county, of
    the same kind and key: the rows' new book and outbox keys would clash in the file itself)."""
    first = next(iter(files.values()))[0]
    with first.session() as session:
        ids = session.scalars(select(Household.id).order_by(Household.household_number)).all()
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    states = {
        mode: {
            "times": [],
            "household_rows": [],
            "member_rows": [],
            "work": WorkTimer(),
            "writes": WriteRecorder(),
        }
        for mode in files
    }
    rngs = {mode: random.Random(seed) for mode in files}  # the same edits in every file
    modes = list(files)
    for start in range(0, len(chosen), BLOCK):
        order = modes if (start // BLOCK) % 2 == 0 else modes[::-1]
        for mode in order:
            state = states[mode]
            state["work"].install()
            state["writes"].install(files[mode][0].engine)
            try:
                for offset, household_id in enumerate(chosen[start : start + BLOCK]):
                    edit_and_save(
                        files[mode][0],
                        household_id,
                        start + offset,
                        rngs[mode],
                        state["work"],
                        state,
                    )
            finally:
                state["work"].uninstall()
                state["writes"].uninstall()
    results: dict[str, dict[str, Any]] = {}
    for mode, (_db, path, key) in files.items():
        state = states[mode]
        raw = raw_connection(path, key)
        t = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(HOUSEHOLD_UPDATE, state["household_rows"])
        raw.executemany(MEMBER_UPDATE, state["member_rows"])
        raw.execute("COMMIT")
        raw_many_seconds = time.perf_counter() - t
        raw_each: list[float] = []
        for household_row, member_row in zip(
            state["household_rows"], state["member_rows"], strict=True
        ):
            t = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute(HOUSEHOLD_UPDATE, household_row)
            raw.execute(MEMBER_UPDATE, member_row)
            raw.execute("COMMIT")
            raw_each.append(time.perf_counter() - t)
        raw.close()
        writes: WriteRecorder = state["writes"]
        raw = raw_connection(copies[mode], key)
        t = time.perf_counter()
        raw.execute("BEGIN")
        for (_table, statement), rows in writes.rows.items():
            raw.executemany(statement, rows)
        raw.execute("COMMIT")
        same_rows_seconds = time.perf_counter() - t
        raw.close()
        saves = len(state["times"])
        results[mode] = {
            "saves": saves,
            "times": state["times"],
            "work": dict(state["work"].seconds),
            "save_per_s": saves / sum(state["times"]),
            "raw_many_per_s": saves / raw_many_seconds,
            "raw_each": raw_each,
            "same_rows_seconds": same_rows_seconds,
            "same_rows": {table: writes.row_count(table) for table in SAVED_TABLES},
        }
    return results


# --- search ---------------------------------------------------------------------------------


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
            results[kind] = (statistics.median(times), percentile(times, 0.95), found / len(texts))
    return results


def file_size(db: Database, path: Path, key: bytes | None) -> tuple[int, list[tuple[str, int]]]:
    """The file's size after a WAL checkpoint, and bytes per table with its indexes (if known)."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    tables: dict[str, int] = {}
    raw = connect_raw(path, key)
    try:
        for table, size in raw.execute(
            "SELECT m.tbl_name, sum(s.pgsize) FROM dbstat s"
            " JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name"
        ):
            name = "search index (FTS5)" if table.startswith("search_") else table
            tables[name] = tables.get(name, 0) + size
    except Exception:  # noqa: BLE001 - a SQLite built without the dbstat table
        pass
    finally:
        raw.close()
    return os.path.getsize(path), sorted(tables.items(), key=lambda item: -item[1])


# --- one file -------------------------------------------------------------------------------


def run_modes(
    modes: list[str], folder: Path, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Every phase on every file, phase by phase (so warm-up and load fall on all alike)."""
    files: dict[str, tuple[Database, Path, bytes | None]] = {}
    results: dict[str, dict[str, Any]] = {mode: {} for mode in modes}
    try:
        for mode in modes:
            key = new_database_key() if mode == "encrypted" else None
            path = folder / f"{mode}.db"
            files[mode] = (open_database(path, key=key), path, key)
        for mode in modes:
            db, path, key = files[mode]
            results[mode]["summary"] = build_demo_county(
                db, households=args.households, seed=args.seed
            )
        for mode in modes:
            db, path, key = files[mode]
            seconds, rows = bench_bulk_baseline(path, folder / f"{mode}-raw.db", key)
            results[mode].update(raw_seconds=seconds, raw_rows=rows)
        copies = {mode: folder / f"{mode}-raw.db" for mode in modes}
        for mode, saves in bench_saves(files, args.saves, args.seed, copies).items():
            results[mode]["saves"] = saves
        queries = search_queries(files[modes[0]][0], args.queries, random.Random(args.seed))
        for mode in modes:
            results[mode]["searches"] = bench_search(files[mode][0], queries)
        for mode in modes:
            db, path, key = files[mode]
            results[mode]["size"], results[mode]["tables"] = file_size(db, path, key)
    finally:
        for db, _path, _key in files.values():
            db.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--saves", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--modes", default=",".join(MODES), help="plain,encrypted")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m in MODES]

    print(
        f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"{args.households:,} households, {args.saves} saves, {args.queries} queries of each kind"
    )
    with tempfile.TemporaryDirectory() as folder:
        results = run_modes(modes, Path(folder), args)

    width = 46

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<{width}} " + " ".join(f"{v:>14}" for v in values))

    print()
    row("", modes)
    print("-" * (width + 15 * len(modes)))
    summaries = [results[m]["summary"] for m in modes]
    row("households", [f"{s.households:,}" for s in summaries])
    row("rows written (all tables)", [f"{s.rows:,}" for s in summaries])
    row("bulk load: demo build (s)", [f"{s.elapsed_seconds:.2f}" for s in summaries])
    row(
        "baseline: raw executemany, same rows (s)",
        [f"{results[m]['raw_seconds']:.2f}" for m in modes],
    )
    row(
        "ratio raw / bulk load (goal >= 0.25)",
        [f"{results[m]['raw_seconds'] / results[m]['summary'].elapsed_seconds:.3f}" for m in modes],
    )
    row("build rate (households/s)", [f"{s.households_per_second:,.0f}" for s in summaries])

    print()
    row(f"household saves ({args.saves})", modes)
    print("-" * (width + 15 * len(modes)))
    saves = [results[m]["saves"] for m in modes]
    row(
        "save_household median (ms)", [f"{statistics.median(s['times']) * 1000:.2f}" for s in saves]
    )
    row(
        "save_household p95 (ms) (goal <= 15 encrypted)",
        [f"{percentile(s['times'], 0.95) * 1000:.2f}" for s in saves],
    )
    row(
        "baseline: raw transaction per household p95",
        [f"{percentile(s['raw_each'], 0.95) * 1000:.2f}" for s in saves],
    )
    row(
        "baseline: same rows, raw executemany, 1 tx (ms)",
        [f"{s['same_rows_seconds'] * 1000:.1f}" for s in saves],
    )
    row("save_household, all saves together (ms)", [f"{sum(s['times']) * 1000:.1f}" for s in saves])
    row(
        "ratio save_household / same rows raw",
        [f"{sum(s['times']) / s['same_rows_seconds']:.1f}x" for s in saves],
    )
    for table in SAVED_TABLES:
        row(f"    rows written to {table}", [f"{s['same_rows'][table]:,}" for s in saves])
    row("saves over 5 ms", [f"{sum(t > 0.005 for t in s['times'])}" for s in saves])
    row("save_household alone (per s)", [f"{s['save_per_s']:,.0f}" for s in saves])
    row("raw executemany, one transaction (per s)", [f"{s['raw_many_per_s']:,.0f}" for s in saves])
    row(
        "ratio save_household / raw per household",
        [f"{s['save_per_s'] * statistics.mean(s['raw_each']):.3f}" for s in saves],
    )
    print("  a save's mean, by kind of work (ms):")
    for kind in (*WORK_KINDS, "the rest (change collection, derived fields)"):
        values = []
        for s in saves:
            total = sum(s["times"]) * 1000 / s["saves"]
            parts = {k: v * 1000 / s["saves"] for k, v in s["work"].items()}
            value = parts.get(
                kind, total - sum(parts.values()) if kind.startswith("the rest") else 0.0
            )
            values.append(f"{value:.2f}")
        row("    " + kind, values)

    print()
    row(f"search ({args.queries} queries each): median / p95 ms", modes)
    print("-" * (width + 15 * len(modes)))
    for kind in results[modes[0]]["searches"]:
        row(
            kind,
            [
                f"{results[m]['searches'][kind][0]:.2f} / {results[m]['searches'][kind][1]:.2f}"
                for m in modes
            ],
        )
    print()
    row("database file after checkpoint (MB)", [f"{results[m]['size'] / 1e6:.1f}" for m in modes])
    for table, table_size in results[modes[0]]["tables"][:6]:
        print(f"    {table:<{width - 4}} {table_size / 1e6:>11.1f} MB ({modes[0]})")


if __name__ == "__main__":
    main()
