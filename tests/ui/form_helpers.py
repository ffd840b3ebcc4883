"""Helpers for driving the household form in tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QListWidget


def fill_required(form) -> int:
    """Fill every required field the form reports empty, as a person would (the widget that
    ``go_to_problem`` focuses: the first real choice of a list, the first box of a multi-choice).
    Returns how many were filled."""
    for filled in range(40):
        missing = form.missing(form.validate_now())
        if not missing:
            return filled
        form.go_to_problem(missing[0])
        widget = _field_widget(form, missing[0]) or QApplication.focusWidget()
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(1)
        elif isinstance(widget, QListWidget):
            widget.item(0).setCheckState(Qt.CheckState.Checked)
        else:
            raise AssertionError(f"cannot fill {missing[0].field} with {widget!r}")
    raise AssertionError("required fields keep coming back")


def _field_widget(form, problem):
    entity, _, column = problem.field.partition(".")
    if entity == "member":
        return form.members_tab.editor.binder.widgets.get(column)
    for binder in form.household_binders:
        if column in binder.widgets:
            return binder.widgets[column]
    return None
