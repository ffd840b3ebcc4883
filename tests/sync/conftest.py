"""Sync fixtures: a real uvicorn server on 127.0.0.1 (SQLite or PostgreSQL) and real laptop files.

``server`` is parametrized on both backends (one contract suite, two databases); ``make_laptop``
is a factory: each call opens a fresh SQLite laptop database with the county's division tree.
The division tree carries the same ids everywhere, as a county's seed package would.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from desktop.domain.idcard import make_id_number
from desktop.store.db import Database, open_database, registry_writer
from desktop.store.models import (
    REGISTRY_MODELS,
    Base,
    Division,
    Household,
    Income,
    Member,
    OutboxChange,
    Setting,
    new_id,
)
from desktop.store.save import SaveResult, save_household
from desktop.store.sync_apply import row_values
from sync.client import SyncClient
from sync.client.transport import SETTING_DEVICE_ID, SETTING_TOKEN
from sync.protocol import encode_enrollment
from sync.server.app import MAX_WAITING_WRITERS, PUSH_LOCK_TIMEOUT, create_app
from sync.server.devices import create_enrollment_code
from sync.server.feed import county_of, lock_counties
from sync.server.models import ServerBase
from tests.conftest import _libpq_url

REGION = "610424"
EAST = "610424100201"  # 东街村
WEST = "610424100202"  # 西街村
DIVISIONS = [
    {"id": "0190a000-0000-7000-8000-000000000001", "code": "610424000000", "level": "county",
     "name": "乾县", "parent_id": None},
    {"id": "0190a000-0000-7000-8000-000000000002", "code": "610424100000", "level": "township",
     "name": "城关镇", "parent_id": "0190a000-0000-7000-8000-000000000001"},
    {"id": "0190a000-0000-7000-8000-000000000003", "code": EAST, "level": "village",
     "name": "东街村", "parent_id": "0190a000-0000-7000-8000-000000000002"},
    {"id": "0190a000-0000-7000-8000-000000000004", "code": WEST, "level": "village",
     "name": "西街村", "parent_id": "0190a000-0000-7000-8000-000000000002"},
]  # fmt: skip
VILLAGE_IDS = {row["code"]: row["id"] for row in DIVISIONS}


def no_problems(_household: Household) -> list:
    return []


def seed_divisions(db: Database) -> None:
    """The county's division tree, with the ids every database shares (once)."""
    with db.session() as session, registry_writer(session, "test"):
        if session.get(Division, DIVISIONS[0]["id"]) is not None:
            return
        for row in DIVISIONS:
            session.add(Division(**row, version=1))
        session.commit()


def new_household(
    session, number: str, *, village: str = EAST, head: str = "张建国", seq: int = 1
) -> Household:
    """A household with a head, a spouse and one income year, not yet saved.

    Foreign keys are set as ids too, not only through relationships: the save path reads a new
    row's columns before the flush that would fill them in from the relationships, and a create
    without its ``village_id`` / ``household_id`` is refused by the server (reported)."""
    household_id = new_id()
    household = Household(
        id=household_id,
        household_number=number,
        village_id=VILLAGE_IDS[village],
        village=session.get(Division, VILLAGE_IDS[village]),
        status="poor",
        phone="13900000000",
    )
    household.members.append(
        Member(
            household_id=household_id,
            name=head,
            sex="1",
            relation="01",
            birth_date=date(1970, 5, 1),
            id_number=make_id_number(REGION, date(1970, 5, 1), seq, "1"),
        )
    )
    household.members.append(
        Member(
            household_id=household_id,
            name="李秀英",
            sex="2",
            relation="02",
            birth_date=date(1972, 3, 9),
            id_number=make_id_number(REGION, date(1972, 3, 9), seq, "2"),
        )
    )
    household.incomes.append(
        Income(
            household_id=household_id,
            policy_year=2019,
            period_start=date(2018, 10, 1),
            period_end=date(2019, 9, 30),
            wage_income=Decimal("6000"),
            business_income=Decimal("6000"),
            property_income=Decimal("1180"),
            transfer_income=Decimal("4205"),
            production_costs=Decimal("1000"),
        )
    )
    return household


def snapshot(db: Database) -> dict[str, dict[str, dict[str, Any]]]:
    """Every registry row of a database (synced columns, version included), by table and id."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with db.session() as session:
        for model in REGISTRY_MODELS:
            rows = session.scalars(select(model)).all()
            out[model.__tablename__] = {
                row.id: {**row_values(row), "version": row.version} for row in rows
            }
    return out


def count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _save(session, household: Household, actor: str) -> SaveResult:
    """The laptop's one save path, without the domain audit (not what these tests are about)."""
    result = save_household(session, household, actor=actor, validator=no_problems)
    assert result.change_ids, "the save queued no outbox change"
    return result


@dataclass
class Laptop:
    """A laptop database and its sync client."""

    name: str
    db: Database
    client: SyncClient

    def create_household(self, number: str, **kwargs: Any) -> SaveResult:
        with self.db.session() as session:
            household = new_household(session, number, **kwargs)
            return _save(session, household, self.name)

    def edit(self, household_id: str, change: Callable[[Household], None]) -> SaveResult:
        with self.db.session() as session:
            household = session.get(Household, household_id)
            assert household is not None
            change(household)
            return _save(session, household, self.name)

    def household(self, household_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            return row_values(session.get(Household, household_id))


@dataclass
class LiveServer:
    """The sync server running in uvicorn on a free port of 127.0.0.1."""

    url: str
    app: FastAPI
    db: Database
    database_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def enrollment_code(
        self, name: str, villages: list[str], *, role: str = "field_worker", url: str | None = None
    ) -> str:
        with self.db.session() as session:
            code = create_enrollment_code(session, name=name, villages=villages, role=role)
        return encode_enrollment(code, url or self.url)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    @contextmanager
    def another_push_writing(self, village: str = EAST) -> Iterator[None]:
        """Hold what a push of ``village`` waits for, as another push in flight would: on
        SQLite the process's one writer, on PostgreSQL the feed counter row of the village's
        county, locked in a transaction of its own (``sync.server.feed``)."""
        if self.db.is_sqlite:
            with self.app.state.push_lock:
                yield
            return
        with self.db.session() as session:
            lock_counties(session, [county_of(village)])
            session.commit()  # the row exists for good; now hold it
            lock_counties(session, [county_of(village)])
            try:
                yield
            finally:
                session.rollback()


def _start(database_url: str) -> LiveServer:
    app = create_app(database_url)
    db: Database = app.state.database
    seed_divisions(db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sync server did not start")
        time.sleep(0.01)
    return LiveServer(
        url=f"http://127.0.0.1:{port}",
        app=app,
        db=db,
        database_url=database_url,
        server=server,
        thread=thread,
    )


def _copy_database(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return target


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[str, Path]:
    """Migrated SQLite files with the division tree, made once and copied per test (fast)."""
    folder = tmp_path_factory.mktemp("templates")
    return {"laptop": laptop_template(folder)}


DEMO_HOUSEHOLDS = 40
DEMO_SEED = 2019


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A small demo county (略阳县, 2 villages) as a laptop's SQLite file, built once."""
    from desktop.store.demo import build_demo_county

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path)
    build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=DEMO_SEED)
    db.dispose()
    return path


def demo_villages(path: Path) -> list[str]:
    """The village codes of a demo county file."""
    db = open_database(path)
    try:
        with db.session() as session:
            return list(
                session.scalars(
                    select(Division.code).where(Division.level == "village").order_by(Division.code)
                )
            )
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def pg_server_session_database(pg_url: str) -> Iterator[str]:
    """One PostgreSQL database for the session's PostgreSQL server, dropped at the end."""
    name = f"fb_sync_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq_url(pg_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq_url(pg_url), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def live_servers() -> Iterator[dict[str, LiveServer]]:
    """One running server per backend for the whole session, started on first use."""
    running: dict[str, LiveServer] = {}
    yield running
    for live in running.values():
        live.server.should_exit = True
        live.thread.join(15)


SERVER_TABLES = [
    table.name for table in (*ServerBase.metadata.sorted_tables, *Base.metadata.sorted_tables)
]


def _empty(live: LiveServer) -> None:
    """Empty every table of the server's database; ids and server_seq start at 1 again.

    A fresh server per test cost 2–3 s here on PostgreSQL (CREATE DATABASE, migrations, DROP);
    emptying the tables of one running server takes milliseconds and gives the same clean state.
    """
    with live.db.engine.begin() as connection:
        if live.db.is_sqlite:
            for table in reversed(SERVER_TABLES):
                connection.execute(text(f"DELETE FROM {table}"))
        else:
            connection.execute(text(f"TRUNCATE {', '.join(SERVER_TABLES)} RESTART IDENTITY"))
    seed_divisions(live.db)
    live.app.state.push_lock_timeout = PUSH_LOCK_TIMEOUT
    live.app.state.max_waiting_writers = MAX_WAITING_WRITERS
    for limiter in live.app.state.enroll_limiters:
        limiter.hits.clear()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, live_servers: dict[str, LiveServer], tmp_path_factory) -> LiveServer:
    """A running sync server with an empty database (only the division tree): on a SQLite file
    and on PostgreSQL, the same contract."""
    backend = request.param
    if backend not in live_servers:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}"
        else:
            url = request.getfixturevalue("pg_server_session_database")
        live_servers[backend] = _start(url)
    live = live_servers[backend]
    _empty(live)
    return live


class LaptopFactory:
    """Opens laptops: copies of a template file, each with its sync client (closed by ``close``)."""

    def __init__(self, folder: Path, templates: Callable[[bool], Path]) -> None:
        self.folder = folder
        self.templates = templates
        self.opened: list[Laptop] = []

    def __call__(
        self,
        name: str,
        server: LiveServer | None = None,
        *,
        villages: list[str] | None = None,
        role: str = "field_worker",
        demo: bool = False,
        **client_options: Any,
    ) -> Laptop:
        db = open_database(_copy_database(self.templates(demo), self.folder / f"laptop-{name}.db"))
        client_options.setdefault("sleep", lambda _seconds: None)
        client = SyncClient(db, server.url if server else None, **client_options)
        laptop = Laptop(name=name, db=db, client=client)
        self.opened.append(laptop)
        if server is not None:
            client.enroll(server.enrollment_code(name, villages or [EAST], role=role))
        return laptop

    def close(self) -> None:
        for laptop in self.opened:
            laptop.client.close()
            laptop.db.dispose()


def laptop_template(folder: Path) -> Path:
    """A migrated laptop file with the county's division tree (copied for each laptop)."""
    path = folder / "laptop.db"
    laptop = open_database(path)
    seed_divisions(laptop)
    laptop.dispose()
    return path


@pytest.fixture
def make_laptop(
    request, tmp_path: Path, sqlite_templates: dict[str, Path]
) -> Iterator[Callable[..., Laptop]]:
    """Factory: ``make_laptop("A", server, villages=[EAST])`` opens a laptop and, with a
    server, enrolls it; ``demo=True`` starts it from the demo county instead of 乾县's tree."""
    factory = LaptopFactory(
        tmp_path,
        lambda demo: (
            request.getfixturevalue("demo_template") if demo else sqlite_templates["laptop"]
        ),
    )
    yield factory
    factory.close()


def credentials(laptop: Laptop) -> tuple[str, str]:
    """(device id, token) the laptop keeps in its settings table."""
    with laptop.db.session() as session:
        device_id = session.get(Setting, SETTING_DEVICE_ID)
        token = session.get(Setting, SETTING_TOKEN)
        assert device_id is not None and token is not None
        return device_id.value, token.value


def outbox_batch(laptop: Laptop, *, batch_id: str = "batch-1", first: int = 0) -> dict[str, Any]:
    """The laptop's pending outbox as a push body (``first``: skip that many changes)."""
    device_id, _token = credentials(laptop)
    with laptop.db.session() as session:
        rows = session.scalars(
            select(OutboxChange)
            .where(OutboxChange.state == "pending")
            .order_by(OutboxChange.device_seq)
        ).all()[first:]
        changes = [
            {
                "change_id": row.change_id,
                "device_seq": row.device_seq,
                "entity": row.entity,
                "entity_id": row.entity_id,
                "village_code": row.village_code,
                "op": row.op,
                "base_version": row.base_version,
                "fields": row.fields,
                "edited_at": row.edited_at,
            }
            for row in rows
        ]
    return {
        "device_id": device_id,
        "batch_id": batch_id,
        "first_seq": changes[0]["device_seq"],
        "changes": changes,
    }


def auth(laptop: Laptop, batch_id: str | None = None) -> dict[str, str]:
    """Headers of a push or pull by this laptop."""
    headers = {"Authorization": f"Bearer {credentials(laptop)[1]}"}
    if batch_id:
        headers["Idempotency-Key"] = batch_id
    return headers
