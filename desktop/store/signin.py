"""Enrolling and unlocking an encrypted database: the steps that need it *open*.

``desktop.store.crypto`` holds the key, the keyring and the checks, below
``desktop.store.db.open_database``; enrolling a new database and signing in to one open it, so
they live here, above both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desktop.domain.roles import LocalUser, Role, SignInOutcome, SignInResult
from desktop.store.crypto import WRAP_N, CryptoError, Keyring, keyring_path, new_database_key
from desktop.store.db import open_database
from desktop.store.engine import Database


@dataclass
class Enrollment:
    """A newly encrypted database: open, with its first administrator and the recovery key."""

    db: Database
    user: LocalUser
    key: bytes
    recovery_key: str
    keyring: Keyring


def enroll_database(
    db_path: str | Path,
    admin_name: str,
    admin_secret: str,
    *,
    n: int = WRAP_N,
    user_n: int | None = None,
) -> Enrollment:
    """Create a new encrypted database at ``db_path`` with its first county administrator.

    Makes a random key, opens (migrates) the database with it, adds the administrator to the
    ``users`` table, and writes the keyring with the administrator's wrapped key and a recovery
    key. Print ``recovery_key`` for the county administrator: it is not stored anywhere.
    Raises ``CryptoError`` if a database or keyring is already there, ``UserError`` for a bad
    name or PIN (nothing is left behind then).
    """
    from desktop.store.users import SCRYPT_N, add_user

    db_path = Path(db_path)
    if db_path.exists() or keyring_path(db_path).exists():
        raise CryptoError(f"数据库 {db_path} 已存在,不能重新登记加密")
    key = new_database_key()
    db = open_database(db_path, key=key)

    def add_admin() -> LocalUser:
        with db.session() as session:
            added = add_user(session, admin_name, Role.ADMIN, admin_secret, n=user_n or SCRYPT_N)
            session.commit()
            return added

    try:
        user = db.writer.call(add_admin)
        keyring = Keyring.new(db_path, key)
        keyring.add_user(user.id, user.name, user.role, admin_secret, key, n=n)
        recovery = keyring.set_recovery(key, n=n)
        keyring.save()
    except BaseException:
        db.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        keyring_path(db_path).unlink(missing_ok=True)
        raise
    return Enrollment(db=db, user=user, key=key, recovery_key=recovery, keyring=keyring)


@dataclass
class SignedIn:
    """The end of an encrypted sign-in: the result, and the open database when it was right."""

    result: SignInResult
    db: Database | None = None
    key: bytes | None = field(default=None, repr=False)


def unlock_database(
    db_path: str | Path,
    user_id: str,
    secret: str,
    *,
    migrate: bool = True,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SignedIn:
    """Sign in to an encrypted database: unwrap its key with the PIN, open it, check the user.

    The user must also be in the ``users`` table and active (otherwise the database is closed
    again and the answer is ``NO_SUCH_USER``). Raises ``KeyringError`` when the keyring is
    missing or damaged.
    """
    from desktop.store.users import get_user

    keyring = Keyring.load(db_path)
    unlocked = keyring.unlock(user_id, secret, now=now, sleep=sleep)
    if not unlocked.ok:
        return SignedIn(unlocked.result)
    assert unlocked.key is not None
    db = open_database(db_path, migrate=migrate, key=unlocked.key)
    try:
        with db.session() as session:
            user = get_user(session, user_id)
    except BaseException:
        db.dispose()
        raise
    if user is None or not user.active:
        db.dispose()
        return SignedIn(
            SignInResult(SignInOutcome.NO_SUCH_USER, message="该用户不存在或已停用,请选择其他用户")
        )
    return SignedIn(SignInResult(SignInOutcome.OK, user), db=db, key=unlocked.key)
