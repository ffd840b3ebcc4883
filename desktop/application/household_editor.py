"""The household form's logic without a widget: what it holds, what it checks, what a save needs.

``HouseholdEditor`` keeps one household's payload (``desktop.store.household_edit``: a plain
dict of the household and its rows), the policy year it is checked under and whether it has
unsaved changes. It knows the rules the form shows:

- ``check()``: the payload's light records through the domain audit
  (``desktop.domain.audit.audit_household``) at the clock's day, plus unreadable dates and
  numbers; the problems sort into errors that block a save (``blocking``), required fields
  left empty (``missing``: no reason stands in for them, the form may be kept as a draft),
  warnings a save asks a reason for (``needing_reason``) and notes that neither block nor ask
  (``notes``, the audit's ``SAVE_EXEMPT``);
- ``save_step()``: what stands between the form and a save now, in the order the form asks;
- the operations recorded in the form, checked again against the calendar and the procedure
  when saved (``refused_operations``), and the book's reason they give (``book_reason``);
- the reasons already given in this form (a warning is not asked about twice).

It reads and writes through the application layer (``Fieldbook``): ``load``, ``save``,
``autosave`` and ``discard_draft`` are jobs for a task runner; the widget
(``desktop.ui.household_form.HouseholdForm``) shows what they answer. Nothing here imports Qt, so
the rules of the form are tested without a ``QApplication``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.application.changes import Outcome
from desktop.domain.audit import SAVE_EXEMPT, audit_household
from desktop.domain.operations import (
    Operation,
    Subject,
    calendar_problems,
    operation_label,
    procedure_problems,
)
from desktop.domain.policy import PolicyYear, policy_year
from desktop.domain.problems import Problem
from desktop.store.drafts import DEFAULT_AUTOSAVE_SECONDS, draft_key
from desktop.store.household_edit import (
    LOCATION_EDITED,
    LOCATION_FIELDS,
    FormContext,
    FormInvalid,
    apply_operation,
    current_member_rows,
    new_row,
    payload_title,
    preview_household,
    set_location,
)
from desktop.store.save import SaveRefused

if TYPE_CHECKING:
    from desktop.application.service import Fieldbook
    from desktop.location.apply import LocationChoice, LocationContext
    from desktop.store.drafts import DraftData
    from desktop.store.household_edit import FormData, SavedForm

ROW_LISTS = ("members", "incomes", "measures", "natural_changes", "procedure_steps", "operations")
"""The payload's lists of rows, always present (the risks only for roles that see them)."""
REGISTERED = frozenset({"poor", "exited", "exited_stable"})
"""The statuses of a household in the registry (its members change by natural changes)."""
ASSURANCES = (
    "food_assured",
    "clothing_assured",
    "education_assured",
    "medical_assured",
    "housing_assured",
    "water_assured",
)

ReasonKey = tuple[str, str | None, str]

__all__ = [
    "DEFAULT_AUTOSAVE_SECONDS",  # the draft interval when the database names none
    "SAVE_EXEMPT",
    "HouseholdEditor",
    "Refusal",
    "SaveStep",
]


@dataclass(frozen=True)
class Refusal:
    """A save the one save path refused: its problems, and its message (None: values the form
    could not read, which the form words itself)."""

    message: str | None
    problems: list[Problem]

    @classmethod
    def of(cls, error: BaseException) -> Refusal | None:
        """The refusal ``error`` is, or None for any other failure (a disk, a lock …)."""
        if isinstance(error, SaveRefused):
            return cls(error.message, list(error.problems))
        if isinstance(error, FormInvalid):
            return cls(None, list(error.problems))
        return None


def json_copy(payload: dict[str, Any]) -> dict[str, Any]:
    """A deep copy that is surely JSON (what a draft stores)."""
    return json.loads(json.dumps(payload, ensure_ascii=False))


def is_missing_required(problem: Problem) -> bool:
    """Whether ``problem`` says a required field is empty (the audit's ``…_EMPTY`` rules)."""
    return not problem.is_error and problem.code.endswith("_EMPTY")


def reason_key(problem: Problem) -> ReasonKey:
    """What a reason given for a warning answers: the rule, the row and the field."""
    return (problem.code, problem.entity_id, problem.field)


def notes(problems: list[Problem]) -> list[Problem]:
    """The problems that are only notes: listed, never blocking, never asking for a reason."""
    return [p for p in problems if p.code in SAVE_EXEMPT]


def blocking(problems: list[Problem]) -> list[Problem]:
    """The errors that stop a save (notes excluded, as ``save_household`` excludes them)."""
    return [p for p in problems if p.is_error and p.code not in SAVE_EXEMPT]


def missing(problems: list[Problem]) -> list[Problem]:
    """Required fields left empty: a reason cannot stand in for them; the form can be kept as
    a draft until they are filled."""
    return [p for p in problems if is_missing_required(p)]


def needing_reason(problems: list[Problem]) -> list[Problem]:
    """The suspected problems a save asks a reason for (notes excluded)."""
    return [p for p in problems if not p.is_error and p.code not in SAVE_EXEMPT]


@dataclass(frozen=True)
class SaveStep:
    """What a save needs next, the first of: fix ``errors``; drop ``refused`` operations; fill
    the ``missing`` fields (or keep a draft); confirm a household outside the laptop's villages
    (``confirm_scope``); give a reason for the ``new_warnings``; else save with ``reason``."""

    errors: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    missing: list[Problem] = field(default_factory=list)
    confirm_scope: bool = False
    new_warnings: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    reason: str | None = None

    @property
    def ready(self) -> bool:
        """Nothing stands in the way: save now with ``reason``."""
        return not (
            self.errors or self.refused or self.missing or self.confirm_scope or self.new_warnings
        )


class HouseholdEditor:
    """One household's form, without its widgets (see the module doc)."""

    def __init__(
        self,
        app: Fieldbook,
        *,
        household_id: str | None = None,
        key: str | None = None,
        new_payload: dict[str, Any] | None = None,
    ) -> None:
        self.app = app
        self.household_id = household_id
        self.key = key or draft_key(household_id)
        self.new_payload = new_payload
        self.payload: dict[str, Any] | None = None
        self.policy: PolicyYear | None = None
        self.context = FormContext()
        self.problems: list[Problem] = []
        self.dirty = False
        self.scope_confirmed = False
        self.reasons: dict[ReasonKey, str] = {}
        self.labels: Mapping[str, str] | None = None
        """The fields' names in the interface's language, for the unreadable-value problems."""

    # --- who and when --------------------------------------------------------------------------

    @property
    def internal(self) -> bool:
        return self.app.internal

    def today(self) -> date:
        return self.app.today()

    # --- loading -------------------------------------------------------------------------------

    def load(self) -> FormData:
        """Read the household, its book, its draft and the policy year (a job for the runner)."""
        village_id = ((self.new_payload or {}).get("household") or {}).get("village_id")
        return self.app.load_form(self.household_id, key=self.key, village_id=village_id)

    def loaded(self, data: FormData) -> dict[str, Any] | None:
        """Take the policy year and context of ``data``; the payload to show (None: the
        household is gone and no draft is left of it)."""
        self.policy = policy_year(data.policy_year)
        self.context = data.context
        return data.payload or self.new_payload

    def take(self, payload: dict[str, Any], *, dirty: bool) -> dict[str, Any]:
        """Hold a copy of ``payload`` with every list of rows present; returns the copy."""
        p = json_copy(payload)
        for key in ROW_LISTS:
            p.setdefault(key, [])
        if self.internal:
            p.setdefault("risks", [])
        else:
            p.pop("risks", None)
        meta = p.setdefault("meta", {})
        if meta.get("saved"):
            self.household_id = p["household"].get("id")
        self.payload = p
        self.dirty = dirty
        return p

    # --- what it holds -------------------------------------------------------------------------

    @property
    def head(self) -> dict[str, Any] | None:
        return self.payload["household"] if self.payload is not None else None

    def head_sex(self) -> str | None:
        """The sex of the household's one head (None when there is not exactly one)."""
        if self.payload is None:
            return None
        heads = [m for m in current_member_rows(self.payload) if m.get("relation") == "01"]
        return heads[0].get("sex") if len(heads) == 1 else None

    @property
    def title(self) -> str:
        return payload_title(self.payload) if self.payload is not None else ""

    @property
    def saved_before(self) -> bool:
        """Whether the household is in the database already (not a new one)."""
        return bool(self.payload is not None and self.payload["meta"].get("saved"))

    def member_count(self) -> int:
        """The household's current members (those who have not left)."""
        return len(current_member_rows(self.payload)) if self.payload is not None else 0

    def registered_and_saved(self) -> bool:
        """A registered household already saved: its members change by natural changes only."""
        return self.saved_before and (self.head or {}).get("status") in REGISTERED

    def snapshot(self) -> dict[str, Any]:
        assert self.payload is not None
        return json_copy(self.payload)

    def preview(self) -> tuple[Any, list[Problem]]:
        """The payload as light records (what the audit reads) and the values it cannot read."""
        assert self.payload is not None
        return preview_household(self.payload)

    def current_income(self, records: Any) -> Any:
        """The household's income record of the working policy year (None when none)."""
        assert self.policy is not None
        year = self.policy.year
        return next((i for i in records.incomes if i.policy_year == year and not i.deleted), None)

    # --- location ------------------------------------------------------------------------------

    @property
    def location_edited(self) -> bool:
        """Whether the location was changed in this form (not saved yet)."""
        return bool(self.payload is not None and self.payload["meta"].get(LOCATION_EDITED))

    def location_context(self, title: str, records: Any = None) -> LocationContext:
        """What the location dialog shows: the household's point now and its committee's."""
        from desktop.domain.geo import LatLon
        from desktop.location.apply import CurrentLocation, LocationContext

        if records is None:
            records, _ = self.preview()
        current = CurrentLocation(
            id=records.id,
            housing_area_m2=records.housing_area_m2,
            **{name: getattr(records, name) for name in LOCATION_FIELDS},
        )
        committee = LatLon(*self.context.committee) if self.context.committee else None
        return LocationContext(title, committee, current)

    def apply_location(self, choice: LocationChoice, records: Any = None) -> list[str]:
        """Put a taken location into the payload (saved with the household); the fields changed."""
        from types import SimpleNamespace

        from desktop.location.apply import apply_to_household

        assert self.payload is not None
        if records is None:
            records, _ = self.preview()
        view = SimpleNamespace(**{name: getattr(records, name) for name in LOCATION_FIELDS})
        apply_to_household(view, choice)
        changed = set_location(self.payload, vars(view))
        if changed:
            self.dirty = True
        return changed

    # --- checking ------------------------------------------------------------------------------

    def check(self) -> tuple[Any, list[Problem]]:
        """The payload's records and their problems now (unreadable values first)."""
        assert self.payload is not None and self.policy is not None
        records, unreadable = preview_household(self.payload, self.labels, self.context)
        self.problems = unreadable + audit_household(records, policy=self.policy, on=self.today())
        return records, self.problems

    def subject(self, unnamed: str = "未填姓名") -> Subject:
        """The household as the operation rules see it (``unnamed`` for a member with no name)."""
        assert self.payload is not None and self.policy is not None
        head = self.payload["household"]
        records, _ = preview_household(self.payload, context=self.context)
        income = self.current_income(records)
        members = current_member_rows(self.payload)
        member_ids = [str(m["id"]) for m in members]
        per_capita: Decimal | None = None
        if income is not None and members:
            from desktop.domain.income import per_capita_net_income

            per_capita = per_capita_net_income(income, len(members))
        year = head.get("identified_year")
        return Subject(
            status=head.get("status") or "ordinary",
            identified_year=int(year) if year and str(year).isdigit() else None,
            per_capita=per_capita,
            members=[(str(m["id"]), m.get("name") or unnamed) for m in members],
            special_support_mode=head.get("special_support_mode"),
            assurances={k: head.get(k) for k in ASSURANCES},
            title=self.title,
            steps=list(getattr(records, "procedure_steps", [])),
            village_steps=list(self.context.village_steps),
            crosschecks=self.context.crosschecks(member_ids),
            names={str(m["id"]): m.get("name") or unnamed for m in members},
        )

    def refused_operations(self) -> list[Problem]:
        """Operations recorded in the form that the calendar no longer allows now, and
        identifications and returns whose procedure is no longer complete (a step removed …)."""
        assert self.payload is not None and self.policy is not None
        found: list[Problem] = []
        moment = self.app.now()
        subject: Subject | None = None
        for entry in self.payload.get("operations", []):
            if entry.get("checked", True):
                found += calendar_problems(entry["op"], policy=self.policy, moment=moment)
                subject = subject or self.subject()
                found += procedure_problems(entry["op"], subject, policy=self.policy, moment=moment)
        return list({p.message: p for p in found}.values())

    # --- saving --------------------------------------------------------------------------------

    def save_step(
        self, problems: list[Problem] | None = None, *, outside_enrolment: bool = False
    ) -> SaveStep:
        """What stands between the form and a save now (see ``SaveStep``), given the problems
        just found (checked here when None)."""
        if problems is None:
            problems = self.check()[1]
        errors = blocking(problems)
        if errors:
            return SaveStep(errors=errors)
        refused = self.refused_operations()
        if refused:
            return SaveStep(refused=refused)
        empty = missing(problems)
        if empty:
            return SaveStep(missing=empty)
        if outside_enrolment and not self.scope_confirmed:
            return SaveStep(confirm_scope=True)
        warnings = needing_reason(problems)
        new = [p for p in warnings if reason_key(p) not in self.reasons]
        if new:
            return SaveStep(new_warnings=new, warnings=warnings)
        return SaveStep(warnings=warnings, reason=self.given_reasons(warnings))

    def give_reason(self, warnings: list[Problem], text: str) -> None:
        """Remember ``text`` as the reason for each of ``warnings`` (not asked again here)."""
        for problem in warnings:
            self.reasons[reason_key(problem)] = text

    def given_reasons(self, warnings: list[Problem]) -> str | None:
        reasons = [self.reasons.get(reason_key(p)) for p in warnings]
        return ";".join(dict.fromkeys(r for r in reasons if r)) or None

    def book_reason(self, reason: str | None) -> str | None:
        """The book's reason: the operations done (their Chinese names, as the book keeps them)
        and what the person wrote."""
        assert self.payload is not None
        done = [operation_label(Operation(e["op"])) for e in self.payload.get("operations", [])]
        parts = [*dict.fromkeys(done), *([reason] if reason else [])]
        return ";".join(parts) or None

    def save_job(self, reason: str | None) -> Callable[[], Outcome[SavedForm]]:
        """A job saving the payload as it is now through the one save path (for the runner)."""
        snapshot, book_reason, key, app = (
            self.snapshot(),
            self.book_reason(reason),
            self.key,
            self.app,
        )
        return lambda: app.save_form(snapshot, reason=book_reason, key=key)

    def saved(self, result: SavedForm) -> dict[str, Any]:
        """The save went through: the household's id and draft key from now on."""
        self.household_id = result.household_id
        self.key = draft_key(result.household_id)
        return result.payload

    # --- drafts --------------------------------------------------------------------------------

    def autosave_job(self) -> Callable[[], Outcome[DraftData]]:
        """A job keeping a snapshot of the payload as this person's draft."""
        snapshot = self.snapshot()
        saved = bool(snapshot.get("meta", {}).get("saved"))
        household_id = snapshot["household"].get("id") if saved else None
        key, app = self.key, self.app

        def job() -> Outcome[DraftData]:
            return app.save_draft(key, snapshot, household_id=household_id)

        return job

    def discard_draft_job(self) -> Callable[[], Outcome[bool]]:
        """A job deleting this form's draft (the stored household stays as it was)."""
        key, app = self.key, self.app
        return lambda: app.delete_draft(key)

    # --- rows and operations -------------------------------------------------------------------

    def add_member(self) -> dict[str, Any]:
        """A new member row (the household's head when it is the first)."""
        assert self.payload is not None
        row = new_row("members", name="", relation="01" if not self.payload["members"] else None)
        self.payload["members"].append(row)
        self.dirty = True
        return row

    def take_back_member(self, member_id: str) -> bool | None:
        """Remove a member added in this form (True); None when there is no such row, False
        when the member was saved before (a natural decrease records their leaving)."""
        assert self.payload is not None
        row = next((m for m in self.payload["members"] if m.get("id") == member_id), None)
        if row is None:
            return None
        if row.get("_saved"):
            return False
        self.payload["members"].remove(row)
        self.payload["natural_changes"] = [
            c for c in self.payload["natural_changes"] if c.get("member_id") != member_id
        ]
        self.dirty = True
        return True

    def record_operation(
        self, op: Operation, values: dict[str, Any], *, checked: bool = True
    ) -> dict[str, Any] | None:
        """Record ``op`` in the payload (saved with the form); the member row it touched."""
        assert self.payload is not None and self.policy is not None
        touched = apply_operation(
            self.payload, op.value, values, policy_year=self.policy.year, moment=self.app.now()
        )
        self.payload["operations"][-1]["checked"] = checked  # checked again when saved
        self.dirty = True
        return touched
