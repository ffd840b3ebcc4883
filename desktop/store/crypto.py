"""Encryption at rest: the database key, the keyring beside the database, unlocking at sign-in.

What is encrypted and how
    The laptop's database is a SQLCipher 4 file (``sqlcipher3-binary``: AES-256 pages with an
    HMAC each, the WAL included). A backup made with ``desktop.store.backup`` is a SQLCipher file
    with the same key. Drafts live in the database, so they are encrypted like everything else.
    Connections use ``temp_store=MEMORY``, so sorts and index builds leave no temporary file.
    An older laptop's plain file is converted in place with ``encrypt_database_file``.

Why a random key and a keyring, not a key derived from the password
    The database has to be opened before anyone signs in (the sign-in list needs the users) and
    several people share a laptop, each with their own PIN. So the database key is 32 random
    bytes, used raw by SQLCipher (``PRAGMA key = "x'…'"``: no second key derivation on every
    connection), and it is *wrapped* — encrypted with AES-256-GCM from ``cryptography`` — once for
    each user under a key derived from that user's PIN or password with scrypt, and once under a
    recovery key printed at enrollment for the county administrator to keep. The wrapped keys
    live in a small sidecar file next to the database, ``<database>.keys`` (JSON, not
    encrypted: it holds nothing that opens the database without a secret). Sign-in unwraps the
    key with the person's PIN; a new PIN only re-wraps that person's copy; adding a user is
    wrapping the key once more, which an administrator can do because the database is open.

    The sidecar keeps the sign-in list (user id, name, role) in clear so the dialog can show it
    before the database is opened; those are the laptop's staff, never a family of the
    registry. The names and roles there are for display only: after unlocking, the ``users``
    table decides who may sign in (``unlock_database`` refuses a user that is missing or
    deactivated there).

What it protects against, and what not
    A lost or stolen laptop, switched off: the database, its WAL and its backups are ciphertext,
    and each guess at a PIN costs an attacker one scrypt (``WRAP_N`` = 2**17, r=8: 128 MiB and
    about 0.6 s here). A 4-digit PIN is still only 10,000 guesses, hours of work offline: the
    longer the PIN (PINs go to 12 digits, passwords are accepted too), the longer a stolen
    laptop stays closed. The recovery key has 133 bits and is out of reach.
    Wrong secrets at the keyboard are slowed down as in ``desktop.store.users``: every wrong one
    pauses ``WRONG_PIN_PAUSE_S``, and after ``FREE_ATTEMPTS`` in a row the user waits a doubling
    time. The count lives in the sidecar (the database is still closed at that point); an
    offline attacker ignores it anyway, which is why scrypt is slow.
    A running, unlocked laptop is not protected by this module: the app locks after an idle
    time (``idle_lock_seconds``, setting ``idle_lock_minutes``) and the UI then drops its
    ``Database`` and asks for a PIN again. A user removed from the keyring who kept an old copy
    of the sidecar can still unwrap the key with their old PIN: the key itself only changes by
    re-enrolling the laptop (a new database from the server, every PIN set again), which is
    rare and not automatic.

The idle lock, for the UI
    ``idle_lock_seconds(session)`` says how long the app may stay idle (``None``: never lock).
    On lock, the UI calls ``db.dispose()`` and forgets the ``Database``; to unlock, it calls
    ``unlock_database(path, user_id, pin)`` (or ``Keyring.unlock`` and then
    ``open_database(path, key=…)``) as at sign-in. When a user is added, gets a new PIN or is
    deactivated, the UI also calls ``Keyring.add_user`` / ``Keyring.remove_user`` (then
    ``Keyring.save``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.roles import (
    FREE_ATTEMPTS,
    LocalUser,
    Role,
    SignInOutcome,
    SignInResult,
    lockout_seconds,
    parse_role,
)
from desktop.store.engine import (
    KEY_BYTES,
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    CryptoError,
    check_key_shape,
    connect_raw,
    key_pragma_value,
    sqlcipher_module,
    sqlite_error_code,
)

# SQLCipher's keying moved to desktop.store.engine; these names are still called from here.
from desktop.store.engine import SQLITE_BUSY as SQLITE_BUSY
from desktop.store.engine import SQLITE_LOCKED as SQLITE_LOCKED
from desktop.store.engine import encrypted_engine as encrypted_engine
from desktop.store.engine import key_from_engine as key_from_engine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEYRING_SUFFIX = ".keys"
KEYRING_FORMAT = "fieldbook-keyring/1"
CIPHER = "sqlcipher4-raw-key"
SQLITE_HEADER = b"SQLite format 3\x00"

WRAP_N = 2**17
"""scrypt cost for wrapping the database key (about 0.6 s and 128 MiB here)."""
WRAP_R = 8
WRAP_P = 1
_SCRYPT_MAXMEM = 512 * 1024 * 1024
_SALT_BYTES = 16
_NONCE_BYTES = 12

RECOVERY_DIGITS = 40
RECOVERY_GROUP = 5
RECOVERY_ENTRY = "recovery"
USER_ENTRY_PREFIX = "user:"

IDLE_LOCK_SETTING = "idle_lock_minutes"
"""Setting: minutes without input after which the app locks (0: never)."""
DEFAULT_IDLE_LOCK_MINUTES = 10.0
MIN_IDLE_LOCK_MINUTES = 1.0


class WrongKey(CryptoError):
    """The key does not open this database (or the file is not a database at all)."""


class DatabaseUnreadable(CryptoError):
    """The file could not be read at all (disk, lock, permissions): nothing says the key is wrong."""


class KeyringError(CryptoError):
    """The keyring beside the database is missing, damaged or does not fit the database."""


# --- the database key ----------------------------------------------------------------------------


def new_database_key() -> bytes:
    """A fresh random database key (32 bytes)."""
    return secrets.token_bytes(KEY_BYTES)


def key_id(key: bytes) -> str:
    """A short public name of a key (HMAC of a constant): tells keyrings and backups apart."""
    return hmac.new(check_key_shape(key), b"fieldbook key id", hashlib.sha256).hexdigest()[:16]


def file_header(path: str | Path) -> bytes | None:
    """The first 16 bytes of a file (``None`` when there is no file)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None


def is_encrypted_file(path: str | Path) -> bool | None:
    """Whether ``path`` is an encrypted database: ``None`` when there is no (or an empty) file."""
    header = file_header(path)
    if not header:
        return None
    return header != SQLITE_HEADER


def _says_the_key_is_wrong(exc: BaseException) -> bool:
    """A wrong key reads as "not a database" (SQLITE_NOTADB; a damaged file may say CORRUPT)."""
    code = sqlite_error_code(exc)
    if code is not None:
        return code in (SQLITE_NOTADB, SQLITE_CORRUPT)
    # a module without error codes: "not a database" is a plain DatabaseError, whereas the
    # disk's and the locks' errors are OperationalErrors, and OSError is the system's
    name = type(exc).__name__
    return name == "DatabaseError" and not isinstance(exc, OSError)


def check_key(path: str | Path, key: bytes | None) -> None:
    """Raise ``WrongKey`` unless ``key`` (``None``: no encryption) opens the database at ``path``;
    ``DatabaseUnreadable`` when the file cannot be read at all (a disk or lock error)."""
    if key is not None:
        check_key_shape(key)
    connection = None
    try:
        connection = connect_raw(path, key)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:
        if not _says_the_key_is_wrong(exc):
            # the disk, a lock, permissions: the key was never tried, so never "wrong PIN"
            raise DatabaseUnreadable(
                "无法读取数据库文件(磁盘出错、文件被占用或没有权限),与密钥和 PIN 码无关"
            ) from exc
        if key is None:
            raise WrongKey("数据库已加密:请先登录解锁,或用恢复密钥打开") from exc
        raise WrongKey("密钥不正确,无法打开数据库(或文件已损坏、不是数据库)") from exc
    finally:
        if connection is not None:
            connection.close()


def check_database_key(path: str | Path, key: bytes | None) -> None:
    """Before an engine opens ``path``: raise ``WrongKey`` with a clear message if ``key`` does
    not fit the file (a missing or empty file fits any key: it is created)."""
    encrypted = is_encrypted_file(path)
    if encrypted is None:
        return
    if key is None:
        if encrypted and keyring_path(path).is_file():
            raise WrongKey("数据库已加密:请先登录解锁,或用恢复密钥打开")
        if encrypted:
            raise WrongKey("文件不是可读的数据库:已损坏,或是缺少密钥文件(.keys)的加密数据库")
        return
    if not encrypted:
        raise WrongKey("数据库没有加密,不能用密钥打开(可先用 encrypt_database_file 加密)")
    check_key(path, key)


def encrypt_database_file(path: str | Path, key: bytes) -> None:
    """Encrypt a plain database file in place with ``key`` (an older laptop's file).

    ``sqlcipher_export`` copies it into a new encrypted file beside it, which then replaces the
    plain file (and its WAL, already checkpointed into the copy). Nothing else may have the
    file open. A crash in between leaves the plain file as it was.
    """
    path = Path(path)
    if is_encrypted_file(path) is not False:
        raise CryptoError(f"不是未加密的数据库文件: {path}")
    target = path.with_name(path.name + ".encrypting")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlcipher_module().connect(str(path))
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        source.execute(
            f'ATTACH DATABASE ? AS encrypted KEY "{key_pragma_value(key)}"', (str(target),)
        )
        source.execute("SELECT sqlcipher_export('encrypted')")
        version = source.execute("PRAGMA user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    check_key(target, key)
    _fsync(target)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(target, path)
    _fsync_dir(path.parent)


# --- the idle lock -------------------------------------------------------------------------------


def idle_lock_seconds(session: Session) -> float | None:
    """Seconds of idleness after which the app locks (setting ``idle_lock_minutes``, default 10);
    ``None`` when the setting is 0 (never lock). Values under a minute count as one minute."""
    from desktop.store.settings import get_setting

    raw = get_setting(session, IDLE_LOCK_SETTING)
    try:
        minutes = float(raw) if raw is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        minutes = DEFAULT_IDLE_LOCK_MINUTES
    if minutes <= 0:
        return None
    return max(minutes, MIN_IDLE_LOCK_MINUTES) * 60.0


# --- recovery keys -------------------------------------------------------------------------------


def new_recovery_key() -> str:
    """A fresh recovery key: 40 random digits in groups of five (about 133 bits)."""
    digits = "".join(secrets.choice("0123456789") for _ in range(RECOVERY_DIGITS))
    return format_recovery_key(digits)


def format_recovery_key(text: str) -> str:
    """``text``'s digits grouped for printing: ``12345-67890-…``."""
    digits = normalize_recovery_key(text)
    return "-".join(digits[i : i + RECOVERY_GROUP] for i in range(0, len(digits), RECOVERY_GROUP))


def normalize_recovery_key(text: str) -> str:
    """The digits of a typed recovery key (spaces, dashes, full-width digits allowed).

    Raises ``CryptoError`` when it is not ``RECOVERY_DIGITS`` digits.
    """
    import unicodedata

    digits = "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace() and ch not in "-—_"
    )
    if not (digits.isascii() and digits.isdigit()) or len(digits) != RECOVERY_DIGITS:
        raise CryptoError(f"恢复密钥应为 {RECOVERY_DIGITS} 位数字(可分组书写)")
    return digits


# --- wrapping ------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
    )


def _aad(entry_id: str, kid: str) -> bytes:
    return f"{KEYRING_FORMAT}|{entry_id}|{kid}".encode()


def wrap_key(key: bytes, secret: str, entry_id: str, *, n: int = WRAP_N) -> dict[str, Any]:
    """``key`` encrypted (AES-256-GCM) under a key derived from ``secret`` with scrypt."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = os.urandom(_SALT_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    kek = _derive(secret, salt, n, WRAP_R, WRAP_P)
    wrapped = AESGCM(kek).encrypt(nonce, check_key_shape(key), _aad(entry_id, key_id(key)))
    return {
        "kdf": "scrypt",
        "n": n,
        "r": WRAP_R,
        "p": WRAP_P,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def unwrap_key(entry: dict[str, Any], secret: str, entry_id: str, kid: str) -> bytes | None:
    """The key inside ``entry`` if ``secret`` is right, else ``None``."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        if entry.get("kdf") != "scrypt":
            return None
        kek = _derive(
            secret, _unb64(entry["salt"]), int(entry["n"]), int(entry["r"]), int(entry["p"])
        )
        key = AESGCM(kek).decrypt(
            _unb64(entry["nonce"]), _unb64(entry["wrapped"]), _aad(entry_id, kid)
        )
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None
    if len(key) != KEY_BYTES or not hmac.compare_digest(key_id(key), kid):
        return None
    return key


# --- the keyring ---------------------------------------------------------------------------------


def keyring_path(db_path: str | Path) -> Path:
    """Where the keyring of the database at ``db_path`` lives: ``<db_path>.keys``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + KEYRING_SUFFIX)


@dataclass(frozen=True)
class KeyringUser:
    """A person on the sign-in list of an encrypted database (display only; see the module doc)."""

    user_id: str
    name: str
    role: Role

    def as_local_user(self) -> LocalUser:
        return LocalUser(id=self.user_id, name=self.name, role=self.role)


@dataclass(frozen=True)
class Unlocked:
    """The answer to one unlock attempt: the sign-in result and, when it was right, the key."""

    result: SignInResult
    key: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.key is not None


def _now() -> datetime:
    return datetime.now(UTC)


def _waiting_message(seconds: float) -> str:
    return f"PIN 连续输错次数过多,请等 {int(seconds + 0.999)} 秒后再试"


@dataclass
class Keyring:
    """The sidecar file beside an encrypted database: the key wrapped per user and for recovery.

    Load it with ``Keyring.load(db_path)``; change it, then ``save()`` (written atomically).
    """

    path: Path
    key_id: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)

    # --- files --------------------------------------------------------------------------------

    @classmethod
    def new(cls, db_path: str | Path, key: bytes) -> Keyring:
        """An empty keyring for the database at ``db_path`` encrypted with ``key`` (not saved)."""
        return cls(path=keyring_path(db_path), key_id=key_id(key))

    @classmethod
    def exists_for(cls, db_path: str | Path) -> bool:
        return keyring_path(db_path).is_file()

    @classmethod
    def load(cls, db_path: str | Path) -> Keyring:
        """The keyring of the database at ``db_path``; raises ``KeyringError`` if missing/damaged."""
        return cls.read(keyring_path(db_path))

    @classmethod
    def read(cls, path: str | Path) -> Keyring:
        """A keyring file by its own path (a backup's copy, say)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise KeyringError(f"找不到密钥文件 {path.name}:加密数据库无法解锁") from exc
        except (OSError, ValueError) as exc:
            raise KeyringError(f"密钥文件 {path.name} 已损坏:请用恢复密钥解锁") from exc
        if not isinstance(data, dict) or data.get("format") != KEYRING_FORMAT:
            raise KeyringError(f"密钥文件 {path.name} 的格式不认识(需要更新程序?)")
        try:
            return cls(
                path=path,
                key_id=str(data["key_id"]),
                entries=dict(data.get("entries", {})),
                failures=dict(data.get("failures", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyringError(f"密钥文件 {path.name} 已损坏:请用恢复密钥解锁") from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "format": KEYRING_FORMAT,
            "cipher": CIPHER,
            "key_id": self.key_id,
            "entries": self.entries,
            "failures": self.failures,
        }

    def save(self, path: str | Path | None = None) -> Path:
        """Write the keyring (to its own path, or ``path``) atomically: temp file, fsync, rename."""
        target = Path(path) if path is not None else self.path
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
        _atomic_write(target, text.encode("utf-8"))
        return target

    # --- entries ------------------------------------------------------------------------------

    def users(self) -> list[KeyringUser]:
        """The people who may unlock, in the order they were added."""
        found = []
        for entry_id, entry in self.entries.items():
            if not entry_id.startswith(USER_ENTRY_PREFIX):
                continue
            role = parse_role(entry.get("role")) or Role.FIELD_WORKER
            found.append(KeyringUser(entry["user_id"], str(entry.get("name", "")), role))
        return found

    def has_user(self, user_id: str) -> bool:
        return f"{USER_ENTRY_PREFIX}{user_id}" in self.entries

    @property
    def has_recovery(self) -> bool:
        return RECOVERY_ENTRY in self.entries

    def _check(self, key: bytes) -> None:
        if key_id(key) != self.key_id:
            raise KeyringError("密钥与密钥文件不匹配")

    def add_user(
        self,
        user_id: str,
        name: str,
        role: Role | str,
        secret: str,
        key: bytes,
        *,
        n: int = WRAP_N,
    ) -> None:
        """Wrap ``key`` for a user under their PIN/password (a new user, or a new PIN)."""
        self._check(key)
        if not secret:
            raise CryptoError("请输入 PIN 或密码")
        entry_id = f"{USER_ENTRY_PREFIX}{user_id}"
        parsed = parse_role(role) or Role.FIELD_WORKER
        self.entries[entry_id] = {
            "kind": "user",
            "user_id": user_id,
            "name": name,
            "role": parsed.value,
            "created": _now().isoformat(),
            **wrap_key(key, secret, entry_id, n=n),
        }
        self.failures.pop(entry_id, None)

    def remove_user(self, user_id: str) -> bool:
        """Forget a user's wrapped key (a deactivated user); whether there was one."""
        entry_id = f"{USER_ENTRY_PREFIX}{user_id}"
        self.failures.pop(entry_id, None)
        return self.entries.pop(entry_id, None) is not None

    def set_recovery(self, key: bytes, *, n: int = WRAP_N) -> str:
        """Wrap ``key`` under a fresh recovery key and return it (print it; it is shown once)."""
        self._check(key)
        recovery = new_recovery_key()
        self.entries[RECOVERY_ENTRY] = {
            "kind": "recovery",
            "created": _now().isoformat(),
            **wrap_key(key, normalize_recovery_key(recovery), RECOVERY_ENTRY, n=n),
        }
        self.failures.pop(RECOVERY_ENTRY, None)
        return recovery

    # --- unlocking ----------------------------------------------------------------------------

    def _failures(self, entry_id: str) -> tuple[int, datetime | None]:
        raw = self.failures.get(entry_id)
        if not raw:
            return 0, None
        try:
            return int(raw["count"]), datetime.fromisoformat(raw["last"])
        except (KeyError, TypeError, ValueError):
            return FREE_ATTEMPTS + 1, None

    def _attempt(
        self,
        entry_id: str,
        secret: str,
        *,
        user: LocalUser | None,
        now: datetime | None,
        sleep: Callable[[float], None],
    ) -> Unlocked:
        now = now or _now()
        entry = self.entries.get(entry_id)
        if entry is None:
            return Unlocked(
                SignInResult(SignInOutcome.NO_SUCH_USER, message="该用户不能解锁此数据库")
            )
        count, last = self._failures(entry_id)
        if count > FREE_ATTEMPTS:
            if last is None or last > now:  # a damaged record or a clock set back: wait from now
                self.failures[entry_id] = {"count": count, "last": now.isoformat()}
                self.save()
                last = now
            remaining = lockout_seconds(count) - (now - last).total_seconds()
            if remaining > 0:
                return Unlocked(
                    SignInResult(
                        SignInOutcome.LOCKED,
                        message=_waiting_message(remaining),
                        retry_after=remaining,
                        attempts_left=0,
                    )
                )
        key = unwrap_key(entry, secret, entry_id, self.key_id)
        if key is not None:
            if self.failures.pop(entry_id, None) is not None:
                self.save()
            return Unlocked(SignInResult(SignInOutcome.OK, user), key)
        count += 1
        self.failures[entry_id] = {"count": count, "last": now.isoformat()}
        self.save()
        # imported here: listing the keyring's names at start needs no SQLAlchemy (users.py
        # brings it), so its import overlaps the PIN's scrypt instead of preceding the names
        from desktop.store.users import WRONG_PIN_PAUSE_S

        sleep(WRONG_PIN_PAUSE_S)
        wait = lockout_seconds(count)
        what = "PIN " if entry_id != RECOVERY_ENTRY else "恢复密钥"
        if wait > 0:
            return Unlocked(
                SignInResult(
                    SignInOutcome.WRONG_PIN,
                    message=f"{what}不正确。" + _waiting_message(wait),
                    retry_after=wait,
                    attempts_left=0,
                )
            )
        left = FREE_ATTEMPTS + 1 - count
        return Unlocked(
            SignInResult(
                SignInOutcome.WRONG_PIN,
                message=f"{what}不正确,请重新输入(再错 {left} 次需等待)",
                attempts_left=left,
            )
        )

    def unlock(
        self,
        user_id: str,
        secret: str,
        *,
        now: datetime | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Unlocked:
        """Unwrap the database key with a user's PIN or password; **writes** the failure count.

        Slow on purpose (scrypt, and a pause after a wrong secret): run it off the GUI thread.
        """
        entry_id = f"{USER_ENTRY_PREFIX}{user_id}"
        entry = self.entries.get(entry_id)
        user = None
        if entry is not None:
            role = parse_role(entry.get("role")) or Role.FIELD_WORKER
            user = LocalUser(id=user_id, name=str(entry.get("name", "")), role=role)
        return self._attempt(entry_id, secret, user=user, now=now, sleep=sleep)

    def unlock_with_recovery(
        self,
        recovery_key: str,
        *,
        now: datetime | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Unlocked:
        """Unwrap the database key with the recovery key (a malformed one costs no attempt)."""
        try:
            digits = normalize_recovery_key(recovery_key)
        except CryptoError as exc:
            return Unlocked(SignInResult(SignInOutcome.WRONG_PIN, message=str(exc)))
        return self._attempt(RECOVERY_ENTRY, digits, user=None, now=now, sleep=sleep)


# --- headless commands ---------------------------------------------------------------------------


def read_secret(prompt: str) -> str:
    """A PIN, password or recovery key for a command: hidden from a terminal, else one line of
    standard input (``echo 1234 | fieldbook … --user 张伟``)."""
    import getpass
    import sys

    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def unlock_with(
    keyrings: list[Keyring],
    *,
    user: str | None,
    recovery: bool,
    secret: Callable[[str], str] = read_secret,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """The database key from the first of ``keyrings`` that knows the user (or has a recovery
    entry), with the secret ``secret(prompt)`` returns. ``user`` is a name or an id; without it
    the only user of the keyring is meant. Raises ``CryptoError`` with the Chinese reason."""
    if not keyrings:
        raise KeyringError("找不到密钥文件(.keys):加密数据库无法解锁")
    if recovery:
        keyring = next((k for k in keyrings if k.has_recovery), None)
        if keyring is None:
            raise KeyringError("密钥文件里没有恢复密钥")
        unlocked = keyring.unlock_with_recovery(secret("恢复密钥: "), sleep=sleep)
    else:
        chosen: tuple[Keyring, KeyringUser] | None = None
        for keyring in keyrings:
            people = keyring.users()
            if user is None:
                if len(people) == 1:
                    chosen = (keyring, people[0])
                elif people:
                    names = "、".join(p.name for p in people)
                    raise CryptoError(f"请用 --user 指定用户(可选: {names}),或用 --recovery")
            else:
                match = [p for p in people if user in (p.name, p.user_id)]
                if match:
                    chosen = (keyring, match[0])
            if chosen is not None:
                break
        if chosen is None:
            raise CryptoError(
                f"没有名为“{user}”的用户可以解锁此数据库" if user else "没有可解锁的用户"
            )
        keyring, person = chosen
        unlocked = keyring.unlock(person.user_id, secret(f"{person.name} 的 PIN: "), sleep=sleep)
    if unlocked.key is None:
        raise CryptoError(unlocked.result.message or "无法解锁")
    return unlocked.key


def key_for_command(
    db_path: str | Path,
    *,
    user: str | None = None,
    recovery: bool = False,
    secret: Callable[[str], str] = read_secret,
) -> bytes | None:
    """The key a headless command opens ``db_path`` with: ``None`` for a plain (or missing) file,
    else unlocked from its keyring with a user's PIN or the recovery key (read by ``secret``)."""
    if not is_encrypted_file(db_path):
        return None
    keyrings = [Keyring.load(db_path)] if Keyring.exists_for(db_path) else []
    return unlock_with(keyrings, user=user, recovery=recovery, secret=secret)


# --- files ---------------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    with open(path, "r+b") as handle:  # Windows flushes only a handle open for writing
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; its rename is durable enough
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, target)
    _fsync_dir(target.parent)
