"""A task runner that holds every job until the test lets it run: the time a real check takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class HeldTaskRunner:
    """Queues jobs; ``release()`` runs them (and their callbacks) in order, as the GUI thread would."""

    def __init__(self) -> None:
        self.held: list[tuple[Callable[[], Any], Callable[[Any], None], Any]] = []

    def run(self, fn, *, on_done, on_error=None, serial: bool = False) -> None:  # noqa: ANN001
        self.held.append((fn, on_done, on_error))

    def release(self) -> int:
        """Run every held job now; returns how many ran."""
        count = 0
        while self.held:
            fn, on_done, on_error = self.held.pop(0)
            count += 1
            try:
                result = fn()
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
            on_done(result)
        return count
