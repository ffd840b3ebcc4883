"""``fieldbook-server user add``: staff accounts from the county office's console."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from sync.server.db import open_server_database
from sync.server.web.accounts import sign_in
from sync.server.web.models import StaffUser
from tests.sync.conftest import seed_divisions

pytestmark = pytest.mark.slow

PASSWORD = "县里的一个好密码-2019"


def user_add(db_url: str, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "user", "add", *args, "--db", db_url],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_user_add_reads_the_password_from_stdin_and_stores_only_an_argon2_hash(tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    database = open_server_database(url)
    seed_divisions(database)

    admin = user_add(url, "县管理员", "--role", "county_admin")
    reviewer = user_add(
        url, "城关审核", "--role", "township_reviewer", "--township", "610424100000"
    )

    assert (admin.returncode, reviewer.returncode) == (0, 0), admin.stderr + reviewer.stderr
    with database.session() as session:
        users = {u.name: u for u in session.scalars(select(StaffUser))}
        assert users["城关审核"].township_code == "610424100000"
        assert users["县管理员"].township_code is None
        assert all(u.password_hash.startswith("$argon2id$") for u in users.values())
        assert all(PASSWORD not in u.password_hash for u in users.values())
        assert sign_in(session, "城关审核", PASSWORD).user is not None
    database.dispose()


def test_user_add_refuses_a_reviewer_without_a_known_township_and_a_weak_password(tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    database = open_server_database(url)
    seed_divisions(database)
    database.dispose()

    no_township = user_add(url, "甲", "--role", "township_reviewer")
    unknown = user_add(url, "乙", "--role", "township_reviewer", "--township", "999999999999")
    weak = user_add(url, "丙", "--role", "county_admin", password="123456")
    twice = [user_add(url, "丁", "--role", "county_admin") for _ in range(2)]

    assert (no_township.returncode, unknown.returncode, weak.returncode) == (2, 2, 2)
    assert "--township" in no_township.stderr
    assert "找不到乡镇" in unknown.stderr
    assert "密码至少" in weak.stderr
    assert [t.returncode for t in twice] == [0, 2] and "已存在" in twice[1].stderr
