"""``fieldbook-server import-registry``: the county's export into the server, on SQLite and PostgreSQL.

The first import is the baseline (bulk, no feed); a newer export goes through the server's merge
as the import device: untouched fields reach the feed, a field a laptop changed since becomes a
conflict for the reviewer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import func, select

from desktop.store.models import Household, Member
from desktop.store.registry_import import RegistryFileError
from sync.protocol import Change, PushRequest
from sync.server.db import open_server_database
from sync.server.devices import IMPORT_DEVICE_ID
from sync.server.models import ChangeLogEntry, Conflict, Device
from sync.server.push import ingest_batch
from sync.server.registry_import import import_registry_server
from tests.store.test_registry_import import (
    DEMO_HOUSEHOLDS,
    column,
    exported,  # noqa: F401 - the module's fixture
    read_sheets,
    write_csvs,
    write_xlsx,
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return request.getfixturevalue("pg_database_url")


@pytest.fixture
def server(server_url):
    database = open_server_database(server_url)
    yield database
    database.dispose()


def _count(database, model) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _laptop_edits_phone(database, household_number: str, phone: str) -> None:
    """A field worker's laptop pushes a new phone number (through the real ingest)."""
    with database.session() as session:
        household = session.scalar(
            select(Household).where(Household.household_number == household_number)
        )
        village = household.village.code
        device = Device(
            device_id=str(uuid.uuid4()),
            name="东街村-1",
            token_hash="0" * 64,
            villages=[village],
            role="field_worker",
        )
        session.add(device)
        session.flush()
        change = Change(
            change_id=str(uuid.uuid4()),
            device_seq=1,
            entity="households",
            entity_id=household.id,
            village_code=village,
            op="update",
            base_version=household.version,
            fields={"phone": phone},
            edited_at="2019-11-01T10:00:00",
        )
        answer = ingest_batch(
            session,
            device,
            PushRequest(device_id=device.device_id, batch_id="b1", first_seq=1, changes=[change]),
        )
        assert answer.results[0].outcome == "applied"
        session.commit()


def test_first_import_is_the_baseline_and_the_same_file_again_changes_nothing(exported, server):  # noqa: F811
    result = import_registry_server(server, [exported])
    assert result.plan.rejected == []
    assert result.new_households == DEMO_HOUSEHOLDS
    assert _count(server, Household) == DEMO_HOUSEHOLDS
    assert _count(server, ChangeLogEntry) == 0  # the baseline travels as a snapshot, not the feed
    again = import_registry_server(server, [exported])
    assert (again.new_households, again.updated_households) == (0, 0)
    assert again.unchanged_households == DEMO_HOUSEHOLDS
    assert _count(server, ChangeLogEntry) == 0


def test_newer_export_goes_through_the_feed_and_a_laptops_edit_becomes_a_conflict(
    exported,  # noqa: F811
    server,
    tmp_path,
):
    import_registry_server(server, [exported])
    sheets = read_sheets(exported)
    households, members = sheets["户基本信息"], sheets["家庭成员"]
    number, phone = column(households, "户编号"), column(households, "联系电话")
    untouched, edited = households[2][number], households[3][number]
    _laptop_edits_phone(server, edited, "13711112222")

    households[2][phone] = "13600000001"  # the national system changed it; no laptop did
    households[3][phone] = "13600000002"  # the national system changed it; so did a laptop
    new_row = list(households[2])
    new_row[number] = "6107271012019999"
    households.append(new_row)  # a household new in the newer export
    head = next(r for r in members[2:] if r[column(members, "户编号")] == untouched)
    new_member = list(head)
    new_member[column(members, "户编号")] = "6107271012019999"
    members.append(new_member)
    result = import_registry_server(server, [write_xlsx(sheets, tmp_path / "newer.xlsx")])

    assert result.new_households == 1
    assert result.conflicts == 1
    with server.session() as session:
        by_number = {
            h.household_number: h
            for h in session.scalars(
                select(Household).where(
                    Household.household_number.in_([untouched, edited, "6107271012019999"])
                )
            )
        }
        assert by_number[untouched].phone == "13600000001"
        assert by_number[edited].phone == "13711112222"  # the laptop's value stays
        conflict = session.scalars(select(Conflict)).one()
        assert (conflict.entity_id, conflict.field) == (by_number[edited].id, "phone")
        assert (conflict.server_value, conflict.incoming_value) == ("13711112222", "13600000002")
        assert conflict.device_id == IMPORT_DEVICE_ID and conflict.status == "open"
        feed = session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.device_id == IMPORT_DEVICE_ID)
        ).all()
        by_entity = {(e.entity, e.entity_id): e for e in feed}
        assert by_entity[("households", by_number[untouched].id)].fields == {"phone": "13600000001"}
        assert ("households", by_number["6107271012019999"].id) in by_entity
        new_members = session.scalars(
            select(Member).where(Member.household_id == by_number["6107271012019999"].id)
        ).all()
        assert len(new_members) == 1
        assert ("members", new_members[0].id) in by_entity
        assert ("households", by_number[edited].id) not in by_entity
        import_device = session.get(Device, IMPORT_DEVICE_ID)
        assert import_device.revoked

    # once more with the same file: the import's own earlier writes are not news, and the
    # conflict is not raised twice
    again = import_registry_server(server, [write_xlsx(sheets, tmp_path / "newer.xlsx")])
    assert again.conflicts == 0
    assert again.feed_entries == 0


def test_gb18030_csvs_import_on_the_server(exported, server, tmp_path):  # noqa: F811
    sheets = read_sheets(exported)
    labels = {title: [rows[0], *rows[2:]] for title, rows in sheets.items()}
    files = write_csvs(labels, tmp_path / "csv", "gb18030")
    result = import_registry_server(server, files)
    assert result.plan.rejected == []
    assert _count(server, Household) == DEMO_HOUSEHOLDS


def test_a_missing_column_writes_nothing_on_the_server(exported, server, tmp_path):  # noqa: F811
    sheets = read_sheets(exported)
    rows = sheets["户基本信息"]
    index = column(rows, "户编号")
    sheets["户基本信息"] = [[v for n, v in enumerate(r) if n != index] for r in rows]
    with pytest.raises(RegistryFileError) as raised:
        import_registry_server(server, [write_xlsx(sheets, tmp_path / "bad.xlsx")])
    assert "户基本信息" in str(raised.value) and "户编号" in str(raised.value)
    assert _count(server, Household) == 0


def test_server_cli_dry_run_reports_and_writes_nothing(exported, server_url, tmp_path):  # noqa: F811
    report = tmp_path / "report.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "import-registry",
            "--db",
            server_url,
            str(exported),
            "--dry-run",
            "--json",
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["dry_run"] is True and summary["new_households"] == DEMO_HOUSEHOLDS
    assert report.is_file()
    database = open_server_database(server_url)
    try:
        assert _count(database, Household) == 0
    finally:
        database.dispose()
