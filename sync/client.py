"""The laptop's side of sync: enroll once, then push the outbox and pull the assigned villages.

``SyncClient(db, base_url)`` works on an open laptop database (``desktop.store.db.open_database``)
and talks HTTP through httpx (an ``ssl`` context from ``ca_file`` for a county's own CA; a
``transport`` may be passed, e.g. to go through a proxy or to inject faults in tests).

- ``enroll(code)`` exchanges the one-time code (text ``FBE1:…`` or QR) for a device id and token
  and keeps them, the server's address, the assigned villages, the county's CA file (if one was
  given) and the laptop's Ed25519 signing key (for bundles) in the ``settings`` table; the county's
  card key from the server replaces the laptop's, so cards verify across laptops. The signing key
  is made and stored *before* the request, so a retry after a lost answer redeems the same code
  for the same device.
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
  is lost. The answers are recorded by a second thread while the next batch travels (one
  request in flight, so the server still sees the batches in order).
- ``pull()`` pages the feed of each assigned village from its ``SyncState.cursor``; each page is
  applied and the cursor advanced in one local transaction, so a pull killed halfway just runs
  again. Fields with unsent local edits are not overwritten (``sync.merge.fields_to_take``).
- ``export_bundle(path)`` writes the pending outbox as a signed bundle for a USB stick;
  ``relay_bundle(path)`` pushes a bundle another laptop exported (``sync.bundle``).
- ``conflicts()``, ``resolve(…)`` and ``report(kind)`` serve the township reviewer
  (``sync.conflicts`` builds the reviewer's screen on them).

Recording a batch's answers and applying a pulled page read the rows they touch up front (one
query per entity) and flush once; a page whose single flush hits a constraint error is applied
again change by change to name the change at fault.

Writes into the registry go through ``desktop.store.sync_apply`` (booked with the remote device as
actor and reason 同步). A request that cannot succeed by retrying raises ``SyncError`` with the
server's stable ``code`` and Chinese ``message``.
"""

from __future__ import annotations

import gzip
import json
import queue
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop.store.db import Database, registry_writer
from desktop.store.models import OutboxChange, Setting, Synced, SyncState, new_id, utcnow
from desktop.store.sync_apply import (
    SYNC_WRITER,
    household_id_of,
    local_versions,
    model_for,
    reindex,
    set_versions,
    write_remote_fields,
)
from sync.bundle import (
    BundleSummary,
    make_bundle,
    new_signing_key,
    public_key_of,
    read_envelope,
    write_bundle,
)
from sync.merge import fields_to_take, pull_is_news, version_after_pull, version_after_push
from sync.protocol import (
    BUNDLE_PATH,
    CONFLICTS_PATH,
    CONFLICTS_REPORT_PATH,
    DEFAULT_PULL_LIMIT,
    ENROLL_PATH,
    PROBLEMS_REPORT_PATH,
    PROGRESS_REPORT_PATH,
    PULL_PATH,
    PUSH_PATH,
    QUOTA_REPORT_PATH,
    RESOLVE_PATH,
    STATUS_PATH,
    BundleResponse,
    Change,
    ConflictItem,
    ConflictList,
    ConflictsReport,
    EnrollRequest,
    EnrollResponse,
    ErrorCode,
    ErrorResponse,
    ProblemsReport,
    ProgressReport,
    PullResponse,
    PushRequest,
    PushResponse,
    QuotaReport,
    ResolveRequest,
    ResolveResponse,
    StatusResponse,
    WireModel,
    decode_enrollment,
    error_message,
)
from sync.receipt import name_refusals

SETTING_DEVICE_ID = "sync.device_id"
SETTING_DEVICE_NAME = "sync.device_name"
SETTING_TOKEN = "sync.token"
SETTING_SERVER_URL = "sync.server_url"
SETTING_VILLAGES = "sync.villages"
SETTING_ROLE = "sync.role"
SETTING_CA_FILE = "sync.ca_file"
SETTING_SIGNING_KEY = "sync.signing_key"
SETTING_BUNDLE_KEY = "sync.server_bundle_key"
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

REPORTS: dict[str, tuple[str, type[WireModel]]] = {
    "progress": (PROGRESS_REPORT_PATH, ProgressReport),
    "quota": (QUOTA_REPORT_PATH, QuotaReport),
    "problems": (PROBLEMS_REPORT_PATH, ProblemsReport),
    "conflicts": (CONFLICTS_REPORT_PATH, ConflictsReport),
}
"""The county reports by name: path and answer model."""


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
    role: str = "field_worker"
    card_key_replaced: bool = False


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
            ca_file = self.ca_file or self._settings().get(SETTING_CA_FILE)
            if ca_file:
                try:
                    verify = ssl.create_default_context(cafile=ca_file)
                except (OSError, ssl.SSLError) as exc:
                    raise SyncError(
                        ErrorCode.NETWORK, f"无法读取县里的根证书文件 {ca_file}: {exc}"
                    ) from exc
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
            role=settings.get(SETTING_ROLE, "field_worker"),
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
        if self.ca_file:
            try:
                ssl.create_default_context(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise SyncError(
                    ErrorCode.NETWORK, f"无法读取县里的根证书文件 {self.ca_file}: {exc}"
                ) from exc
        with self.db.session() as session:
            first_pending = session.scalar(
                select(func.min(OutboxChange.device_seq)).where(OutboxChange.state == "pending")
            )
            last_seq = session.scalar(select(func.max(OutboxChange.device_seq))) or 0
            stored_key = session.get(Setting, SETTING_SIGNING_KEY)
            if stored_key is None:  # kept before asking, so a retry presents the same key
                stored_key = Setting(key=SETTING_SIGNING_KEY, value=new_signing_key())
                session.add(stored_key)
                session.commit()
            public_key = public_key_of(stored_key.value)
        request = EnrollRequest(
            code=raw_code,
            first_seq=first_pending or last_seq + 1,
            hostname=socket.gethostname()[:100] or None,
            public_key=public_key,
        )
        response = self._request(
            "POST",
            url,
            ENROLL_PATH,
            content=request.model_dump_json().encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = EnrollResponse.model_validate_json(response.content)
        replaced = False
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
                SETTING_ROLE: answer.role,
            }
            if answer.bundle_key:
                values[SETTING_BUNDLE_KEY] = answer.bundle_key
            if self.ca_file:
                values[SETTING_CA_FILE] = str(Path(self.ca_file).resolve())
            for key, value in values.items():
                session.merge(Setting(key=key, value=value))
            replaced = _take_county_keys(session, answer)
            session.commit()
        self.base_url = url
        return Enrollment(
            device_id=answer.device_id,
            name=answer.name,
            villages=answer.villages,
            server_url=url,
            role=answer.role,
            card_key_replaced=replaced,
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

        ``progress(done, total)`` is called after each batch is answered; ``cancel()`` is checked
        before each batch (a batch in flight is finished and recorded, never abandoned halfway).

        The answers are recorded by a second thread while the next batch is on its way (one
        request in flight at a time, so the server still receives the batches in order): the
        laptop's bookkeeping and the server's work overlap instead of taking turns. A batch
        whose answer is not yet recorded when the process dies is simply sent again next time.
        """
        device_id, token, url = self._credentials()
        receipt = Receipt()
        total = self.pending_count()
        recorder = _Recorder(self, receipt)
        last_seq = done = 0
        try:
            while recorder.error is None:
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
                recorder.put(answer, len(rows))
                done += len(rows)
                if progress is not None:
                    progress(done, max(total, done))
        finally:
            recorder.finish()
        if recorder.error is not None:
            raise recorder.error
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
            pending = _pending_by_entity(
                session, (rows[r.change_id].entity_id for r in with_fields)
            )
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
        """Apply one page and move the village's cursor, in one local transaction.

        The page's rows are read up front and flushed once; if that flush fails, the page is
        applied again change by change so the error names the feed entry at fault.
        """
        try:
            return self._apply_page_once(village, page, careful=False)
        except SQLAlchemyError:
            return self._apply_page_once(village, page, careful=True)

    def _apply_page_once(
        self, village: str, page: PullResponse, *, careful: bool
    ) -> tuple[int, int]:
        written = skipped = 0
        with (
            self.db.session() as session,
            registry_writer(session, SYNC_WRITER),
            session.no_autoflush,
        ):
            local = _LocalRows(session, ((c.entity, c.entity_id) for c in page.changes))
            pending = _pending_by_entity(session, (c.entity_id for c in page.changes))
            households: set[str] = set()
            for change in page.changes:
                model = model_for(change.entity)
                if model is None:  # an entity a newer server knows: nothing to write it into
                    skipped += 1
                    continue
                row = local.get(model, change.entity_id)
                local_version = row.version if row is not None else 0
                if row is not None and not pull_is_news(local_version, change.version):
                    skipped += 1
                    continue
                unsent = {
                    name for _seq, fields in pending.get(change.entity_id, ()) for name in fields
                }
                take = fields_to_take(change.fields, unsent)
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
                        flush=careful,
                        lookup=local.get,
                    )
                except (SQLAlchemyError, ValueError) as exc:
                    if not careful and isinstance(exc, SQLAlchemyError):
                        raise
                    raise SyncError(
                        ErrorCode.INTEGRITY,
                        f"{error_message(ErrorCode.INTEGRITY)}"
                        f"(第 {change.server_seq} 条: {change.entity} {change.entity_id})",
                        details={"server_seq": change.server_seq, "error": str(exc)[:300]},
                    ) from exc
                local.put(change.entity, change.entity_id, obj)
                household_id = household_id_of(session, obj, lookup=local.get)
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

    # --- the reviewer: conflicts and reports ---------------------------------------------------

    def conflicts(self, village: str | None = None, *, status: str = "open") -> list[ConflictItem]:
        """The conflicts of one assigned village, or of all of them, oldest first."""
        _device_id, token, url = self._credentials()
        villages = [village] if village else self.villages()
        items: list[ConflictItem] = []
        for code in villages:
            response = self._request(
                "GET",
                url,
                CONFLICTS_PATH,
                params={"village": code, "status": status},
                headers=self._auth_headers(token),
            )
            items.extend(ConflictList.model_validate_json(response.content).conflicts)
        return sorted(items, key=lambda item: item.id)

    def resolve(
        self, conflict_id: int, value: Any, change_id: str | None = None
    ) -> ResolveResponse:
        """Close a conflict whose chosen value the server already holds (``sync.conflicts``)."""
        _device_id, token, url = self._credentials()
        body = ResolveRequest(value=value, change_id=change_id)
        response = self._request(
            "POST",
            url,
            RESOLVE_PATH.format(conflict_id=conflict_id),
            content=json.dumps(body.model_dump(mode="json"), ensure_ascii=False).encode(),
            headers={**self._auth_headers(token), "Content-Type": "application/json"},
        )
        return ResolveResponse.model_validate_json(response.content)

    def report(self, kind: str, village: str | None = None) -> WireModel:
        """One county report (``progress``, ``quota``, ``problems``, ``conflicts``)."""
        if kind not in REPORTS:
            raise ValueError(f"unknown report {kind!r}; one of {', '.join(REPORTS)}")
        path, model = REPORTS[kind]
        _device_id, token, url = self._credentials()
        params = {"village": village} if village else None
        response = self._request("GET", url, path, params=params, headers=self._auth_headers(token))
        return model.model_validate_json(response.content)

    def villages(self) -> list[str]:
        """The villages this laptop was assigned (as last told by the server)."""
        return list(json.loads(self._settings().get(SETTING_VILLAGES, "[]")))

    def village_labels(self, codes: Iterable[str] | None = None) -> list[str]:
        """``code name`` of the assigned villages (or ``codes``), names from the local tree."""
        from desktop.store.models import Division

        wanted = list(self.villages() if codes is None else codes)
        with self.db.session() as session:
            names = dict(
                session.execute(
                    select(Division.code, Division.name).where(Division.code.in_(wanted))
                ).all()
            )
        return [f"{code} {names[code]}" if code in names else code for code in wanted]

    # --- bundles -----------------------------------------------------------------------------

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


class _Recorder:
    """Records a push's answers in order, in its own thread, while the next batch travels."""

    def __init__(self, client: SyncClient, receipt: Receipt) -> None:
        self.client = client
        self.receipt = receipt
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[PushResponse, int] | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="sync-recorder", daemon=True)
        self.thread.start()

    def put(self, answer: PushResponse, sent: int) -> None:
        self.queue.put((answer, sent))

    def finish(self) -> None:
        """Wait until every answer handed over is recorded."""
        self.queue.put(None)
        self.thread.join()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain: the push stops; what is not recorded is sent again next time
            answer, sent = item
            try:
                self.client._record(answer, self.receipt)
            except BaseException as exc:  # noqa: BLE001 - handed to the pushing thread
                self.error = exc
                continue
            self.receipt.batches += 1
            self.receipt.sent += sent


class _LocalRows:
    """Registry rows of one local transaction, read up front: one ``IN`` query per entity.

    Rows written in the transaction are kept too, so a later change finds a row created earlier
    in the same page before anything is flushed.
    """

    def __init__(self, session: Session, keys: Iterable[tuple[str, str]]) -> None:
        self.session = session
        self.rows: dict[tuple[str, str], Synced | None] = {}
        wanted: dict[str, set[str]] = defaultdict(set)
        for entity, entity_id in keys:
            if model_for(entity) is not None:
                wanted[entity].add(entity_id)
        for entity, ids in wanted.items():
            model = model_for(entity)
            assert model is not None
            ordered = sorted(ids)
            for key in ordered:
                self.rows[(entity, key)] = None
            for start in range(0, len(ordered), 500):
                chunk = ordered[start : start + 500]
                for row in session.scalars(select(model).where(model.id.in_(chunk))):
                    self.rows[(entity, row.id)] = row

    def get(self, model: type[Synced], entity_id: str) -> Any:
        key = (model.__tablename__, entity_id)
        if key not in self.rows:
            self.rows[key] = self.session.get(model, entity_id)
        return self.rows[key]

    def put(self, entity: str, entity_id: str, row: Synced) -> None:
        self.rows[(entity, entity_id)] = row


def _pending_by_entity(
    session: Session, entity_ids: Iterable[str]
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Unsent outbox changes (``(device_seq, fields)``) of the given records, read at once."""
    ids = sorted(set(entity_ids))
    out: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for entity_id, seq, fields in session.execute(
            select(OutboxChange.entity_id, OutboxChange.device_seq, OutboxChange.fields).where(
                OutboxChange.entity_id.in_(chunk), OutboxChange.state == "pending"
            )
        ):
            out[entity_id].append((seq, fields))
    return out


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


def _take_county_keys(session: Session, answer: EnrollResponse) -> bool:
    """Keep the county's card key and code the server handed out; ``True`` if the laptop had
    another card key before (cards it printed with that key no longer verify)."""
    from desktop.cards.keys import CARD_KEY, COUNTY_CODE, set_card_key
    from desktop.store.settings import get_setting, set_setting

    replaced = False
    if answer.card_key:
        before = get_setting(session, CARD_KEY)
        replaced = before is not None and before != answer.card_key
        set_card_key(session, answer.card_key)
    if answer.county_code:
        set_setting(session, COUNTY_CODE, answer.county_code)
    return replaced
