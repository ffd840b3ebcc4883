"""The reviewer's decision on a conflict.

A resolution is an ordinary change (SYNC.md): the reviewer's laptop writes the chosen value
through its save path, with the record's current base version, and pushes it like any edit; if
someone changed the field meanwhile, that push is itself a conflict and nothing is overwritten
unseen. ``resolve_conflict`` then only *closes* the conflict, and only when the server's record
really holds the chosen value (choosing the server's own value needs no change at all). Every
other open conflict on the same field of the same record closes with it: the field's value has
been decided. Closing twice with the same value is harmless.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import utcnow
from desktop.store.sync_apply import WireValueError, canonical_fields, model_for, row_values
from sync.merge import DELETED
from sync.protocol import ErrorCode, ResolveRequest, ResolveResponse
from sync.server.errors import ApiError
from sync.server.models import Conflict, Device


def _current(session: Session, conflict: Conflict) -> object:
    model = model_for(conflict.entity)
    row = session.get(model, conflict.entity_id) if model is not None else None
    if row is None:
        raise ApiError(404, ErrorCode.CONFLICT_NOT_FOUND, str(conflict.id))
    if conflict.field == DELETED:
        return row.deleted
    return row_values(row, [conflict.field]).get(conflict.field)


def resolve_conflict(
    session: Session, device: Device, conflict_id: int, request: ResolveRequest
) -> ResolveResponse:
    """Close the conflict ``conflict_id`` with ``request.value`` (see the module docstring)."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or conflict.village_code not in device.villages:
        raise ApiError(404, ErrorCode.CONFLICT_NOT_FOUND, str(conflict_id))
    value = request.value
    if conflict.field != DELETED:
        try:
            value = canonical_fields(conflict.entity, {conflict.field: value})[conflict.field]
        except WireValueError as exc:
            raise ApiError(422, ErrorCode.INVALID_VALUE, f"{exc.field} {exc.message}") from exc
    elif not isinstance(value, bool):
        raise ApiError(422, ErrorCode.INVALID_VALUE, "deleted 应为是/否")
    current = _current(session, conflict)
    if conflict.status == "resolved":
        if conflict.resolved_value == value:
            return ResolveResponse(resolved=[conflict.id], value=value)
        raise ApiError(409, ErrorCode.RESOLUTION_NOT_APPLIED, "该冲突已按另一个值裁决")
    if current != value:
        raise ApiError(
            409,
            ErrorCode.RESOLUTION_NOT_APPLIED,
            f"服务器上是 {current!r}",
            details={"server_value": current},
        )
    now = utcnow()
    closed = list(
        session.scalars(
            select(Conflict).where(
                Conflict.entity == conflict.entity,
                Conflict.entity_id == conflict.entity_id,
                Conflict.field == conflict.field,
                Conflict.status == "open",
            )
        )
    )
    for row in closed:
        row.status = "resolved"
        row.resolved_value = value
        row.resolved_by = device.name
        row.resolved_at = now
        row.resolved_change_id = request.change_id
    return ResolveResponse(resolved=sorted(row.id for row in closed), value=value)
