"""The desktop log: a rotating file of JSON lines in the configured folder, uncaught exceptions
in it, and no ID number or phone in any line."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from desktop.domain.idcard import make_id_number
from desktop.logs import (
    DATABASE_ERROR,
    LOG_DIR_ENV,
    LOG_FILE_NAME,
    REDACTED_ID,
    REDACTED_PHONE,
    LogSetup,
    configure_logging,
    current_log_file,
    redact,
    user_message,
)

ROOT = Path(__file__).resolve().parents[1]
ID_NUMBER = make_id_number("610424", date(1970, 5, 1), 1, "1")
PHONE = "13811112222"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def configured(tmp_path: Path) -> Iterator[LogSetup]:
    setup = configure_logging(tmp_path / "logs" / LOG_FILE_NAME, hooks=False)
    yield setup
    setup.close()


def test_the_log_is_written_as_json_lines_in_the_configured_folder(configured, tmp_path):
    logging.getLogger("fieldbook.test").info(
        "saved %s rows", 3, extra={"household_id": "0190a000-0000-7000-8000-000000000009"}
    )
    configured.handler.flush()

    assert current_log_file() == tmp_path / "logs" / LOG_FILE_NAME
    (entry,) = [e for e in lines(configured.path) if e["logger"] == "fieldbook.test"]
    assert entry["level"] == "INFO" and entry["message"] == "saved 3 rows"
    assert entry["household_id"] == "0190a000-0000-7000-8000-000000000009"
    assert entry["time"].endswith("+00:00")


def test_the_log_file_rotates_and_keeps_the_configured_number_of_old_files(tmp_path):
    setup = configure_logging(tmp_path / "app.log", max_bytes=2_000, backups=2, hooks=False)
    try:
        for n in range(200):
            logging.getLogger("fieldbook.test").info("line %d of the rotation test", n)
    finally:
        setup.close()

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2"]
    assert all(p.stat().st_size <= 2_000 for p in tmp_path.iterdir())
    assert lines(tmp_path / "app.log")[-1]["message"] == "line 199 of the rotation test"


def test_an_id_number_and_a_phone_are_redacted_in_the_message_arguments_and_traceback(
    configured,
):
    log = logging.getLogger("fieldbook.test")
    log.warning("member %s called from %s", ID_NUMBER, "138 1111 2222")
    log.warning(
        f"an old card {ID_NUMBER[:6]}{ID_NUMBER[8:17]} and {ID_NUMBER[:17]}x, tel 0910-5551234"
    )
    try:
        raise ValueError(f"bad value {ID_NUMBER} for phone {PHONE}")
    except ValueError:
        log.exception("refused")
    configured.handler.flush()

    written = configured.path.read_text(encoding="utf-8")
    for secret in (ID_NUMBER, PHONE, "1111 2222", ID_NUMBER[:17], "5551234"):
        assert secret not in written
    first, second, third = lines(configured.path)[-3:]
    assert first["message"] == f"member {REDACTED_ID} called from {REDACTED_PHONE}"
    assert second["message"].count(REDACTED_ID) == 2 and REDACTED_PHONE in second["message"]
    assert "ValueError: bad value [身份证号] for phone [电话]" in third["exception"]


def test_redaction_leaves_ids_dates_and_household_numbers_alone():
    kept = "0190a000-0000-7000-8000-000000000009 2019-11-30 6104241002010001 seq=12345"
    assert redact(kept) == kept


def test_an_uncaught_exception_of_the_program_ends_up_in_its_log(tmp_path):
    # A plain SQLite file whose pages are garbage: its header says SQLite, its body is not.
    sound = tmp_path / "sound.db"
    with sqlite3.connect(sound) as connection:
        connection.execute("CREATE TABLE t (a)")
    connection.close()
    not_a_database = tmp_path / "garbage.db"
    not_a_database.write_bytes(sound.read_bytes()[:100] + b"\xff" * 3996 + b"garbage" * 2000)
    env = {**os.environ, LOG_DIR_ENV: str(tmp_path / "logs"), "PYTHONPATH": str(ROOT)}

    run = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "info", "--db", str(not_a_database)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 1
    (entry,) = [e for e in lines(tmp_path / "logs" / LOG_FILE_NAME) if e["level"] == "CRITICAL"]
    assert entry["logger"] == "fieldbook.uncaught"
    assert "malformed" in entry["exception"] and "cmd_info" in entry["exception"]


def test_an_uncaught_exception_in_a_thread_ends_up_in_the_log(tmp_path):
    script = (
        "import threading\n"
        "from desktop.logs import configure_logging\n"
        "configure_logging()\n"
        "def work():\n"
        f"    raise RuntimeError('worker failed on {ID_NUMBER}')\n"
        "thread = threading.Thread(target=work, name='recorder')\n"
        "thread.start(); thread.join()\n"
    )
    env = {**os.environ, LOG_DIR_ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}

    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)

    (entry,) = lines(tmp_path / LOG_FILE_NAME)
    assert entry["level"] == "CRITICAL" and entry["thread_name"] == "recorder"
    assert "RuntimeError: worker failed on [身份证号]" in entry["exception"]


def test_a_database_error_is_told_as_a_general_chinese_sentence_never_its_sql():
    engine = create_engine("sqlite://")
    with pytest.raises(OperationalError) as raised, engine.connect() as connection:
        connection.execute(text("INSERT INTO nowhere VALUES (:n)"), {"n": ID_NUMBER})
    assert "nowhere" in str(raised.value)

    assert user_message(raised.value) == DATABASE_ERROR


def test_the_projects_own_chinese_refusals_are_shown_as_they_are():
    from desktop.store.crypto import WrongKey

    assert user_message(WrongKey("PIN 码不对")) == "PIN 码不对"
    assert "磁盘" in user_message(OSError(28, "No space left on device"))
    assert user_message(KeyError("households")) == "程序出了意外的错误,这次的操作没有完成。"
