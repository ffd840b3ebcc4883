"""The sync wire format, version 1: pydantic models shared by the laptop client and the server.

Every path lives under ``/v1``; a change of meaning gets a new ``PROTOCOL_VERSION`` and a new
prefix, never a silent change of these shapes. Field values travel as the JSON the laptop's save
path writes into its outbox (``desktop.store.save.to_wire``): dates as ISO text, money as exact
decimal text, yes/no as booleans.

Every 4xx/5xx answer of the server has one shape, ``ErrorResponse`` ``{code, message, details}``,
with ``code`` one of the stable ``ErrorCode`` values (Kinto's ``ERRORS`` enum is the model) and a
Chinese ``message`` for the person in front of the laptop. The same codes name why a single
change of a batch was refused (``ChangeResult.reason_code``). Clients branch on ``code``, never on
the message text.

Borrowed from the recommended protocol (../shared/SYNC.md), with three additions, each because a
replica could otherwise stay wrong:

- ``ChangeResult.server_fields``: with every answer but a refusal the server sends its current
  values of the change's fields where they differ from the change's (the conflicting fields, or on
  a duplicate whatever changed since the first answer). The laptop writes them unless it has a
  newer unsent edit of the field. Without this a laptop that pulled *before* it pushed, or whose
  first answer was lost, keeps its losing value forever: a pull does not overwrite fields with
  unsent edits, and the feed entry that carries the server's value is already behind its cursor.
- ``ChangeResult.first_outcome``: a replayed change answers ``duplicate`` as SYNC.md says, and
  says what the first answer was, so the laptop marks it ``acked``, ``conflict`` or ``refused``
  exactly as if the lost response had arrived.
- ``EnrollRequest.first_seq``: a laptop that re-enrolls (its old device was revoked or the server
  forgot it) keeps numbering its outbox where it was; the server starts the new device there
  instead of at 1, so the first push is not a ``device_seq`` gap.

And for the rest of the issue:

- Enrollment is safe to retry: the laptop sends the Ed25519 public key it made for itself
  (``EnrollRequest.public_key``); a code that was redeemed with that same key answers again with
  the same device (and a fresh token: the first answer may never have arrived). The server keeps
  the key to check the bundles the laptop signs for USB transfer, and hands out the county's card
  key, so a card printed on one laptop verifies on another.
- Bundles (``BundleEnvelope``): the pending outbox as one signed file, imported through
  ``POST /v1/sync/bundle`` by any connected laptop or ``fieldbook-server import-bundle``; the
  changes go through the same dedup as a push.
- Conflict resolution: the reviewer's laptop writes the chosen value as an ordinary change (with
  the current base version) and pushes it, then ``POST /v1/conflicts/{id}/resolve`` marks the
  conflict resolved, which the server does only once its record holds the chosen value.
- County reports (``/v1/reports/…``) for reviewers and administrators, over the calling device's
  villages.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PROTOCOL_VERSION = 1
API_PREFIX = f"/v{PROTOCOL_VERSION}"
PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"
STATUS_PATH = f"{API_PREFIX}/sync/status"
ENROLL_PATH = f"{API_PREFIX}/enroll"
CONFLICTS_PATH = f"{API_PREFIX}/conflicts"
RESOLVE_PATH = f"{API_PREFIX}/conflicts/{{conflict_id}}/resolve"
BUNDLE_PATH = f"{API_PREFIX}/sync/bundle"
REPORTS_PATH = f"{API_PREFIX}/reports"
PROGRESS_REPORT_PATH = f"{REPORTS_PATH}/progress"
QUOTA_REPORT_PATH = f"{REPORTS_PATH}/quota"
PROBLEMS_REPORT_PATH = f"{REPORTS_PATH}/problems"
CONFLICTS_REPORT_PATH = f"{REPORTS_PATH}/conflicts"

MAX_BATCH_CHANGES = 1000
"""A push carries at most this many changes (the client sends 200 by default)."""
MAX_PULL_LIMIT = 1000
MAX_SEQ = 2**31 - 1
"""Sequence numbers and versions are 32-bit integer columns: anything larger is refused (422)."""
MAX_SINCE = 2**63 - 1
"""A pull cursor is a server_seq (a 64-bit column)."""
DEFAULT_PULL_LIMIT = 500
MIN_CLIENT_VERSION = "0.1.0"

ENROLLMENT_PREFIX = "FBE1:"
"""Enrollment codes as text (and in the QR image): ``FBE1:`` + base64url JSON ``{url, code}``."""

Op = Literal["create", "update", "delete"]
Outcome = Literal["applied", "duplicate", "merged", "conflict", "refused"]
FirstOutcome = Literal["applied", "merged", "conflict", "refused"]


class ErrorCode(StrEnum):
    """Stable error codes: answers of the server (4xx/5xx) and reasons a change was refused."""

    # request-level
    INVALID_REQUEST = "INVALID_REQUEST"
    UNSUPPORTED_ENCODING = "UNSUPPORTED_ENCODING"
    BAD_ENCODING = "BAD_ENCODING"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    IDEMPOTENCY_KEY_MISMATCH = "IDEMPOTENCY_KEY_MISMATCH"
    AUTH_REQUIRED = "AUTH_REQUIRED"
    TOKEN_INVALID = "TOKEN_INVALID"
    DEVICE_REVOKED = "DEVICE_REVOKED"
    DEVICE_MISMATCH = "DEVICE_MISMATCH"
    DEVICE_UNKNOWN = "DEVICE_UNKNOWN"
    DEVICE_SEQ_GAP = "DEVICE_SEQ_GAP"
    ENROLLMENT_CODE_INVALID = "ENROLLMENT_CODE_INVALID"
    ENROLLMENT_CODE_USED = "ENROLLMENT_CODE_USED"
    ENROLLMENT_CODE_EXPIRED = "ENROLLMENT_CODE_EXPIRED"
    ROLE_NOT_ALLOWED = "ROLE_NOT_ALLOWED"
    CONFLICT_NOT_FOUND = "CONFLICT_NOT_FOUND"
    RESOLUTION_NOT_APPLIED = "RESOLUTION_NOT_APPLIED"
    BUNDLE_INVALID = "BUNDLE_INVALID"
    BUNDLE_SIGNATURE = "BUNDLE_SIGNATURE"
    BUNDLE_DEVICE_UNKNOWN = "BUNDLE_DEVICE_UNKNOWN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    SERVER_BUSY = "SERVER_BUSY"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # change-level (ChangeResult.reason_code); VILLAGE_NOT_ASSIGNED is also a 403 of pull
    VILLAGE_NOT_ASSIGNED = "VILLAGE_NOT_ASSIGNED"
    VILLAGE_MISMATCH = "VILLAGE_MISMATCH"
    CHANGE_ID_REUSED = "CHANGE_ID_REUSED"
    DEVICE_SEQ_REUSED = "DEVICE_SEQ_REUSED"
    UNKNOWN_ENTITY = "UNKNOWN_ENTITY"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    INVALID_VALUE = "INVALID_VALUE"
    RECORD_NOT_FOUND = "RECORD_NOT_FOUND"
    BASE_VERSION_AHEAD = "BASE_VERSION_AHEAD"
    INTEGRITY = "INTEGRITY"
    RULE_BROKEN = "RULE_BROKEN"  # the merged household breaks an error-level domain rule
    # client-side only (never sent by the server)
    NETWORK = "NETWORK"
    NOT_ENROLLED = "NOT_ENROLLED"


ERROR_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.INVALID_REQUEST: "请求格式不正确",
    ErrorCode.UNSUPPORTED_ENCODING: "不支持的压缩格式(只支持 gzip、zstd)",
    ErrorCode.BAD_ENCODING: "压缩数据已损坏,无法解压",
    ErrorCode.PAYLOAD_TOO_LARGE: "一次提交的数据太大,请分批同步",
    ErrorCode.IDEMPOTENCY_KEY_MISMATCH: "Idempotency-Key 与批次编号不一致",
    ErrorCode.AUTH_REQUIRED: "缺少设备凭证,请先登记本机",
    ErrorCode.TOKEN_INVALID: "设备凭证无效,请重新登记本机",
    ErrorCode.DEVICE_REVOKED: "本机已被停用,请联系县级管理员",
    ErrorCode.DEVICE_MISMATCH: "提交的设备编号与凭证不一致",
    ErrorCode.DEVICE_UNKNOWN: "服务器不认识本机,请重新登记",
    ErrorCode.DEVICE_SEQ_GAP: "本机的修改序号不连续,服务器在等待更早的修改",
    ErrorCode.ENROLLMENT_CODE_INVALID: "登记码无效",
    ErrorCode.ENROLLMENT_CODE_USED: "登记码已被使用过",
    ErrorCode.ENROLLMENT_CODE_EXPIRED: "登记码已过期",
    ErrorCode.ROLE_NOT_ALLOWED: "本机的角色无权进行此操作(需要乡镇审核员或县级管理员)",
    ErrorCode.CONFLICT_NOT_FOUND: "没有这条冲突记录,或它不属于本机负责的村",
    ErrorCode.RESOLUTION_NOT_APPLIED: "服务器上的值还不是裁决的值,请先同步裁决的修改",
    ErrorCode.BUNDLE_INVALID: "数据包文件已损坏或不是 Fieldbook 数据包",
    ErrorCode.BUNDLE_SIGNATURE: "数据包签名不符:文件可能被改动过,或不是这台设备导出的",
    ErrorCode.BUNDLE_DEVICE_UNKNOWN: "服务器不认识导出数据包的设备",
    ErrorCode.NOT_FOUND: "地址不存在",
    ErrorCode.METHOD_NOT_ALLOWED: "不支持该请求方法",
    ErrorCode.SERVER_BUSY: "服务器繁忙,请稍后再试",
    ErrorCode.INTERNAL_ERROR: "服务器内部错误,本次同步未保存任何数据,请稍后重试",
    ErrorCode.VILLAGE_NOT_ASSIGNED: "该村未分配给本机",
    ErrorCode.VILLAGE_MISMATCH: "修改所属的村与记录所在的村不一致",
    ErrorCode.CHANGE_ID_REUSED: "修改编号已被另一份不同的修改使用",
    ErrorCode.DEVICE_SEQ_REUSED: "修改序号已被另一条修改使用",
    ErrorCode.UNKNOWN_ENTITY: "服务器不认识该类数据",
    ErrorCode.UNKNOWN_FIELD: "服务器不认识该字段",
    ErrorCode.INVALID_VALUE: "字段值不合法",
    ErrorCode.RECORD_NOT_FOUND: "服务器上没有这条记录",
    ErrorCode.BASE_VERSION_AHEAD: "本机记录的版本比服务器还新,服务器数据可能已被恢复到旧备份",
    ErrorCode.INTEGRITY: "数据引用了服务器上不存在的记录,或与已有记录重复",
    ErrorCode.RULE_BROKEN: "修改后的农户不符合业务规则,未被接受",
    ErrorCode.NETWORK: "无法连接服务器,请检查网络后重试",
    ErrorCode.NOT_ENROLLED: "本机尚未登记,请先用登记码登记",
}


def error_message(code: ErrorCode, detail: str | None = None) -> str:
    """The Chinese message for ``code``, with an optional detail after a colon."""
    base = ERROR_MESSAGES[code]
    return f"{base}:{detail}" if detail else base


class WireModel(BaseModel):
    """Base of the wire models: unknown keys are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class ErrorResponse(WireModel):
    """The one error shape of every 4xx/5xx answer."""

    code: ErrorCode
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


# --- push ----------------------------------------------------------------------------------------

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class Change(WireModel):
    """One outbox change: only the changed fields, with the server version the edit started from."""

    change_id: str = Field(pattern=UUID_PATTERN)
    device_seq: int = Field(ge=1, le=MAX_SEQ)
    entity: str = Field(min_length=1, max_length=30)
    entity_id: str = Field(min_length=1, max_length=36)
    village_code: str | None = Field(default=None, max_length=20)
    op: Op
    base_version: int = Field(ge=0, le=MAX_SEQ)
    fields: dict[str, Any]
    edited_at: str = Field(max_length=40)


class PushRequest(WireModel):
    """A batch of consecutive changes of one device (``device_seq`` = ``first_seq`` + index)."""

    device_id: str = Field(min_length=1, max_length=36)
    batch_id: str = Field(min_length=1, max_length=64)
    first_seq: int = Field(ge=1, le=MAX_SEQ)
    changes: list[Change] = Field(min_length=1, max_length=MAX_BATCH_CHANGES)

    @model_validator(mode="after")
    def _consecutive(self) -> PushRequest:
        for index, change in enumerate(self.changes):
            if change.device_seq != self.first_seq + index:
                raise ValueError(
                    f"changes[{index}].device_seq is {change.device_seq}, "
                    f"expected {self.first_seq + index}: a batch holds consecutive changes"
                )
        return self


class ChangeResult(WireModel):
    """The server's answer for one change of a batch."""

    change_id: str
    outcome: Outcome
    first_outcome: FirstOutcome | None = None
    version: int | None = None
    server_seq: int | None = None
    reason_code: ErrorCode | None = None
    message: str | None = None
    server_fields: dict[str, Any] = Field(default_factory=dict)


class PushResponse(WireModel):
    """One result per change, in the order of the request, and the device's acknowledged seq."""

    results: list[ChangeResult]
    last_acked_seq: int


# --- pull ----------------------------------------------------------------------------------------


class FeedChange(WireModel):
    """One entry of the server's change feed: what a change wrote, after the merge."""

    server_seq: int
    change_id: str | None = None
    entity: str
    entity_id: str
    village_code: str
    version: int
    op: Op
    fields: dict[str, Any]
    deleted: bool
    origin: str | None = None
    edited_at: str | None = None


class PullResponse(WireModel):
    """A page of the feed, oldest first; ask again with ``since=next_since`` while ``has_more``."""

    changes: list[FeedChange]
    next_since: int
    has_more: bool


# --- status, enrollment, conflicts ----------------------------------------------------------------


class StatusResponse(WireModel):
    """What the server knows of the calling device, and what it expects of clients."""

    protocol_version: int = PROTOCOL_VERSION
    server_time: datetime
    min_client_version: str = MIN_CLIENT_VERSION
    device_id: str
    device_name: str
    villages: list[str]
    last_acked_seq: int


PUBLIC_KEY_PATTERN = r"^[A-Za-z0-9+/]{43}=$"
"""An Ed25519 public key: 32 bytes, base64."""


class EnrollRequest(WireModel):
    """Exchange a one-time enrollment code for a device id and token.

    ``public_key`` (the laptop's Ed25519 key for signing bundles) also makes a retry safe: the
    same code with the same key answers with the same device again.
    """

    code: str = Field(min_length=8, max_length=200)
    first_seq: int = Field(default=1, ge=1, le=MAX_SEQ)
    hostname: str | None = Field(default=None, max_length=100)
    public_key: str | None = Field(default=None, pattern=PUBLIC_KEY_PATTERN)


class EnrollResponse(WireModel):
    """The new device's identity. The token is shown once; the server keeps only its hash.

    ``card_key`` (base64) is the county's key for signing household cards, ``county_code`` the
    county the server serves (either ``None`` when the server has none), ``bundle_key`` the
    server's X25519 public key that bundles are sealed to.
    """

    device_id: str
    token: str
    name: str
    villages: list[str]
    server_time: datetime
    role: str = "field_worker"
    card_key: str | None = None
    county_code: str | None = None
    bundle_key: str | None = None


class ConflictItem(WireModel):
    """One field on which two edits disagreed: the server value stayed, the other is kept here."""

    id: int
    entity: str
    entity_id: str
    village_code: str | None
    field: str
    base_value: Any = None
    server_value: Any = None
    incoming_value: Any = None
    change_id: str
    device_id: str
    edited_at: str | None = None
    status: Literal["open", "resolved"]
    resolved_value: Any = None
    resolved_by: str | None = None
    created_at: datetime
    device_name: str | None = None
    household_id: str | None = None
    server_origin: str | None = None
    server_changed_at: datetime | None = None
    resolved_at: datetime | None = None


class ConflictList(WireModel):
    """The conflicts of one village, oldest first."""

    conflicts: list[ConflictItem]


class ResolveRequest(WireModel):
    """The value a reviewer chose for a conflicting field (already pushed as an ordinary change,
    or the server's own value), and the change that wrote it, if any."""

    value: Any = None
    change_id: str | None = Field(default=None, pattern=UUID_PATTERN)


class ResolveResponse(WireModel):
    """The conflicts the decision closed: every open one on the same field of the same record."""

    resolved: list[int]
    value: Any = None


# --- bundles (USB transfer) ---------------------------------------------------------------------

BUNDLE_FORMAT = "fieldbook-bundle/1"


class BundleEnvelope(WireModel):
    """A bundle file: the signed, zstd-compressed ``BundleBody`` of one device, as base64.

    The body is sealed to the server (``sealed_to``: the server's X25519 public key;
    ``ephemeral_key`` and ``nonce`` open it, see ``sync.bundle``). The signature is Ed25519 over
    ``BUNDLE_FORMAT`` + newline + the body bytes as stored, made with the device's own key (its
    public key was registered at enrollment).
    """

    format: Literal["fieldbook-bundle/1"]
    device_id: str = Field(min_length=1, max_length=36)
    body: str = Field(min_length=1)
    signature: str = Field(min_length=1, max_length=200)
    sealed_to: str | None = Field(default=None, pattern=PUBLIC_KEY_PATTERN)
    ephemeral_key: str | None = Field(default=None, pattern=PUBLIC_KEY_PATTERN)
    nonce: str | None = Field(default=None, max_length=40)


class BundleBody(WireModel):
    """What a bundle carries: the device's pending outbox, consecutive from ``first_seq``."""

    device_id: str = Field(min_length=1, max_length=36)
    created_at: datetime
    first_seq: int = Field(ge=1, le=MAX_SEQ)
    changes: list[Change] = Field(min_length=1)

    @model_validator(mode="after")
    def _consecutive(self) -> BundleBody:
        for index, change in enumerate(self.changes):
            if change.device_seq != self.first_seq + index:
                raise ValueError(f"changes[{index}].device_seq is not consecutive")
        return self


class BundleResponse(WireModel):
    """What importing a bundle did, counted per outcome, with the refused changes."""

    device_id: str
    device_name: str
    sent: int
    applied: int
    merged: int
    duplicate: int
    conflicts: int
    refused: int
    last_acked_seq: int
    refusals: list[ChangeResult] = Field(default_factory=list)


# --- county reports -----------------------------------------------------------------------------


class VillageProgress(WireModel):
    """One village's progress in this year's dynamic management, as the server sees it.

    ``visited``: live households whose last visit falls in the policy year's work period;
    ``changed``: households with at least one change that reached the server in that period;
    ``changes``: changes written; ``synced_at``: the last time a device of the village synced.
    """

    village_code: str
    village_name: str
    township_name: str | None = None
    households: int
    visited: int
    changed: int
    changes: int
    open_conflicts: int
    devices: list[str]
    synced_at: datetime | None = None


class ProgressReport(WireModel):
    """Progress per village, for the policy year ``year`` (its work period)."""

    year: int
    work_start: str
    work_end: str
    villages: list[VillageProgress]


class QuotaLine(WireModel):
    """One county's marginal and monitored people against its quota (Q6; internal)."""

    county_code: str
    county_name: str
    base: int | None = None
    limit: int | None = None
    marginal_households: int
    marginal_people: int
    monitored_households: int
    monitored_people: int
    total: int
    share: str | None = None
    verdict: str


class QuotaReport(WireModel):
    """The quota check of every county the calling device has villages in (internal: 内部资料)."""

    year: int
    internal: bool = True
    counties: list[QuotaLine]


class ProblemLine(WireModel):
    """One finding of the data-quality audit."""

    household_number: str
    code: str
    severity: str
    field: str | None = None
    message: str


class VillageProblems(WireModel):
    """The audit's findings of one village: counts per severity and code, and the findings."""

    village_code: str
    village_name: str | None = None
    errors: int
    warnings: int
    by_code: dict[str, int]
    problems: list[ProblemLine]


class ProblemsReport(WireModel):
    """Open problems (the audit under the server's policy year) per village."""

    year: int
    villages: list[VillageProblems]


class VillageConflicts(WireModel):
    """Open conflicts of one village, counted per field, and the conflicts."""

    village_code: str
    open: int
    by_field: dict[str, int]
    conflicts: list[ConflictItem]


class ConflictsReport(WireModel):
    """Open conflicts per village, waiting for the township reviewer."""

    villages: list[VillageConflicts]


# --- enrollment codes as text ---------------------------------------------------------------------


def encode_enrollment(code: str, url: str | None) -> str:
    """The text form of an enrollment code: ``FBE1:`` + base64url JSON ``{"url", "code"}``."""
    payload = json.dumps({"url": url, "code": code}, separators=(",", ":"), ensure_ascii=False)
    return ENROLLMENT_PREFIX + base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_enrollment(text: str) -> tuple[str, str | None]:
    """``(code, url)`` from the text form; a bare code (no prefix) is accepted as it is."""
    text = text.strip()
    if not text.startswith(ENROLLMENT_PREFIX):
        return text, None
    body = text.removeprefix(ENROLLMENT_PREFIX)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        payload = json.loads(raw)
        return str(payload["code"]), payload.get("url")
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(error_message(ErrorCode.ENROLLMENT_CODE_INVALID)) from exc
