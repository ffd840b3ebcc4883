"""What an operation changed: screens refresh from this one answer, as Anki's ``OpChanges``.

A write of the application layer returns an ``Outcome``: its result and an ``OpChanges`` naming
the households it touched and the kinds of data that changed. Whoever shows data (the main
window's list and tree, the unsynced count, an open form) asks ``changes.touches(kind)`` and
reads again only what it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Kind(StrEnum):
    """The kinds of data an operation can change."""

    HOUSEHOLDS = "households"
    MEMBERS = "members"
    OPERATIONS = "operations"
    CARDS = "cards"
    VILLAGES = "villages"
    DRAFTS = "drafts"
    SETTINGS = "settings"
    SYNC = "sync"
    """The outbox (what is not synced yet) or what a pull brought."""
    DATABASE = "database"
    """The whole database was replaced (a restored backup): everything is to be read again."""


@dataclass(frozen=True)
class OpChanges:
    """Which households and which kinds of data an operation changed."""

    kinds: frozenset[Kind] = frozenset()
    households: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *kinds: Kind,
        households: Iterable[str] = (),
        villages: Iterable[str] = (),
    ) -> OpChanges:
        """``OpChanges.of(Kind.HOUSEHOLDS, Kind.SYNC, households=[id])``."""
        return cls(frozenset(kinds), frozenset(households), frozenset(villages))

    @classmethod
    def everything(cls) -> OpChanges:
        """After the database was replaced: every kind changed."""
        return cls(frozenset(Kind))

    @property
    def empty(self) -> bool:
        return not self.kinds

    def touches(self, *kinds: Kind) -> bool:
        """Whether any of ``kinds`` changed (a replaced database touches every kind)."""
        return Kind.DATABASE in self.kinds or any(kind in self.kinds for kind in kinds)

    def touches_household(self, household_id: str | None) -> bool:
        """Whether this household changed (a replaced database changed them all)."""
        return Kind.DATABASE in self.kinds or (
            household_id is not None and household_id in self.households
        )

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(
            self.kinds | other.kinds,
            self.households | other.households,
            self.villages | other.villages,
        )


NO_CHANGES = OpChanges()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a write answered (``result``) and what it changed (``changes``)."""

    result: T
    changes: OpChanges = field(default=NO_CHANGES)
