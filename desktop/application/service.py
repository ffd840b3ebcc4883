"""``Fieldbook``: the laptop's operations over one open database, for the GUI and for scripts.

It owns what every operation needs and no screen should carry: the open ``Database`` (replaced
in place after a lock or a restore, ``rebind``), the clock (``desktop.domain.clock``), the
signed-in person (the actor of every book entry) and their role (whether internal lists show).

Reads run in the caller's thread, each in a session of its own, so a screen runs them in its task
runner. Writes run on the database's one writer (``Database.writer``, ``desktop.store.writer``):
called from any thread, they wait for their turn there, so the GUI's saves, its drafts, the
committee's location, card issues and backups never meet the sync's writes on SQLite's lock.
Each write returns an ``Outcome``: its result and the ``OpChanges`` it made. Whoever started it
hands the changes to ``notify`` on its own thread, and every listener (``subscribe``) refreshes
what it shows.

The database is read when an operation runs, not when it was asked for: a job that runs after the
app was locked meets the locked stand-in and its ``DatabaseLocked``, never the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from desktop.application.changes import Kind, OpChanges, Outcome
from desktop.domain.clock import Clock, as_clock
from desktop.domain.roles import Role, may_see_internal_lists

if TYPE_CHECKING:  # the store pulls in SQLAlchemy: importing this layer must stay cheap
    from sqlalchemy.orm import Session

    from desktop.cards.records import Cancelled, Progress
    from desktop.domain.problems import Problem
    from desktop.location.apply import LocationChoice, LocationContext
    from desktop.store.db import Database
    from desktop.store.drafts import DraftData
    from desktop.store.household_edit import FormData, SavedForm
    from desktop.store.problems import ProblemList
    from desktop.store.queries import HouseholdDetail

T = TypeVar("T")
Listener = Callable[[OpChanges], None]


class Refused(Exception):
    """An operation refused what it was given; the message (Chinese) is fit to show as it is."""


class NothingToPrint(Exception):
    """A document would be empty; the message (Chinese) says why."""


class NoticeDatesNeeded(Exception):
    """The publicity list needs its notice's first and last day (the message says why)."""


@dataclass(frozen=True)
class WorkingYear:
    """The database's working policy year, and the demo's practice day (None for real data)."""

    year: int
    practice_date: date | None


@dataclass(frozen=True)
class Restored:
    """A restore's answer: its result or its error, and the database opened again either way."""

    result: Any
    error: BaseException | None
    db: Database


class Fieldbook:
    """The open database, the clock and the signed-in person, and the operations on them."""

    def __init__(
        self,
        db: Database,
        *,
        user: str,
        role: Role | str = Role.FIELD_WORKER,
        clock: Clock | Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.user = user
        self.role = Role(role)
        self._clock: Clock = as_clock(clock or datetime.now)
        self._listeners: list[Listener] = []

    # --- who, when, which database ---------------------------------------------------------------

    @property
    def internal(self) -> bool:
        """Whether this person sees the internal lists (marginal and monitored households, Q6)."""
        return may_see_internal_lists(self.role)

    @property
    def clock(self) -> Clock:
        """The app's now: the real clock, a demo's practice day, or a test's moment."""
        return self._clock

    @clock.setter
    def clock(self, value: Clock | Callable[[], datetime] | datetime | date) -> None:
        self._clock = as_clock(value)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().date()

    def rebind(self, db: Database) -> None:
        """Use ``db`` from now on (opened again after the PIN, or after a restore)."""
        self.db = db

    # --- announcing changes --------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(changes)`` after each announced write; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def notify(self, changes: OpChanges) -> None:
        """Tell every listener what changed (in the caller's thread: the GUI's, for screens)."""
        if changes.empty:
            return
        for listener in list(self._listeners):
            listener(changes)

    # --- the two ways in -----------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session of its own on the current database (for a read)."""
        with self.db.session() as session:
            yield session

    def read(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``query(session, *args, **kwargs)`` in a session of its own, in this thread."""
        with self.db.session() as session:
            return query(session, *args, **kwargs)

    def write(self, job: Callable[[], T]) -> T:
        """Run ``job`` on the database's one writer and wait for it (its error is raised here).

        From the writer's own thread the job runs at once; a stand-in without a writer (the
        locked database) runs it here, where its session refuses.
        """
        writer = getattr(self.db, "writer", None)
        if writer is None:
            return job()
        return writer.call(job)

    def write_in_session(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``command(session, *args, **kwargs)`` in a session of its own, on the writer."""

        def job() -> T:
            with self.db.session() as session:
                return command(session, *args, **kwargs)

        return self.write(job)

    # --- reads ---------------------------------------------------------------------------------

    def working_year(self) -> WorkingYear:
        """The database's working policy year and the demo's practice day; printed pages carry
        演示 from now on when there is one."""
        from desktop.cards.pdf import set_practice_mark
        from desktop.store.settings import practice_date, working_policy

        with self.db.session() as session:
            found = WorkingYear(working_policy(session).year, practice_date(session))
        set_practice_mark(found.practice_date is not None)
        return found

    def work_start(self) -> date:
        """The first day of the working policy year's field work (the 走访 filters count from it)."""
        from desktop.store.settings import working_policy

        with self.db.session() as session:
            return working_policy(session).work_start

    def households_with_open_problems(self, village_ids: list[str] | None) -> list[str]:
        """Households (of these villages, else all) with problems neither fixed nor explained."""
        from desktop.store.problems import households_with_open_problems

        return self.read(
            households_with_open_problems, village_ids=village_ids, internal=self.internal
        )

    def unsynced_count(self) -> int:
        from desktop.store.queries import unsynced_count

        return self.read(unsynced_count)

    def household_detail(self, household_id: str) -> HouseholdDetail | None:
        from desktop.store.queries import household_detail

        return self.read(household_detail, household_id, internal=self.internal)

    def drafts(self) -> list[DraftData]:
        """This person's drafts, newest first."""
        from desktop.store.drafts import list_drafts

        return self.read(list_drafts, user_name=self.user)

    def resolve_household_number(self, text: str) -> str | None:
        from desktop.store.household_edit import resolve_household_number

        return self.read(resolve_household_number, text)

    def load_form(
        self, household_id: str | None, *, key: str, village_id: str | None = None
    ) -> FormData:
        """A household's form payload (or a new one's), its book, its draft and its context."""
        from desktop.store.household_edit import load_form

        return self.read(
            load_form,
            household_id=household_id,
            key=key,
            internal=self.internal,
            village_id=village_id,
        )

    def outside_enrolment(self, village_id: str | None) -> tuple[str, list[str]] | None:
        """The village's name and the laptop's villages when ``village_id`` is not one of them."""
        from desktop.store.scope import outside_enrolment

        return self.read(outside_enrolment, village_id)

    def division_options(self) -> list[Any]:
        """The villages and hamlets a new household may belong to."""
        from desktop.store.household_edit import division_options

        return self.read(division_options)

    def next_household_number(self, village_id: str) -> str | None:
        """The next free household number of a village."""
        from desktop.store.household_edit import next_household_number

        return self.read(next_household_number, village_id)

    def committee_location_context(self, village_id: str) -> LocationContext:
        """What the location dialog shows of a village committee's current point."""
        from desktop.location.apply import context_for_village
        from desktop.store.models import Division

        with self.db.session() as session:
            return context_for_village(session.get(Division, village_id))

    # --- households ----------------------------------------------------------------------------

    def save_form(
        self, payload: Mapping[str, Any], *, reason: str | None, key: str | None = None
    ) -> Outcome[SavedForm]:
        """Save a form's payload through the one save path (``save_household``), on the writer.

        Refused with ``SaveRefused`` or ``FormInvalid``, nothing written.
        """
        from desktop.store.household_edit import save_form

        saved = self.write_in_session(
            save_form,
            payload,
            actor=self.user,
            reason=reason,
            internal=self.internal,
            key=key,
            clock=self.clock,
        )
        kinds = [Kind.HOUSEHOLDS, Kind.MEMBERS, Kind.SYNC, Kind.DRAFTS]
        if payload.get("operations"):
            kinds.append(Kind.OPERATIONS)
        return Outcome(saved, OpChanges.of(*kinds, households=[saved.household_id]))

    def save_draft(
        self, key: str, payload: dict[str, Any], *, household_id: str | None
    ) -> Outcome[DraftData]:
        """Keep a form's payload as this person's draft (on this laptop only, never synced)."""
        from desktop.store.drafts import save_draft

        draft = self.write_in_session(
            save_draft, key, payload, household_id=household_id, user_name=self.user
        )
        return Outcome(draft, OpChanges.of(Kind.DRAFTS))

    def delete_draft(self, key: str) -> Outcome[bool]:
        from desktop.store.drafts import delete_draft

        deleted = self.write_in_session(delete_draft, key)
        return Outcome(deleted, OpChanges.of(Kind.DRAFTS) if deleted else OpChanges())

    # --- villages ------------------------------------------------------------------------------

    def save_committee_location(
        self, village_id: str, choice: LocationChoice, *, reason: str
    ) -> Outcome[bool]:
        """Keep a village committee's point (Q18), booked and queued through ``save_village_rows``.

        Whether anything changed; ``Refused`` when the choice cannot be applied to a village.
        """
        from desktop.location.apply import LocationChoiceError, apply_to_village
        from desktop.store.models import Division
        from desktop.store.save import save_village_rows

        def job() -> bool:
            with self.db.session() as session:
                division = session.get(Division, village_id)
                if not apply_to_village(division, choice):
                    return False
                save_village_rows(session, division, [division], actor=self.user, reason=reason)
                return True

        try:
            changed = self.write(job)
        except LocationChoiceError as exc:
            raise Refused(str(exc)) from exc
        changes = (
            OpChanges.of(Kind.VILLAGES, Kind.SYNC, villages=[village_id])
            if changed
            else OpChanges()
        )
        return Outcome(changed, changes)

    def village_problem_list(self, village_id: str) -> ProblemList:
        """The audit of a village now: its problem list, with the explanations kept."""
        from desktop.store.problems import village_problem_list

        return self.read(village_problem_list, village_id, internal=self.internal)

    def explain_problem(
        self, household_id: str, problem: Problem, explanation: str
    ) -> Outcome[Any]:
        """Keep a reviewer's explanation of a warning the audit finds now (booked, queued).

        ``Refused`` (its message fit to show) for an empty explanation, an error, or a problem
        the audit no longer finds.
        """
        from desktop.store.problems import ProblemNoteError, explain_problem

        try:
            note = self.write_in_session(
                explain_problem,
                household_id=household_id,
                rule_code=problem.code,
                entity_id=problem.entity_id,
                explanation=explanation,
                actor=self.user,
            )
        except ProblemNoteError as exc:
            raise Refused(str(exc)) from exc
        return Outcome(note, OpChanges.of(Kind.SYNC, households=[household_id]))

    # --- printing ------------------------------------------------------------------------------

    def print_village_cards(
        self,
        village_id: str,
        out: Path,
        *,
        empty: str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Outcome[Any]:
        """The QR cards of a village's registered households (Q12); a first print registers the
        issues, so the run is a write. ``NothingToPrint(empty)`` when the village has none."""
        from desktop.cards.data import card_household_ids
        from desktop.cards.service import print_cards

        def job() -> Any:
            with self.db.session() as session:
                ids = card_household_ids(session, village_id)
                if not ids:
                    raise NothingToPrint(empty)
                return print_cards(
                    session, ids, out, actor=self.user, progress=progress, cancelled=cancelled
                )

        return self._card_outcome(self.write(job), villages=[village_id])

    def reprint_card(
        self,
        household_id: str,
        out: Path,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Outcome[Any]:
        """A household's card again, as a new issue that revokes the older cards."""
        from desktop.cards.service import print_cards

        result = self.write_in_session(
            print_cards,
            [household_id],
            out,
            actor=self.user,
            reprint=True,
            progress=progress,
            cancelled=cancelled,
        )
        return self._card_outcome(result, households=[household_id])

    @staticmethod
    def _card_outcome(result: Any, **where: Any) -> Outcome[Any]:
        if not result.issued:
            return Outcome(result)
        return Outcome(result, OpChanges.of(Kind.CARDS, Kind.SYNC, **where))

    def print_publicity_list(
        self,
        village_id: str,
        out: Path,
        *,
        start: date | None = None,
        end: date | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Any:
        """A village's publicity list (``NoticeDatesNeeded`` when the notice's dates are wanting
        or too short)."""
        from desktop.cards import data, documents

        with self.db.session() as session:
            try:
                publicity = data.publicity_list(session, village_id, start=start, end=end)
            except data.NoticeDatesError as exc:
                raise NoticeDatesNeeded(str(exc)) from exc
        return documents.build_publicity_list(
            publicity, out, progress=progress, cancelled=cancelled
        )

    def print_problem_list(
        self,
        village_id: str,
        out: Path,
        *,
        on: date,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Any:
        """A village's problem list on paper (internal problems only for roles that see them)."""
        from desktop.cards import data, documents

        with self.db.session() as session:
            problems = data.problem_list(session, village_id, on=on, internal=self.internal)
        return documents.build_problem_list(problems, out, progress=progress, cancelled=cancelled)

    def print_day_report(
        self,
        out: Path,
        *,
        on: date,
        village_ids: list[str] | None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Any:
        """A day's field report, of some villages or of every village here."""
        from desktop.cards import data, documents

        with self.db.session() as session:
            report = data.day_report(session, on, village_ids=village_ids)
        return documents.build_day_report(report, out, progress=progress, cancelled=cancelled)

    def print_household_book(
        self,
        household_id: str,
        out: Path,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Any:
        """A household's book (一簿); internal entries only for roles that see them."""
        from desktop.cards import data, documents

        with self.db.session() as session:
            book = data.household_book(session, household_id, internal=self.internal)
        return documents.build_household_book(book, out, progress=progress, cancelled=cancelled)

    # --- backup and restore --------------------------------------------------------------------

    def database_file(self) -> Path | None:
        """The SQLite file behind the database (None for PostgreSQL, in memory, or locked)."""
        from desktop.store.backup import database_path

        try:
            return database_path(self.db.engine)
        except Exception:  # noqa: BLE001 - the locked stand-in has no engine: no file
            return None

    @staticmethod
    def backup_folder_of(db_path: Path) -> Path:
        """Where the backups of the database at ``db_path`` go unless the database names a folder."""
        from desktop.store.backup import default_backup_folder

        return default_backup_folder(db_path)

    def backup_now(self) -> Any:
        """Back the database up into its backup folder now, between two writes."""
        from desktop.store.backup import backup_now

        db = self.db
        return self.write(lambda: backup_now(db))

    def daily_backup(self) -> Any:
        """The day's first backup if it is due (None when it is not)."""
        from desktop.store.backup import daily_backup_if_due

        db = self.db
        return self.write(lambda: daily_backup_if_due(db))

    def database_key(self) -> bytes | None:
        """The key of the open (encrypted) database, to open it, or a backup, again."""
        from desktop.store.crypto import key_from_engine

        return key_from_engine(self.db.engine)

    @staticmethod
    def restore_and_reopen(backup: Path, db_path: Path, *, key: bytes | None) -> Restored:
        """Restore ``backup`` in place of the (closed) database at ``db_path`` and open it again.

        A failed restore leaves the database as it was (the store backs it up first); it is
        opened again either way. The caller rebinds to ``Restored.db`` and announces
        ``OpChanges.everything()``.
        """
        from desktop.store.backup import restore_backup
        from desktop.store.db import open_database

        result, error = None, None
        try:
            result = restore_backup(backup, db_path, key=key)
        except Exception as exc:  # noqa: BLE001 - reported by the caller, the database reopened
            error = exc
        return Restored(result, error, open_database(db_path, key=key))
