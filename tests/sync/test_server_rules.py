"""The server runs the domain's rules on what it merges (issue 12, item 2; ``sync.server.rules``).

A pushed household change that breaks an error-level rule is refused with ``RULE_BROKEN``, the
rule's code and its Chinese message; the laptop keeps it as refused and its receipt lists it by
household number and head. An operation is judged on its own recorded date, not the server's
clock. A household already broken on the server (loaded with its problems) still takes unrelated
edits. Real server on 127.0.0.1, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.store.db import registry_writer
from desktop.store.models import Household, HouseholdOperation, OutboxChange
from desktop.store.save import save_household
from desktop.store.settings import POLICY_YEAR_KEY, set_setting
from sync.protocol import PUSH_PATH, ErrorCode
from sync.receipt import build_receipt_pdf, refusal_line
from sync.server.db import open_server_database
from sync.server.models import AppliedChange
from sync.server.registry_import import import_registry_server
from tests.store.test_registry_import import (
    column,
    exported,  # noqa: F401 - the module's fixture
    read_sheets,
    write_xlsx,
)
from tests.sync.conftest import auth, no_problems, outbox_batch

IN_WINDOW = datetime(2019, 11, 5, 10, 0)
HEAD = "张建国"
NUMBER = "6104241002010001"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry_server(request, tmp_path):
    """A server database for ``import_registry_server`` (no HTTP: the import runs in-process)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    database = open_server_database(url)
    yield database
    database.dispose()


def _laptop(server, make_laptop):
    laptop = make_laptop("W", server)
    with laptop.db.session() as session:
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()
    household_id = laptop.create_household(NUMBER, head=HEAD).household_id
    assert laptop.client.push().applied > 0
    return laptop, household_id


def _exit_on_laptop(laptop, household_id: str) -> None:
    """The laptop's own save of an exit, with its operation, done inside 2019's work window."""
    with laptop.db.session() as session:
        household = session.get(Household, household_id)
        household.status = "exited"
        save_household(
            session,
            household,
            actor="W",
            validator=no_problems,
            operations=["exit"],
            clock=IN_WINDOW,
        )


def _server_household(server, household_id: str) -> Household:
    with server.db.session() as session:
        household = session.get(Household, household_id)
        session.expunge(household)
        return household


def _push(server, laptop, body: dict[str, Any]) -> list[dict[str, Any]]:
    with server.http() as http:
        response = http.post(PUSH_PATH, json=body, headers=auth(laptop, body["batch_id"]))
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_a_pushed_exit_without_its_operation_is_refused_with_the_rule(server, make_laptop):
    laptop, household_id = _laptop(server, make_laptop)
    _exit_on_laptop(laptop, household_id)
    body = outbox_batch(laptop)
    # what an older client or a hand-made request sends: the status alone, no operation record
    body["changes"] = [c for c in body["changes"] if c["entity"] == "households"]
    body["changes"][0]["fields"].pop("operation_id", None)
    assert body["changes"][0]["fields"]["status"] == "exited"

    [result] = _push(server, laptop, body)

    assert result["outcome"] == "refused"
    assert result["reason_code"] == ErrorCode.RULE_BROKEN.value
    assert "OP_STATUS_WITHOUT_OPERATION" in result["message"]
    assert "必须办理脱贫操作" in result["message"]
    assert _server_household(server, household_id).status == "poor"


def test_a_pushed_exit_with_its_operation_dated_in_the_window_is_applied(server, make_laptop):
    # the server's own clock (today) is far outside 2019's work window: the record's date counts
    laptop, household_id = _laptop(server, make_laptop)
    _exit_on_laptop(laptop, household_id)

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.applied, receipt.refused) == (2, 2, 0)
    household = _server_household(server, household_id)
    with server.db.session() as session:
        (record,) = session.scalars(
            select(HouseholdOperation).where(HouseholdOperation.household_id == household_id)
        )
        assert (record.operation, record.done_at) == ("exit", IN_WINDOW)
    assert household.status == "exited" and household.operation_id == record.id


def test_a_batch_never_ends_between_a_status_change_and_its_operation_record(
    server, make_laptop
):
    laptop, household_id = _laptop(server, make_laptop)
    _exit_on_laptop(laptop, household_id)
    laptop.client.batch_size = 1  # the exit's two changes would otherwise go in two batches

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.applied, receipt.refused) == (2, 2, 0)
    assert _server_household(server, household_id).status == "exited"


def test_a_pushed_exit_whose_operation_is_dated_outside_the_window_is_refused(server, make_laptop):
    laptop, household_id = _laptop(server, make_laptop)
    _exit_on_laptop(laptop, household_id)
    body = outbox_batch(laptop)
    body = copy.deepcopy(body)
    [operation] = [c for c in body["changes"] if c["entity"] == "household_operations"]
    operation["fields"]["done_at"] = "2019-03-05T10:00:00"  # before the 2019 work began

    results = _push(server, laptop, body)

    assert [r["outcome"] for r in results] == ["refused", "refused"]  # the household and record
    assert all("OP_OUTSIDE_WORK_WINDOW" in r["message"] for r in results)
    assert _server_household(server, household_id).status == "poor"
    with server.db.session() as session:
        assert session.get(HouseholdOperation, operation["entity_id"]) is None


def test_a_pushed_member_edit_that_leaves_two_heads_is_refused_and_listed(
    server, make_laptop, tmp_path
):
    laptop, household_id = _laptop(server, make_laptop)

    def second_head(household: Household) -> None:
        household.current_members[1].relation = "01"

    laptop.edit(household_id, second_head)  # the save's audit bypassed (no_problems)
    receipt = laptop.client.push()

    # the member's relation and what the save derived on the household: one save, both refused
    assert (receipt.applied, receipt.refused) == (0, receipt.sent)
    [refusal] = [r for r in receipt.refusals if r.entity == "members"]
    assert refusal.code == ErrorCode.RULE_BROKEN.value
    assert "R80_SEVERAL_HEADS" in refusal.message and "户主" in refusal.message
    assert (refusal.household_number, refusal.head_name) == (NUMBER, HEAD)
    with server.db.session() as session:
        heads = [m for m in session.get(Household, household_id).members if m.relation == "01"]
        assert len(heads) == 1
        stored = session.get(AppliedChange, refusal.change_id)
        assert stored.outcome == "refused" and HEAD not in (stored.message or "")
    with laptop.db.session() as session:
        state = session.get(OutboxChange, refusal.change_id).state
    assert state == "refused"  # kept on the laptop, as every refusal is

    line = refusal_line(
        {
            "entity": refusal.entity,
            "entity_id": refusal.entity_id,
            "message": refusal.message,
            "household_number": refusal.household_number,
            "head_name": refusal.head_name,
        }
    )
    assert line.startswith(f"户 {NUMBER} {HEAD}(户主): ")
    pdf = tmp_path / "receipt.pdf"
    build_receipt_pdf({"refused": 1, "refusals": [vars(refusal)]}, pdf)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert NUMBER in text and "R80_SEVERAL_HEADS" in text


def test_a_phone_edit_of_a_household_already_without_a_head_still_applies(server, make_laptop):
    laptop, household_id = _laptop(server, make_laptop)
    with server.db.session() as session, registry_writer(session, "test"):
        # loaded onto the server with its problem: nobody is the head
        session.get(Household, household_id).current_members[0].relation = "03"
        session.commit()

    def new_phone(household: Household) -> None:
        household.phone = "13911112222"

    laptop.edit(household_id, new_phone)
    receipt = laptop.client.push()

    assert (receipt.sent, receipt.applied, receipt.refused) == (1, 1, 0)
    assert _server_household(server, household_id).phone == "13911112222"


def test_a_newer_national_export_goes_in_as_it_stands_even_where_it_breaks_a_rule(
    exported,  # noqa: F811
    registry_server,
    tmp_path,
):
    # the national system's export is the registry as decided there: the server's import device
    # is not judged by the laptop's rules (a household without a head is listed by the audit)
    import_registry_server(registry_server, [exported])
    sheets = read_sheets(exported)
    members = sheets["家庭成员"]
    number, relation = column(members, "户编号"), column(members, "与户主关系")
    headless = members[2][number]
    for row in members[2:]:
        if row[number] == headless and row[relation] == "户主":
            row[relation] = "其他"

    result = import_registry_server(registry_server, [write_xlsx(sheets, tmp_path / "newer.xlsx")])

    with registry_server.session() as session:
        household = session.scalars(
            select(Household).where(Household.household_number == headless)
        ).one()
        assert not [m for m in household.current_members if m.relation == "01"]
        refused = session.scalars(
            select(AppliedChange).where(AppliedChange.outcome == "refused")
        ).all()
    assert refused == [] and result.conflicts == 0
