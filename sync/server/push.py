"""Applying a pushed batch: dedup, the device_seq check, the merge, one savepoint per change.

The caller (``sync.server.app``) holds the one-writer lock, opens one transaction for the batch,
authenticates the device inside it (so ``last_acked_seq`` is read under the lock) and commits at
the end; any exception rolls the whole batch back and the client sends it again.

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
5. ``sync.merge.merge_change`` decides per field; what it keeps is written into the registry row
   (booked with the device's name as actor and reason 同步), the record's per-field versions move,
   a ``change_log`` entry gets the next ``server_seq``, and each conflicting field becomes an open
   ``conflicts`` row with the base, server and incoming values. A constraint error (a missing
   parent, a duplicate household number) rolls back only this change's savepoint: ``INTEGRITY``.

Every answered change (refused ones too) is stored in ``applied_changes`` and moves the device's
``last_acked_seq``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from desktop.store.db import registry_writer
from desktop.store.sync_apply import (
    SYNC_WRITER,
    WireValueError,
    canonical_fields,
    from_wire,
    model_for,
    row_values,
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
from sync.server.errors import ApiError
from sync.server.models import AppliedChange, ChangeLogEntry, Conflict, Device, RecordVersions


def payload_hash(change: Change) -> str:
    """SHA-256 of everything a change says except its id (a resend hashes the same)."""
    body = change.model_dump(mode="json", exclude={"change_id"})
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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


def server_fields(session: Session, change: Change) -> dict[str, Any]:
    """The server's current values of a change's fields where they differ from the change's.

    Sent with every answer that is not a refusal, so the laptop ends up with the server's value:
    after a conflict, and after a duplicate whose first answer was lost while another device
    changed the same field (the laptop's pull skipped that field while its edit was unsent).
    """
    model = model_for(change.entity)
    row = session.get(model, change.entity_id) if model is not None else None
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
    """The value a field had at ``base_version``, from the feed (``None`` if it was never set)."""
    rows = session.scalars(
        select(ChangeLogEntry.fields)
        .where(
            ChangeLogEntry.entity == entity,
            ChangeLogEntry.entity_id == entity_id,
            ChangeLogEntry.version <= base_version,
        )
        .order_by(ChangeLogEntry.version.desc())
    )
    for fields in rows:
        if field in fields:
            return fields[field]
    return False if field == DELETED else None


def _duplicate(session: Session, change: Change, stored: AppliedChange) -> ChangeResult:
    return ChangeResult(
        change_id=change.change_id,
        outcome="duplicate",
        first_outcome=stored.outcome,  # type: ignore[arg-type]
        version=stored.version,
        server_seq=stored.server_seq,
        reason_code=ErrorCode(stored.reason_code) if stored.reason_code else None,
        message=stored.message,
        server_fields={} if stored.outcome == "refused" else server_fields(session, change),
    )


def apply_change(session: Session, device: Device, change: Change) -> ChangeResult:
    """Check, merge and write one new change; the caller stores its answer."""
    model = model_for(change.entity)
    if model is None:
        return _refused(change, ErrorCode.UNKNOWN_ENTITY, change.entity)
    try:
        fields = canonical_fields(change.entity, change.fields)
    except WireValueError as exc:
        code = ErrorCode.UNKNOWN_FIELD if exc.unknown else ErrorCode.INVALID_VALUE
        return _refused(change, code, f"{exc.field} {exc.message}")
    if change.op == "delete":
        fields[DELETED] = True

    villages = set(device.villages)
    if change.village_code not in villages:
        return _refused(change, ErrorCode.VILLAGE_NOT_ASSIGNED, change.village_code)
    row = session.get(model, change.entity_id)
    old_village = (
        village_code_of(session, change.entity, lambda name: getattr(row, name))
        if row is not None
        else None
    )

    def new_value(name: str) -> Any:
        if name in fields:
            return from_wire(model, name, fields[name])
        return getattr(row, name) if row is not None else None

    new_village = village_code_of(session, change.entity, new_value)
    for village in (old_village, new_village):
        if village is None:
            continue
        if village not in villages:
            return _refused(change, ErrorCode.VILLAGE_NOT_ASSIGNED, village)
        if village != change.village_code:
            return _refused(
                change, ErrorCode.VILLAGE_MISMATCH, f"{village} ≠ {change.village_code}"
            )
    village_code = new_village or old_village or change.village_code

    versions = (
        session.get(RecordVersions, (change.entity, change.entity_id)) if row is not None else None
    )
    state = None
    if row is not None:
        state = RecordState(
            version=row.version,
            values=row_values(row, fields),
            field_versions=dict(versions.field_versions) if versions else {},
            deleted=row.deleted,
        )
    merged = merge_change(state, op=change.op, base_version=change.base_version, fields=fields)
    if merged.outcome == "refused":
        assert merged.reason is not None
        return _refused(change, merged.reason)

    server_seq = None
    try:
        with registry_writer(session, SYNC_WRITER), session.begin_nested():
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
                )
                if versions is None:
                    versions = RecordVersions(entity=change.entity, entity_id=change.entity_id)
                    session.add(versions)
                versions.field_versions = merged.field_versions
                entry = ChangeLogEntry(
                    change_id=change.change_id,
                    device_id=device.device_id,
                    origin=device.name,
                    entity=change.entity,
                    entity_id=change.entity_id,
                    village_code=village_code,
                    version=merged.version,
                    op=change.op if state is None or change.op != "create" else "update",
                    fields=merged.to_write,
                    deleted=bool(written.deleted),
                    edited_at=change.edited_at,
                )
                session.add(entry)
                session.flush()
                server_seq = entry.server_seq
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
            session.flush()
    except (IntegrityError, DataError) as exc:
        detail = str(exc.orig).splitlines()[0][:200] if exc.orig is not None else None
        return _refused(change, ErrorCode.INTEGRITY, detail)

    message = None
    if merged.conflicts:
        message = f"{len(merged.conflicts)} 个字段与服务器上的修改冲突,已保留服务器的值并交审核"
    return ChangeResult(
        change_id=change.change_id,
        outcome=merged.outcome,  # type: ignore[arg-type]
        version=merged.version,
        server_seq=server_seq,
        message=message,
        server_fields={name: server for name, (server, _incoming) in merged.conflicts.items()},
    )


def ingest_batch(session: Session, device: Device, request: PushRequest) -> PushResponse:
    """Answer every change of a batch (the caller commits the transaction)."""
    ids = [change.change_id for change in request.changes]
    known: dict[str, AppliedChange] = {
        row.change_id: row
        for row in session.scalars(select(AppliedChange).where(AppliedChange.change_id.in_(ids)))
    }
    check_sequence(device, request, set(known))

    results: list[ChangeResult] = []
    for change in request.changes:
        digest = payload_hash(change)
        stored = known.get(change.change_id)
        if stored is not None:
            if stored.payload_hash == digest:
                results.append(_duplicate(session, change, stored))
            else:
                results.append(_refused(change, ErrorCode.CHANGE_ID_REUSED, change.change_id))
            if change.device_seq == device.last_acked_seq + 1:
                # answered before, possibly under the laptop's previous enrollment
                device.last_acked_seq = change.device_seq
            continue
        if change.device_seq <= device.last_acked_seq:
            results.append(_refused(change, ErrorCode.DEVICE_SEQ_REUSED, str(change.device_seq)))
            continue
        result = apply_change(session, device, change)
        applied = AppliedChange(
            change_id=change.change_id,
            device_id=device.device_id,
            device_seq=change.device_seq,
            batch_id=request.batch_id,
            payload_hash=digest,
            entity=change.entity,
            entity_id=change.entity_id,
            outcome=result.outcome,
            version=result.version,
            server_seq=result.server_seq,
            reason_code=result.reason_code.value if result.reason_code else None,
            message=result.message,
        )
        session.add(applied)
        known[change.change_id] = applied
        device.last_acked_seq = change.device_seq
        results.append(result)
    session.flush()
    return PushResponse(results=results, last_acked_seq=device.last_acked_seq)
