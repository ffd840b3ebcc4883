"""Every benchmark still runs: each is started at a tiny size, as a script, and must print its
figures (with its baseline) and end with status 0. The figures themselves are not judged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent
TIMEOUT_S = 900


def run_bench(script: str, *args: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_store_bench_prints_bulk_save_and_search_figures_on_both_files() -> None:
    out = run_bench("store_bench.py", "--households", "60", "--saves", "10", "--queries", "3")
    for label in (
        "ratio raw / bulk load",
        "save_household p95 (ms)",
        "baseline: raw transaction per household p95",
        "baseline: same rows, raw executemany, 1 tx (ms)",
        "ratio save_household / same rows raw",
        "rows written to ledger",
        "search reindex",
        "commit",
        "pinyin initials",
    ):
        assert label in out
    assert "plain" in out and "encrypted" in out


def test_the_cards_bench_prints_the_sheet_against_the_fixed_mask_baseline() -> None:
    out = run_bench("cards_bench.py", "--households", "30", "--repeat", "1", "--no-decode")
    assert "baseline: plain QR, fixed mask" in out
    assert "ratio to the fixed-mask baseline" in out
    assert "in 1 commit(s)" in out


def test_the_audit_bench_prints_households_per_second_against_loading() -> None:
    out = run_bench("audit_bench.py", "--households", "60", "--repeat", "1")
    assert "households/s" in out and "audit/load" in out


def test_the_crypto_bench_prints_plain_against_encrypted() -> None:
    out = run_bench("crypto_bench.py", "--households", "60", "--saves", "10", "--queries", "3")
    assert "save_household p95 (ms)" in out and "enc/plain" in out


def test_the_gui_bench_prints_start_search_and_memory_on_both_files(tmp_path: Path) -> None:
    out = run_bench(
        "gui_bench.py",
        *("--households", "60", "--runs", "1", "--queries", "4"),
        *("--db", str(tmp_path / "county")),
    )
    for label in (
        "baseline: empty PySide6 main window painted",
        "household list painted with rows",
        "the PIN's key derivation (scrypt)",
        "searches that did not finish (failed)",
        "steady over the empty window",
        "peak over the empty window's peak",
    ):
        assert label in out
    assert "plain" in out and "encrypted" in out


def test_the_sync_bench_prints_push_against_raw_inserts() -> None:
    out = run_bench(
        "sync_bench.py",
        *("--households", "40", "--devices", "2", "--per-device", "5"),
        *("--backends", "sqlite"),
    )
    assert "raw/e2e" in out


def test_the_as_of_bench_prints_the_as_of_export_against_the_plain_one() -> None:
    out = run_bench("as_of_bench.py", "--households", "60", "--edits", "10", "--repeat", "1")
    assert "plain export" in out and "as-of export" in out and "ratio" in out


def test_the_provision_bench_prints_import_and_provisioning_against_raw_copies() -> None:
    out = run_bench(
        "provision_bench.py",
        *("--households", "200", "--village-households", "50", "--formats", "csv"),
    )
    assert "ratio import/raw" in out and "ratio provisioning/raw" in out


def test_the_web_bench_prints_each_page_against_the_plain_page() -> None:
    out = run_bench("web_bench.py", "--tiny", "--backends", "sqlite")
    assert "--- sqlite ---" in out
    for page in ("plain", "overview", "village", "household"):
        assert f"\n{page} " in out


@pytest.mark.postgres
def test_the_evening_bench_prints_the_county_evening_against_raw_inserts() -> None:
    out = run_bench(
        "evening_bench.py",
        *("--laptops", "3", "--households", "2", "--workers", "2"),
        *("--counties", "2", "--client-processes", "2"),
    )
    for label in ("the evening: 24 of 24 changes applied (the county's feed", "timeouts", "ingest / raw",
                  "parallel counties", "without gaps: True"):  # fmt: skip
        assert label in out
