"""Which member a search matched, when it was not the head (the list shows households by head)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import Member
from desktop.store.search import name_text, normalise_id, normalise_query

HEAD = "01"


def _matches(query: str, name: str | None, id_number: str | None) -> bool:
    if name:
        text = name_text(name)
        if query in text.name or any(
            part.startswith(query) or query in part
            for part in (*text.pinyin.split(), *text.initials.split())
        ):
            return True
    return len(query) >= 3 and query.upper() in normalise_id(id_number)


def matched_members(
    session: Session, query: str, household_ids: Sequence[str]
) -> dict[str, list[str]]:
    """For each household whose head does not match ``query``: the current members who do.

    The same kinds of match as the search (name, pinyin, initials, 3+ digits of an ID number),
    so the list can say "李秀英 matched, in 张建国's household".
    """
    q = normalise_query(query)
    if not q or not household_ids:
        return {}
    rows = session.execute(
        select(Member.household_id, Member.name, Member.id_number, Member.relation)
        .where(
            Member.household_id.in_(list(household_ids)),
            Member.deleted.is_(False),
            Member.left_date.is_(None),
        )
        .order_by(Member.household_id, Member.name)
    ).all()
    heads: set[str] = set()
    found: dict[str, list[str]] = {}
    for household_id, name, id_number, relation in rows:
        if not _matches(q, name, id_number):
            continue
        if relation == HEAD:
            heads.add(household_id)
        else:
            found.setdefault(household_id, []).append(name or "")
    return {h: names for h, names in found.items() if h not in heads}
