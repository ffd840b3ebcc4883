"""Sync benchmark: 10,000 changed households pushed over loopback, on SQLite and on PostgreSQL.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/sync_bench.py [--households 10000] [--devices 20]
        [--backends sqlite,postgresql] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

1. builds a demo county (``desktop.store.demo``) and, on a copy (the laptop), changes every
   household through the real save path: its phone and note, and one member's phone, so two
   outbox changes per household (the preparation runs with ``synchronous=OFF``; it is not what
   is measured);
2. per backend: a server database seeded with the same county (a file copy on SQLite,
   ``load_registry`` on PostgreSQL), ``fieldbook-server serve`` in its own process on
   127.0.0.1, the laptop enrolled for every village; then ``SyncClient.push`` end to end
   (batches of 200, gzip): households per second, and the bytes on the wire per household, up
   and down, counted at the HTTP transport;
3. the baseline, in the same run and the same database engine: the same changes as raw rows
   (id, entity, entity id, the fields as JSON) inserted with the driver's ``executemany``, one
   transaction per batch of 200 — the floor of storing them durably; printed as the ratio;
4. a second laptop (a fresh copy of the county) pulls the whole feed: households per second;
5. 20 devices at once: a fresh server, 20 laptops each assigned one village with 100 changed
   households, all running ``fieldbook sync`` (push, then pull) in their own processes at the
   same moment: the wall time until the last one is done.

Figures, not pass/fail: the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from desktop.store.db import Database, open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.models import Division, Household  # noqa: E402
from desktop.store.save import save_household  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.protocol import encode_enrollment  # noqa: E402
from sync.server.db import open_server_database  # noqa: E402
from sync.server.devices import create_enrollment_code  # noqa: E402
from sync.server.seed import load_registry  # noqa: E402

SEED = 7
BATCH = 200
# the console script beside the Python that runs this (a worktree shares another's .venv)
SERVER = Path(sys.executable).with_name("fieldbook-server")
DEFAULT_PG_URL = os.environ.get(
    "FIELDBOOK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def no_problems(_household: Household) -> list:
    return []


def fast_prep(db: Database) -> None:
    """Preparation only: no fsync per save (what is measured runs with the normal pragmas)."""
    event.listen(db.engine, "connect", lambda conn, _r: conn.execute("PRAGMA synchronous=OFF"))
    db.engine.dispose()


def edit_households(db: Database, ids: list[str], rng: random.Random, tag: str) -> None:
    """Change each household's phone and note and one member's phone, through the save path."""
    for n, household_id in enumerate(ids):
        with db.session() as session, session.no_autoflush:
            household = session.get(Household, household_id)
            assert household is not None
            household.phone = f"139{rng.randrange(10**8):08d}"
            household.note = f"{tag} 第{n + 1}户入户核实"
            member = household.current_members[0]
            member.phone = f"138{rng.randrange(10**8):08d}"
            save_household(session, household, actor=tag, validator=no_problems)


def household_ids(db: Database, village: str | None = None) -> list[str]:
    with db.session() as session:
        query = select(Household.id).order_by(Household.household_number)
        if village is not None:
            query = query.join(Division, Household.village_id == Division.id).where(
                Division.code == village
            )
        return list(session.scalars(query))


def village_codes(db: Database) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(Division.code).where(Division.level == "village").order_by(Division.code)
            )
        )


def copy_db(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counting(httpx.HTTPTransport):
    """Counts the bytes of requests and answers on the wire: bodies as sent (compressed), plus
    headers. An answer's size is its ``Content-Length`` (httpx hands on the decoded body)."""

    def __init__(self) -> None:
        super().__init__()
        self.up = self.down = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.up += len(request.content) + sum(len(k) + len(v) + 4 for k, v in request.headers.raw)
        response = super().handle_request(request)
        body = response.read()
        size = int(response.headers.get("content-length", len(body)))
        self.down += size + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        return response


# --- servers ----------------------------------------------------------------------------------------


class Server:
    """``fieldbook-server serve`` in its own process on 127.0.0.1."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(SERVER), "serve", "--db", url, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.address}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def prepare_server(backend: str, county: Path, folder: Path, pg_url: str, name: str) -> str:
    """A server database holding the county, migrated; its URL."""
    if backend == "sqlite":
        path = copy_db(county, folder / f"{name}.db")
        url = f"sqlite:///{path}"
        open_server_database(url).dispose()
        return url
    import psycopg
    from psycopg import sql

    admin_url = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    database = f"fb_sync_bench_{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url = make_url(pg_url).set(database=database).render_as_string(hide_password=False)
    server_db = open_server_database(url)
    load_registry(server_db, county, everything=True)
    server_db.dispose()
    return url


def drop_pg(url: str, pg_url: str) -> None:
    import psycopg
    from psycopg import sql

    admin_url = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(make_url(url).database)
            )
        )


def enrollment(url: str, server: Server, name: str, villages: list[str]) -> str:
    db = open_server_database(url)
    try:
        with db.session() as session:
            code = create_enrollment_code(session, name=name, villages=villages)
    finally:
        db.dispose()
    return encode_enrollment(code, server.address)


# --- the raw baseline ----------------------------------------------------------------------------


def outbox_rows(laptop: Path) -> list[tuple[str, int, str, str, str]]:
    with sqlite3.connect(laptop) as raw:
        return raw.execute(
            "SELECT change_id, device_seq, entity, entity_id, fields FROM outbox ORDER BY device_seq"
        ).fetchall()


def raw_insert(backend: str, url: str, rows: list[tuple]) -> float:
    """Seconds to insert ``rows`` with the driver's executemany, one transaction per batch."""
    ddl = (
        "CREATE TABLE bench_raw (change_id VARCHAR(36) PRIMARY KEY, device_seq INTEGER, "
        "entity VARCHAR(30), entity_id VARCHAR(36), fields TEXT)"
    )
    if backend == "sqlite":
        raw = sqlite3.connect(make_url(url).database, isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("DROP TABLE IF EXISTS bench_raw")
        raw.execute(ddl)
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            raw.execute("BEGIN")
            raw.executemany(
                "INSERT INTO bench_raw VALUES (?, ?, ?, ?, ?)", rows[start : start + BATCH]
            )
            raw.execute("COMMIT")
        elapsed = time.perf_counter() - started
        raw.close()
        return elapsed
    import psycopg

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as raw:
        raw.execute("DROP TABLE IF EXISTS bench_raw")
        raw.execute(ddl)
        raw.commit()
        started = time.perf_counter()
        with raw.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(
                    "INSERT INTO bench_raw VALUES (%s, %s, %s, %s, %s)", rows[start : start + BATCH]
                )
                raw.commit()
        return time.perf_counter() - started


# --- 20 devices -----------------------------------------------------------------------------------


def device_sync(path: str, ready: Any, go: Any, results: Any) -> None:
    """One device's ``fieldbook sync`` (push, then pull), started when every device is ready."""
    from desktop.store.db import open_database as open_laptop
    from sync.rounds import run_sync

    db = open_laptop(path)
    ready.set()
    go.wait()
    started = time.perf_counter()
    receipt = run_sync(db, batch_size=BATCH)
    results.put((receipt["sent"], receipt["applied"], time.perf_counter() - started))
    db.dispose()


def twenty_devices(
    backend: str, url: str, server: Server, laptops: list[Path], villages: list[str]
) -> dict[str, float]:
    context = multiprocessing.get_context("forkserver")
    for n, (laptop, village) in enumerate(zip(laptops, villages, strict=True)):
        db = open_database(laptop)
        client = SyncClient(db)
        client.enroll(enrollment(url, server, f"设备{n + 1:02d}", [village]))
        client.close()
        db.dispose()
    go = context.Event()
    results = context.Queue()
    processes = []
    readies = []
    for laptop in laptops:
        ready = context.Event()
        process = context.Process(target=device_sync, args=(str(laptop), ready, go, results))
        process.start()
        processes.append(process)
        readies.append(ready)
    for ready in readies:
        ready.wait(120)
    started = time.perf_counter()
    go.set()
    answers = [results.get(timeout=600) for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join(60)
    sent = sum(a[0] for a in answers)
    applied = sum(a[1] for a in answers)
    assert applied == sent, answers
    return {
        "wall": wall,
        "changes": sent,
        "slowest": max(a[2] for a in answers),
        "fastest": min(a[2] for a in answers),
    }


# --- the run --------------------------------------------------------------------------------------


def run_backend(
    backend: str,
    folder: Path,
    county: Path,
    laptop_template: Path,
    device_templates: list[Path],
    device_villages: list[str],
    households: int,
    pg_url: str,
) -> dict[str, Any]:
    villages = village_codes_of(county)
    out: dict[str, Any] = {"backend": backend}
    url = prepare_server(backend, county, folder, pg_url, f"{backend}_main")
    server = Server(url)
    try:
        laptop_path = copy_db(laptop_template, folder / f"laptop-{backend}.db")
        laptop = open_database(laptop_path)
        counting = Counting()
        client = SyncClient(laptop, batch_size=BATCH, transport=counting)
        client.enroll(enrollment(url, server, "基准-1", villages))
        counting.up = counting.down = 0
        changes = client.pending_count()
        started = time.perf_counter()
        receipt = client.push()
        push_seconds = time.perf_counter() - started
        assert receipt.applied == changes == 2 * households, receipt
        out.update(
            push_seconds=push_seconds,
            households_per_s=households / push_seconds,
            changes_per_s=changes / push_seconds,
            bytes_up=counting.up / households,
            bytes_down=counting.down / households,
        )
        client.close()
        laptop.dispose()

        reader_path = copy_db(county, folder / f"reader-{backend}.db")
        reader = open_database(reader_path)
        pulling = SyncClient(reader)
        pulling.enroll(enrollment(url, server, "基准-2", villages))
        started = time.perf_counter()
        pulled = pulling.pull()
        pull_seconds = time.perf_counter() - started
        out.update(pull_households_per_s=households / pull_seconds, pulled=pulled.changes)
        pulling.close()
        reader.dispose()

        raw_seconds = raw_insert(backend, url, outbox_rows(laptop_template))
        out.update(raw_households_per_s=households / raw_seconds)
        out["ratio"] = out["raw_households_per_s"] / out["households_per_s"]
    finally:
        server.stop()
        if backend == "postgresql":
            drop_pg(url, pg_url)

    url = prepare_server(backend, county, folder, pg_url, f"{backend}_devices")
    server = Server(url)
    try:
        laptops = [
            copy_db(template, folder / f"device-{backend}-{n:02d}.db")
            for n, template in enumerate(device_templates)
        ]
        out["devices"] = twenty_devices(backend, url, server, laptops, device_villages)
    finally:
        server.stop()
        if backend == "postgresql":
            drop_pg(url, pg_url)
        for path in folder.glob(f"device-{backend}-*"):
            path.unlink()
    return out


def village_codes_of(path: Path) -> list[str]:
    db = open_database(path)
    try:
        return village_codes(db)
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--per-device", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    folder = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    print(
        f"sync_bench: {args.households} changed households (2 changes each), batches of {BATCH}, "
        f"gzip; {platform.python_version()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    try:
        started = time.perf_counter()
        county = folder / "county.db"
        db = open_database(county)
        build_demo_county(db, households=args.households, seed=SEED)
        db.dispose()
        laptop_template = copy_db(county, folder / "laptop.db")
        laptop = open_database(laptop_template)
        fast_prep(laptop)
        edit_households(laptop, household_ids(laptop), rng, "基准")
        laptop.dispose()
        villages = village_codes_of(county)[: args.devices]
        if len(villages) < args.devices:
            raise SystemExit(
                f"the county has only {len(villages)} villages for {args.devices} devices"
            )
        device_templates = []
        for n, village in enumerate(villages):
            path = copy_db(county, folder / f"device-template-{n:02d}.db")
            device = open_database(path)
            fast_prep(device)
            edit_households(
                device, household_ids(device, village)[: args.per_device], rng, f"设备{n + 1:02d}"
            )
            device.dispose()
            device_templates.append(path)
        print(
            f"  prepared in {time.perf_counter() - started:.0f} s (county, edits, {args.devices} laptops)"
        )

        rows = []
        for backend in args.backends.split(","):
            result = run_backend(
                backend,
                folder,
                county,
                laptop_template,
                device_templates,
                villages,
                args.households,
                args.pg_url,
            )
            rows.append(result)
            print(json.dumps(result, ensure_ascii=False, default=lambda v: round(v, 3)))
        print()
        print(
            f"{'backend':<11}{'push hh/s':>10}{'raw hh/s':>10}{'raw/e2e':>9}{'B/hh up':>9}"
            f"{'B/hh down':>10}{'pull hh/s':>10}  {args.devices} devices at once"
        )
        for r in rows:
            d = r["devices"]
            print(
                f"{r['backend']:<11}{r['households_per_s']:>10.0f}{r['raw_households_per_s']:>10.0f}"
                f"{r['ratio']:>8.1f}×{r['bytes_up']:>9.0f}{r['bytes_down']:>10.0f}"
                f"{r['pull_households_per_s']:>10.0f}  {d['wall']:.1f} s for {d['changes']} changes "
                f"(each device {d['fastest']:.1f}–{d['slowest']:.1f} s)"
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
