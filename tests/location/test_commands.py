"""``fieldbook gps``: one JSON object per accepted fix, from a log or from a (pseudo-)serial port."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

import desktop.cli as cli
from desktop.cli.gps import register


@pytest.fixture
def fieldbook(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``fieldbook`` with the gps command registered; returns (status, json lines, stderr)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("desktop.cli.gps",))

    def run(*argv: str) -> tuple[int, list[dict], str]:
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, [json.loads(line) for line in out.splitlines() if line.strip()], err

    return run


def test_the_module_registers_a_gps_command_with_json() -> None:
    added = {}

    def add(name, handler, help_text):
        import argparse

        parser = argparse.ArgumentParser()
        parser.add_argument("--json", action="store_true")
        added[name] = (handler, help_text, parser)
        return parser

    register(add)
    assert "gps" in added and "JSON" in added["gps"][1]


def test_a_replay_prints_every_accepted_fix_as_one_json_line(fieldbook, log) -> None:
    status, lines, err = fieldbook("gps", "--replay", str(log("beidou_only.nmea")))
    assert status == 0
    assert len(lines) == 3 and all(
        line["accepted"] and line["method"] == "average" for line in lines
    )
    assert lines[0]["constellations"] == ["BeiDou"] and lines[0]["time"] == "2019-10-21T02:15:04Z"
    assert "可采用的定位 3 个" in err


def test_all_adds_the_refused_epochs_with_their_reason(fieldbook, log) -> None:
    status, lines, err = fieldbook("gps", "--replay", str(log("jumping_receiver.nmea")), "--all")
    refused = [line for line in lines if not line["accepted"]]
    assert status == 0 and [r["refusal"] for r in refused] == ["jump", "jump", "jump"]
    assert "位置跳变" in refused[0]["reason"] and refused[0]["line"] > 0
    assert "跳变 3" in err


def test_count_stops_after_that_many_fixes(fieldbook, log) -> None:
    status, lines, _err = fieldbook(
        "gps", "--replay", str(log("ublox_m8_multi.nmea")), "--count", "2"
    )
    assert status == 0 and len(lines) == 2


def test_a_log_with_nothing_acceptable_exits_1_and_says_why(fieldbook, log) -> None:
    status, lines, err = fieldbook("gps", "--replay", str(log("wrong_baud.nmea")))
    assert status == 1 and lines == []
    assert "没有读到任何有效的 NMEA 语句" in err
    status, lines, err = fieldbook("gps", "--replay", str(log("simulator_abroad.nmea")), "--json")
    assert status == 1 and lines == []
    summary = json.loads(err)["summary"]
    assert summary["refusals"] == {"estimated": 3, "outside_china": 3} and summary["accepted"] == 0


def test_a_missing_log_or_port_is_a_usage_error(fieldbook, tmp_path: Path) -> None:
    status, _lines, err = fieldbook("gps", "--replay", str(tmp_path / "none.nmea"))
    assert status == 2 and "找不到" in err
    status, _lines, err = fieldbook("gps", "--port", str(tmp_path / "ttyNONE"))
    assert status == 2 and "无法打开" in err


def test_replay_and_port_cannot_be_given_together(fieldbook, log) -> None:
    with pytest.raises(SystemExit) as exited:
        fieldbook("gps", "--replay", str(log("beidou_only.nmea")), "--port", "COM3")
    assert exited.value.code == 2


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_receiver_on_a_serial_port_is_read_recorded_and_replays_the_same(
    fieldbook, log, tmp_path: Path
) -> None:
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    port = os.ttyname(slave)
    data = log("ublox_m8_multi.nmea").read_bytes().splitlines(keepends=True)
    stop = threading.Event()

    def receiver() -> None:  # a receiver sends its epochs whether anyone listens or not
        time.sleep(0.3)
        for line in data:
            if stop.is_set():
                return
            os.write(master, line)
            time.sleep(0.001)

    thread = threading.Thread(target=receiver, daemon=True)
    thread.start()
    record = tmp_path / "recorded.nmea"
    try:
        status, lines, _err = fieldbook(
            "gps", "--port", port, "--seconds", "10", "--count", "4", "--record", str(record)
        )
    finally:
        stop.set()
        thread.join(5)
        os.close(master)
        os.close(slave)
    assert status == 0 and len(lines) == 4
    assert all(line["method"] == "single" for line in lines)
    recorded = record.read_text().splitlines()
    assert recorded and all(line.split(" ", 1)[0].replace(".", "").isdigit() for line in recorded)
    status, replayed, _err = fieldbook("gps", "--replay", str(record))
    assert [(r["latitude"], r["longitude"]) for r in replayed][:4] == [
        (r["latitude"], r["longitude"]) for r in lines
    ]


def test_the_command_runs_as_a_separate_process(log) -> None:
    import subprocess

    code = (
        "import sys, desktop.cli as cli; cli.COMMAND_MODULES = ('desktop.cli.gps',); "
        "sys.exit(cli.main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "gps", "--replay", str(log("zhongke_cold_start.nmea"))],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 11
    assert "未定位 8" in proc.stderr and "卫星太少 1" in proc.stderr
