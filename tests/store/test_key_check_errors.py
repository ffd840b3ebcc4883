"""A disk or lock error is not a wrong key, and "in use" is SQLite's busy code, not a word."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.store.backup import in_use
from desktop.store.crypto import (
    SQLITE_BUSY,
    DatabaseUnreadable,
    WrongKey,
    check_key,
    connect_raw,
    new_database_key,
    sqlite_error_code,
)


def encrypted_file(path: Path, key: bytes) -> Path:
    connection = connect_raw(path, key)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    return path


def test_the_right_key_passes_and_another_key_is_a_wrong_key(tmp_path):
    key = new_database_key()
    path = encrypted_file(tmp_path / "county.db", key)

    check_key(path, key)
    with pytest.raises(WrongKey, match="密钥不正确"):
        check_key(path, new_database_key())
    with pytest.raises(WrongKey, match="数据库已加密"):
        check_key(path, None)


@pytest.mark.parametrize("with_key", [True, False])
def test_a_file_that_cannot_be_read_at_all_is_not_reported_as_a_wrong_key(tmp_path, with_key):
    unreadable = tmp_path / "county.db"
    unreadable.mkdir()  # the operating system refuses to open it as a file: SQLITE_CANTOPEN

    with pytest.raises(DatabaseUnreadable, match="与密钥和 PIN 码无关") as raised:
        check_key(unreadable, new_database_key() if with_key else None)

    assert not isinstance(raised.value, WrongKey)
    assert sqlite_error_code(raised.value.__cause__) == 14  # SQLITE_CANTOPEN


def test_a_database_locked_by_another_connection_is_in_use_by_its_busy_code(tmp_path):
    path = tmp_path / "plain.db"
    holder = sqlite3.connect(path)
    holder.execute("CREATE TABLE t (x)")
    holder.commit()
    assert not in_use(path, None)

    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        probe = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as raised:
            probe.execute("BEGIN EXCLUSIVE")
        probe.close()
        assert sqlite_error_code(raised.value) == SQLITE_BUSY
        assert in_use(path, None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not in_use(path, None)


def test_only_sqlite_errors_have_a_code():
    assert sqlite_error_code(OSError(28, "No space left on device")) is None
    assert sqlite_error_code(RuntimeError("database is locked")) is None
