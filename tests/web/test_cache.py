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
