"""Encryption at rest: a lost laptop's database, its WAL and its backups leak nothing; the keyring
unlocks with the right PIN or the recovery key only, and slows wrong PINs down."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.roles import FREE_ATTEMPTS, Role, SignInOutcome
from desktop.store.backup import backup_now
from desktop.store.crypto import (
    KEY_BYTES,
    WRAP_N,
    CryptoError,
    Keyring,
    KeyringError,
    WrongKey,
    check_key,
    encrypt_database_file,
    idle_lock_seconds,
    is_encrypted_file,
    key_for_command,
    keyring_path,
    new_database_key,
    normalize_recovery_key,
)
from desktop.store.db import Database, open_database
from desktop.store.demo import build_demo_county
from desktop.store.drafts import list_drafts, save_draft
from desktop.store.models import AssistancePerson, Household, Member
from desktop.store.save import save_household
from desktop.store.settings import set_setting
from desktop.store.signin import enroll_database, unlock_database
from desktop.store.users import add_user, deactivate_user

FAST_N = 2**12  # a cheap scrypt for tests that are not about its cost
ADMIN = "测试管理员"
ADMIN_PIN = "24680135"
DEMO_HOUSEHOLDS = 200


def no_sleep(_seconds: float) -> None:
    pass


# --- what must never appear in clear -------------------------------------------------------------


def sensitive_values(db: Database) -> dict[str, set[str]]:
    """ID numbers, phone numbers and names of the people in the database."""
    found: dict[str, set[str]] = {"id": set(), "phone": set(), "name": set()}
    with db.session() as session:
        for name, id_number, phone in session.execute(
            select(Member.name, Member.id_number, Member.phone)
        ):
            found["name"].add(name)
            if id_number:
                found["id"].add(id_number)
            if phone:
                found["phone"].add(phone)
        for phone, account, contact in session.execute(
            select(Household.phone, Household.bank_account, Household.location_contact)
        ):
            found["phone"].update(v for v in (phone, contact) if v)
            if account:
                found["id"].add(account)
        for name, phone in session.execute(select(AssistancePerson.name, AssistancePerson.phone)):
            found["name"].add(name)
            if phone:
                found["phone"].add(phone)
    return found


_DIGIT_RUNS = re.compile(rb"[0-9Xx]{8,}")
_CJK_RUNS = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}|\xc2\xb7)+")
_JSON_RUNS = re.compile(rb"(?:\\u[0-9a-fA-F]{4})+")


def readable_text(data: bytes) -> str:
    """Every run of digits, of Chinese (UTF-8) and of JSON ``\\uXXXX`` escapes in ``data``."""
    runs = [m.decode("ascii") for m in _DIGIT_RUNS.findall(data)]
    runs += [m.decode("utf-8", errors="ignore") for m in _CJK_RUNS.findall(data)]
    runs += [json.loads(f'"{m.decode("ascii")}"') for m in _JSON_RUNS.findall(data)]
    return "\n".join(runs)


def leaks(data: bytes, values: dict[str, set[str]]) -> dict[str, list[str]]:
    """The values that appear in ``data`` in clear (UTF-8 text or JSON escapes)."""
    text = readable_text(data)
    found: dict[str, list[str]] = {}
    for kind, items in values.items():
        hits = sorted(v for v in items if v in text)
        if hits:
            found[kind] = hits
    return found


@dataclass
class EncryptedDemo:
    db: Database
    path: Path
    key: bytes
    recovery_key: str
    admin_id: str
    backup: Path
    values: dict[str, set[str]]


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EncryptedDemo]:
    """A demo county in an encrypted database with fresh saves in its WAL, a draft and a backup.

    The database stays open, so the WAL keeps what the last saves wrote.
    """
    path = tmp_path_factory.mktemp("encrypted") / "fieldbook.db"
    enrollment = enroll_database(path, ADMIN, ADMIN_PIN, n=FAST_N, user_n=FAST_N)
    db = enrollment.db
    build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=2019)
    with db.session() as session:
        households = session.scalars(select(Household).order_by(Household.household_number)).all()
        for n, household in enumerate(households[:10]):
            head = household.members[0]  # loaded before anything changes (no autoflush)
            household.phone = f"1381234{n:04d}"
            head.phone = f"1595678{n:04d}"
            save_household(session, household, actor=ADMIN, reason="核实电话")
        head = households[0].members[0]
        save_draft(
            session,
            households[0].id,
            {"members": [{"name": head.name, "id_number": head.id_number, "phone": head.phone}]},
            household_id=households[0].id,
            user_name=ADMIN,
        )
    backup = backup_now(db).path
    values = sensitive_values(db)
    yield EncryptedDemo(
        db=db,
        path=path,
        key=enrollment.key,
        recovery_key=enrollment.recovery_key,
        admin_id=enrollment.user.id,
        backup=backup,
        values=values,
    )
    db.dispose()


def test_no_id_number_phone_or_name_of_the_demo_county_is_in_the_file_its_wal_or_a_backup(
    encrypted_demo: EncryptedDemo,
):
    demo = encrypted_demo
    values = demo.values
    assert len(values["id"]) > DEMO_HOUSEHOLDS and len(values["name"]) > DEMO_HOUSEHOLDS
    assert len(values["phone"]) >= 20
    wal = Path(f"{demo.path}-wal")
    assert wal.stat().st_size > 0, "the saves should still be in the WAL"
    files = [demo.path, wal, Path(f"{demo.path}-shm"), demo.backup]
    files += [keyring_path(demo.path), keyring_path(demo.backup)]
    for path in files:
        if not path.exists():
            continue
        found = leaks(path.read_bytes(), values)
        assert not found, f"{path.name} holds in clear: { {k: v[:5] for k, v in found.items()} }"
    with demo.db.session() as session:
        assert list_drafts(session), "the draft is in the (encrypted) database"


def test_the_same_byte_search_finds_them_all_in_a_plain_database(tmp_path):
    """The check above can fail: without encryption, names, ID numbers and phones are there."""
    db = open_database(tmp_path / "plain.db")
    try:
        build_demo_county(db, households=DEMO_HOUSEHOLDS, seed=2019)
        values = sensitive_values(db)
    finally:
        db.dispose()
    found = leaks((tmp_path / "plain.db").read_bytes(), values)
    assert set(found) == {"id", "phone", "name"}
    assert len(found["id"]) == len(values["id"])


def test_an_encrypted_file_is_not_a_database_to_plain_sqlite(encrypted_demo: EncryptedDemo):
    assert is_encrypted_file(encrypted_demo.path) is True
    assert is_encrypted_file(encrypted_demo.backup) is True
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(encrypted_demo.backup).execute("SELECT * FROM sqlite_master").fetchall()


def test_opening_without_the_key_or_with_another_key_is_refused_in_chinese(
    encrypted_demo: EncryptedDemo,
):
    with pytest.raises(WrongKey, match="数据库已加密"):
        open_database(encrypted_demo.backup)  # its keyring copy lies beside it
    lost = encrypted_demo.path.parent / "without-keyring.db"
    shutil.copyfile(encrypted_demo.backup, lost)
    with pytest.raises(WrongKey, match="缺少密钥文件"):
        open_database(lost)
    with pytest.raises(WrongKey, match="密钥不正确"):
        open_database(encrypted_demo.backup, key=new_database_key())
    with pytest.raises(CryptoError, match="32 字节"):
        open_database(encrypted_demo.backup, key=b"short")


def test_a_plain_file_is_not_opened_as_if_it_were_encrypted(tmp_path):
    open_database(tmp_path / "plain.db").dispose()
    with pytest.raises(WrongKey, match="没有加密"):
        open_database(tmp_path / "plain.db", key=new_database_key())


def test_the_keyring_holds_no_key_and_no_family_only_the_staff_who_may_unlock(
    encrypted_demo: EncryptedDemo,
):
    text = keyring_path(encrypted_demo.path).read_text(encoding="utf-8")
    assert encrypted_demo.key.hex() not in text
    assert normalize_recovery_key(encrypted_demo.recovery_key) not in text
    keyring = Keyring.load(encrypted_demo.path)
    assert [u.name for u in keyring.users()] == [ADMIN]
    assert keyring.users()[0].role is Role.ADMIN
    assert keyring.has_recovery


# --- unlocking -----------------------------------------------------------------------------------


def test_the_right_pin_unlocks_the_key_and_a_wrong_one_does_not(encrypted_demo: EncryptedDemo):
    keyring = Keyring.load(encrypted_demo.path)
    right = keyring.unlock(encrypted_demo.admin_id, ADMIN_PIN, sleep=no_sleep)
    assert right.ok and right.key == encrypted_demo.key
    assert right.result.user is not None and right.result.user.name == ADMIN
    wrong = Keyring.load(encrypted_demo.path).unlock(
        encrypted_demo.admin_id, "13572468", sleep=no_sleep
    )
    assert not wrong.ok and wrong.result.outcome is SignInOutcome.WRONG_PIN
    assert "PIN 不正确" in wrong.result.message
    # the right PIN clears the count again, so other tests start from zero
    again = Keyring.load(encrypted_demo.path).unlock(
        encrypted_demo.admin_id, ADMIN_PIN, sleep=no_sleep
    )
    assert again.ok
    assert not Keyring.load(encrypted_demo.path).failures


def test_the_recovery_key_unlocks_however_it_is_typed(encrypted_demo: EncryptedDemo):
    keyring = Keyring.load(encrypted_demo.path)
    digits = normalize_recovery_key(encrypted_demo.recovery_key)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in digits)  # typed with a Chinese IME
    for typed in (encrypted_demo.recovery_key, f" {digits[:20]} {digits[20:]} ", full_width):
        unlocked = keyring.unlock_with_recovery(typed, sleep=no_sleep)
        assert unlocked.key == encrypted_demo.key
    malformed = keyring.unlock_with_recovery("12345", sleep=no_sleep)
    assert not malformed.ok and "40 位数字" in malformed.result.message
    assert not keyring.failures  # a malformed key costs no attempt


def test_wrong_pins_pause_then_lock_the_user_out_and_the_count_survives_a_restart(tmp_path):
    key = new_database_key()
    keyring = Keyring.new(tmp_path / "x.db", key)
    keyring.add_user("u1", "王芳", Role.FIELD_WORKER, "1234", key, n=FAST_N)
    keyring.add_user("u2", "李强", Role.REVIEWER, "5678", key, n=FAST_N)
    keyring.save()
    pauses: list[float] = []
    now = datetime(2019, 11, 1, 9, 0, tzinfo=UTC)
    for attempt in range(FREE_ATTEMPTS):
        result = Keyring.load(tmp_path / "x.db").unlock("u1", "0000", now=now, sleep=pauses.append)
        assert result.result.outcome is SignInOutcome.WRONG_PIN
        assert result.result.attempts_left == FREE_ATTEMPTS - attempt
    assert pauses == [1.0] * FREE_ATTEMPTS
    locked = Keyring.load(tmp_path / "x.db").unlock("u1", "0000", now=now, sleep=pauses.append)
    assert locked.result.retry_after > 0 and "请等" in locked.result.message
    # even the right PIN waits during the lockout, and nothing is unwrapped
    during = Keyring.load(tmp_path / "x.db").unlock("u1", "1234", now=now, sleep=pauses.append)
    assert during.result.outcome is SignInOutcome.LOCKED and during.key is None
    # another person on the same laptop is not locked out
    assert Keyring.load(tmp_path / "x.db").unlock("u2", "5678", now=now, sleep=no_sleep).ok
    later = now + timedelta(seconds=locked.result.retry_after + 1)
    after = Keyring.load(tmp_path / "x.db").unlock("u1", "1234", now=later, sleep=no_sleep)
    assert after.key == key
    assert "user:u1" not in Keyring.load(tmp_path / "x.db").failures


def test_the_database_key_is_wrapped_with_the_full_scrypt_cost_by_default(tmp_path):
    key = new_database_key()
    keyring = Keyring.new(tmp_path / "x.db", key)
    keyring.add_user("u1", "王芳", Role.FIELD_WORKER, "123456", key)
    entry = keyring.entries["user:u1"]
    assert (entry["kdf"], entry["n"], entry["r"]) == ("scrypt", WRAP_N, 8)
    assert keyring.unlock("u1", "123456", sleep=no_sleep).key == key
    assert len(key) == KEY_BYTES


def test_a_keyring_refuses_a_key_that_is_not_its_databases(tmp_path):
    keyring = Keyring.new(tmp_path / "x.db", new_database_key())
    with pytest.raises(KeyringError):
        keyring.add_user("u1", "王芳", Role.FIELD_WORKER, "1234", new_database_key(), n=FAST_N)


def test_a_damaged_or_missing_keyring_says_so_in_chinese(tmp_path):
    with pytest.raises(KeyringError, match="找不到密钥文件"):
        Keyring.load(tmp_path / "none.db")
    keyring_path(tmp_path / "bad.db").write_text("{not json", encoding="utf-8")
    with pytest.raises(KeyringError, match="已损坏"):
        Keyring.load(tmp_path / "bad.db")


def test_signing_in_opens_the_database_and_a_deactivated_user_is_refused(tmp_path):
    path = tmp_path / "fieldbook.db"
    enrollment = enroll_database(path, ADMIN, ADMIN_PIN, n=FAST_N, user_n=FAST_N)
    db, keyring = enrollment.db, enrollment.keyring
    with db.session() as session:
        worker = add_user(session, "王芳", Role.FIELD_WORKER, "1234", n=FAST_N)
        session.commit()
    keyring.add_user(worker.id, worker.name, worker.role, "1234", enrollment.key, n=FAST_N)
    keyring.save()
    db.dispose()

    signed = unlock_database(path, worker.id, "1234", sleep=no_sleep)
    assert signed.result.ok and signed.db is not None
    assert signed.result.user is not None and signed.result.user.role is Role.FIELD_WORKER
    with signed.db.session() as session:
        deactivate_user(session, worker.id)
        session.commit()
    signed.db.dispose()
    # the keyring still has an entry (the UI forgot to remove it): the users table decides
    refused = unlock_database(path, worker.id, "1234", sleep=no_sleep)
    assert refused.result.outcome is SignInOutcome.NO_SUCH_USER and refused.db is None
    wrong = unlock_database(path, enrollment.user.id, "99999999", sleep=no_sleep)
    assert wrong.result.outcome is SignInOutcome.WRONG_PIN and wrong.db is None


def test_enrollment_with_a_bad_pin_leaves_no_file_behind(tmp_path):
    from desktop.store.users import UserError

    path = tmp_path / "fieldbook.db"
    with pytest.raises(UserError):
        enroll_database(path, ADMIN, "12", n=FAST_N, user_n=FAST_N)
    assert not path.exists() and not keyring_path(path).exists()
    enroll_database(path, ADMIN, ADMIN_PIN, n=FAST_N, user_n=FAST_N).db.dispose()
    with pytest.raises(CryptoError, match="已存在"):
        enroll_database(path, ADMIN, ADMIN_PIN, n=FAST_N, user_n=FAST_N)


def test_an_older_plain_laptop_file_is_encrypted_in_place_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    db = open_database(path)
    build_demo_county(db, households=30, seed=5)
    with db.session() as session:
        before = sorted(session.scalars(select(Member.id_number)).all(), key=str)
    db.dispose()
    key = new_database_key()
    encrypt_database_file(path, key)
    assert is_encrypted_file(path)
    check_key(path, key)
    db = open_database(path, key=key)
    try:
        with db.session() as session:
            after = sorted(session.scalars(select(Member.id_number)).all(), key=str)
    finally:
        db.dispose()
    assert after == before
    assert not leaks(path.read_bytes(), {"id": {v for v in before if v}})


def test_a_command_reads_the_pin_and_opens_the_database_of_its_only_user(tmp_path):
    path = tmp_path / "fieldbook.db"
    enrollment = enroll_database(path, ADMIN, ADMIN_PIN, n=FAST_N, user_n=FAST_N)
    enrollment.db.dispose()
    prompts: list[str] = []

    def typed(prompt: str) -> str:
        prompts.append(prompt)
        return ADMIN_PIN

    assert key_for_command(path, secret=typed) == enrollment.key
    assert prompts == [f"{ADMIN} 的 PIN: "]
    recovery = key_for_command(path, recovery=True, secret=lambda _p: enrollment.recovery_key)
    assert recovery == enrollment.key
    with pytest.raises(CryptoError, match="没有名为"):
        key_for_command(path, user="李四", secret=typed)
    assert key_for_command(tmp_path / "absent.db", secret=typed) is None


def test_the_idle_lock_is_ten_minutes_unless_the_setting_says_otherwise(tmp_path):
    db = open_database(tmp_path / "x.db")
    try:
        with db.session() as session:
            assert idle_lock_seconds(session) == 600
            for raw, expected in (("5", 300), ("0", None), ("0.1", 60), ("soon", 600)):
                set_setting(session, "idle_lock_minutes", raw)
                assert idle_lock_seconds(session) == expected
    finally:
        db.dispose()
