"""One shape for every problem a rule finds: a stable code, the field, a severity, a message.

A message is Chinese text (the CLI, the server and the xlsx reports show it as it is). A rule that
builds its message with ``t(template, **args)`` also gives it as data (``Problem.text``): a Chinese
template with named places and the values that fill them, so the interface can render the
template in its own language (``desktop.ui.problem_texts``). A value that is itself words (a code
label, 户主, a nested message) is a ``Text`` too (``term(label)``), and is translated likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """An error blocks saving; a warning (疑似问题) may be saved with a reason."""

    ERROR = "error"
    WARNING = "warning"


LIST_SEPARATOR = "、"


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Text:
    """A Chinese template (``str.format`` places: ``{who}的性别为“{sex}”``) and its values.

    A value is shown with ``str`` (numbers, dates, names, ID numbers), rendered when it is a
    ``Text`` and joined with 、 when it is a tuple.
    """

    template: str
    args: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return self.render()

    def render(self, translate: Callable[[str], str] = _same) -> str:
        """The message in Chinese, or through ``translate`` (source template -> translated)."""
        if not self.args:
            return translate(self.template)
        values = {name: _render_value(value, translate) for name, value in self.args}
        return translate(self.template).format(**values)


def _render_value(value: Any, translate: Callable[[str], str]) -> str:
    if isinstance(value, Text):
        return value.render(translate)
    if isinstance(value, tuple):
        return translate(LIST_SEPARATOR).join(_render_value(v, translate) for v in value)
    return str(value)


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def t(template: str, **args: Any) -> Text:
    """A message as data: ``t("{who}的民族为空", who=...)``. Lists become tuples (joined with 、)."""
    return Text(template, tuple((name, _frozen(value)) for name, value in args.items()))


def term(words: str) -> Text:
    """Words the interface translates as they are (a code label, a field label, 户主)."""
    return Text(words)


def terms(words: Iterable[str]) -> tuple[Text, ...]:
    """Several ``term`` s, shown joined with 、."""
    return tuple(Text(w) for w in words)


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding of a rule, as data.

    ``code`` is stable across releases (tests, exports and explanations refer to it);
    ``field`` names the attribute to fix (``member.id_number``, ``household.main_cause`` …);
    ``entity_id`` points at the household or member row when there is one; ``message`` is the
    Chinese text and ``text`` the same as template and values when the rule gives them.
    """

    code: str
    field: str
    severity: Severity
    message: str
    entity_id: str | None = None
    text: Text | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def words(self) -> Text:
        """The message as a ``Text`` (a plain message is a template without places)."""
        return self.text if self.text is not None else Text(self.message)


def problem(
    code: str, field: str, severity: Severity, text: Text | str, entity_id: str | None = None
) -> Problem:
    """A problem whose message is ``text`` (rendered in Chinese, kept as data)."""
    if isinstance(text, str):
        return Problem(code, field, severity, text, entity_id)
    return Problem(code, field, severity, text.render(), entity_id, text)


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that block saving."""
    return [p for p in problems if p.is_error]
