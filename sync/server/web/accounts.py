"""Staff accounts, sign-in with growing delays and lockout, sessions, CSRF tokens, the audit log.

Passwords: argon2id (argon2-cffi's defaults, memory-hard). Sign-in failures count per account;
the wait after each further failure comes from ``desktop.domain.roles.lockout_seconds`` (free
tries, then a wait that doubles up to a ceiling), the same rule as a laptop's PIN. An unknown
name costs a hash verification too, so the answer's timing does not tell names apart.

A session id is 32 random bytes; the cookie carries it signed (itsdangerous, a key kept in
``web_keys``) and the database keeps only its SHA-256, with the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.roles import Role, lockout_seconds, may_see_internal_lists
from desktop.settings_registry import server_settings
from desktop.store.models import Division, utcnow
from sync.server.web.models import STAFF_ROLES, StaffAudit, StaffSession, StaffUser, WebKey

SESSION_LIFETIME = timedelta(hours=10)
"""A session ends this long after sign-in (an office day)."""
PASSWORD_MIN_CHARS = server_settings().web_password_min_chars
COOKIE_KEY = "cookie"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("fieldbook-no-such-user")

DOMAIN_ROLE = {"township_reviewer": Role.REVIEWER, "county_admin": Role.ADMIN}
ROLE_LABELS = {"township_reviewer": "乡镇审核员", "county_admin": "县级管理员"}


class AccountError(ValueError):
    """A staff account could not be made or changed; the message says why in Chinese."""


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak (Chinese), or ``None``."""
    if len(password) < PASSWORD_MIN_CHARS:
        return f"密码至少 {PASSWORD_MIN_CHARS} 个字符"
    if password.isdigit():
        return "密码不能全是数字"
    return None


def add_user(
    session: Session, name: str, role: str, password: str, *, township: str | None = None
) -> StaffUser:
    """Add a staff account (commits). A township reviewer needs their township's code."""
    name = name.strip()
    if not name or len(name) > 40:
        raise AccountError("用户名应为 1 到 40 个字符")
    if role not in STAFF_ROLES:
        raise AccountError(f"角色应为 {' 或 '.join(STAFF_ROLES)}")
    if role == "township_reviewer":
        if not township:
            raise AccountError("乡镇审核员需要 --township 乡镇代码")
        found = session.scalar(
            select(Division.id).where(
                Division.code == township,
                Division.level == "township",
                Division.deleted.is_(False),
            )
        )
        if found is None:
            raise AccountError(f"找不到乡镇 {township}")
    elif township:
        raise AccountError("县级管理员不属于某个乡镇, 请不要给出 --township")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if session.scalar(select(StaffUser.id).where(StaffUser.name == name)) is not None:
        raise AccountError(f"用户 {name} 已存在")
    user = StaffUser(
        name=name,
        role=role,
        township_code=township if role == "township_reviewer" else None,
        password_hash=_hasher.hash(password),
        failed_count=0,
        active=True,
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.commit()
    return user


def set_password(session: Session, user: StaffUser, old: str, new: str) -> None:
    """Change a user's password (commits); the old one must be right."""
    try:
        _hasher.verify(user.password_hash, old)
    except (VerificationError, InvalidHashError) as exc:
        raise AccountError("原密码不正确") from exc
    problem = password_problem(new)
    if problem:
        raise AccountError(problem)
    user.password_hash = _hasher.hash(new)
    user.password_changed_at = utcnow()
    session.commit()


@dataclass(frozen=True)
class SignIn:
    """The answer to one sign-in: the user, or a Chinese message and the seconds to wait."""

    user: StaffUser | None
    message: str = ""
    retry_after: float = 0.0


def sign_in(session: Session, name: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check a name and password (commits the failure count and the audit line)."""
    now = now or utcnow()
    user = session.scalars(select(StaffUser).where(StaffUser.name == name.strip())).first()
    if user is None or not user.active:
        with suppress(VerificationError):  # the same work as for a real account
            _hasher.verify(_DUMMY_HASH, password)
        audit(session, None, "sign_in_refused")
        session.commit()
        return SignIn(None, "用户名或密码不正确")
    if user.locked_until is not None and user.locked_until > now:
        wait = (user.locked_until - now).total_seconds()
        audit(session, user.name, "sign_in_locked")
        session.commit()
        return SignIn(None, f"尝试次数过多, 请 {int(wait) + 1} 秒后再试", wait)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_count = (user.failed_count or 0) + 1
        wait = lockout_seconds(user.failed_count)
        user.locked_until = now + timedelta(seconds=wait) if wait else None
        audit(session, user.name, "sign_in_refused")
        session.commit()
        if wait:
            return SignIn(None, f"用户名或密码不正确; 请 {int(wait)} 秒后再试", wait)
        return SignIn(None, "用户名或密码不正确")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_count = 0
    user.locked_until = None
    audit(session, user.name, "sign_in")
    session.commit()
    return SignIn(user)


def audit(session: Session, user_name: str | None, action: str, target: str | None = None) -> None:
    """Add an audit line (the caller commits). ``target`` is a code or an id, never a name."""
    session.add(StaffAudit(user_name=user_name, action=action, target=target))


# --- sessions ----------------------------------------------------------------------------------


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cookie_key(session: Session) -> str:
    """The cookie-signing key, made on first use and kept in the database (commits)."""
    row = session.get(WebKey, COOKIE_KEY)
    if row is None:
        session.add(WebKey(name=COOKIE_KEY, value=secrets.token_urlsafe(48)))
        try:
            session.commit()
        except IntegrityError:  # another server process made it first: use theirs
            session.rollback()
        row = session.get(WebKey, COOKIE_KEY)
        assert row is not None
    return row.value


def open_session(session: Session, user: StaffUser) -> str:
    """A new session for ``user`` (commits); returns its id for the cookie."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    session.add(
        StaffSession(
            token_hash=_sha(session_id),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.commit()
    return session_id


@dataclass(frozen=True)
class Staff:
    """The signed-in person as a page sees them."""

    id: int
    name: str
    role: str
    township_code: str | None
    csrf_token: str
    session_hash: str

    @property
    def internal(self) -> bool:
        """May see marginal and monitored households and their risks (Q6)."""
        return may_see_internal_lists(DOMAIN_ROLE.get(self.role))

    @property
    def is_admin(self) -> bool:
        return self.role == "county_admin"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def staff_of_session(
    session: Session, session_id: str, *, now: datetime | None = None
) -> Staff | None:
    """The person a session id belongs to, or ``None`` (unknown, expired, deactivated)."""
    now = now or utcnow()
    token_hash = _sha(session_id)
    found = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == token_hash)
    ).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at <= now or not user.active:
        return None
    return Staff(
        id=user.id,
        name=user.name,
        role=user.role,
        township_code=user.township_code,
        csrf_token=row.csrf_token,
        session_hash=token_hash,
    )


def close_session(session: Session, session_hash: str) -> None:
    """Sign out (commits)."""
    session.execute(delete(StaffSession).where(StaffSession.token_hash == session_hash))
    session.commit()


def close_other_sessions(session: Session, user_id: int, keep_hash: str) -> None:
    """End every session of a user but one (after a password change; commits)."""
    session.execute(
        delete(StaffSession).where(
            StaffSession.user_id == user_id, StaffSession.token_hash != keep_hash
        )
    )
    session.commit()


def csrf_matches(expected: str, given: str | None) -> bool:
    """Whether a form's CSRF token is the session's (constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
