"""Backups: made with SQLite's online backup API, daily and before migrations, kept N days, and
restored to a database whose households, household book and outbox equal the original's."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop import cli
from desktop.store.backup import (
    BACKUP_FOLDER_SETTING,
    BACKUP_KEEP_DAYS_SETTING,
    MIN_KEPT,
    BackupError,
    backup_engine,
    backup_now,
    daily_backup_if_due,
    default_backup_folder,
    in_use,
    list_backups,
    prune_backups,
    restore_backup,
)
from desktop.store.crypto import (
    Keyring,
    WrongKey,
    connect_raw,
    is_encrypted_file,
    key_id,
    keyring_path,
)
from desktop.store.db import current_revision, head_revision, make_engine, open_database, upgrade
from desktop.store.demo import build_demo_county
from desktop.store.models import Household
from desktop.store.save import save_household
from desktop.store.settings import set_setting
from desktop.store.signin import enroll_database

FAST_N = 2**12
ADMIN = "测试管理员"
PIN = "24680135"
COMMANDS = "desktop.cli.backup"
COMPARED_TABLES = ("households", "members", "incomes", "ledger", "outbox", "settings", "drafts")


@dataclass
class County:
    path: Path
    key: bytes
    recovery_key: str


def _make_county(folder: Path, households: int = 120) -> County:
    path = folder / "fieldbook.db"
    enrollment = enroll_database(path, ADMIN, PIN, n=FAST_N, user_n=FAST_N)
    db = enrollment.db
    build_demo_county(db, households=households, seed=11)
    with db.session() as session:  # a few edits, so the outbox and the book have rows
        for n, household in enumerate(
            session.scalars(select(Household).order_by(Household.household_number).limit(5))
        ):
            household.phone = f"1390000{n:04d}"
            save_household(session, household, actor=ADMIN, reason="核实电话")
    db.dispose()
    return County(path=path, key=enrollment.key, recovery_key=enrollment.recovery_key)


@pytest.fixture(scope="module")
def county_template(tmp_path_factory: pytest.TempPathFactory) -> County:
    """An encrypted demo county with edits (closed); tests work on copies of it."""
    return _make_county(tmp_path_factory.mktemp("county"))


@pytest.fixture
def county(county_template: County, tmp_path: Path) -> County:
    """A private copy of the county (database and keyring) for one test."""
    path = tmp_path / "laptop" / "fieldbook.db"
    path.parent.mkdir()
    shutil.copyfile(county_template.path, path)
    shutil.copyfile(keyring_path(county_template.path), keyring_path(path))
    return County(path=path, key=county_template.key, recovery_key=county_template.recovery_key)


def table_rows(path: Path, key: bytes | None) -> dict[str, list[tuple]]:
    connection = connect_raw(path, key)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in COMPARED_TABLES
        }
    finally:
        connection.close()


# --- making backups ------------------------------------------------------------------------------


def test_a_restored_backup_equals_the_original_households_book_and_outbox(county, tmp_path):
    original = table_rows(county.path, county.key)
    assert len(original["households"]) == 120 and len(original["outbox"]) == 5
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
    finally:
        db.dispose()
    assert info.encrypted and info.path.parent == default_backup_folder(county.path)
    assert keyring_path(info.path).is_file()

    restored = tmp_path / "elsewhere" / "fieldbook.db"
    result = restore_backup(info.path, restored, key=county.key)
    assert table_rows(restored, county.key) == original
    assert (result.households, result.outbox_changes) == (120, 5)
    assert result.ledger_entries == len(original["ledger"])
    assert result.keyring_restored  # a new place had no keyring: the backup's copy came along
    assert Keyring.load(restored).key_id == key_id(county.key)


def test_a_backup_taken_during_a_write_holds_only_what_was_committed(county, tmp_path):
    db = open_database(county.path, key=county.key)
    try:
        writer = connect_raw(county.path, county.key)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE households SET phone = '13000000000'")
        info = backup_engine(db.engine, tmp_path / "b", reason="manual")
        writer.execute("ROLLBACK")
        writer.close()
    finally:
        db.dispose()
    connection = connect_raw(info.path, county.key)
    try:
        assert connection.execute(
            "SELECT count(*) FROM households WHERE phone = '13000000000'"
        ).fetchone() == (0,)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()


def test_the_days_first_start_backs_up_once_and_the_next_day_again(county):
    db = open_database(county.path, key=county.key)
    try:
        morning = datetime(2019, 11, 20, 8, 0)
        first = daily_backup_if_due(db, now=morning)
        assert first is not None and first.reason == "daily"
        assert daily_backup_if_due(db, now=morning + timedelta(hours=6)) is None
        second = daily_backup_if_due(db, now=morning + timedelta(days=1))
        assert second is not None and second.created.date() == (morning + timedelta(days=1)).date()
    finally:
        db.dispose()
    assert [b.reason for b in list_backups(default_backup_folder(county.path))] == [
        "daily",
        "daily",
    ]


def test_backups_older_than_the_setting_go_but_the_newest_few_always_stay(county):
    db = open_database(county.path, key=county.key)
    start = datetime(2019, 10, 1, 8, 0)
    try:
        with db.session() as session:
            set_setting(session, BACKUP_KEEP_DAYS_SETTING, "7")
            session.commit()
        for day in range(20):
            assert daily_backup_if_due(db, now=start + timedelta(days=day)) is not None
    finally:
        db.dispose()
    kept = list_backups(default_backup_folder(county.path))
    newest = start + timedelta(days=19)
    assert kept[0].created == newest
    assert all(newest - b.created <= timedelta(days=7) for b in kept)
    assert len(kept) == 8  # days 12..19
    assert all(keyring_path(b.path).is_file() for b in kept)
    leftovers = [p for p in default_backup_folder(county.path).iterdir() if p.suffix == ".keys"]
    assert len(leftovers) == len(kept)  # a pruned backup's keyring copy went with it

    # a laptop unused for months keeps its last few backups whatever their age
    removed = prune_backups(default_backup_folder(county.path), 7, now=newest + timedelta(days=90))
    assert len(removed) == 8 - MIN_KEPT
    assert len(list_backups(default_backup_folder(county.path))) == MIN_KEPT


def test_backups_go_to_the_configured_folder_and_fall_back_when_the_usb_stick_is_gone(
    county, tmp_path
):
    stick = tmp_path / "usb"
    stick.mkdir()
    db = open_database(county.path, key=county.key)
    try:
        with db.session() as session:
            set_setting(session, BACKUP_FOLDER_SETTING, str(stick / "fieldbook"))
            session.commit()
        on_stick = backup_now(db)
        assert on_stick.path.parent == stick / "fieldbook" and on_stick.fallback_message is None
        shutil.rmtree(stick)  # the stick was pulled out
        fallback = backup_now(db)
    finally:
        db.dispose()
    assert fallback.path.parent == default_backup_folder(county.path)
    assert fallback.fallback_message is not None and "U 盘" in fallback.fallback_message
    assert not stick.exists()  # a missing drive is not recreated on the laptop's disk


def test_a_migration_backs_up_the_older_file_first(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('device', '老电脑')")
    engine.dispose()

    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()
    backups = list_backups(default_backup_folder(path))
    assert [(b.reason, b.note) for b in backups] == [("migration", "0001")]
    connection = sqlite3.connect(backups[0].path)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert connection.execute("SELECT value FROM settings").fetchone() == ("老电脑",)
    finally:
        connection.close()
    # opening it again migrates nothing and backs up nothing
    open_database(path).dispose()
    assert len(list_backups(default_backup_folder(path))) == 1


def test_no_migration_runs_when_its_backup_cannot_be_made(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0001")
    engine.dispose()
    default_backup_folder(path).write_text("a file where the folder should be")
    with pytest.raises(BackupError, match="升级数据库结构前无法备份,数据库未改动"):
        open_database(path)
    engine = make_engine(path)
    try:
        assert current_revision(engine) == "0001"
    finally:
        engine.dispose()


def test_a_new_database_is_not_backed_up_before_its_first_migration(tmp_path):
    open_database(tmp_path / "new.db").dispose()
    assert not default_backup_folder(tmp_path / "new.db").exists()


# --- restoring -----------------------------------------------------------------------------------


def test_a_restore_backs_up_the_current_database_first(county):
    db = open_database(county.path, key=county.key)
    try:
        old = backup_now(db, now=datetime(2019, 11, 1, 8, 0))
        with db.session() as session:
            household = session.scalars(select(Household).limit(1)).one()
            household.phone = "13111111111"
            save_household(session, household, actor=ADMIN, reason="晚于备份的修改")
    finally:
        db.dispose()
    newer = table_rows(county.path, county.key)

    result = restore_backup(old.path, county.path, key=county.key)
    assert result.safety_backup is not None and result.safety_backup.reason == "restore"
    assert not result.keyring_restored  # same key: the laptop's own keyring (newer PINs) stays
    assert table_rows(result.safety_backup.path, county.key) == newer
    restored = table_rows(county.path, county.key)
    assert len(restored["outbox"]) == len(newer["outbox"]) - 1
    open_database(county.path, key=county.key).dispose()  # and the app opens it


def test_a_restore_is_refused_while_the_database_is_open(county):
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
        assert in_use(county.path, county.key)
        with pytest.raises(BackupError, match="正在被使用"):
            restore_backup(info.path, county.path, key=county.key)
    finally:
        db.dispose()
    assert not in_use(county.path, county.key)


def test_a_damaged_backup_is_refused_and_the_database_is_left_alone(county, tmp_path):
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
    finally:
        db.dispose()
    before = county.path.read_bytes()
    damaged = tmp_path / info.path.name
    data = bytearray(info.path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = os.urandom(64)
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="损坏"):
        restore_backup(damaged, county.path, key=county.key)
    assert county.path.read_bytes() == before
    with pytest.raises(WrongKey):
        restore_backup(info.path, county.path, key=os.urandom(32))


def test_a_database_that_no_longer_opens_is_kept_aside_when_a_backup_replaces_it(county):
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
    finally:
        db.dispose()
    wreck = os.urandom(4096) * 4
    county.path.write_bytes(wreck)
    result = restore_backup(info.path, county.path, key=county.key)
    assert result.safety_backup is None
    assert [p.name.startswith("fieldbook.db.damaged-") for p in result.moved_aside] == [True]
    assert result.moved_aside[0].read_bytes() == wreck
    assert result.households == 120


def test_a_plain_database_backs_up_and_restores_as_plain(tmp_path):
    path = tmp_path / "plain.db"
    db = open_database(path)
    try:
        build_demo_county(db, households=20, seed=3)
        info = backup_now(db)
    finally:
        db.dispose()
    assert not info.encrypted and is_encrypted_file(info.path) is False
    original = table_rows(path, None)
    target = tmp_path / "restored.db"
    restore_backup(info.path, target)
    assert table_rows(target, None) == original


def test_a_backup_from_before_a_reenrollment_brings_its_own_keyring_back(county, tmp_path):
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
    finally:
        db.dispose()
    # the laptop was enrolled again from scratch: a new key, a new keyring
    for suffix in ("", "-wal", "-shm"):
        Path(f"{county.path}{suffix}").unlink(missing_ok=True)
    keyring_path(county.path).unlink()
    enroll_database(county.path, "新管理员", "11112222", n=FAST_N, user_n=FAST_N).db.dispose()

    result = restore_backup(info.path, county.path, key=county.key)
    assert result.safety_backup is None and result.moved_aside  # the new key cannot open it
    assert result.keyring_restored
    keyring = Keyring.load(county.path)
    assert [u.name for u in keyring.users()] == [ADMIN]
    assert keyring.unlock(keyring.users()[0].user_id, PIN, sleep=lambda _s: None).key == county.key


# --- the commands --------------------------------------------------------------------------------


@pytest.fixture
def fieldbook(monkeypatch) -> Iterator:
    """``fieldbook`` with the backup commands registered; ``run(args, stdin)`` -> (code, out)."""
    modules = tuple(dict.fromkeys((*cli.COMMAND_MODULES, COMMANDS)))
    monkeypatch.setattr(cli, "COMMAND_MODULES", modules)

    def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        code = cli.main(args)
        return code, out.getvalue(), err.getvalue()

    yield run


def test_fieldbook_backup_and_restore_latest_with_a_pin_on_stdin(county, fieldbook):
    original = table_rows(county.path, county.key)
    code, out, _ = fieldbook(["backup", "--db", str(county.path), "--json"], stdin=PIN + "\n")
    assert code == 0
    made = json.loads(out)
    assert made["encrypted"] and Path(made["path"]).is_file()

    code, out, _ = fieldbook(["backup", "--list", "--db", str(county.path)])
    assert code == 0 and "手动" in out and "加密" in out

    code, out, err = fieldbook(
        ["restore", "--latest", "--db", str(county.path), "--user", ADMIN], stdin=PIN + "\n"
    )
    assert code == 0, err
    assert "已从备份恢复" in out and "户数 120" in out and "恢复前的数据库已备份到" in out
    assert table_rows(county.path, county.key) == original


def test_fieldbook_restore_with_a_wrong_pin_or_no_backup_changes_nothing(
    county, fieldbook, tmp_path
):
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
    finally:
        db.dispose()
    before = county.path.read_bytes()
    code, _, err = fieldbook(
        ["restore", str(info.path), "--db", str(county.path), "--user", ADMIN], stdin="0000\n"
    )
    assert code == 1 and "PIN 不正确" in err
    code, _, err = fieldbook(["restore", "--db", str(county.path)])
    assert code == 2 and "--latest" in err
    code, _, err = fieldbook(["restore", str(tmp_path / "none.db"), "--db", str(county.path)])
    assert code == 2 and "找不到备份文件" in err
    assert county.path.read_bytes() == before


def test_fieldbook_restore_with_the_recovery_key(county, fieldbook):
    db = open_database(county.path, key=county.key)
    try:
        info = backup_now(db)
    finally:
        db.dispose()
    code, out, err = fieldbook(
        ["restore", str(info.path), "--db", str(county.path), "--recovery", "--json"],
        stdin=county.recovery_key + "\n",
    )
    assert code == 0, err
    assert json.loads(out)["households"] == 120
