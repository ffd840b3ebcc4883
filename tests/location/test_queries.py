"""The reads behind the village map and the database-wide location checks, on a demo county."""

from __future__ import annotations

from sqlalchemy import select

from desktop.location.apply import apply_to_household, clear_household_location, from_typed
from desktop.location.coords import parse_coordinates
from desktop.location.queries import database_location_problems, point_rows, village_map
from desktop.store.db import Database, registry_writer
from desktop.store.models import Division, Household
from desktop.store.save import save_household


def villages(session) -> list[Division]:
    return session.scalars(
        select(Division).where(Division.level == "village").order_by(Division.code)
    ).all()


def test_a_village_map_holds_its_committee_and_every_household_located_or_not(
    demo: Database,
) -> None:
    with demo.session() as session:
        village = villages(session)[0]
        total = session.query(Household).filter(Household.village_id == village.id).count()
        data = village_map(session, village.id)
        assert village_map(session, "no-such-village") is None
    assert data is not None and data.name == village.name
    assert data.committee is not None
    assert len(data.located) + len(data.unlocated) == total
    assert all(h.latitude is not None for h in data.located)


def test_a_household_whose_location_was_cleared_is_listed_as_unlocated(demo: Database) -> None:
    with demo.session() as session:
        village = villages(session)[0]
        household = session.scalars(
            select(Household).where(Household.village_id == village.id)
        ).first()
        hid = household.id
        clear_household_location(household)
        save_household(session, household, actor="测试员", reason="位置有误, 待重新采集")
        data = village_map(session, village.id)
    assert [h.id for h in data.unlocated] == [hid]


def test_the_demo_county_is_clean_and_copied_points_and_a_missing_committee_are_found(
    demo: Database,
) -> None:
    with demo.session() as session:
        assert database_location_problems(session) == []
        fallbacks = session.scalars(
            select(Household).where(Household.away_long_term.is_(True))
        ).all()
        assert fallbacks, (
            "the demo has Q19 fallbacks, which share their committee's point by design"
        )
        assert not {h.id for h in fallbacks} & {row[0] for row in point_rows(session)}

        first, second = villages(session)[:2]
        copied = session.scalars(
            select(Household)
            .where(Household.village_id == first.id, Household.away_long_term.is_(False))
            .order_by(Household.household_number)
            .limit(4)
        ).all()
        ids = [h.id for h in copied]
        template = parse_coordinates(f"{copied[0].latitude:.6f}, {copied[0].longitude:.6f}")
        for household in copied:  # four households get the first one's point, as if copied
            apply_to_household(household, from_typed(template))
            save_household(session, household, actor="测试员", reason="照抄测试")
        with registry_writer(session, "test"):
            second.committee_latitude = second.committee_longitude = None
            session.commit()
        problems = database_location_problems(session)
    crowded = sorted(p.entity_id for p in problems if p.code == "LOC_MANY_ON_ONE_POINT")
    assert crowded == sorted(ids)
    missing = [p for p in problems if p.code == "LOC_VILLAGE_COMMITTEE_MISSING"]
    assert [p.entity_id for p in missing] == [second.id]
