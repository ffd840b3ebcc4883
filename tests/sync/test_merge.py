"""The field-level three-way merge, case by case, and a model of the whole star that must converge."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.merge import (
    FieldDecision,
    RecordState,
    fields_to_take,
    merge_change,
    pull_is_news,
    version_after_pull,
    version_after_push,
)
from sync.protocol import ErrorCode


def record(version: int = 3, deleted: bool = False, **values: Any) -> RecordState:
    """A server record whose phone changed at v2 and address at v3."""
    base = {"phone": "139", "address": "东街 1 号", "note": None}
    base.update(values)
    return RecordState(
        version=version,
        values=base,
        field_versions={"phone": 2, "address": 3, "deleted": 1 if not deleted else version},
        deleted=deleted,
    )


def test_a_create_of_an_unknown_record_is_applied_at_version_one() -> None:
    result = merge_change(None, op="create", base_version=0, fields={"phone": "1", "note": "x"})
    assert result.outcome == "applied"
    assert result.to_write == {"phone": "1", "note": "x"}
    assert result.version == 1
    assert result.field_versions == {"phone": 1, "note": 1}


def test_an_update_of_an_unknown_record_is_refused() -> None:
    result = merge_change(None, op="update", base_version=2, fields={"phone": "1"})
    assert result.outcome == "refused"
    assert result.reason is ErrorCode.RECORD_NOT_FOUND
    assert not result.changed


def test_a_change_based_on_the_current_version_is_applied_and_bumps_the_version() -> None:
    result = merge_change(record(), op="update", base_version=3, fields={"phone": "137"})
    assert result.outcome == "applied"
    assert result.decisions == {"phone": FieldDecision.APPLY}
    assert result.to_write == {"phone": "137"}
    assert result.version == 4
    assert result.field_versions["phone"] == 4
    assert result.field_versions["address"] == 3


def test_a_stale_change_of_a_field_nobody_touched_since_is_merged() -> None:
    result = merge_change(record(), op="update", base_version=1, fields={"note": "低保"})
    assert result.outcome == "merged"
    assert result.decisions == {"note": FieldDecision.MERGED}
    assert result.to_write == {"note": "低保"}
    assert result.version == 4


def test_a_stale_change_to_the_value_the_server_already_has_is_equal_and_writes_nothing() -> None:
    result = merge_change(record(), op="update", base_version=1, fields={"phone": "139"})
    assert result.outcome == "merged"
    assert result.decisions == {"phone": FieldDecision.EQUAL}
    assert result.to_write == {}
    assert result.version == 3
    assert not result.changed


def test_a_stale_change_of_a_field_changed_since_to_another_value_is_a_conflict() -> None:
    result = merge_change(record(), op="update", base_version=1, fields={"phone": "137"})
    assert result.outcome == "conflict"
    assert result.decisions == {"phone": FieldDecision.CONFLICT}
    assert result.conflicts == {"phone": ("139", "137")}
    assert result.to_write == {}
    assert result.version == 3


def test_a_partly_conflicting_change_writes_the_other_fields_and_flags_the_one() -> None:
    result = merge_change(
        record(),
        op="update",
        base_version=2,
        fields={"phone": "137", "address": "西街", "note": "n"},
    )
    assert result.outcome == "conflict"
    assert result.decisions == {
        "phone": FieldDecision.MERGED,  # changed at v2 = base: the laptop saw it
        "address": FieldDecision.CONFLICT,  # changed at v3 > base
        "note": FieldDecision.MERGED,
    }
    assert result.to_write == {"phone": "137", "note": "n"}
    assert result.conflicts == {"address": ("东街 1 号", "西街")}
    assert result.version == 4


def test_a_stale_delete_is_a_conflict_and_the_record_stays() -> None:
    result = merge_change(record(), op="delete", base_version=1, fields={})
    assert result.outcome == "conflict"
    assert result.conflicts == {"deleted": (False, True)}
    assert result.to_write == {}


def test_a_delete_based_on_the_current_version_deletes() -> None:
    result = merge_change(record(), op="delete", base_version=3, fields={"deleted": True})
    assert result.outcome == "applied"
    assert result.to_write == {"deleted": True}
    assert result.field_versions["deleted"] == 4


def test_two_deletes_of_one_record_agree() -> None:
    deleted = record(version=4, deleted=True)
    result = merge_change(deleted, op="delete", base_version=3, fields={"deleted": True})
    assert result.outcome == "merged"
    assert result.decisions == {"deleted": FieldDecision.EQUAL}
    assert not result.changed


def test_an_edit_of_a_record_deleted_since_its_base_is_a_conflict_on_every_field() -> None:
    deleted = record(version=4, deleted=True)
    result = merge_change(deleted, op="update", base_version=3, fields={"note": "新的"})
    assert result.outcome == "conflict"
    assert result.conflicts == {"note": (None, "新的")}
    assert result.to_write == {}


def test_a_devices_second_edit_of_a_field_on_the_same_base_is_not_a_conflict_with_its_first() -> (
    None
):
    first = merge_change(record(), op="update", base_version=3, fields={"phone": "137"}, writer="A")
    after = RecordState(
        version=first.version,
        values={**record().values, **first.to_write},
        field_versions=first.field_versions,
        field_writers=first.field_writers,
    )
    second = merge_change(after, op="update", base_version=3, fields={"phone": "138"}, writer="A")
    other = merge_change(after, op="update", base_version=3, fields={"phone": "136"}, writer="B")

    assert first.field_writers["phone"] == "A"
    assert (second.outcome, second.to_write, second.version) == ("applied", {"phone": "138"}, 5)
    assert other.outcome == "conflict" and other.conflicts == {"phone": ("137", "136")}


def test_a_record_moved_by_another_writer_makes_an_own_field_edit_merged_not_conflicting() -> None:
    state = RecordState(
        version=5,
        values={"phone": "137", "note": "b"},
        field_versions={"phone": 4, "note": 5},
        field_writers={"phone": "A", "note": "B"},
    )
    result = merge_change(state, op="update", base_version=3, fields={"phone": "138"}, writer="A")
    assert result.outcome == "merged"
    assert result.to_write == {"phone": "138"}


def test_a_base_version_above_the_servers_is_refused() -> None:
    result = merge_change(record(), op="update", base_version=9, fields={"note": "x"})
    assert result.outcome == "refused"
    assert result.reason is ErrorCode.BASE_VERSION_AHEAD


def test_a_pulled_change_never_overwrites_a_field_with_an_unsent_edit() -> None:
    taken = fields_to_take({"phone": "137", "address": "西街"}, pending={"phone"})
    assert taken == {"address": "西街"}


def test_the_laptop_takes_a_pushed_version_only_when_it_saw_everything_before_it() -> None:
    assert version_after_push(3, base_version=3, outcome="applied", result_version=4) == 4
    assert version_after_push(3, base_version=2, outcome="applied", result_version=5) == 3
    assert version_after_push(3, base_version=3, outcome="merged", result_version=6) == 3
    assert version_after_push(3, base_version=3, outcome="conflict", result_version=6) == 3
    assert version_after_pull(5, 4) == 5
    assert version_after_pull(4, 6) == 6
    assert pull_is_news(4, 5) and not pull_is_news(5, 5)


# --- a model of the star: one server, several laptops, any interleaving ---------------------------

FIELDS = ("a", "b", "c")
RECORDS = ("r1", "r2")


@dataclass
class ModelServer:
    """The server's bookkeeping as sync.server.push does it, over sync.merge."""

    records: dict[str, RecordState] = field(default_factory=dict)
    log: list[tuple[int, str, int, dict[str, Any]]] = field(default_factory=list)
    answered: dict[str, tuple[str, int]] = field(default_factory=dict)
    conflicts: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    history: set[tuple[str, str, Any]] = field(default_factory=set)

    def append(self, rid: str, version: int, fields: dict[str, Any]) -> None:
        self.log.append((len(self.log) + 1, rid, version, dict(fields)))
        self.history.update((rid, name, value) for name, value in fields.items())

    def current(self, rid: str, fields: dict[str, Any]) -> dict[str, Any]:
        rec = self.records[rid]
        now = {n: rec.deleted if n == "deleted" else rec.values.get(n) for n in fields}
        return {n: v for n, v in now.items() if v != fields[n]}

    def push(self, change: dict[str, Any]) -> dict[str, Any]:
        incoming = dict(change["fields"])
        if change["op"] == "delete":
            incoming["deleted"] = True
        if change["id"] in self.answered:
            first, version = self.answered[change["id"]]
            return {
                "outcome": first,
                "version": version,
                "server_fields": self.current(change["rid"], incoming),
            }
        rec = self.records[change["rid"]]
        result = merge_change(
            rec,
            op=change["op"],
            base_version=change["base"],
            fields=change["fields"],
            writer=change["id"].split("-")[0],
        )
        if result.to_write:
            values = {**rec.values, **{k: v for k, v in result.to_write.items() if k != "deleted"}}
            self.records[change["rid"]] = RecordState(
                version=result.version,
                values=values,
                field_versions=result.field_versions,
                deleted=result.to_write.get("deleted", rec.deleted),
                field_writers=result.field_writers,
            )
            self.append(change["rid"], result.version, result.to_write)
        for name, (_server, mine) in result.conflicts.items():
            self.conflicts.append((change["rid"], name, mine, change["id"]))
            if change["op"] == "update" and not rec.deleted:
                # a field conflict is between two laptops, never a laptop and its own edit
                assert rec.field_writers.get(name) != change["id"].split("-")[0]
        self.answered[change["id"]] = (result.outcome, result.version)
        return {
            "outcome": result.outcome,
            "version": result.version,
            "server_fields": {n: s for n, (s, _mine) in result.conflicts.items()},
        }


@dataclass
class ModelLaptop:
    """A laptop as sync.client does it: outbox, cursor, and the merge module's laptop rules."""

    name: str
    values: dict[str, dict[str, Any]]
    versions: dict[str, int]
    outbox: list[dict[str, Any]] = field(default_factory=list)
    cursor: int = 0
    minted: int = 0

    def edit(self, rid: str, name: str, value: Any) -> None:
        if self.values[rid]["deleted"]:
            return  # a deleted household is not on the worker's list
        self.values[rid][name] = value
        self._queue(rid, "update", {name: value})

    def delete(self, rid: str) -> None:
        if self.values[rid]["deleted"]:
            return
        self.values[rid]["deleted"] = True
        self._queue(rid, "delete", {"deleted": True})

    def _queue(self, rid: str, op: str, fields: dict[str, Any]) -> None:
        self.minted += 1
        self.outbox.append(
            {"id": f"{self.name}-{self.minted}", "rid": rid, "op": op, "base": self.versions[rid],
             "fields": fields, "state": "pending"}
        )  # fmt: skip

    def pending_fields(self, rid: str, after: int = -1) -> set[str]:
        return {
            name
            for index, c in enumerate(self.outbox)
            if c["state"] == "pending" and c["rid"] == rid and index > after
            for name in c["fields"]
        }

    def push(self, server: ModelServer, lose_response: bool) -> None:
        pending = [(i, c) for i, c in enumerate(self.outbox) if c["state"] == "pending"]
        answers = [(i, c, server.push(c)) for i, c in pending]
        if lose_response:
            return
        for index, change, answer in answers:
            change["state"] = "conflict" if answer["outcome"] == "conflict" else "acked"
            self.versions[change["rid"]] = version_after_push(
                self.versions[change["rid"]],
                base_version=change["base"],
                outcome=answer["outcome"],
                result_version=answer["version"],
            )
            fix = fields_to_take(answer["server_fields"], self.pending_fields(change["rid"], index))
            self.values[change["rid"]].update(fix)

    def pull(self, server: ModelServer) -> None:
        for seq, rid, version, fields in server.log[self.cursor :]:
            if pull_is_news(self.versions[rid], version):
                self.values[rid].update(fields_to_take(fields, self.pending_fields(rid)))
                self.versions[rid] = version_after_pull(self.versions[rid], version)
            self.cursor = seq


def fresh_star(laptops: int) -> tuple[ModelServer, list[ModelLaptop]]:
    server = ModelServer()
    for rid in RECORDS:
        values = dict.fromkeys(FIELDS, "0")
        server.records[rid] = RecordState(
            version=1, values=values, field_versions=dict.fromkeys(FIELDS, 1), deleted=False
        )
        server.append(rid, 1, values)
    devices = [
        ModelLaptop(
            name=f"L{n}",
            values={rid: {**dict.fromkeys(FIELDS, "0"), "deleted": False} for rid in RECORDS},
            versions=dict.fromkeys(RECORDS, 1),
            cursor=len(server.log),
        )
        for n in range(laptops)
    ]
    return server, devices


step = st.one_of(
    st.tuples(
        st.just("edit"),
        st.integers(0, 2),
        st.sampled_from(RECORDS),
        st.sampled_from(FIELDS),
        st.sampled_from(["x", "y", "z"]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 2), st.sampled_from(RECORDS)),
    st.tuples(st.just("push"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("pull"), st.integers(0, 2)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_any_interleaving_of_edits_pushes_and_pulls_converges_to_the_server_state(steps) -> None:
    server, laptops = fresh_star(3)
    for kind, who, *args in steps:
        laptop = laptops[who]
        if kind == "edit":
            laptop.edit(*args)
        elif kind == "delete":
            laptop.delete(*args)
        elif kind == "push":
            laptop.push(server, lose_response=args[0])
        else:
            laptop.pull(server)

    for laptop in laptops:  # the end of the day: everyone syncs, with no lost responses
        laptop.push(server, lose_response=False)
    for laptop in laptops:
        laptop.pull(server)

    for rid, rec in server.records.items():
        expected = {**rec.values, "deleted": rec.deleted}
        for laptop in laptops:
            assert laptop.values[rid] == expected, (laptop.name, rid)
            assert laptop.versions[rid] == rec.version
    # nothing typed is lost: every edit is on the server's history or in the conflicts list
    kept = server.history | {(rid, name, value) for rid, name, value, _id in server.conflicts}
    for laptop in laptops:
        for change in laptop.outbox:
            for name, value in change["fields"].items():
                assert (change["rid"], name, value) in kept
    # every change was answered exactly once, however often it was sent
    assert len(server.answered) == sum(len(laptop.outbox) for laptop in laptops)


# --- the same, with the real client and the real server ------------------------------------------

PHONES = ("13900000001", "13900000002", "13900000003", "13900000004")
SPOUSES = ("李秀英", "王秀兰", "赵春梅")


def _edit_phone(value: str):
    def change(household) -> None:
        household.phone = value

    return change


def _edit_spouse(value: str):
    def change(household) -> None:
        next(m for m in household.members if m.relation == "02").name = value

    return change


@pytest.mark.parametrize("seed", [1, 2])
def test_real_laptops_editing_and_syncing_in_any_order_converge_on_the_real_server(
    server, make_laptop, seed
) -> None:
    """Three laptops (``sync.client`` on their own files) edit the same households and push and
    pull in a seeded random order against the server on 127.0.0.1; after everyone syncs at the
    end of the day, every laptop holds exactly the server's rows, and nothing is left unsent."""
    from tests.sync.conftest import snapshot

    rng = random.Random(seed)
    laptops = [make_laptop(name, server) for name in ("A", "B", "C")]
    ids = [
        laptops[0].create_household(f"61042410020100{n:02d}", seq=n).household_id
        for n in range(1, 4)
    ]
    laptops[0].client.push()
    for laptop in laptops[1:]:
        laptop.client.pull()

    for _ in range(24):
        laptop = rng.choice(laptops)
        kind = rng.choice(("phone", "spouse", "push", "pull"))
        if kind in ("phone", "spouse"):
            household_id = rng.choice(ids)
            current = laptop.household(household_id)
            if kind == "phone":
                value = rng.choice([p for p in PHONES if p != current["phone"]])
                laptop.edit(household_id, _edit_phone(value))
            else:
                spouse = next(  # the spouse's current name, read from the laptop's own file
                    name for name in SPOUSES if name in _member_names(laptop, household_id)
                )
                laptop.edit(
                    household_id, _edit_spouse(rng.choice([s for s in SPOUSES if s != spouse]))
                )
        elif kind == "push":
            laptop.client.push()
        else:
            laptop.client.pull()

    for laptop in laptops:  # the end of the day: everyone pushes, then everyone pulls
        laptop.client.push()
    for laptop in laptops:
        laptop.client.pull()

    expected = snapshot(server.db)
    assert set(expected["households"]) == set(ids)
    for laptop in laptops:
        assert snapshot(laptop.db) == expected, laptop.name
        assert laptop.client.pending_count() == 0, laptop.name


def _member_names(laptop, household_id: str) -> set[str]:
    from sqlalchemy import select

    from desktop.store.models import Member

    with laptop.db.session() as session:
        return set(session.scalars(select(Member.name).where(Member.household_id == household_id)))
