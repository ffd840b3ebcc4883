"""The card register travels like the registry: a reprint made on one laptop revokes the older
card on every laptop of the village, and the households themselves are not edited by it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desktop.cards.service import print_cards
from desktop.store.card_register import issues_in_force
from desktop.store.models import CardIssue, Household, LedgerEntry, OutboxChange
from tests.sync.conftest import EAST


def test_a_reprint_on_one_laptop_revokes_the_old_card_on_another(
    server, make_laptop, tmp_path: Path
) -> None:
    printer = make_laptop("P", server, villages=[EAST])
    household_id = printer.create_household("6104241002010001").household_id
    printer.client.push()
    other = make_laptop("O", server, villages=[EAST])
    other.client.pull()
    household_entries = (
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.entity == "households")
    )
    with other.db.session() as session:
        booked_before = session.scalar(household_entries)

    with printer.db.session() as session:
        print_cards(session, [household_id], tmp_path / "first.pdf", actor="测试员")
        print_cards(session, [household_id], tmp_path / "again.pdf", actor="测试员", reprint=True)
        queued = session.scalars(select(OutboxChange.entity).where(OutboxChange.state == "pending"))
        assert list(queued) == ["card_issues", "card_issues"]
    receipt = printer.client.push()
    pulled = other.client.pull()

    assert (receipt.sent, receipt.applied) == (2, 2)
    assert pulled.changes == 2
    with other.db.session() as session:
        assert issues_in_force(session, [household_id]) == {household_id: 2}
        assert session.scalar(select(func.count()).select_from(CardIssue)) == 2
        assert session.get(Household, household_id).version == 1  # the household: not edited
        assert session.scalar(household_entries) == booked_before
