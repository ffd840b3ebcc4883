"""Web pages benchmark: the overview, a village page and a household page of a big county,
against a plain FastAPI page served by the same app in the same run.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/web_bench.py [--households 50000] [--requests 40]
    .venv/bin/python tests/bench/web_bench.py --tiny      # a smoke run: 300 households, 5 requests

1. builds a demo county (``desktop.store.demo``) in a SQLite file and opens a copy of it as the
   server's database (the server's tables are migrated onto it, as ``sync_bench`` does);
2. starts the real app (``sync.server.app.create_app``, web pages mounted) in uvicorn on
   127.0.0.1, with one extra route, ``/bench/plain``: a plain FastAPI HTML page, the baseline;
3. signs in as the county administrator and requests each page ``--requests`` times, in turn,
   timing each request inside the server (an ASGI middleware around the app: the server's own
   time, not the client's) and at the client (the round trip over loopback);
4. prints median and p95 per page, and the ratio to the plain page. The overview's first view
   starts the audit of every village in the background (for the open-problem count, kept per
   village until a sync changes that village); it is printed on its own, with how long the
   background audit took; the steady figures are measured after it. Last, the overview right
   after a sync into one village (a feed entry written directly).

Figures, not pass/fail: the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from fastapi.responses import HTMLResponse  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from desktop.store.db import open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.models import Division, Household  # noqa: E402
from sync.server.app import create_app  # noqa: E402
from sync.server.models import ChangeLogEntry  # noqa: E402
from sync.server.web.accounts import add_user  # noqa: E402
from tests.bench.sync_bench import DEFAULT_PG_URL, drop_pg, prepare_server  # noqa: E402

PASSWORD = "benchmark-password-1"


class ServerTimer:
    """ASGI middleware: how long the app took for each request, by path kind."""

    def __init__(self, app, times: dict[str, list[float]]) -> None:
        self.app = app
        self.times = times

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        await self.app(scope, receive, send)
        kind = scope.get("state", {}).get("bench_kind") or _kind(scope["path"])
        self.times.setdefault(kind, []).append(time.perf_counter() - start)


def _kind(path: str) -> str:
    for prefix, kind in (
        ("/bench/plain", "plain"),
        ("/web/village/", "village"),
        ("/web/household/", "household"),
        ("/web/signin", "signin"),
    ):
        if path.startswith(prefix):
            return kind
    return "overview" if path == "/web/" else "other"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def server_database(backend: str, county: Path, folder: Path, pg_url: str) -> str:
    """The server's database holding the county: a copy of the SQLite file, or a PostgreSQL
    database of its own loaded with ``load_registry`` (as ``sync_bench`` does)."""
    if backend == "sqlite":
        shutil.copyfile(county, folder / "server.db")
        return f"sqlite:///{folder / 'server.db'}"
    return prepare_server(backend, county, folder, pg_url, "web_bench")


def measure(url: str, args: argparse.Namespace) -> None:
    """Start the app on ``url`` in uvicorn, sign in, time the pages, print the figures."""
    app = create_app(url)
    with app.state.database.session() as session:
        add_user(session, "县管理员", "county_admin", PASSWORD)
        villages = session.scalar(
            select(func.count()).select_from(Division).where(Division.level == "village")
        )
        # the biggest village, and a household in it
        village_id, _n = session.execute(
            select(Household.village_id, func.count())
            .group_by(Household.village_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        village = session.get(Division, village_id).code
        household = session.scalar(
            select(Household.id).where(Household.village_id == village_id).limit(1)
        )
        in_village = session.scalar(select(func.count()).where(Household.village_id == village_id))

    @app.get("/bench/plain", response_class=HTMLResponse, include_in_schema=False)
    def plain() -> str:
        return "<!doctype html><title>plain</title><p>一个普通页面</p>"

    times: dict[str, list[float]] = {}
    timed = ServerTimer(app, times)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(timed, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port}"
    pages = {
        "plain": "/bench/plain",
        "overview": "/web/",
        "village": f"/web/village/{village}",
        "household": f"/web/household/{household}",
    }
    round_trips: dict[str, list[float]] = {kind: [] for kind in pages}
    with httpx.Client(base_url=url, timeout=600) as client:
        form = client.get("/web/signin").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        signed = client.post(
            "/web/signin", data={"name": "县管理员", "password": PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 303, signed.text
        times.clear()
        start = time.perf_counter()
        assert client.get(pages["overview"]).status_code == 200
        cold = time.perf_counter() - start
        start = time.perf_counter()
        app.state.web_cache.wait_idle(timeout=3600)
        audited = time.perf_counter() - start
        times.clear()
        for _ in range(args.requests):
            for kind, path in pages.items():
                start = time.perf_counter()
                answer = client.get(path)
                round_trips[kind].append(time.perf_counter() - start)
                assert answer.status_code == 200, (kind, answer.status_code)
        # a sync into one village: a feed entry of that village (written here as the push
        # would, without a laptop), then the overview: one village is audited again
        steady = {kind: list(values) for kind, values in times.items()}
        after_sync = []
        for _ in range(min(5, args.requests)):
            with app.state.database.session() as session:
                session.add(
                    ChangeLogEntry(
                        entity="households", entity_id=household, village_code=village,
                        household_id=household, version=1, op="update", fields={},
                        device_id="bench",
                    )
                )  # fmt: skip
                session.commit()
            start = time.perf_counter()
            assert client.get(pages["overview"]).status_code == 200
            after_sync.append(time.perf_counter() - start)
    server.should_exit = True
    thread.join(15)
    app.state.database.dispose()

    load = os.getloadavg()
    print(
        f"{args.households} households, {villages} villages; village page: {in_village} "
        f"households; {args.requests} requests per page; load {load[0]:.2f}"
    )
    print(
        f"overview, first view (it starts the villages' audits in the background): "
        f"{cold * 1000:.0f} ms; the background audit of every village took {audited:.1f} s"
    )
    print(
        "overview right after a sync into one village (round trip, median of "
        f"{len(after_sync)}): {statistics.median(after_sync) * 1000:.0f} ms"
    )
    base = statistics.median(steady["plain"])
    print(
        f"{'page':<10} {'server median':>14} {'server p95':>11} {'x plain':>8} "
        f"{'round-trip median':>18} {'p95':>8}"
    )
    for kind in pages:
        server_times = steady[kind]
        median = statistics.median(server_times)
        print(
            f"{kind:<10} {median * 1000:>11.1f} ms {percentile(server_times, 0.95) * 1000:>8.1f} ms"
            f" {median / base:>8.1f} {statistics.median(round_trips[kind]) * 1000:>15.1f} ms"
            f" {percentile(round_trips[kind], 0.95) * 1000:>5.1f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--tiny", action="store_true", help="smoke run: 300 households")
    parser.add_argument(
        "--county", type=Path, help="the demo county file to use (built there if missing, kept)"
    )
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="sqlite, postgresql or both (comma)"
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args()
    if args.tiny:
        args.households, args.requests = 300, 5

    folder = Path(tempfile.mkdtemp(prefix="web-bench-"))
    try:
        started = time.perf_counter()
        county = args.county or folder / "county.db"
        if not county.exists():
            db = open_database(county)
            build_demo_county(db, households=args.households, seed=7)
            db.dispose()
            print(
                f"demo county of {args.households} households built in "
                f"{time.perf_counter() - started:.1f} s"
            )
        shutil.copyfile(county, folder / "server.db")

        for backend in args.backends.split(","):
            url = server_database(backend, county, folder, args.pg_url)
            try:
                print(f"--- {backend} ---")
                measure(url, args)
            finally:
                if backend == "postgresql":
                    drop_pg(url, args.pg_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
