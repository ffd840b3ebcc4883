"""The server as the county runs it: ``fieldbook-server`` processes on 127.0.0.1, their log read
back (issue 11: no personal data in it), several of them started at once on a fresh database
(one migrates, none crashes), and laptops pushing through two of them from two processes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from desktop.store.models import Member
from sync.client.transport import SyncError
from sync.protocol import STATUS_PATH, encode_enrollment
from sync.server.db import open_server_database
from sync.server.devices import create_enrollment_code
from sync.server.models import AppliedChange, ChangeLogEntry
from tests.sync.conftest import EAST, WEST, seed_divisions

SERVER = [sys.executable, "-m", "sync.server.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served_many(url: str, logs: list[Path], *extra: str) -> Iterator[list[str]]:
    """``fieldbook-server serve`` processes, all started before any is waited for, each with
    its output in its log; their base URLs once every one answers; stopped after."""
    ports = [_free_port() for _ in logs]
    processes = []
    for port, log in zip(ports, logs, strict=True):
        with open(log, "wb") as out:
            processes.append(
                subprocess.Popen(
                    [*SERVER, "serve", "--db", url, "--port", str(port), *extra],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 90
        for base, process, log in zip(bases, processes, logs, strict=True):
            while True:
                assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
                try:
                    httpx.get(base + STATUS_PATH, timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


@contextmanager
def served(url: str, log: Path, *extra: str) -> Iterator[str]:
    with served_many(url, [log], *extra) as [base]:
        yield base


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return request.getfixturevalue("pg_database_url")


def _codes(url: str, *names: tuple[str, list[str]]) -> list[str]:
    database = open_server_database(url)
    try:
        seed_divisions(database)
        with database.session() as session:
            return [create_enrollment_code(session, name=n, villages=v) for n, v in names]
    finally:
        database.dispose()


def test_a_server_error_logs_no_id_number_name_or_phone(fresh_url, make_laptop, tmp_path):
    assert subprocess.run([*SERVER, "migrate", "--db", fresh_url], check=False).returncode == 0
    [code] = _codes(fresh_url, ("东街-1", [EAST]))
    log = tmp_path / "server.log"
    laptop = make_laptop("东街-1", max_attempts=2)
    saved = laptop.create_household("6104241002010001", head="张秘密")
    with laptop.db.session() as session:
        numbers = list(session.scalars(select(Member.id_number)))
    with served(fresh_url, log) as base:
        laptop.client.enroll(encode_enrollment(code, base))
        engine = create_engine(fresh_url)
        with engine.begin() as connection:  # the household book's table is gone: a 500 path
            connection.execute(text("DROP TABLE ledger"))
        engine.dispose()
        with pytest.raises(SyncError) as failed:
            laptop.client.push()

    assert failed.value.status == 500
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert "500 POST /v1/sync/push" in printed  # the failure is logged …
    for secret in [*numbers, "张秘密", "13900000000", saved.household_id]:
        assert secret not in printed  # … without what the push carried
    assert "Traceback" not in printed


def test_serve_refuses_an_unmigrated_database_with_what_to_do(fresh_url, tmp_path):
    done = subprocess.run(
        [*SERVER, "serve", "--db", fresh_url, "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert "fieldbook-server migrate" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_serve_refuses_a_database_newer_than_itself(fresh_url):
    assert subprocess.run([*SERVER, "migrate", "--db", fresh_url], check=False).returncode == 0
    engine = create_engine(fresh_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version_server SET version_num = 's9999'"))
    engine.dispose()

    done = subprocess.run(
        [*SERVER, "serve", "--db", fresh_url, "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert "比本程序新" in done.stderr and "Traceback" not in done.stderr


PUSH_SCRIPT = (
    "import sys; from desktop.store.db import open_database; "
    "from sync.rounds import run_sync; "
    "run_sync(open_database(sys.argv[1]), batch_size=4, pull=False)"
)


@pytest.mark.postgres
def test_three_servers_start_at_once_on_a_fresh_database_and_two_laptops_push_through_two(
    pg_database_url, make_laptop, tmp_path
):
    url = pg_database_url
    logs = [tmp_path / f"{k}.log" for k in range(3)]
    with served_many(url, logs, "--migrate") as (first, second, _third):
        east_code, west_code = _codes(url, ("东街-1", [EAST]), ("西街-1", [WEST]))
        east = make_laptop("东街-1")
        west = make_laptop("西街-1")
        east.client.enroll(encode_enrollment(east_code, first))
        west.client.enroll(encode_enrollment(west_code, second))
        for k in range(8):
            east.create_household(f"61042410020100{k:02d}", seq=k, head=f"东{k}")
            west.create_household(f"61042410020200{k:02d}", village=WEST, seq=50 + k, head=f"西{k}")
        paths = [str(laptop.db.engine.url.database) for laptop in (east, west)]
        pushes = [subprocess.Popen([sys.executable, "-c", PUSH_SCRIPT, path]) for path in paths]
        assert [push.wait(120) for push in pushes] == [0, 0]
        for log in logs:
            assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")

    engine = create_engine(url)
    with engine.connect() as connection:
        feed = connection.execute(
            select(ChangeLogEntry.server_seq, ChangeLogEntry.change_id).order_by(
                ChangeLogEntry.server_seq
            )
        ).all()
        answered = connection.execute(select(AppliedChange.change_id)).scalars().all()
    engine.dispose()
    sent = 2 * 8 * 4  # households, two members and an income each
    assert len(answered) == len(set(answered)) == sent  # exactly once
    assert [seq for seq, _ in feed] == list(range(1, sent + 1))  # in order, no gap
    assert len({change_id for _, change_id in feed}) == sent


def test_serve_with_two_workers_takes_pushes_and_pulls(fresh_url, make_laptop, tmp_path):
    assert subprocess.run([*SERVER, "migrate", "--db", fresh_url], check=False).returncode == 0
    [code] = _codes(fresh_url, ("东街-1", [EAST]))
    laptop = make_laptop("东街-1")
    for k in range(3):
        laptop.create_household(f"61042410020100{k:02d}", seq=k)
    log = tmp_path / "server.log"
    with served(fresh_url, log, "--workers", "2") as base:
        laptop.client.enroll(encode_enrollment(code, base))
        pushed = laptop.client.push()
        pulled = laptop.client.pull()

    assert pushed.applied == 12 and pulled is not None
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")
