"""Provisioning a laptop from nothing: the snapshot endpoint, the resumable download, the CLI.

A real server on 127.0.0.1 (SQLite and PostgreSQL) holds a county's registry as an import leaves
it (rows in the registry tables, no feed entries); an empty laptop folder ends up with exactly
its villages, encrypted, and a field worker's laptop never receives the internal lists (Q6).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.domain.roles import Role
from desktop.store.crypto import Keyring, connect_raw
from desktop.store.db import Database, open_database, registry_writer
from desktop.store.models import (
    Household,
    HouseholdOperation,
    LedgerEntry,
    Member,
    ProblemNote,
    Risk,
    SyncState,
    new_id,
)
from desktop.store.sync_apply import MODELS_BY_ENTITY, row_values
from desktop.store.users import list_users
from sync.client import SyncClient
from sync.provision import (
    SETTING_SNAPSHOT,
    download_villages,
    provision,
    resume_download,
    snapshot_state,
    villages_to_download,
)
from sync.server.models import ChangeLogEntry
from sync.server.snapshot import SNAPSHOT_PATH
from tests.sync.conftest import EAST, WEST, LiveServer, new_household

FAST = {"n": 2**12, "user_n": 2**12}
PIN = "246810"


def seed_registry(server: LiveServer, *, east: int = 12, west: int = 7) -> dict[str, list[str]]:
    """Households of both villages on the server, as an import writes them (no feed entries);
    the first of 东街村 is marginal, with a risk, its marking operation and an internal note."""
    ids: dict[str, list[str]] = {EAST: [], WEST: []}
    seq = 10
    with server.db.session() as session, registry_writer(session, "test"):
        for village, count in ((EAST, east), (WEST, west)):
            for n in range(count):
                seq += 1
                household = new_household(session, f"{village}{n:04d}", village=village, seq=seq)
                household.version = 1
                for member in household.members:
                    member.version = 1
                for income in household.incomes:
                    income.version = 1
                session.add(household)
                ids[village].append(household.id)
        session.flush()
        flagged = session.get(Household, ids[EAST][0])
        flagged.marginal = True
        session.add(Risk(household_id=flagged.id, kind="marginal", risk_type="01", version=1))
        session.add(
            HouseholdOperation(
                household_id=flagged.id,
                operation="mark_marginal",
                done_at=datetime(2019, 6, 1, tzinfo=UTC).replace(tzinfo=None),
                policy_year=2019,
                actor="审核员",
                version=1,
            )
        )
        session.add(
            ProblemNote(
                household_id=flagged.id,
                rule_code="Q6_RISK_OPEN",
                explanation="风险待核",
                explained_by="审核员",
                version=1,
            )
        )
        session.commit()
    return ids


def id_numbers(db: Database, household_ids: list[str]) -> set[str]:
    with db.session() as session:
        return set(
            session.scalars(select(Member.id_number).where(Member.household_id.in_(household_ids)))
        )


def laptop_households(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Household.id)))


def decrypted_dump(path: Path, key: bytes) -> bytes:
    """The bytes of the whole file decrypted with its key (``sqlcipher_export`` to a plain copy)."""
    plain = path.with_name(path.name + ".plain")
    connection = connect_raw(path, key)
    try:
        connection.execute(f"ATTACH DATABASE '{plain}' AS plaintext KEY ''")
        connection.execute("SELECT sqlcipher_export('plaintext')")
        connection.execute("DETACH DATABASE plaintext")
    finally:
        connection.close()
    try:
        data = plain.read_bytes()
        assert data.startswith(b"SQLite format 3")
        return data
    finally:
        plain.unlink()


def unlock_key(path: Path, user: str, pin: str) -> bytes:
    keyring = Keyring.load(path)
    person = next(p for p in keyring.users() if p.name == user)
    unlocked = keyring.unlock(person.user_id, pin, sleep=lambda _s: None)
    assert unlocked.key is not None
    return unlocked.key


def test_an_empty_laptop_gets_exactly_its_village_encrypted(server: LiveServer, tmp_path: Path):
    ids = seed_registry(server)
    path = tmp_path / "field" / "laptop.db"
    done = provision(
        path,
        "王芳",
        PIN,
        server.enrollment_code("王芳的电脑", [EAST]),
        limit=7,
        crypto_options=FAST,
        client_options={"sleep": lambda _s: None},
    )
    try:
        assert laptop_households(done.db) == set(ids[EAST])
        with done.db.session() as session:
            members = session.scalar(select(func.count()).select_from(Member))
            # one book entry per household downloaded, none twice
            booked = session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.field == "*")
            )
        assert members == 2 * len(ids[EAST])
        assert booked == len(ids[EAST])
        assert done.download is not None and done.download.pages > 1
    finally:
        done.db.dispose()
    assert done.recovery_key
    dump = decrypted_dump(path, unlock_key(path, "王芳", PIN))
    for number in id_numbers(server.db, ids[EAST]):
        assert number.encode() in dump
    for number in id_numbers(server.db, ids[WEST]):
        assert number.encode() not in dump
    assert not path.read_bytes().startswith(b"SQLite format 3")


def test_a_cut_download_resumes_without_duplicates_and_the_feed_continues(
    server: LiveServer, tmp_path: Path, make_laptop
):
    ids = seed_registry(server, east=15)
    path = tmp_path / "laptop.db"
    done = provision(
        path,
        "王芳",
        PIN,
        server.enrollment_code("王芳的电脑", [EAST]),
        limit=6,
        max_pages=2,
        crypto_options=FAST,
        client_options={"sleep": lambda _s: None},
    )
    try:
        assert done.download is not None and not done.download.complete
        halfway = laptop_households(done.db)
        assert halfway < set(ids[EAST])
        with done.db.session() as session:
            state = snapshot_state(session, EAST)
            assert state is not None and not state["done"]
        # meanwhile another laptop of the village creates a household on the server
        other = make_laptop("other", server, villages=[EAST])
        created = other.create_household("EAST-NEW-1", seq=90)
        other.client.push()
        with SyncClient(done.db, sleep=lambda _s: None) as client:
            resumed = download_villages(client, limit=6)
            assert resumed.complete
            client.pull()
        with done.db.session() as session:
            assert laptop_households(done.db) == {*ids[EAST], created.household_id}
            booked = list(
                session.scalars(select(LedgerEntry.entity_id).where(LedgerEntry.field == "*"))
            )
            assert len(booked) == len(set(booked))  # no household downloaded twice
            assert set(ids[EAST]) <= set(booked)
            members = session.scalar(select(func.count()).select_from(Member))
            assert members == 2 * (len(ids[EAST]) + 1)
            cursor = session.get(SyncState, EAST).cursor
            assert cursor == max(session.scalars(select(SyncState.cursor)))
        with server.db.session() as session:
            assert cursor == session.scalar(select(func.max(ChangeLogEntry.server_seq)))
        with SyncClient(done.db, sleep=lambda _s: None) as client:  # nothing more to download
            assert download_villages(client).pages == 0
    finally:
        done.db.dispose()


@pytest.mark.parametrize("device_role", ["field_worker", "reviewer"])
def test_the_first_user_takes_the_devices_role_never_administrator_by_default(
    server: LiveServer, tmp_path: Path, device_role: str
):
    path = tmp_path / "laptop.db"
    done = provision(
        path,
        "王芳",
        PIN,
        server.enrollment_code("王芳的电脑", [EAST], role=device_role),
        crypto_options=FAST,
        client_options={"sleep": lambda _s: None},
    )
    try:
        assert done.user.role == Role(device_role)
        with done.db.session() as session:
            assert [(u.name, u.role) for u in list_users(session)] == [("王芳", Role(device_role))]
    finally:
        done.db.dispose()
    assert [u.role for u in Keyring.load(path).users()] == [Role(device_role)]


def test_resume_download_finishes_villages_whose_download_never_began(
    server: LiveServer, tmp_path: Path
):
    ids = seed_registry(server, east=3, west=2)
    done = provision(
        tmp_path / "laptop.db",
        "王芳",
        PIN,
        server.enrollment_code("王芳的电脑", [EAST, WEST]),
        max_pages=0,  # cut before the first page: no village begun
        crypto_options=FAST,
        client_options={"sleep": lambda _s: None},
    )
    try:
        assert laptop_households(done.db) == set()
        assert villages_to_download(done.db, [EAST, WEST]) == [EAST, WEST]
        with SyncClient(done.db, sleep=lambda _s: None) as client:
            resumed = resume_download(client, limit=2)
            assert resumed is not None and resumed.complete
            assert laptop_households(done.db) == {*ids[EAST], *ids[WEST]}
            assert villages_to_download(done.db, [EAST, WEST]) == []
            assert resume_download(client) is None  # nothing left to finish
    finally:
        done.db.dispose()


def test_a_field_worker_receives_no_internal_flags_or_risks(server: LiveServer, tmp_path: Path):
    ids = seed_registry(server)
    flagged = ids[EAST][0]
    http = server.http()

    def token_for(role: str) -> str:
        laptop_db = open_database(tmp_path / f"{role}.db")
        with SyncClient(laptop_db, sleep=lambda _s: None) as client:
            client.enroll(server.enrollment_code(role, [EAST], role=role))
            token = client._credentials()[1]
        laptop_db.dispose()
        return token

    def snapshot_rows(token: str) -> list[dict]:
        rows, after = [], None
        while True:
            params = {"village": EAST, "limit": 5, **({"after": after} if after else {})}
            answer = http.get(
                SNAPSHOT_PATH, params=params, headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code == 200
            page = answer.json()
            rows += page["rows"]
            if not page["has_more"]:
                return rows
            after = page["next_after"]

    worker, reviewer = token_for("field_worker"), token_for("reviewer")
    seen = snapshot_rows(worker)
    entities = {r["entity"] for r in seen}
    assert "households" in entities and "members" in entities
    assert "risks" not in entities and "problem_notes" not in entities
    assert not [r for r in seen if r["entity"] == "household_operations"]
    for row in seen:
        if row["entity"] == "households":
            assert "marginal" not in row["fields"] and "monitored" not in row["fields"]
    full = snapshot_rows(reviewer)
    assert {"risks", "household_operations", "problem_notes"} <= {r["entity"] for r in full}
    assert next(r for r in full if r["entity_id"] == flagged)["fields"]["marginal"] is True
    assert len({(r["entity"], r["entity_id"]) for r in full}) == len(full)  # no row twice
    with server.db.session() as session:  # each row as the feed would carry it
        for row in full:
            stored = session.get(MODELS_BY_ENTITY[row["entity"]], row["entity_id"])
            assert row["fields"] == row_values(stored)
            assert row["version"] == stored.version

    # the pull feed obeys the same rule
    with server.db.session() as session:
        risk_id = session.scalar(select(Risk.id))
        for entity, entity_id, fields in (
            ("households", flagged, {"marginal": True, "phone": "13911112222"}),
            ("risks", risk_id, {"eliminated": True}),
        ):
            session.add(
                ChangeLogEntry(
                    entity=entity, entity_id=entity_id, village_code=EAST, version=2,
                    op="update", fields=fields, deleted=False,
                )
            )  # fmt: skip
        session.commit()
    pulled = http.get(
        "/v1/sync/pull", params={"village": EAST}, headers={"Authorization": f"Bearer {worker}"}
    ).json()["changes"]
    assert [c["entity"] for c in pulled] == ["households"]
    assert pulled[0]["fields"] == {"phone": "13911112222"}
    reviewed = http.get(
        "/v1/sync/pull", params={"village": EAST}, headers={"Authorization": f"Bearer {reviewer}"}
    ).json()["changes"]
    assert [c["entity"] for c in reviewed] == ["households", "risks"]
    assert reviewed[0]["fields"]["marginal"] is True


def test_the_snapshot_answers_bad_requests_with_4xx(server: LiveServer, tmp_path: Path):
    seed_registry(server, east=2, west=2)
    laptop_db = open_database(tmp_path / "l.db")
    with SyncClient(laptop_db, sleep=lambda _s: None) as client:
        client.enroll(server.enrollment_code("w", [EAST]))
        token = client._credentials()[1]
    laptop_db.dispose()
    http = server.http()
    auth = {"Authorization": f"Bearer {token}"}
    assert http.get(SNAPSHOT_PATH, params={"village": WEST}, headers=auth).status_code == 403
    assert http.get(SNAPSHOT_PATH, params={"village": EAST}).status_code == 401
    for params in (
        {"village": EAST, "after": "x:y"},
        {"village": EAST, "after": "99:"},
        {"village": EAST, "after": "3:'; drop"},
    ):
        answer = http.get(SNAPSHOT_PATH, params=params, headers=auth)
        assert answer.status_code == 400, params
        assert answer.json()["code"] == "INVALID_REQUEST"
    for limit in (0, -1, 100_000, "many"):
        answer = http.get(SNAPSHOT_PATH, params={"village": EAST, "limit": limit}, headers=auth)
        assert answer.status_code == 422, limit
    assert http.get(SNAPSHOT_PATH, params={}, headers=auth).status_code == 422


def _fieldbook(*args: str, stdin: str = "", cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        # as the installed ``fieldbook`` script runs it (``desktop.cli:main``)
        [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_enroll_on_an_empty_folder_provisions_the_laptop_headless(
    server: LiveServer, tmp_path: Path
):
    ids = seed_registry(server, east=4, west=3)
    path = tmp_path / "new" / "laptop.db"
    code = server.enrollment_code("王芳的电脑", [EAST])
    refused = _fieldbook("enroll", "--db", str(path), code, cwd=tmp_path)
    assert refused.returncode == 2 and "--user" in refused.stderr
    assert not path.exists()
    enrolled = _fieldbook(
        "enroll", "--db", str(path), "--user", "王芳", code, stdin=f"{PIN}\n", cwd=tmp_path
    )
    assert enrolled.returncode == 0, enrolled.stderr
    assert "恢复密钥" in enrolled.stdout
    assert path.is_file() and not path.read_bytes().startswith(b"SQLite format 3")
    db = open_database(path, key=unlock_key(path, "王芳", PIN))
    try:
        assert laptop_households(db) == set(ids[EAST])
        with db.session() as session:
            assert session.get(SyncState, EAST) is not None
            assert snapshot_state(session, EAST)["done"]
            assert session.get(type(session.get(SyncState, EAST)), WEST) is None
    finally:
        db.dispose()
    synced = _fieldbook("sync", "--db", str(path), "--user", "王芳", stdin=f"{PIN}\n", cwd=tmp_path)
    assert synced.returncode == 0, synced.stderr
    wrong = _fieldbook("sync", "--db", str(path), "--user", "王芳", stdin="999999\n", cwd=tmp_path)
    assert wrong.returncode == 2 and "PIN" in wrong.stderr
    assert SETTING_SNAPSHOT.startswith("sync.")


def test_headless_commands_unlock_an_encrypted_database_with_user_and_pin(
    server: LiveServer, tmp_path: Path
):
    ids = seed_registry(server, east=3, west=2)
    path = tmp_path / "laptop.db"
    done = provision(
        path, "王芳", PIN, server.enrollment_code("w", [EAST]), crypto_options=FAST,
        client_options={"sleep": lambda _s: None},
    )  # fmt: skip
    done.db.dispose()
    info = _fieldbook(
        "info", "--db", str(path), "--user", "王芳", "--json", stdin=f"{PIN}\n", cwd=tmp_path
    )
    assert info.returncode == 0, info.stderr
    assert f'"households": {len(ids[EAST])}' in info.stdout
    audit = _fieldbook("audit", "--db", str(path), "--user", "王芳", stdin=f"{PIN}\n", cwd=tmp_path)
    assert audit.returncode in (0, 1), audit.stderr
    assert "共" in audit.stdout
    out = tmp_path / "export.xlsx"
    export = _fieldbook(
        "export", "--db", str(path), "--user", "王芳", "--out", str(out), stdin=f"{PIN}\n",
        cwd=tmp_path,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert out.is_file()
    pdf = tmp_path / "cards.pdf"
    cards = _fieldbook(
        "cards", "--db", str(path), "--user", "王芳", "--village", EAST, "--out", str(pdf),
        stdin=f"{PIN}\n", cwd=tmp_path,
    )  # fmt: skip
    assert cards.returncode == 0, cards.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    for command in (["info"], ["audit"], ["export", "--out", str(out)]):
        wrong = _fieldbook(
            *command, "--db", str(path), "--user", "王芳", stdin="000000\n", cwd=tmp_path
        )
        assert wrong.returncode == 2, (command, wrong.stderr)
        assert "PIN" in wrong.stderr


@pytest.mark.parametrize("pin", ["12", "abcd"])
def test_enroll_refuses_a_bad_pin_and_leaves_nothing(server: LiveServer, tmp_path: Path, pin: str):
    path = tmp_path / "laptop.db"
    code = server.enrollment_code("w", [EAST])
    answer = _fieldbook(
        "enroll", "--db", str(path), "--user", "王芳", code, stdin=f"{pin}\n", cwd=tmp_path
    )
    assert answer.returncode == 2 and "PIN" in answer.stderr
    assert not path.exists()
    _ = new_id, date


def test_the_provision_bench_prints_both_provisioning_figures_at_a_tiny_size():
    bench = Path(__file__).resolve().parents[1] / "bench" / "provision_bench.py"
    done = subprocess.run(
        [sys.executable, str(bench), "--figures", "provision", "--village-households", "8"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "bytes on the wire" in done.stdout
    assert "ratio provisioning/raw" in done.stdout
