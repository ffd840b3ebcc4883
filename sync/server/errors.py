"""The server's one error type: an HTTP status, a stable ``ErrorCode`` and the ``ErrorResponse`` body.

Handlers raise ``ApiError``; the app turns it (and FastAPI's own validation errors, unknown paths
and unexpected exceptions) into ``{code, message, details}`` so that every 4xx/5xx a client sees
has the same shape (Kinto's ``ErrorSchema``, Datasette's error-shape test).
"""

from __future__ import annotations

from typing import Any

from sync.protocol import ErrorCode, ErrorResponse, error_message


class ApiError(Exception):
    """An error answer: ``status``, ``code``, a Chinese message, details and extra headers."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        detail: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = error_message(code, detail)
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(f"{status} {code}: {self.message}")

    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return ErrorResponse(code=self.code, message=self.message, details=self.details).model_dump(
            mode="json"
        )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        400: "bad request (encoding, idempotency key)",
        401: "no or invalid device token",
        403: "device revoked, or village not assigned",
        409: "device_seq gap: details.expected_seq says which seq the server waits for",
        412: "unknown device: enroll again",
        413: "body too large",
        415: "unsupported Content-Encoding",
        422: "body or parameters do not match the schema",
        500: "server error: nothing of the request was written",
    }.items()
}
"""OpenAPI ``responses`` for the error answers (all of them ``ErrorResponse``)."""
