"""The laptop client's own behaviour: batches, progress, cancel, retries with backoff."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import event, select

from desktop.store.models import OutboxChange, SyncState
from sync.client import SyncClient
from sync.client.transport import SyncError
from sync.protocol import ErrorCode, encode_enrollment
from tests.sync.conftest import EAST, WEST


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_push_sends_the_outbox_in_batches_and_reports_progress(server, make_laptop):
    laptop = make_laptop("A", server, batch_size=3)
    for k in range(2):
        laptop.create_household(f"610424100201000{k}", seq=k)
    seen: list[tuple[int, int]] = []

    receipt = laptop.client.push(progress=lambda done, total: seen.append((done, total)))

    assert (receipt.sent, receipt.applied, receipt.batches) == (8, 8, 3)
    assert seen == [(3, 8), (6, 8), (8, 8)]
    assert laptop.client.pending_count() == 0


def test_a_cancelled_push_stops_between_batches_and_the_rest_stays_pending(server, make_laptop):
    laptop = make_laptop("A", server, batch_size=3)
    for k in range(2):
        laptop.create_household(f"610424100201000{k}", seq=k)
    batches: list[int] = []

    receipt = laptop.client.push(
        progress=lambda done, _total: batches.append(done), cancel=lambda: len(batches) >= 1
    )

    assert receipt.cancelled and (receipt.sent, receipt.batches) == (3, 1)
    assert laptop.client.pending_count() == 5
    assert laptop.client.push().applied == 5  # the next push goes on where it stopped


def test_an_unreachable_server_is_retried_with_growing_backoff_then_reported(make_laptop, tmp_path):
    waits: list[float] = []
    laptop = make_laptop("A", sleep=waits.append, max_attempts=4, backoff=0.5)
    code = encode_enrollment("some-code-1234", f"http://127.0.0.1:{free_port()}")

    with pytest.raises(SyncError) as failed:
        laptop.client.enroll(code)

    assert failed.value.code is ErrorCode.NETWORK
    assert waits == [0.5, 1.0, 2.0]
    assert laptop.client.enrollment() is None


def test_a_busy_server_answers_503_and_the_client_waits_as_retry_after_says(server, make_laptop):
    waits: list[float] = []
    laptop = make_laptop("A", server, sleep=waits.append, max_attempts=3)
    laptop.create_household("6104241002010001")
    server.app.state.push_lock_timeout = 0.05
    # another push of the same county holds the writer
    with server.another_push_writing(), pytest.raises(SyncError) as busy:
        laptop.client.push()

    assert (busy.value.status, busy.value.code) == (503, ErrorCode.SERVER_BUSY)
    assert waits == [5.0, 5.0]
    with laptop.db.session() as session:
        assert set(session.scalars(select(OutboxChange.state))) == {"pending"}
    assert laptop.client.push().applied == 4


def test_a_laptop_that_has_not_enrolled_is_told_so(make_laptop):
    laptop = make_laptop("A")
    laptop.create_household("6104241002010001")

    with pytest.raises(SyncError) as push:
        laptop.client.push()
    with pytest.raises(SyncError) as pull:
        laptop.client.pull()

    assert push.value.code is pull.value.code is ErrorCode.NOT_ENROLLED


def test_pull_keeps_one_cursor_per_assigned_village(server, make_laptop):
    writer = make_laptop("W", server, villages=[EAST, WEST])
    writer.create_household("6104241002010001")
    writer.create_household("6104241002020001", village=WEST, seq=2)
    writer.client.push()
    reader = make_laptop("R", server, villages=[EAST, WEST])

    first = reader.client.pull()
    second = SyncClient(reader.db).pull()

    assert first.cursors == {EAST: 4, WEST: 8} and first.changes == 8
    assert second.changes == 0 and second.cursors == first.cursors
    with reader.db.session() as session:
        assert {s.village_code: s.cursor for s in session.scalars(select(SyncState))} == {
            EAST: 4,
            WEST: 8,
        }


def test_push_records_and_pull_applies_on_the_databases_one_writer(server, make_laptop):
    """Every commit a push or a pull makes on the laptop runs on ``Database.writer``'s thread."""
    a = make_laptop("A", server, batch_size=3)
    b = make_laptop("B", server)
    for k in range(2):
        a.create_household(f"610424100201000{k}", seq=k)
    committed_on: dict[str, list[str]] = {"A": [], "B": []}
    for laptop in (a, b):
        event.listen(
            laptop.db.engine,
            "commit",
            lambda _conn, name=laptop.name: committed_on[name].append(
                threading.current_thread().name
            ),
        )

    pushed = a.client.push()
    pulled = b.client.pull()

    assert pushed.batches == 3 and pulled.changes == 8
    assert len(committed_on["A"]) == 3 and committed_on["B"]
    writers = {name for names in committed_on.values() for name in names}
    assert all(name.startswith("fieldbook-writer") for name in writers), writers
