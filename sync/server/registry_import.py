"""``fieldbook-server import-registry``: the county's registry from the national system's export.

The file is read and checked by ``desktop.store.registry_import`` (the same reader, the same
structural faults and rule problems as on a stand-alone laptop). What is written:

- the division tree the file names and the server lacks (the county's seed, like
  ``load-divisions``: laptops get it when they enroll);
- on a server that holds no household yet (the county's first import), every household through
  the bulk loader: the baseline at version 0, no feed entries (the laptops' provisioning takes it
  as a snapshot);
- on a server that holds households (a newer export), only what differs, as changes of a server
  device of its own, ``全国系统导入``, through ``sync.server.push.ingest_batch``: the very merge a
  laptop's push goes through. A field nobody touched since the import last wrote it is written and
  gets a feed entry, so laptops receive it; a field a laptop changed since becomes an open
  conflict for the reviewer (the laptop's value stays), never a silent overwrite. A new
  household, member, income or measure is a ``create`` change and reaches the laptops the same way.

The import device is revoked from the start (no token reaches it, nothing can sign in as it);
its ``base_version`` per record is the last version it wrote itself (0 for the bulk baseline).
Everything happens in one transaction under the server's one writer: a file that cannot be read,
or any failure, writes nothing.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop.store.bulk import BulkLoader
from desktop.store.db import Database
from desktop.store.models import Division, Household, new_id, utcnow
from desktop.store.registry_import.load import (
    IMPORT_REASON,
    RegistryImportResult,
    RowChange,
    _settle_settings,
    diff_plan,
    plan_for,
    write_divisions,
    write_new_households,
)
from desktop.store.registry_import.parse import paused_gc
from desktop.store.save import to_wire
from sync.protocol import MAX_BATCH_CHANGES, Change, PushRequest
from sync.server.db import writer_session
from sync.server.devices import IMPORT_DEVICE_ID, sha256_hex
from sync.server.models import ChangeLogEntry, Conflict, Device, FeedCounter
from sync.server.push import ingest_batch

IMPORT_DEVICE_NAME = "全国系统导入"
IMPORT_LOCK_TIMEOUT = 60.0
BATCH = min(500, MAX_BATCH_CHANGES)


def import_device(session: Any) -> Device:
    """The server's own device for imports (made on first use, revoked: no one signs in as it)."""
    device = session.get(Device, IMPORT_DEVICE_ID)
    if device is None:
        device = Device(
            device_id=IMPORT_DEVICE_ID,
            name=IMPORT_DEVICE_NAME,
            token_hash=sha256_hex(secrets.token_urlsafe(32)),
            villages=[],
            last_acked_seq=0,
            revoked=True,
            role="admin",
        )
        session.add(device)
        session.flush()
    return device


def _base_versions(session: Any, changes: list[RowChange]) -> dict[tuple[str, str], int]:
    """Per record, the last version the import itself wrote (records it never wrote: 0)."""
    wanted = {(c.entity, c.entity_id) for c in changes if c.op == "update"}
    found: dict[tuple[str, str], int] = {}
    ids = sorted({entity_id for _entity, entity_id in wanted})
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(
                ChangeLogEntry.entity, ChangeLogEntry.entity_id, func.max(ChangeLogEntry.version)
            )
            .where(
                ChangeLogEntry.device_id == IMPORT_DEVICE_ID,
                ChangeLogEntry.entity_id.in_(ids[start : start + 900]),
            )
            .group_by(ChangeLogEntry.entity, ChangeLogEntry.entity_id)
        )
        for entity, entity_id, version in rows:
            found[(entity, entity_id)] = int(version)
    return found


def _household_changes(plan_households: list[Any], state: Any) -> list[RowChange]:
    """``create`` changes for households the server lacks, with their rows (children after)."""
    from desktop.store.registry_import.load import _clean, _income_values, _member_key

    changes: list[RowChange] = []
    for household in plan_households:
        household_id = new_id()
        village_code = household.village_key
        number = household.number

        def add(
            entity: str,
            fields: dict[str, Any],
            entity_id: str | None = None,
            *,
            hid: str = household_id,
            code: str = village_code,
            number: str = number,
        ) -> str:
            rid = entity_id or new_id()
            changes.append(RowChange(entity, rid, "create", fields, hid, code, number))
            return rid

        values = _clean(household.values)
        values["village_id"] = state.division_ids[village_code]
        if household.hamlet_name:
            values["hamlet_id"] = state.hamlets.get(
                (state.division_ids[village_code], household.hamlet_name)
            )
        add("households", values, household_id)
        keys: dict[str, str] = {}
        for member in household.members:
            clean = _clean(member)
            member_id = add("members", {**clean, "household_id": household_id})
            if key := _member_key(clean):
                keys[key] = member_id
        for income in household.incomes:
            add("incomes", {**_income_values(income, state.policy), "household_id": household_id})
        for measure in household.measures:
            add(
                "assistance_measures",
                {
                    **_clean(measure),
                    "household_id": household_id,
                    "member_id": keys.get(measure.get("_member_key") or ""),
                },
            )
    return changes


@dataclass
class _Sent:
    outcomes: dict[str, int]
    refused: list[dict[str, Any]]


def _without_open_conflicts(session: Any, changes: list[RowChange]) -> list[RowChange]:
    """Drop fields whose very value already waits in an open conflict of the import's.

    Importing the same newer export twice must not put the same question to the reviewer twice.
    """
    from desktop.store.sync_apply import WireValueError, canonical_fields

    waiting: dict[tuple[str, str, str], list[Any]] = {}
    for conflict in session.scalars(
        select(Conflict).where(Conflict.device_id == IMPORT_DEVICE_ID, Conflict.status == "open")
    ):
        key = (conflict.entity, conflict.entity_id, conflict.field)
        waiting.setdefault(key, []).append(conflict.incoming_value)
    if not waiting:
        return changes
    kept = []
    for change in changes:
        if change.op == "update":
            try:
                wire = canonical_fields(
                    change.entity, {k: to_wire(v) for k, v in change.fields.items()}
                )
            except WireValueError:
                wire = {}
            fields = {
                name: value
                for name, value in change.fields.items()
                if wire.get(name, object())
                not in waiting.get((change.entity, change.entity_id, name), [])
            }
            if not fields:
                continue
            change.fields = fields
        kept.append(change)
    return kept


def _send(session: Any, changes: list[RowChange]) -> _Sent:
    """Every change through the server's merge as the import device, in batches."""
    changes = _without_open_conflicts(session, changes)
    device = import_device(session)
    # the county's own import may write into any village (a household may move between two)
    villages = set(session.scalars(select(Division.code).where(Division.level == "village")))
    device.villages = sorted(villages | {c.village_code for c in changes})
    bases = _base_versions(session, changes)
    outcomes: dict[str, int] = {}
    refused: list[dict[str, Any]] = []
    edited_at = utcnow().isoformat()
    for start in range(0, len(changes), BATCH):
        chunk = changes[start : start + BATCH]
        first = device.last_acked_seq + 1
        wire = [
            Change(
                change_id=str(uuid.uuid4()),
                device_seq=first + n,
                entity=c.entity,
                entity_id=c.entity_id,
                village_code=c.village_code,
                op=c.op,  # type: ignore[arg-type]
                base_version=bases.get((c.entity, c.entity_id), 0) if c.op == "update" else 0,
                fields={k: to_wire(v) for k, v in c.fields.items()},
                edited_at=edited_at,
            )
            for n, c in enumerate(chunk)
        ]
        request = PushRequest(
            device_id=IMPORT_DEVICE_ID,
            batch_id=f"import-{uuid.uuid4()}",
            first_seq=first,
            changes=wire,
        )
        answer = ingest_batch(session, device, request)
        for change, result in zip(chunk, answer.results, strict=True):
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            if result.outcome == "refused":
                refused.append(
                    {
                        "household_number": change.household_number,
                        "entity": change.entity,
                        "reason": result.message,
                    }
                )
    return _Sent(outcomes, refused)


def import_registry_server(
    database: Database,
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    today: date | None = None,
    lock_timeout: float = IMPORT_LOCK_TIMEOUT,
) -> RegistryImportResult:
    """Import the national system's export into the server (see the module docstring).

    Raises ``desktop.store.registry_import.RegistryFileError`` (nothing written) for an
    unreadable file or a missing sheet or column, ``sync.server.db.WriterBusy`` when the server's
    writer cannot be had.
    """
    started = time.perf_counter()
    paths = list(paths)
    with writer_session(database, timeout=lock_timeout) as session:
        plan, state, policy = plan_for(session, paths, today=today)
        state.policy = policy  # type: ignore[attr-defined]
        diff = diff_plan(session, plan, state, policy)
        first_import = not session.scalar(select(func.count()).select_from(Household))
        result = RegistryImportResult(
            plan,
            new_households=len(diff.new),
            updated_households=diff.updated_households,
            unchanged_households=diff.unchanged,
            changed_fields=sum(len(c.fields) for c in diff.changes),
            new_divisions=sum(
                1 for d in plan.divisions.values() if d.code not in state.division_ids
            ),
            dry_run=dry_run,
        )
        if dry_run:
            session.rollback()
            return result
        conflicts_before = session.scalar(select(func.count()).select_from(Conflict)) or 0
        feed_before = session.scalar(select(func.sum(FeedCounter.last_seq))) or 0
        with paused_gc(), BulkLoader(session) as loader:
            _settle_settings(session, loader, plan)
            write_divisions(loader, plan, state)
            if first_import:
                write_new_households(loader, diff.new, state, policy)
                changes = list(diff.changes)
            else:
                from desktop.store.registry_import.load import hamlet_id

                for household in diff.new:
                    hamlet_id(loader, state, household.village_key, household.hamlet_name)
                changes = _household_changes(diff.new, state) + list(diff.changes)
            loader.finish(actor=IMPORT_DEVICE_NAME, reason=IMPORT_REASON, commit=False)
        sent = _send(session, changes) if changes else _Sent({}, [])
        result.conflicts = (
            session.scalar(select(func.count()).select_from(Conflict)) or 0
        ) - conflicts_before
        result.feed_entries = (
            session.scalar(select(func.sum(FeedCounter.last_seq))) or 0
        ) - feed_before
        result.extra = {"outcomes": sent.outcomes, "refused_changes": sent.refused}
        session.commit()
    result.elapsed_seconds = time.perf_counter() - started
    return result
