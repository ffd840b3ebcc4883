"""Reassigning a village: the new laptop downloads it, the old one drops it once nothing is unsent.

A real server on 127.0.0.1 (SQLite and PostgreSQL); laptop A holds 东街村 and 西街村, the county
moves 西街村 to laptop B. A's accepted edit reaches B and A's copy is gone (rows, index, cursors);
an edit A made before the move but had not sent is still accepted (a field B changed meanwhile
goes to the reviewer as a conflict); an edit made after the move is refused and keeps the village
on A until someone deals with it.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.store.models import Household, LedgerEntry, Member, OutboxChange, Setting, SyncState
from desktop.store.sync_history import record_sync_issues, resolve_sync_issue
from sync.reassign import RELEASE_REASON, release_villages
from sync.receipt import build_receipt_pdf
from sync.rounds import receipt_text, run_sync
from sync.server.models import Conflict, Device
from sync.server.releases import assign_villages, releases
from tests.sync.conftest import EAST, WEST, Laptop, LiveServer, credentials
from tests.sync.test_provision import id_numbers, seed_registry

NEW_ADDRESS = "西街村改派前的新地址"


def reassign(
    server: LiveServer, laptop: Laptop, villages: list[str], *, at_ms: int | None = None
) -> None:
    """What the county's devices page does: set the laptop's villages (now, or at ``at_ms``)."""
    device_id, _token = credentials(laptop)
    with server.db.session() as session:
        assign_villages(session, session.get(Device, device_id), villages, now_ms=at_ms)
        session.commit()


def now_ms() -> int:
    return time.time_ns() // 1_000_000


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


def test_an_unsent_edit_made_before_the_move_is_accepted_and_then_the_village_moves(
    server: LiveServer, make_laptop
):
    ids = seed_registry(server, east=2, west=3)
    a = make_laptop("A", server, villages=[EAST, WEST])
    b = make_laptop("B", server, villages=[EAST])
    run_sync(a.db)
    run_sync(b.db)
    edited = ids[WEST][1]
    # in the field, offline: A changes the address and the phone, and does not sync
    a.edit(
        edited, lambda h: (setattr(h, "address", NEW_ADDRESS), setattr(h, "phone", "13900000001"))
    )

    reassign(server, a, [EAST])  # the county moves 西街村 to B in the afternoon
    reassign(server, b, [EAST, WEST])
    with server.db.session() as session:
        assert list(releases(session, credentials(a)[0])) == [WEST]
    run_sync(b.db)  # B downloads it and changes the same address
    b.edit(edited, lambda h: setattr(h, "address", "B 填的地址"))
    assert run_sync(b.db)["applied"] >= 1

    evening = run_sync(a.db)  # A's edit from before the move reaches the server
    assert evening["refused"] == 0, evening["refusals"]
    assert evening["conflicts"] >= 1  # the address: the reviewer's to decide
    [release] = evening["reassigned"]
    assert release["village"] == WEST and release["removed"], release
    assert households_in(a, ids[WEST]) == 0 and households_in(a, ids[EAST]) == 2
    with server.db.session() as session:
        [conflict] = session.scalars(
            select(Conflict).where(Conflict.entity_id == edited, Conflict.field == "address")
        ).all()
        assert conflict.status == "open" and conflict.village_code == WEST
        assert conflict.incoming_value == NEW_ADDRESS
        assert conflict.server_value == "B 填的地址"
    run_sync(b.db)  # the phone, which nobody else changed, arrives on B; B's address stays
    assert b.household(edited)["phone"] == "13900000001"
    assert b.household(edited)["address"] == "B 填的地址"


def test_an_edit_made_after_the_move_is_refused_and_keeps_the_village_until_dealt_with(
    server: LiveServer, make_laptop, tmp_path: Path
):
    ids = seed_registry(server, east=2, west=3)
    a = make_laptop("A", server, villages=[EAST, WEST])
    run_sync(a.db)
    reassign(server, a, [EAST], at_ms=now_ms() - 1)  # moved before the edit below
    edited = ids[WEST][1]
    a.edit(edited, lambda h: setattr(h, "address", NEW_ADDRESS))

    # before any push the edit is pending: nothing is dropped
    with a.db.session() as session:
        pending = session.scalar(
            select(func.count()).select_from(OutboxChange).where(OutboxChange.state == "pending")
        )
    assert pending >= 1
    kept = release_villages(a.db, [EAST])
    assert [(r.village, r.removed, r.unsent) for r in kept] == [(WEST, False, pending)]

    synced = run_sync(a.db)  # the server no longer takes A's new edits to 西街村: refused
    assert synced["refused"] == pending
    assert {r["code"] for r in synced["refusals"]} == {"VILLAGE_NOT_ASSIGNED"}
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


def test_giving_a_village_back_forgets_its_release(server: LiveServer, make_laptop):
    a = make_laptop("A", server, villages=[EAST, WEST])
    device_id = credentials(a)[0]
    reassign(server, a, [EAST], at_ms=1_000)
    with server.db.session() as session:
        assert releases(session, device_id) == {WEST: 1_000}
    reassign(server, a, [EAST, WEST])
    with server.db.session() as session:
        assert releases(session, device_id) == {}
        assert session.get(Device, device_id).villages == [EAST, WEST]
