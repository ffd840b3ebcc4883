"""One shape for every problem a rule finds: a stable code, the field, a severity, a Chinese message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """An error blocks saving; a warning (疑似问题) may be saved with a reason."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding of a rule, as data.

    ``code`` is stable across releases (tests, exports and explanations refer to it);
    ``field`` names the attribute to fix (``member.id_number``, ``household.main_cause`` …);
    ``entity_id`` points at the household or member row when there is one.
    """

    code: str
    field: str
    severity: Severity
    message: str
    entity_id: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that block saving."""
    return [p for p in problems if p.is_error]
