"""The sync contract, end to end: real laptops (SQLite files), a real uvicorn server on 127.0.0.1,
on SQLite and on PostgreSQL. Each test names the behaviour it checks."""

from __future__ import annotations

import gzip
import json
import threading

import httpx
import pytest
from sqlalchemy import func, select

from desktop.store.models import Household, LedgerEntry, Member, OutboxChange, new_id
from sync.client import SyncClient
from sync.client.transport import SyncError
from sync.protocol import (
    CONFLICTS_PATH,
    ENROLL_PATH,
    PULL_PATH,
    PUSH_PATH,
    STATUS_PATH,
    ErrorCode,
    ErrorResponse,
    PushResponse,
)
from sync.server import cli
from sync.server.models import AppliedChange, ChangeLogEntry, Conflict, Device
from tests.sync.conftest import (
    EAST,
    WEST,
    auth,
    count,
    credentials,
    outbox_batch,
    snapshot,
)


class LoseFirstPushResponse(httpx.HTTPTransport):
    """The server receives and applies the first push; its answer is lost on the way back."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == PUSH_PATH and self.lost == 0:
            response.read()
            response.close()
            self.lost += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


class CutPullAfter(httpx.HTTPTransport):
    """The network goes away after ``pages`` pull pages."""

    def __init__(self, pages: int) -> None:
        super().__init__()
        self.pages = pages

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == PULL_PATH:
            if self.pages == 0:
                raise httpx.ConnectError("network cable unplugged", request=request)
            self.pages -= 1
        return super().handle_request(request)


def outbox_states(laptop) -> list[str]:
    with laptop.db.session() as session:
        return list(session.scalars(select(OutboxChange.state).order_by(OutboxChange.device_seq)))


def server_household(server, household_id: str) -> Household | None:
    with server.db.session() as session:
        return session.get(Household, household_id)


def assert_error_shape(response: httpx.Response, status: int, code: ErrorCode) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    ErrorResponse.model_validate(body)
    assert body["code"] == code.value
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # a Chinese message
    return body


# --- push --------------------------------------------------------------------------------------


def test_an_enrolled_laptop_pushes_a_new_household_and_every_change_is_applied(server, make_laptop):
    laptop = make_laptop("东街-1", server)
    saved = laptop.create_household("6104241002010001")

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.applied, receipt.refused, receipt.batches) == (4, 4, 0, 1)
    assert outbox_states(laptop) == ["acked"] * 4
    assert {row["version"] for rows in snapshot(laptop.db).values() for row in rows.values()} == {1}
    household = server_household(server, saved.household_id)
    assert household is not None and household.household_number == "6104241002010001"
    assert household.version == 1
    with server.db.session() as session:
        feed = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.server_seq)).all()
        assert [e.server_seq for e in feed] == [1, 2, 3, 4]
        assert [e.change_id for e in feed] == saved.change_ids  # device_seq order
        assert {e.village_code for e in feed} == {EAST}
        book = session.scalars(select(LedgerEntry)).all()
        assert book and {(e.actor, e.reason) for e in book} == {("东街-1", "同步")}
        assert session.get(Device, credentials(laptop)[0]).last_acked_seq == 4


def test_a_batch_replayed_after_a_lost_response_answers_duplicate_and_takes_no_new_server_seq(
    server, make_laptop
):
    laptop = make_laptop("A", server)
    laptop.create_household("6104241002010001")
    body = outbox_batch(laptop, batch_id="batch-1")
    with server.http() as http:
        first = PushResponse.model_validate(
            http.post(PUSH_PATH, json=body, headers=auth(laptop, "batch-1")).json()
        )
        again = http.post(PUSH_PATH, json=body, headers=auth(laptop, "batch-1"))

    assert again.status_code == 200
    replay = PushResponse.model_validate(again.json())
    assert [r.outcome for r in first.results] == ["applied"] * 4
    assert [r.outcome for r in replay.results] == ["duplicate"] * 4
    assert [r.first_outcome for r in replay.results] == ["applied"] * 4
    assert [r.server_seq for r in replay.results] == [r.server_seq for r in first.results]
    assert [r.version for r in replay.results] == [r.version for r in first.results]
    assert count(server.db, ChangeLogEntry) == 4
    assert count(server.db, AppliedChange) == 4


def test_the_client_resends_a_batch_whose_answer_was_lost_and_marks_it_acked(server, make_laptop):
    transport = LoseFirstPushResponse()
    laptop = make_laptop("A", server, transport=transport)
    laptop.create_household("6104241002010001")

    receipt = laptop.client.push()

    assert transport.lost == 1
    assert (receipt.sent, receipt.duplicate, receipt.batches) == (4, 4, 1)
    assert outbox_states(laptop) == ["acked"] * 4
    assert count(server.db, ChangeLogEntry) == 4
    with laptop.db.session() as session:
        assert session.scalars(select(Household)).one().version == 1


def test_the_same_change_id_with_another_payload_is_refused_as_reused(server, make_laptop):
    laptop = make_laptop("A", server)
    saved = laptop.create_household("6104241002010001")
    body = outbox_batch(laptop, batch_id="b1")
    with server.http() as http:
        http.post(PUSH_PATH, json=body, headers=auth(laptop, "b1"))
        body["batch_id"] = "b2"
        body["changes"][0]["fields"]["phone"] = "13800000000"
        answer = PushResponse.model_validate(
            http.post(PUSH_PATH, json=body, headers=auth(laptop, "b2")).json()
        )

    assert answer.results[0].outcome == "refused"
    assert answer.results[0].reason_code is ErrorCode.CHANGE_ID_REUSED
    assert [r.outcome for r in answer.results[1:]] == ["duplicate"] * 3
    assert server_household(server, saved.household_id).phone == "13900000000"


def test_a_device_seq_gap_answers_409_with_the_expected_seq_and_applies_nothing(
    server, make_laptop
):
    laptop = make_laptop("A", server)
    laptop.create_household("6104241002010001")
    body = outbox_batch(laptop, first=2)  # seqs 3 and 4; the server waits for 1
    with server.http() as http:
        response = http.post(PUSH_PATH, json=body, headers=auth(laptop))

    error = assert_error_shape(response, 409, ErrorCode.DEVICE_SEQ_GAP)
    assert error["details"]["expected_seq"] == 1
    assert count(server.db, ChangeLogEntry) == 0
    assert count(server.db, AppliedChange) == 0


def test_a_malformed_push_body_answers_422_in_the_error_shape_and_writes_nothing(
    server, make_laptop
):
    laptop = make_laptop("A", server)
    laptop.create_household("6104241002010001")
    good = outbox_batch(laptop)
    not_consecutive = {**good, "changes": [good["changes"][0], good["changes"][2]]}
    with server.http() as http:
        wrong_type = http.post(
            PUSH_PATH, json={**good, "changes": "不是列表"}, headers=auth(laptop)
        )
        gap_inside = http.post(PUSH_PATH, json=not_consecutive, headers=auth(laptop))
        not_json = http.post(
            PUSH_PATH,
            content=b"{oops",
            headers={**auth(laptop), "Content-Type": "application/json"},
        )
        bad_gzip = http.post(
            PUSH_PATH,
            content=b"this is not gzip",
            headers={**auth(laptop), "Content-Encoding": "gzip"},
        )

    body = assert_error_shape(wrong_type, 422, ErrorCode.INVALID_REQUEST)
    assert body["details"]["errors"][0]["loc"][-1] == "changes"
    assert_error_shape(gap_inside, 422, ErrorCode.INVALID_REQUEST)
    assert_error_shape(not_json, 422, ErrorCode.INVALID_REQUEST)
    assert_error_shape(bad_gzip, 400, ErrorCode.BAD_ENCODING)
    assert count(server.db, ChangeLogEntry) == 0
    assert count(server.db, AppliedChange) == 0
    assert count(server.db, Household) == 0
    with server.db.session() as session:
        assert session.get(Device, credentials(laptop)[0]).last_acked_seq == 0


def test_zstd_bodies_are_accepted_and_an_unknown_encoding_answers_415(server, make_laptop):
    laptop = make_laptop("A", server, compression="zstd")
    laptop.create_household("6104241002010001")
    with server.http() as http:
        brotli = http.post(
            PUSH_PATH,
            content=gzip.compress(json.dumps(outbox_batch(laptop)).encode()),
            headers={**auth(laptop), "Content-Encoding": "br"},
        )

    receipt = laptop.client.push()

    assert_error_shape(brotli, 415, ErrorCode.UNSUPPORTED_ENCODING)
    assert receipt.applied == 4


def test_concurrent_pushes_from_two_laptops_commit_server_seqs_in_order(server, make_laptop):
    laptops = [make_laptop(name, server) for name in ("A", "B")]
    for n, laptop in enumerate(laptops):
        for k in range(3):
            laptop.create_household(f"61042410020100{n}{k}", seq=10 * n + k, head=f"户主{n}{k}")
    receipts: list = []
    threads = [
        threading.Thread(target=lambda lap=lap: receipts.append(lap.client.push()))
        for lap in laptops
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(r.applied for r in receipts) == [12, 12]
    with server.db.session() as session:
        feed = session.execute(
            select(ChangeLogEntry.server_seq, ChangeLogEntry.device_id, AppliedChange.device_seq)
            .join(AppliedChange, AppliedChange.change_id == ChangeLogEntry.change_id)
            .order_by(ChangeLogEntry.server_seq)
        ).all()
    assert [row.server_seq for row in feed] == list(range(1, 25))
    for device_id in {row.device_id for row in feed}:
        seqs = [row.device_seq for row in feed if row.device_id == device_id]
        assert seqs == sorted(seqs) == list(range(1, 13))


# --- merge and conflicts ---------------------------------------------------------------------------


def two_laptops_with_one_household(server, make_laptop):
    a = make_laptop("A", server)
    b = make_laptop("B", server)
    saved = a.create_household("6104241002010001")
    a.client.push()
    b.client.pull()
    return a, b, saved.household_id


def test_two_laptops_editing_different_fields_of_one_household_are_merged(server, make_laptop):
    a, b, household_id = two_laptops_with_one_household(server, make_laptop)
    a.edit(household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(household_id, lambda h: setattr(h, "address", "东街 8 号"))

    first = a.client.push()
    second = b.client.push()

    assert (first.applied, second.merged, second.conflicts) == (1, 1, 0)
    on_server = server_household(server, household_id)
    assert (on_server.phone, on_server.address, on_server.version) == (
        "13711111111",
        "东街 8 号",
        3,
    )
    a.client.pull()
    b.client.pull()
    assert snapshot(a.db) == snapshot(b.db)
    assert a.household(household_id)["address"] == "东街 8 号"
    assert count(server.db, Conflict) == 0


def test_two_laptops_setting_one_field_to_different_values_leave_exactly_one_open_conflict(
    server, make_laptop
):
    a, b, household_id = two_laptops_with_one_household(server, make_laptop)
    a.edit(household_id, lambda h: setattr(h, "phone", "13711111111"))
    b.edit(household_id, lambda h: setattr(h, "phone", "13622222222"))

    a.client.push()
    receipt = b.client.push()

    assert receipt.conflicts == 1
    assert outbox_states(b)[-1] == "conflict"
    with server.http() as http:
        listed = http.get(CONFLICTS_PATH, params={"village": EAST}, headers=auth(b)).json()
    [conflict] = listed["conflicts"]
    assert (conflict["entity"], conflict["entity_id"], conflict["field"]) == (
        "households",
        household_id,
        "phone",
    )
    assert conflict["status"] == "open"
    assert conflict["base_value"] == "13900000000"
    assert conflict["server_value"] == "13711111111"
    assert conflict["incoming_value"] == "13622222222"
    assert server_household(server, household_id).phone == "13711111111"
    assert b.household(household_id)["phone"] == "13711111111"  # the server's value stands
    a.client.pull()
    b.client.pull()
    assert snapshot(a.db) == snapshot(b.db)


def test_a_stale_delete_becomes_a_conflict_and_the_member_stays(server, make_laptop):
    a, b, household_id = two_laptops_with_one_household(server, make_laptop)
    a.edit(household_id, lambda h: setattr(h.members[1], "name", "李秀兰"))
    b.edit(household_id, lambda h: setattr(h.members[1], "deleted", True))
    with b.db.session() as session:
        member_id = session.get(Household, household_id).members[1].id

    a.client.push()
    receipt = b.client.push()

    assert receipt.conflicts == 1
    with server.db.session() as session:
        member = session.get(Member, member_id)
        assert (member.deleted, member.name) == (False, "李秀兰")
        [conflict] = session.scalars(select(Conflict)).all()
        assert (conflict.field, conflict.server_value, conflict.incoming_value) == (
            "deleted",
            False,
            True,
        )
    with b.db.session() as session:
        assert session.get(Member, member_id).deleted is False


# --- villages, devices, tokens -------------------------------------------------------------------


def test_a_change_for_a_village_not_assigned_is_refused_and_not_applied(server, make_laptop):
    laptop = make_laptop("A", server, villages=[EAST])
    laptop.create_household("6104241002020001", village=WEST)

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.refused) == (4, 4)
    assert {r.code for r in receipt.refusals} == {ErrorCode.VILLAGE_NOT_ASSIGNED.value}
    assert outbox_states(laptop) == ["refused"] * 4
    assert count(server.db, Household) == 0
    assert count(server.db, ChangeLogEntry) == 0


def test_a_device_cannot_write_into_another_village_by_naming_its_own(server, make_laptop):
    west = make_laptop("W", server, villages=[WEST])
    saved = west.create_household("6104241002020001", village=WEST)
    west.client.push()
    east = make_laptop("E", server, villages=[EAST])
    intruder = {
        "device_id": credentials(east)[0],
        "batch_id": "b1",
        "first_seq": 1,
        "changes": [
            {
                "change_id": new_id(),
                "device_seq": 1,
                "entity": "members",
                "entity_id": new_id(),
                "village_code": EAST,
                "op": "create",
                "base_version": 0,
                "fields": {"household_id": saved.household_id, "name": "冒名"},
                "edited_at": "0",
            }
        ],
    }
    with server.http() as http:
        answer = PushResponse.model_validate(
            http.post(PUSH_PATH, json=intruder, headers=auth(east)).json()
        )

    assert answer.results[0].outcome == "refused"
    # the household is in another village: answered like a household the server does not have,
    # naming no village (issue 11: refusals must not let anyone probe record ids)
    assert answer.results[0].reason_code is ErrorCode.INTEGRITY
    assert WEST not in (answer.results[0].message or "")
    with server.db.session() as session:
        assert session.scalar(select(func.count()).where(Member.name == "冒名")) == 0


def test_a_revoked_device_is_refused_with_403(server, make_laptop):
    laptop = make_laptop("A", server)
    laptop.create_household("6104241002010001")
    assert cli.main(["revoke", "--db", server.database_url, credentials(laptop)[0]]) == 0

    with pytest.raises(SyncError) as refused:
        laptop.client.push()

    assert (refused.value.status, refused.value.code) == (403, ErrorCode.DEVICE_REVOKED)
    assert outbox_states(laptop) == ["pending"] * 4
    assert count(server.db, Household) == 0


def test_an_unknown_device_is_told_to_enroll_again_and_a_wrong_token_is_401(server, make_laptop):
    laptop = make_laptop("A", server)
    device_id, token = credentials(laptop)
    with server.http() as http:
        unknown = http.get(STATUS_PATH, headers={"Authorization": f"Bearer fbt1.{new_id()}.x"})
        wrong = http.get(STATUS_PATH, headers={"Authorization": f"Bearer fbt1.{device_id}.nope"})
        missing = http.get(STATUS_PATH)
        mine = http.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})

    assert_error_shape(unknown, 412, ErrorCode.DEVICE_UNKNOWN)
    assert_error_shape(wrong, 401, ErrorCode.TOKEN_INVALID)
    assert_error_shape(missing, 401, ErrorCode.AUTH_REQUIRED)
    assert mine.json()["villages"] == [EAST]


def test_an_enrollment_code_works_once(server, make_laptop):
    code = server.enrollment_code("A", [EAST])
    first = make_laptop("A")
    second = make_laptop("B")

    enrolled = first.client.enroll(code)
    with pytest.raises(SyncError) as used:
        second.client.enroll(code)
    with server.http() as http:
        invalid = http.post(ENROLL_PATH, json={"code": "no-such-code-at-all"})

    assert enrolled.villages == [EAST] and enrolled.server_url == server.url
    assert (used.value.status, used.value.code) == (409, ErrorCode.ENROLLMENT_CODE_USED)
    assert_error_shape(invalid, 403, ErrorCode.ENROLLMENT_CODE_INVALID)
    with server.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Device)) == 1
        assert session.scalars(select(Device.token_hash)).one() != credentials(first)[1]


def test_a_laptop_that_enrolls_again_goes_on_numbering_where_it_was(server, make_laptop):
    laptop = make_laptop("A", server)
    laptop.create_household("6104241002010001")
    laptop.client.push()
    laptop.client.enroll(server.enrollment_code("A-新", [EAST]))
    laptop.create_household("6104241002010002", seq=2)

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.applied) == (4, 4)
    assert laptop.client.status().last_acked_seq == 8


def test_status_names_the_villages_and_pull_refuses_a_village_not_assigned(server, make_laptop):
    laptop = make_laptop("A", server)
    laptop.create_household("6104241002010001")
    laptop.client.push()
    with server.http() as http:
        other = http.get(PULL_PATH, params={"village": WEST}, headers=auth(laptop))

    status = laptop.client.status()

    assert (status.villages, status.last_acked_seq, status.device_name) == ([EAST], 4, "A")
    assert_error_shape(other, 403, ErrorCode.VILLAGE_NOT_ASSIGNED)


# --- pull ----------------------------------------------------------------------------------------


def test_pull_into_a_second_laptop_gives_the_same_household_rows(server, make_laptop):
    a = make_laptop("A", server)
    for k in range(2):
        a.create_household(f"610424100201000{k}", seq=k, head=f"王{k}")
    a.client.push()
    b = make_laptop("B", server)

    pulled = b.client.pull()

    assert pulled.changes == 8 and pulled.cursors == {EAST: 8}
    assert snapshot(b.db) == snapshot(a.db)
    with b.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxChange)) == 0
        assert {e.actor for e in session.scalars(select(LedgerEntry))} == {"A"}


def test_a_pull_killed_halfway_and_run_again_gives_the_identical_database(server, make_laptop):
    a = make_laptop("A", server)
    for k in range(2):
        a.create_household(f"610424100201000{k}", seq=k, head=f"王{k}")
    a.client.push()
    b = make_laptop("B", server, transport=CutPullAfter(pages=1), max_attempts=2)

    with pytest.raises(SyncError) as cut:
        b.client.pull(limit=3)
    halfway = snapshot(b.db)
    resumed = SyncClient(b.db, server.url)
    resumed.pull(limit=3)
    resumed.close()

    assert cut.value.code is ErrorCode.NETWORK
    assert sum(len(rows) for rows in halfway.values()) == 4 + 3  # divisions + one page
    assert snapshot(b.db) == snapshot(a.db)


def test_the_openapi_schema_is_published_with_the_v1_paths(server):
    with server.http() as http:
        schema = http.get("/openapi.json").json()
        missing = http.get("/v1/nothing-here")

    assert {PUSH_PATH, PULL_PATH, STATUS_PATH, ENROLL_PATH, CONFLICTS_PATH} <= set(schema["paths"])
    push = schema["paths"][PUSH_PATH]["post"]
    assert push["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorResponse"
    )
    assert "PushRequest" in schema["components"]["schemas"]
    assert_error_shape(missing, 404, ErrorCode.NOT_FOUND)


def test_a_laptop_that_enrolls_again_after_a_lost_answer_gets_duplicates_not_a_gap(
    server, make_laptop
):
    laptop = make_laptop("A", server, transport=LoseFirstPushResponse(), max_attempts=1)
    laptop.create_household("6104241002010001")
    with pytest.raises(SyncError):
        laptop.client.push()  # applied on the server, the answer never arrived
    laptop.client.enroll(server.enrollment_code("A-新", [EAST]))
    laptop.create_household("6104241002010002", seq=2)

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.duplicate, receipt.applied) == (8, 4, 4)
    assert outbox_states(laptop) == ["acked"] * 8
    assert count(server.db, ChangeLogEntry) == 8


def test_a_delete_travels_to_the_other_laptop_as_a_tombstone(server, make_laptop):
    a, b, household_id = two_laptops_with_one_household(server, make_laptop)
    with a.db.session() as session:
        member_id = session.get(Household, household_id).members[1].id
    a.edit(household_id, lambda h: setattr(h.members[1], "deleted", True))

    pushed = a.client.push()
    pulled = b.client.pull()

    # the member's tombstone, and the member count and per-capita income the save recomputed
    assert pushed.applied == 3
    assert pulled.changes == 3
    with b.db.session() as session:
        member = session.get(Member, member_id)
        assert member is not None and member.deleted is True
        assert session.get(Household, household_id).member_count == 1
    assert snapshot(a.db) == snapshot(b.db)


# --- a worker's own edits, retries of enrollment, constraint errors --------------------------------


def test_a_workers_second_edit_of_a_field_before_syncing_is_not_a_conflict_with_the_first(
    server, make_laptop
):
    laptop = make_laptop("A", server)
    saved = laptop.create_household("6104241002010001")
    laptop.client.push()
    laptop.edit(saved.household_id, lambda h: setattr(h, "phone", "13711111111"))
    laptop.edit(saved.household_id, lambda h: setattr(h, "phone", "13722222222"))

    receipt = laptop.client.push()

    assert (receipt.sent, receipt.conflicts) == (2, 0)
    assert count(server.db, Conflict) == 0
    assert server_household(server, saved.household_id).phone == "13722222222"
    assert laptop.household(saved.household_id)["phone"] == "13722222222"
    with server.db.session() as session:
        feed = session.execute(
            select(ChangeLogEntry.server_seq, ChangeLogEntry.version)
            .where(ChangeLogEntry.entity_id == saved.household_id)
            .order_by(ChangeLogEntry.server_seq)
        ).all()
    assert [version for _seq, version in feed] == [1, 2, 3]  # feed order is version order


class LoseFirstEnrollAnswer(httpx.HTTPTransport):
    """The first enrollment reaches the server; its answer is lost on the way back."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == ENROLL_PATH:
            self.requests.append(request.content)
            if len(self.requests) == 1:
                response.read()
                response.close()
                raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_an_enrollment_whose_answer_was_lost_is_retried_and_a_late_duplicate_breaks_nothing(
    server, make_laptop
):
    transport = LoseFirstEnrollAnswer()
    laptop = make_laptop("A", transport=transport)
    laptop.create_household("6104241002010001")

    enrolled = laptop.client.enroll(server.enrollment_code("A", [EAST]))
    with server.http() as http:  # the first request, duplicated by the network, arrives late
        late = http.post(
            ENROLL_PATH,
            content=transport.requests[0],
            headers={"Content-Type": "application/json"},
        )
        stranger = http.post(
            ENROLL_PATH,
            content=transport.requests[0].replace(b'"public_key":"', b'"public_key":"A'),
            headers={"Content-Type": "application/json"},
        )

    assert len(transport.requests) == 2 and late.status_code == 200
    assert late.json()["device_id"] == enrolled.device_id
    assert stranger.status_code in (409, 422)
    assert laptop.client.push().applied == 4  # the token the laptop kept still works
    with server.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Device)) == 1


def test_a_change_that_breaks_a_constraint_is_refused_alone_and_the_rest_of_the_batch_applies(
    server, make_laptop
):
    a = make_laptop("A", server)
    a.create_household("6104241002010001")
    a.client.push()
    b = make_laptop("B", server)
    b.create_household("6104241002010002", seq=2)
    taken = b.create_household("6104241002010001", seq=3, head="王重号")  # the number is taken
    b.create_household("6104241002010003", seq=4)

    receipt = b.client.push()

    assert (receipt.sent, receipt.applied, receipt.refused) == (12, 8, 4)
    assert {r.entity_id for r in receipt.refusals} >= {taken.household_id}
    assert {r.code for r in receipt.refusals} == {ErrorCode.INTEGRITY.value}
    with server.db.session() as session:
        numbers = sorted(session.scalars(select(Household.household_number)))
        assert numbers == ["6104241002010001", "6104241002010002", "6104241002010003"]
        assert session.scalar(select(func.count()).where(Member.name == "王重号")) == 0
    assert count(server.db, ChangeLogEntry) == 4 + 8
