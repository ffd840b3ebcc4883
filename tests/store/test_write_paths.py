"""No write path skips the operation rules (issue 12).

The registry's flush guard (``desktop.store.db.registry_writer``) lets only declared writers
write registry rows. This test pins who declares what, so that a new write path cannot appear
without passing through ``save_household`` (which runs ``check_transition``) or the sync apply
(which books pulled status changes, see ``desktop.store.sync_apply.pulled_status_reason``):

- ``save``: only ``desktop/store/save.py`` (``save_household``, and ``save_village_rows``, which
  refuses a household whose status or flags changed);
- ``sync``: the pull apply (``sync_apply``, ``sync/client/``) and the server's push apply, where
  the server's merge runs ``desktop.domain.operations.check_transition``;
- ``bulk``: the bulk loader and the demo county (a baseline, no outbox);
- ``selfcheck``: the self-check's own temporary database.

Every import and command that changes households (the assistance import, the cross-check
import, procedure steps, the marginal/monitored marks, the CLI ``operation``) calls
``save_household``; the behaviour of each is tested in ``test_operation_rules.py``,
``test_crosscheck.py``, ``test_exchange.py``, ``test_quota.py`` and ``test_procedures.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import desktop
import sync

ROOTS = (Path(desktop.__file__).parent, Path(sync.__file__).parent)
ALLOWED_WRITERS = {
    "desktop/store/save.py": {"save"},
    "desktop/store/sync_apply.py": {"SYNC_WRITER"},
    "sync/client/pull.py": {"SYNC_WRITER"},
    "sync/client/push.py": {"SYNC_WRITER"},
    "sync/server/push.py": {"SYNC_WRITER"},
    # a new laptop's villages in snapshot pages, as the server holds them (like a pull)
    "sync/provision.py": {"SYNC_WRITER"},
    # a village the county moved to another laptop, removed once nothing of it is unsent
    "sync/reassign.py": {"SYNC_WRITER"},
    "desktop/store/bulk.py": {"BULK_WRITER"},
    "desktop/store/demo.py": {"bulk"},
    "desktop/selfcheck.py": {"selfcheck"},
    # a print run's card issues: card-register rows and their outbox changes, never a household edit
    "desktop/store/card_register.py": {"cards"},
    # the national system's export: new households in bulk, and on a stand-alone laptop the fields
    # a newer export changed (the national system's record is the authority there), each booked
    "desktop/store/registry_import/load.py": {"bulk"},
}
IMPORT_SAVE = ("desktop/store/exchange/importing.py", "save_in_import")
SAVING_IMPORTS = {
    "desktop/store/exchange/assistance_import.py": "commit_assistance_import",
    "desktop/store/crosscheck.py": "commit_crosscheck_import",
    "desktop/store/procedures.py": "record_household_step",
    "desktop/store/quota.py": "mark_household",
    "desktop/store/household_edit.py": "save_form",
    "desktop/store/verification.py": "commit_verification_import",
}


def _writers() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for root in ROOTS:
        for path in root.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None))
                    == "registry_writer"
                    and len(node.args) >= 2
                ):
                    arg = node.args[1]
                    name = arg.value if isinstance(arg, ast.Constant) else ast.unparse(arg)
                    key = path.relative_to(root.parent).as_posix()
                    found.setdefault(key, set()).add(str(name))
    return found


def _calls(path: Path, function: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return {
                getattr(c.func, "id", getattr(c.func, "attr", ""))
                for c in ast.walk(node)
                if isinstance(c, ast.Call)
            }
    raise AssertionError(f"{path}: no function {function}")


def test_only_the_save_the_sync_apply_and_the_bulk_loaders_declare_registry_writes() -> None:
    writers = _writers()
    assert writers == ALLOWED_WRITERS


def test_every_import_and_command_that_changes_households_goes_through_the_save() -> None:
    root = ROOTS[0].parent
    # an import's save: save_household, its refusal turned into ImportRefused
    assert "save_household" in _calls(root / IMPORT_SAVE[0], IMPORT_SAVE[1])
    for relative, function in SAVING_IMPORTS.items():
        assert {"save_household", IMPORT_SAVE[1]} & _calls(root / relative, function), relative
