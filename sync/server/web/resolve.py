"""Resolving a conflict from the web page: the chosen value becomes an ordinary change.

On a laptop the reviewer's screen saves the chosen value through the laptop's save path, pushes
it, and then closes the conflict (``sync.server.resolve``). Here the server is the one writing:
each staff account has a device of its own (``hostname`` ``fieldbook-web``, a token nobody
holds), and the chosen value goes through ``sync.server.push.ingest_batch`` as that device's
next change, based on the record's current version. It lands in the registry, the household
book and the change feed like any laptop's edit, so every laptop of the village gets it at its
next pull; then ``resolve_conflict`` closes the conflict (and any other open one on the field).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop.store.models import new_id
from desktop.store.sync_apply import WireValueError, model_for, parse_value
from sync.merge import DELETED
from sync.protocol import Change, PushRequest, ResolveRequest
from sync.server.devices import sha256_hex
from sync.server.errors import ApiError
from sync.server.models import Conflict, Device
from sync.server.push import ingest_batch
from sync.server.resolve import resolve_conflict
from sync.server.web.accounts import Staff

WEB_HOSTNAME = "fieldbook-web"
_NAMESPACE = uuid.UUID("9a3f0c55-2b1e-4f7a-9d51-0c1f6b1e7a10")


class ResolveFailed(Exception):
    """The decision was not recorded; ``message`` says why in Chinese."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def web_device(session: Session, staff: Staff) -> Device:
    """The staff account's own device row (made on first use)."""
    device_id = str(uuid.uuid5(_NAMESPACE, f"staff:{staff.id}"))
    device = session.get(Device, device_id)
    if device is None:
        device = Device(
            device_id=device_id,
            name=f"网页审核:{staff.name}"[:60],
            token_hash=sha256_hex(secrets.token_urlsafe(32)),  # a token no one holds
            villages=[],
            last_acked_seq=0,
            revoked=False,
            hostname=WEB_HOSTNAME,
            role="reviewer",
        )
        session.add(device)
        session.flush()
    return device


@dataclass(frozen=True)
class Decision:
    conflict_id: int
    choice: str  # server | incoming | typed
    typed: str | None = None


def decide(
    session: Session, staff: Staff, village_codes: list[str], decision: Decision
) -> list[int]:
    """Record the decision (the caller holds the writer and commits); returns the closed ids."""
    conflict = session.get(Conflict, decision.conflict_id)
    if conflict is None or conflict.village_code not in village_codes:
        raise ResolveFailed("找不到这个冲突")
    if conflict.status != "open":
        raise ResolveFailed("该冲突已经裁决")
    if decision.choice == "server":
        value: Any = conflict.server_value
    elif decision.choice == "incoming":
        value = conflict.incoming_value
    elif decision.choice == "typed" and conflict.field != DELETED:
        try:  # the laptop's reviewer screen reads typed text the same way
            value = parse_value(conflict.entity, conflict.field, decision.typed or "")
        except WireValueError as exc:
            raise ResolveFailed(f"填写的值不合适: {exc.message}") from exc
    else:
        raise ResolveFailed("请选择一个值")
    device = web_device(session, staff)
    device.villages = [conflict.village_code]
    change_id = None
    model = model_for(conflict.entity)
    row = session.get(model, conflict.entity_id) if model is not None else None
    if row is None:
        raise ResolveFailed("记录已不存在")
    if decision.choice != "server":
        change_id = new_id()
        op = "update"
        fields: dict[str, Any] = {conflict.field: value}
        if conflict.field == DELETED:
            op, fields = ("delete", {}) if value else ("update", {})
        answer = ingest_batch(
            session,
            device,
            PushRequest(
                device_id=device.device_id,
                batch_id=change_id,
                first_seq=device.last_acked_seq + 1,
                changes=[
                    Change(
                        change_id=change_id,
                        device_seq=device.last_acked_seq + 1,
                        entity=conflict.entity,
                        entity_id=conflict.entity_id,
                        village_code=conflict.village_code,
                        op=op,
                        base_version=row.version,
                        fields=fields,
                        edited_at=datetime.now(UTC).isoformat(),
                    )
                ],
            ),
        )
        result = answer.results[0]
        if result.outcome not in ("applied", "merged"):
            raise ResolveFailed(result.message or f"未能写入 ({result.outcome})")
        value = (result.server_fields or {}).get(conflict.field, value)
    try:
        closed = resolve_conflict(
            session,
            device,
            conflict.id,
            ResolveRequest(value=_current(session, conflict), change_id=change_id),
        )
    except ApiError as exc:
        raise ResolveFailed(exc.message) from exc
    device.villages = []
    return closed.resolved


def _current(session: Session, conflict: Conflict) -> Any:
    from desktop.store.sync_apply import row_values

    model = model_for(conflict.entity)
    session.flush()
    row = session.get(model, conflict.entity_id) if model is not None else None
    if row is None:
        return None
    session.refresh(row)
    if conflict.field == DELETED:
        return row.deleted
    return row_values(row, [conflict.field]).get(conflict.field)
