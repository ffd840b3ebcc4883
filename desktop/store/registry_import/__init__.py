"""Importing the registry from the national system's export (issue 14).

``reader`` reads the files (xlsx, xls, CSV), ``parse`` finds the sheets and columns and checks
every row into an ``ImportPlan``, ``load`` writes it (``import_registry``, a stand-alone laptop;
the server has ``sync.server.registry_import``), ``report`` writes the xlsx report.
"""

from desktop.store.registry_import.load import (
    IMPORT_REASON,
    RegistryImportResult,
    diff_plan,
    import_registry,
    plan_for,
)
from desktop.store.registry_import.parse import ImportPlan, Issue, plan_import
from desktop.store.registry_import.reader import RegistryFileError
from desktop.store.registry_import.report import write_report

__all__ = [
    "IMPORT_REASON",
    "ImportPlan",
    "Issue",
    "RegistryFileError",
    "RegistryImportResult",
    "diff_plan",
    "import_registry",
    "plan_for",
    "plan_import",
    "write_report",
]
