"""The departments' assistance measures (guide Q14) imported on the server, through the feed.

The file is read, matched and checked by ``desktop.store.exchange.assistance_import``'s
``preview_assistance_import`` (the CLI's ``import-assistance`` preview, unchanged). The preview's
new measures are not saved straight into the tables as on a laptop: each becomes a ``create``
change of the server's import device and goes through ``sync.server.push.ingest_batch``, the merge
a laptop's push goes through (as the registry upload in ``sync.server.registry_import`` does), so
the laptops receive them at their next sync. The file is read again under the server's one
writer, in the same transaction as the writes: rows recorded since the preview are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop.store.db import Database
from desktop.store.exchange.assistance_import import AssistancePreview, preview_assistance_import
from desktop.store.models import Division, Household, new_id
from desktop.store.registry_import.load import RowChange
from sync.server.db import writer_session
from sync.server.models import FeedCounter
from sync.server.registry_import import IMPORT_LOCK_TIMEOUT, _send


@dataclass
class AssistanceImport:
    """A preview, and once committed what reached the feed."""

    preview: AssistancePreview
    dry_run: bool
    feed_entries: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    refused: list[dict[str, Any]] = field(default_factory=list)

    @property
    def households(self) -> int:
        return len({m.household_id for m in self.preview.new})


def _measure_changes(session: Any, preview: AssistancePreview) -> list[RowChange]:
    """One ``create`` per new measure, with the fields the laptop's import gives it."""
    household_ids = sorted({m.household_id for m in preview.new})
    villages: dict[str, str] = {}
    for start in range(0, len(household_ids), 900):
        for household_id, code in session.execute(
            select(Household.id, Division.code)
            .join(Division, Household.village_id == Division.id)
            .where(Household.id.in_(household_ids[start : start + 900]))
        ):
            villages[household_id] = code
    return [
        RowChange(
            "assistance_measures",
            new_id(),
            "create",
            {
                "household_id": m.household_id,
                "member_id": m.member_id,
                "year": m.year,
                "category": m.category,
                "item": m.item,
                "description": m.description,
                "amount": m.amount,
                "department": m.department,
                "received": True,
            },
            m.household_id,
            villages[m.household_id],
            m.household_number,
        )
        for m in preview.new
    ]


def import_assistance_server(
    database: Database,
    path: str | Path,
    *,
    dry_run: bool = False,
    lock_timeout: float = IMPORT_LOCK_TIMEOUT,
) -> AssistanceImport:
    """Preview a department's measures (``dry_run``: nothing written) or import them by the feed.

    Raises ``desktop.store.exchange.columns.ExchangeError`` (nothing written) for a file that
    cannot be read, ``sync.server.db.WriterBusy`` when the server's writer cannot be had.
    """
    if dry_run:
        with database.session() as session:
            preview = preview_assistance_import(session, path)
            session.rollback()
        return AssistanceImport(preview, dry_run=True)
    with writer_session(database, timeout=lock_timeout) as session:
        preview = preview_assistance_import(session, path)
        result = AssistanceImport(preview, dry_run=False)
        if preview.new:
            feed_before = session.scalar(select(func.sum(FeedCounter.last_seq))) or 0
            sent = _send(session, _measure_changes(session, preview))
            result.outcomes, result.refused = sent.outcomes, sent.refused
            result.feed_entries = (
                session.scalar(select(func.sum(FeedCounter.last_seq))) or 0
            ) - feed_before
        session.commit()
    return result
