"""A reviewer's verdict on a household (issue 17): the words and bounds of a review.

The township reviewer or the county office looks at a household's changes on the web pages and
either accepts them (通过) or returns them (退回) with a comment saying what to fix. The review
reaches the village's laptops at their next sync; a returned household stays marked as returned
there until it is changed again. This module knows nothing of the database.
"""

from __future__ import annotations

ACCEPTED = "accepted"
RETURNED = "returned"
VERDICTS = (ACCEPTED, RETURNED)
VERDICT_LABELS = {ACCEPTED: "通过", RETURNED: "退回"}
COMMENT_MAX_CHARS = 500
"""A review's comment is a few sentences: what to check or fix."""
REVIEWER_DEVICE_ROLES = ("reviewer", "admin")
"""The device roles whose pushes may carry reviews (a field laptop's never do)."""


def review_problem(verdict: str, comment: str | None) -> str | None:
    """Why a review cannot be recorded as given (in Chinese), or ``None`` when it can."""
    if verdict not in VERDICTS:
        return "请选择通过或退回"
    text = (comment or "").strip()
    if verdict == RETURNED and not text:
        return "退回时请写明要修改什么"
    if len(text) > COMMENT_MAX_CHARS:
        return f"审核意见最多 {COMMENT_MAX_CHARS} 个字"
    return None
