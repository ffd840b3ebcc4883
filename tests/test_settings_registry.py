"""Settings are declared once (``desktop.settings_registry``), documented, and the code uses no other.

The documentation ``docs/settings.md`` must be what the registry renders today; every key the
code reads or writes — the database's ``settings`` rows, the app's ``QSettings``, environment
variables — must be declared there; the server's figures come from the registry and an
environment variable overrides them.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from desktop.settings_registry import (
    DOC_PATH,
    LOCATION_ENV_PREFIX,
    SERVER_ENV_PREFIX,
    ServerSettings,
    declared_settings,
    render_markdown,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for pkg in ("desktop", "sync") for p in (ROOT / pkg).rglob("*.py"))
SETTING_CALLS = {"get_setting", "set_setting"}


@functools.cache
def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}


def _string_constants(trees: dict[Path, ast.Module]) -> dict[str, set[str]]:
    """Module-level ``NAME = "text"`` assignments of every module, by name."""
    found: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, set()).add(node.value.value)
    return found


def _declared_keys(place: str) -> set[str]:
    return {s.key for s in declared_settings() if s.place == place}


def _is_declared(key: str, declared: set[str]) -> bool:
    return key in declared or any(d.endswith(".*") and key.startswith(d[:-1]) for d in declared)


def test_the_documentation_is_what_the_registry_renders_today():
    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/settings.md is stale: run python -m desktop.settings_registry --write"
    )


def test_every_declared_setting_is_documented_with_its_help():
    doc = DOC_PATH.read_text(encoding="utf-8")
    settings = declared_settings()
    assert len(settings) > 40  # the five places together
    for setting in settings:
        assert setting.help.strip(), f"{setting.key} has no help text"
        row = next(
            (line for line in doc.splitlines() if line.startswith(f"| `{setting.key}` |")), ""
        )
        assert setting.help.replace("|", "\\|") in row, f"{setting.key} is not documented"


def test_every_settings_row_the_code_reads_or_writes_is_declared():
    trees = _trees()
    constants = _string_constants(trees)
    declared = _declared_keys("database")
    used: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in SETTING_CALLS:
                continue
            key = node.args[1]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                used.add(key.value)
            elif isinstance(key, ast.Name):
                assert key.id in constants, f"{key.id}: a setting key that is no string constant"
                used |= constants[key.id]
    assert len(used) >= 10
    undeclared = sorted(k for k in used if not _is_declared(k, declared))
    assert undeclared == [], f"settings rows used but not declared: {undeclared}"
    for name in ("SETTING_SIGNING_KEY", "SETTING_BUNDLE_KEY", "SETTING_SNAPSHOT", "BUNDLE_KEY"):
        assert all(_is_declared(value, declared) for value in constants[name]), name


def _qsettings_key_arguments(tree: ast.Module) -> list[ast.expr]:
    """The key argument of every ``<...>settings.value/setValue/remove(key, ...)`` call."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"value", "setValue", "remove"}
            and "settings" in ast.unparse(node.func.value).lower()
            and node.args
        ):
            found.append(node.args[0])
    return found


def test_every_qsettings_key_of_the_app_is_declared_once_and_taken_from_there():
    trees = _trees()
    declared = _declared_keys("preferences")
    light = trees[ROOT / "desktop" / "preference_keys.py"]
    constants = {
        target.id: node.value.value
        for node in light.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.endswith("_KEY")
    }
    assert len(constants) >= 6
    # The light module's keys are exactly the registry's: one declaration, read by both.
    assert set(constants.values()) == declared
    used: set[str] = set()
    for path, tree in trees.items():
        if path.name == "settings_registry.py" or ROOT / "desktop" / "store" in path.parents:
            continue  # the registry declares; the store's own settings table is not QSettings
        for key in _qsettings_key_arguments(tree):
            if isinstance(key, ast.Call) and getattr(key.func, "id", None) == "window_key":
                key = key.args[0]
            assert isinstance(key, ast.Name), (
                f"{path.relative_to(ROOT)}:{key.lineno}: a QSettings key spelled in place "
                f"({ast.unparse(key)}); take it from desktop.preference_keys"
            )
            assert key.id in constants, f"{path.relative_to(ROOT)}: {key.id} is no declared key"
            used.add(key.id)
    # Every key the app uses is read or written somewhere through its constant.
    assert used == set(constants), sorted(set(constants) ^ used)


def test_every_environment_variable_the_code_reads_is_declared():
    declared = {s.override.strip("`") for s in declared_settings()}
    named = set()
    for path in SOURCES:
        named |= set(re.findall(r'"(FIELDBOOK_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    prefixes = {"FIELDBOOK_", SERVER_ENV_PREFIX, LOCATION_ENV_PREFIX}
    assert named - prefixes, "no environment variable found: the scan is broken"
    undeclared = sorted(n for n in named - prefixes if n not in declared)
    assert undeclared == [], f"environment variables read but not declared: {undeclared}"


def test_a_server_setting_is_overridden_by_its_environment_variable(monkeypatch):
    assert ServerSettings().port == 8000
    monkeypatch.setenv(f"{SERVER_ENV_PREFIX}PORT", "9123")
    monkeypatch.setenv(f"{SERVER_ENV_PREFIX}MAX_BODY_BYTES", "1024")
    settings = ServerSettings()
    assert (settings.port, settings.max_body_bytes) == (9123, 1024)


def test_the_server_uses_the_registrys_figures():
    from sync.server import app, cli
    from sync.server.db import DEFAULT_DATABASE_URL
    from sync.server.web import accounts, data, pages

    settings = ServerSettings()
    assert settings.db == DEFAULT_DATABASE_URL
    assert (
        settings.max_body_bytes,
        settings.push_lock_timeout,
        settings.max_waiting_writers,
    ) == (app.MAX_BODY_BYTES, app.PUSH_LOCK_TIMEOUT, app.MAX_WAITING_WRITERS)
    assert (
        settings.retry_after_seconds,
        settings.enroll_attempts,
        settings.enroll_window_seconds,
    ) == (app.RETRY_AFTER_SECONDS, app.ENROLL_ATTEMPTS, app.ENROLL_WINDOW_SECONDS)
    assert settings.max_json_depth == app.MAX_JSON_DEPTH
    assert settings.import_lock_timeout == cli.IMPORT_LOCK_TIMEOUT
    serve = cli._parser().parse_args(["serve"])
    assert (serve.host, serve.port, serve.workers, serve.db) == (
        settings.host,
        settings.port,
        settings.workers,
        settings.db,
    )
    # the web pages' figures are read from the registry, not spelled again
    web = ROOT / "sync" / "server" / "web"
    figures = {"PASSWORD_MIN_CHARS", "CHART_DAYS", "LIST_PAGE", "SEARCH_LIMIT", "WRITE_TIMEOUT"}
    read = set()
    for name in ("accounts.py", "data.py", "pages.py"):
        for node in _trees()[web / name].body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in figures for t in node.targets
            ):
                assert ast.unparse(node.value).startswith("server_settings()."), ast.unparse(node)
                read |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    assert read == figures
    assert settings.web_password_min_chars == accounts.PASSWORD_MIN_CHARS
    assert (
        settings.web_chart_days,
        settings.web_list_page,
        settings.web_search_limit,
    ) == (data.CHART_DAYS, data.LIST_PAGE, data.SEARCH_LIMIT)
    assert settings.web_write_timeout == pages.WRITE_TIMEOUT
