"""Printing household cards end to end: issue numbers, the sheet, and the save that records them.

A household printed for the first time gets issue 1; a reprint (``reprint=True``) gets the next
issue, which revokes every older card of that household. The sheet is built first, in memory
(it can be cancelled: nothing is saved or written then); the new issue numbers are then saved
through the one save path (``save_household``, reason 首次打印户卡 or 补打户卡: the household book
and the outbox record them); only then is the file written. Printing cards again without
``reprint`` prints the issue in force and changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from desktop.cards.data import card_records
from desktop.cards.keys import card_key
from desktop.cards.pdf import write_output
from desktop.cards.records import Cancelled, Progress
from desktop.cards.sheet import SheetResult, build_card_sheet
from desktop.cards.templates import DEFAULT_TEMPLATE, CardTemplate
from desktop.domain.problems import Problem
from desktop.store.models import Household, Income, Member
from desktop.store.save import SaveRefused, save_household

FIRST_PRINT_REASON = "首次打印户卡"
REPRINT_REASON = "补打户卡"


@dataclass
class PrintResult:
    """What a print run did."""

    sheet: SheetResult
    printed: list[str] = field(default_factory=list)  # household numbers, in print order
    issued: dict[str, int] = field(default_factory=dict)  # number -> new issue saved
    refused: dict[str, str] = field(default_factory=dict)  # number -> why no card was printed


def _card_issue_only(_household: Household) -> list[Problem]:
    """Only the card issue changes: the household's data problems are the audit's business, and
    a lost card must be replaceable whatever they are."""
    return []


def print_cards(
    session: Session,
    household_ids: Sequence[str],
    out: Path | str | BinaryIO,
    *,
    actor: str,
    reprint: bool = False,
    template: CardTemplate | str = DEFAULT_TEMPLATE,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> PrintResult:
    """Print the cards of ``household_ids`` (in that order) to ``out``; see the module doc.

    ``progress(done, total)`` counts cards drawn, then issue numbers saved. Raises
    ``BuildCancelled`` if cancelled while the sheet is built (nothing saved, nothing written).
    """
    from desktop.cards.pdf import set_practice_mark
    from desktop.store.settings import practice_date

    set_practice_mark(practice_date(session) is not None)  # 演示 on every page of the demo
    ids = list(dict.fromkeys(household_ids))
    current = _issues_in_chunks(session, ids)
    planned = {h: (current[h] + 1 if reprint else max(1, current[h])) for h in ids if h in current}
    changes = {h: issue for h, issue in planned.items() if issue != current[h]}
    key = card_key(session, create=True)
    assert key is not None
    records = card_records(session, ids, key=key, issues=planned)
    total = len(records) + len(changes)

    def card_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, total)

    buffer = io.BytesIO()
    sheet = build_card_sheet(
        records, buffer, template=template, progress=card_progress, cancelled=cancelled
    )
    result = PrintResult(sheet=sheet)
    numbers = {r.household_id: r.household_number for r in records}
    done = len(records)
    loaded = _load_for_save(session, list(changes))
    for household_id, issue in changes.items():
        household = loaded[household_id]
        reason = REPRINT_REASON if reprint else FIRST_PRINT_REASON
        household.card_issue = issue
        try:
            save_household(
                session, household, actor=actor, reason=reason, validator=_card_issue_only
            )
        except SaveRefused as exc:
            session.rollback()
            result.refused[numbers[household_id]] = (
                exc.message + ": " + "; ".join(p.message for p in exc.problems)
            )
        else:
            result.issued[numbers[household_id]] = issue
        done += 1
        if progress is not None:
            progress(done, total)
    kept = [r for r in records if r.household_number not in result.refused]
    if len(kept) != len(records):  # rare: print again without the households that were refused
        buffer = io.BytesIO()
        result.sheet = build_card_sheet(kept, buffer, template=template)
    result.printed = [r.household_number for r in kept]
    write_output(buffer.getvalue(), out)
    return result


def _issues_in_chunks(session: Session, ids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(ids), 900):
        found.update(
            session.execute(
                select(Household.id, Household.card_issue).where(
                    Household.id.in_(ids[start : start + 900])
                )
            ).all()
        )
    return found


def _load_for_save(session: Session, ids: Sequence[str]) -> dict[str, Household]:
    """The households with every row the save walks, loaded a chunk at a time (one query per
    relationship instead of a dozen lazy loads per household)."""
    found: dict[str, Household] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(Household)
            .where(Household.id.in_(ids[start : start + 500]))
            .options(
                selectinload(Household.members).selectinload(Member.crosschecks),
                selectinload(Household.members).selectinload(Member.settlements),
                selectinload(Household.incomes).selectinload(Income.items),
                selectinload(Household.measures),
                selectinload(Household.risks),
                selectinload(Household.natural_changes),
                selectinload(Household.procedure_steps),
                joinedload(Household.assistance_person),
                joinedload(Household.village),
            )
        )
        found.update((h.id, h) for h in session.scalars(query).unique())
    return found
