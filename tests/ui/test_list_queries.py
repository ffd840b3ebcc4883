"""The read-only queries behind the list and the tree (``desktop.store.queries``), without Qt.

They live beside the UI tests because the list is their only user so far; they import no Qt.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.store.models import Division, Household
from desktop.store.queries import (
    Flag,
    HouseholdColumn,
    HouseholdFilter,
    InternalListRefused,
    count_households,
    division_nodes,
    household_counts,
    household_page,
    unsynced_count,
    village_ids_under,
)
from tests.ui.conftest import DEMO_HOUSEHOLDS


def all_pages(session, filters=None, **kwargs):
    rows, after = [], None
    while True:
        page = household_page(session, filters, after=after, limit=37, **kwargs)
        rows.extend(page.rows)
        if page.after is None:
            return rows
        after = page.after


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", list(HouseholdColumn))
def test_keyset_pages_cover_every_household_once_in_order(demo_db, column, descending) -> None:
    with demo_db.session() as session:
        rows = all_pages(session, sort=column, descending=descending, internal=True)
    assert len(rows) == len({r.id for r in rows}) == DEMO_HOUSEHOLDS
    if column is HouseholdColumn.HEAD:
        names = [r.head_name or "" for r in rows]
        assert names == sorted(names, reverse=descending)
    if column is HouseholdColumn.MEMBERS:
        counts = [r.member_count for r in rows]
        assert counts == sorted(counts, reverse=descending)
    if column is HouseholdColumn.INCOME:
        incomes = [r.per_capita_net_income for r in rows if r.per_capita_net_income is not None]
        assert incomes == sorted(incomes, reverse=descending)


def test_the_division_filter_works_at_every_level(demo_db) -> None:
    with demo_db.session() as session:
        nodes = division_nodes(session)
        counts = household_counts(session)
        for node in nodes:
            filters = HouseholdFilter(division_id=node.id)
            assert count_households(session, filters) == counts.get(node.id, 0), node
        county = next(n for n in nodes if n.level == "county")
        assert counts[county.id] == DEMO_HOUSEHOLDS
        hamlet = next(n for n in nodes if n.level == "hamlet")
        rows = all_pages(session, HouseholdFilter(division_id=hamlet.id))
        assert {r.hamlet for r in rows} == {hamlet.name}


def test_an_unknown_division_matches_nothing(demo_db) -> None:
    with demo_db.session() as session:
        assert count_households(session, HouseholdFilter(division_id="no-such-id")) == 0
        assert village_ids_under(session, "no-such-id") == []


def test_village_ids_under_a_county_are_all_its_villages(demo_db) -> None:
    with demo_db.session() as session:
        villages = set(session.scalars(select(Division.id).where(Division.level == "village")))
        county = session.scalars(select(Division.id).where(Division.level == "county")).one()
        assert set(village_ids_under(session, county)) == villages
        hamlet = session.scalars(select(Division).where(Division.level == "hamlet").limit(1)).one()
        assert village_ids_under(session, hamlet.id) == [hamlet.parent_id]


def test_the_id_filter_lists_exactly_those_households(demo_db) -> None:
    with demo_db.session() as session:
        some = list(session.scalars(select(Household.id).limit(5)))
        rows = all_pages(session, HouseholdFilter(household_ids=tuple(some)))
        assert {r.id for r in rows} == set(some)
        assert count_households(session, HouseholdFilter(household_ids=())) == 0


def test_marginal_and_monitored_stay_internal(demo_db) -> None:
    with demo_db.session() as session:
        with pytest.raises(InternalListRefused):
            household_page(session, HouseholdFilter(marginal=True))
        with pytest.raises(InternalListRefused):
            count_households(session, HouseholdFilter(monitored=True))
        public = all_pages(session)
        internal = all_pages(session, internal=True)
        marginal = count_households(session, HouseholdFilter(marginal=True), internal=True)
    assert not any({Flag.MARGINAL, Flag.MONITORED} & set(r.flags) for r in public)
    assert sum(Flag.MARGINAL in r.flags for r in internal) == marginal > 0


def test_a_cursor_from_another_sort_is_refused(demo_db) -> None:
    with demo_db.session() as session:
        page = household_page(session, sort=HouseholdColumn.HEAD, limit=10)
        assert page.after is not None
        with pytest.raises(ValueError):
            household_page(session, sort=HouseholdColumn.NUMBER, after=page.after)


def test_the_demo_county_has_nothing_unsynced(demo_db) -> None:
    with demo_db.session() as session:
        assert unsynced_count(session) == 0


def test_visited_and_not_visited_since_a_day_split_the_county(demo_db) -> None:
    from datetime import date

    day = date(2019, 10, 15)
    with demo_db.session() as session:
        visited = {r.id for r in all_pages(session, HouseholdFilter(visited_since=day))}
        not_visited = {r.id for r in all_pages(session, HouseholdFilter(not_visited_since=day))}
        expected = set(
            session.scalars(select(Household.id).where(Household.last_visit_date >= day))
        )
    assert visited == expected
    assert visited and not_visited
    assert not visited & not_visited
    assert len(visited) + len(not_visited) == DEMO_HOUSEHOLDS


def test_a_saved_household_is_listed_as_unsynced_until_acknowledged(demo_copy) -> None:
    from desktop.store.models import OutboxChange
    from desktop.store.save import save_household

    db = demo_copy()
    with db.session() as session:
        household = session.scalars(select(Household).order_by(Household.household_number)).first()
        household.phone = "13912345678"
        save_household(session, household, actor="测试员", reason="核实电话")
        changed = household.id
        unsynced = [r.id for r in all_pages(session, HouseholdFilter(unsynced=True))]
        assert unsynced == [changed]
        synced = {r.id for r in all_pages(session, HouseholdFilter(unsynced=False))}
        assert changed not in synced and len(synced) == DEMO_HOUSEHOLDS - 1
        for change in session.scalars(select(OutboxChange)):
            change.state = "acked"
        session.commit()
        assert all_pages(session, HouseholdFilter(unsynced=True)) == []
