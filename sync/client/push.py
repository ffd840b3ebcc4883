"""Push: the outbox sent in ``device_seq`` order, and each answer recorded by the one writer.

``push()`` sends the pending outbox ``batch_size`` changes a batch, gzip-compressed, each batch
with a fresh ``batch_id`` as ``Idempotency-Key``. A resent batch is harmless: the server answers
changes it already has as ``duplicate``. Each answer is recorded in one local transaction on the
database's one writer (``Database.writer``) while the next batch travels (one request in
flight, so the server still sees the batches in order): outbox rows become ``acked``,
``conflict`` or ``refused`` (a ``duplicate`` takes the state of its first answer), an
``applied`` change takes the server's new version (``sync.merge.version_after_push``), and the
server's current values that differ from the change's (``server_fields``: after a conflict the
server's value stands, the laptop's is kept on the server for the reviewer) are written locally
unless a newer unsent edit of the field waits. A refused change keeps its value locally and is
listed in the receipt, so nothing typed is lost.

``export_bundle(path)`` writes the pending outbox as a signed bundle for a USB stick;
``relay_bundle(path)`` pushes a bundle another laptop exported (``sync.bundle``).
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict, deque
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from desktop.store.db import registry_writer
from desktop.store.models import OutboxChange, new_id
from desktop.store.sync_apply import (
    SYNC_WRITER,
    household_id_of,
    local_versions,
    model_for,
    reindex,
    set_versions,
    write_remote_fields,
)
from sync.bundle import BundleSummary, make_bundle, read_envelope, write_bundle
from sync.client.local import SERVER_ACTOR, pending_by_entity
from sync.client.transport import (
    SETTING_BUNDLE_KEY,
    SETTING_DEVICE_ID,
    SETTING_SIGNING_KEY,
    SETTING_TOKEN,
    Cancel,
    Progress,
    SyncError,
    Transport,
)
from sync.merge import fields_to_take, version_after_push
from sync.protocol import (
    BUNDLE_PATH,
    PUSH_PATH,
    BundleResponse,
    Change,
    ErrorCode,
    PushRequest,
    PushResponse,
)
from sync.receipt import name_refusals

STATE_BY_OUTCOME = {
    "applied": "acked",
    "merged": "acked",
    "conflict": "conflict",
    "refused": "refused",
}
"""What an outbox row becomes after the server's (first) answer."""


@dataclass
class Refusal:
    """One change the server refused, for the worker's list."""

    change_id: str
    entity: str
    entity_id: str
    code: str | None
    message: str | None
    household_number: str | None = None  # the laptop's own (sync.receipt.name_refusals)
    head_name: str | None = None


@dataclass
class Receipt:
    """What one push did, counted per outcome (a duplicate counts once, as ``duplicate``)."""

    sent: int = 0
    applied: int = 0
    merged: int = 0
    duplicate: int = 0
    conflicts: int = 0
    refused: int = 0
    batches: int = 0
    cancelled: bool = False
    refusals: list[Refusal] = field(default_factory=list)


RECORDING_AHEAD = 2
"""Answers handed to the writer and not yet recorded, at most, before the next batch is sent."""


class Pushing(Transport):
    """Send the outbox (over the network, or as a bundle file) and record the answers."""

    def pending_count(self) -> int:
        """Outbox changes not yet answered by the server."""
        with self.db.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(OutboxChange)
                    .where(OutboxChange.state == "pending")
                )
                or 0
            )

    def _encode(self, request: PushRequest) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(request.model_dump(mode="json"), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": request.batch_id}
        if self.compression == "gzip":
            return gzip.compress(body, compresslevel=6), {**headers, "Content-Encoding": "gzip"}
        if self.compression == "zstd":
            import zstandard

            data = zstandard.ZstdCompressor(level=3).compress(body)
            return data, {**headers, "Content-Encoding": "zstd"}
        return body, headers

    def push(self, progress: Progress | None = None, cancel: Cancel | None = None) -> Receipt:
        """Send every pending outbox change, batch by batch; see the module docstring.

        ``progress(done, total)`` is called after each batch is answered; ``cancel()`` is checked
        before each batch (a batch in flight is finished and recorded, never abandoned halfway).

        The answers are recorded on the database's one writer while the next batch is on its
        way (one request in flight at a time, so the server still receives the batches in
        order): the laptop's bookkeeping and the server's work overlap instead of taking turns.
        A batch whose answer is not yet recorded when the process dies is simply sent again
        next time; once one fails to be recorded, the push stops and raises its error.
        """
        device_id, token, url = self._credentials()
        receipt = Receipt()
        total = self.pending_count()
        failed: list[BaseException] = []

        def record(answer: PushResponse, sent: int) -> None:  # runs on the writer
            if failed:
                return  # the push stops: what is not recorded is sent again next time
            try:
                self._record(answer, receipt)
            except BaseException as exc:
                failed.append(exc)
                raise
            receipt.batches += 1
            receipt.sent += sent

        recording: deque[Future[None]] = deque()
        last_seq = done = 0
        try:
            while not failed:
                if cancel is not None and cancel():
                    receipt.cancelled = True
                    break
                with self.db.session() as session:
                    rows = list(
                        session.scalars(
                            select(OutboxChange)
                            .where(
                                OutboxChange.state == "pending",
                                OutboxChange.device_seq > last_seq,
                            )
                            .order_by(OutboxChange.device_seq)
                            .limit(self.batch_size)
                        )
                    )
                    _complete_operations(session, rows)
                if not rows:
                    break
                request = PushRequest(
                    device_id=device_id,
                    batch_id=new_id(),
                    first_seq=rows[0].device_seq,
                    changes=[_change_of(row) for row in rows],
                )
                content, headers = self._encode(request)
                response = self._request(
                    "POST",
                    url,
                    PUSH_PATH,
                    content=content,
                    headers={**headers, **self._auth_headers(token)},
                )
                answer = PushResponse.model_validate_json(response.content)
                last_seq = rows[-1].device_seq
                recording.append(self.db.writer.submit(record, answer, len(rows)))
                while len(recording) > RECORDING_AHEAD:  # the writer keeps up, or we wait
                    wait([recording.popleft()])
                done += len(rows)
                if progress is not None:
                    progress(done, max(total, done))
        finally:
            wait(recording)
        if failed:
            raise failed[0]
        return receipt

    def _record(self, answer: PushResponse, receipt: Receipt) -> None:
        """Record a batch's answers in one local transaction.

        Only what is needed is read (the outbox rows' keys, the records' versions) and the
        states and versions are written with one statement each; whole rows are loaded only
        for the rare answer that carries ``server_fields``.
        """
        with (
            self.db.session() as session,
            registry_writer(session, SYNC_WRITER),
            session.no_autoflush,
        ):
            outbox = OutboxChange.__table__
            ids = [result.change_id for result in answer.results]
            rows = {
                row.change_id: row
                for row in session.execute(
                    select(
                        outbox.c.change_id,
                        outbox.c.device_seq,
                        outbox.c.entity,
                        outbox.c.entity_id,
                        outbox.c.base_version,
                    ).where(outbox.c.change_id.in_(ids))
                )
            }
            versions = local_versions(session, {(r.entity, r.entity_id) for r in rows.values()})
            with_fields = [r for r in answer.results if r.server_fields and r.change_id in rows]
            pending = pending_by_entity(session, (rows[r.change_id].entity_id for r in with_fields))
            states: list[dict[str, str]] = []
            moved: dict[str, dict[str, int]] = defaultdict(dict)
            households: set[str] = set()
            for result in answer.results:
                row = rows.get(result.change_id)
                if row is None:
                    continue
                outcome = result.first_outcome if result.outcome == "duplicate" else result.outcome
                if outcome is None or outcome == "duplicate":
                    outcome = "applied"
                states.append({"b_id": row.change_id, "b_state": STATE_BY_OUTCOME[outcome]})
                counter = "conflicts" if result.outcome == "conflict" else result.outcome
                setattr(receipt, counter, getattr(receipt, counter) + 1)
                if outcome == "refused":
                    receipt.refusals.append(
                        Refusal(
                            change_id=row.change_id,
                            entity=row.entity,
                            entity_id=row.entity_id,
                            code=result.reason_code.value if result.reason_code else None,
                            message=result.message,
                        )
                    )
                    continue
                key = (row.entity, row.entity_id)
                current = versions.get(key)
                if current is None:  # nothing local to update (never expected: the change is ours)
                    continue
                new_version = version_after_push(
                    current,
                    base_version=row.base_version,
                    outcome=outcome,
                    result_version=result.version,
                )
                if new_version != current:
                    versions[key] = moved[row.entity][row.entity_id] = new_version
                if result.server_fields:
                    later = {
                        name
                        for seq, fields in pending.get(row.entity_id, ())
                        if seq > row.device_seq
                        for name in fields
                    }
                    take = fields_to_take(result.server_fields, later)
                    household_id = self._take_server_fields(session, row, take)
                    if household_id:
                        households.add(household_id)
            name_refusals(session, [r for r in receipt.refusals if r.household_number is None])
            session.flush()
            if states:
                session.execute(
                    update(outbox)
                    .where(outbox.c.change_id == bindparam("b_id"))
                    .values(state=bindparam("b_state")),
                    states,
                )
            set_versions(session, moved)
            reindex(session, households)
            session.commit()

    def _take_server_fields(self, session: Session, row: Any, take: dict[str, Any]) -> str | None:
        """Write the server's values the laptop lacks (after a conflict); the household's id."""
        model = model_for(row.entity)
        obj = session.get(model, row.entity_id) if model is not None and take else None
        if obj is None:
            return None
        write_remote_fields(
            session,
            row.entity,
            row.entity_id,
            take,
            version=None,
            actor=SERVER_ACTOR,
            change_id=row.change_id,
            row=obj,
            looked_up=True,
            flush=False,
        )
        return household_id_of(session, obj)

    def export_bundle(self, path: str | Path) -> BundleSummary | None:
        """Write every pending outbox change as a signed bundle file; ``None`` if none waits.

        The changes stay pending: they are acknowledged when the laptop next syncs (the server
        answers them ``duplicate`` once the bundle has been imported).
        """
        settings = self._settings()
        device_id = settings.get(SETTING_DEVICE_ID)
        signing_key = settings.get(SETTING_SIGNING_KEY)
        if not device_id or not signing_key or SETTING_TOKEN not in settings:
            raise SyncError(ErrorCode.NOT_ENROLLED)
        with self.db.session() as session:
            rows = session.scalars(
                select(OutboxChange)
                .where(OutboxChange.state == "pending")
                .order_by(OutboxChange.device_seq)
            ).all()
            changes = [_change_of(row) for row in rows]
        if not changes:
            return None
        envelope = make_bundle(
            device_id, signing_key, changes, seal_to=settings.get(SETTING_BUNDLE_KEY)
        )
        size = write_bundle(envelope, path)
        return BundleSummary(
            path=str(path),
            device_id=device_id,
            changes=len(changes),
            first_seq=changes[0].device_seq,
            last_seq=changes[-1].device_seq,
            bytes=size,
        )

    def relay_bundle(self, path: str | Path) -> BundleResponse:
        """Push a bundle file (this laptop's or another's) to the server; raises ``BundleError``
        for a file that is no bundle, ``SyncError`` for what the server refuses."""
        envelope = read_envelope(path)
        _device_id, token, url = self._credentials()
        content = envelope.model_dump_json().encode()
        response = self._request(
            "POST",
            url,
            BUNDLE_PATH,
            content=gzip.compress(content, compresslevel=1),
            headers={
                **self._auth_headers(token),
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            },
        )
        return BundleResponse.model_validate_json(response.content)


OPERATION_LOOKAHEAD = 50
"""How far past a full batch the client looks for a status change's operation record."""


def _operation_records_missing(rows: list[OutboxChange]) -> set[str]:
    wanted = {
        row.fields["operation_id"]
        for row in rows
        if row.entity == "households" and (row.fields or {}).get("operation_id")
    }
    present = {row.entity_id for row in rows if row.entity == "household_operations"}
    return wanted - present


def _complete_operations(session: Session, rows: list[OutboxChange]) -> None:
    """Extend a batch that ends between a status change and its operation record.

    The server judges a household's status change together with the operation that allows it
    (``sync.server.rules``); a batch cut between the two would get a lawful change refused.
    """
    missing = _operation_records_missing(rows)
    while missing and rows:
        more = list(
            session.scalars(
                select(OutboxChange)
                .where(
                    OutboxChange.state == "pending",
                    OutboxChange.device_seq > rows[-1].device_seq,
                )
                .order_by(OutboxChange.device_seq)
                .limit(OPERATION_LOOKAHEAD)
            )
        )
        if not more:
            return
        for row in more:
            rows.append(row)
            missing = _operation_records_missing(rows)
            if not missing:
                return


def _change_of(row: OutboxChange) -> Change:
    return Change(
        change_id=row.change_id,
        device_seq=row.device_seq,
        entity=row.entity,
        entity_id=row.entity_id,
        village_code=row.village_code,
        op=row.op,  # type: ignore[arg-type]
        base_version=row.base_version,
        fields=row.fields,
        edited_at=row.edited_at,
    )
