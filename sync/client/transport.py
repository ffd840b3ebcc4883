"""The client's transport: one HTTP connection pool, retries with backoff, errors as ``SyncError``.

``Transport`` holds the open laptop database and the HTTP options, reads the keys the client
keeps in the ``settings`` table (``sync.*``) and sends requests: a network error, a 5xx or a 429
is sent again after a backoff (``Retry-After`` honoured, at most ``MAX_RETRY_AFTER`` seconds); a
request that cannot succeed by retrying raises ``SyncError`` with the server's stable ``code``
and Chinese ``message``. The county's own CA (``ca_file``) makes the ``ssl`` context; a
``transport`` may be passed, e.g. to go through a proxy or to inject faults in tests.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx
from pydantic import ValidationError
from sqlalchemy import select

from desktop.store.db import Database
from desktop.store.models import Setting
from sync.protocol import ErrorCode, ErrorResponse, error_message

SETTING_DEVICE_ID = "sync.device_id"
SETTING_DEVICE_NAME = "sync.device_name"
SETTING_TOKEN = "sync.token"
SETTING_SERVER_URL = "sync.server_url"
SETTING_VILLAGES = "sync.villages"
SETTING_ROLE = "sync.role"
SETTING_CA_FILE = "sync.ca_file"
SETTING_SIGNING_KEY = "sync.signing_key"
SETTING_BUNDLE_KEY = "sync.server_bundle_key"

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0

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


class Transport:
    """The database, the HTTP options and the requests every part of the client sends."""

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

    def close(self) -> None:
        """Close the HTTP connection pool."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Self:
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

    def villages(self) -> list[str]:
        """The villages this laptop was assigned (as last told by the server)."""
        return list(json.loads(self._settings().get(SETTING_VILLAGES, "[]")))
