"""Provisioning benchmark, first figure: importing a county's export, against raw ``executemany``.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/provision_bench.py [--households 50000] [--formats xlsx,csv]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

1. builds a demo county of ``--households`` households and exports it with ``fieldbook
   export``'s code (``export_registry``), then writes the same sheets as GB18030 CSVs
   (preparation, not measured);
2. per format and engine: ``import_registry`` into an empty database (read, check, bulk load,
   search index, commit): households per second, with the time split into reading/checking the
   file and writing;
3. the baseline in the same run and engine: the very rows the import wrote (households, members,
   incomes, measures) inserted into an empty database of the same schema with the driver's
   ``executemany`` in one transaction; printed with the ratio import ÷ raw (goal ≥ 0.25).

Second figure (``--village-households 300``): provisioning a laptop over loopback.

4. a demo county of about twice that many households is the server's database (SQLite, or
   ``--pg-url``: the same rows copied into a fresh PostgreSQL database); a real uvicorn server on
   127.0.0.1 serves it; a field-worker laptop for its largest village is provisioned from
   nothing (``sync.provision.provision``: new encrypted database, enroll, snapshot pages, pull):
   seconds (the download alone, and all of it) and bytes on the wire;
5. the baseline: the very rows the laptop ended up with, copied raw (the driver's
   ``executemany`` in one transaction) into an empty encrypted laptop database of the same schema,
   and the size of those rows as the database file holds them; printed with the ratio
   provisioning ÷ raw (goal <= 2).

``--figures import,provision`` chooses the figures. Figures, not pass/fail: the machine's load is
printed with them.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from desktop.store.db import open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.exchange.registry_export import export_registry  # noqa: E402
from desktop.store.models import (  # noqa: E402
    AssistanceMeasure,
    Division,
    Household,
    Income,
    Member,
)
from desktop.store.registry_import import import_registry  # noqa: E402
from desktop.store.registry_import.load import plan_for  # noqa: E402

TABLES = (Household, Member, Income, AssistanceMeasure)
PROVISION_RUNS = 3  # laptops provisioned (and raw copies made) after the first: the median


def _csvs(xlsx: Path, folder: Path) -> list[Path]:
    from openpyxl import load_workbook

    folder.mkdir(parents=True, exist_ok=True)
    workbook = load_workbook(xlsx, read_only=True)
    paths = []
    for ws in workbook.worksheets:
        path = folder / f"{ws.title}.csv"
        with path.open("w", encoding="gb18030", newline="") as handle:
            writer = csv.writer(handle)
            for row in ws.iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
        paths.append(path)
    workbook.close()
    return paths


CREATED: list[tuple[str, str]] = []  # (server URL, database) made by this run, dropped at the end


def _drop_created() -> None:
    from sqlalchemy import create_engine

    for target, db_name in CREATED:
        admin = create_engine(target, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()
    CREATED.clear()


def _fresh(target: str, name: str) -> str:
    """An empty database: a new SQLite file, or a new PostgreSQL database."""
    if "://" not in target:
        path = Path(target) / f"{name}.db"
        path.unlink(missing_ok=True)
        return str(path)
    from sqlalchemy import create_engine

    admin = create_engine(target, isolation_level="AUTOCOMMIT")
    db_name = f"bench_{name}_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}"'))
        connection.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    if (target, db_name) not in CREATED:
        CREATED.append((target, db_name))
    return target.rsplit("/", 1)[0] + f"/{db_name}"


def _raw_baseline(source_db, target: str) -> tuple[float, int]:
    """The import's own rows, inserted with the driver's executemany in one transaction."""
    rows_by_table = {}
    source = source_db.engine.raw_connection()
    try:
        cursor = source.cursor()
        for model in (Division, *TABLES):
            table = model.__table__
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            cursor.execute(f'SELECT {columns} FROM "{table.name}"')  # the driver's own values
            rows = [tuple(r) for r in cursor.fetchall()]
            if not source_db.is_sqlite:  # the driver reads JSON as lists; it writes them as Json
                from psycopg.types.json import Json

                rows = [
                    tuple(Json(v) if isinstance(v, list | dict) else v for v in row) for row in rows
                ]
            rows_by_table[table] = rows
    finally:
        source.close()
    empty = open_database(_fresh(target, "raw"))
    divisions = rows_by_table.pop(Division.__table__)
    total = sum(len(r) for r in rows_by_table.values())
    raw = empty.engine.raw_connection()
    try:
        cursor = raw.cursor()
        placeholder = "?" if empty.is_sqlite else "%s"
        table = Division.__table__
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        marks = ", ".join([placeholder] * len(table.columns))
        cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', divisions)
        raw.commit()  # the tree is there before the clock starts, as on the import's side
        started = time.perf_counter()
        for table, rows in rows_by_table.items():
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            marks = ", ".join([placeholder] * len(table.columns))
            cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', rows)
        raw.commit()
        elapsed = time.perf_counter() - started
    finally:
        raw.close()
        empty.dispose()
    return elapsed, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--pg-url", help="also run on PostgreSQL (a server URL ending in /DB)")
    parser.add_argument("--village-households", type=int, default=300)
    parser.add_argument("--figures", default="import,provision")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="provision-bench-"))
    print(f"load average: {os.getloadavg()}  cpus: {os.cpu_count()}")
    if "provision" in args.figures.split(","):
        try:
            _measure_provision(args, work)
        finally:
            _drop_created()
    if "import" not in args.figures.split(","):
        shutil.rmtree(work, ignore_errors=True)
        return 0
    started = time.perf_counter()
    county = open_database(work / "county.db")
    build_demo_county(county, households=args.households)
    with county.session() as session:
        export_registry(session, work / "export.xlsx")
    county.dispose()
    files = {"xlsx": [work / "export.xlsx"], "csv": _csvs(work / "export.xlsx", work / "csv")}
    print(f"prepared {args.households} households in {time.perf_counter() - started:.1f} s")

    try:
        _measure(args, work, files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _drop_created()
    return 0


def _measure(args: argparse.Namespace, work: Path, files: dict[str, list[Path]]) -> None:
    engines = [("sqlite", str(work))]
    if args.pg_url:
        engines.append(("postgresql", args.pg_url))
    for engine_name, target in engines:
        for fmt in args.formats.split(","):
            db = open_database(_fresh(target, f"import_{fmt}"))
            # the reading and checking alone, on the same empty database
            t0 = time.perf_counter()
            with db.session() as session:
                plan_for(session, files[fmt])
            read_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = import_registry(db, files[fmt])
            import_seconds = time.perf_counter() - t0
            with db.session() as session:
                households = session.scalar(select(func.count()).select_from(Household))
            raw_seconds, raw_rows = _raw_baseline(db, target)
            db.dispose()
            rate = households / import_seconds
            raw_rate = households / raw_seconds
            print(
                f"[{engine_name} {fmt}] import {households} households in {import_seconds:.2f} s "
                f"= {rate:,.0f} households/s (reading+checking {read_seconds:.2f} s, "
                f"writing {import_seconds - read_seconds:.2f} s; rejected "
                f"{len(result.plan.rejected)})"
            )
            print(
                f"[{engine_name} {fmt}] raw executemany of the same {raw_rows} rows: "
                f"{raw_seconds:.2f} s = {raw_rate:,.0f} households/s; "
                f"ratio import/raw = {rate / raw_rate:.3f} (goal >= 0.25)"
            )


# --- the second figure: provisioning a laptop over loopback ----------------------------------------


def _serve(database_url: str):  # noqa: ANN202 - (server, thread, url)
    import socket
    import threading

    import uvicorn

    from sync.server.app import create_app

    app = create_app(database_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sync server did not start")
        time.sleep(0.01)
    return app, server, thread, f"http://127.0.0.1:{port}"


def _copy_rows(source, target_db) -> int:  # noqa: ANN001
    """Every registry row of ``source`` into ``target_db`` (the same schema), raw; rows copied."""
    from desktop.store.models import REGISTRY_MODELS, Base

    order = [t for t in Base.metadata.sorted_tables if t in {m.__table__ for m in REGISTRY_MODELS}]
    total = 0
    reader = source.engine.raw_connection()
    writer = target_db.engine.raw_connection()
    try:
        read, write = reader.cursor(), writer.cursor()
        mark = "?" if target_db.is_sqlite else "%s"
        for table in order:
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            read.execute(f'SELECT {columns} FROM "{table.name}"')
            rows = [tuple(r) for r in read.fetchall()]
            if not target_db.is_sqlite:
                from psycopg.types.json import Json

                rows = [
                    tuple(Json(v) if isinstance(v, list | dict) else v for v in r) for r in rows
                ]
            marks = ", ".join([mark] * len(table.columns))
            if rows:
                write.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', rows)
            total += len(rows)
        writer.commit()
    finally:
        reader.close()
        writer.close()
    return total


def _measure_provision(args: argparse.Namespace, work: Path) -> None:
    from desktop.store.crypto import new_database_key
    from desktop.store.models import REGISTRY_MODELS
    from sync.protocol import encode_enrollment
    from sync.provision import provision
    from sync.server.devices import create_enrollment_code

    county_path = work / "server-county.db"
    engines = [("sqlite", f"sqlite:///{county_path}")]
    if args.pg_url:
        engines.append(("postgresql", _fresh(args.pg_url, "provision_server")))
    village = ""
    for _name, url in engines:  # the same deterministic county on each server
        county = open_database(url)
        build_demo_county(county, households=2 * args.village_households)
        with county.session() as session:
            village, count = session.execute(
                select(Division.code, func.count(Household.id))
                .join(Household, Household.village_id == Division.id)
                .group_by(Division.code)
                .order_by(func.count(Household.id).desc(), Division.code)
            ).first()
        county.dispose()
    for engine_name, url in engines:
        app, server, thread, base = _serve(url)
        try:
            # the first laptop a server provisions also pays for compiling its SQL statements
            # (once per server process): printed, then the median of three more is the figure
            downloads: list[float] = []
            for n, run in enumerate(("first laptop", *["next laptop"] * PROVISION_RUNS)):
                with app.state.database.session() as session:
                    code = create_enrollment_code(session, name="bench", villages=[village])
                laptop_path = work / f"laptop-{engine_name}-{n}.db"
                t0 = time.perf_counter()
                done = provision(
                    laptop_path, "bench", "246810", encode_enrollment(code, base),
                    crypto_options={"n": 2**12, "user_n": 2**12},  # scrypt is not the point
                )  # fmt: skip
                total_seconds = time.perf_counter() - t0
                assert done.download is not None
                if run == "first laptop":
                    print(
                        f"[{engine_name} server] first laptop (cold server): download "
                        f"{done.download.seconds:.2f} s, all of it {total_seconds:.2f} s"
                    )
                else:
                    downloads.append(done.download.seconds)
                if n < PROVISION_RUNS:
                    done.db.dispose()
        finally:
            server.should_exit = True
            thread.join(30)
        download = done.download
        assert download is not None and download.complete
        with done.db.session() as session:
            households = session.scalar(select(func.count()).select_from(Household))
            rows = sum(
                session.scalar(select(func.count()).select_from(m)) or 0 for m in REGISTRY_MODELS
            )
        raw_times = []
        for _run in range(PROVISION_RUNS):
            for old in work.glob(f"raw-{engine_name}.db*"):
                old.unlink()
            raw_db = open_database(work / f"raw-{engine_name}.db", key=new_database_key())
            t0 = time.perf_counter()
            copied = _copy_rows(done.db, raw_db)
            raw_times.append(time.perf_counter() - t0)
            raw_db.dispose()
        raw_seconds = statistics.median(raw_times)
        done.db.dispose()
        raw_bytes = sum(
            p.stat().st_size for p in work.glob(f"raw-{engine_name}.db*") if p.is_file()
        )
        seconds = statistics.median(downloads)
        print(
            f"[{engine_name} server] provision village {village} ({count} households, "
            f"{households} on the laptop, {rows} rows): download {seconds:.2f} s (median of {PROVISION_RUNS}) in "
            f"{download.pages} pages, {download.bytes:,} bytes on the wire; all of it "
            f"(new encrypted database, enroll, download, pull) {total_seconds:.2f} s"
        )
        print(
            f"[{engine_name} server] raw copy of the same {copied} rows into an encrypted laptop "
            f"file: {raw_seconds:.2f} s (median of {PROVISION_RUNS}), {raw_bytes:,} bytes; ratio provisioning/raw = "
            f"{seconds / raw_seconds:.1f}x time (goal <= 2), "
            f"{download.bytes / raw_bytes:.2f}x bytes"
        )


if __name__ == "__main__":
    sys.exit(main())
