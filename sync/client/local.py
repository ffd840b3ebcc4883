"""What push and pull read of the laptop's own rows, up front, before they write.

Recording a batch's answers and applying a pulled page read the rows they touch at once (one
``IN`` query per entity, ``LocalRows``) and the unsent edits of those records
(``pending_by_entity``), so a field with an unsent local edit is never overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import OutboxChange, Synced
from desktop.store.sync_apply import model_for

SERVER_ACTOR = "服务器"


class LocalRows:
    """Registry rows of one local transaction, read up front: one ``IN`` query per entity.

    Rows written in the transaction are kept too, so a later change finds a row created earlier
    in the same page before anything is flushed.
    """

    def __init__(self, session: Session, keys: Iterable[tuple[str, str]]) -> None:
        self.session = session
        self.rows: dict[tuple[str, str], Synced | None] = {}
        wanted: dict[str, set[str]] = defaultdict(set)
        for entity, entity_id in keys:
            if model_for(entity) is not None:
                wanted[entity].add(entity_id)
        for entity, ids in wanted.items():
            model = model_for(entity)
            assert model is not None
            ordered = sorted(ids)
            for key in ordered:
                self.rows[(entity, key)] = None
            for start in range(0, len(ordered), 500):
                chunk = ordered[start : start + 500]
                for row in session.scalars(select(model).where(model.id.in_(chunk))):
                    self.rows[(entity, row.id)] = row

    def get(self, model: type[Synced], entity_id: str) -> Any:
        key = (model.__tablename__, entity_id)
        if key not in self.rows:
            self.rows[key] = self.session.get(model, entity_id)
        return self.rows[key]

    def put(self, entity: str, entity_id: str, row: Synced) -> None:
        self.rows[(entity, entity_id)] = row


def pending_by_entity(
    session: Session, entity_ids: Iterable[str]
) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Unsent outbox changes (``(device_seq, fields)``) of the given records, read at once."""
    ids = sorted(set(entity_ids))
    out: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for entity_id, seq, fields in session.execute(
            select(OutboxChange.entity_id, OutboxChange.device_seq, OutboxChange.fields).where(
                OutboxChange.entity_id.in_(chunk), OutboxChange.state == "pending"
            )
        ):
            out[entity_id].append((seq, fields))
    return out
