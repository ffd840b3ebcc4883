"""Audit benchmark: households audited per second on a demo county, against loading the same rows.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/audit_bench.py [--households 50000] [--seed 7] [--repeat 3] \
        [--modes plain,encrypted]

The demo county is built once per file kind (plain, and encrypted with SQLCipher as the app's
own file is; its key is kept beside it) into the temporary folder (``fieldbook-audit-bench/``)
and reused by later runs (rebuilt when ``desktop/store/demo_generator.py`` is newer than it).
Then, each timed ``--repeat`` times (best run kept), the one audit runner
(``desktop.store.audit.audit_database``: every rule of ``desktop.domain.audit.RULES``, core and
guide, on one ``HouseholdAudit`` per household, and the database-wide duplicate-ID query)
against its own loading alone (``desktop.store.audit.iter_chunks``: the keyset chunks of light
records with members, incomes and their items, measures, risks, procedure steps, cross-check
results, settlement slips and the villages' own steps; nothing audited).

Households per second = households ÷ the audit's seconds; the ratio is the audit's time over
its loading's time (the rules' own cost is the difference).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from desktop.domain.audit import RULES  # noqa: E402
from desktop.domain.audit_guide import GUIDE_RULES  # noqa: E402
from desktop.domain.policy import policy_year  # noqa: E402
from desktop.store.audit import audit_database, iter_chunks  # noqa: E402
from desktop.store.crypto import new_database_key  # noqa: E402
from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.models import Household  # noqa: E402

ON = date(2019, 11, 30)  # the 2019 snapshot date, as the demo county is built for
DEMO_SOURCE = ROOT / "desktop" / "store" / "demo_generator.py"  # a cached county older than it is rebuilt
MODES = ("plain", "encrypted")


def demo_database(households: int, seed: int, mode: str = "plain") -> Database:
    """The demo county of ``households`` (built once into the temporary folder), plain or
    encrypted (its key in a ``.key`` file beside it)."""
    folder = Path(tempfile.gettempdir()) / "fieldbook-audit-bench"
    folder.mkdir(exist_ok=True)
    suffix = "-enc" if mode == "encrypted" else ""
    path = folder / f"demo-{households}-{seed}{suffix}.db"
    key_file = path.with_suffix(".key")
    key = None
    if mode == "encrypted":
        if not (path.exists() and key_file.exists()):
            key_file.write_text(new_database_key().hex())
            path.unlink(missing_ok=True)
        key = bytes.fromhex(key_file.read_text())
    if path.exists() and path.stat().st_mtime < DEMO_SOURCE.stat().st_mtime:
        print(f"{path} is older than {DEMO_SOURCE.name}: building it again")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        partial = path.with_suffix(".building")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        print(f"building the demo county ({households} households, seed {seed}) into {path} …")
        started = time.perf_counter()
        db = open_database(partial, key=key)
        build_demo_county(db, households=households, seed=seed)
        db.dispose()
        partial.rename(path)
        print(f"  built in {time.perf_counter() - started:.1f} s")
    return open_database(path, key=key)


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def load(db: Database) -> int:
    """The runner's own loading: every chunk of light records with all their rows, no audit."""
    with db.session() as session:
        return sum(len(chunk) for chunk in iter_chunks(session))


def bench_file(db: Database, repeat: int) -> tuple[int, list[float], list[float], list]:
    """(households, best load [wall, cpu], best audit [wall, cpu], findings) of one file."""
    policy = policy_year(2019)
    with db.session() as session:
        households = session.scalar(select(func.count()).select_from(Household))

    def audit() -> list:
        with db.session() as session:
            return audit_database(session, policy=policy, on=ON)

    # load and audit alternate within each round, so a busy machine slows both alike; the
    # best round of each is kept, in wall time and in this process's CPU time
    best = {"load": [float("inf")] * 2, "audit": [float("inf")] * 2}
    findings: list = []
    for _ in range(repeat):
        for kind, work in (("load", lambda: load(db)), ("audit", audit)):
            wall, cpu, result = timed(work)
            best[kind] = [min(best[kind][0], wall), min(best[kind][1], cpu)]
            if kind == "load":
                assert result == households
            else:
                findings = result  # type: ignore[assignment]
    return households, best["load"], best["audit"], findings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES), help="plain,encrypted")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m in MODES]

    results = {}
    for mode in modes:
        db = demo_database(args.households, args.seed, mode)
        try:
            results[mode] = bench_file(db, args.repeat)
        finally:
            db.dispose()
    print(
        f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
        f"{next(iter(results.values()))[0]} households; "
        f"{len(RULES)} rules in one audit ({len(RULES) - len(GUIDE_RULES)} core, "
        f"{len(GUIDE_RULES)} guide)"
    )
    print()
    print(
        f"{'whole audit (audit_database)':30} {'load only':>16} {'audit':>16} {'households/s':>14} "
        f"{'audit/load':>12} {'problems':>8}"
    )
    print(
        f"{'':30} {'wall':>7} {'cpu':>8} {'wall':>7} {'cpu':>8} {'wall':>6} {'cpu':>7} {'wall':>5} {'cpu':>6}"
    )
    for mode, (households, load_s, audit_s, findings) in results.items():
        print(
            f"{mode + ' file':30} {load_s[0]:6.2f}s {load_s[1]:7.2f}s {audit_s[0]:6.2f}s "
            f"{audit_s[1]:7.2f}s {households / audit_s[0]:6,.0f} {households / audit_s[1]:7,.0f} "
            f"{audit_s[0] / load_s[0]:4.2f}x {audit_s[1] / load_s[1]:5.2f}x {len(findings):8}"
        )
    print("(goal: >= 5,000 households/s on the encrypted file)")
    print()
    for mode, (_households, _load, _audit, findings) in results.items():
        codes = Counter(f.problem.code for f in findings)
        shown = ", ".join(f"{code} {n}" for code, n in codes.most_common(8)) or "none"
        print(f"problems found, {mode} file: {shown}")


if __name__ == "__main__":
    main()
