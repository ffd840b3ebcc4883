"""A status change and its operation record travel together through a real server (issue 12).

Laptop W exits a household through its save (the operation allowed on the clock's date); the
server applies the push; laptop R pulls it and books it as the server's decided operation. The
pull never refuses what the server decided (it would jam the laptop); see
``desktop.store.sync_apply.pulled_status_reason``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from desktop.store.models import Household, HouseholdOperation, LedgerEntry
from desktop.store.save import save_household
from desktop.store.settings import POLICY_YEAR_KEY, set_setting
from desktop.store.sync_apply import PULLED_WITH_OPERATION
from tests.sync.conftest import EAST, no_problems

IN_WINDOW = datetime(2019, 11, 5, 10, 0)


def _work_2019(laptop) -> None:
    with laptop.db.session() as session:
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()


def test_an_exit_and_its_operation_record_reach_the_other_laptop_together(server, make_laptop):
    writer = make_laptop("W", server, villages=[EAST])
    reader = make_laptop("R", server, villages=[EAST])
    _work_2019(writer)
    household_id = writer.create_household("6104241002010001").household_id
    writer.client.push()
    reader.client.pull()

    with writer.db.session() as session:
        household = session.get(Household, household_id)
        household.status = "exited"
        save_household(
            session,
            household,
            actor="W",
            validator=no_problems,
            operations=["exit"],
            clock=IN_WINDOW,
        )
    receipt = writer.client.push()
    assert (receipt.sent, receipt.applied, receipt.refused) == (2, 2, 0)  # household + record
    reader.client.pull()

    with reader.db.session() as session:
        household = session.get(Household, household_id)
        (record,) = session.scalars(
            select(HouseholdOperation).where(HouseholdOperation.household_id == household_id)
        )
        assert household.status == "exited" and household.operation_id == record.id
        assert (record.operation, record.status_before, record.status_after) == (
            "exit",
            "poor",
            "exited",
        )
        reason = session.scalars(
            select(LedgerEntry.reason).where(
                LedgerEntry.household_id == household_id,
                LedgerEntry.field == "status",
                LedgerEntry.actor != "R",
            )
        ).all()
    assert PULLED_WITH_OPERATION in reason
