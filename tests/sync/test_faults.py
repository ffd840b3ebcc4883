"""Sync under failure: the laptop's sync process killed at random points, and a network that
drops, delays and duplicates requests. Afterwards the server holds every change exactly once and
the outcome is the one a clean network gives.

The killed client is a real process running ``fieldbook sync``'s round (``sync.rounds.run_sync``),
forked from a ``multiprocessing`` fork server that has the client's modules imported already, so
fifty kills cost seconds rather than fifty interpreter start-ups. ``SIGKILL`` gives it no chance
to clean up: a request may be half sent, an answer applied on the server and never received, a
local transaction half written.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
import socket
import threading
import time
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from desktop.store.models import Household, OutboxChange
from sync.server.models import AppliedChange, ChangeLogEntry, Conflict
from tests.sync.conftest import EAST, _empty, snapshot
from tests.sync.killable import run_sync

KILLS = 50
WAIT = 60  # a safety net only: every wait ends on an event or a process's exit
FORK_SERVER = multiprocessing.get_context("forkserver")
FORK_SERVER.set_forkserver_preload(
    [
        "sync.rounds",
        "sync.client",
        "desktop.store.db",
        "desktop.store.search",
        "desktop.store.backup",
    ]
)


def registry_of(db, household_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The households and members of ``household_ids`` (versions included), by id."""
    rows = snapshot(db)
    out = {key: value for key, value in rows["households"].items() if key in household_ids}
    out.update(
        {
            key: value
            for key, value in rows["members"].items()
            if value["household_id"] in household_ids
        }
    )
    return out


def test_a_sync_killed_at_random_points_fifty_times_leaves_every_change_on_the_server_exactly_once(
    server, make_laptop
):
    rng = random.Random(20191130)
    laptop = make_laptop("东街-1", server)
    path = laptop.db.engine.url.database
    households = [
        laptop.create_household(f"61042410020100{k:02d}", seq=k, head=f"王{k}").household_id
        for k in range(12)
    ]
    outcomes: Counter[str] = Counter()

    def start(batch_size: int) -> tuple[Any, Any]:
        ready, steps = FORK_SERVER.Event(), FORK_SERVER.Queue()
        child = FORK_SERVER.Process(target=run_sync, args=(path, batch_size, ready, steps))
        child.start()
        assert ready.wait(WAIT), "the sync process did not start"
        return child, steps

    child, steps = start(4)
    child.join(WAIT)
    assert child.exitcode == 0
    assert steps.get(timeout=WAIT) == "commit"  # the sync's commits are reported

    for round_ in range(KILLS):
        household_id = rng.choice(households)  # the day's work goes on between syncs
        value = f"139{rng.randrange(10**8):08d}"
        laptop.edit(household_id, lambda h, v=value: setattr(h, "phone", v))
        child, steps = start(rng.choice((1, 2, 3)))
        # kill right after a chosen one of the sync's commits (0: at once), wherever it is then
        for _ in range(rng.randint(0, 3)):
            if steps.get(timeout=WAIT) == "done":
                break
        child.kill()
        child.join(WAIT)
        assert child.exitcode in (0, -9), f"round {round_}: exit {child.exitcode}"
        outcomes["finished" if child.exitcode == 0 else "killed"] += 1

    laptop.client.push()
    laptop.client.pull()

    assert outcomes["killed"] >= KILLS // 2, outcomes  # most kills interrupted a sync
    with laptop.db.session() as session:
        sent = set(session.scalars(select(OutboxChange.change_id)))
        assert set(session.scalars(select(OutboxChange.state))) == {"acked"}
    with server.db.session() as session:
        answered = session.scalars(select(AppliedChange.change_id)).all()
        fed = session.scalars(select(ChangeLogEntry.change_id)).all()
        seqs = session.scalars(
            select(ChangeLogEntry.server_seq).order_by(ChangeLogEntry.server_seq)
        ).all()
        assert session.scalar(select(func.count()).select_from(Conflict)) == 0
    assert sorted(answered) == sorted(sent)  # every change answered once, none lost, none twice
    assert len(fed) == len(set(fed)) and set(fed) <= sent
    assert seqs == list(range(1, len(seqs) + 1))
    assert registry_of(server.db, set(households)) == registry_of(laptop.db, set(households))


# --- a network that drops, delays and duplicates ---------------------------------------------------


class FlakyProxy:
    """A small HTTP/1.1 proxy on 127.0.0.1 between the laptops and the server.

    For each request (one per client connection; the answer closes it), a seeded choice:
    pass it on; drop it unsent; send it and drop the answer; delay it; send it twice at once;
    or send it and, a little later, send a copy again (a ghost arriving after newer requests).
    """

    ACTIONS = ("pass", "drop_request", "drop_answer", "delay", "twice", "ghost")

    def __init__(self, upstream: str, seed: int, weights: tuple[int, ...]) -> None:
        host, _, port = upstream.removeprefix("http://").partition(":")
        self.upstream = (host, int(port))
        self.rng = random.Random(seed)
        self.weights = weights
        self.lock = threading.Lock()
        self.seen: Counter[str] = Counter()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.ghosts: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.sock.close()
        for ghost in self.ghosts:
            ghost.join(10)

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _read_request(client: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                return None
            body += chunk
        # one request per connection: ask the server to close, so the answer ends at EOF
        lines = [
            line
            for line in head.split(b"\r\n")
            if not line.lower().startswith((b"connection:", b"keep-alive:"))
        ]
        return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=60) as upstream:
            upstream.sendall(request)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        return answer

    def _handle(self, client: socket.socket) -> None:
        with client:
            request = self._read_request(client)
            if request is None:
                return
            with self.lock:
                action = self.rng.choices(self.ACTIONS, self.weights)[0]
                delay = self.rng.uniform(0.02, 0.25)
                self.seen[action] += 1
            if action == "drop_request":
                return
            if action == "delay":
                time.sleep(delay)  # the network's latency (simulated), not a wait for the test
            if action == "twice":
                copies: list[bytes] = []
                other = threading.Thread(target=lambda: copies.append(self._forward(request)))
                other.start()
                answer = self._forward(request)
                other.join(60)
            else:
                answer = self._forward(request)
            if action == "drop_answer":
                return
            client.sendall(answer)
            if action == "ghost":  # a copy that arrives after the client already has its answer

                def late() -> None:
                    with contextlib.suppress(OSError):
                        self._forward(request)

                ghost = threading.Thread(target=late, daemon=True)
                ghost.start()
                self.ghosts.append(ghost)


def day_of_two_laptops(server, make_laptop, *, prefix: str, url: str | None = None, **options: Any):
    """A day at 东街村: two laptops create, edit different fields, then the same field."""
    a = make_laptop(f"{prefix}-a", batch_size=2, **options)
    b = make_laptop(f"{prefix}-b", batch_size=2, **options)
    a.client.enroll(server.enrollment_code("东街-1", [EAST], url=url))
    b.client.enroll(server.enrollment_code("东街-2", [EAST], url=url))
    ids = [
        a.create_household(f"610424100201000{k}", seq=k, head=f"王{k}").household_id
        for k in range(3)
    ]
    a.client.push()
    b.client.pull(limit=3)
    for k, household_id in enumerate(ids):
        a.edit(household_id, lambda h, k=k: setattr(h, "phone", f"1371111000{k}"))
        b.edit(household_id, lambda h, k=k: setattr(h, "address", f"东街 {k} 号"))
    b.edit(ids[0], lambda h: setattr(h.members[1], "name", "李秀兰"))
    a.client.push()
    b.client.push()
    b.edit(ids[1], lambda h: setattr(h, "phone", "13622222222"))  # the same field: a conflict
    b.client.push()
    a.client.pull(limit=3)
    b.client.pull(limit=3)
    return a, b, ids


def outcome(server, a, b) -> dict[str, Any]:
    """What the day left behind, without the ids that differ between two runs (devices)."""
    with server.db.session() as session:
        conflicts = sorted(
            (c.entity_id, c.field, c.base_value, c.server_value, c.incoming_value, c.status)
            for c in session.scalars(select(Conflict))
        )
        answers = Counter(session.scalars(select(AppliedChange.outcome)))
        households = session.scalar(select(func.count()).select_from(Household))
    with a.db.session() as session:
        states = Counter(session.scalars(select(OutboxChange.state)))
    with b.db.session() as session:
        states.update(session.scalars(select(OutboxChange.state)))
    return {
        "server": {k: v for k, v in snapshot(server.db).items() if k != "divisions"},
        "a": snapshot(a.db),
        "b": snapshot(b.db),
        "conflicts": conflicts,
        "answers": answers,
        "households": households,
        "outbox": states,
    }


def deterministic_ids(monkeypatch, run: int) -> None:
    """The same ids and clock readings in each run of the day, so two outcomes compare."""
    import desktop.store.save as save
    import tests.sync.conftest as sync_conftest
    from desktop.store.models import REGISTRY_MODELS

    counter = iter(range(10**6))

    def next_id(_context: Any = None) -> str:
        return f"0190a000-0000-7000-8000-{next(counter):012d}"

    for model in REGISTRY_MODELS:
        monkeypatch.setattr(model.__table__.c.id.default, "arg", next_id)
    monkeypatch.setattr(save, "new_id", next_id)
    monkeypatch.setattr(sync_conftest, "new_id", next_id)
    ticks = iter(range(10**6))
    monkeypatch.setattr(save.CLOCK, "now", lambda: f"{1732000000000 + next(ticks):013d}-0000")


def test_a_network_that_drops_delays_and_duplicates_requests_changes_nothing_in_the_outcome(
    server, make_laptop, monkeypatch
):
    deterministic_ids(monkeypatch, 1)
    clean_a, clean_b, _ids = day_of_two_laptops(server, make_laptop, prefix="clean")
    clean = outcome(server, clean_a, clean_b)

    _empty(server)
    deterministic_ids(monkeypatch, 2)
    proxy = FlakyProxy(server.url, seed=7, weights=(4, 2, 2, 2, 2, 2))
    try:
        a, b, _ids = day_of_two_laptops(
            server, make_laptop, prefix="flaky", url=proxy.url, max_attempts=40, timeout=10
        )
    finally:
        proxy.close()
    flaky = outcome(server, a, b)

    assert min(proxy.seen[action] for action in FlakyProxy.ACTIONS) >= 3, proxy.seen
    assert flaky == clean
    assert clean["conflicts"] and clean["answers"]["merged"] >= 3
