"""Pull: the feed of each assigned village, page by page, written by the one writer.

``pull()`` pages the feed of each assigned village from its ``SyncState.cursor``; each page is
applied and the cursor advanced in one local transaction on the database's one writer
(``Database.writer``), so a pull killed halfway just runs again. Fields with unsent local edits
are not overwritten (``sync.merge.fields_to_take``). A page whose single flush hits a constraint
error is applied again change by change to name the change at fault. Writes into the registry go
through ``desktop.store.sync_apply`` (booked with the remote device as actor and reason 同步).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from desktop.store.db import registry_writer
from desktop.store.models import SyncState, utcnow
from desktop.store.sync_apply import (
    SYNC_WRITER,
    household_id_of,
    model_for,
    reindex,
    write_remote_fields,
)
from sync.client.local import SERVER_ACTOR, LocalRows, pending_by_entity
from sync.client.transport import SETTING_VILLAGES, Cancel, SyncError, Transport
from sync.merge import fields_to_take, pull_is_news, version_after_pull
from sync.protocol import DEFAULT_PULL_LIMIT, PULL_PATH, ErrorCode, PullResponse, error_message


@dataclass
class PullReceipt:
    """What one pull did: pages fetched, feed entries written, the cursor of each village."""

    pages: int = 0
    changes: int = 0
    skipped: int = 0
    cursors: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False


class Pulling(Transport):
    """Fetch the assigned villages' feeds and apply them."""

    def pull(
        self,
        progress: Callable[[str, int], None] | None = None,
        cancel: Cancel | None = None,
        *,
        limit: int = DEFAULT_PULL_LIMIT,
    ) -> PullReceipt:
        """Fetch and apply the feed of every assigned village; see the module docstring.

        ``progress(village, cursor)`` is called after each page; ``cancel()`` before each page.
        """
        _device_id, token, url = self._credentials()
        villages = json.loads(self._settings().get(SETTING_VILLAGES, "[]"))
        receipt = PullReceipt()
        for village in villages:
            with self.db.session() as session:
                state = session.get(SyncState, village)
                cursor = state.cursor if state is not None else 0
            while True:
                if cancel is not None and cancel():
                    receipt.cancelled = True
                    return receipt
                response = self._request(
                    "GET",
                    url,
                    PULL_PATH,
                    params={"village": village, "since": cursor, "limit": limit},
                    headers=self._auth_headers(token),
                )
                page = PullResponse.model_validate_json(response.content)
                written, skipped = self._apply_page(village, page)
                receipt.pages += 1
                receipt.changes += written
                receipt.skipped += skipped
                cursor = page.next_since
                receipt.cursors[village] = cursor
                if progress is not None:
                    progress(village, cursor)
                if not page.has_more:
                    break
        return receipt

    def _apply_page(self, village: str, page: PullResponse) -> tuple[int, int]:
        """Apply one page and move the village's cursor, in one local transaction on the
        database's one writer.

        The page's rows are read up front and flushed once; if that flush fails, the page is
        applied again change by change so the error names the feed entry at fault.
        """
        return self.db.writer.call(self._apply_page_now, village, page)

    def _apply_page_now(self, village: str, page: PullResponse) -> tuple[int, int]:
        try:
            return self._apply_page_once(village, page, careful=False)
        except SQLAlchemyError:
            return self._apply_page_once(village, page, careful=True)

    def _apply_page_once(
        self, village: str, page: PullResponse, *, careful: bool
    ) -> tuple[int, int]:
        written = skipped = 0
        with (
            self.db.session() as session,
            registry_writer(session, SYNC_WRITER),
            session.no_autoflush,
        ):
            local = LocalRows(session, ((c.entity, c.entity_id) for c in page.changes))
            pending = pending_by_entity(session, (c.entity_id for c in page.changes))
            households: set[str] = set()
            for change in page.changes:
                model = model_for(change.entity)
                if model is None:  # an entity a newer server knows: nothing to write it into
                    skipped += 1
                    continue
                row = local.get(model, change.entity_id)
                local_version = row.version if row is not None else 0
                if row is not None and not pull_is_news(local_version, change.version):
                    skipped += 1
                    continue
                unsent = {
                    name for _seq, fields in pending.get(change.entity_id, ()) for name in fields
                }
                take = fields_to_take(change.fields, unsent)
                try:
                    obj = write_remote_fields(
                        session,
                        change.entity,
                        change.entity_id,
                        take,
                        version=version_after_pull(local_version, change.version),
                        actor=change.origin or SERVER_ACTOR,
                        change_id=change.change_id,
                        row=row,
                        looked_up=True,
                        flush=careful,
                        lookup=local.get,
                    )
                except (SQLAlchemyError, ValueError) as exc:
                    if not careful and isinstance(exc, SQLAlchemyError):
                        raise
                    raise SyncError(
                        ErrorCode.INTEGRITY,
                        f"{error_message(ErrorCode.INTEGRITY)}"
                        f"(第 {change.server_seq} 条: {change.entity} {change.entity_id})",
                        details={"server_seq": change.server_seq, "error": str(exc)[:300]},
                    ) from exc
                local.put(change.entity, change.entity_id, obj)
                household_id = household_id_of(session, obj, lookup=local.get)
                if household_id:
                    households.add(household_id)
                written += 1
            state = session.get(SyncState, village)
            if state is None:
                state = SyncState(village_code=village, cursor=0)
                session.add(state)
            state.cursor = max(state.cursor or 0, page.next_since)
            state.pulled_at = utcnow()
            session.flush()
            reindex(session, households)
            session.commit()
        return written, skipped
