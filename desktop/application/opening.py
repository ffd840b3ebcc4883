"""Getting the laptop's database ready for sign-in, and checking a PIN: no Qt, no window.

The launcher (``desktop.ui.app.Launcher``) runs these in its task runner. On the very first start
there is no database file yet: ``open_for_sign_in(build_demo=True)`` builds a demo county of
``DEMO_HOUSEHOLDS`` households (seed ``DEMO_SEED``) into a new *encrypted* database
(``enroll_database``), with the demo users (``DEMO_USERS``, PIN ``DEMO_PIN``) in its ``users``
table and its keyring, and answers its recovery key, to be shown once. An encrypted database
lists its keyring's users and stays closed until a PIN unlocks it (``unlock_file``); a plain one
is opened and migrated (``prepare_database``) and checks PINs against its ``users`` table
(``check_pin``). Once someone has signed in, the work goes through ``Fieldbook``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.roles import ROLE_ORDER, LocalUser, Role, SignInResult

if TYPE_CHECKING:
    from desktop.store.db import Database

DEMO_HOUSEHOLDS = 2000
DEMO_SEED = 2019
DEMO_PIN = "1234"
DEMO_SEED_SETTING = "demo_seed"
"""``desktop.store.demo.SETTING_SEED``: named here so that opening a database does not import the
demo builder (and its bulk loader) just to read one setting."""
DEMO_USERS: tuple[tuple[str, Role], ...] = (
    ("王芳", Role.FIELD_WORKER),
    ("李强", Role.REVIEWER),
    ("张伟", Role.ADMIN),
)


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".keys"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build_encrypted_demo(
    path: Path,
    *,
    households: int = DEMO_HOUSEHOLDS,
    seed: int = DEMO_SEED,
    progress: Any = None,
    wrap_n: int | None = None,
    user_n: int | None = None,
) -> str:
    """Build the demo county into a new encrypted database at ``path``; returns its recovery key.

    The first demo administrator enrolls the database (``enroll_database``); the other demo
    users are added to its ``users`` table and to its keyring, all with ``DEMO_PIN``. The
    database is closed again afterwards: it is opened by signing in. ``wrap_n``/``user_n``
    lower the scrypt costs (tests only). A failed build leaves no file behind.
    """
    from desktop.store.crypto import WRAP_N
    from desktop.store.demo import build_demo_county
    from desktop.store.signin import enroll_database
    from desktop.store.users import SCRYPT_N, add_user

    n = wrap_n or WRAP_N
    admin = next(name for name, role in DEMO_USERS if role is Role.ADMIN)
    enrollment = enroll_database(path, admin, DEMO_PIN, n=n, user_n=user_n)
    db = enrollment.db
    try:
        build_demo_county(db, households=households, seed=seed, progress=progress)
        with db.session() as session:
            others = [
                add_user(session, name, role, DEMO_PIN, n=user_n or SCRYPT_N)
                for name, role in DEMO_USERS
                if name != admin
            ]
            session.commit()
        for user in others:
            enrollment.keyring.add_user(
                user.id, user.name, user.role, DEMO_PIN, enrollment.key, n=n
            )
        enrollment.keyring.save()
    except BaseException:
        db.dispose()
        _remove_database_files(path)
        raise
    db.dispose()
    return enrollment.recovery_key


def keyring_users(path: Path) -> list[LocalUser]:
    """The people who may unlock the encrypted database at ``path``, least trusted role first
    (as the sign-in list shows them); raises ``KeyringError`` without a usable keyring."""
    from desktop.store.crypto import Keyring

    users = [u.as_local_user() for u in Keyring.load(path).users()]
    return sorted(users, key=lambda u: ROLE_ORDER.index(u.role))


def add_demo_users(db: Database) -> list[LocalUser]:
    """Give a demo database its demo users (``DEMO_USERS``, PIN ``DEMO_PIN``); commits."""
    from desktop.store.users import add_user

    with db.session() as session:
        users = [add_user(session, name, role, DEMO_PIN) for name, role in DEMO_USERS]
        session.commit()
    return users


def prepare_database(
    path: Path, *, build_demo: bool, progress: Any = None, households: int = DEMO_HOUSEHOLDS
) -> Database:
    """Open (migrate) the database at ``path``; with ``build_demo``, fill it with the demo county
    and its demo users. A demo database that has no users at all gets the demo users too.

    Runs in the task runner. A failed demo build removes the half-made file, so the next start
    tries again instead of opening an empty county.
    """
    from desktop.store.db import open_database
    from desktop.store.search import ensure_search_index
    from desktop.store.settings import get_setting
    from desktop.store.users import has_users

    db = open_database(path)
    try:
        if build_demo:
            from desktop.store.demo import build_demo_county

            build_demo_county(db, households=households, seed=DEMO_SEED, progress=progress)
        with db.session() as session:
            if ensure_search_index(session):
                session.commit()
            needs_demo_users = get_setting(
                session, DEMO_SEED_SETTING
            ) is not None and not has_users(session)
        if needs_demo_users:
            add_demo_users(db)
    except BaseException:
        db.dispose()
        if build_demo:
            _remove_database_files(path)
        raise
    return db


@dataclass(frozen=True)
class Opened:
    """What the sign-in dialog needs: the users, and the database when it is open already.

    An encrypted database stays closed (``db`` None) until a PIN unlocks it; right after the
    first start's build ``recovery_key`` is the key to show once.
    """

    db: Database | None
    users: list[LocalUser]
    demo: bool
    encrypted: bool = False
    recovery_key: str | None = None


def open_for_sign_in(
    path: Path,
    *,
    build_demo: bool,
    progress: Any = None,
    households: int = DEMO_HOUSEHOLDS,
    encrypt: bool = True,
    wrap_n: int | None = None,
    user_n: int | None = None,
) -> Opened:
    """Get a database ready for sign-in (runs in the task runner).

    A first start (``build_demo``) builds the demo county, encrypted unless ``encrypt`` is
    False. An encrypted database lists its keyring's users and stays closed; a plain one is
    opened (``prepare_database``) and lists its ``users`` table.
    """
    from desktop.store.crypto import is_encrypted_file

    if build_demo and encrypt:
        recovery = build_encrypted_demo(
            path, households=households, progress=progress, wrap_n=wrap_n, user_n=user_n
        )
        return Opened(None, keyring_users(path), True, encrypted=True, recovery_key=recovery)
    if not build_demo and is_encrypted_file(path):
        return Opened(None, keyring_users(path), False, encrypted=True)

    from desktop.store.settings import get_setting
    from desktop.store.users import list_users

    db = prepare_database(path, build_demo=build_demo, progress=progress, households=households)
    try:
        with db.session() as session:
            users = list_users(session)
            demo = get_setting(session, DEMO_SEED_SETTING) is not None
    except BaseException:
        db.dispose()
        raise
    return Opened(db=db, users=users, demo=demo)


# --- signing in and unlocking --------------------------------------------------------------------


def check_pin(
    db: Database, user_id: str, pin: str, *, sleep: Callable[[float], None] = time.sleep
) -> SignInResult:
    """A PIN against the open plain database's ``users`` table."""
    from desktop.store.users import sign_in

    with db.session() as session:
        return sign_in(session, user_id, pin, sleep=sleep)


def unlock_file(
    path: Path,
    user_id: str,
    pin: str,
    *,
    migrate: bool = True,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[SignInResult, Database | None]:
    """A PIN against the encrypted database's keyring: the answer, and the database it opened."""
    from desktop.store.signin import unlock_database

    signed = unlock_database(path, user_id, pin, migrate=migrate, sleep=sleep)
    return signed.result, signed.db


def open_plain(path: Path) -> Database:
    """Open the plain database at ``path`` again (after a lock: no migration)."""
    from desktop.store.db import open_database

    return open_database(path, migrate=False)


def add_first_admin(db: Database, name: str, pin: str) -> LocalUser:
    """The first person of a database without users: its administrator; commits."""
    from desktop.store.users import add_user

    with db.session() as session:
        user = add_user(session, name, Role.ADMIN, pin)
        session.commit()
        return user


def local_users(db: Database) -> list[LocalUser]:
    """The people of the open database, as the sign-in list shows them."""
    from desktop.store.users import list_users

    with db.session() as session:
        return list_users(session)


def idle_lock_seconds(db: Database) -> float | None:
    """After how long without input the app locks (None: never)."""
    from desktop.store.crypto import idle_lock_seconds as configured

    with db.session() as session:
        return configured(session)
