"""Local users: PIN hashes, adding and changing users, signing in and the wrong-PIN lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.domain.roles import FREE_ATTEMPTS, Role, SignInOutcome, lockout_seconds
from desktop.store.db import Database, open_database
from desktop.store.models import User
from desktop.store.users import (
    WRONG_PIN_PAUSE_S,
    UserError,
    add_user,
    deactivate_user,
    failed_attempts,
    has_users,
    hash_pin,
    list_users,
    set_pin,
    sign_in,
    verify_pin,
)

FAST = 2**10  # a cheap scrypt cost: the tests check behaviour, not the cost
T0 = datetime(2019, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_db_path) -> Database:
    database = open_database(tmp_db_path)
    yield database
    database.dispose()


@pytest.fixture
def wang(db: Database) -> str:
    with db.session() as session:
        user = add_user(session, "王芳", Role.FIELD_WORKER, "1234", n=FAST)
        session.commit()
        return user.id


class Pauses:
    """Records the pauses ``sign_in`` asks for instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def attempt(db: Database, user_id: str, pin: str, at: datetime, pauses: Pauses | None = None):
    with db.session() as session:
        return sign_in(session, user_id, pin, now=at, sleep=pauses or Pauses())


def test_a_pin_hash_verifies_its_pin_and_no_other() -> None:
    stored = hash_pin("1234", n=FAST)
    assert verify_pin("1234", stored)
    assert not verify_pin("1235", stored)
    assert not verify_pin("", stored)


def test_the_same_pin_gets_a_different_salt_each_time_and_is_never_stored_in_clear() -> None:
    first, second = hash_pin("1234", n=FAST), hash_pin("1234", n=FAST)
    assert first != second
    assert "1234" not in first.split("$", 4)[-1]
    assert first.startswith("scrypt$1024$")


@pytest.mark.parametrize("stored", ["", "plain", "md5$1$2$3$4$5", "scrypt$x$8$1$AAAA$AAAA"])
def test_a_damaged_hash_verifies_nothing(stored: str) -> None:
    assert verify_pin("1234", stored) is False


def test_users_are_listed_by_role_then_by_pinyin(db: Database) -> None:
    with db.session() as session:
        assert not has_users(session)
        add_user(session, "张伟", Role.ADMIN, "1234", n=FAST)
        add_user(session, "王芳", Role.FIELD_WORKER, "1234", n=FAST)
        add_user(session, "李强", Role.REVIEWER, "1234", n=FAST)
        add_user(session, "安然", Role.FIELD_WORKER, "1234", n=FAST)
        session.commit()
    with db.session() as session:
        assert has_users(session)
        assert [u.name for u in list_users(session)] == ["安然", "王芳", "李强", "张伟"]
        stored = session.scalar(select(User.pin_hash).where(User.name == "王芳"))
        assert stored is not None and stored.startswith("scrypt$")


@pytest.mark.parametrize(
    ("name", "role", "pin", "fragment"),
    [
        ("  ", Role.FIELD_WORKER, "1234", "请输入姓名"),
        ("王芳", Role.FIELD_WORKER, "1234", "已有名为“王芳”"),
        ("赵六", "viewer", "1234", "未知的角色"),
        ("赵六", Role.REVIEWER, "12", "4 到 12"),
    ],
)
def test_a_user_that_cannot_be_added_is_refused_with_a_reason(
    db: Database, wang: str, name: str, role: str, pin: str, fragment: str
) -> None:
    with db.session() as session, pytest.raises(UserError, match=fragment):
        add_user(session, name, role, pin, n=FAST)


def test_the_right_pin_signs_in(db: Database, wang: str) -> None:
    result = attempt(db, wang, "1234", T0)
    assert result.ok
    assert result.user is not None and result.user.name == "王芳"
    assert result.user.role is Role.FIELD_WORKER


def test_a_wrong_pin_is_refused_after_a_pause_and_counted(db: Database, wang: str) -> None:
    pauses = Pauses()
    result = attempt(db, wang, "9999", T0, pauses)
    assert result.outcome is SignInOutcome.WRONG_PIN and not result.locked
    assert "PIN 不正确" in result.message
    assert result.attempts_left == FREE_ATTEMPTS
    assert pauses.calls == [WRONG_PIN_PAUSE_S]
    with db.session() as session:
        assert failed_attempts(session, wang) == 1


def test_the_right_pin_clears_the_count_of_failures(db: Database, wang: str) -> None:
    for i in range(FREE_ATTEMPTS):
        attempt(db, wang, "0000", T0 + timedelta(seconds=i))
    assert attempt(db, wang, "1234", T0 + timedelta(seconds=10)).ok
    with db.session() as session:
        assert failed_attempts(session, wang) == 0


def test_after_five_wrong_pins_even_the_right_one_must_wait(db: Database, wang: str) -> None:
    results = [attempt(db, wang, "0000", T0 + timedelta(seconds=i)) for i in range(5)]
    assert [r.locked for r in results] == [False, False, False, False, True]
    fifth = results[-1]
    assert fifth.retry_after == lockout_seconds(5) > 0

    pauses = Pauses()
    during = attempt(db, wang, "1234", T0 + timedelta(seconds=5), pauses)
    assert during.outcome is SignInOutcome.LOCKED and during.locked
    assert 0 < during.retry_after <= lockout_seconds(5)
    assert "秒后再试" in during.message
    assert pauses.calls == []  # not even checked, so no pause either

    after = T0 + timedelta(seconds=4 + lockout_seconds(5) + 1)
    assert attempt(db, wang, "1234", after).ok


def test_a_failure_after_the_wait_locks_for_longer(db: Database, wang: str) -> None:
    at = T0
    for _ in range(5):
        at += timedelta(seconds=1)
        attempt(db, wang, "0000", at)
    at += timedelta(seconds=lockout_seconds(5) + 1)
    sixth = attempt(db, wang, "0000", at)
    assert sixth.locked and sixth.retry_after == lockout_seconds(6) > lockout_seconds(5)


def test_the_count_of_failures_survives_a_restart(tmp_db_path, wang: str, db: Database) -> None:
    for i in range(5):
        attempt(db, wang, "0000", T0 + timedelta(seconds=i))
    db.dispose()
    reopened = open_database(tmp_db_path)
    try:
        assert attempt(reopened, wang, "1234", T0 + timedelta(seconds=6)).locked
    finally:
        reopened.dispose()


def test_a_clock_set_back_does_not_lock_the_user_out_for_ever(db: Database, wang: str) -> None:
    for i in range(5):
        attempt(db, wang, "0000", T0 + timedelta(seconds=i))
    back = T0 - timedelta(days=365)
    assert attempt(db, wang, "1234", back).locked  # waits once, counted from now
    later = back + timedelta(seconds=lockout_seconds(5) + 1)
    assert attempt(db, wang, "1234", later).ok


def test_a_new_pin_works_and_clears_the_lockout(db: Database, wang: str) -> None:
    for i in range(5):
        attempt(db, wang, "0000", T0 + timedelta(seconds=i))
    with db.session() as session:
        set_pin(session, wang, "5678", n=FAST)
        session.commit()
    assert attempt(db, wang, "5678", T0 + timedelta(seconds=6)).ok
    assert not attempt(db, wang, "1234", T0 + timedelta(seconds=7)).ok


def test_a_deactivated_user_cannot_sign_in_and_is_not_listed(db: Database, wang: str) -> None:
    with db.session() as session:
        add_user(session, "张伟", Role.ADMIN, "1234", n=FAST)
        deactivate_user(session, wang)
        session.commit()
    result = attempt(db, wang, "1234", T0)
    assert result.outcome is SignInOutcome.NO_SUCH_USER and "停用" in result.message
    with db.session() as session:
        assert [u.name for u in list_users(session)] == ["张伟"]
        assert [u.name for u in list_users(session, include_inactive=True)] == ["王芳", "张伟"]


def test_the_last_administrator_cannot_be_deactivated(db: Database) -> None:
    with db.session() as session:
        admin = add_user(session, "张伟", Role.ADMIN, "1234", n=FAST)
        with pytest.raises(UserError, match="最后一个县级管理员"):
            deactivate_user(session, admin.id)
        second = add_user(session, "赵敏", Role.ADMIN, "1234", n=FAST)
        deactivate_user(session, second.id)
        session.commit()


def test_an_unknown_user_is_refused_with_a_message(db: Database) -> None:
    result = attempt(db, "no-such-id", "1234", T0)
    assert result.outcome is SignInOutcome.NO_SUCH_USER and "不存在" in result.message
