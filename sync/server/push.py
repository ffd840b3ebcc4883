"""Applying a pushed batch: dedup, the device_seq check, the merge, all-or-nothing per change.

The caller (``sync.server.app``, or a bundle import) opens one writer's transaction for the batch
(``sync.server.db.writer_session``) and commits at the end; any exception rolls the whole batch
back and the client sends it again. ``ingest_batch`` first locks the feed counters of the
device's counties and then the device's row (``sync.server.feed``), so ``last_acked_seq`` and the
records it merges are read under the lock its county's other pushes wait for, while pushes of
other counties run beside it.

Per change, in order:

1. a ``change_id`` the server answered before: the same payload hash gives ``duplicate`` with the
   stored outcome, version and server_seq (no new feed entry); a different hash is refused
   (``CHANGE_ID_REUSED``);
2. a new change must carry the next ``device_seq`` (``last_acked_seq + 1``); a gap answers the
   whole batch with 409 before anything is applied, a seq that another change already used is
   refused (``DEVICE_SEQ_REUSED``);
3. the entity and its fields must be known and fit their columns (``UNKNOWN_ENTITY``,
   ``UNKNOWN_FIELD``, ``INVALID_VALUE``);
4. the village the record belongs to, derived from the registry (household -> village), before and
   after the change, must be one of the device's villages (``VILLAGE_NOT_ASSIGNED``) and the one the
   change names (``VILLAGE_MISMATCH``);
5. ``sync.merge.merge_change`` decides per field (with the device as the writer, so its own
   earlier edits never conflict with its later ones); what it keeps is written into the registry
   row (booked with the device's name as actor and reason 同步), the record's per-field versions
   and writers move, a ``change_log`` entry gets the next ``server_seq``, and each conflicting
   field becomes an open ``conflicts`` row with the base, server and incoming values. A
   constraint error (a missing parent, a duplicate household number) refuses only this change:
   ``INTEGRITY``.

6. the households the batch wrote are judged on the domain's error-level rules
   (``sync.server.rules``); where the batch breaks one, the batch is applied again with every
   change of that household refused (``RULE_BROKEN``, the rule's code and message). Not for the
   registry import's device (``sync.server.registry_import``): the national system's export
   enters as it stands.

Every answered change (refused ones too) is stored in ``applied_changes`` and moves the device's
``last_acked_seq``.

How it is fast without giving up any of that: the first attempt applies the whole batch under one
savepoint with the rows it touches read up front (one ``IN`` query per entity) and one flush at
the end, instead of a savepoint, a flush and a handful of primary-key reads per change (the old
path ran at ~300 changes/s on SQLite, ~170/s on PostgreSQL). Only if that flush hits a constraint
error is the savepoint rolled back and the batch applied again the careful way, one savepoint per
change, so that exactly the offending changes are refused. Both attempts run the same code; the
answers are identical.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, insert, select, tuple_
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.field_bounds import check_fields
from desktop.domain.reviews import REVIEWER_DEVICE_ROLES
from desktop.store.db import registry_writer
from desktop.store.models import Division, Household, LedgerEntry, Synced, utcnow
from desktop.store.sync_apply import (
    SYNC_WRITER,
    RowUpdates,
    WireValueError,
    canonical_fields,
    from_wire,
    household_id_of,
    model_for,
    row_values,
    synced_columns,
    village_code_of,
    write_remote_fields,
)
from sync.merge import DELETED, RecordState, merge_change
from sync.protocol import (
    Change,
    ChangeResult,
    ErrorCode,
    PushRequest,
    PushResponse,
    error_message,
)
from sync.server.devices import IMPORT_DEVICE_ID
from sync.server.errors import ApiError
from sync.server.feed import counties_of, lock_counties, number_feed
from sync.server.models import AppliedChange, ChangeLogEntry, Conflict, Device, RecordVersions
from sync.server.releases import released_before
from sync.server.rules import HouseholdRules, operation_ids, rule_message

_MISSING = object()


def payload_hash(change: Change) -> str:
    """SHA-256 of everything a change says except its id (a resend hashes the same)."""
    body = change.model_dump(mode="json", exclude={"change_id"})
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _refused(change: Change, code: ErrorCode, detail: str | None = None) -> ChangeResult:
    return ChangeResult(
        change_id=change.change_id,
        outcome="refused",
        reason_code=code,
        message=error_message(code, detail),
    )


def check_sequence(device: Device, request: PushRequest, known: set[str]) -> None:
    """Raise 409 ``DEVICE_SEQ_GAP`` if the batch's first new change is not the next seq."""
    expected = device.last_acked_seq + 1
    for change in request.changes:
        if change.device_seq < expected:
            continue
        if change.change_id in known and change.device_seq != expected:
            continue
        if change.device_seq != expected:
            raise ApiError(
                409,
                ErrorCode.DEVICE_SEQ_GAP,
                f"应从序号 {expected} 开始,收到 {change.device_seq}",
                details={"expected_seq": expected, "first_seq": request.first_seq},
            )
        expected += 1


class BatchRows:
    """The registry rows and per-field versions one batch reads, each looked up once.

    Rows the batch creates are kept here too (they are not flushed until the end, and
    ``Session.get`` does not see pending objects), so a member created after its household in
    the same batch finds its parent.
    """

    def __init__(self, session: Session, changes: Iterable[Change]) -> None:
        self.session = session
        self.book: list[dict[str, Any]] = []  # household-book rows, inserted at the end
        self.updates: RowUpdates | None = None  # existing rows' new values, written at the end
        self.feed: list[dict[str, Any]] = []  # change_log rows, inserted at the end, in order
        self.at = utcnow()
        self.rows: dict[tuple[str, str], Synced | None] = {}
        self.versions: dict[tuple[str, str], RecordVersions | None] = {}
        wanted: dict[str, set[str]] = defaultdict(set)
        for change in changes:
            if model_for(change.entity) is not None:
                wanted[change.entity].add(change.entity_id)
        for entity, ids in wanted.items():
            self._load(entity, ids)
            keys = [(entity, entity_id) for entity_id in ids]
            for key in keys:
                self.versions[key] = None
            for chunk in _chunks(keys, 400):
                for versions in session.scalars(
                    select(RecordVersions).where(
                        tuple_(RecordVersions.entity, RecordVersions.entity_id).in_(chunk)
                    )
                ):
                    self.versions[(versions.entity, versions.entity_id)] = versions
        self._load_parents()

    def _load(self, entity: str, ids: Iterable[str]) -> None:
        model = model_for(entity)
        assert model is not None
        wanted = [i for i in ids if (entity, i) not in self.rows]
        for chunk in _chunks(wanted, 500):
            for key in chunk:
                self.rows[(entity, key)] = None
            for row in self.session.scalars(select(model).where(model.id.in_(chunk))):
                self.rows[(entity, row.id)] = row

    def _load_parents(self) -> None:
        """Read the parents the village checks will ask for, one query per parent table."""
        from desktop.store.sync_apply import PARENT_KEYS

        for _round in range(3):  # member -> household -> village division
            wanted: dict[str, set[str]] = defaultdict(set)
            for (entity, _id), row in list(self.rows.items()):
                link = PARENT_KEYS.get(entity)
                if row is None or link is None:
                    continue
                key, parent_model = link
                parent_id = getattr(row, key, None)
                parent = parent_model.__tablename__
                if parent_id is not None and (parent, parent_id) not in self.rows:
                    wanted[parent].add(parent_id)
            if not wanted:
                return
            for entity, ids in wanted.items():
                self._load(entity, ids)

    def get(self, model: type[Synced], entity_id: str) -> Any:
        """A row by id: the batch's own (created or read) first, then the database."""
        key = (model.__tablename__, entity_id)
        found = self.rows.get(key, _MISSING)
        if found is _MISSING:
            found = self.session.get(model, entity_id)
            self.rows[key] = found
        return found

    def forget(self, entity: str, entity_id: str) -> None:
        """Drop what a rolled-back change left here, so the next reader goes to the database."""
        self.rows.pop((entity, entity_id), None)
        self.versions.pop((entity, entity_id), None)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def server_fields(
    session: Session, change: Change, rows: BatchRows | None = None
) -> dict[str, Any]:
    """The server's current values of a change's fields where they differ from the change's.

    Sent with every answer that is not a refusal, so the laptop ends up with the server's value:
    after a conflict, and after a duplicate whose first answer was lost while another device
    changed the same field (the laptop's pull skipped that field while its edit was unsent).
    """
    model = model_for(change.entity)
    if model is None:
        return {}
    row = rows.get(model, change.entity_id) if rows else session.get(model, change.entity_id)
    if row is None:
        return {}
    try:
        incoming = canonical_fields(change.entity, change.fields)
    except WireValueError:
        return {}
    if change.op == "delete":
        incoming[DELETED] = True
    current = row_values(row, incoming)
    return {name: value for name, value in current.items() if value != incoming[name]}


def base_value(session: Session, entity: str, entity_id: str, field: str, base_version: int) -> Any:
    """The value a field had at ``base_version`` (``None`` if it was never set).

    From the feed; for a record that came into the server without it (seeded by
    ``load-divisions --all`` or an import) from the household book: the old value the first
    feed entry after ``base_version`` that wrote the field replaced."""
    rows = session.execute(
        select(ChangeLogEntry.version, ChangeLogEntry.fields, ChangeLogEntry.change_id)
        .where(ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == entity_id)
        .order_by(ChangeLogEntry.version.desc())
    ).all()
    first_after: str | None = None
    for version, fields, change_id in rows:
        if field not in fields:
            continue
        if version <= base_version:
            return fields[field]
        first_after = change_id
    if first_after is not None and field != DELETED:
        old = session.scalar(
            select(LedgerEntry.old_value).where(
                LedgerEntry.change_id == first_after,
                LedgerEntry.entity == entity,
                LedgerEntry.entity_id == entity_id,
                LedgerEntry.field == field,
            )
        )
        if old is not None:
            return _from_book(entity, field, old)
    return False if field == DELETED else None


def _from_book(entity: str, field: str, text: str) -> Any:
    """A household-book text (``desktop.store.save.to_book``) back in wire form."""
    model = model_for(entity)
    column = synced_columns(model).get(field) if model is not None else None
    if column is None:
        return text
    kind = column.type
    if isinstance(kind, Boolean):
        return text == "是"
    if isinstance(kind, Integer):
        return int(text) if text.lstrip("-").isdigit() else text
    if isinstance(kind, Float):
        try:
            return float(text)
        except ValueError:
            return text
    if isinstance(kind, JSON):
        return [part for part in text.split(",") if part]
    try:
        return canonical_fields(entity, {field: text})[field]
    except (WireValueError, ArithmeticError):
        return text


def _duplicate(
    session: Session, change: Change, stored: AppliedChange, rows: BatchRows
) -> ChangeResult:
    return ChangeResult(
        change_id=change.change_id,
        outcome="duplicate",
        first_outcome=stored.outcome,  # type: ignore[arg-type]
        version=stored.version,
        server_seq=stored.server_seq,
        reason_code=ErrorCode(stored.reason_code) if stored.reason_code else None,
        message=stored.message,
        server_fields={} if stored.outcome == "refused" else server_fields(session, change, rows),
    )


@dataclass
class _Answer:
    """One change's answer; ``entry`` is its feed row, whose ``server_seq`` comes at the end."""

    change: Change
    result: ChangeResult
    entry: dict[str, Any] | None = None
    new: bool = True  # answered now (stored in applied_changes), not a duplicate
    digest: str = ""

    def final(self) -> ChangeResult:
        if self.entry is not None:
            self.result.server_seq = self.entry["server_seq"]
        return self.result


def apply_change(session: Session, device: Device, change: Change, rows: BatchRows) -> _Answer:
    """Check, authorise, merge and write one new change (nothing flushed); the caller stores its
    answer."""
    model = model_for(change.entity)
    if model is None:
        return _Answer(change, _refused(change, ErrorCode.UNKNOWN_ENTITY, change.entity))
    # the bounds first: a malformed value (1e30, NaN, a dict for a list) must not reach parsing
    problems = check_fields(change.entity, change.fields)
    if problems:
        return _Answer(change, _refused(change, ErrorCode.INVALID_VALUE, problems[0].message))
    try:
        fields = canonical_fields(change.entity, change.fields)
    except WireValueError as exc:
        code = ErrorCode.UNKNOWN_FIELD if exc.unknown else ErrorCode.INVALID_VALUE
        return _Answer(change, _refused(change, code, f"{exc.field} {exc.message}"))
    except ArithmeticError:  # decimal.InvalidOperation and the like: malformed, never a 500
        return _Answer(change, _refused(change, ErrorCode.INVALID_VALUE))
    if change.op == "delete":
        fields[DELETED] = True

    row = rows.get(model, change.entity_id)
    checked = authorise(session, device, change, model, row, fields, rows)
    if isinstance(checked, ChangeResult):
        return _Answer(change, checked)
    return _merge_and_write(session, device, change, row, fields, checked, rows)


TREE_FIELDS = frozenset({"code", "level", "parent_id"})
"""The columns that place a division in the county's tree: the county's seed, never an edit."""
ABOVE_VILLAGE = frozenset({"county", "township"})


def authorise(
    session: Session,
    device: Device,
    change: Change,
    model: type[Synced],
    row: Synced | None,
    fields: dict[str, Any],
    rows: BatchRows,
) -> ChangeResult | str:
    """The village (or division) code a change is filed under, or its refusal.

    Every row is authorised by what it is, whatever village the change names:

    - a county or township division (its figures, e.g. the 2013 poor population, the quota's
      base, Q6; its name): an ``admin`` device, an existing division above one of its villages,
      never its place in the tree; nobody creates one by sync;
    - a village or hamlet division: the device's own village; its code, level and parent are the
      county's seed (an ``admin`` device excepted), a new one may only be a hamlet;
    - an assistance person (shared by households, possibly of several villages): new ones, and
      ones that only households of the device's villages name, by anyone; others by reviewers
      and administrators;
    - a household's review (issue 17): only by a reviewer's or administrator's device;
    - every other row by the village its household chain leads to, before and after the change.

    A record in another village is answered exactly like a record the server does not have
    (``RECORD_NOT_FOUND``), so refusals cannot be used to probe record ids.
    """
    villages = set(device.villages)
    if change.village_code not in villages and released_before(
        session, device, change.village_code, change.edited_at
    ):  # an edit made before the county moved the village away (sync.server.releases)
        villages.add(change.village_code)
    if change.entity == "divisions":
        level_before = row.level if row is not None else None
        level_after = fields.get("level", level_before)
        if level_before in ABOVE_VILLAGE or level_after in ABOVE_VILLAGE or level_after is None:
            above = _county_division(session, device, change, row, rows)
            if above is not None:
                return above
            if change.village_code not in villages:
                return _refused(change, ErrorCode.VILLAGE_NOT_ASSIGNED, change.village_code)
            if row is None:
                return _refused(change, ErrorCode.ROLE_NOT_ALLOWED, "县、乡镇级区划只能由县里导入")
            return _refused(
                change, ErrorCode.ROLE_NOT_ALLOWED, "县、乡镇级数据只能由县级管理员修改"
            )
        if device.role != "admin":
            if row is not None and set(fields) & TREE_FIELDS:
                return _refused(
                    change, ErrorCode.ROLE_NOT_ALLOWED, "行政区划的代码和上级只能由县里修改"
                )
            if row is None and level_after != "hamlet":
                return _refused(change, ErrorCode.ROLE_NOT_ALLOWED, "只能新建自然村(组)")
    if change.village_code not in villages:
        return _refused(change, ErrorCode.VILLAGE_NOT_ASSIGNED, change.village_code)
    if change.entity == "household_reviews" and device.role not in REVIEWER_DEVICE_ROLES:
        return _refused(change, ErrorCode.ROLE_NOT_ALLOWED, "审核意见只能由乡镇、县里的审核人员填写")
    if change.entity == "assistance_persons":
        if row is not None and device.role not in ("reviewer", "admin"):
            named = _villages_naming_person(session, change.entity_id)
            if not named or not named <= villages:
                return _refused(
                    change,
                    ErrorCode.ROLE_NOT_ALLOWED,
                    "该帮扶责任人也负责其他村的农户,只能由县、乡镇修改",
                )
        return change.village_code or ""
    return _check_villages(session, change, model, row, fields, villages, rows)


def _villages_naming_person(session: Session, person_id: str) -> set[str]:
    """The village codes of every household that names the assistance person."""
    query = (
        select(Division.code)
        .join(Household, Household.village_id == Division.id)
        .where(Household.assistance_person_id == person_id)
        .distinct()
    )
    return set(session.scalars(query))


def _county_division(
    session: Session, device: Device, change: Change, row: Synced | None, rows: BatchRows
) -> str | None:
    """The code of a county or township an administrator's device may update, else ``None``.

    A county's own figures (its 2013 poor population, the quota's base, Q6) are entered by the
    county administrator, whose laptop's outbox names no village for them: an ``admin`` device
    may update an existing county or township division above one of its villages. The feed
    entry is filed under that division's code.
    """
    if device.role != "admin" or change.entity != "divisions" or row is None:
        return None
    if change.op != "update" or row.level not in ABOVE_VILLAGE:
        return None
    if set(change.fields) & TREE_FIELDS:
        return None  # the tree itself is the county's seed, not an edit
    below = {row.id}
    for village in _villages_of(session, device):
        parent = rows.get(Division, village.parent_id) if village.parent_id else None
        chain = {parent.id, parent.parent_id} if parent is not None else set()
        if below & chain:
            return row.code
    return None


def _villages_of(session: Session, device: Device) -> list[Division]:
    return list(session.scalars(select(Division).where(Division.code.in_(list(device.villages)))))


def _check_villages(
    session: Session,
    change: Change,
    model: type[Synced],
    row: Synced | None,
    fields: dict[str, Any],
    villages: set[str],
    rows: BatchRows,
) -> ChangeResult | str:
    """The village a change writes into (derived from the registry, before and after), or the
    refusal when that is not one of the device's villages or not the one the change names."""
    old_village = (
        village_code_of(session, change.entity, lambda name: getattr(row, name), lookup=rows.get)
        if row is not None
        else None
    )
    if row is None and change.op != "create":
        return _refused(change, ErrorCode.RECORD_NOT_FOUND)  # what the merge would answer
    if row is not None and old_village not in villages:
        # another village's record (or one that belongs to none): the same answer as no record
        return _refused(change, ErrorCode.RECORD_NOT_FOUND)

    def new_value(name: str) -> Any:
        if name in fields:
            return from_wire(model, name, fields[name])
        return getattr(row, name) if row is not None else None

    new_village = village_code_of(session, change.entity, new_value, lookup=rows.get)
    if new_village is None:
        # a parent the server does not have (the answer a foreign key would give)
        return _refused(change, ErrorCode.INTEGRITY)
    if new_village not in villages:
        if change.entity in ("households", "procedure_steps", "divisions"):
            # placed straight into a village by the change itself: that village may be named
            return _refused(change, ErrorCode.VILLAGE_NOT_ASSIGNED, new_village)
        # a parent in another village: the same answer as a parent the server does not have
        return _refused(change, ErrorCode.INTEGRITY)
    for village in (old_village, new_village):
        if village is not None and village != change.village_code:
            return _refused(
                change, ErrorCode.VILLAGE_MISMATCH, f"{village} ≠ {change.village_code}"
            )
    return new_village


def _merge_and_write(
    session: Session,
    device: Device,
    change: Change,
    row: Synced | None,
    fields: dict[str, Any],
    village_code: str,
    rows: BatchRows,
) -> _Answer:
    """Merge one checked change into its record and queue what it writes (nothing flushed)."""
    key = (change.entity, change.entity_id)
    versions = rows.versions.get(key) if row is not None else None
    state = None
    if row is not None:
        state = RecordState(
            version=row.version,
            values=row_values(row, fields),
            field_versions=dict(versions.field_versions) if versions else {},
            deleted=row.deleted,
            field_writers=dict(versions.field_writers or {}) if versions else {},
        )
    merged = merge_change(
        state,
        op=change.op,
        base_version=change.base_version,
        fields=fields,
        writer=device.device_id,
    )
    if merged.outcome == "refused":
        assert merged.reason is not None
        return _Answer(change, _refused(change, merged.reason))

    entry = None
    if merged.to_write:
        written = write_remote_fields(
            session,
            change.entity,
            change.entity_id,
            merged.to_write,
            version=merged.version,
            actor=device.name,
            change_id=change.change_id,
            row=row,
            looked_up=True,
            flush=False,
            lookup=rows.get,
            book=rows.book,
            at=rows.at,
            updates=rows.updates,
        )
        rows.rows[key] = written
        if versions is None:
            versions = RecordVersions(entity=change.entity, entity_id=change.entity_id)
            session.add(versions)
            rows.versions[key] = versions
        versions.field_versions = merged.field_versions
        versions.field_writers = merged.field_writers
        entry = {
            "change_id": change.change_id,
            "device_id": device.device_id,
            "origin": device.name,
            "entity": change.entity,
            "entity_id": change.entity_id,
            "village_code": village_code,
            "household_id": household_id_of(session, written, lookup=rows.get),
            "version": merged.version,
            "op": change.op if state is None or change.op != "create" else "update",
            "fields": merged.to_write,
            "deleted": bool(written.deleted),
            "edited_at": change.edited_at,
            "applied_at": rows.at,
        }
        rows.feed.append(entry)
    for name, (server_value, incoming_value) in merged.conflicts.items():
        session.add(
            Conflict(
                entity=change.entity,
                entity_id=change.entity_id,
                village_code=village_code,
                field=name,
                base_value=base_value(
                    session, change.entity, change.entity_id, name, change.base_version
                ),
                server_value=server_value,
                incoming_value=incoming_value,
                change_id=change.change_id,
                device_id=device.device_id,
                edited_at=change.edited_at,
                status="open",
            )
        )

    message = None
    if merged.conflicts:
        message = f"{len(merged.conflicts)} 个字段与服务器上的修改冲突,已保留服务器的值并交审核"
    result = ChangeResult(
        change_id=change.change_id,
        outcome=merged.outcome,  # type: ignore[arg-type]
        version=merged.version,
        message=message,
        server_fields={name: server for name, (server, _incoming) in merged.conflicts.items()},
    )
    return _Answer(change, result, entry)


class RulesBroken(Exception):
    """The merged batch breaks a domain rule: the refusals to give when it is applied again."""

    def __init__(self, refusals: dict[str, ChangeResult]) -> None:
        super().__init__(f"{len(refusals)} changes break a rule")
        self.refusals = refusals


def _households_of(session: Session, changes: Iterable[Change], rows: BatchRows) -> set[str]:
    """The existing households a batch's changes write into (read before anything is applied)."""
    from desktop.store.sync_apply import PARENT_KEYS

    found: set[str] = set()
    for change in changes:
        model = model_for(change.entity)
        if model is None:
            continue
        if change.entity == "households":
            found.add(change.entity_id)
            continue
        row = rows.get(model, change.entity_id)
        if row is None:  # a new row: its parent (in the registry already, or new too)
            link = PARENT_KEYS.get(change.entity)
            parent_id = change.fields.get(link[0]) if link else None
            if not isinstance(parent_id, str):
                continue
            if link[1] is Household:
                found.add(parent_id)
                continue
            row = rows.get(link[1], parent_id)
            if row is None:
                continue
        household_id = household_id_of(session, row, lookup=rows.get)
        if household_id is not None:
            found.add(household_id)
    return found


def _check_rules(
    session: Session, answers: list[_Answer], rows: BatchRows, rules: HouseholdRules
) -> None:
    """Raise ``RulesBroken`` when a household the batch wrote breaks a rule it did not before.

    Runs after everything is flushed; the rows are read again (the relationships the audit
    reads were loaded before the merge)."""
    touched = {entry["household_id"] for entry in rows.feed if entry.get("household_id")}
    if not touched:
        return
    session.expire_all()
    created = [a.change for a in answers if a.entry is not None]
    breaks = rules.breaks(touched, operation_ids(created))
    if not breaks:
        return
    refusals: dict[str, ChangeResult] = {}
    for answer in answers:
        broken = breaks.get(answer.entry["household_id"]) if answer.entry is not None else None
        if broken is not None:
            refusals[answer.change.change_id] = ChangeResult(
                change_id=answer.change.change_id,
                outcome="refused",
                reason_code=ErrorCode.RULE_BROKEN,
                message=error_message(ErrorCode.RULE_BROKEN, rule_message(broken)),
            )
    raise RulesBroken(refusals)


def _answer_all(
    session: Session,
    device: Device,
    request: PushRequest,
    *,
    careful: bool,
    refuse: dict[str, ChangeResult] | None = None,
    rules: HouseholdRules | None = None,
) -> list[_Answer]:
    """Answer every change of the batch; ``careful``: one savepoint and flush per change.

    ``refuse``: changes answered with the given refusal without being applied (they broke a rule
    on an earlier attempt); ``rules``: judge the households the batch wrote (``_check_rules``).
    """
    refuse = refuse or {}
    ids = [change.change_id for change in request.changes]
    known: dict[str, AppliedChange] = {
        row.change_id: row
        for row in session.scalars(select(AppliedChange).where(AppliedChange.change_id.in_(ids)))
    }
    check_sequence(device, request, set(known))
    rows = BatchRows(session, request.changes)
    if rules is not None:
        rules.remember(_households_of(session, request.changes, rows))
    if not careful:
        rows.updates = RowUpdates()
    answers: list[_Answer] = []
    answered_now: dict[str, str] = {}  # change_id -> payload hash, for repeats inside the batch
    for change in request.changes:
        digest = payload_hash(change)
        stored = known.get(change.change_id)
        if stored is not None or change.change_id in answered_now:
            stored_hash = (
                stored.payload_hash if stored is not None else answered_now[change.change_id]
            )
            if stored is not None and stored_hash == digest:
                result = _duplicate(session, change, stored, rows)
            else:
                result = _refused(change, ErrorCode.CHANGE_ID_REUSED, change.change_id)
            answers.append(_Answer(change, result, new=False))
            if change.device_seq == device.last_acked_seq + 1:
                # answered before, possibly under the laptop's previous enrollment
                device.last_acked_seq = change.device_seq
            continue
        if change.device_seq <= device.last_acked_seq:
            refused = _refused(change, ErrorCode.DEVICE_SEQ_REUSED, str(change.device_seq))
            answers.append(_Answer(change, refused, new=False))
            continue
        if change.change_id in refuse:
            answer = _Answer(change, refuse[change.change_id])
        elif careful:
            book_mark, feed_mark = len(rows.book), len(rows.feed)
            try:
                with session.begin_nested():
                    answer = apply_change(session, device, change, rows)
                    session.flush()
            except (IntegrityError, DataError) as exc:
                rows.forget(change.entity, change.entity_id)
                del rows.book[book_mark:], rows.feed[feed_mark:]
                detail = str(exc.orig).splitlines()[0][:200] if exc.orig is not None else None
                answer = _Answer(change, _refused(change, ErrorCode.INTEGRITY, detail))
        else:
            answer = apply_change(session, device, change, rows)
        answer.digest = digest
        answers.append(answer)
        answered_now[change.change_id] = digest
        device.last_acked_seq = change.device_seq
    session.flush()
    if rows.updates is not None:
        rows.updates.flush(session)
    if rules is not None:
        _check_rules(session, answers, rows, rules)
    if rows.feed:
        # numbered from the counties' counter rows (locked since the batch began), in the order
        # the changes were applied, then written with one COPY / executemany
        number_feed(session, rows.feed)
        insert_rows(session, ChangeLogEntry.__table__, rows.feed)
    if rows.book:
        insert_rows(session, LedgerEntry.__table__, rows.book)
    return answers


def _store_answers(
    session: Session, device: Device, request: PushRequest, answers: list[_Answer]
) -> None:
    """The dedup ledger: one ``applied_changes`` row per change answered now (one INSERT)."""
    rows = []
    for answer in answers:
        if not answer.new:
            continue
        change, result = answer.change, answer.final()
        rows.append(
            {
                "change_id": change.change_id,
                "device_id": device.device_id,
                "device_seq": change.device_seq,
                "batch_id": request.batch_id,
                "payload_hash": answer.digest,
                "entity": change.entity,
                "entity_id": change.entity_id,
                "outcome": result.outcome,
                "version": result.version,
                "server_seq": result.server_seq,
                "reason_code": result.reason_code.value if result.reason_code else None,
                "message": result.message,
            }
        )
    if rows:
        insert_rows(session, AppliedChange.__table__, rows)


def insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys): on PostgreSQL with one ``COPY`` (an executemany
    sends one INSERT per row through psycopg's pipeline, and the household book's rows, about
    nine per change, took the largest share of a push's database time: profiled, issue 11),
    elsewhere with an executemany."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    # Python-side defaults (``default=utcnow``) are SQLAlchemy's to fill in, COPY does not
    defaults = {
        column.name: column.default
        for column in table.c
        if column.name not in rows[0] and column.default is not None and not column.primary_key
    }
    extra = {
        name: default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
        for name, default in defaults.items()
    }
    if extra:
        rows = [{**row, **extra} for row in rows]
        names = list(rows[0])
    columns = [table.c[name] for name in names]
    json_columns = {name for name, column in zip(names, columns, strict=True)
                    if isinstance(column.type, JSON)}  # fmt: skip
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    json.dumps(row[name], ensure_ascii=False) if name in json_columns else row[name]
                    for name in names
                ]
            )


def ingest_batch(session: Session, device: Device, request: PushRequest) -> PushResponse:
    """Answer every change of a batch (the caller commits the transaction); see the docstring."""
    from desktop.domain.clock import SYSTEM_CLOCK
    rules = None
    if device.device_id != IMPORT_DEVICE_ID:
        # the national system's newer export is the registry as decided there (its exits come
        # with no operation record of ours): it enters as it stands, like the first import
        rules = HouseholdRules(session, role=device.role, today=SYSTEM_CLOCK.now().date())
    # the counties' feed counters first, then the device: held until the caller commits, so
    # one county's pushes merge, number and commit one after another (sync.server.feed), and
    # the device's last_acked_seq is read again under them
    session.flush()  # what the caller changed on the device, before it is read again
    lock_counties(session, counties_of(device.villages))
    session.refresh(device, with_for_update=True)
    refuse: dict[str, ChangeResult] = {}
    careful = False
    with registry_writer(session, SYNC_WRITER), session.no_autoflush:
        # each round refuses at least one more change, so this ends
        for _round in range(len(request.changes) + 2):
            try:
                with session.begin_nested():
                    answers = _answer_all(
                        session, device, request, careful=careful, refuse=refuse, rules=rules
                    )
                break
            except RulesBroken as broken:
                # applied again with the breaking households' changes refused
                session.expire_all()
                refuse.update(broken.refusals)
            except (IntegrityError, DataError):
                if careful:
                    raise
                # the savepoint is rolled back (and the device's seq with it); rows whose new
                # values were only in memory are read again; then change by change
                session.expire_all()
                careful = True
        else:  # pragma: no cover - every round refuses a new change
            raise RuntimeError("the batch's rule checks did not settle")
        _store_answers(session, device, request, answers)
        session.flush()
    return PushResponse(
        results=[answer.final() for answer in answers], last_acked_seq=device.last_acked_seq
    )
