"""What the printed documents are made from: plain records, read from the store beforehand.

The PDF builders take these records and know nothing of the database; ``desktop.cards.data``
makes them. A ``CardRecord`` has exactly the fields a card may show (no ID number, income or
internal flag can reach a card, whatever its template says).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called as a document is built."""
Cancelled = Callable[[], bool]
"""``cancelled()``: polled between items; ``True`` stops the build (``BuildCancelled``)."""


class BuildCancelled(Exception):
    """The person cancelled a document while it was built; no file was written."""


@dataclass(frozen=True, slots=True)
class CardRecord:
    """One household card: what it prints and the QR text it carries."""

    household_id: str
    household_number: str
    village_code: str
    county: str
    township: str
    village: str
    hamlet: str
    head_name: str
    assistance_person: str
    assistance_phone: str
    year: int
    issue: int
    qr_text: str

    def fields(self) -> dict[str, str]:
        """The values a card template may name."""
        return {
            "county": self.county,
            "township": self.township,
            "village": self.village,
            "hamlet": self.hamlet,
            "head_name": self.head_name,
            "household_number": self.household_number,
            "assistance_person": self.assistance_person,
            "assistance_phone": self.assistance_phone,
            "year": str(self.year),
            "issue": str(self.issue),
        }


@dataclass(frozen=True, slots=True)
class Place:
    """A village with its township and county names."""

    village_id: str
    village_code: str
    village: str
    township: str
    county: str

    @property
    def full_name(self) -> str:
        return f"{self.county}{self.township}{self.village}"


@dataclass(frozen=True, slots=True)
class PublicityRow:
    """One household on a publicity list (公示名单): no ID number, income or internal flag."""

    operation: str  # identify | return | exit
    hamlet: str
    head_name: str
    household_number: str
    member_count: int
    cause: str  # 主要致贫原因 (identify), 返贫原因 (return), blank for exit


@dataclass(frozen=True, slots=True)
class PublicityList:
    place: Place
    year: int
    notice_label: str  # 第一次公示 / 第二次公示 / 公告 / 公示
    start: date
    end: date
    rows: list[PublicityRow]


@dataclass(frozen=True, slots=True)
class BookEntry:
    """One line of the household book: a changed field, who, when, why."""

    at: datetime
    actor: str
    subject: str  # 户 / 成员 王芳 / 收入 2019 …
    field: str  # Chinese label
    old: str
    new: str
    reason: str


@dataclass(frozen=True, slots=True)
class HouseholdBook:
    place: Place
    household_number: str
    head_name: str
    hamlet: str
    entries: list[BookEntry]
    omitted_internal: int = 0  # entries left out because they touch the internal lists


@dataclass(frozen=True, slots=True)
class ProblemRow:
    household_number: str
    head_name: str
    hamlet: str
    severity: str  # error | warning
    code: str
    message: str
    explanation: str  # a ProblemNote's explanation, or ""


@dataclass(frozen=True, slots=True)
class ProblemList:
    place: Place
    year: int
    on: date
    rows: list[ProblemRow]


@dataclass(frozen=True, slots=True)
class ReportHousehold:
    household_number: str
    head_name: str
    village: str
    hamlet: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class DayReport:
    """The day-end field report of one day, for some villages (or all of the database's)."""

    day: date
    scope: str  # the villages' names, or the county's
    visited: list[ReportHousehold] = field(default_factory=list)
    created: list[ReportHousehold] = field(default_factory=list)
    changed: list[ReportHousehold] = field(default_factory=list)
    unsynced: list[ReportHousehold] = field(default_factory=list)
    without_location: list[ReportHousehold] = field(default_factory=list)
    with_open_problems: list[ReportHousehold] = field(default_factory=list)
