"""The headless ``fieldbook`` commands, run as a person or a script would: a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.idcard import check_id
from desktop.store.db import open_database, registry_writer
from desktop.store.models import Member

ROOT = Path(__file__).resolve().parents[1]


def fieldbook(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "county.db"
    done = fieldbook("demo", "--db", str(path), "--households", "120", "--seed", "5", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["households"] == 120
    return path


def test_check_id_accepts_the_standards_sample_and_exits_zero():
    done = fieldbook("check-id", "11010519491231002X")
    assert done.returncode == 0
    assert "有效" in done.stdout and "1949-12-31" in done.stdout and "女" in done.stdout


def test_check_id_exits_one_and_says_why_for_a_bad_check_digit():
    done = fieldbook("check-id", "11010519491231002X", "110105194912310021")
    assert done.returncode == 1
    bad_line = next(
        line for line in done.stdout.splitlines() if line.startswith("110105194912310021")
    )
    assert "无效" in bad_line and "校验码" in bad_line


def test_check_id_json_reports_a_legacy_number_with_its_code():
    done = fieldbook("check-id", "--json", "110105491231002")
    assert done.returncode == 1
    (result,) = json.loads(done.stdout)
    assert result["kind"] == "legacy15"
    assert [p["code"] for p in result["problems"]] == ["ID_LEGACY_15"]


def test_a_usage_error_exits_two():
    assert fieldbook("check-id").returncode == 2
    assert fieldbook("no-such-command").returncode == 2


def test_demo_refuses_to_overwrite_an_existing_database_without_force(demo_db):
    done = fieldbook("demo", "--db", str(demo_db), "--households", "5")
    assert done.returncode == 2
    assert "已存在" in done.stderr


def test_info_counts_households_by_status_village_and_flag(demo_db):
    done = fieldbook("info", "--db", str(demo_db), "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["households"] == 120
    assert info["schema_revision"] == info["schema_head"]
    assert sum(info["by_status"].values()) == 120
    assert sum(v["households"] for v in info["by_village"]) == 120
    assert set(info["by_flag"]) == {"marginal", "monitored", "away_long_term"}
    assert info["unsynced_changes"] == 0


def test_info_on_a_missing_file_is_a_usage_error(tmp_path):
    done = fieldbook("info", "--db", str(tmp_path / "nothing.db"))
    assert done.returncode == 2
    assert "找不到数据库文件" in done.stderr
    assert not (tmp_path / "nothing.db").exists()


def test_audit_of_the_clean_demo_county_finds_no_errors(demo_db):
    done = fieldbook("audit", "--db", str(demo_db), "--json")
    report = json.loads(done.stdout)
    assert report["counts"].get("error", 0) == 0
    assert done.returncode == (1 if report["problems"] else 0)


def test_audit_lists_a_broken_id_and_a_duplicate_and_exits_one(demo_db, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(demo_db.read_bytes())
    db = open_database(broken)
    with db.session() as session, registry_writer(session, "test"):
        first, second = session.scalars(
            select(Member).where(Member.relation == "01").limit(2)
        ).all()
        second.id_number = first.id_number  # the same person in two households
        first_number = first.id_number
        third = session.scalars(select(Member).where(Member.relation == "02").limit(1)).one()
        third.id_number = third.id_number[:-1] + ("1" if third.id_number[-1] != "1" else "2")
        assert not check_id(third.id_number).is_valid
        session.commit()
    db.dispose()

    done = fieldbook("audit", "--db", str(broken), "--json")
    assert done.returncode == 1
    codes = [(p["code"], p["severity"]) for p in json.loads(done.stdout)["problems"]]
    assert ("R1_01_001_DUPLICATE_ID", "error") in codes
    assert ("R1_01_003_ID_INVALID", "error") in codes
    text = fieldbook("audit", "--db", str(broken)).stdout
    assert "错误" in text and first_number in text


def test_help_lists_every_subcommand_the_feature_packages_register():
    done = fieldbook("--help")
    assert done.returncode == 0, done.stderr
    for command in (
        "check-id",
        "demo",
        "info",
        "audit",
        "cards",
        "print-list",
        "gps",
        "export",
        "crosscheck",
        "quota",
    ):
        assert command in done.stdout
