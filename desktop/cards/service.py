"""Printing household cards end to end: issue numbers, the sheet, and the save that records them.

A household printed for the first time gets issue 1; a reprint (``reprint=True``) gets the next
issue, which revokes every older card of that household. The sheet is built first, in memory
(it can be cancelled: nothing is saved or written then); the new issue numbers are then entered
in the card register (``desktop.store.card_register``), all of them in one transaction and each
with its outbox change, so that a reprint revokes the older card on every laptop. A card issue is
not a household edit: the household's row, book and version are untouched. Only then is the file
written. Printing cards again without ``reprint`` prints the issue in force and changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from desktop.cards.data import card_records
from desktop.cards.keys import card_key
from desktop.cards.pdf import write_output
from desktop.cards.records import Cancelled, Progress
from desktop.cards.sheet import SheetResult, build_card_sheet
from desktop.cards.templates import DEFAULT_TEMPLATE, CardTemplate
from desktop.store.card_register import issues_in_force, record_card_issues

FIRST_PRINT_REASON = "首次打印户卡"  # how a print run is named to the worker
REPRINT_REASON = "补打户卡"


@dataclass
class PrintResult:
    """What a print run did."""

    sheet: SheetResult
    printed: list[str] = field(default_factory=list)  # household numbers, in print order
    issued: dict[str, int] = field(default_factory=dict)  # number -> new issue registered
    # number -> why no card was printed; a card issue refuses no household (a lost card must be
    # replaceable whatever the household's data problems are), kept for the callers' reports
    refused: dict[str, str] = field(default_factory=dict)


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

    ``progress(done, total)`` counts cards drawn, then the register's one commit. Raises
    ``BuildCancelled`` if cancelled while the sheet is built (nothing saved, nothing written).
    """
    from desktop.cards.pdf import set_practice_mark
    from desktop.store.settings import practice_date

    set_practice_mark(practice_date(session) is not None)  # 演示 on every page of the demo
    ids = list(dict.fromkeys(household_ids))
    current = issues_in_force(session, ids)
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
    # every issue of the run in one transaction: the register, not the household, changes
    record_card_issues(session, changes, actor=actor, reprint=reprint)
    result.issued = {numbers[h]: issue for h, issue in changes.items()}
    if progress is not None:
        progress(total, total)
    result.printed = [r.household_number for r in records]
    write_output(buffer.getvalue(), out)
    return result
