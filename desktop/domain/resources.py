"""Find files under ``resources/`` whether running from a checkout or from a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The ``resources`` folder: inside the bundle (``sys._MEIPASS``) or at the repository root."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """A path below ``resources/``; it is not checked to exist."""
    return resources_root().joinpath(*parts)
