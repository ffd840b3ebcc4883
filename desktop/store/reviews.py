"""Where a household stands with its reviewer: its latest review and whether it still holds.

A household's review (``HouseholdReview``) is the verdict of the township or county office on the
household as it stood. It holds until the household is changed again: any entry of the household
book (一簿) written after the review's own entries (a save on this laptop, a change pulled from
elsewhere, on the server a change pushed) ends it. The book's ``seq`` orders this, not a clock, so
the answer is the same on a laptop whose clock is wrong; laptops and the server each read their
own book, and agree once they have synced. A review that came without book entries (a laptop
provisioned from a snapshot) is older than anything the book holds.

A returned household is *open* (shown as returned, counted as 退回待改) while its review holds;
an accepted one counts as 已通过 while its review holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.reviews import ACCEPTED, RETURNED, VERDICT_LABELS
from desktop.store.models import Household, HouseholdReview, LedgerEntry

REVIEWS = HouseholdReview.__tablename__
_CHUNK = 500


@dataclass(frozen=True)
class ReviewState:
    """A household's latest review and whether it still holds (no change since)."""

    household_id: str
    review_id: str
    verdict: str
    comment: str | None
    reviewer: str
    reviewed_at: datetime
    holds: bool

    @property
    def label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, self.verdict)

    @property
    def returned(self) -> bool:
        """Returned and not changed since: the field worker still has to act on it."""
        return self.holds and self.verdict == RETURNED

    @property
    def accepted(self) -> bool:
        return self.holds and self.verdict == ACCEPTED


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _latest(rows: Iterable[HouseholdReview]) -> dict[str, HouseholdReview]:
    latest: dict[str, HouseholdReview] = {}
    for row in rows:
        known = latest.get(row.household_id)
        if known is None or (row.reviewed_at, row.id) > (known.reviewed_at, known.id):
            latest[row.household_id] = row
    return latest


def _states(session: Session, latest: dict[str, HouseholdReview]) -> dict[str, ReviewState]:
    if not latest:
        return {}
    review_ids = [r.id for r in latest.values()]
    booked: dict[str, int] = {}
    for chunk in _chunks(review_ids):
        booked.update(
            session.execute(
                select(LedgerEntry.entity_id, func.max(LedgerEntry.seq))
                .where(LedgerEntry.entity == REVIEWS, LedgerEntry.entity_id.in_(chunk))
                .group_by(LedgerEntry.entity_id)
            ).all()
        )
    changed: dict[str, int] = {}
    for chunk in _chunks(list(latest)):
        changed.update(
            session.execute(
                select(LedgerEntry.household_id, func.max(LedgerEntry.seq))
                .where(LedgerEntry.household_id.in_(chunk), LedgerEntry.entity != REVIEWS)
                .group_by(LedgerEntry.household_id)
            ).all()
        )
    return {
        household_id: ReviewState(
            household_id=household_id,
            review_id=row.id,
            verdict=row.verdict,
            comment=row.comment,
            reviewer=row.reviewer,
            reviewed_at=row.reviewed_at,
            holds=changed.get(household_id, 0) <= booked.get(row.id, 0),
        )
        for household_id, row in latest.items()
    }


def review_states(session: Session, household_ids: Iterable[str]) -> dict[str, ReviewState]:
    """The latest review of each of ``household_ids`` that has one (by household id)."""
    ids = sorted(set(household_ids))
    rows: list[HouseholdReview] = []
    for chunk in _chunks(ids):
        rows += session.scalars(
            select(HouseholdReview).where(
                HouseholdReview.household_id.in_(chunk), HouseholdReview.deleted.is_(False)
            )
        ).all()
    return _states(session, _latest(rows))


def review_state(session: Session, household_id: str) -> ReviewState | None:
    """The household's latest review, or ``None`` if it was never reviewed."""
    return review_states(session, [household_id]).get(household_id)


@dataclass(frozen=True)
class ReviewCounts:
    """Per village: households returned and not changed since, accepted and not changed since."""

    returned: int = 0
    accepted: int = 0


def review_counts(session: Session, village_ids: Iterable[str]) -> dict[str, ReviewCounts]:
    """``{village id: ReviewCounts}`` for the villages that have any reviewed household."""
    ids = sorted(set(village_ids))
    rows: list[tuple[HouseholdReview, str]] = []
    for chunk in _chunks(ids):
        rows += session.execute(
            select(HouseholdReview, Household.village_id)
            .join(Household, Household.id == HouseholdReview.household_id)
            .where(
                Household.village_id.in_(chunk),
                Household.deleted.is_(False),
                HouseholdReview.deleted.is_(False),
            )
        ).all()
    village_of = {review.household_id: village for review, village in rows}
    states = _states(session, _latest(review for review, _village in rows))
    counts: dict[str, ReviewCounts] = {}
    for household_id, state in states.items():
        village = village_of[household_id]
        known = counts.get(village, ReviewCounts())
        counts[village] = ReviewCounts(
            returned=known.returned + state.returned, accepted=known.accepted + state.accepted
        )
    return counts
