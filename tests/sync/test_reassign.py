"""Reassigning a village: the new laptop downloads it, the old one drops it once nothing is unsent.

A real server on 127.0.0.1 (SQLite and PostgreSQL); laptop A holds 东街村 and 西街村, the county
moves 西街村 to laptop B. A's accepted edit reaches B and A's copy is gone (rows, index, cursors);
a refused edit keeps the village on A until someone deals with it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.store.models import Household, LedgerEntry, Member, OutboxChange, Setting, SyncState
from desktop.store.sync_history import record_sync_issues, resolve_sync_issue
from sync.reassign import RELEASE_REASON, release_villages
from sync.receipt import build_receipt_pdf
from sync.rounds import receipt_text, run_sync
from sync.server.models import Device
from tests.sync.conftest import EAST, WEST, Laptop, LiveServer, credentials
from tests.sync.test_provision import id_numbers, seed_registry

NEW_ADDRESS = "西街村改派前的新地址"


def reassign(server: LiveServer, laptop: Laptop, villages: list[str]) -> None:
    """What the county's devices page does: set the laptop's villages."""
    device_id, _token = credentials(laptop)
    with server.db.session() as session:
        session.get(Device, device_id).villages = villages
        session.commit()


def households_in(laptop: Laptop, household_ids: list[str]) -> int:
    with laptop.db.session() as session:
        query = select(func.count()).select_from(Household)
        return session.scalar(query.where(Household.id.in_(household_ids))) or 0


def live_bytes(laptop: Laptop, tmp_path: Path) -> bytes:
    """Every live page of the laptop's file (search index included), as ``VACUUM INTO`` copies it."""
    copy = tmp_path / f"{laptop.name}-copy.db"
    connection = sqlite3.connect(laptop.db.engine.url.database)
    try:
        connection.execute("VACUUM INTO ?", (str(copy),))
    finally:
        connection.close()
    return copy.read_bytes()


def search_hits(laptop: Laptop, household_ids: list[str]) -> int:
    with laptop.db.session() as session:
        rows = session.connection().exec_driver_sql("SELECT household_id FROM search_docs").all()
    return len({row[0] for row in rows} & set(household_ids))


def test_a_reassigned_village_moves_with_the_old_laptops_accepted_edit(
    server: LiveServer, make_laptop, tmp_path: Path
):
    ids = seed_registry(server, east=3, west=4)
    a = make_laptop("A", server, villages=[EAST, WEST])
    b = make_laptop("B", server, villages=[EAST])
    run_sync(a.db)
    run_sync(b.db)
    assert households_in(a, ids[WEST]) == 4 and households_in(b, ids[WEST]) == 0
    assert search_hits(a, ids[WEST]) == 4
    edited = ids[WEST][0]
    a.edit(edited, lambda h: setattr(h, "address", NEW_ADDRESS))
    first = run_sync(a.db)  # still A's: the edit is accepted
    assert first["sent"] >= 1 and first["applied"] == first["sent"]
    assert first["reassigned"] == []

    reassign(server, a, [EAST])
    reassign(server, b, [EAST, WEST])
    moved = run_sync(a.db)
    assert [r["village"] for r in moved["reassigned"]] == [WEST]
    assert moved["reassigned"][0]["removed"]
    assert "已改派给其他笔记本,本机数据已移除" in receipt_text(moved)
    pdf = tmp_path / "receipt.pdf"
    build_receipt_pdf(moved, pdf)  # the printed receipt says it too
    printed = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "本机数据已移除" in printed.replace("\n", "")
    assert households_in(a, ids[WEST]) == 0
    assert households_in(a, ids[EAST]) == 3  # the village it keeps is untouched
    assert search_hits(a, ids[WEST]) == 0
    with a.db.session() as session:
        assert session.get(SyncState, WEST) is None
        assert session.get(Setting, "sync.snapshot." + WEST) is None
        members = select(func.count()).select_from(Member)
        assert session.scalar(members.where(Member.household_id.in_(ids[WEST]))) == 0
        booked = session.scalars(
            select(LedgerEntry.household_id).where(LedgerEntry.reason == RELEASE_REASON)
        ).all()
        assert sorted(booked) == sorted(ids[WEST])  # one book line per household
        assert (
            session.scalar(
                select(func.count())
                .select_from(OutboxChange)
                .where(OutboxChange.state == "pending")
            )
            == 0
        )  # not an edit to send
    dump = live_bytes(a, tmp_path)
    for number in id_numbers(server.db, ids[WEST]):
        assert number.encode() not in dump
    for number in id_numbers(server.db, ids[EAST]):
        assert number.encode() in dump

    again = run_sync(a.db)  # nothing left to release
    assert again["reassigned"] == []

    received = run_sync(b.db)  # the new laptop downloads it at its next sync
    assert received["reassigned"] == []
    assert households_in(b, ids[WEST]) == 4
    assert b.household(edited)["address"] == NEW_ADDRESS
    assert search_hits(b, ids[WEST]) == 4


def test_a_refused_edit_keeps_the_village_until_it_is_dealt_with(
    server: LiveServer, make_laptop, tmp_path: Path
):
    ids = seed_registry(server, east=2, west=3)
    a = make_laptop("A", server, villages=[EAST, WEST])
    run_sync(a.db)
    edited = ids[WEST][1]
    a.edit(edited, lambda h: setattr(h, "address", NEW_ADDRESS))
    reassign(server, a, [EAST])

    # before any push the edit is pending: nothing is dropped
    with a.db.session() as session:
        pending = session.scalar(
            select(func.count()).select_from(OutboxChange).where(OutboxChange.state == "pending")
        )
    assert pending >= 1
    kept = release_villages(a.db, [EAST])
    assert [(r.village, r.removed, r.unsent) for r in kept] == [(WEST, False, pending)]

    synced = run_sync(a.db)  # the server no longer takes A's edits to 西街村: refused
    assert synced["refused"] == pending
    [release] = synced["reassigned"]
    assert not release["removed"] and release["unsent"] == pending
    assert f"还有 {pending} 条未被服务器接受的修改" in receipt_text(synced)
    assert "暂不移除" in receipt_text(synced)
    assert households_in(a, ids[WEST]) == 3
    assert a.household(edited)["address"] == NEW_ADDRESS  # the person's work is still here
    assert run_sync(a.db)["reassigned"][0]["removed"] is False  # and stays, sync after sync

    # the reviewer deals with the refusal (the sync history): the next sync drops the village
    with a.db.session() as session:
        record_sync_issues(session, synced["refusals"], now=datetime(2026, 12, 4))
        for refusal in synced["refusals"][1:]:
            resolve_sync_issue(
                session, refusal["change_id"], actor="审核员", now=datetime(2026, 12, 4)
            )
        session.commit()
    partly = run_sync(a.db)  # one refusal still open: kept
    assert not partly["reassigned"][0]["removed"] and partly["reassigned"][0]["unsent"] == 1
    with a.db.session() as session:
        change_id = synced["refusals"][0]["change_id"]
        assert resolve_sync_issue(session, change_id, actor="审核员", now=datetime(2026, 12, 4))
        session.commit()
    dropped = run_sync(a.db)
    assert dropped["reassigned"][0]["removed"]
    assert households_in(a, ids[WEST]) == 0 and households_in(a, ids[EAST]) == 2
