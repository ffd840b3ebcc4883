"""The import rules of DESIGN.md, checked over every module in the tree (new ones included).

- Only ``desktop/ui/`` imports PySide6; importing anything else never loads Qt.
- ``desktop/domain/`` is pure Python: no SQL, no Qt, nothing of ours outside ``desktop.domain``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop", "sync")
UI = ROOT / "desktop" / "ui"
DOMAIN = ROOT / "desktop" / "domain"
QT_ROOTS = ("PySide6", "shiboken6")
FORBIDDEN_IN_DOMAIN = ("sqlalchemy", "alembic", *QT_ROOTS)


def _is_under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _source_files() -> list[Path]:
    """Every .py file below the project's packages (package or not, e.g. migrations)."""
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _importable_modules() -> list[str]:
    """Dotted names of the modules that live in real packages (every parent has __init__.py)."""
    names = []
    for path in _source_files():
        if path.stem == "__main__":  # importing it would start the program
            continue
        parents = path.relative_to(ROOT).parents
        if all((ROOT / parent / "__init__.py").is_file() for parent in list(parents)[:-1]):
            names.append(_module_name(path))
    return names


def _imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, absolute dotted name) for each import in the file; relative imports resolved.

    ``from pkg import name`` yields ``pkg.name`` as well as ``pkg``, since ``name`` may be a module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _root(name: str) -> str:
    return name.partition(".")[0]


def test_the_tree_walk_finds_the_projects_modules() -> None:
    modules = _importable_modules()
    assert "desktop.domain.problems" in modules
    assert {"desktop", "desktop.ui", "sync", "sync.server"} <= set(modules)


# Runs in a fresh interpreter: imports each module, reports import errors and the first module
# whose import loaded PySide6, with the chain of our modules that led there.
_IMPORT_PROBE = r"""
import importlib, json, sys, traceback

first_qt_import = []

class QtWatch:
    def find_spec(self, name, path=None, target=None):
        if not first_qt_import and name.partition(".")[0] in ("PySide6", "shiboken6"):
            chain = [f.f_globals.get("__name__", "?") for f, _ in traceback.walk_stack(None)]
            ours = [n for n in reversed(chain) if n.partition(".")[0] in ("desktop", "sync")]
            first_qt_import.append(" -> ".join(dict.fromkeys(ours)) + " -> " + name)
        return None

sys.meta_path.insert(0, QtWatch())
report = {"errors": {}, "qt": None}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except BaseException:
        report["errors"][name] = traceback.format_exc()
        continue
    if report["qt"] is None and any(m.partition(".")[0] == "PySide6" for m in sys.modules):
        report["qt"] = {"module": name, "chain": first_qt_import[:1]}
print("REPORT" + json.dumps(report))
"""


def _probe_imports(modules: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, json.dumps(modules)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT")), None)
    assert proc.returncode == 0 and line, f"import probe crashed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(line.removeprefix("REPORT"))


def test_the_import_probe_notices_pyside6() -> None:
    report = _probe_imports(["desktop", "PySide6.QtCore"])
    assert report["errors"] == {}
    assert report["qt"]["module"] == "PySide6.QtCore"


def test_importing_any_module_outside_desktop_ui_never_loads_pyside6() -> None:
    modules = [
        m for m in _importable_modules() if m != "desktop.ui" and not m.startswith("desktop.ui.")
    ]
    report = _probe_imports(modules)

    errors = report["errors"]
    assert not errors, (
        "these modules fail to import (if a dependency is missing, ./dev.sh setup installs "
        ".[server,dev]):\n" + "\n".join(f"--- {name}\n{tb}" for name, tb in errors.items())
    )
    qt = report["qt"]
    assert qt is None, (
        f"importing {qt['module']} loaded PySide6 (only desktop/ui/ may): "
        f"{qt['chain'][0] if qt['chain'] else '?'}"
    )


def test_domain_imports_no_sql_no_qt_and_nothing_of_ours_outside_domain() -> None:
    files = [p for p in _source_files() if _is_under(p, DOMAIN)]
    assert files, "desktop/domain/ has no modules"
    bad = []
    for path in files:
        for line, name in _imported_names(path):
            root = _root(name)
            ours_outside = root in PACKAGES and not (
                name in ("desktop", "desktop.domain") or name.startswith("desktop.domain.")
            )
            if root in FORBIDDEN_IN_DOMAIN or ours_outside:
                bad.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    assert not bad, "desktop/domain/ must stay pure Python:\n" + "\n".join(sorted(set(bad)))


def test_only_desktop_ui_imports_pyside6() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in _source_files()
        if not _is_under(path, UI)
        for line, name in _imported_names(path)
        if _root(name) in QT_ROOTS
    ]
    assert not bad, "only desktop/ui/ may import PySide6:\n" + "\n".join(sorted(set(bad)))
