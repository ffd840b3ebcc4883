"""The app's *now*, injected: the real clock, a demo's practice date, or a test's fixed moment.

Rules never read the system clock themselves: whoever runs them (the save, the CLI, an import, the
GUI) passes a ``Clock`` down. A moment is naive Beijing time, as the policy years' dates are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Protocol, runtime_checkable

from desktop.domain.policy import BEIJING, local_moment

PRACTICE_DATE_SETTING = "practice_date"
"""The settings key of a demo database's practice date (an ISO date or date-time)."""


@runtime_checkable
class Clock(Protocol):
    """Something that says what time it is now (naive Beijing time)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in Beijing time."""

    def now(self) -> datetime:
        return datetime.now(BEIJING).replace(tzinfo=None)


class FixedClock:
    """A clock that always says the same moment: a test's, or a demo's practice date."""

    def __init__(self, moment: datetime | date) -> None:
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(9, 0))
        self.moment = local_moment(moment)

    def now(self) -> datetime:
        return self.moment

    def __repr__(self) -> str:
        return f"FixedClock({self.moment.isoformat()})"


class CallableClock:
    """A clock over a function returning a datetime (the GUI's ``clock=`` callables)."""

    def __init__(self, func: Callable[[], datetime]) -> None:
        self.func = func

    def now(self) -> datetime:
        return local_moment(self.func())


SYSTEM_CLOCK = SystemClock()


def today(clock: Clock | None = None) -> date:
    """The clock's day: the default a rule uses when its caller named no day (the system clock,
    the one place that reads the machine's time)."""
    return (clock or SYSTEM_CLOCK).now().date()


def as_clock(value: Clock | Callable[[], datetime] | datetime | date | None) -> Clock:
    """Any way a caller names *now* as a ``Clock``; None is the system clock."""
    if value is None:
        return SYSTEM_CLOCK
    if isinstance(value, datetime | date):
        return FixedClock(value)
    if isinstance(value, Clock):
        return value
    if callable(value):
        return CallableClock(value)
    raise TypeError(f"not a clock: {value!r}")


def practice_clock(text: str | None) -> Clock:
    """The clock of a database with a practice date (``PRACTICE_DATE_SETTING``), else the system's."""
    if not text:
        return SYSTEM_CLOCK
    try:
        return FixedClock(datetime.fromisoformat(text.strip()))
    except ValueError:
        return SYSTEM_CLOCK
