"""Fixtures shared by the whole suite: PostgreSQL databases and a SQLite file path.

Qt runs on the offscreen platform unless the caller chose another one.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Programs the tests start log into one folder of this run, not the user's real log folder.
_TEST_LOGS = Path(tempfile.mkdtemp(prefix="fieldbook-test-logs-"))
os.environ.setdefault("FIELDBOOK_LOG_DIR", str(_TEST_LOGS))
os.environ.setdefault("FIELDBOOK_SERVER_LOG", str(_TEST_LOGS / "fieldbook-server.log"))

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _libpq_url(sqlalchemy_url: str, database: str | None = None) -> str:
    """The same server as a plain libpq URL that psycopg accepts."""
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """SQLAlchemy URL of the test PostgreSQL (FIELDBOOK_TEST_PG_URL or the local default).

    Unreachable: the test fails under CI=true and is skipped elsewhere.
    """
    url = os.environ.get("FIELDBOOK_TEST_PG_URL", DEFAULT_PG_URL)
    try:
        import psycopg

        with psycopg.connect(_libpq_url(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        reason = f"PostgreSQL at {url} is unreachable: {type(exc).__name__}: {exc}".strip()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture
def pg_database_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"fb_test_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq_url(pg_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq_url(pg_url), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def tmp_db_path(tmp_path: Path) -> Path:
    """Where a test's SQLite file goes (not created)."""
    return tmp_path / "fieldbook.db"
