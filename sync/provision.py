"""Provision a laptop from nothing: a new encrypted database, enrollment, then its villages.

``provision(db_path, user, pin, code)`` makes the encrypted database (``desktop.store.crypto``:
a random key wrapped for the first user's PIN and for a recovery key shown once), enrolls it with
the county's code, and downloads each assigned village by snapshot (``download_villages``), then
pulls the feed as usual.

The download is resumable: each snapshot page is applied together with the village's snapshot
state (``sync.snapshot.<village>`` in ``settings``: the cursor of the next page and the feed
cursor the first page carried) in one local transaction. A download cut at any point (network,
power, a killed process) continues from the last applied page when run again: no row twice, none
missed. When a village's last page is in, its feed cursor becomes the village's ``SyncState``
cursor, so the next pull starts where the snapshot was taken.

Rows new to the laptop are inserted with SQLAlchemy Core (one ``executemany`` per table and page,
as the bulk loader does) and booked once per household (reason ``登记本机:下载``); a row the
laptop already holds goes through the pull's apply path (``write_remote_fields``), so an unsent
local edit is never overwritten. All under ``registry_writer(session, "sync")``.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Date, DateTime, Float, Numeric
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop.store.bulk import insert_rows
from desktop.store.db import Database, registry_writer
from desktop.store.models import LedgerEntry, Setting, SyncState, utcnow
from desktop.store.sync_apply import (
    SYNC_WRITER,
    from_wire,
    local_versions,
    model_for,
    reindex,
    synced_columns,
    write_remote_fields,
)
from sync.client import SyncClient
from sync.client.local import SERVER_ACTOR, pending_by_entity
from sync.client.transport import Cancel, SyncError
from sync.merge import fields_to_take, pull_is_news, version_after_pull
from sync.protocol import API_PREFIX, ErrorCode, error_message

SNAPSHOT_PATH = f"{API_PREFIX}/sync/snapshot"
SNAPSHOT_LIMIT = 5000
SETTING_SNAPSHOT = "sync.snapshot."
PROVISION_REASON = "登记本机:下载"


class SnapshotRow(BaseModel):
    """One registry row of a snapshot page (as ``sync.server.snapshot`` sends it)."""

    model_config = ConfigDict(extra="forbid")

    entity: str
    entity_id: str
    version: int
    fields: dict[str, Any]


class SnapshotPage(BaseModel):
    """A page of a village's snapshot."""

    model_config = ConfigDict(extra="ignore")

    village: str
    rows: list[SnapshotRow]
    next_after: str
    has_more: bool
    feed_cursor: int | None = None


@dataclass
class DownloadReceipt:
    """What ``download_villages`` did: rows and pages per village, bytes received."""

    rows: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    bytes: int = 0
    complete: bool = True
    cancelled: bool = False
    seconds: float = 0.0


# --- the snapshot state ----------------------------------------------------------------------------


def snapshot_state(session: Session, village: str) -> dict[str, Any] | None:
    """The village's download state: ``{after, feed_cursor, done}``, or ``None`` before it."""
    row = session.get(Setting, SETTING_SNAPSHOT + village)
    return json.loads(row.value) if row is not None else None


def snapshot_to_continue(session: Session, village: str) -> dict[str, Any] | None:
    """The state a village's download continues from (a fresh one for a village never begun),
    or ``None`` when the village needs no snapshot (done, or already pulled from the feed)."""
    state = snapshot_state(session, village)
    if state is not None:
        return None if state.get("done") else state
    pulled = session.get(SyncState, village)
    if pulled is not None and (pulled.cursor or 0) > 0:
        return None
    return {"after": None, "feed_cursor": None, "done": False}


def villages_to_download(db: Database, villages: Iterable[str]) -> list[str]:
    """Those of ``villages`` not yet fully downloaded: begun and cut, or never begun (a first
    download cancelled before its first page, a village newly assigned). Reads the local file
    only."""
    with db.session() as session:
        return [v for v in villages if snapshot_to_continue(session, v) is not None]


# --- applying a page -------------------------------------------------------------------------------


@functools.cache
def _wire_parsers(model: type[Any]) -> dict[str, Callable[[Any], Any] | None]:
    """Per synced column, what turns its wire value into the column's Python value (as
    ``sync_apply.from_wire`` does), or ``None`` where the wire value is already that."""
    parsers: dict[str, Callable[[Any], Any] | None] = {}
    for name, column in synced_columns(model).items():
        kind = column.type
        parsers[name] = None
        if isinstance(kind, DateTime | Date | Numeric) and not isinstance(kind, Float):
            parsers[name] = functools.partial(from_wire, model, name)
    return parsers


def apply_snapshot_rows(session: Session, rows: list[SnapshotRow]) -> tuple[int, set[str]]:
    """Write a page's rows (parents first); the rows written and the households touched.

    The caller holds ``registry_writer`` and owns the transaction.
    """
    keys = [(r.entity, r.entity_id) for r in rows if model_for(r.entity) is not None]
    have = local_versions(session, keys)
    pending = pending_by_entity(
        session, (r.entity_id for r in rows if (r.entity, r.entity_id) in have)
    )
    now = utcnow()
    households: set[str] = set()
    book: list[dict[str, Any]] = []
    written = 0
    run: list[tuple[Any, dict[str, Any]]] = []

    def flush_run() -> None:
        if run:
            insert_rows(session, run[0][0], [values for _model, values in run], at=now)
        run.clear()

    for row in rows:
        model = model_for(row.entity)
        if model is None:  # an entity a newer server knows
            continue
        parsers = _wire_parsers(model)
        # the server wrote these values into the same columns: only names this release lacks
        # (a newer server's column) are left out
        fields = {name: value for name, value in row.fields.items() if name in parsers}
        household_id = row.entity_id if row.entity == "households" else fields.get("household_id")
        if household_id:
            households.add(household_id)
        local = have.get((row.entity, row.entity_id))
        if local is None:
            if run and run[-1][0] is not model:
                flush_run()
            values = {
                name: value if value is None or parsers[name] is None else parsers[name](value)
                for name, value in fields.items()
            }
            values.update(id=row.entity_id, version=row.version, updated_at=now)
            run.append((model, values))
            if row.entity == "households":
                book.append(
                    {
                        "at": now,
                        "actor": SERVER_ACTOR,
                        "household_id": row.entity_id,
                        "entity": "households",
                        "entity_id": row.entity_id,
                        "field": "*",
                        "old_value": None,
                        "new_value": None,
                        "reason": PROVISION_REASON,
                        "change_id": None,
                    }
                )
            written += 1
            continue
        if not pull_is_news(local, row.version):
            continue
        flush_run()
        unsent = {name for _seq, f in pending.get(row.entity_id, ()) for name in f}
        write_remote_fields(
            session,
            row.entity,
            row.entity_id,
            fields_to_take(fields, unsent),
            version=version_after_pull(local, row.version),
            actor=SERVER_ACTOR,
            reason=PROVISION_REASON,
        )
        written += 1
    flush_run()
    if book:
        insert_rows(session, LedgerEntry, book, at=now)
    return written, households


# --- downloading -----------------------------------------------------------------------------------


def download_villages(
    client: SyncClient,
    *,
    limit: int = SNAPSHOT_LIMIT,
    progress: Callable[[str, int], None] | None = None,
    cancel: Cancel | None = None,
    max_pages: int | None = None,
) -> DownloadReceipt:
    """Download every assigned village that needs it by snapshot pages (see the module docstring).

    ``progress(village, rows so far)`` after each page; ``cancel()`` before each page;
    ``max_pages`` stops after that many pages (``complete`` is then ``False``).
    Raises ``sync.client.transport.SyncError``.
    """
    _device_id, token, url = client._credentials()
    db: Database = client.db
    receipt = DownloadReceipt()
    started = time.perf_counter()
    try:
        _download(client, db, token, url, receipt, limit, progress, cancel, max_pages)
    finally:
        receipt.seconds = time.perf_counter() - started
    return receipt


def _download(
    client: SyncClient,
    db: Database,
    token: str,
    url: str,
    receipt: DownloadReceipt,
    limit: int,
    progress: Callable[[str, int], None] | None,
    cancel: Cancel | None,
    max_pages: int | None,
) -> None:
    for village in client.villages():
        with db.session() as session:
            state = snapshot_to_continue(session, village)
        if state is None:
            continue
        receipt.rows.setdefault(village, 0)
        while True:
            if cancel is not None and cancel():
                receipt.cancelled = True
                receipt.complete = False
                return
            if max_pages is not None and receipt.pages >= max_pages:
                receipt.complete = False
                return
            params: dict[str, Any] = {"village": village, "limit": limit}
            if state["after"]:
                params["after"] = state["after"]
            response = client._request(
                "GET", url, SNAPSHOT_PATH, params=params, headers=client._auth_headers(token)
            )
            receipt.bytes += int(response.num_bytes_downloaded or len(response.content))
            page = SnapshotPage.model_validate_json(response.content)
            if state["feed_cursor"] is None:
                state["feed_cursor"] = page.feed_cursor or 0
            state = {
                "after": page.next_after,
                "feed_cursor": state["feed_cursor"],
                "done": not page.has_more,
            }

            def write_page(
                page: SnapshotPage = page, state: dict[str, Any] = state, village: str = village
            ) -> int:
                """The page in one transaction, on the database's one writer."""
                with db.session() as session, registry_writer(session, SYNC_WRITER):
                    try:
                        written, households = apply_snapshot_rows(session, page.rows)
                    except (ValueError, SQLAlchemyError) as exc:
                        raise SyncError(
                            ErrorCode.INTEGRITY,
                            f"{error_message(ErrorCode.INTEGRITY)}(村 {village} 的下载)",
                            details={"error": type(exc).__name__},
                        ) from exc
                    session.merge(Setting(key=SETTING_SNAPSHOT + village, value=json.dumps(state)))
                    if state["done"]:
                        pulled = session.get(SyncState, village)
                        if pulled is None:
                            pulled = SyncState(village_code=village, cursor=0)
                            session.add(pulled)
                        pulled.cursor = max(pulled.cursor or 0, state["feed_cursor"])
                        pulled.pulled_at = utcnow()
                    session.flush()
                    reindex(session, households)
                    session.commit()
                    return written

            written = db.writer.call(write_page)
            receipt.pages += 1
            receipt.rows[village] += written
            if progress is not None:
                progress(village, receipt.rows[village])
            if state["done"]:
                break


# --- from nothing ----------------------------------------------------------------------------------


@dataclass
class Provisioned:
    """A laptop provisioned from nothing: its open database, user, recovery key, enrollment."""

    db: Database
    user: Any
    recovery_key: str
    enrollment: Any
    download: DownloadReceipt | None = None
    pulled: Any = None


def create_encrypted_database(db_path: str | Path, user: str, pin: str, **options: Any) -> Any:
    """The new encrypted database with its first user (``desktop.store.signin.enroll_database``),
    a field worker until the enrolment says otherwise (``take_device_role``): a laptop provisioned
    for the field has no local administrator by default.

    Raises ``CryptoError`` when a database is there already, ``UserError`` for a bad name or PIN.
    """
    from desktop.domain.roles import Role
    from desktop.store.signin import enroll_database

    return _give_role(enroll_database(db_path, user, pin, **options), Role.FIELD_WORKER)


def take_device_role(made: Any, device_role: str | None) -> Any:
    """The first user takes the role the county gave this laptop when it enrolled (the server's
    device role: field worker, reviewer or administrator; anything else is a field worker).
    ``made`` is ``create_encrypted_database``'s answer; the same with the user's new role."""
    from desktop.domain.roles import Role, parse_role

    return _give_role(made, parse_role(device_role) or Role.FIELD_WORKER)


def _give_role(made: Any, role: Any) -> Any:
    """Set the first user's role in ``users`` (what decides) and in the keyring's sign-in list
    (what the sign-in dialog shows before unlocking)."""
    import dataclasses

    from desktop.store.crypto import USER_ENTRY_PREFIX
    from desktop.store.users import set_role

    if made.user.role == role:
        return made

    def write_role() -> Any:
        with made.db.session() as session:
            changed = set_role(session, made.user.id, role)
            session.commit()
            return changed

    user = made.db.writer.call(write_role)
    entry = made.keyring.entries.get(USER_ENTRY_PREFIX + user.id)
    if entry is not None:
        entry["role"] = user.role.value
        made.keyring.save()
    return dataclasses.replace(made, user=user)


def provision(
    db_path: str | Path,
    user: str,
    pin: str,
    code: str,
    *,
    ca_file: str | None = None,
    limit: int = SNAPSHOT_LIMIT,
    max_pages: int | None = None,
    client_options: dict[str, Any] | None = None,
    crypto_options: dict[str, Any] | None = None,
) -> Provisioned:
    """Create the encrypted database, enroll it and download its villages, then pull.

    The returned ``db`` is open: the caller disposes of it. If enrollment fails, the new files
    stay (the user and recovery key are set; enrolling again with ``fieldbook enroll`` works).
    """
    made = create_encrypted_database(db_path, user, pin, **(crypto_options or {}))
    done = Provisioned(db=made.db, user=made.user, recovery_key=made.recovery_key, enrollment=None)
    with SyncClient(made.db, ca_file=ca_file, **(client_options or {})) as client:
        done.enrollment = client.enroll(code)
        done.user = take_device_role(made, done.enrollment.role).user
        done.download = download_villages(client, limit=limit, max_pages=max_pages)
        if done.download.complete:
            done.pulled = client.pull()
    return done


def resume_download(client: SyncClient, **options: Any) -> DownloadReceipt | None:
    """Download every assigned village not yet fully downloaded (``villages_to_download``):
    a provisioning cut or cancelled, even before its first page. ``None`` when there is none.
    ``options`` go to ``download_villages``."""
    if not villages_to_download(client.db, client.villages()):
        return None
    return download_villages(client, **options)
