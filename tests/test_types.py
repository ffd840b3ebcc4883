"""Types and layers, checked on every run of the suite (and so in CI).

- mypy over ``desktop`` and ``sync`` with the settings of ``pyproject.toml`` (strict on the
  domain, the store and sync). Errors of older code are listed in ``mypy-baseline.txt``; any
  error not listed there fails. After fixing some, shorten the list:
  ``.venv/bin/mypy | .venv/bin/mypy-baseline sync --sort-baseline``.
- import-linter's contracts of ``pyproject.toml``: the layers, the Qt and SQL rules, and no import
  cycle between the modules of a package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "MYPY_FORCE_COLOR": "0"}
    return subprocess.run(
        command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=900
    )


def test_mypy_finds_no_error_beyond_the_baseline(tmp_path: Path) -> None:
    checked = _run(
        sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "--no-pretty"
    )
    assert "error:" in checked.stdout or checked.returncode == 0, checked.stderr
    filtered = _run(
        str(BIN / "mypy-baseline"),
        "filter",
        "--allow-unsynced",
        "--no-colors",
        "--hide-stats",
        stdin=checked.stdout,
    )
    assert filtered.returncode == 0, f"new mypy errors:\n{filtered.stdout}"


def test_a_new_type_error_is_caught(tmp_path: Path) -> None:
    """The baseline filter really fails on an error it has not seen (a check that can fail)."""
    new_error = 'desktop/domain/clock.py:1: error: Incompatible types in assignment  [assignment]\n'
    filtered = _run(
        str(BIN / "mypy-baseline"), "filter", "--allow-unsynced", "--no-colors", stdin=new_error
    )
    assert filtered.returncode != 0


def test_the_import_contracts_hold() -> None:
    linted = _run(str(BIN / "lint-imports"), "--no-cache")
    assert linted.returncode == 0, linted.stdout[-4000:]
    assert "0 broken" in linted.stdout
