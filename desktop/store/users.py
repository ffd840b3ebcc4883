"""Local users of this laptop: names, roles and PIN hashes, and signing in with a PIN.

The rules (roles, what a PIN looks like, how long a lockout lasts) are ``desktop.domain.roles``;
this module stores users and counts failures.

Only a PIN's scrypt hash is stored, with a per-user random salt, as ``scrypt$N$r$p$<salt>$<hash>``
(base64), so the cost can be raised later and old hashes still verify. Hashes are compared in
constant time.

Wrong PINs are slowed down twice over: every wrong PIN costs a pause (``WRONG_PIN_PAUSE_S``) on
top of the hash, and after ``FREE_ATTEMPTS`` wrong PINs in a row the user is locked out for a
wait that doubles with each further failure (``lockout_seconds``). The count of failures is kept
in the database (``settings``, key ``signin_failures.<user id>``), so restarting the app does not
reset it; a right PIN clears it.

A 4-digit PIN does not protect a stolen database file on its own (10,000 PINs are tried offline
in minutes whatever the hash); that is the job of encryption at rest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.roles import (
    FREE_ATTEMPTS,
    NAME_MAX_CHARS,
    ROLE_ORDER,
    LocalUser,
    Role,
    SignInOutcome,
    SignInResult,
    lockout_seconds,
    parse_role,
    pin_problem,
)
from desktop.store.models import Setting, User
from desktop.store.settings import get_setting, set_setting

SCRYPT_N = 2**14  # ~0.1 s a hash here; 16 MiB of memory
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 128 * 1024 * 1024
_SALT_BYTES = 16
_HASH_BYTES = 32

WRONG_PIN_PAUSE_S = 1.0
FAILURES_KEY_PREFIX = "signin_failures."


class UserError(ValueError):
    """A user could not be added or changed; ``str(error)`` is a Chinese message for the person."""


# --- PINs ----------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, n: int = SCRYPT_N, salt: bytes | None = None) -> str:
    """The stored form of ``pin``: scrypt with a fresh random salt (``n`` is the cost)."""
    salt = os.urandom(_SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(
        pin.encode("utf-8"),
        salt=salt,
        n=n,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_SCRYPT_MAXMEM,
        dklen=_HASH_BYTES,
    )
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the stored hash (constant-time compare; a malformed hash: no)."""
    try:
        scheme, n, r, p, salt_text, digest_text = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(digest_text, validate=True)
        actual = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# --- users ---------------------------------------------------------------------------------------


def _local(user: User) -> LocalUser:
    role = parse_role(user.role)
    if role is None:  # a role this version does not know gets the least trust
        role = Role.FIELD_WORKER
    return LocalUser(id=user.id, name=user.name, role=role, active=user.active)


def _sort_key(user: LocalUser) -> tuple[int, bytes]:
    # GB18030 puts the common characters (GB2312's first level) in pinyin order, and reads
    # surnames as surnames (曾 zeng): the sign-in list needs no pypinyin (0.2 s, 56 MB at start)
    return ROLE_ORDER.index(user.role), user.name.encode("gb18030", errors="replace")


def list_users(session: Session, *, include_inactive: bool = False) -> list[LocalUser]:
    """The users who may sign in (all, with ``include_inactive``): by role, then by pinyin."""
    query = select(User)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return sorted((_local(u) for u in session.scalars(query)), key=_sort_key)


def has_users(session: Session) -> bool:
    """Whether anyone at all may sign in (an empty database asks for its first administrator)."""
    count = session.scalar(select(func.count()).select_from(User).where(User.active.is_(True)))
    return bool(count)


def get_user(session: Session, user_id: str) -> LocalUser | None:
    """The user with ``user_id``, active or not, or ``None``."""
    row = session.get(User, user_id)
    return None if row is None else _local(row)


def add_user(
    session: Session, name: str, role: Role | str, pin: str, *, n: int = SCRYPT_N
) -> LocalUser:
    """Add a local user; the caller commits. Raises ``UserError`` with the reason in Chinese."""
    name = name.strip()
    if not name:
        raise UserError("请输入姓名")
    if len(name) > NAME_MAX_CHARS:
        raise UserError(f"姓名不能超过 {NAME_MAX_CHARS} 个字")
    parsed = parse_role(role)
    if parsed is None:
        raise UserError(f"未知的角色:{role}")
    problem = pin_problem(pin)
    if problem:
        raise UserError(problem)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise UserError(f"已有名为“{name}”的用户")
    row = User(name=name, role=parsed.value, pin_hash=hash_pin(pin, n=n), active=True)
    session.add(row)
    session.flush()
    return _local(row)


def _row(session: Session, user_id: str) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise UserError("该用户不存在")
    return row


def set_pin(session: Session, user_id: str, pin: str, *, n: int = SCRYPT_N) -> None:
    """Give a user a new PIN and clear their failed attempts; the caller commits."""
    problem = pin_problem(pin)
    if problem:
        raise UserError(problem)
    _row(session, user_id).pin_hash = hash_pin(pin, n=n)
    _clear_failures(session, user_id)


def set_role(session: Session, user_id: str, role: Role | str) -> LocalUser:
    """Give a user another role; the caller commits. Raises ``UserError`` for an unknown role."""
    parsed = parse_role(role)
    if parsed is None:
        raise UserError(f"未知的角色:{role}")
    row = _row(session, user_id)
    row.role = parsed.value
    session.flush()
    return _local(row)


def deactivate_user(session: Session, user_id: str) -> None:
    """Stop a user signing in (rows they wrote keep their name); the caller commits.

    The last active administrator cannot be deactivated: nobody could add users any more.
    """
    row = _row(session, user_id)
    if row.role == Role.ADMIN.value and row.active:
        admins = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.active.is_(True))
        )
        if (admins or 0) <= 1:
            raise UserError("不能停用最后一个县级管理员")
    row.active = False


# --- signing in ----------------------------------------------------------------------------------


def _failures_key(user_id: str) -> str:
    return f"{FAILURES_KEY_PREFIX}{user_id}"


def _read_failures(session: Session, user_id: str) -> tuple[int, datetime | None]:
    raw = get_setting(session, _failures_key(user_id))
    if not raw:
        return 0, None
    try:
        data = json.loads(raw)
        return int(data["count"]), datetime.fromisoformat(data["last"])
    except (ValueError, KeyError, TypeError):
        return FREE_ATTEMPTS + 1, None  # a damaged record: treat it as a lockout from now


def _write_failures(session: Session, user_id: str, count: int, last: datetime) -> None:
    set_setting(
        session, _failures_key(user_id), json.dumps({"count": count, "last": last.isoformat()})
    )


def _clear_failures(session: Session, user_id: str) -> None:
    row = session.get(Setting, _failures_key(user_id))
    if row is not None:
        session.delete(row)


def failed_attempts(session: Session, user_id: str) -> int:
    """Wrong PINs in a row since the user last signed in."""
    return _read_failures(session, user_id)[0]


def _waiting_message(seconds: float) -> str:
    return f"PIN 连续输错次数过多,请等 {int(seconds + 0.999)} 秒后再试"


def sign_in(
    session: Session,
    user_id: str,
    pin: str,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SignInResult:
    """Check ``pin`` for ``user_id``, count a failure or clear the count; **commits**.

    During a lockout the PIN is not even checked. A wrong PIN pauses ``WRONG_PIN_PAUSE_S``
    (through ``sleep``) before answering, so run this off the GUI thread.
    """
    now = now or datetime.now(UTC)
    row = session.get(User, user_id)
    if row is None or not row.active:
        return SignInResult(
            SignInOutcome.NO_SUCH_USER, message="该用户不存在或已停用,请选择其他用户"
        )
    count, last = _read_failures(session, user_id)
    if count > FREE_ATTEMPTS:
        if last is None or last > now:  # a damaged record or a clock set back: wait from now
            _write_failures(session, user_id, count, now)
            session.commit()
            last = now
        remaining = lockout_seconds(count) - (now - last).total_seconds()
        if remaining > 0:
            return SignInResult(
                SignInOutcome.LOCKED,
                message=_waiting_message(remaining),
                retry_after=remaining,
                attempts_left=0,
            )
    if verify_pin(pin, row.pin_hash):
        _clear_failures(session, user_id)
        session.commit()
        return SignInResult(SignInOutcome.OK, _local(row))

    count += 1
    _write_failures(session, user_id, count, now)
    session.commit()
    sleep(WRONG_PIN_PAUSE_S)
    wait = lockout_seconds(count)
    if wait > 0:
        return SignInResult(
            SignInOutcome.WRONG_PIN,
            message="PIN 不正确。" + _waiting_message(wait),
            retry_after=wait,
            attempts_left=0,
        )
    left = FREE_ATTEMPTS + 1 - count
    return SignInResult(
        SignInOutcome.WRONG_PIN,
        message=f"PIN 不正确,请重新输入(再错 {left} 次需等待)",
        attempts_left=left,
    )
