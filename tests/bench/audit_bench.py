"""Audit benchmark: households audited per second on a demo county, against loading the same rows.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/audit_bench.py [--households 50000] [--seed 7] [--repeat 3]

The demo county is built once into the temporary folder (``fieldbook-audit-bench/``) and reused
by later runs (rebuilt when ``desktop/store/demo_generator.py`` is newer than it). Then, each timed ``--repeat`` times (best run kept), the one audit runner
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
from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.models import Household  # noqa: E402

ON = date(2019, 11, 30)  # the 2019 snapshot date, as the demo county is built for
DEMO_SOURCE = ROOT / "desktop" / "store" / "demo_generator.py"  # a cached county older than it is rebuilt


def demo_database(households: int, seed: int) -> Database:
    """The demo county of ``households`` (built once into the temporary folder)."""
    folder = Path(tempfile.gettempdir()) / "fieldbook-audit-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"demo-{households}-{seed}.db"
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
        db = open_database(partial)
        build_demo_county(db, households=households, seed=seed)
        db.dispose()
        partial.rename(path)
        print(f"  built in {time.perf_counter() - started:.1f} s")
    return open_database(path)


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def load(db: Database) -> int:
    """The runner's own loading: every chunk of light records with all their rows, no audit."""
    with db.session() as session:
        return sum(len(chunk) for chunk in iter_chunks(session))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    policy = policy_year(2019)
    db = demo_database(args.households, args.seed)
    with db.session() as session:
        households = session.scalar(select(func.count()).select_from(Household))
    print(
        f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {households} households; "
        f"{len(RULES)} rules in one audit ({len(RULES) - len(GUIDE_RULES)} core, "
        f"{len(GUIDE_RULES)} guide)"
    )

    def audit() -> list:
        with db.session() as session:
            return audit_database(session, policy=policy, on=ON)

    # load and audit alternate within each round, so a busy machine slows both alike; the
    # best round of each is kept, in wall time and in this process's CPU time
    best = {"load": [float("inf")] * 2, "audit": [float("inf")] * 2}
    findings: list = []
    for _ in range(args.repeat):
        for kind, work in (("load", lambda: load(db)), ("audit", audit)):
            wall, cpu, result = timed(work)
            best[kind] = [min(best[kind][0], wall), min(best[kind][1], cpu)]
            if kind == "load":
                assert result == households
            else:
                findings = result  # type: ignore[assignment]
    load_s, audit_s = best["load"], best["audit"]
    codes = Counter(f.problem.code for f in findings)

    name = "whole audit (audit_database)"
    print()
    print(
        f"{'':30} {'load only':>16} {'audit':>16} {'households/s':>14} {'audit/load':>12} "
        f"{'problems':>8}"
    )
    print(
        f"{'':30} {'wall':>7} {'cpu':>8} {'wall':>7} {'cpu':>8} {'wall':>6} {'cpu':>7} {'wall':>5} {'cpu':>6}"
    )
    print(
        f"{name:30} {load_s[0]:6.2f}s {load_s[1]:7.2f}s {audit_s[0]:6.2f}s {audit_s[1]:7.2f}s "
        f"{households / audit_s[0]:6,.0f} {households / audit_s[1]:7,.0f} "
        f"{audit_s[0] / load_s[0]:4.2f}x {audit_s[1] / load_s[1]:5.2f}x {len(findings):8}"
    )
    print()
    shown = ", ".join(f"{code} {n}" for code, n in codes.most_common(8)) or "none"
    print(f"{name}: {shown}")
    db.dispose()


if __name__ == "__main__":
    main()
