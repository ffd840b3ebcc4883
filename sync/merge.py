"""The field-level three-way merge, shared by the server (push) and the laptop (pull), as pure functions.

The server keeps, per record, its ``version`` and the version at which each field last changed
(``field_versions``, after cr-sqlite). An incoming change names the version it started from
(``base_version``) and only the fields it changed. Per field (../shared/SYNC.md):

- ``apply``    the record did not move since the edit started (``base_version == version``);
- ``merged``   the record moved, but not this field: the incoming value is written;
- ``equal``    the field moved, to the very value that comes in: nothing to do;
- ``conflict`` the field moved to another value: the server value stays, the incoming value goes
  to the conflicts list for the township reviewer. Nothing is ever lost.

A device's own earlier changes never count against it. The server keeps, per field, which device
wrote it last (``field_writers``); a laptop's outbox goes up in the order it was written, so a
change has always seen the same device's earlier changes, even those with the same
``base_version`` (a worker who corrects a phone number twice before syncing sends two changes
based on one version). Only moves by *other* writers since the base make a change stale.

A delete based on a stale version is a conflict as a whole and the record stays (unless the
record is already deleted: two deletes agree). An edit of a record that was deleted after the
edit's base is a conflict field by field (the record stays deleted; the reviewer may undo the
delete). Members, incomes and the other child rows are records of their own, so two workers
editing two members of one household never meet here.

Values must be compared in one canonical form (``desktop.store.sync_apply.canonical_fields``):
``"6000"`` and ``"6000.00"`` are the same money.

The laptop side has two small rules, here too so the hypothesis model of the whole system runs
the very code the client runs: a pulled change never overwrites a field the laptop has an
unsent edit of (``fields_to_take``), and the laptop's record version only moves to a version whose
whole state it has seen (``version_after_push``, ``version_after_pull``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sync.protocol import ErrorCode

DELETED = "deleted"


class FieldDecision(StrEnum):
    """What happens to one incoming field."""

    APPLY = "apply"
    MERGED = "merged"
    EQUAL = "equal"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class RecordState:
    """The server's record as the merge sees it (values in canonical wire form)."""

    version: int
    values: Mapping[str, Any]
    field_versions: Mapping[str, int] = field(default_factory=dict)
    deleted: bool = False
    field_writers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MergeResult:
    """The decision for one incoming change.

    ``outcome`` is ``applied`` / ``merged`` / ``conflict`` / ``refused`` (then ``reason`` says
    why). ``to_write`` are the incoming fields to write; ``conflicts`` maps a field to
    ``(server value, incoming value)``. ``version``, ``field_versions`` and ``field_writers`` are
    the record's after the change: the version moves by one when anything is written, and not at
    all otherwise.
    """

    outcome: str
    decisions: dict[str, FieldDecision]
    to_write: dict[str, Any]
    conflicts: dict[str, tuple[Any, Any]]
    version: int
    field_versions: dict[str, int]
    reason: ErrorCode | None = None
    field_writers: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether the change writes anything (and so gets a new version and a feed entry)."""
        return bool(self.to_write)


def _refused(reason: ErrorCode, record: RecordState | None) -> MergeResult:
    return MergeResult(
        outcome="refused",
        decisions={},
        to_write={},
        conflicts={},
        version=record.version if record else 0,
        field_versions=dict(record.field_versions) if record else {},
        reason=reason,
        field_writers=dict(record.field_writers) if record else {},
    )


def merge_change(
    record: RecordState | None,
    *,
    op: str,
    base_version: int,
    fields: Mapping[str, Any],
    writer: str | None = None,
) -> MergeResult:
    """Decide per field what an incoming change does to the server's record.

    ``record`` is ``None`` when the server has no such record: a ``create`` is applied as it is
    (version 1), an update or delete is refused (``RECORD_NOT_FOUND``). A ``base_version`` above
    the server's version is refused (``BASE_VERSION_AHEAD``): the server must have lost data.
    ``writer`` names the device the change comes from: fields it wrote itself since the base are
    not news to it (see the module docstring); ``None`` treats every move as another's.
    """
    incoming = dict(fields)
    if op == "delete":
        incoming[DELETED] = True
    if record is None:
        if op != "create":
            return _refused(ErrorCode.RECORD_NOT_FOUND, None)
        decisions = dict.fromkeys(incoming, FieldDecision.APPLY)
        return MergeResult(
            outcome="applied",
            decisions=decisions,
            to_write=incoming,
            conflicts={},
            version=1,
            field_versions=dict.fromkeys(incoming, 1),
            field_writers=dict.fromkeys(incoming, writer) if writer else {},
        )
    if base_version > record.version:
        return _refused(ErrorCode.BASE_VERSION_AHEAD, record)

    def moved_by_other(name: str) -> bool:
        if record.field_versions.get(name, 0) <= base_version:
            return False
        return writer is None or record.field_writers.get(name) != writer

    moved = [name for name, v in record.field_versions.items() if v > base_version]
    # stale: the record moved since the base by someone else (or by writes nobody recorded)
    stale = base_version < record.version and (
        not moved or any(moved_by_other(name) for name in moved)
    )
    deleted_since_base = record.deleted and moved_by_other(DELETED)
    whole_change_conflicts = (stale and op == "delete") or deleted_since_base

    decisions: dict[str, FieldDecision] = {}
    for name, value in incoming.items():
        server_value = record.deleted if name == DELETED else record.values.get(name)
        if value == server_value:
            decisions[name] = FieldDecision.EQUAL
        elif whole_change_conflicts or moved_by_other(name):
            decisions[name] = FieldDecision.CONFLICT
        else:
            decisions[name] = FieldDecision.MERGED if stale else FieldDecision.APPLY

    to_write = {
        name: incoming[name]
        for name, decision in decisions.items()
        if decision in (FieldDecision.APPLY, FieldDecision.MERGED)
    }
    conflicts = {
        name: (record.deleted if name == DELETED else record.values.get(name), incoming[name])
        for name, decision in decisions.items()
        if decision is FieldDecision.CONFLICT
    }
    version = record.version + 1 if to_write else record.version
    field_versions = dict(record.field_versions)
    field_versions.update(dict.fromkeys(to_write, version))
    field_writers = dict(record.field_writers)
    for name in to_write:
        if writer:
            field_writers[name] = writer
        else:
            field_writers.pop(name, None)
    if conflicts:
        outcome = "conflict"
    elif stale:
        outcome = "merged"
    else:
        outcome = "applied"
    return MergeResult(
        outcome=outcome,
        decisions=decisions,
        to_write=to_write,
        conflicts=conflicts,
        version=version,
        field_versions=field_versions,
        field_writers=field_writers,
    )


# --- the laptop's side ---------------------------------------------------------------------------


def fields_to_take(feed_fields: Mapping[str, Any], pending: Iterable[str]) -> dict[str, Any]:
    """The fields of a pulled change the laptop writes: all but those it has unsent edits of.

    An unsent local edit is newer knowledge of the worker at the laptop; it goes to the server on
    the next push and is merged there, where the server decides (possibly a conflict).
    """
    keep = set(pending)
    return {name: value for name, value in feed_fields.items() if name not in keep}


def version_after_pull(local_version: int, feed_version: int) -> int:
    """A pulled change moves the laptop's version forward, never back."""
    return max(local_version, feed_version)


def pull_is_news(local_version: int, feed_version: int) -> bool:
    """Whether a pulled change is newer than what the laptop's row already reflects."""
    return feed_version > local_version


def version_after_push(
    local_version: int, *, base_version: int, outcome: str, result_version: int | None
) -> int:
    """The laptop's version of a record after the server answered one of its changes.

    Only an ``applied`` change whose base is the laptop's current version moves it: then the
    server's new version holds nothing the laptop has not seen. After ``merged`` or ``conflict``
    the server's version includes other devices' edits that reach the laptop by pull; taking that
    version now would let the laptop's next edit overwrite them unseen.
    """
    if outcome == "applied" and result_version is not None and local_version == base_version:
        return max(local_version, result_version)
    return local_version
