"""The main window's search, as session queries its interruptible runner can stop midway.

``find_with_members`` answers the household ids matching a query within a division (everywhere
when None), and, for the first households found, the members matched other than the head, with
each such household's number and head: the note above the list says why they were found.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.queries import village_ids_under
from desktop.store.search import search_households

SEARCH_LIMIT = 1000
SEARCH_NOTE_HOUSEHOLDS = 200
"""The search's first households checked for a match through a member other than the head."""


def find_households(
    session: Session, query: str, division_id: str | None, *, limit: int = SEARCH_LIMIT
) -> list[str]:
    """Search within the villages of ``division_id`` (everywhere when ``None``)."""
    villages = village_ids_under(session, division_id) if division_id else None
    return search_households(session, query, limit=limit, village_ids=villages)


def find_with_members(
    session: Session, query: str, division_id: str | None
) -> tuple[list[str], dict[str, list[str]], dict[str, str]]:
    """``find_households``, plus the members matched in households whose head did not match
    (with each such household's number and head, for the note above the list)."""
    from desktop.store.models import Household
    from desktop.store.search_matches import matched_members

    ids = find_households(session, query, division_id)
    matches = matched_members(session, query, ids[:SEARCH_NOTE_HOUSEHOLDS])
    titles = {
        h.id: f"{h.household_number} {h.head_name or ''}".strip()
        for h in session.execute(
            select(Household.id, Household.household_number, Household.head_name).where(
                Household.id.in_(list(matches))
            )
        )
    }
    return ids, matches, titles
