"""The county's side: seeding the server from a laptop's county, the reviewer resolving conflicts,
the county reports, and the county's card key handed out at enrollment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.cards.keys import CARD_KEY
from desktop.store.db import registry_writer
from desktop.store.models import Division, Household, Member, Setting
from desktop.store.sync_apply import WireValueError, parse_value
from sync.client.transport import SyncError
from sync.conflicts import ResolutionFailed, load_conflicts, resolve
from sync.protocol import ErrorCode, ProblemsReport, ProgressReport, QuotaReport
from sync.server import cli
from sync.server.models import Conflict
from tests.sync.conftest import EAST, count, demo_villages, snapshot


def conflict_on_phone(server, make_laptop):
    """Two field workers set one household's phone to two numbers: one open conflict."""
    a = make_laptop("东街-1", server)
    b = make_laptop("东街-2", server)
    saved = a.create_household("6104241002010001")
    a.client.push()
    b.client.pull()
    a.edit(saved.household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(saved.household_id, lambda h: setattr(h, "phone", "13622222222"))
    a.client.push()
    assert b.client.push().conflicts == 1
    return a, b, saved.household_id


def phone_on(server, household_id: str) -> str | None:
    with server.db.session() as session:
        return session.get(Household, household_id).phone


def open_conflicts(server) -> int:
    with server.db.session() as session:
        return len(session.scalars(select(Conflict).where(Conflict.status == "open")).all())


# --- resolving conflicts -------------------------------------------------------------------------


def test_the_reviewer_sees_field_base_theirs_mine_who_and_when(server, make_laptop):
    conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")
    reviewer.client.pull()

    [row] = load_conflicts(reviewer.db, reviewer.client)

    assert (row.household_number, row.head_name, row.field_label) == (
        "6104241002010001",
        "张建国",
        "联系电话",
    )
    assert (row.base_text, row.server_text, row.incoming_text) == (
        "13900000000",
        "13711111111",
        "13622222222",
    )
    assert (row.server_by, row.incoming_by) == ("东街-1", "东街-2")
    assert row.incoming_at and row.server_at and row.village_name == "东街村"


def test_picking_the_losing_value_writes_it_as_an_ordinary_change_that_reaches_every_laptop(
    server, make_laptop
):
    a, b, household_id = conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")
    [row] = load_conflicts(reviewer.db, reviewer.client)

    done = resolve(reviewer.db, reviewer.client, row.item, row.item.incoming_value, actor="李审核")
    again = reviewer.client.resolve(row.id, "13622222222")
    a.client.pull()
    b.client.pull()

    assert done.change_id is not None and done.conflict_ids == [row.id] == again.resolved
    assert phone_on(server, household_id) == "13622222222"
    assert a.household(household_id)["phone"] == b.household(household_id)["phone"] == "13622222222"
    assert snapshot(a.db)["households"] == snapshot(b.db)["households"]
    assert open_conflicts(server) == 0
    with server.db.session() as session:
        closed = session.get(Conflict, row.id)
        assert (closed.resolved_value, closed.resolved_by) == ("13622222222", "城关审核")
        assert closed.resolved_change_id == done.change_id
    with reviewer.db.session() as session:
        from desktop.store.models import LedgerEntry

        booked = session.scalars(
            select(LedgerEntry).where(LedgerEntry.change_id == done.change_id)
        ).one()
        assert (booked.actor, booked.reason, booked.new_value) == (
            "李审核",
            "冲突裁决",
            "13622222222",
        )


def test_keeping_the_servers_value_closes_the_conflict_without_any_change(server, make_laptop):
    _a, _b, household_id = conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")
    [row] = load_conflicts(reviewer.db, reviewer.client)
    feed_before = snapshot(server.db)

    done = resolve(reviewer.db, reviewer.client, row.item, row.item.server_value, actor="李审核")

    assert done.change_id is None
    assert snapshot(server.db) == feed_before
    assert phone_on(server, household_id) == "13711111111"
    assert open_conflicts(server) == 0


def test_a_typed_value_is_checked_against_the_field_before_anything_is_written(server, make_laptop):
    conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")
    [row] = load_conflicts(reviewer.db, reviewer.client)

    with pytest.raises(ResolutionFailed) as too_long:
        resolve(reviewer.db, reviewer.client, row.item, "1" * 200, actor="李审核")
    typed = parse_value("households", "phone", " 13533333333 ")
    resolve(reviewer.db, reviewer.client, row.item, typed, actor="李审核")

    assert "联系电话" in too_long.value.message
    assert phone_on(server, row.item.entity_id) == "13533333333"


def test_a_decision_overtaken_by_another_edit_is_not_applied_and_the_conflict_stays_open(
    server, make_laptop, monkeypatch
):
    a, _b, household_id = conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")
    [row] = load_conflicts(reviewer.db, reviewer.client)
    reviewer.client.pull()
    a.edit(household_id, lambda h: setattr(h, "phone", "13744444444"))  # while the reviewer thinks
    a.client.push()
    monkeypatch.setattr(reviewer.client, "pull", lambda *args, **kwargs: None)

    with pytest.raises(ResolutionFailed) as overtaken:
        resolve(reviewer.db, reviewer.client, row.item, row.item.incoming_value, actor="李审核")

    assert overtaken.value.code is ErrorCode.RESOLUTION_NOT_APPLIED
    assert phone_on(server, household_id) == "13744444444"
    with server.db.session() as session:
        assert session.get(Conflict, row.id).status == "open"


def test_a_field_worker_may_not_resolve_or_read_the_county_reports(server, make_laptop):
    _a, b, _household_id = conflict_on_phone(server, make_laptop)
    [item] = b.client.conflicts()

    with pytest.raises(SyncError) as resolving:
        b.client.resolve(item.id, item.incoming_value)
    with pytest.raises(SyncError) as reading:
        b.client.report("progress")

    assert (resolving.value.status, resolving.value.code) == (403, ErrorCode.ROLE_NOT_ALLOWED)
    assert (reading.value.status, reading.value.code) == (403, ErrorCode.ROLE_NOT_ALLOWED)
    assert open_conflicts(server) == 1


def test_the_server_closes_a_conflict_only_when_it_holds_the_chosen_value(server, make_laptop):
    conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")
    [item] = reviewer.client.conflicts()

    with pytest.raises(SyncError) as not_there:
        reviewer.client.resolve(item.id, item.incoming_value)

    assert (not_there.value.status, not_there.value.code) == (
        409,
        ErrorCode.RESOLUTION_NOT_APPLIED,
    )
    assert open_conflicts(server) == 1


def test_typed_values_are_read_as_the_fields_type() -> None:
    assert parse_value("members", "work_months", "6") == 6
    assert parse_value("households", "other_causes", "01、02") == ["01", "02"]
    assert parse_value("members", "deleted", "是") is True
    assert parse_value("incomes", "wage_income", "6000") == "6000.00"
    assert parse_value("households", "address", "") is None
    with pytest.raises(WireValueError):
        parse_value("members", "work_months", "六个月")
    with pytest.raises(WireValueError):
        parse_value("households", "no_such_field", "x")


# --- the county's seed and keys -------------------------------------------------------------------


def seeded(server, demo_template) -> list[str]:
    assert (
        cli.main(
            ["load-divisions", "--db", server.database_url, "--from", str(demo_template), "--all"]
        )
        == 0
    )
    return demo_villages(demo_template)


def test_load_divisions_copies_the_county_with_its_ids_and_a_second_load_changes_nothing(
    server, demo_template, capsys
):
    assert (
        cli.main(["load-divisions", "--db", server.database_url, "--from", str(demo_template)]) == 0
    )
    first = capsys.readouterr().out
    assert (
        cli.main(
            ["load-divisions", "--db", server.database_url, "--from", str(demo_template), "--all"]
        )
        == 0
    )
    second = capsys.readouterr().out
    assert (
        cli.main(
            ["load-divisions", "--db", server.database_url, "--from", str(demo_template), "--all"]
        )
        == 0
    )
    third = capsys.readouterr().out

    assert "divisions: 新增" in first and "households: 新增 40 行" in second
    assert "households: 新增 0 行, 已有 40 行" in third
    assert "county_code" in first
    with server.db.session() as session:
        county = session.scalars(select(Division).where(Division.code == "610727000000")).one()
        assert county.name == "略阳县"
        assert session.get(Setting, "policy_year").value == "2019"
    assert count(server.db, Household) == 40
    assert (
        cli.main(["load-divisions", "--db", server.database_url, "--from", "/nonexistent.db"]) == 2
    )


def test_laptops_starting_from_the_same_county_sync_edits_of_its_households(
    server, make_laptop, demo_template
):
    villages = seeded(server, demo_template)
    a = make_laptop("王家湾-1", server, villages=villages, demo=True)
    b = make_laptop("王家湾-2", server, villages=villages, demo=True)
    with a.db.session() as session:
        household_id = session.scalars(
            select(Household.id).order_by(Household.household_number)
        ).first()
    a.edit(household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(household_id, lambda h: setattr(h, "address", "王家湾 1 组"))

    pushed_a, pushed_b = a.client.push(), b.client.push()
    a.client.pull()
    b.client.pull()

    assert (pushed_a.applied, pushed_b.merged) == (1, 1)
    assert a.household(household_id)["address"] == "王家湾 1 组"
    assert b.household(household_id)["phone"] == "13711111111"
    assert snapshot(a.db)["households"] == snapshot(b.db)["households"]


def test_every_laptop_of_the_county_receives_the_same_card_key_at_enrollment(
    server, make_laptop, demo_template
):
    villages = seeded(server, demo_template)
    a = make_laptop("王家湾-1", server, villages=villages, demo=True)
    b = make_laptop("王家湾-2", server, villages=villages[:1], demo=True)

    keys = set()
    for laptop in (a, b, server):
        with laptop.db.session() as session:
            keys.add(session.get(Setting, CARD_KEY).value)

    assert len(keys) == 1
    with a.db.session() as session:
        assert session.get(Setting, "county_code").value == "610727000000"


# --- county reports --------------------------------------------------------------------------------


def test_the_county_reports_progress_quota_problems_and_conflicts_for_a_reviewer(
    server, make_laptop, demo_template
):
    villages = seeded(server, demo_template)
    worker = make_laptop("王家湾-1", server, villages=villages[:1], demo=True)
    reviewer = make_laptop("县审核", server, villages=villages, role="reviewer", demo=True)
    with worker.db.session() as session:
        village_id = session.scalars(select(Division.id).where(Division.code == villages[0])).one()
        household_id = session.scalars(
            select(Household.id)
            .where(Household.village_id == village_id)
            .order_by(Household.household_number)
        ).first()

    # The server refuses a pushed edit that breaks an error rule (sync.server.rules): the bad ID
    # number is already on the server (as a registry loaded with its problems), the push an
    # unrelated edit of that household.
    with server.db.session() as session, registry_writer(session, "test"):
        head = session.get(Household, household_id).current_members[0]
        head.id_number = "610727199206213821"  # wrong check digit
        session.commit()

    def new_phone(household: Household) -> None:
        household.phone = "13911112222"

    worker.edit(household_id, new_phone)
    assert worker.client.push().applied == 1

    progress = reviewer.client.report("progress")
    quota = reviewer.client.report("quota")
    problems = reviewer.client.report("problems")
    one_village = reviewer.client.report("problems", village=villages[1])

    assert isinstance(progress, ProgressReport) and progress.year == 2019
    first, second = progress.villages
    assert (first.village_code, first.households, first.visited) == (villages[0], 20, 20)
    assert (first.changed, first.changes, second.changed) == (1, 1, 0)
    assert first.devices == ["县审核", "王家湾-1"] and first.synced_at is not None
    assert isinstance(quota, QuotaReport) and quota.internal
    [county] = quota.counties
    assert (county.county_name, county.base, county.marginal_households) == ("略阳县", 23, 1)
    assert isinstance(problems, ProblemsReport)
    by_village = {v.village_code: v for v in problems.villages}
    assert by_village[villages[0]].by_code == {"R1_01_003_ID_INVALID": 1}
    assert by_village[villages[1]].errors == 0
    assert [v.village_code for v in one_village.villages] == [villages[1]]
    with pytest.raises(SyncError) as outside:
        reviewer.client.report("progress", village=EAST)
    assert outside.value.code is ErrorCode.VILLAGE_NOT_ASSIGNED


def test_the_conflicts_report_counts_open_conflicts_per_village_and_field(server, make_laptop):
    conflict_on_phone(server, make_laptop)
    reviewer = make_laptop("城关审核", server, role="reviewer")

    report = reviewer.client.report("conflicts")
    progress = reviewer.client.report("progress")

    [village] = report.villages
    assert (village.village_code, village.open, village.by_field) == (EAST, 1, {"phone": 1})
    assert village.conflicts[0].device_name == "东街-2"
    assert progress.villages[0].open_conflicts == 1


def test_the_console_prints_the_reports_as_json(server, make_laptop, capsys):
    conflict_on_phone(server, make_laptop)
    capsys.readouterr()

    assert cli.main(["report", "--db", server.database_url, "conflicts", "--village", EAST]) == 0
    printed = capsys.readouterr().out

    assert '"open": 1' in printed and "13622222222" in printed


def test_a_stale_delete_conflict_is_resolved_by_deleting(server, make_laptop):
    a = make_laptop("东街-1", server)
    b = make_laptop("东街-2", server)
    saved = a.create_household("6104241002010001")
    a.client.push()
    b.client.pull()
    a.edit(saved.household_id, lambda h: setattr(h.members[1], "name", "李秀兰"))
    b.edit(saved.household_id, lambda h: setattr(h.members[1], "deleted", True))
    a.client.push()
    b.client.push()
    reviewer = make_laptop("城关审核", server, role="reviewer")
    [row] = load_conflicts(reviewer.db, reviewer.client)

    resolve(reviewer.db, reviewer.client, row.item, True, actor="李审核")

    assert (row.field_label, row.server_text, row.incoming_text) == ("删除", "否", "是")
    with server.db.session() as session:
        assert session.get(Member, row.item.entity_id).deleted is True
    assert open_conflicts(server) == 0


def test_the_county_administrator_sets_the_quota_base_and_a_field_worker_cannot(
    server, make_laptop, demo_template
):
    from desktop.store.quota import set_quota_base

    villages = seeded(server, demo_template)
    admin = make_laptop("县管理员", server, villages=villages, role="admin", demo=True)
    worker = make_laptop("王家湾-1", server, villages=villages, demo=True)
    for laptop, people in ((admin, 4000), (worker, 9)):
        with laptop.db.session() as session:
            set_quota_base(session, "610727000000", people, actor=laptop.name)

    by_admin, by_worker = admin.client.push(), worker.client.push()

    assert (by_admin.applied, by_worker.refused) == (1, 1)
    assert by_worker.refusals[0].code == ErrorCode.VILLAGE_NOT_ASSIGNED.value
    [county] = admin.client.report("quota").counties
    assert (county.base, county.limit) == (4000, 600)
