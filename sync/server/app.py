"""The sync server: a FastAPI app on the registry schema plus the server's tables.

``create_app(database_url)`` opens (and migrates) the database and serves, under ``/v1``:

- ``POST /v1/sync/push``   a batch of one device's changes (Bearer token, ``Idempotency-Key`` =
  ``batch_id``, body gzip/zstd/plain JSON); one answer per change (see ``sync.server.push``);
- ``GET  /v1/sync/pull``   the change feed of one assigned village after ``since``, oldest first,
  tombstones included;
- ``GET  /v1/sync/snapshot`` one assigned village's rows in keyset pages, parents first, with the
  feed cursor to pull from afterwards (``sync.server.snapshot``; a laptop provisioned from nothing);
- ``GET  /v1/sync/status`` the device's villages and acknowledged seq, server time, protocol;
- ``POST /v1/enroll``      a one-time enrollment code for a device id, token, and the county's
  card key (safe to retry with the same public key);
- ``POST /v1/sync/bundle`` a bundle another laptop signed (relayed by this one), applied as a push
  of the signing device (``sync.server.bundles``);
- ``GET  /v1/conflicts``   the conflicts of one assigned village;
- ``POST /v1/conflicts/{id}/resolve`` a reviewer's decision, once its value is on the server;
- ``GET  /v1/reports/progress|quota|problems|conflicts`` county reports over the device's
  villages, for reviewers and administrators (``sync.server.reports``);
- ``GET  /openapi.json``   the published schema (FastAPI's default).

Pushes of one county are applied one at a time, so ``server_seq`` values commit in the order
they were taken and a pull cursor never steps over a row that commits later; pushes of different
counties run at once on PostgreSQL (each locks its counties' feed counter rows,
``sync.server.feed``, across every server process). The other writes (enrollment, resolutions,
the staff's pages) take a process-wide lock and ``sync.server.db.writer_session``'s exclusive
lock; on SQLite every write has the database's one write lock. A write that waits longer than
``PUSH_LOCK_TIMEOUT`` seconds answers 503 with ``Retry-After``.

Every 4xx/5xx answer is an ``ErrorResponse`` ``{code, message, details}``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
import time
import traceback
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path as Path_
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.settings_registry import server_settings
from sync.protocol import (
    BUNDLE_PATH,
    CONFLICTS_PATH,
    CONFLICTS_REPORT_PATH,
    DEFAULT_PULL_LIMIT,
    ENROLL_PATH,
    MAX_PULL_LIMIT,
    MAX_SINCE,
    PROBLEMS_REPORT_PATH,
    PROGRESS_REPORT_PATH,
    PROTOCOL_VERSION,
    PULL_PATH,
    PUSH_PATH,
    QUOTA_REPORT_PATH,
    RESOLVE_PATH,
    STATUS_PATH,
    BundleEnvelope,
    BundleResponse,
    ConflictList,
    ConflictsReport,
    EnrollRequest,
    EnrollResponse,
    ErrorCode,
    FeedChange,
    ProblemsReport,
    ProgressReport,
    PullResponse,
    PushRequest,
    PushResponse,
    QuotaReport,
    ResolveRequest,
    ResolveResponse,
    StatusResponse,
)
from sync.server import reports
from sync.server.bundles import import_bundle
from sync.server.db import WriterBusy, open_server_database, writer_session
from sync.server.devices import (
    REVIEW_ROLES,
    authenticate,
    redeem_enrollment_code,
    require_role,
    touch,
)
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.keys import county_keys
from sync.server.models import ChangeLogEntry, Conflict, Device
from sync.server.push import ingest_batch
from sync.server.resolve import resolve_conflict
from sync.server.snapshot import mount_snapshot, visible_feed

SETTINGS = server_settings()  # desktop.settings_registry: defaults and FIELDBOOK_SERVER_* overrides
MAX_BODY_BYTES = SETTINGS.max_body_bytes
"""A request body may be at most this large after decompression (guards against zip bombs)."""
PUSH_LOCK_TIMEOUT = SETTINGS.push_lock_timeout
MAX_WAITING_WRITERS = SETTINGS.max_waiting_writers
"""Writes that may wait for the one writer at once; more answer 429 (the threadpool has 40
threads, so at least 24 are left for pulls, status and reports)."""
RETRY_AFTER_SECONDS = SETTINGS.retry_after_seconds
VillageFilter = Annotated[str | None, Query(min_length=1, max_length=20)]
"""An optional ``village`` of a report: one of the device's villages (default: all of them)."""


# --- request bodies: gzip / zstd ------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def _decompress(encoding: str, body: bytes, limit: int) -> bytes:
    if encoding == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = inflater.decompress(body, limit + 1)
        if len(data) > limit:
            raise _TooLarge
        if not inflater.eof:
            raise ValueError("truncated gzip stream")
        return data
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(body)) as reader:
        data = reader.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge
    return data


AUTHENTICATED_BODIES = (PUSH_PATH, BUNDLE_PATH, f"{CONFLICTS_PATH}/")
"""Paths whose body is read only after the device's token checks out (a stranger's 300 MB body
is never read, let alone parsed)."""


class BoundedRequestBody:
    """ASGI middleware: every request body is read at most ``max_bytes`` (as sent, and again after
    decompression), counted while it streams in, whether or not a Content-Length says how much
    comes (a chunked body too); a body sent with ``Content-Encoding: gzip`` or ``zstd`` is
    decompressed before FastAPI reads it; other encodings answer 415. On the paths that need a
    device (``AUTHENTICATED_BODIES``) the token is checked (``check_token``) before a byte of
    the body is read."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        check_token: Callable[[str | None], None] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.check_token = check_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.check_token is not None and scope["path"].startswith(AUTHENTICATED_BODIES):
            try:
                await run_in_threadpool(self.check_token, headers.get("authorization"))
            except ApiError as error:
                await self._error(scope, receive, send, error)
                return
        encoding = headers.get("content-encoding", "identity").strip().lower()
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            await self._error(scope, receive, send, ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE))
            return
        if encoding not in ("", "identity", "gzip", "zstd"):
            await self._error(
                scope, receive, send, ApiError(415, ErrorCode.UNSUPPORTED_ENCODING, encoding[:20])
            )
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._error(scope, receive, send, ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks
        if encoding in ("gzip", "zstd"):
            try:
                body = _decompress(encoding, body, self.max_bytes)
            except _TooLarge:
                await self._error(scope, receive, send, ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE))
                return
            except Exception:
                await self._error(
                    scope, receive, send, ApiError(400, ErrorCode.BAD_ENCODING, encoding)
                )
                return
        raw_headers = [
            (key, value)
            for key, value in scope["headers"]
            if key.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ]
        raw_headers.append((b"content-length", str(len(body)).encode()))
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": raw_headers}, replay, send)

    @staticmethod
    async def _error(scope: Scope, receive: Receive, send: Send, error: ApiError) -> None:
        response = JSONResponse(error.body(), status_code=error.status, headers=error.headers)
        await response(scope, receive, send)


DecompressRequestBody = BoundedRequestBody  # the name earlier releases used


# --- a small rate limit ----------------------------------------------------------------------------

ENROLL_ATTEMPTS = SETTINGS.enroll_attempts
ENROLL_WINDOW_SECONDS = SETTINGS.enroll_window_seconds


class RateLimiter:
    """At most ``limit`` hits per key in any ``window`` seconds (in this process's memory)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def wait(self, key: str) -> float | None:
        """``None`` when a hit would be allowed now, else the seconds until it would be."""
        now = self.clock()
        with self.lock:
            times = self.hits.get(key)
            while times and times[0] <= now - self.window:
                times.popleft()
            if times and len(times) >= self.limit:
                return times[0] + self.window - now
            return None

    def hit(self, key: str) -> float | None:
        """Count a hit; ``None`` when it is allowed, else the seconds until one would be."""
        now = self.clock()
        with self.lock:
            if len(self.hits) > 10_000:  # forget idle keys rather than grow without bound
                self.hits = {k: v for k, v in self.hits.items() if v and v[-1] > now - self.window}
            times = self.hits.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return times[0] + self.window - now
            times.append(now)
            return None


# --- errors without personal data --------------------------------------------------------------

log = logging.getLogger("fieldbook.server")


def describe_failure(exc: BaseException) -> str:
    """An exception as exception types and code locations only: never its message, which may
    quote the values a request carried (SQL parameters, a constraint's key, an ID number)."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)[-3:]
        where = " < ".join(
            f"{Path_(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames)
        )
        parts.append(f"{type(current).__module__}.{type(current).__qualname__} at {where}")
        current = current.__cause__ or current.__context__
    return " | caused by ".join(parts)


class ScrubbedErrors:
    """ASGI middleware: an unexpected exception answers 500 ``INTERNAL_ERROR`` and is logged as
    types and locations (``describe_failure``), never re-raised for the ASGI server to print
    with its message and SQL parameters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:  # noqa: BLE001 - the one place every failure ends up
            log.error("500 %s %s: %s", scope["method"], scope["path"], describe_failure(exc))
            if not started:
                error = ApiError(500, ErrorCode.INTERNAL_ERROR)
                await JSONResponse(error.body(), status_code=500)(scope, receive, send)


# --- strict JSON ----------------------------------------------------------------------------------

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


MAX_JSON_DEPTH = SETTINGS.max_json_depth
"""No request nests deeper than this (a push's fields hold flat values and code lists)."""


def _check_tree(value: Any, *, text: bool) -> None:
    """Raise ``ValueError`` for nesting deeper than ``MAX_JSON_DEPTH`` and, with ``text``, for a
    lone surrogate in any string (iteratively: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if text:
                item.encode("utf-8")  # UnicodeEncodeError is a ValueError
            continue
        if isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise ValueError("JSON nested too deeply")
            if isinstance(item, dict):
                stack.extend((key, depth + 1) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


def strict_json(body: bytes) -> Any:
    """JSON as RFC 8259 has it: no NaN or Infinity, no lone surrogates, nesting at most
    ``MAX_JSON_DEPTH``; anything else raises ``ValueError``."""
    try:
        value = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    # a lone surrogate can only come in escaped: look for one only when an escape is there
    _check_tree(value, text=_SURROGATE_ESCAPE.search(body) is not None)
    return value


class StrictJSONRequest(Request):
    """A request whose ``json()`` is ``strict_json``: FastAPI answers its ``ValueError`` with 400."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """Every route reads its JSON body with ``StrictJSONRequest``."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Any:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict


# --- the app ---------------------------------------------------------------------------------------


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": str(e.get("msg")),
            "type": e.get("type"),
        }
        for e in errors
    ]


def create_app(
    database_url: str,
    *,
    push_lock_timeout: float = PUSH_LOCK_TIMEOUT,
    migrate: bool = True,
    max_waiting_writers: int = MAX_WAITING_WRITERS,
) -> FastAPI:
    """The sync server on ``database_url`` (SQLite or PostgreSQL), migrated on start (under
    the migration lock) unless ``migrate`` is false: then a database that is not at this
    release's schema raises ``sync.server.db.SchemaMismatch`` (``fieldbook-server serve``).

    ``app.state.push_lock_timeout`` is how long a write waits for the one writer before it
    answers 503 with ``Retry-After`` (``app.state.push_lock`` is that writer's lock).
    """
    database = open_server_database(database_url, migrate=migrate)
    push_lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="Fieldbook sync server",
        version=f"{PROTOCOL_VERSION}",
        description="建档立卡动态管理: laptops push their outbox and pull their villages' feed.",
        lifespan=lifespan,
    )
    app.router.route_class = StrictJSONRoute
    app.state.database = database
    app.state.push_lock = push_lock
    app.state.push_lock_timeout = push_lock_timeout
    app.state.max_waiting_writers = max_waiting_writers

    def check_token(authorization: str | None) -> None:
        with database.session() as session:
            authenticate(session, authorization)

    app.add_middleware(BoundedRequestBody, check_token=check_token)
    # answers of a few hundred changes compress 5-10x; small ones are not worth it
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(ScrubbedErrors)  # outermost of ours: sees every failure

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        error = ApiError(
            422,
            ErrorCode.INVALID_REQUEST,
            details={"errors": _validation_details(list(exc.errors()))},
        )
        return JSONResponse(error.body(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
            exc.status_code, ErrorCode.INVALID_REQUEST
        )
        error = ApiError(exc.status_code, code)
        return JSONResponse(error.body(), status_code=exc.status_code, headers=exc.headers)

    def device_session(authorization: str | None, work: Callable[[Session, Device], Any]) -> Any:
        """Run a read-only ``work`` for the authenticated device (reads never take the writer)."""
        with database.session() as session:
            device = authenticate(session, authorization)
            return work(session, device)

    def busy() -> ApiError:
        return ApiError(
            503, ErrorCode.SERVER_BUSY, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )

    queue_lock = threading.Lock()
    app.state.writers_waiting = 0

    @contextmanager
    def the_writer(*, per_county: bool = False) -> Iterator[Session]:
        """A writer's session (503 with Retry-After when its lock cannot be had in time).

        ``per_county`` (pushes, bundles) on PostgreSQL: no process lock; the push waits only
        for its own counties' pushes, at their feed counter rows (``sync.server.feed``).
        Otherwise the process's one writer lock, then ``writer_session``'s exclusive lock.

        Admission control: when ``app.state.max_waiting_writers`` requests already wait for a
        writer's lock (per-county pushes: wait or write), the next one answers 429 with
        Retry-After at once instead of taking a worker thread to wait in, so the threads that
        serve pulls and status are never all waiting behind pushes (the client backs off and
        sends the same batch again)."""
        parallel = per_county and not database.is_sqlite
        with queue_lock:
            if app.state.writers_waiting >= app.state.max_waiting_writers:
                raise ApiError(
                    429, ErrorCode.SERVER_BUSY, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
                )
            app.state.writers_waiting += 1
        queued = True

        def leave_queue() -> None:
            nonlocal queued
            if queued:
                with queue_lock:
                    app.state.writers_waiting -= 1
                queued = False

        try:
            if not parallel:
                try:
                    acquired = push_lock.acquire(timeout=app.state.push_lock_timeout)
                finally:
                    leave_queue()
                if not acquired:
                    raise busy()
            try:
                with writer_session(
                    database, timeout=app.state.push_lock_timeout, per_county=parallel
                ) as session:
                    yield session
            except WriterBusy as exc:
                raise busy() from exc
            finally:
                if not parallel:
                    push_lock.release()
        finally:
            leave_queue()

    def assigned(device: Device, village: str) -> None:
        if village not in device.villages:
            raise ApiError(
                403, ErrorCode.VILLAGE_NOT_ASSIGNED, village, details={"village": village}
            )

    def villages_asked(device: Device, village: str | None) -> list[str]:
        if village is None:
            return list(device.villages)
        assigned(device, village)
        return [village]

    @app.post(
        PUSH_PATH,
        response_model=PushResponse,
        response_model_exclude_defaults=True,
        responses=ERROR_RESPONSES,
        tags=["sync"],
    )
    def push(
        payload: PushRequest,
        authorization: Annotated[str | None, Header()] = None,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> PushResponse:
        """Apply a batch of one device's consecutive changes; one answer per change."""
        if idempotency_key is not None and idempotency_key != payload.batch_id:
            raise ApiError(400, ErrorCode.IDEMPOTENCY_KEY_MISMATCH)
        with the_writer(per_county=True) as session:
            device = authenticate(session, authorization)
            if payload.device_id != device.device_id:
                raise ApiError(403, ErrorCode.DEVICE_MISMATCH)
            response = ingest_batch(session, device, payload)  # locks the device's counties
            touch(device)
            session.commit()
            return response

    @app.post(BUNDLE_PATH, response_model=BundleResponse, responses=ERROR_RESPONSES, tags=["sync"])
    def bundle(
        payload: BundleEnvelope, authorization: Annotated[str | None, Header()] = None
    ) -> BundleResponse:
        """Apply a bundle signed by another (or this) device, relayed by the calling device."""
        with database.session() as session:
            authenticate(session, authorization)  # any enrolled device may relay a bundle
        return import_bundle(database, payload, lambda: the_writer(per_county=True))

    @app.get(
        PULL_PATH,
        response_model=PullResponse,
        response_model_exclude_defaults=True,
        responses=ERROR_RESPONSES,
        tags=["sync"],
    )
    def pull(
        village: Annotated[str, Query(min_length=1, max_length=20)],
        since: Annotated[int, Query(ge=0, le=MAX_SINCE)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
        authorization: Annotated[str | None, Header()] = None,
    ) -> PullResponse:
        """The feed of one assigned village after ``since``, oldest first, tombstones included."""

        def work(session: Session, device: Device) -> PullResponse:
            assigned(device, village)
            rows = list(
                session.scalars(
                    select(ChangeLogEntry)
                    .where(
                        ChangeLogEntry.village_code == village, ChangeLogEntry.server_seq > since
                    )
                    .order_by(ChangeLogEntry.server_seq)
                    .limit(limit + 1)
                )
            )
            page = rows[:limit]
            return PullResponse(
                changes=[
                    FeedChange(
                        server_seq=row.server_seq,
                        change_id=row.change_id,
                        entity=row.entity,
                        entity_id=row.entity_id,
                        village_code=row.village_code,
                        version=row.version,
                        op=row.op,  # type: ignore[arg-type]
                        fields=fields,
                        deleted=row.deleted,
                        origin=row.origin,
                        edited_at=row.edited_at,
                    )
                    # a field worker's device never receives the internal lists (Q6)
                    for row, fields in visible_feed(session, device, page)
                ],
                next_since=page[-1].server_seq if page else since,
                has_more=len(rows) > limit,
            )

        return device_session(authorization, work)

    mount_snapshot(app, device_session)  # GET /v1/sync/snapshot (sync.server.snapshot)

    @app.get(STATUS_PATH, response_model=StatusResponse, responses=ERROR_RESPONSES, tags=["sync"])
    def status(authorization: Annotated[str | None, Header()] = None) -> StatusResponse:
        """What the server knows of this device, the server's time and protocol."""

        def work(_session: Session, device: Device) -> StatusResponse:
            return StatusResponse(
                server_time=datetime.now(UTC),
                device_id=device.device_id,
                device_name=device.name,
                villages=list(device.villages),
                last_acked_seq=device.last_acked_seq,
            )

        return device_session(authorization, work)

    enroll_limiter = RateLimiter(ENROLL_ATTEMPTS, ENROLL_WINDOW_SECONDS)
    enroll_failures = RateLimiter(ENROLL_ATTEMPTS, ENROLL_WINDOW_SECONDS)
    app.state.enroll_limiters = (enroll_limiter, enroll_failures)

    @app.post(
        ENROLL_PATH, response_model=EnrollResponse, responses=ERROR_RESPONSES, tags=["devices"]
    )
    def enroll(payload: EnrollRequest, request: Request) -> EnrollResponse:
        """Exchange a one-time enrollment code for a device id and token (the token is shown once)."""
        # codes are guessed no faster than this per client (failed attempts count), and a code is
        # redeemed (a retry after a lost answer) no more often than this
        client = f"ip:{request.client.host if request.client else '?'}"
        code_key = hashlib.sha256(payload.code.encode("utf-8", "surrogatepass")).hexdigest()
        wait = enroll_failures.wait(client) or enroll_limiter.hit(f"code:{code_key}")
        if wait is not None:
            raise ApiError(429, ErrorCode.SERVER_BUSY, headers={"Retry-After": str(int(wait) + 1)})
        try:
            return _enroll(payload)
        except ApiError:
            enroll_failures.hit(client)
            raise

    def _enroll(payload: EnrollRequest) -> EnrollResponse:
        with the_writer() as session:
            keys = county_keys(session)
            enrolled = redeem_enrollment_code(
                session,
                payload.code,
                first_seq=payload.first_seq,
                hostname=payload.hostname,
                public_key=payload.public_key,
            )
            return EnrollResponse(
                device_id=enrolled.device.device_id,
                token=enrolled.token,
                name=enrolled.device.name,
                villages=list(enrolled.device.villages),
                server_time=datetime.now(UTC),
                role=enrolled.device.role,
                card_key=keys.card_key,
                county_code=keys.county_code,
                bundle_key=keys.bundle_key,
            )

    @app.get(
        CONFLICTS_PATH, response_model=ConflictList, responses=ERROR_RESPONSES, tags=["review"]
    )
    def conflicts(
        village: Annotated[str, Query(min_length=1, max_length=20)],
        status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = "open",
        authorization: Annotated[str | None, Header()] = None,
    ) -> ConflictList:
        """The conflicts of one assigned village (open ones by default), oldest first."""

        def work(session: Session, device: Device) -> ConflictList:
            assigned(device, village)
            query = select(Conflict).where(Conflict.village_code == village).order_by(Conflict.id)
            if status is not None:
                query = query.where(Conflict.status == status)
            return ConflictList(
                conflicts=reports.conflict_items(session, list(session.scalars(query)))
            )

        return device_session(authorization, work)

    @app.post(
        RESOLVE_PATH, response_model=ResolveResponse, responses=ERROR_RESPONSES, tags=["review"]
    )
    def resolve(
        conflict_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        payload: Annotated[ResolveRequest, Body()],
        authorization: Annotated[str | None, Header()] = None,
    ) -> ResolveResponse:
        """Close a conflict (and every open one on the same field) once the server holds the
        chosen value: the reviewer's laptop pushes it first as an ordinary change."""
        with the_writer() as session:
            device = authenticate(session, authorization)
            require_role(device, *REVIEW_ROLES)
            response = resolve_conflict(session, device, conflict_id, payload)
            session.commit()
            return response

    def report(authorization: str | None, village: str | None, make: Callable[..., Any]) -> Any:
        def work(session: Session, device: Device) -> Any:
            require_role(device, *REVIEW_ROLES)
            return make(session, villages_asked(device, village))

        return device_session(authorization, work)

    @app.get(
        PROGRESS_REPORT_PATH,
        response_model=ProgressReport,
        responses=ERROR_RESPONSES,
        tags=["reports"],
    )
    def progress_report(
        village: VillageFilter = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> ProgressReport:
        """Progress per village: households, visited, changed, synced (reviewers, admins)."""
        return report(authorization, village, reports.progress_report)

    @app.get(
        QUOTA_REPORT_PATH, response_model=QuotaReport, responses=ERROR_RESPONSES, tags=["reports"]
    )
    def quota_report(
        authorization: Annotated[str | None, Header()] = None,
    ) -> QuotaReport:
        """The marginal-and-monitored quota of the device's counties (internal, Q6)."""
        return report(authorization, None, reports.quota_report_for)

    @app.get(
        PROBLEMS_REPORT_PATH,
        response_model=ProblemsReport,
        responses=ERROR_RESPONSES,
        tags=["reports"],
    )
    def problems_report(
        village: VillageFilter = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> ProblemsReport:
        """Open problems: the data-quality audit per village (reviewers, admins)."""
        return report(authorization, village, reports.problems_report)

    @app.get(
        CONFLICTS_REPORT_PATH,
        response_model=ConflictsReport,
        responses=ERROR_RESPONSES,
        tags=["reports"],
    )
    def conflicts_report(
        village: VillageFilter = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> ConflictsReport:
        """Open conflicts per village, with who and when (reviewers, admins)."""
        return report(authorization, village, reports.conflicts_report)

    from sync.server.web import mount_web  # the staff's web pages (sync/server/web)

    mount_web(app)
    return app


def app_from_environment() -> FastAPI:
    """The app on ``$FIELDBOOK_SERVER_DB``, not migrating (``fieldbook-server serve --workers N``
    checked the schema before it started the workers)."""
    import os

    return create_app(os.environ["FIELDBOOK_SERVER_DB"], migrate=False)
