"""Evening benchmark: a county's laptops all push their day at once to a real server on PostgreSQL.

Run it as a script (pytest does not collect it; a tiny run is in test_benchmarks_run.py)::

    .venv/bin/python tests/bench/evening_bench.py [--laptops 300] [--households 100]
        [--workers 4] [--counties 20] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

1. a fresh PostgreSQL database with one county of ``--laptops`` villages (one laptop each), and
   ``--counties`` + 1 small counties of one village each, migrated and seeded;
2. every laptop (a copy of a laptop file with the same division tree, enrolled over HTTP) records
   ``--households`` new households through the real save path (``save_household``): a household,
   its head, the spouse and one income year, four outbox changes each, so 400 changes per laptop
   by default (the preparation runs with ``synchronous=OFF``; it is not what is measured);
3. ``fieldbook-server serve --workers N`` on 127.0.0.1; every laptop's ``SyncClient.push`` (gzip,
   batches of 200, 60 s timeout, the client's own retries after 429/503 as Retry-After says) runs
   at the same moment, threads in a few processes: the wall time until the last laptop is done,
   changes per second, 429 and 503 answers, timeouts, and whether every change was applied;
4. the baseline, in the same run and the same database: the same changes as raw rows (id,
   entity, entity id, the fields as JSON) inserted with psycopg's ``executemany``, one
   transaction per batch of 200, on one connection: the ingest rate against it;
5. parallel counties: one laptop of a small county alone, then ``--counties`` laptops of as many
   other counties at once (each county has its own feed counter, ``sync.server.feed``): the
   time of the twenty against the time of the one;
6. the feed of the big county has no gap and no repeat (``server_seq`` 1..n).

Figures, not pass/fail: the machine's cores and load are printed with them (the laptops' clients
run on the same cores as the server and PostgreSQL).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from desktop.domain.idcard import make_id_number  # noqa: E402
from desktop.store.db import open_database, registry_writer  # noqa: E402
from desktop.store.models import Division, Household, Income, Member  # noqa: E402
from desktop.store.save import save_household  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.client.transport import SyncError  # noqa: E402
from sync.protocol import ErrorCode, encode_enrollment  # noqa: E402
from sync.server.db import open_server_database  # noqa: E402
from sync.server.devices import create_enrollment_code  # noqa: E402
from sync.server.models import ChangeLogEntry  # noqa: E402
from tests.bench.sync_bench import (  # noqa: E402
    DEFAULT_PG_URL,
    SERVER,
    drop_pg,
    fast_prep,
    free_port,
    no_problems,
    outbox_rows,
    raw_insert,
)

BATCH = 200
BIG_COUNTY = "610424"
CHANGES_PER_HOUSEHOLD = 4
ROUNDS = 20
"""Syncs a laptop runs at most (each the client's own attempts, 5, with Retry-After waits)."""


# --- the division trees -----------------------------------------------------------------------


def division_id(code: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"fieldbook-evening-{code}"))


def division_rows(laptops: int, small_counties: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The big county (``laptops`` villages, 30 to a township) and the small counties (one
    village each); the rows and the village codes, the big county's first."""
    rows: list[dict[str, Any]] = []
    villages: list[str] = []

    def county(code6: str, name: str, village_count: int) -> None:
        county_code = f"{code6}000000"
        rows.append({"code": county_code, "level": "county", "name": name, "parent": None})
        for n in range(village_count):
            township = f"{code6}{100 + n // 30:03d}000"
            if n % 30 == 0:
                rows.append(
                    {"code": township, "level": "township", "name": f"{name}镇{n // 30 + 1}",
                     "parent": county_code}
                )  # fmt: skip
            village = f"{township[:9]}{201 + n % 30:03d}"
            rows.append(
                {"code": village, "level": "village", "name": f"{name}村{n + 1}",
                 "parent": township}
            )  # fmt: skip
            villages.append(village)

    county(BIG_COUNTY, "乾县", laptops)
    for k in range(small_counties):
        county(f"6104{25 + k:02d}", f"县{k + 1}", 1)
    return rows, villages


def seed(db: Any, rows: list[dict[str, Any]]) -> None:
    with db.session() as session, registry_writer(session, "bench"):
        for row in rows:
            parent = row["parent"]
            session.add(
                Division(
                    id=division_id(row["code"]), code=row["code"], level=row["level"],
                    name=row["name"], parent_id=division_id(parent) if parent else None,
                    version=1,
                )
            )  # fmt: skip
        session.commit()


# --- the laptops ------------------------------------------------------------------------------


def record_day(task: tuple[str, str, int, int]) -> str:
    """One laptop's day: ``households`` new households through the save path."""
    path, village, index, households = task
    db = open_database(Path(path))
    fast_prep(db)
    region = village[:6]
    born = date(1950, 1, 1) + timedelta(days=index)
    try:
        for n in range(households):
            with db.session() as session, session.no_autoflush:
                household_id = str(uuid.uuid4())
                household = Household(
                    id=household_id, household_number=f"{village}{n + 1:04d}",
                    village_id=division_id(village), status="poor", phone="13900000000",
                    village=session.get(Division, division_id(village)),
                )  # fmt: skip
                for relation, sex, birth in (("01", "1", born), ("02", "2", born.replace(year=1952))):
                    household.members.append(
                        Member(
                            household_id=household_id, name="张建国" if sex == "1" else "李秀英",
                            sex=sex, relation=relation, birth_date=birth,
                            id_number=make_id_number(region, birth, n % 100, sex),
                        )
                    )  # fmt: skip
                household.incomes.append(
                    Income(
                        household_id=household_id, policy_year=2019,
                        period_start=date(2018, 10, 1), period_end=date(2019, 9, 30),
                        wage_income=Decimal("6000"), business_income=Decimal("6000"),
                        property_income=Decimal("1180"), transfer_income=Decimal("4205"),
                        production_costs=Decimal("1000"),
                    )
                )  # fmt: skip
                session.add(household)
                save_household(session, household, actor=f"采集员{index}", validator=no_problems)
    finally:
        db.dispose()
    return path


class Watching(httpx.HTTPTransport):
    """Counts the answers a client got that made it wait (429, 503) and its timeouts."""

    def __init__(self, counts: dict[str, int], lock: threading.Lock) -> None:
        super().__init__()
        self.counts = counts
        self.lock = lock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = super().handle_request(request)
        except httpx.TimeoutException:
            with self.lock:
                self.counts["timeouts"] += 1
            raise
        if response.status_code in (429, 503):
            with self.lock:
                self.counts[str(response.status_code)] += 1
        return response


def push_group(paths: list[str], ready: Any, go: Any, results: Any) -> None:
    """Open the laptops of this process; when told, push every one at once (a thread each)."""
    counts = {"429": 0, "503": 0, "timeouts": 0, "again": 0}
    lock = threading.Lock()
    laptops = []
    for path in paths:
        db = open_database(Path(path))
        laptops.append((db, SyncClient(db, batch_size=BATCH, transport=Watching(counts, lock))))
    outcome: list[tuple[int, int, float, str]] = []

    def push(client: SyncClient) -> None:
        """Sync until the outbox is empty: a laptop whose client gave up after its attempts
        (429s) syncs again, as the sync dialog's next round does; those rounds are counted."""
        started = time.perf_counter()
        pending = client.pending_count()
        applied, error = 0, ""
        for _round in range(ROUNDS):
            try:
                applied += client.push().applied
            except SyncError as exc:
                if exc.code is not ErrorCode.SERVER_BUSY:
                    error = repr(exc)[:200]
                    break
                with lock:
                    counts["again"] += 1
            if client.pending_count() == 0:
                break
        outcome.append((pending, applied, time.perf_counter() - started, error))

    threads = [threading.Thread(target=push, args=(client,)) for _db, client in laptops]
    ready.set()
    go.wait()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for db, client in laptops:
        client.close()
        db.dispose()
    results.put((outcome, counts))


def push_at_once(paths: list[str], processes: int) -> dict[str, Any]:
    """Every laptop pushes at the same moment; the figures."""
    context = multiprocessing.get_context("forkserver")
    go = context.Event()
    results = context.Queue()
    groups = [paths[k::processes] for k in range(processes) if paths[k::processes]]
    workers, readies = [], []
    for group in groups:
        ready = context.Event()
        worker = context.Process(target=push_group, args=(group, ready, go, results))
        worker.start()
        workers.append(worker)
        readies.append(ready)
    for ready in readies:
        ready.wait(600)
    started = time.perf_counter()
    go.set()
    answers = [results.get(timeout=3600) for _ in workers]
    wall = time.perf_counter() - started
    for worker in workers:
        worker.join(60)
    outcome = [item for answer in answers for item in answer[0]]
    counts = {key: sum(answer[1][key] for answer in answers) for key in answers[0][1]}
    failed = [error for *_rest, error in outcome if error]
    return {
        "wall": wall,
        "sent": sum(item[0] for item in outcome),
        "applied": sum(item[1] for item in outcome),
        "slowest": max(item[2] for item in outcome),
        "failed": failed,
        **counts,
    }


# --- the server -------------------------------------------------------------------------------


class Server:
    """``fieldbook-server serve --workers N`` on 127.0.0.1."""

    def __init__(self, url: str, workers: int, log: Path) -> None:
        import subprocess

        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(SERVER), "serve", "--db", url, "--port", str(self.port),
             "--workers", str(workers)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.address}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the server did not start (see {log})")
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)
        self.log.close()


def create_database(pg_url: str, name: str) -> str:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin_url = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def enroll_all(url: str, server: Server, laptops: list[tuple[Path, str]]) -> None:
    db = open_server_database(url)
    try:
        for n, (path, village) in enumerate(laptops):
            with db.session() as session:
                code = create_enrollment_code(session, name=f"采集员{n + 1:03d}", villages=[village])
            laptop = open_database(path)
            client = SyncClient(laptop)
            client.enroll(encode_enrollment(code, server.address))
            client.close()
            laptop.dispose()
    finally:
        db.dispose()


def feed_without_gaps(url: str, county: str) -> tuple[int, bool]:
    db = open_server_database(url, migrate=False)
    try:
        with db.session() as session:
            low, high, rows = session.execute(
                select(
                    func.min(ChangeLogEntry.server_seq), func.max(ChangeLogEntry.server_seq),
                    func.count(),
                ).where(ChangeLogEntry.county_code == county)
            ).one()  # fmt: skip
    finally:
        db.dispose()
    return rows, rows == 0 or (low == 1 and high == rows)


# --- the run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laptops", type=int, default=300)
    parser.add_argument("--households", type=int, default=100, help="new households per laptop")
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--counties", type=int, default=20, help="laptops of as many counties")
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    changes_each = args.households * CHANGES_PER_HOUSEHOLD
    print(
        f"evening_bench: {args.laptops} laptops x {changes_each} changes "
        f"({args.households} new households each, real save path), server --workers "
        f"{args.workers} on PostgreSQL, 127.0.0.1; {platform.python_version()}, "
        f"{os.cpu_count()} cores (shared with the clients and PostgreSQL), "
        f"load {os.getloadavg()[0]:.2f}"
    )
    folder = Path(tempfile.mkdtemp(prefix="evening-bench-"))
    url = create_database(args.pg_url, f"fb_evening_bench_{os.getpid()}")
    server = None
    try:
        started = time.perf_counter()
        rows, villages = division_rows(args.laptops, args.counties + 1)
        server_db = open_server_database(url)
        seed(server_db, rows)
        server_db.dispose()
        template = folder / "laptop.db"
        laptop_db = open_database(template)
        seed(laptop_db, rows)
        laptop_db.dispose()
        laptops = []
        for n, village in enumerate(villages):
            path = folder / f"laptop-{n:03d}.db"
            shutil.copyfile(template, path)
            laptops.append((path, village))
        server = Server(url, args.workers, folder / "server.log")
        enroll_all(url, server, laptops)
        tasks = [(str(path), village, n, args.households) for n, (path, village) in enumerate(laptops)]
        with multiprocessing.get_context("forkserver").Pool(2) as pool:
            pool.map(record_day, tasks, chunksize=4)
        print(f"  prepared in {time.perf_counter() - started:.0f} s")

        county_paths = [str(path) for path, _village in laptops[: args.laptops]]
        evening = push_at_once(county_paths, args.client_processes)
        raw_rows = [row for path in county_paths for row in outbox_rows(Path(path))]
        raw_seconds = raw_insert("postgresql", url, raw_rows)
        solo = push_at_once([str(laptops[args.laptops][0])], 1)
        counties = push_at_once(
            [str(path) for path, _village in laptops[args.laptops + 1 :]], args.client_processes
        )
        feed_rows, gapless = feed_without_gaps(url, BIG_COUNTY)
    finally:
        if server is not None:
            server.stop()
        drop_pg(url, args.pg_url)
        shutil.rmtree(folder, ignore_errors=True)

    ingest_rate = feed_rows / evening["wall"]
    raw_rate = len(raw_rows) / raw_seconds
    print(
        f"  the evening: {feed_rows:,} of {evening['sent']:,} changes applied (the county's feed; "
        f"receipts of completed syncs {evening['applied']:,}) in "
        f"{evening['wall']:.1f} s wall (goal <= 60 s; slowest laptop {evening['slowest']:.1f} s)"
    )
    print(
        f"  answers that made a laptop wait: 429 x {evening['429']}, 503 x {evening['503']}; "
        f"timeouts {evening['timeouts']} (goal 0); syncs run again after the client gave up "
        f"{evening['again']}; laptops that failed {len(evening['failed'])}"
    )
    for error in evening["failed"][:3]:
        print(f"    gave up: {error}")
    print(
        f"  ingest {ingest_rate:,.0f} changes/s; raw executemany of the same rows "
        f"{raw_rate:,.0f} rows/s; ingest / raw {ingest_rate / raw_rate:.2f}x (goal >= 0.3x)"
    )
    print(
        f"  parallel counties: 1 laptop alone {solo['wall']:.2f} s; {args.counties} laptops of "
        f"{args.counties} counties at once {counties['wall']:.2f} s; "
        f"{counties['wall'] / solo['wall']:.1f}x the time (goal <= 3x); "
        f"applied {counties['applied'] + solo['applied']} of {counties['sent'] + solo['sent']}"
    )
    print(f"  the county's feed: {feed_rows:,} rows, numbered 1..n without gaps: {gapless}")
    print(f"  load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
