"""The audit results the pages keep are recomputed as soon as a sync changes the data."""

from __future__ import annotations

from sync.server.web.data import FeedCache
from tests.sync.conftest import EAST
from tests.web.conftest import new_household, unique


def test_a_cached_result_is_reused_until_the_feed_moves(web, make_laptop):
    cache = FeedCache()
    computed = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    with web.live.db.session() as session:
        first = cache.get(session, ("k",), compute)
        again = cache.get(session, ("k",), compute)
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    new_household(laptop)
    laptop.client.push()
    with web.live.db.session() as session:
        after_sync = cache.get(session, ("k",), compute)
        other_key = cache.get(session, ("other",), compute)

    assert (first, again, after_sync, other_key) == (1, 1, 2, 3)


def test_a_sync_into_one_village_re_audits_that_village_only(web, make_laptop):
    from desktop.store.settings import working_policy
    from sync.server.web.accounts import Staff
    from sync.server.web.data import village_in_scope

    cache = FeedCache()
    admin = Staff(1, "x", "county_admin", None, "t", "h")
    with web.live.db.session() as session:
        policy = working_policy(session)
        east = village_in_scope(session, admin, EAST)
        other = village_in_scope(session, admin, web.demo_villages[0])
        east_before = cache.problem_list(session, east, policy, internal=True)
        other_before = cache.problem_list(session, other, policy, internal=True)
        assert cache.problem_list(session, east, policy, internal=True) is east_before
    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    new_household(laptop)
    laptop.client.push()
    with web.live.db.session() as session:
        east_after = cache.problem_list(session, east, policy, internal=True)
        other_after = cache.problem_list(session, other, policy, internal=True)

    assert other_after is other_before
    assert east_after is not east_before


def test_the_overview_never_audits_while_it_waits_the_worker_fills_the_counts_in(web):
    from desktop.store.settings import working_policy
    from sync.server.web.accounts import Staff
    from sync.server.web.data import villages_in_scope

    admin = Staff(1, "x", "county_admin", None, "t", "h")
    cache = FeedCache(web.live.db)
    with web.live.db.session() as session:
        villages = villages_in_scope(session, admin)
        first = cache.open_problems(session, villages, internal=True)
    assert cache.wait_idle()
    with web.live.db.session() as session:
        second = cache.open_problems(session, villages, internal=True)
        policy = working_policy(session)
        expected = [
            r
            for v in villages
            for r in FeedCache().problem_list(session, v, policy, internal=True).rows
            if not r.explained
        ]

    assert first[2] == len(villages)  # all pending at first
    assert second == (len(expected), sum(r.problem.is_error for r in expected), 0)


def test_villages_audited_together_list_what_each_audited_alone_lists(web, make_laptop):
    """The background worker audits villages in batches (the database-wide checks once)."""
    from sqlalchemy import select

    from desktop.store.models import Division
    from desktop.store.problems import village_problem_list, village_problem_lists
    from desktop.store.settings import working_policy

    laptop = make_laptop(unique("东街-"), web.live, villages=[EAST])
    new_household(laptop)  # saved without the audit: the server's audit finds its gaps
    laptop.client.push()
    with web.live.db.session() as session:
        policy = working_policy(session)
        codes = [*web.demo_villages, EAST]
        ids = list(session.scalars(select(Division.id).where(Division.code.in_(codes))))
        together = village_problem_lists(session, ids, policy=policy, internal=True)
        for village_id in ids:
            alone = village_problem_list(session, village_id, policy=policy, internal=True)
            assert together[village_id].rows == alone.rows
            assert together[village_id].village_code == alone.village_code
        assert sum(len(listed.rows) for listed in together.values()) > 0
