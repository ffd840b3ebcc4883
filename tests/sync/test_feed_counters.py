"""The feed numbered per county (``sync.server.feed``): a push waits only for its own county's
writer, each county counts on from its own counter, and migration s0005 keeps every cursor a
laptop holds below the next number its county gives."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text

from desktop.store.db import open_database
from sync.protocol import PULL_PATH, PUSH_PATH, ErrorCode
from sync.server.db import (
    open_server_database,
    server_alembic_config,
    server_current_revision,
    upgrade_server,
)
from sync.server.feed import county_of, feed_high_water
from sync.server.models import ChangeLogEntry, FeedCounter
from tests.sync.conftest import EAST, WEST
from tests.sync.test_hardening import auth, outbox_batch


def test_a_push_waits_for_its_own_countys_writer_only(server, make_laptop):
    if server.db.is_sqlite:
        pytest.skip("SQLite has one writer for the whole database")
    laptop = make_laptop("东街-1", server)
    laptop.create_household("6104241002010001")
    server.app.state.push_lock_timeout = 0.2
    body = outbox_batch(laptop, batch_id="first")

    # another county's push in flight (its counter row held) does not hold this one back
    with server.another_push_writing("610425100201"), server.http() as http:
        passed = http.post(PUSH_PATH, json=body, headers=auth(laptop, "first"))
    # a push of the same county does, until it ends (then 503 with Retry-After)
    laptop.create_household("6104241002010002", seq=2)
    body = outbox_batch(laptop, batch_id="second")
    with server.another_push_writing(WEST), server.http() as http:
        waited = http.post(PUSH_PATH, json=body, headers=auth(laptop, "second"))
    with server.http() as http:
        after = http.post(PUSH_PATH, json=body, headers=auth(laptop, "second"))

    assert passed.status_code == 200
    assert {r["outcome"] for r in passed.json()["results"]} == {"applied"}
    assert waited.status_code == 503 and int(waited.headers["Retry-After"]) >= 1
    assert waited.json()["code"] == ErrorCode.SERVER_BUSY
    assert after.status_code == 200
    outcomes = [r["outcome"] for r in after.json()["results"]]
    assert outcomes == ["duplicate"] * 4 + ["applied"] * 4  # the first batch's were answered


def test_each_county_numbers_its_own_feed_without_gaps(server, make_laptop):
    east = make_laptop("东街-1", server)
    west = make_laptop("西街-1", server, villages=[WEST])
    for n in range(3):
        east.create_household(f"61042410020100{n:02d}", seq=n)
        west.create_household(f"61042410020200{n:02d}", village=WEST, seq=10 + n)
        east.client.push()
        west.client.push()
    # a feed entry of another county, written on its own (not by a push)
    with server.db.session() as session:
        session.add(
            ChangeLogEntry(
                entity="divisions", entity_id="x", village_code="610425100201", version=1,
                op="update", fields={}, deleted=False,
            )
        )  # fmt: skip
        session.commit()

    with server.db.session() as session:
        feed = session.execute(
            select(ChangeLogEntry.county_code, ChangeLogEntry.server_seq).order_by(
                ChangeLogEntry.county_code, ChangeLogEntry.server_seq
            )
        ).all()
        counters = dict(session.execute(select(FeedCounter.county_code, FeedCounter.last_seq)).all())
        high_water = feed_high_water(session, EAST)
    ours = [seq for county, seq in feed if county == county_of(EAST)]
    assert ours == list(range(1, len(ours) + 1))  # one county's numbers: no gap, no repeat
    assert counters[county_of(EAST)] == high_water == len(ours) == 24  # 2 x 3 x 4 creates
    # a county that appears later starts above every number given so far
    assert [seq for county, seq in feed if county == "610425"] == [25]
    with server.http() as http:
        pulled = http.get(PULL_PATH, params={"village": WEST}, headers=auth(west)).json()
    seqs = [change["server_seq"] for change in pulled["changes"]]
    assert seqs == sorted(seqs) and len(seqs) == 12 and pulled["next_since"] == seqs[-1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_url_at_s0004(request, tmp_path) -> str:
    """A server database migrated up to s0004 (one sequence for the whole feed)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    database = open_database(url)
    try:
        upgrade_server(database.engine, "s0004")
    finally:
        database.dispose()
    return url


def test_migration_s0005_keeps_the_numbers_and_starts_every_county_above_them(
    server_url_at_s0004,
):
    database = open_database(server_url_at_s0004)
    old_feed = [(1, "610424100201"), (2, "610425100201"), (3, "610424100202"), (7, "610425100201")]
    with database.engine.begin() as connection:
        for seq, village in old_feed:
            connection.execute(
                text(
                    "INSERT INTO change_log (server_seq, entity, entity_id, village_code, version,"
                    " op, fields, deleted, applied_at) VALUES (:seq, 'households', :id,"
                    " :village, 1, 'create', '{}', false, '2026-12-01 10:00:00')"
                ),
                {"seq": seq, "id": f"h{seq}", "village": village},
            )
    upgrade_server(database.engine)
    database.dispose()
    server = open_server_database(server_url_at_s0004)
    try:
        with server.session() as session:
            kept = session.execute(
                select(ChangeLogEntry.server_seq, ChangeLogEntry.county_code).order_by(
                    ChangeLogEntry.server_seq
                )
            ).all()
            counters = dict(session.execute(select(FeedCounter.county_code, FeedCounter.last_seq)).all())
            # a laptop of 610424 may hold cursor 7 (a snapshot's old high-water mark)
            session.add(
                ChangeLogEntry(
                    entity="households", entity_id="h8", village_code="610424100201",
                    version=2, op="update", fields={}, deleted=False,
                )
            )  # fmt: skip
            session.commit()
            new = session.scalar(
                select(ChangeLogEntry.server_seq).where(ChangeLogEntry.entity_id == "h8")
            )
            unknown_county = feed_high_water(session, "610426100201")
        assert kept == [(1, "610424"), (2, "610425"), (3, "610424"), (7, "610425")]
        assert counters == {"610424": 7, "610425": 7}
        assert new == 8 and unknown_county == 8

        command.downgrade(server_alembic_config(server.engine), "s0004")  # one sequence again
        assert server_current_revision(server.engine) == "s0004"
        with server.engine.connect() as connection:
            seqs = connection.scalars(
                text("SELECT server_seq FROM change_log ORDER BY server_seq")
            ).all()
        assert seqs == [1, 2, 3, 4, 5]
    finally:
        server.dispose()
