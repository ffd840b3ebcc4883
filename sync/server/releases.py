"""A village the county moved away from a laptop: the edits that laptop made before still count.

The county reassigns villages with ``assign_villages`` (the devices page): the device's
``villages`` become the new list, and each village taken from it is remembered as *released*,
with the moment (server time, in ms). Its first laptop may still hold edits to that village it
has not sent: made in the field before the county moved the village, waiting for the evening's
sync. ``released_before`` lets exactly those through ``sync.server.push.authorise``: a change of
that device to that village whose ``edited_at`` (the laptop's hybrid clock, ``ms-counter``) is
not after the release. Every other check stays as for an assigned village (the record must be of
that village, before and after), and the merge runs as usual, so a field the new laptop changed
meanwhile becomes a conflict for the reviewer, never an overwrite. The laptop drops the village
once nothing of it is unsent (``sync.reassign``): "reassignment loses no unsynced edit".

The laptop's clock decides only this, and only for a village that laptop held: a clock behind
lets an edit made after the release through, and it merges like any edit (conflicts to the
reviewer); a clock ahead refuses an edit made before, which stays on the laptop, listed as
refused, and the village with it (nothing is dropped). An edit made after the release is refused
``VILLAGE_NOT_ASSIGNED`` as before.

The releases are kept in the registry's ``settings`` table (``sync.released.<device_id>``: JSON
``{village: ms}``), one row per device that ever lost a village; giving a village back forgets
its release.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from desktop.store.models import Setting
from sync.server.models import Device

RELEASES_KEY = "sync.released."


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def releases(session: Session, device_id: str) -> dict[str, int]:
    """The villages released from the device and when (server time, ms since the epoch)."""
    row = session.get(Setting, RELEASES_KEY + device_id)
    if row is None:
        return {}
    try:
        stored = json.loads(row.value)
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def assign_villages(
    session: Session, device: Device, villages: Iterable[str], *, now_ms: int | None = None
) -> list[str]:
    """Give the device exactly ``villages``; remember each village taken from it as released
    now (the caller commits). The villages released by this call, sorted."""
    chosen = sorted(set(villages))
    taken = sorted(set(device.villages or ()) - set(chosen))
    known = releases(session, device.device_id)
    moment = _now_ms() if now_ms is None else now_ms
    for village in taken:
        known[village] = moment
    for village in chosen:
        known.pop(village, None)
    device.villages = chosen
    key = RELEASES_KEY + device.device_id
    row = session.get(Setting, key)
    if known:
        value = json.dumps(known, sort_keys=True)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    elif row is not None:
        session.delete(row)
    return taken


def edited_ms(edited_at: str) -> int | None:
    """The wall-clock part of a hybrid clock value (``ms-counter``), or ``None`` if malformed."""
    head = edited_at.split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) <= 15 else None


def released_before(session: Session, device: Device, village: str | None, edited_at: str) -> bool:
    """Whether ``village`` was released from the device after an edit made at ``edited_at``."""
    if not village:
        return False
    released = releases(session, device.device_id).get(village)
    made = edited_ms(edited_at)
    return released is not None and made is not None and made <= released
