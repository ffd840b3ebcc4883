"""Issue 15: the faults a field worker met in a real window, each driven through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from desktop.ui.print_preview import start_build
from desktop.ui.tasks import ImmediateTaskRunner


def test_the_progress_dialog_never_comes_back_after_a_fast_build(qtbot) -> None:
    results: list[str] = []

    def build(progress, _cancelled) -> str:
        progress(3, 3)
        return "done"

    dialog = start_build(ImmediateTaskRunner(), build, label="正在生成户卡…", on_done=results.append)
    assert results == ["done"]
    assert not dialog.isVisible()
    # QProgressDialog's own timer (its minimum duration) fires later: it must not show it again.
    for timer in dialog.findChildren(QTimer):
        timer.timeout.emit()
    dialog.setValue(dialog.maximum())
    assert not dialog.isVisible()
