"""Importing a bundle on the server: check the signature, then push its changes as its device.

Used by ``POST /v1/sync/bundle`` (a connected laptop relays a bundle it was handed) and by
``fieldbook-server import-bundle FILE``. The bundle's changes go through ``ingest_batch`` exactly
as a push of the device that signed it: the same ``device_seq`` check (a bundle that starts after
a gap answers 409 with the seq the server waits for), the same dedup (a second import answers
every change ``duplicate``), the device's own villages. A revoked device's bundle is refused.
Changes are applied in chunks of ``CHUNK`` consecutive changes, one transaction each, taking the
one writer per chunk so that pushes of other laptops are not held up by a big bundle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from desktop.store.db import Database
from sync.bundle import BundleError, open_body, verify_envelope
from sync.protocol import BundleEnvelope, BundleResponse, ErrorCode, PushRequest
from sync.server.errors import ApiError
from sync.server.keys import bundle_private_key
from sync.server.models import Device
from sync.server.push import ingest_batch

CHUNK = 500

Writer = Callable[[], AbstractContextManager[Session]]
"""Opens a session that holds the one writer (``sync.server.db.writer_session``)."""


def _device(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError(
            404, ErrorCode.BUNDLE_DEVICE_UNKNOWN, device_id, details={"device_id": device_id}
        )
    if device.revoked:
        raise ApiError(403, ErrorCode.DEVICE_REVOKED, details={"device_id": device_id})
    return device


def import_bundle(database: Database, envelope: BundleEnvelope, writer: Writer) -> BundleResponse:
    """Verify ``envelope`` against its device's public key and apply it (see the docstring).

    Raises ``ApiError``: 404 ``BUNDLE_DEVICE_UNKNOWN``, 403 ``DEVICE_REVOKED``, 400
    ``BUNDLE_SIGNATURE`` / ``BUNDLE_INVALID``, 409 ``DEVICE_SEQ_GAP``.
    """
    with database.session() as session:
        device = _device(session, envelope.device_id)
        public_key, name = device.public_key, device.name
        sealing_key = bundle_private_key(session)
    try:
        verify_envelope(envelope, public_key)
        body = open_body(envelope, sealing_key)
    except BundleError as exc:
        raise ApiError(400, exc.code, details={"device_id": envelope.device_id}) from exc
    tag = hashlib.sha256(envelope.signature.encode()).hexdigest()[:16]
    totals = dict.fromkeys(("applied", "merged", "duplicate", "conflict", "refused"), 0)
    refusals = []
    last_acked = 0
    for start in range(0, len(body.changes), CHUNK):
        chunk = body.changes[start : start + CHUNK]
        request = PushRequest(
            device_id=body.device_id,
            batch_id=f"bundle-{tag}-{chunk[0].device_seq}",
            first_seq=chunk[0].device_seq,
            changes=chunk,
        )
        with writer() as session:
            device = _device(session, body.device_id)
            response = ingest_batch(session, device, request)
            session.commit()
        for result in response.results:
            totals[result.outcome] += 1
            first = result.first_outcome if result.outcome == "duplicate" else result.outcome
            if first == "refused":
                refusals.append(result)
        last_acked = response.last_acked_seq
    return BundleResponse(
        device_id=body.device_id,
        device_name=name,
        sent=len(body.changes),
        applied=totals["applied"],
        merged=totals["merged"],
        duplicate=totals["duplicate"],
        conflicts=totals["conflict"],
        refused=totals["refused"],
        last_acked_seq=last_acked,
        refusals=refusals,
    )
