"""Encryption benchmark: household saves and searches on an encrypted (SQLCipher) database against
the same county in a plain SQLite file, measured in the same run; the ratio is what encryption costs.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/crypto_bench.py [--households 20000] [--saves 600] [--queries 100]

1. builds the same demo county (same seed) into a plain file and an encrypted one;
2. edits households through the real save path (load, change phone, visit date, note and one
   member's phone, ``save_household``: validation, book, outbox, search index, one commit),
   alternating blocks of 25 saves between the two files so that the machine's load hits both
   alike; the same households are edited in both;
3. times ``search_households`` for the six kinds of query of ``store_bench.py`` on both files,
   query by query alternately: median and p95;
4. times the same searches on the plain file through the SQLCipher library without a key (the
   library's own SQLite build, no encryption): the part of the gap that is not encryption;
5. times opening each file (engine, key check, migration check, first query), a backup with
   SQLite's online backup API (and its check), and unlocking the key at the real scrypt cost.

Figures, not pass/fail: the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT, Path(__file__).resolve().parent):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from sqlalchemy import select, text  # noqa: E402
from store_bench import mobile, search_queries  # noqa: E402

from desktop.domain.roles import Role  # noqa: E402
from desktop.store.backup import backup_engine  # noqa: E402
from desktop.store.crypto import Keyring, new_database_key, sqlcipher_module  # noqa: E402
from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.household_edit import load_for_edit  # noqa: E402
from desktop.store.models import Household  # noqa: E402
from desktop.store.save import save_household  # noqa: E402
from desktop.store.search import search_households  # noqa: E402

BLOCK = 25
SAVE_REASON = "入户核实:加密基准测试"
MODES = ("plain", "encrypted")


def one_save(db: Database, household_id: str, n: int, rng: random.Random) -> float:
    """Load, edit and save one household; returns the seconds ``save_household`` took."""
    with db.session() as session:
        household = load_for_edit(session, household_id)
        assert household is not None
        household.phone = mobile(rng)
        household.last_visit_date = date(2019, 11, 1) + timedelta(days=n % 29)
        household.note = f"第{n + 1}次入户核实"
        member = household.current_members[n % len(household.current_members)]
        member.phone = mobile(rng)
        started = time.perf_counter()
        with session.no_autoflush:
            save_household(session, household, actor="bench", reason=SAVE_REASON)
        return time.perf_counter() - started


def bench_saves(dbs: dict[str, Database], count: int, seed: int) -> dict[str, list[float]]:
    with dbs["plain"].session() as session:
        ids = session.scalars(select(Household.id).order_by(Household.household_number)).all()
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    rngs = {mode: random.Random(seed) for mode in MODES}  # same edits in both files
    for start in range(0, len(chosen), BLOCK):
        block = chosen[start : start + BLOCK]
        order = MODES if (start // BLOCK) % 2 == 0 else MODES[::-1]
        for mode in order:
            for offset, household_id in enumerate(block):
                times[mode].append(one_save(dbs[mode], household_id, start + offset, rngs[mode]))
    return times


def bench_search(
    dbs: dict[str, Database], queries: dict[str, list[str]]
) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {kind: {m: [] for m in MODES} for kind in queries}
    sessions = {mode: dbs[mode].sessions() for mode in MODES}
    try:
        for mode in MODES:  # the first queries load the FTS pages
            for warm in list(queries.values())[0][:20]:
                search_households(sessions[mode], warm)
        for kind, texts in queries.items():
            for n, query in enumerate(texts):
                for mode in MODES if n % 2 == 0 else MODES[::-1]:
                    started = time.perf_counter()
                    search_households(sessions[mode], query)
                    times[kind][mode].append((time.perf_counter() - started) * 1000)
    finally:
        for session in sessions.values():
            session.close()
    return times


def library_baseline(path: Path, queries: dict[str, list[str]]) -> list[float]:
    """Search times (ms) on the *plain* file through the SQLCipher library without a key: how
    much of the gap is the library's SQLite build rather than the encryption."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import URL
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import QueuePool

    engine = create_engine(
        URL.create("sqlite", database=str(path)), module=sqlcipher_module(), poolclass=QueuePool
    )
    times: list[float] = []
    try:
        with Session(engine) as session:
            for warm in list(queries.values())[0][:20]:
                search_households(session, warm)
            for texts in queries.values():
                for query in texts:
                    started = time.perf_counter()
                    search_households(session, query)
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_open(path: Path, key: bytes | None, repeat: int = 5) -> float:
    """Median seconds to open the database (key check, migration check) and run a first query."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        db = open_database(path, key=key)
        with db.session() as session:
            session.execute(text("SELECT count(*) FROM households")).scalar()
        runs.append(time.perf_counter() - started)
        db.dispose()
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=600)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)

    cipher = sqlcipher_module()
    version = cipher.connect(":memory:").execute("PRAGMA cipher_version").fetchone()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
        f"Python {platform.python_version()}, SQLCipher {version} on SQLite {cipher.sqlite_version}"
    )
    key = new_database_key()
    keys = {"plain": None, "encrypted": key}
    with tempfile.TemporaryDirectory() as folder:
        paths = {mode: Path(folder) / f"{mode}.db" for mode in MODES}
        dbs: dict[str, Database] = {}
        builds: dict[str, float] = {}
        try:
            for mode in MODES:
                dbs[mode] = open_database(paths[mode], key=keys[mode])
                started = time.perf_counter()
                build_demo_county(dbs[mode], households=args.households, seed=args.seed)
                builds[mode] = time.perf_counter() - started
            saves = bench_saves(dbs, args.saves, args.seed)
            queries = search_queries(dbs["plain"], args.queries, random.Random(args.seed))
            searches = bench_search(dbs, queries)
            backups = {}
            for mode in MODES:
                started = time.perf_counter()
                backup_engine(dbs[mode].engine, Path(folder) / "backups", reason="manual")
                backups[mode] = time.perf_counter() - started
        finally:
            for db in dbs.values():
                db.dispose()
        opens = {mode: time_open(paths[mode], keys[mode]) for mode in MODES}
        baseline = library_baseline(paths["plain"], queries)
        sizes = {mode: paths[mode].stat().st_size for mode in MODES}
        keyring = Keyring.new(paths["encrypted"], key)
        keyring.add_user("bench", "基准", Role.FIELD_WORKER, "246813", key)
        started = time.perf_counter()
        assert keyring.unlock("bench", "246813").key == key
        unlock_seconds = time.perf_counter() - started

    def ratio(plain: float, encrypted: float) -> str:
        return f"{encrypted / plain:.2f}x"

    width = 36
    header = f"{'':<{width}} {'plain':>10} {'encrypted':>10} {'enc/plain':>10}"
    print()
    print(
        f"{args.households:,} households, {len(saves['plain'])} saves, {args.queries} queries of each kind"
    )
    print(header)
    print("-" * len(header))

    def row(label: str, plain: float, encrypted: float, fmt: str = ".2f") -> None:
        print(
            f"{label:<{width}} {plain:>10{fmt}} {encrypted:>10{fmt}} {ratio(plain, encrypted):>10}"
        )

    row("demo county build (s)", builds["plain"], builds["encrypted"])
    save_ms = {m: statistics.median(saves[m]) * 1000 for m in MODES}
    row("save_household median (ms)", save_ms["plain"], save_ms["encrypted"])
    row("save_household p95 (ms)", p95(saves["plain"]) * 1000, p95(saves["encrypted"]) * 1000)
    per_s = {m: len(saves[m]) / sum(saves[m]) for m in MODES}
    row("saves per second", per_s["plain"], per_s["encrypted"], ".0f")
    all_searches = {m: [t for kind in searches.values() for t in kind[m]] for m in MODES}
    row(
        "search, all kinds, median (ms)",
        statistics.median(all_searches["plain"]),
        statistics.median(all_searches["encrypted"]),
    )
    row("search, all kinds, p95 (ms)", p95(all_searches["plain"]), p95(all_searches["encrypted"]))
    for kind, by_mode in searches.items():
        row(
            f"  {kind} median (ms)",
            statistics.median(by_mode["plain"]),
            statistics.median(by_mode["encrypted"]),
        )
    print(
        f"{'  plain file via SQLCipher lib, median':<{width}} {'':>10} "
        f"{statistics.median(baseline):>10.2f} "
        f"{ratio(statistics.median(all_searches['plain']), statistics.median(baseline)):>10}"
    )
    row("open + first query (ms)", opens["plain"] * 1000, opens["encrypted"] * 1000, ".1f")
    row("online backup (ms)", backups["plain"] * 1000, backups["encrypted"] * 1000, ".0f")
    row("file size (MB)", sizes["plain"] / 1e6, sizes["encrypted"] / 1e6, ".1f")
    print(f"{'unlock the key (scrypt, real cost) (s)':<{width}} {'':>10} {unlock_seconds:>10.2f}")


if __name__ == "__main__":
    main()
