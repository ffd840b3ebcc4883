"""Recording a reviewer's verdict from the web page: a ``household_reviews`` row through the feed.

Like a conflict's decision (``sync.server.web.resolve``), the review is the staff account's own
device's next change, so it goes through ``sync.server.push.ingest_batch``: bounded by the field
table, authorised by the device's role (a reviewer's), booked in the household's book and put in
the change feed, where the village's laptops pull it at their next sync.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from desktop.domain.clock import SYSTEM_CLOCK
from desktop.domain.reviews import review_problem
from desktop.store.models import new_id
from desktop.store.save import to_wire
from sync.protocol import Change, PushRequest
from sync.server.push import ingest_batch
from sync.server.web.accounts import Staff
from sync.server.web.resolve import ResolveFailed, web_device

ReviewFailed = ResolveFailed
"""The review was not recorded; ``message`` says why in Chinese."""


def record_review(
    session: Session,
    staff: Staff,
    household_id: str,
    village_code: str,
    verdict: str,
    comment: str | None,
) -> str:
    """Write the review (the caller holds the writer, checked the household is in the staff's
    scope, and commits); returns the review's id."""
    if problem := review_problem(verdict, comment):
        raise ReviewFailed(problem)
    device = web_device(session, staff)
    device.villages = [village_code]
    review_id = new_id()
    fields = {
        "household_id": household_id,
        "verdict": verdict,
        "comment": (comment or "").strip() or None,
        "reviewer": staff.name,
        "reviewed_at": to_wire(SYSTEM_CLOCK.now().replace(microsecond=0)),
    }
    answer = ingest_batch(
        session,
        device,
        PushRequest(
            device_id=device.device_id,
            batch_id=review_id,
            first_seq=device.last_acked_seq + 1,
            changes=[
                Change(
                    change_id=review_id,
                    device_seq=device.last_acked_seq + 1,
                    entity="household_reviews",
                    entity_id=review_id,
                    village_code=village_code,
                    op="create",
                    base_version=0,
                    fields=fields,
                    edited_at=datetime.now(UTC).isoformat(),
                )
            ],
        ),
    )
    result = answer.results[0]
    device.villages = []
    if result.outcome not in ("applied", "merged"):
        raise ReviewFailed(result.message or f"未能写入 ({result.outcome})")
    return review_id
