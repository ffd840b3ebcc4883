"""The sync server: a FastAPI app on the registry schema plus the server's tables.

``create_app(database_url)`` opens (and migrates) the database and serves, under ``/v1``:

- ``POST /v1/sync/push``   a batch of one device's changes (Bearer token, ``Idempotency-Key`` =
  ``batch_id``, body gzip/zstd/plain JSON); one answer per change (see ``sync.server.push``);
- ``GET  /v1/sync/pull``   the change feed of one assigned village after ``since``, oldest first,
  tombstones included;
- ``GET  /v1/sync/status`` the device's villages and acknowledged seq, server time, protocol;
- ``POST /v1/enroll``      a one-time enrollment code for a device id and token;
- ``GET  /v1/conflicts``   the conflicts of one assigned village for the reviewer;
- ``GET  /openapi.json``   the published schema (FastAPI's default).

Pushes are applied one at a time (one writer), so ``server_seq`` values commit in the order they
were taken and a pull cursor never steps over a row that commits later: a process-wide lock, and
on PostgreSQL also a transaction-level advisory lock (``pg_advisory_xact_lock``) so that several
server processes on one database serialize too. A push that waits longer than
``PUSH_LOCK_TIMEOUT`` seconds answers 503 with ``Retry-After``. A SQLite server is one process.

Every 4xx/5xx answer is an ``ErrorResponse`` ``{code, message, details}``.
"""

from __future__ import annotations

import io
import threading
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desktop.store.db import Database
from sync.protocol import (
    CONFLICTS_PATH,
    DEFAULT_PULL_LIMIT,
    ENROLL_PATH,
    MAX_PULL_LIMIT,
    PROTOCOL_VERSION,
    PULL_PATH,
    PUSH_PATH,
    STATUS_PATH,
    ConflictItem,
    ConflictList,
    EnrollRequest,
    EnrollResponse,
    ErrorCode,
    FeedChange,
    PullResponse,
    PushRequest,
    PushResponse,
    StatusResponse,
)
from sync.server.db import open_server_database
from sync.server.devices import authenticate, redeem_enrollment_code, touch
from sync.server.errors import ERROR_RESPONSES, ApiError
from sync.server.models import ChangeLogEntry, Conflict, Device
from sync.server.push import ingest_batch

MAX_BODY_BYTES = 32 * 1024 * 1024
"""A request body may be at most this large after decompression (guards against zip bombs)."""
PUSH_LOCK_TIMEOUT = 30.0
PUSH_ADVISORY_LOCK_KEY = 0x46425F50555348  # "FB_PUSH"
RETRY_AFTER_SECONDS = 5


def _real_sqlite_transactions(database: Database) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so savepoints nest properly.

    Python's sqlite3 (3.11) begins a transaction only at the first write; a savepoint taken before
    that would start and, on release, commit a transaction of its own, and a batch would no longer
    be all-or-nothing. This is SQLAlchemy's documented pysqlite recipe.
    """
    if not database.is_sqlite:
        return

    @event.listens_for(database.engine, "connect")
    def _autocommit_driver(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(database.engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")

    database.engine.dispose()  # connections opened by the migrations predate the listeners


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


class DecompressRequestBody:
    """ASGI middleware: a request body sent with ``Content-Encoding: gzip`` or ``zstd`` is
    decompressed (at most ``max_bytes``) before FastAPI reads it; other encodings answer 415."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            await self._error(scope, receive, send, ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE))
            return
        if encoding in ("", "identity"):
            await self.app(scope, receive, send)
            return
        if encoding not in ("gzip", "zstd"):
            await self._error(
                scope, receive, send, ApiError(415, ErrorCode.UNSUPPORTED_ENCODING, encoding)
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
        try:
            body = _decompress(encoding, b"".join(chunks), self.max_bytes)
        except _TooLarge:
            await self._error(scope, receive, send, ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE))
            return
        except Exception:
            await self._error(scope, receive, send, ApiError(400, ErrorCode.BAD_ENCODING, encoding))
            return
        raw_headers = [
            (key, value)
            for key, value in scope["headers"]
            if key.lower() not in (b"content-encoding", b"content-length")
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


def _to_aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def create_app(database_url: str, *, push_lock_timeout: float = PUSH_LOCK_TIMEOUT) -> FastAPI:
    """The sync server on ``database_url`` (SQLite or PostgreSQL), migrated on start.

    ``app.state.push_lock_timeout`` is how long a write waits for the one writer before it
    answers 503 with ``Retry-After`` (``app.state.push_lock`` is that writer's lock).
    """
    database = open_server_database(database_url)
    _real_sqlite_transactions(database)
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
    app.state.database = database
    app.state.push_lock = push_lock
    app.state.push_lock_timeout = push_lock_timeout
    app.add_middleware(DecompressRequestBody)

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

    @app.exception_handler(Exception)
    async def _crash(_request: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse(ApiError(500, ErrorCode.INTERNAL_ERROR).body(), status_code=500)

    def device_session(authorization: str | None, work: Callable[[Session, Device], Any]) -> Any:
        """Run a read-only ``work`` for the authenticated device (reads never take the writer)."""
        with database.session() as session:
            device = authenticate(session, authorization)
            return work(session, device)

    @contextmanager
    def the_writer() -> Iterator[None]:
        """Hold the one-writer lock (503 with Retry-After when it cannot be had in time)."""
        if not push_lock.acquire(timeout=app.state.push_lock_timeout):
            raise ApiError(
                503, ErrorCode.SERVER_BUSY, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
        try:
            yield
        finally:
            push_lock.release()

    def assigned(device: Device, village: str) -> None:
        if village not in device.villages:
            raise ApiError(
                403, ErrorCode.VILLAGE_NOT_ASSIGNED, village, details={"village": village}
            )

    @app.post(PUSH_PATH, response_model=PushResponse, responses=ERROR_RESPONSES, tags=["sync"])
    def push(
        payload: PushRequest,
        authorization: Annotated[str | None, Header()] = None,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> PushResponse:
        """Apply a batch of one device's consecutive changes; one answer per change."""
        if idempotency_key is not None and idempotency_key != payload.batch_id:
            raise ApiError(400, ErrorCode.IDEMPOTENCY_KEY_MISMATCH)
        with the_writer(), database.session() as session:
            if not database.is_sqlite:
                try:
                    timeout_ms = max(int(app.state.push_lock_timeout * 1000), 1)
                    session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
                    session.execute(select(func.pg_advisory_xact_lock(PUSH_ADVISORY_LOCK_KEY)))
                except OperationalError as exc:
                    raise ApiError(
                        503,
                        ErrorCode.SERVER_BUSY,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                    ) from exc
            device = authenticate(session, authorization)
            if payload.device_id != device.device_id:
                raise ApiError(403, ErrorCode.DEVICE_MISMATCH)
            response = ingest_batch(session, device, payload)
            touch(device)
            session.commit()
            return response

    @app.get(PULL_PATH, response_model=PullResponse, responses=ERROR_RESPONSES, tags=["sync"])
    def pull(
        village: Annotated[str, Query(min_length=1, max_length=20)],
        since: Annotated[int, Query(ge=0)] = 0,
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
                        fields=row.fields,
                        deleted=row.deleted,
                        origin=row.origin,
                        edited_at=row.edited_at,
                    )
                    for row in page
                ],
                next_since=page[-1].server_seq if page else since,
                has_more=len(rows) > limit,
            )

        return device_session(authorization, work)

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

    @app.post(
        ENROLL_PATH, response_model=EnrollResponse, responses=ERROR_RESPONSES, tags=["devices"]
    )
    def enroll(payload: EnrollRequest) -> EnrollResponse:
        """Exchange a one-time enrollment code for a device id and token (the token is shown once)."""
        with the_writer(), database.session() as session:
            enrolled = redeem_enrollment_code(
                session, payload.code, first_seq=payload.first_seq, hostname=payload.hostname
            )
            return EnrollResponse(
                device_id=enrolled.device.device_id,
                token=enrolled.token,
                name=enrolled.device.name,
                villages=list(enrolled.device.villages),
                server_time=datetime.now(UTC),
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
                conflicts=[
                    ConflictItem(
                        id=row.id,
                        entity=row.entity,
                        entity_id=row.entity_id,
                        village_code=row.village_code,
                        field=row.field,
                        base_value=row.base_value,
                        server_value=row.server_value,
                        incoming_value=row.incoming_value,
                        change_id=row.change_id,
                        device_id=row.device_id,
                        edited_at=row.edited_at,
                        status=row.status,  # type: ignore[arg-type]
                        resolved_value=row.resolved_value,
                        resolved_by=row.resolved_by,
                        created_at=_to_aware(row.created_at),
                    )
                    for row in session.scalars(query)
                ]
            )

        return device_session(authorization, work)

    return app
