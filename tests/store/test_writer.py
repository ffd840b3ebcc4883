"""The one writer runs jobs in order, on one thread, and a job may write again without deadlock."""

import threading

import pytest

from desktop.store.writer import SerialWriter


def test_jobs_run_in_submission_order_on_one_thread():
    writer = SerialWriter()
    seen: list[tuple[int, int]] = []
    futures = [writer.submit(lambda i=i: seen.append((i, threading.get_ident()))) for i in range(50)]
    for future in futures:
        future.result()
    writer.shutdown()
    assert [i for i, _ in seen] == list(range(50))
    assert len({ident for _, ident in seen}) == 1
    assert seen[0][1] != threading.get_ident()


def test_a_job_that_writes_again_runs_inline_instead_of_deadlocking():
    writer = SerialWriter()
    assert writer.call(lambda: writer.call(lambda: 7) + 1) == 8
    writer.shutdown()


def test_an_error_reaches_the_caller_and_the_writer_goes_on():
    writer = SerialWriter()
    with pytest.raises(ZeroDivisionError):
        writer.call(lambda: 1 / 0)
    assert writer.call(lambda: "next") == "next"
    writer.shutdown()
    assert writer.call(lambda: "after restart") == "after restart"
    writer.shutdown()
