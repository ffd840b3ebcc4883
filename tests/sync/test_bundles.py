"""Bundles for villages without network: signed files, imported through a connected laptop or the
server's console, with the push's dedup (any bundle imported twice changes nothing)."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select

from desktop.store.models import Household, OutboxChange
from sync.bundle import BundleError, new_sealing_key, open_body, read_envelope, sealing_public_key
from sync.client.transport import SyncError
from sync.protocol import ErrorCode
from sync.server import cli
from sync.server.keys import bundle_private_key
from sync.server.models import AppliedChange, ChangeLogEntry
from tests.sync.conftest import count, credentials, snapshot


def states(laptop) -> list[str]:
    with laptop.db.session() as session:
        return list(session.scalars(select(OutboxChange.state).order_by(OutboxChange.device_seq)))


def test_a_bundle_relayed_by_another_laptop_is_applied_once_and_a_second_import_changes_nothing(
    server, make_laptop, tmp_path
):
    field = make_laptop("山里-1", server)
    saved = field.create_household("6104241002010001")
    field.edit(saved.household_id, lambda h: setattr(h, "phone", "13712345678"))
    township = make_laptop("乡镇", server)
    bundle = tmp_path / "山里-1.fbbundle"

    summary = field.client.export_bundle(bundle)
    first = township.client.relay_bundle(bundle)
    rows_after_first = snapshot(server.db)
    second = township.client.relay_bundle(bundle)

    assert (summary.changes, summary.first_seq, summary.last_seq) == (5, 1, 5)
    assert (first.device_name, first.sent, first.applied, first.duplicate) == ("山里-1", 5, 5, 0)
    assert (second.sent, second.applied, second.duplicate) == (5, 0, 5)
    assert snapshot(server.db) == rows_after_first
    assert count(server.db, ChangeLogEntry) == 5
    with server.db.session() as session:
        assert {row.device_id for row in session.scalars(select(AppliedChange))} == {
            credentials(field)[0]  # applied as the laptop that signed it, not the relay
        }
        assert session.get(Household, saved.household_id).phone == "13712345678"
    assert states(field) == ["pending"] * 5  # the field laptop learns of it when it syncs

    receipt = field.client.push()

    assert (receipt.sent, receipt.duplicate, receipt.applied) == (5, 5, 0)
    assert states(field) == ["acked"] * 5
    assert count(server.db, ChangeLogEntry) == 5


def test_the_server_console_imports_a_bundle_file_twice_with_the_same_outcome(
    server, make_laptop, tmp_path, capsys
):
    field = make_laptop("山里-1", server)
    field.create_household("6104241002010001")
    bundle = tmp_path / "b.fbbundle"
    field.client.export_bundle(bundle)

    first = cli.main(["import-bundle", "--db", server.database_url, str(bundle), "--json"])
    first_out = json.loads(capsys.readouterr().out)
    second = cli.main(["import-bundle", "--db", server.database_url, str(bundle), "--json"])
    second_out = json.loads(capsys.readouterr().out)

    assert (first, second) == (0, 0)
    assert (first_out["applied"], second_out["duplicate"], second_out["applied"]) == (4, 4, 0)
    assert count(server.db, ChangeLogEntry) == 4


def test_a_newer_bundle_holds_every_unsent_change_and_supersedes_the_older_one(
    server, make_laptop, tmp_path
):
    field = make_laptop("山里-1", server)
    saved = field.create_household("6104241002010001")
    field.client.export_bundle(tmp_path / "monday.fbbundle")
    field.edit(saved.household_id, lambda h: setattr(h, "address", "山里 3 号"))
    field.client.export_bundle(tmp_path / "tuesday.fbbundle")
    township = make_laptop("乡镇", server)

    newest = township.client.relay_bundle(tmp_path / "tuesday.fbbundle")
    older = township.client.relay_bundle(tmp_path / "monday.fbbundle")

    assert (newest.sent, newest.applied) == (5, 5)
    assert (older.sent, older.duplicate) == (4, 4)
    with server.db.session() as session:
        assert session.get(Household, saved.household_id).address == "山里 3 号"


def test_an_altered_bundle_is_refused_and_writes_nothing(server, make_laptop, tmp_path):
    field = make_laptop("山里-1", server)
    field.create_household("6104241002010001")
    bundle = tmp_path / "b.fbbundle"
    field.client.export_bundle(bundle)
    envelope = json.loads(bundle.read_text())
    body = bytearray(base64.b64decode(envelope["body"]))
    body[len(body) // 2] ^= 0x01
    envelope["body"] = base64.b64encode(bytes(body)).decode()
    altered = tmp_path / "altered.fbbundle"
    altered.write_text(json.dumps(envelope))
    garbage = tmp_path / "garbage.fbbundle"
    garbage.write_bytes(b"\x00not a bundle")
    township = make_laptop("乡镇", server)

    with pytest.raises(SyncError) as refused:
        township.client.relay_bundle(altered)
    with pytest.raises(BundleError) as unreadable:
        township.client.relay_bundle(garbage)

    assert (refused.value.status, refused.value.code) == (400, ErrorCode.BUNDLE_SIGNATURE)
    assert unreadable.value.code is ErrorCode.BUNDLE_INVALID
    assert count(server.db, AppliedChange) == 0
    assert count(server.db, Household) == 0


def test_a_bundle_of_a_revoked_device_is_refused(server, make_laptop, tmp_path):
    field = make_laptop("山里-1", server)
    field.create_household("6104241002010001")
    bundle = tmp_path / "b.fbbundle"
    field.client.export_bundle(bundle)
    assert cli.main(["revoke", "--db", server.database_url, credentials(field)[0]]) == 0
    township = make_laptop("乡镇", server)

    with pytest.raises(SyncError) as refused:
        township.client.relay_bundle(bundle)

    assert (refused.value.status, refused.value.code) == (403, ErrorCode.DEVICE_REVOKED)
    assert count(server.db, Household) == 0


def test_a_bundle_that_starts_after_a_gap_is_refused_with_the_seq_the_server_waits_for(
    server, make_laptop, tmp_path
):
    field = make_laptop("山里-1", server)
    saved = field.create_household("6104241002010001")
    field.client.export_bundle(tmp_path / "lost.fbbundle")  # this stick never reaches the town
    with field.db.session() as session:  # the laptop was synced by someone else meanwhile
        for row in session.scalars(select(OutboxChange)):
            row.state = "acked"
        session.commit()
    field.edit(saved.household_id, lambda h: setattr(h, "phone", "13712345678"))
    field.client.export_bundle(tmp_path / "late.fbbundle")
    township = make_laptop("乡镇", server)

    with pytest.raises(SyncError) as gap:
        township.client.relay_bundle(tmp_path / "late.fbbundle")
    recovered = township.client.relay_bundle(tmp_path / "lost.fbbundle")
    late = township.client.relay_bundle(tmp_path / "late.fbbundle")

    assert (gap.value.status, gap.value.code) == (409, ErrorCode.DEVICE_SEQ_GAP)
    assert gap.value.details["expected_seq"] == 1
    assert (recovered.applied, late.applied) == (4, 1)


def test_exporting_needs_an_enrolled_laptop_and_something_to_export(make_laptop, server, tmp_path):
    stranger = make_laptop("未登记")
    stranger.create_household("6104241002010001")
    idle = make_laptop("空闲", server)

    with pytest.raises(SyncError) as not_enrolled:
        stranger.client.export_bundle(tmp_path / "x.fbbundle")
    nothing = idle.client.export_bundle(tmp_path / "y.fbbundle")

    assert not_enrolled.value.code is ErrorCode.NOT_ENROLLED
    assert nothing is None and not (tmp_path / "y.fbbundle").exists()


def test_a_bundle_is_sealed_to_the_server_so_a_lost_stick_or_the_relay_cannot_read_it(
    server, make_laptop, tmp_path
):
    field = make_laptop("山里-1", server)
    field.create_household("6104241002010001", head="王建国")
    bundle = tmp_path / "b.fbbundle"
    field.client.export_bundle(bundle)
    envelope = read_envelope(bundle)
    with server.db.session() as session:
        server_key = bundle_private_key(session)

    with pytest.raises(BundleError) as without_key:
        open_body(envelope)
    with pytest.raises(BundleError) as other_key:
        open_body(envelope, new_sealing_key())
    body = open_body(envelope, server_key)

    assert envelope.sealed_to == sealing_public_key(server_key)
    assert "王建国".encode() not in bundle.read_bytes()
    assert without_key.value.code is other_key.value.code is ErrorCode.BUNDLE_INVALID
    assert [c.device_seq for c in body.changes] == [1, 2, 3, 4]
    assert any(c.fields.get("name") == "王建国" for c in body.changes)
