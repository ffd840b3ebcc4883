"""The laptop's side of sync: enroll once, then push the outbox and pull the assigned villages.

``SyncClient(db, base_url)`` works on an open laptop database (``desktop.store.db.open_database``)
and talks HTTP through httpx (an ``ssl`` context from ``ca_file`` for a county's own CA; a
``transport`` may be passed, e.g. to go through a proxy or to inject faults in tests).

- ``enroll(code)`` exchanges the one-time code (text ``FBE1:…`` or QR) for a device id and token
  and keeps them, the server's address and the assigned villages in the ``settings`` table.
- ``push()`` sends the pending outbox in ``device_seq`` order, ``batch_size`` changes a batch,
  gzip-compressed, each batch with a fresh ``batch_id`` as ``Idempotency-Key``. A network error,
  a 5xx or a 429 sends the *same* batch again after a backoff (``Retry-After`` honoured): the
  server answers changes it already has as ``duplicate``, so a resend is harmless. Each answer is
  recorded in one local transaction: outbox rows become ``acked``, ``conflict`` or ``refused``
  (a ``duplicate`` takes the state of its first answer), an ``applied`` change takes the server's
  new version (``sync.merge.version_after_push``), and the server's current values that differ
  from the change's (``server_fields``: after a conflict the server's value stands, the laptop's is
  kept on the server for the reviewer) are written locally unless a newer unsent edit of the field
  waits. A refused change keeps its value locally and is listed in the receipt, so nothing typed
  is lost.
- ``pull()`` pages the feed of each assigned village from its ``SyncState.cursor``; each page is
  applied and the cursor advanced in one local transaction, so a pull killed halfway just runs
  again. Fields with unsent local edits are not overwritten (``sync.merge.fields_to_take``).

Writes into the registry go through ``desktop.store.sync_apply`` (booked with the remote device as
actor and reason 同步). A request that cannot succeed by retrying raises ``SyncError`` with the
server's stable ``code`` and Chinese ``message``.
"""

from __future__ import annotations

import gzip
import json
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop.store.db import Database, registry_writer
from desktop.store.models import OutboxChange, Setting, SyncState, new_id, utcnow
from desktop.store.sync_apply import (
    SYNC_WRITER,
    household_id_of,
    model_for,
    reindex,
    set_version,
    write_remote_fields,
)
from sync.merge import fields_to_take, pull_is_news, version_after_pull, version_after_push
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    ENROLL_PATH,
    PULL_PATH,
    PUSH_PATH,
    STATUS_PATH,
    Change,
    EnrollRequest,
    EnrollResponse,
    ErrorCode,
    ErrorResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    StatusResponse,
    decode_enrollment,
    error_message,
)

SETTING_DEVICE_ID = "sync.device_id"
SETTING_DEVICE_NAME = "sync.device_name"
SETTING_TOKEN = "sync.token"
SETTING_SERVER_URL = "sync.server_url"
SETTING_VILLAGES = "sync.villages"
SERVER_ACTOR = "服务器"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0

STATE_BY_OUTCOME = {
    "applied": "acked",
    "merged": "acked",
    "conflict": "conflict",
    "refused": "refused",
}
"""What an outbox row becomes after the server's (first) answer."""

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class SyncError(Exception):
    """A sync request failed for good: ``code`` is stable, ``message`` is for the person."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        *,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message or error_message(code)
        self.status = status
        self.details = details or {}
        super().__init__(f"{code}: {self.message}")


@dataclass
class Enrollment:
    """What the laptop keeps after enrolling."""

    device_id: str
    name: str
    villages: list[str]
    server_url: str


@dataclass
class Refusal:
    """One change the server refused, for the worker's list."""

    change_id: str
    entity: str
    entity_id: str
    code: str | None
    message: str | None


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


@dataclass
class PullReceipt:
    """What one pull did: pages fetched, feed entries written, the cursor of each village."""

    pages: int = 0
    changes: int = 0
    skipped: int = 0
    cursors: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(when.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER)


def _error_from(response: httpx.Response) -> SyncError:
    try:
        body = ErrorResponse.model_validate_json(response.content)
    except ValidationError:
        code = (
            ErrorCode.INTERNAL_ERROR if response.status_code >= 500 else ErrorCode.INVALID_REQUEST
        )
        return SyncError(code, status=response.status_code)
    return SyncError(body.code, body.message, status=response.status_code, details=body.details)


class SyncClient:
    """Push and pull for one laptop database (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        base_url: str | None = None,
        *,
        ca_file: str | None = None,
        batch_size: int = 200,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        compression: str = "gzip",
    ) -> None:
        if compression not in ("gzip", "zstd", "identity"):
            raise ValueError(f"unknown compression {compression!r}")
        self.db = db
        self.base_url = base_url.rstrip("/") if base_url else None
        self.ca_file = ca_file
        self.batch_size = batch_size
        self.transport = transport
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.sleep = sleep
        self.compression = compression
        self._http: httpx.Client | None = None
        self._http_url: str | None = None

    # --- plumbing ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connection pool."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _client(self, url: str) -> httpx.Client:
        if self._http is None or self._http_url != url:
            self.close()
            verify: ssl.SSLContext | bool = True
            if self.ca_file:
                verify = ssl.create_default_context(cafile=self.ca_file)
            self._http = httpx.Client(
                base_url=url, verify=verify, transport=self.transport, timeout=self.timeout
            )
            self._http_url = url
        return self._http

    def _settings(self) -> dict[str, str]:
        with self.db.session() as session:
            rows = session.scalars(select(Setting).where(Setting.key.like("sync.%")))
            return {row.key: row.value for row in rows}

    def _server_url(self, settings: dict[str, str] | None = None) -> str:
        settings = self._settings() if settings is None else settings
        url = settings.get(SETTING_SERVER_URL) or self.base_url
        if not url:
            raise SyncError(ErrorCode.NOT_ENROLLED, "没有服务器地址,请先用登记码登记")
        return url

    def enrollment(self) -> Enrollment | None:
        """What this laptop enrolled as, or ``None`` before it enrolled."""
        settings = self._settings()
        if SETTING_TOKEN not in settings:
            return None
        return Enrollment(
            device_id=settings[SETTING_DEVICE_ID],
            name=settings.get(SETTING_DEVICE_NAME, ""),
            villages=json.loads(settings.get(SETTING_VILLAGES, "[]")),
            server_url=self._server_url(settings),
        )

    def _credentials(self) -> tuple[str, str, str]:
        settings = self._settings()
        if SETTING_TOKEN not in settings or SETTING_DEVICE_ID not in settings:
            raise SyncError(ErrorCode.NOT_ENROLLED)
        return settings[SETTING_DEVICE_ID], settings[SETTING_TOKEN], self._server_url(settings)

    def _request(
        self,
        method: str,
        url: str,
        path: str,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Send a request, retrying network errors, 5xx and 429 with backoff; raise ``SyncError``."""
        client = self._client(url)
        last_error: SyncError | None = None
        for attempt in range(self.max_attempts):
            try:
                response = client.request(
                    method, path, content=content, headers=headers, params=params
                )
            except httpx.TransportError as exc:
                last_error = SyncError(
                    ErrorCode.NETWORK, f"{error_message(ErrorCode.NETWORK)}({exc})"
                )
                delay = self.backoff * 2**attempt
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise _error_from(response)
                last_error = _error_from(response)
                retry_after = _retry_after(response)
                delay = retry_after if retry_after is not None else self.backoff * 2**attempt
            if attempt + 1 < self.max_attempts:
                self.sleep(delay)
        assert last_error is not None
        raise last_error

    def _auth_headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    # --- enrollment and status ----------------------------------------------------------------

    def enroll(self, code: str) -> Enrollment:
        """Exchange a one-time enrollment code (``FBE1:…`` text, or a bare code with ``base_url``)."""
        raw_code, url = decode_enrollment(code)
        url = (url or self.base_url or "").rstrip("/")
        if not url:
            raise SyncError(ErrorCode.ENROLLMENT_CODE_INVALID, "登记码中没有服务器地址")
        with self.db.session() as session:
            first_pending = session.scalar(
                select(func.min(OutboxChange.device_seq)).where(OutboxChange.state == "pending")
            )
            last_seq = session.scalar(select(func.max(OutboxChange.device_seq))) or 0
        request = EnrollRequest(
            code=raw_code,
            first_seq=first_pending or last_seq + 1,
            hostname=socket.gethostname()[:100] or None,
        )
        response = self._request(
            "POST",
            url,
            ENROLL_PATH,
            content=request.model_dump_json().encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = EnrollResponse.model_validate_json(response.content)
        with self.db.session() as session:
            previous = session.get(Setting, SETTING_SERVER_URL)
            if previous is not None and previous.value != url:
                # another server: its server_seq numbers mean nothing here
                for state in session.scalars(select(SyncState)):
                    state.cursor = 0
            values = {
                SETTING_DEVICE_ID: answer.device_id,
                SETTING_DEVICE_NAME: answer.name,
                SETTING_TOKEN: answer.token,
                SETTING_SERVER_URL: url,
                SETTING_VILLAGES: json.dumps(answer.villages, ensure_ascii=False),
            }
            for key, value in values.items():
                session.merge(Setting(key=key, value=value))
            session.commit()
        self.base_url = url
        return Enrollment(
            device_id=answer.device_id, name=answer.name, villages=answer.villages, server_url=url
        )

    def status(self) -> StatusResponse:
        """The server's view of this laptop (and stores the villages it assigns now)."""
        _device_id, token, url = self._credentials()
        response = self._request("GET", url, STATUS_PATH, headers=self._auth_headers(token))
        status = StatusResponse.model_validate_json(response.content)
        with self.db.session() as session:
            session.merge(
                Setting(key=SETTING_VILLAGES, value=json.dumps(status.villages, ensure_ascii=False))
            )
            session.commit()
        return status

    # --- push ----------------------------------------------------------------------------------

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

        ``progress(done, total)`` is called after each batch; ``cancel()`` is checked before each
        batch (a batch in flight is finished and recorded, never abandoned halfway).
        """
        device_id, token, url = self._credentials()
        receipt = Receipt()
        total = self.pending_count()
        done = 0
        while True:
            if cancel is not None and cancel():
                receipt.cancelled = True
                break
            with self.db.session() as session:
                rows = list(
                    session.scalars(
                        select(OutboxChange)
                        .where(OutboxChange.state == "pending")
                        .order_by(OutboxChange.device_seq)
                        .limit(self.batch_size)
                    )
                )
            if not rows:
                break
            request = PushRequest(
                device_id=device_id,
                batch_id=new_id(),
                first_seq=rows[0].device_seq,
                changes=[
                    Change(
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
                    for row in rows
                ],
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
            self._record(answer, receipt)
            receipt.batches += 1
            receipt.sent += len(rows)
            done += len(rows)
            if progress is not None:
                progress(done, max(total, done))
        return receipt

    def _record(self, answer: PushResponse, receipt: Receipt) -> None:
        """Record a batch's answers in one local transaction."""
        with self.db.session() as session, registry_writer(session, SYNC_WRITER):
            ids = [result.change_id for result in answer.results]
            rows = {
                row.change_id: row
                for row in session.scalars(
                    select(OutboxChange).where(OutboxChange.change_id.in_(ids))
                )
            }
            for result in answer.results:
                row = rows.get(result.change_id)
                if row is None:
                    continue
                outcome = result.first_outcome if result.outcome == "duplicate" else result.outcome
                if outcome is None or outcome == "duplicate":
                    outcome = "applied"
                row.state = STATE_BY_OUTCOME[outcome]
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
                model = model_for(row.entity)
                obj = session.get(model, row.entity_id) if model is not None else None
                if obj is None:  # nothing local to update (never expected: the change is ours)
                    continue
                new_version = version_after_push(
                    obj.version,
                    base_version=row.base_version,
                    outcome=outcome,
                    result_version=result.version,
                )
                if new_version != obj.version:
                    set_version(session, row.entity, row.entity_id, new_version)
                if result.server_fields:
                    pending = _pending_fields(session, row.entity_id, after_seq=row.device_seq)
                    take = fields_to_take(result.server_fields, pending)
                    if take:
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
                        )
            session.commit()

    # --- pull ----------------------------------------------------------------------------------

    def pull(
        self,
        progress: Callable[[str, int], None] | None = None,
        cancel: Cancel | None = None,
        *,
        limit: int = DEFAULT_PULL_LIMIT,
    ) -> PullReceipt:
        """Fetch and apply the feed of every assigned village; see the module docstring.

        ``progress(village, cursor)`` is called after each page; ``cancel()`` before each page.
        """
        _device_id, token, url = self._credentials()
        villages = json.loads(self._settings().get(SETTING_VILLAGES, "[]"))
        receipt = PullReceipt()
        for village in villages:
            with self.db.session() as session:
                state = session.get(SyncState, village)
                cursor = state.cursor if state is not None else 0
            while True:
                if cancel is not None and cancel():
                    receipt.cancelled = True
                    return receipt
                response = self._request(
                    "GET",
                    url,
                    PULL_PATH,
                    params={"village": village, "since": cursor, "limit": limit},
                    headers=self._auth_headers(token),
                )
                page = PullResponse.model_validate_json(response.content)
                written, skipped = self._apply_page(village, page)
                receipt.pages += 1
                receipt.changes += written
                receipt.skipped += skipped
                cursor = page.next_since
                receipt.cursors[village] = cursor
                if progress is not None:
                    progress(village, cursor)
                if not page.has_more:
                    break
        return receipt

    def _apply_page(self, village: str, page: PullResponse) -> tuple[int, int]:
        """Apply one page and move the village's cursor, in one local transaction."""
        written = skipped = 0
        with self.db.session() as session, registry_writer(session, SYNC_WRITER):
            households: set[str] = set()
            for change in page.changes:
                model = model_for(change.entity)
                if model is None:  # an entity a newer server knows: nothing to write it into
                    skipped += 1
                    continue
                row = session.get(model, change.entity_id)
                local_version = row.version if row is not None else 0
                if row is not None and not pull_is_news(local_version, change.version):
                    skipped += 1
                    continue
                take = fields_to_take(change.fields, _pending_fields(session, change.entity_id))
                try:
                    obj = write_remote_fields(
                        session,
                        change.entity,
                        change.entity_id,
                        take,
                        version=version_after_pull(local_version, change.version),
                        actor=change.origin or SERVER_ACTOR,
                        change_id=change.change_id,
                        row=row,
                        looked_up=True,
                    )
                except (SQLAlchemyError, ValueError) as exc:
                    raise SyncError(
                        ErrorCode.INTEGRITY,
                        f"{error_message(ErrorCode.INTEGRITY)}"
                        f"(第 {change.server_seq} 条: {change.entity} {change.entity_id})",
                        details={"server_seq": change.server_seq, "error": str(exc)[:300]},
                    ) from exc
                household_id = household_id_of(session, obj)
                if household_id:
                    households.add(household_id)
                written += 1
            state = session.get(SyncState, village)
            if state is None:
                state = SyncState(village_code=village, cursor=0)
                session.add(state)
            state.cursor = max(state.cursor or 0, page.next_since)
            state.pulled_at = utcnow()
            session.flush()
            reindex(session, households)
            session.commit()
        return written, skipped

    def sync(
        self, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> tuple[Receipt, PullReceipt]:
        """Push, then pull: the end-of-day routine at the township office."""
        receipt = self.push(progress=progress, cancel=cancel)
        pulled = self.pull(cancel=cancel)
        return receipt, pulled


def _pending_fields(session: Session, entity_id: str, *, after_seq: int = 0) -> set[str]:
    """Fields of a record that have unsent local edits (outbox rows still pending)."""
    names: set[str] = set()
    rows = session.scalars(
        select(OutboxChange.fields).where(
            OutboxChange.entity_id == entity_id,
            OutboxChange.state == "pending",
            OutboxChange.device_seq > after_seq,
        )
    )
    for fields in rows:
        names.update(fields)
    return names
