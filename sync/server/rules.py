"""The domain rules on what a push merges: a household the batch breaks is refused, not kept.

``sync.server.push`` merges a batch, then asks ``HouseholdRules.breaks`` about every household the
batch wrote. A household is judged, as it stands after the merge, on the error-level rules the
laptop's save enforces:

- the operation rule (``desktop.domain.operations.check_transition``): a change of status or of
  the marginal/monitored flags must come with the ``household_operations`` record that allows it.
  The record is judged on its own ``done_at`` and ``policy_year``, never on the server's clock:
  laptops sync days after the visit, and an exit done on 11-05 is still an exit done in the work
  window when it reaches the server in December. The procedure steps are not re-judged here (the
  save that made the operation judged them; the reviewer sees them on the household);
- the error-level audit rules of one household (``desktop.domain.audit.RULES``, less
  ``SAVE_EXEMPT``): no head, several heads, an invalid ID number, flags against the status …
  Rules across households (a duplicate ID in another household) are not run: a batch is not the
  place to decide between two laptops' households.

Refused, not held for the reviewer. A held change would sit on the server in a state no laptop
can save, and every laptop that pulls it would carry a household its own save refuses; a refusal
leaves the registry as it was and the change on the laptop that made it, listed in its sync
history as refused with the rule's message, where the person who knows the household puts it
right and saves again (the save then tells them the same thing). A conflict between two laptops
is the reviewer's; a broken rule is the author's.

Only breaks the batch makes are refused. A household that already broke a rule before the batch
(imported with no head, say) keeps taking unrelated edits (a phone number): a problem counts as
new when its rule and record (``Problem.code``, ``Problem.entity_id``) were not found before.
A household the batch creates starts from no problem; it enters with the status and flags it
comes with (as the laptop's import of the registry does), so the operation rule judges only
changes to households the server already had.

When a household breaks a rule, every change of the batch that wrote into it is refused (one
save of a household is one unit: the household, its members and its operation records), with
``RULE_BROKEN``, the rule's code and its Chinese message. Messages that would name a person or
an ID number are replaced by the rule's description: the answer is stored on the server.

Not judged: the registry import's device (``sync.server.push`` leaves it out: the national
system's export is the registry as decided there). Known gap: a save's operation record travels
after its household change; if the client's batch ends between the two, the status change is
judged without its record and refused (the client's batches should end on a save's last change).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.domain.audit import RULES, RULES_BY_ID, SAVE_EXEMPT, HouseholdAudit
from desktop.domain.clock import FixedClock
from desktop.domain.operations import HouseholdState, OperationRecord, Subject, check_transition
from desktop.domain.policy import PolicyError, PolicyYear, policy_for, policy_year
from desktop.domain.problems import Problem, Severity
from desktop.store.models import Household, HouseholdOperation

ERROR_RULES = tuple(r for r in RULES if r.severity is Severity.ERROR and r.id not in SAVE_EXEMPT)
"""The audit rules a laptop's save refuses on (errors not exempt from the save)."""

_INTERNAL_ROLES = frozenset({"reviewer", "admin"})
_LOADED = (  # what the audit reads of a household, loaded with one query per table
    selectinload(Household.members),
    selectinload(Household.incomes),
    selectinload(Household.measures),
    selectinload(Household.risks),
    selectinload(Household.procedure_steps),
)


@dataclass(frozen=True)
class Before:
    """A household as the server had it before the batch: its state and its error keys."""

    state: HouseholdState
    identified_year: int | None
    problems: frozenset[tuple[str, str | None]]


@dataclass(frozen=True)
class Break:
    """The first rule a household breaks after the merge: its code and message."""

    household_id: str
    code: str
    message: str


def audit_errors(household: Household, policy: PolicyYear, today: date) -> list[Problem]:
    """The problems of the error-level audit rules the save enforces, for one household."""
    audit = HouseholdAudit(household, policy, today)
    found: list[Problem] = []
    for rule in ERROR_RULES:
        if rule.level == "household":
            found += rule.check(rule, audit) or []
        else:
            for facts in audit.members:
                found += rule.check(rule, audit, facts) or []
    return [p for p in found if p.is_error]


def _key(problem: Problem) -> tuple[str, str | None]:
    return (problem.code, problem.entity_id)


def _policy_of(year: int | None, moment: datetime) -> PolicyYear:
    if year is not None:
        try:
            return policy_year(int(year))
        except (PolicyError, ValueError):
            pass
    return policy_for(moment.date())


class HouseholdRules:
    """The rules of one batch: ``remember`` households before it, ``breaks`` after the merge."""

    def __init__(self, session: Session, *, role: str, today: date) -> None:
        from desktop.store.settings import working_policy

        self.session = session
        self.internal = role in _INTERNAL_ROLES
        self.today = today
        self.policy = working_policy(session, today=today)
        self.before: dict[str, Before] = {}

    def remember(self, household_ids: Iterable[str]) -> None:
        """Note the state and the error keys of the households (those the server has)."""
        wanted = [i for i in set(household_ids) if i not in self.before]
        if not wanted:
            return
        query = select(Household).where(Household.id.in_(wanted)).options(*_LOADED)
        for household in self.session.scalars(query):
            if household.deleted:
                continue
            self.before[household.id] = Before(
                state=HouseholdState.of(household),
                identified_year=household.identified_year,
                problems=frozenset(map(_key, audit_errors(household, self.policy, self.today))),
            )

    def breaks(
        self, household_ids: Iterable[str], new_operations: Iterable[str]
    ) -> dict[str, Break]:
        """The households (of ``household_ids``, read now) that break a rule they did not break
        before; ``new_operations`` are the ids of the operation records the batch created."""
        ids = sorted(set(household_ids))
        if not ids:
            return {}
        operations: dict[str, list[HouseholdOperation]] = {}
        created = list(set(new_operations))
        for start in range(0, len(created), 500):
            for record in self.session.scalars(
                select(HouseholdOperation).where(
                    HouseholdOperation.id.in_(created[start : start + 500])
                )
            ):
                if not record.deleted:
                    operations.setdefault(record.household_id, []).append(record)
        found: dict[str, Break] = {}
        query = select(Household).where(Household.id.in_(ids)).options(*_LOADED)
        for household in self.session.scalars(query):
            if household.deleted:
                continue
            problem = self._first_break(household, operations.get(household.id, []))
            if problem is not None:
                found[household.id] = Break(
                    household.id, problem.code, _safe_message(problem, household)
                )
        return found

    def _first_break(
        self, household: Household, records: list[HouseholdOperation]
    ) -> Problem | None:
        before = self.before.get(household.id)
        if before is not None:
            problem = self._transition_break(household, before, records)
            if problem is not None:
                return problem
        known = before.problems if before is not None else frozenset()
        for problem in audit_errors(household, self.policy, self.today):
            if _key(problem) not in known:
                return problem
        return None

    def _transition_break(
        self, household: Household, before: Before, records: list[HouseholdOperation]
    ) -> Problem | None:
        after = HouseholdState.of(household)
        if after == before.state and not records:
            return None
        # The operation that made the change (the household names it) dates the check; else the
        # latest record of the batch; with no record at all only "no operation" can be found.
        linked = next((r for r in records if r.id == household.operation_id), None)
        dated = linked or max(records, key=lambda r: r.done_at, default=None)
        if dated is not None:
            moment = dated.done_at
            policy = _policy_of(dated.policy_year, moment)
        else:
            moment = datetime.combine(self.today, datetime.min.time())
            policy = self.policy
        problems = check_transition(
            before.state,
            after,
            [_record_of(r) for r in records],
            FixedClock(moment),
            policy=policy,
            subject=Subject(status=before.state.status, identified_year=before.identified_year),
            internal=self.internal,
        )
        return next((p for p in problems if p.is_error), None)


def _record_of(row: HouseholdOperation) -> OperationRecord:
    return OperationRecord.coerce(
        {"operation": row.operation, "reason": row.reason, "detail": row.detail}
    )


def _safe_message(problem: Problem, household: Household) -> str:
    """The problem's message, or its rule's description where the message names a person or
    carries an ID number (the answer is stored on the server)."""
    personal = [
        text
        for member in household.members or ()
        for text in (member.name, member.id_number)
        if text and len(text) >= 2
    ]
    if household.head_name:
        personal.append(household.head_name)
    if any(text in problem.message for text in personal):
        rule = RULES_BY_ID.get(problem.code)
        if rule is None or "{" in rule.description:  # a description with policy figures to fill
            return "不符合业务规则"
        return rule.description
    return problem.message


def rule_message(broken: Break) -> str:
    """The Chinese text of a refusal: the rule's message and its code."""
    return f"{broken.message}(规则 {broken.code})"


def operation_ids(changes: Iterable[Any]) -> list[str]:
    """The ids of the operation records a batch's answered changes created."""
    return [c.entity_id for c in changes if c.entity == "household_operations" and c.op == "create"]
