"""The desktop build: ``build.spec`` makes a PyInstaller one-folder build, and the built program's
``--self-check`` passes on Qt's offscreen platform, away from the source tree.

Slow (about a minute to build), and part of CI all the same: under ``CI=true`` a missing
PyInstaller fails the test instead of skipping it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 900


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built folder ``dist/fieldbook`` (built once for this module)."""
    if importlib.util.find_spec("PyInstaller") is None:
        reason = "PyInstaller is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("build")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "build.spec"),
            "--noconfirm",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    assert proc.returncode == 0, (
        f"PyInstaller failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    )
    folder = out / "dist" / "fieldbook"
    assert folder.is_dir()
    return folder


def _program(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if os.name == "nt" else name)


def _clean_env(home: Path) -> dict[str, str]:
    """No virtualenv, no PYTHONPATH, a fresh home: only what the bundle brings."""
    env = {
        "PATH": os.defpath,
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
    }
    for name in ("SYSTEMROOT", "WINDIR", "TEMP", "TMP"):  # Windows needs these
        if name in os.environ:
            env[name] = os.environ[name]
    return env


@pytest.mark.slow
def test_the_built_program_passes_its_self_check_offscreen(built: Path, tmp_path: Path):
    proc = subprocess.run(
        [str(_program(built, "fieldbook")), "--self-check"],
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    output = proc.stdout
    assert proc.returncode == 0, f"self-check failed:\n{output}\n{proc.stderr[-4000:]}"
    assert output.rstrip().endswith("自检通过")
    assert "[失败]" not in output
    steps = [line for line in output.splitlines() if line.startswith("[通过]")]
    assert len(steps) == 8
    # resources come from inside the bundle, not from the source tree
    assert str(built) in next(line for line in steps if "资源文件" in line)
    assert "Qt 平台 offscreen" in output
    if (ROOT / "desktop" / "cards" / "service.py").is_file():
        card = next(line for line in steps if "户卡 PDF" in line)
        assert "字节" in card, card  # rendered, not skipped
    assert not list(tmp_path.glob("*.db")), "the self-check writes only to its own temp folder"


@pytest.mark.slow
def test_the_built_command_line_runs_headless_subcommands(built: Path, tmp_path: Path):
    proc = subprocess.run(
        [str(_program(built, "fieldbook-cli")), "check-id", "--json", "11010519491231002X"],
        cwd=tmp_path,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert '"valid": true' in proc.stdout


@pytest.mark.slow
def test_the_bundle_carries_its_data_and_leaves_the_server_and_tests_out(built: Path):
    internal = built / "_internal"
    assert (internal / "resources" / "policy" / "2019.toml").is_file()
    assert (internal / "resources" / "codes" / "relation.json").is_file()
    assert list((internal / "desktop" / "store" / "migrations" / "versions").glob("0001_*.py"))
    assert (internal / "pypinyin" / "phrases_dict.json").is_file()
    names = {p.name for p in internal.iterdir()}
    assert not names & {"fastapi", "uvicorn", "pytest", "_pytest", "tests", "hypothesis"}
    assert not (internal / "sync" / "server").exists()
