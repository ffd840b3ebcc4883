"""Audit benchmark: households audited per second on a demo county, against loading the same rows.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/audit_bench.py [--households 50000] [--seed 7] [--repeat 3]

The demo county is built once into the temporary folder (``fieldbook-audit-bench/``) and reused
by later runs. Then, each timed ``--repeat`` times (best run kept):

1. the core audit (``desktop.store.audit.audit_database``: ``desktop.domain.audit``'s rules and
   the database-wide duplicate-ID query) against its own loading alone (the keyset chunks of
   light records it audits, ``_load_chunk``);
2. the whole audit of the problem lists (``desktop.store.problems.audit_findings``: core and
   guide rules on one ``HouseholdAudit`` per household, duplicate IDs) against its own loading
   alone (``iter_chunks``: the same chunks plus measures, risks, procedure steps, cross-check
   results, settlement slips and the villages' own steps).

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
from desktop.domain.audit_guide import GUIDE_RULES, registered_in_audit  # noqa: E402
from desktop.domain.policy import policy_year  # noqa: E402
from desktop.store.audit import DEFAULT_CHUNK_SIZE, _load_chunk, audit_database  # noqa: E402
from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.models import Household  # noqa: E402
from desktop.store.problems import audit_findings, iter_chunks  # noqa: E402

ON = date(2019, 11, 30)  # the 2019 snapshot date, as the demo county is built for


def demo_database(households: int, seed: int) -> Database:
    """The demo county of ``households`` (built once into the temporary folder)."""
    folder = Path(tempfile.gettempdir()) / "fieldbook-audit-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"demo-{households}-{seed}.db"
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


def load_core(db: Database) -> int:
    """The core audit's own loading: every chunk of light records, nothing audited."""
    loaded = 0
    with db.session() as session:
        last_id = None
        while True:
            chunk = _load_chunk(
                session, after=last_id, chunk_size=DEFAULT_CHUNK_SIZE, village_ids=None
            )
            if not chunk:
                return loaded
            loaded += len(chunk)
            last_id = chunk[-1].id


def load_full(db: Database) -> int:
    """The problem lists' own loading: the same chunks with every row the guide rules read."""
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
        f"{len(RULES)} core rules, {len(GUIDE_RULES)} guide rules "
        f"({'registered in' if registered_in_audit() else 'run beside'} the core audit)"
    )

    def core() -> list:
        with db.session() as session:
            return audit_database(session, policy=policy, on=ON)

    def full() -> list:
        with db.session() as session:
            return audit_findings(session, policy=policy, on=ON)

    # load and audit alternate within each round, so a busy machine slows both alike; the
    # best round of each is kept, in wall time and in this process's CPU time
    rows = []
    for name, load, audit in (
        ("core audit (audit_database)", load_core, core),
        ("whole audit (audit_findings)", load_full, full),
    ):
        best = {"load": [float("inf")] * 2, "audit": [float("inf")] * 2}
        findings: object = []
        for _ in range(args.repeat):
            for kind, work in (("load", lambda load=load: load(db)), ("audit", audit)):
                wall, cpu, result = timed(work)
                best[kind] = [min(best[kind][0], wall), min(best[kind][1], cpu)]
                if kind == "load":
                    assert result == households
                else:
                    findings = result
        by_code = Counter(f.problem.code for f in findings)  # type: ignore[attr-defined]
        rows.append((name, best["load"], best["audit"], len(findings), by_code))  # type: ignore[arg-type]

    print()
    print(
        f"{'':30} {'load only':>16} {'audit':>16} {'households/s':>14} {'audit/load':>12} "
        f"{'problems':>8}"
    )
    print(
        f"{'':30} {'wall':>7} {'cpu':>8} {'wall':>7} {'cpu':>8} {'wall':>6} {'cpu':>7} {'wall':>5} {'cpu':>6}"
    )
    for name, load_s, audit_s, problems, _codes in rows:
        print(
            f"{name:30} {load_s[0]:6.2f}s {load_s[1]:7.2f}s {audit_s[0]:6.2f}s {audit_s[1]:7.2f}s "
            f"{households / audit_s[0]:6,.0f} {households / audit_s[1]:7,.0f} "
            f"{audit_s[0] / load_s[0]:4.2f}x {audit_s[1] / load_s[1]:5.2f}x {problems:8}"
        )
    print()
    for name, *_rest, codes in rows:
        shown = ", ".join(f"{code} {n}" for code, n in codes.most_common(8)) or "none"
        print(f"{name}: {shown}")
    db.dispose()


if __name__ == "__main__":
    main()
