"""Devices: one-time enrollment codes, bearer tokens (stored hashed), revocation, authentication.

A token is ``fbt1.<device_id>.<secret>`` with a 32-byte random secret; the server stores only
SHA-256 of the whole token and compares with ``hmac.compare_digest``. The device id inside the
token lets the server tell an unknown device (412: the server forgot it, enroll again) from a
wrong token (401) and a revoked device (403) without searching by hash. Enrollment codes are
16 random bytes, also stored as SHA-256, valid once and for a limited time: once redeemed, the
same code only answers the laptop that redeemed it (the same Ed25519 public key), with the same
device and another token, because the first answer may have been lost on the way. Such a retry
*adds* a token (``retry_token_hashes``, at most ``MAX_RETRY_TOKENS``) instead of replacing the
first: a duplicate of the enrollment request that arrives late must not invalidate the token the
laptop already holds. Revoking the device stops all of them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import new_id, utcnow
from sync.protocol import ErrorCode
from sync.server.errors import ApiError
from sync.server.models import ROLES, Device, EnrollmentCode

IMPORT_DEVICE_ID = "registry-import"
"""The server's own device that the national registry's imports write as (``registry_import``)."""

TOKEN_PREFIX = "fbt1"
MAX_RETRY_TOKENS = 8
DEFAULT_CODE_LIFETIME = timedelta(days=7)


def sha256_hex(text: str) -> str:
    """SHA-256 of a secret as hex: what the database keeps instead of the secret."""
    return hashlib.sha256(text.encode()).hexdigest()


def make_token(device_id: str) -> str:
    """A new bearer token for ``device_id``."""
    return f"{TOKEN_PREFIX}.{device_id}.{secrets.token_urlsafe(32)}"


def token_device_id(token: str) -> str | None:
    """The device id a token names, or ``None`` for text that is not a Fieldbook token."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def create_enrollment_code(
    session: Session,
    *,
    name: str,
    villages: list[str],
    lifetime: timedelta = DEFAULT_CODE_LIFETIME,
    role: str = "field_worker",
) -> str:
    """Store a one-time enrollment code for a laptop named ``name`` and return it (commits)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    code = secrets.token_urlsafe(16)
    session.add(
        EnrollmentCode(
            code_hash=sha256_hex(code),
            name=name,
            villages=sorted(set(villages)),
            expires_at=utcnow() + lifetime,
            role=role,
        )
    )
    session.commit()
    return code


@dataclass(frozen=True)
class Enrolled:
    """A device that has just been enrolled, with its token (shown once)."""

    device: Device
    token: str


def redeem_enrollment_code(
    session: Session,
    code: str,
    *,
    first_seq: int = 1,
    hostname: str | None = None,
    public_key: str | None = None,
) -> Enrolled:
    """Exchange a code for a new device and its token (commits); the code is then used up.

    A used code redeemed again with the same ``public_key`` (a retry after a lost answer) gives
    the same device a new token; any other second use is refused (``ENROLLMENT_CODE_USED``).
    """
    row = session.scalars(
        select(EnrollmentCode).where(EnrollmentCode.code_hash == sha256_hex(code)).with_for_update()
    ).one_or_none()
    if row is None:
        raise ApiError(403, ErrorCode.ENROLLMENT_CODE_INVALID)
    now = utcnow()
    if row.used_at is not None:
        if row.expires_at < now:
            # a retry after a lost answer is for the minutes after enrolling, not for ever
            raise ApiError(410, ErrorCode.ENROLLMENT_CODE_EXPIRED)
        earlier = session.get(Device, row.device_id) if row.device_id else None
        if (
            earlier is None
            or public_key is None
            or earlier.public_key != public_key
            or earlier.revoked
        ):
            raise ApiError(409, ErrorCode.ENROLLMENT_CODE_USED)
        token = make_token(earlier.device_id)
        earlier.retry_token_hashes = [
            *list(earlier.retry_token_hashes or [])[-(MAX_RETRY_TOKENS - 1) :],
            sha256_hex(token),
        ]
        if hostname:
            earlier.hostname = hostname
        session.commit()
        return Enrolled(device=earlier, token=token)
    if row.expires_at < now:
        raise ApiError(410, ErrorCode.ENROLLMENT_CODE_EXPIRED)
    device_id = new_id()
    token = make_token(device_id)
    device = Device(
        device_id=device_id,
        name=row.name,
        token_hash=sha256_hex(token),
        villages=list(row.villages),
        last_acked_seq=first_seq - 1,
        enrolled_at=now,
        hostname=hostname,
        role=row.role or "field_worker",
        public_key=public_key,
    )
    session.add(device)
    row.used_at = now
    row.device_id = device_id
    session.commit()
    return Enrolled(device=device, token=token)


def revoke_device(session: Session, device_id: str) -> bool:
    """Revoke a device (its token stops working at once); ``False`` if there is no such device."""
    device = session.get(Device, device_id)
    if device is None:
        return False
    if not device.revoked:
        device.revoked = True
        device.revoked_at = utcnow()
    session.commit()
    return True


def list_devices(session: Session) -> list[Device]:
    """Every enrolled device, oldest first."""
    return list(session.scalars(select(Device).order_by(Device.enrolled_at, Device.device_id)))


def authenticate(session: Session, authorization: str | None) -> Device:
    """The device behind an ``Authorization: Bearer …`` header, or an ``ApiError``.

    No header or not a bearer token: 401 ``AUTH_REQUIRED``. A token of a device the server does
    not know: 412 ``DEVICE_UNKNOWN`` (enroll again). A wrong secret: 401 ``TOKEN_INVALID``. A
    revoked device: 403 ``DEVICE_REVOKED``.
    """
    challenge = {"WWW-Authenticate": "Bearer"}
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, ErrorCode.AUTH_REQUIRED, headers=challenge)
    device_id = token_device_id(token)
    if device_id is None:
        raise ApiError(401, ErrorCode.TOKEN_INVALID, headers=challenge)
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError(412, ErrorCode.DEVICE_UNKNOWN, details={"device_id": device_id})
    presented = sha256_hex(token)
    known = [device.token_hash, *(device.retry_token_hashes or [])]
    if not any(hmac.compare_digest(stored, presented) for stored in known):
        raise ApiError(401, ErrorCode.TOKEN_INVALID, headers=challenge)
    if device.revoked:
        raise ApiError(403, ErrorCode.DEVICE_REVOKED, details={"device_id": device_id})
    return device


def require_role(device: Device, *roles: str) -> None:
    """403 ``ROLE_NOT_ALLOWED`` unless the device's role is one of ``roles``."""
    if device.role not in roles:
        raise ApiError(403, ErrorCode.ROLE_NOT_ALLOWED, details={"role": device.role})


REVIEW_ROLES = ("reviewer", "admin")
"""Roles that may read the county reports and resolve conflicts."""


def touch(device: Device, when: datetime | None = None) -> None:
    """Note that the device was seen (the caller commits)."""
    device.last_seen_at = when or utcnow()
