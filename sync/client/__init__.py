"""The laptop's side of sync: enroll once, then push the outbox and pull the assigned villages.

``SyncClient(db, base_url)`` works on an open laptop database (``desktop.store.db.open_database``)
and is made of one part per job, each a module of this package:

- ``transport``: HTTP through httpx, retries and backoff, ``SyncError``, the kept settings;
- ``enrolment``: ``enroll(code)`` and ``status()``;
- ``push``: ``push()`` sends the outbox in batches, ``export_bundle``/``relay_bundle`` by USB;
- ``pull``: ``pull()`` applies the assigned villages' feeds;
- ``reviewer``: ``conflicts()``, ``resolve(…)`` and ``report(kind)`` for the township reviewer;
- ``local``: the laptop's rows and unsent edits that push and pull read up front.

Every write into the laptop's database that push and pull make runs on the database's one writer
(``Database.writer``, ``desktop.store.writer``), so the laptop has one writer.
"""

from __future__ import annotations

from sync.client.enrolment import Enrolling
from sync.client.pull import Pulling, PullReceipt
from sync.client.push import Pushing, Receipt
from sync.client.reviewer import Reviewing
from sync.client.transport import Cancel, Progress


class SyncClient(Enrolling, Pushing, Pulling, Reviewing):
    """Enrol, push, pull and review for one laptop database (see the package docstring)."""

    def sync(
        self, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> tuple[Receipt, PullReceipt]:
        """Push, then pull: the end-of-day routine at the township office."""
        receipt = self.push(progress=progress, cancel=cancel)
        pulled = self.pull(cancel=cancel)
        return receipt, pulled
