"""The application layer: what the laptop's screens (and scripts) ask of Fieldbook, without Qt.

``Fieldbook`` (``service.py``) owns the open database, the clock and the signed-in person, and
offers the day's operations: save a household, keep a draft, record a committee's location,
print, back up, restore, search. Every write runs on the database's one writer
(``desktop.store.writer``) and answers with ``OpChanges`` (``changes.py``): what it changed, so
that every screen refreshes from one announcement. ``household_editor.py`` is the household
form's logic (checks, what blocks a save, what needs a reason) with no widget in it.

Nothing here imports PySide6: the layer runs, and is tested, without a ``QApplication``.
"""

from desktop.application.changes import Kind, OpChanges, Outcome
from desktop.application.service import Fieldbook

__all__ = ["Fieldbook", "Kind", "OpChanges", "Outcome"]
