"""A village's own information (Q3, Q18) syncs like a household: saved on one laptop, pushed to
a real server (SQLite and PostgreSQL), pulled by the other laptop of that village, with the
book entries on both laptops."""

from __future__ import annotations

from desktop.domain.policy import policy_year
from desktop.store.models import Division
from desktop.store.village_info import save_village_info, village_history
from tests.sync.conftest import EAST, VILLAGE_IDS


def test_a_village_edited_on_one_laptop_reaches_the_server_and_the_other_laptop(
    server, make_laptop
) -> None:
    first = make_laptop("A", server, villages=[EAST])
    second = make_laptop("B", server, villages=[EAST])
    with first.db.session() as session:
        save_village_info(
            session,
            EAST,
            {
                "is_poor_village": True,
                "village_exited_year": 2018,
                "task_force": "县交通局驻村工作队",
            },
            actor="王芳",
            policy=policy_year(2019),
        )

    receipt = first.client.push()
    assert (receipt.sent, receipt.applied) == (1, 1)
    with server.db.session() as session:
        on_server = session.get(Division, VILLAGE_IDS[EAST])
        assert (on_server.is_poor_village, on_server.village_exited_year, on_server.task_force) == (
            True,
            2018,
            "县交通局驻村工作队",
        )

    second.client.pull()
    with second.db.session() as session:
        pulled = session.get(Division, VILLAGE_IDS[EAST])
        assert (pulled.is_poor_village, pulled.village_exited_year) == (True, 2018)
        assert {line.field for line in village_history(session, EAST)} >= {
            "is_poor_village",
            "village_exited_year",
            "task_force",
        }
