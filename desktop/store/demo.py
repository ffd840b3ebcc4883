"""The demo county loaded into an empty database: ``build_demo_county(db, households=…, seed=…)``.

``desktop.store.demo_generator`` makes the county up; this module hands its rows to
``desktop.store.bulk.BulkLoader`` (one transaction, one book entry per household, no outbox
rows), writes what only the finished county knows (its end-2013 poor population) and keeps what
the database needs to know it is the demo (the seed, the county code, the 2019 policy year and
the practice date).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update

from desktop.domain.policy import policy_year
from desktop.store.bulk import BulkLoader
from desktop.store.db import Database, registry_writer
from desktop.store.demo_generator import COUNTY_CODE, POLICY_YEAR, DemoCounty, DemoSummary
from desktop.store.models import Division, Household, Setting
from desktop.store.settings import POLICY_YEAR_KEY, PRACTICE_DATE_KEY

DEMO_ACTOR = "demo"
DEMO_REASON = "演示数据生成"
SETTING_SEED = "demo_seed"
SETTING_COUNTY = "county_code"


class DemoDatabaseNotEmpty(RuntimeError):
    """The demo county is only built into an empty database."""


def build_demo_county(
    db: Database,
    *,
    households: int,
    seed: int = 2019,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Build the demo county with ``households`` households into the empty database ``db``.

    Deterministic for ``(households, seed)``: the same arguments build the same rows, ids
    included. ``progress(done, total)`` is called after each village. Everything is written in
    one transaction (nothing is left behind on failure), with one book entry per household and
    no outbox rows; the search index is rebuilt at the end. The seed and the county code are
    kept in ``settings`` (``demo_seed``, ``county_code``, the 12-digit division code), and
    the database is worked under the 2019 policy (``policy_year``), the year its data is for.
    Raises ``DemoDatabaseNotEmpty`` if the database already holds divisions or households.
    """
    if households < 1:
        raise ValueError("households must be at least 1")
    started = time.perf_counter()
    policy = policy_year(POLICY_YEAR)
    with db.session() as session:
        existing = session.execute(select(func.count()).select_from(Division)).scalar_one()
        existing += session.execute(select(func.count()).select_from(Household)).scalar_one()
        if existing:
            raise DemoDatabaseNotEmpty(
                "数据库中已有行政区划或农户数据,演示数据只能生成到空数据库中。"
            )
        moment = datetime.combine(policy.snapshot_date, datetime.min.time())
        with BulkLoader(session, at=moment) as loader:
            county = DemoCounty(
                loader.add, households=households, seed=seed, policy=policy, progress=progress
            )
            summary = county.build()
            loader.flush()
            with registry_writer(session, "bulk"):
                session.execute(
                    update(Division)
                    .where(Division.id == county.county_id)
                    .values(
                        poor_population_end_2013=county.poor_population_end_2013,
                        updated_at=loader.at,
                    )
                )
            loader.add(Setting, {"key": SETTING_SEED, "value": str(seed)})
            loader.add(Setting, {"key": SETTING_COUNTY, "value": COUNTY_CODE})
            loader.add(Setting, {"key": POLICY_YEAR_KEY, "value": str(policy.year)})
            # the practice date: the snapshot day, inside the work window, every visit behind it
            loader.add(
                Setting, {"key": PRACTICE_DATE_KEY, "value": policy.snapshot_date.isoformat()}
            )
            result = loader.finish(actor=DEMO_ACTOR, reason=DEMO_REASON)
    summary.rows = result.total_rows
    summary.elapsed_seconds = time.perf_counter() - started
    return summary
