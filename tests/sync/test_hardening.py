"""The server under attack (issue 11): every pushed row authorised by what it is, every value
bounded, bodies bounded before they are read, and malformed JSON a 4xx, never a 500. Real
servers on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from desktop.store.db import registry_writer
from desktop.store.models import (
    AssistancePerson,
    Division,
    Household,
    OutboxChange,
    new_id,
    utcnow,
)
from desktop.store.save import SaveRefused
from sync.client.transport import SyncError
from sync.protocol import (
    ENROLL_PATH,
    PULL_PATH,
    PUSH_PATH,
    ErrorCode,
    PushResponse,
)
from sync.server.models import AppliedChange, ChangeLogEntry, Conflict, EnrollmentCode
from tests.sync.conftest import (
    DIVISIONS,
    EAST,
    VILLAGE_IDS,
    WEST,
    auth,
    count,
    credentials,
    outbox_batch,
)

COUNTY_ID = DIVISIONS[0]["id"]
TOWNSHIP_ID = DIVISIONS[1]["id"]


def change(entity: str, entity_id: str, fields: dict, *, seq: int, op: str = "update",
           village: str | None = EAST, base: int = 1) -> dict:  # fmt: skip
    return {
        "change_id": new_id(),
        "device_seq": seq,
        "entity": entity,
        "entity_id": entity_id,
        "village_code": village,
        "op": op,
        "base_version": base if op != "create" else 0,
        "fields": fields,
        "edited_at": "0",
    }


def push_raw(server, laptop, changes: list[dict], **kwargs) -> PushResponse:
    body = {
        "device_id": credentials(laptop)[0],
        "batch_id": new_id(),
        "first_seq": changes[0]["device_seq"],
        "changes": changes,
    }
    with server.http() as http:
        response = http.post(PUSH_PATH, json=body, headers=auth(laptop, body["batch_id"]))
    assert response.status_code == 200, response.text
    return PushResponse.model_validate(response.json())


def _shared_person(server) -> str:
    """An assistance person who helps a household of 西街村 (seeded on the server)."""
    person_id = new_id()
    with server.db.session() as session, registry_writer(session, "test"):
        session.add(AssistancePerson(id=person_id, name="赵帮扶", version=1))
        session.add(
            Household(
                id=new_id(),
                household_number="6104241002020099",
                village_id=VILLAGE_IDS[WEST],
                status="poor",
                assistance_person_id=person_id,
                version=1,
            )
        )
        session.commit()
    return person_id


# --- 1. authorisation by what a row is -----------------------------------------------------------


def test_a_field_worker_cannot_change_county_township_or_shared_rows_whatever_village_it_names(
    server, make_laptop
):
    worker = make_laptop("东街-1", server, villages=[EAST])
    person = _shared_person(server)
    answers = push_raw(
        server,
        worker,
        [
            change("divisions", COUNTY_ID, {"poor_population_end_2013": 1}, seq=1),
            change("divisions", COUNTY_ID, {"name": "改名县"}, seq=2),
            change("divisions", TOWNSHIP_ID, {"name": "改名镇"}, seq=3),
            change(
                "divisions",
                new_id(),
                {"code": "610425000000", "level": "county", "name": "新县", "parent_id": None},
                seq=4,
                op="create",
            ),
            change("assistance_persons", person, {"name": "冒名"}, seq=5),
            change("divisions", VILLAGE_IDS[EAST], {"level": "county", "parent_id": None}, seq=6),
        ],
    )

    assert [r.outcome for r in answers.results] == ["refused"] * 6
    assert {r.reason_code for r in answers.results} == {ErrorCode.ROLE_NOT_ALLOWED}
    assert all(r.message for r in answers.results)
    with server.db.session() as session:
        county = session.get(Division, COUNTY_ID)
        assert (county.poor_population_end_2013, county.name) == (None, "乾县")
        assert session.get(Division, TOWNSHIP_ID).name == "城关镇"
        assert session.get(Division, VILLAGE_IDS[EAST]).level == "village"
        assert session.scalar(select(func.count()).select_from(Division)) == len(DIVISIONS)
        assert session.get(AssistancePerson, person).name == "赵帮扶"
    assert count(server.db, ChangeLogEntry) == 0


def test_a_field_worker_still_edits_its_village_and_a_reviewer_the_shared_person(
    server, make_laptop
):
    worker = make_laptop("东街-1", server, villages=[EAST])
    reviewer = make_laptop("城关审核", server, villages=[EAST, WEST], role="reviewer")
    person = _shared_person(server)

    by_worker = push_raw(
        server,
        worker,
        [change("divisions", VILLAGE_IDS[EAST], {"committee_latitude": 34.5}, seq=1)],
    )
    by_reviewer = push_raw(
        server, reviewer, [change("assistance_persons", person, {"name": "赵帮扶二"}, seq=1)]
    )

    assert by_worker.results[0].outcome == "applied"
    assert by_reviewer.results[0].outcome == "applied"


def test_a_bundle_carries_no_more_rights_than_its_device(server, make_laptop, tmp_path):
    from desktop.store.quota import set_quota_base

    worker = make_laptop("东街-1", server, villages=[EAST])
    with worker.db.session() as session:
        set_quota_base(session, "610424000000", 1, actor=worker.name)
    bundle = tmp_path / "worker.fbb"
    worker.client.export_bundle(bundle)
    relay = make_laptop("县管理员", server, villages=[EAST], role="admin")

    answer = relay.client.relay_bundle(bundle)

    assert answer.refused == 1 and answer.applied == 0
    with server.db.session() as session:
        assert session.get(Division, COUNTY_ID).poor_population_end_2013 is None


def test_a_record_of_another_village_is_answered_like_no_record_at_all(server, make_laptop):
    west = make_laptop("西街-1", server, villages=[WEST])
    saved = west.create_household("6104241002020001", village=WEST)
    west.client.push()
    east = make_laptop("东街-1", server, villages=[EAST])

    answers = push_raw(
        server,
        east,
        [
            change("households", saved.household_id, {"phone": "13800000000"}, seq=1),
            change("households", new_id(), {"phone": "13800000000"}, seq=2),
        ],
    )

    other, missing = answers.results
    assert (other.outcome, missing.outcome) == ("refused", "refused")
    assert other.reason_code == missing.reason_code == ErrorCode.RECORD_NOT_FOUND
    assert other.message == missing.message
    assert WEST not in (other.message or "")


# --- 2 and 5. values within bounds; one refused change holds back nothing --------------------------


@pytest.mark.parametrize(
    ("entity", "fields"),
    [
        ("households", {"road_distance_km": "1e30"}),
        ("households", {"road_distance_km": 1e30}),
        ("households", {"cultivated_land_mu": "-5"}),
        ("households", {"latitude": 1e308}),
        ("households", {"member_count": 99}),
        ("households", {"member_count": 10**30}),
        ("households", {"other_causes": {"01": True}}),
        ("households", {"note": "记" * 5000}),
        ("members", {"id_number": 610424197005010011}),
        ("members", {"id_number": {"number": "610424197005010011"}}),
    ],
)
def test_a_value_the_form_refuses_is_refused_for_that_change_and_the_rest_applies(
    server, make_laptop, entity, fields
):
    laptop = make_laptop("东街-1", server)
    saved = laptop.create_household("6104241002010001")
    laptop.client.push()
    with laptop.db.session() as session:
        member_id = session.get(Household, saved.household_id).members[0].id
    target = saved.household_id if entity == "households" else member_id

    answers = push_raw(
        server,
        laptop,
        [
            change(entity, target, fields, seq=5),
            change("households", saved.household_id, {"phone": "13811112222"}, seq=6),
        ],
    )

    bad, good = answers.results
    assert bad.outcome == "refused" and bad.reason_code == ErrorCode.INVALID_VALUE
    assert next(iter(fields)) in (bad.message or "") and "不" in (bad.message or "")
    assert good.outcome == "applied"
    with server.db.session() as session:
        household = session.get(Household, saved.household_id)
        assert household.phone == "13811112222"
        assert household.member_count == 2 and household.road_distance_km is None


def test_a_refused_change_in_the_outbox_is_kept_for_the_worker_and_later_edits_still_arrive(
    server, make_laptop
):
    laptop = make_laptop("东街-1", server)
    saved = laptop.create_household("6104241002010001")
    laptop.client.push()
    # an older laptop's outbox holds a value its form let through
    laptop.edit(saved.household_id, lambda h: setattr(h, "road_distance_km", Decimal("3")))
    with laptop.db.session() as session:
        session.execute(
            update(OutboxChange)
            .where(OutboxChange.state == "pending")
            .values(fields={"road_distance_km": "1e30"})
        )
        session.commit()
    laptop.edit(saved.household_id, lambda h: setattr(h, "phone", "13822223333"))

    receipt = laptop.client.push()
    again = laptop.client.push()

    assert (receipt.refused, receipt.applied) == (1, 1)
    assert receipt.refusals[0].code == ErrorCode.INVALID_VALUE.value
    assert again.sent == 0  # the refused change is not sent again and again
    with laptop.db.session() as session:
        states = session.scalars(select(OutboxChange.state).order_by(OutboxChange.device_seq))
        assert list(states)[-2:] == ["refused", "acked"]
    with server.db.session() as session:
        assert session.get(Household, saved.household_id).phone == "13822223333"


def test_the_laptop_refuses_to_save_a_value_out_of_bounds_and_queues_nothing(make_laptop):
    laptop = make_laptop("东街-1")
    saved = laptop.create_household("6104241002010001")
    before = count(laptop.db, OutboxChange)

    with pytest.raises(SaveRefused) as refused:
        laptop.edit(saved.household_id, lambda h: setattr(h, "road_distance_km", Decimal("1e30")))

    assert refused.value.problems[0].field == "households.road_distance_km"
    assert "不能大于" in refused.value.problems[0].message
    assert count(laptop.db, OutboxChange) == before
    assert laptop.household(saved.household_id)["road_distance_km"] is None


# --- 3. bodies ---------------------------------------------------------------------------------------


def _chunks(total: int, piece: bytes = b"x" * 65536):
    sent = 0
    while sent < total:
        yield piece
        sent += len(piece)


def test_a_strangers_chunked_body_is_refused_before_it_is_read(server):
    with server.http() as http:
        response = http.post(
            PUSH_PATH,
            content=_chunks(40 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 401
    assert response.json()["code"] == ErrorCode.AUTH_REQUIRED


def test_a_chunked_body_over_the_cap_is_refused_while_it_streams(server, make_laptop):
    laptop = make_laptop("东街-1", server)
    with server.http() as http:
        response = http.post(
            PUSH_PATH,
            content=_chunks(40 * 1024 * 1024),
            headers={**auth(laptop), "Content-Type": "application/json"},
        )

    assert response.status_code == 413
    assert response.json()["code"] == ErrorCode.PAYLOAD_TOO_LARGE


def test_a_huge_note_is_refused_and_never_reaches_the_feed(server, make_laptop):
    laptop = make_laptop("东街-1", server)
    saved = laptop.create_household("6104241002010001")
    laptop.client.push()
    body = {
        "device_id": credentials(laptop)[0],
        "batch_id": "note",
        "first_seq": 5,
        "changes": [change("households", saved.household_id, {"note": "记" * 2_000_000}, seq=5)],
    }
    packed = gzip.compress(json.dumps(body, ensure_ascii=False).encode())
    with server.http() as http:
        response = http.post(
            PUSH_PATH,
            content=packed,
            headers={**auth(laptop, "note"), "Content-Encoding": "gzip",
                     "Content-Type": "application/json"},
        )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["results"][0]["reason_code"] == ErrorCode.INVALID_VALUE
    assert count(server.db, ChangeLogEntry) == 4  # the household's own four rows only


# --- 7. malformed JSON and numbers: 4xx, never 500 --------------------------------------------------


def _valid_body(laptop, fields_json: str, *, target: str | None = None, seq: int = 1) -> bytes:
    """A push body whose ``fields`` is ``fields_json`` exactly as written (JSON text)."""
    body = {
        "device_id": credentials(laptop)[0],
        "batch_id": "b",
        "first_seq": seq,
        "changes": [change("households", target or new_id(), {}, seq=seq)],
    }
    body["changes"][0]["fields"] = "__FIELDS__"
    return json.dumps(body).replace('"__FIELDS__"', fields_json).encode()


@pytest.mark.parametrize(
    "fields_json",
    [
        '{"latitude": NaN}',
        '{"latitude": Infinity}',
        '{"note": ' + "[" * 800 + "]" * 800 + "}",
        '{"note": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"head_name": "\\ud800"}',
        '{"\\udc00": 1}',
    ],
    ids=["nan", "infinity", "nested-800", "nested-5000", "lone-surrogate", "surrogate-key"],
)
def test_malformed_json_is_a_4xx_and_writes_nothing(server, make_laptop, fields_json):
    laptop = make_laptop("东街-1", server)
    saved = laptop.create_household("6104241002010001")
    laptop.client.push()
    with server.http() as http:
        response = http.post(
            PUSH_PATH,
            content=_valid_body(laptop, fields_json, target=saved.household_id, seq=5),
            headers={**auth(laptop, "b"), "Content-Type": "application/json"},
        )

    assert 400 <= response.status_code < 500 or (
        response.status_code == 200 and response.json()["results"][0]["outcome"] == "refused"
    ), response.text
    assert count(server.db, ChangeLogEntry) == 4  # the household's own rows only


def test_huge_numbers_in_the_request_are_a_4xx(server, make_laptop):
    laptop = make_laptop("东街-1", server)
    with server.http() as http:
        pull = http.get(PULL_PATH, params={"village": EAST, "since": 10**30}, headers=auth(laptop))
        body = json.loads(_valid_body(laptop, "{}"))
        body["changes"][0]["device_seq"] = body["first_seq"] = 10**30
        push = http.post(PUSH_PATH, json=body, headers=auth(laptop, "b"))
        body = json.loads(_valid_body(laptop, '{"member_count": ' + str(10**30) + "}"))
        value = http.post(PUSH_PATH, json=body, headers=auth(laptop, "b"))

    assert pull.status_code == 422 and push.status_code == 422
    assert value.status_code == 200
    assert value.json()["results"][0]["reason_code"] == ErrorCode.INVALID_VALUE


# --- 7. conflicts on seeded rows, enrollment retries -------------------------------------------------


def test_a_conflict_on_a_row_seeded_by_load_divisions_keeps_its_base_value(
    server, make_laptop, demo_template
):
    from sync.server import cli
    from tests.sync.conftest import demo_villages

    assert (
        cli.main(
            ["load-divisions", "--db", server.database_url, "--from", str(demo_template), "--all"]
        )
        == 0
    )
    villages = demo_villages(demo_template)
    a = make_laptop("一", server, villages=villages, demo=True)
    b = make_laptop("二", server, villages=villages, demo=True)
    with a.db.session() as session:
        household = session.scalars(select(Household).order_by(Household.id)).first()
        household_id, seeded_phone = household.id, household.phone
    a.edit(household_id, lambda h: setattr(h, "phone", "13500000001"))
    b.edit(household_id, lambda h: setattr(h, "phone", "13500000002"))
    a.client.push()
    b.client.push()

    with server.db.session() as session:
        [conflict] = session.scalars(select(Conflict).where(Conflict.field == "phone"))
        assert (conflict.server_value, conflict.incoming_value) == ("13500000001", "13500000002")
        assert conflict.base_value == seeded_phone is not None


def test_a_used_code_retried_after_it_expired_is_refused(server, make_laptop):
    laptop = make_laptop("东街-1")
    code = server.enrollment_code("东街-1", [EAST])
    laptop.client.enroll(code)
    with server.db.session() as session:
        for row in session.scalars(select(EnrollmentCode)):
            row.expires_at = utcnow() - timedelta(days=1)
        session.commit()

    with pytest.raises(SyncError) as refused:
        laptop.client.enroll(code)  # the same laptop, the same key: a retry

    assert refused.value.code == ErrorCode.ENROLLMENT_CODE_EXPIRED


def test_guessing_enrollment_codes_is_slowed_down_with_429(server):
    statuses = []
    with server.http() as http:
        for attempt in range(25):
            response = http.post(ENROLL_PATH, json={"code": f"guess-code-{attempt}"})
            statuses.append(response.status_code)

    assert set(statuses[:20]) == {403}
    assert statuses[-1] == 429 and int(response.headers["Retry-After"]) >= 1
    assert count(server.db, AppliedChange) == 0


# --- B. admission control -------------------------------------------------------------------------


def test_pushes_beyond_the_writer_queue_answer_429_at_once_and_pulls_still_answer(
    server, make_laptop
):
    import threading

    laptops = [make_laptop(f"东街-{k}", server) for k in range(3)]
    for k, laptop in enumerate(laptops):
        laptop.create_household(f"61042410020100{k:02d}", seq=k)
    server.app.state.max_waiting_writers = 2
    statuses: list[int] = []

    def push(laptop) -> None:
        body = outbox_batch(laptop, batch_id=new_id())
        with server.http() as http:
            response = http.post(PUSH_PATH, json=body, headers=auth(laptop, body["batch_id"]))
        statuses.append(response.status_code)

    with server.another_push_writing():  # the writer the three pushes wait for
        waiting = [threading.Thread(target=push, args=(laptop,)) for laptop in laptops[:2]]
        for thread in waiting:
            thread.start()
        while server.app.state.writers_waiting < 2:  # both queued behind the writer
            threading.Event().wait(0.01)
        body = outbox_batch(laptops[2], batch_id="third")
        with server.http() as http:
            third = http.post(PUSH_PATH, json=body, headers=auth(laptops[2], "third"))
            pull = http.get(PULL_PATH, params={"village": EAST}, headers=auth(laptops[2]))
    for thread in waiting:
        thread.join(30)

    assert third.status_code == 429 and int(third.headers["Retry-After"]) >= 1
    assert third.json()["code"] == ErrorCode.SERVER_BUSY
    assert pull.status_code == 200
    assert statuses == [200, 200]
    assert laptops[2].client.push().applied == 4  # the refused batch simply comes again
