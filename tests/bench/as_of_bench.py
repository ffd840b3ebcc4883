"""As-of export benchmark (Q13): the registry rebuilt from the household book against the plain
export of the same database.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/as_of_bench.py [--households 10000] [--edits 1000] [--repeat 3]

A demo county is built into a temporary folder, its load is booked a day earlier than the
edits (the book's times are moved back one day, as if the county had been loaded the day
before the work began), then ``--edits`` households get a new phone and address through the one
save path. Timed, best of ``--repeat``: the plain export of today's registry, and the export as
of today (which undoes every edit from the book). The ratio is the as-of export's time over the
plain one's.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, update  # noqa: E402

from desktop.domain.policy import BEIJING  # noqa: E402
from desktop.store.db import open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.exchange.registry_export import export_registry  # noqa: E402
from desktop.store.models import Household, LedgerEntry  # noqa: E402
from desktop.store.save import save_household  # noqa: E402


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="fieldbook-as-of-bench-"))
    db = open_database(folder / "county.db")
    build_demo_county(db, households=args.households, seed=7)
    with db.session() as session:
        session.execute(update(LedgerEntry).values(at=LedgerEntry.at - timedelta(days=1)))
        session.commit()
        ids = list(session.scalars(select(Household.id).limit(args.edits)))
    today = datetime.now(UTC).astimezone(BEIJING).date()
    started = time.perf_counter()
    for n, household_id in enumerate(ids):
        with db.session() as session:
            household = session.get(Household, household_id)
            household.phone = f"139{n:08d}"
            household.address = f"核实地址 {n}"
            save_household(
                session, household, actor="bench", reason="bench", validator=lambda _h: []
            )
    saving = time.perf_counter() - started
    with db.session() as session:
        plain = best(args.repeat, lambda: export_registry(session, folder / "now.xlsx"))
        as_of = best(
            args.repeat, lambda: export_registry(session, folder / "then.xlsx", as_of=today)
        )
        entries = session.query(LedgerEntry).count()
    db.dispose()
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(
        f"{args.households} households, {len(ids)} edited in {saving:.1f} s, {entries} book entries"
    )
    print(f"plain export       {plain:7.2f} s")
    print(f"as-of export       {as_of:7.2f} s   ratio {as_of / plain:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
