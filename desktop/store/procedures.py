"""Recording the identification procedure (Q15, Q16) and asking whether it is complete.

A step is recorded for one household (through the household's save, ``save_household``) or for
a whole village (``household_id`` None: the village's appraisal meeting, the notice listing all
its candidates, the second appraisal and notice a village without candidates still holds).
Village rows are saved with ``desktop.store.save.save_village_rows``: one book entry
(``household_id`` None) per changed field and one outbox change per row, with the village's
code, in one transaction.

Every recorded step is checked first (``desktop.domain.procedure.check_steps``): a 9-day notice,
an end before the start or a step that starts before the one it follows is refused with
``ProcedureRefused`` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.domain import procedure as rules
from desktop.domain.audit_guide import household_operation
from desktop.domain.location_rules import village_location_problems
from desktop.domain.operations import Operation
from desktop.domain.policy import PolicyYear
from desktop.domain.problems import Problem
from desktop.store.models import (
    Division,
    Household,
    Member,
    ProcedureStep,
    new_id,
)
from desktop.store.queries import (
    CANDIDATE_OPERATIONS,
    candidate_household_ids,
    crosscheck_results_of_year,
    village_steps,
)
from desktop.store.save import SaveResult, save_household, save_village_rows
from desktop.store.settings import working_policy

STEP_REASON = "登记识别程序"


class ProcedureRefused(Exception):
    """A step was not recorded: its dates or order break the procedure's rules."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.message = "；".join(p.message for p in problems) or "程序步骤有误"
        super().__init__(self.message)


@dataclass(frozen=True)
class StepEntry:
    """What a person records for one step."""

    operation: str
    step: str
    start_date: date | None
    end_date: date | None = None
    outcome: str | None = None
    recorded_by: str | None = None


# --- loading steps --------------------------------------------------------------------------------


def _village(session: Session, village_id: str) -> Division:
    village = session.get(Division, village_id)
    if village is None or village.level != "village":
        raise LookupError(f"找不到行政村 {village_id}")
    return village


def _errors_of(step_id: str, problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error and p.entity_id == step_id]


STEP_FIELDS = ("operation", "step", "start_date", "end_date", "outcome", "recorded_by")


def _apply(step: ProcedureStep, entry: StepEntry) -> dict[str, object]:
    """Put the entry on the step; returns the values it had, to put back if it is refused."""
    previous = {name: getattr(step, name) for name in STEP_FIELDS}
    step.operation = Operation(entry.operation).value
    step.step = entry.step
    step.start_date = entry.start_date
    step.end_date = entry.end_date
    step.outcome = entry.outcome
    step.recorded_by = entry.recorded_by
    return previous


def _restore(step: ProcedureStep, previous: dict[str, object]) -> None:
    for name, value in previous.items():
        setattr(step, name, value)


GATED_STEPS = frozenset({rules.SECOND_NOTICE, rules.ANNOUNCEMENT})
"""Steps that wait for a decision on every person the cross-check flagged."""


def _held_by_crosscheck(
    session: Session,
    entry: StepEntry,
    household_ids: list[str],
    policy: PolicyYear,
    *,
    also: dict[str, str] | None = None,
) -> list[Problem]:
    """Undecided cross-check findings that keep ``entry`` from being recorded (none for steps
    before the second notice, or for an exit). ``also`` adds persons (id -> name) who are on
    the cross-check list without being in those households (married-in, moved-in: Q15)."""
    if entry.step not in GATED_STEPS or entry.operation not in CANDIDATE_OPERATIONS:
        return []
    members: dict[str, str] = dict(also or {})
    for start in range(0, len(household_ids), 900):
        members.update(
            session.execute(
                select(Member.id, Member.name).where(
                    Member.household_id.in_(household_ids[start : start + 900]),
                    Member.deleted.is_(False),
                    Member.left_date.is_(None),
                )
            ).all()
        )
    results = crosscheck_results_of_year(session, members, policy).values()
    return [
        p
        for p in rules.crosscheck_problems(results, names=members, operation=entry.operation)
        if p.code == rules.PROC_CROSSCHECK_UNDECIDED
    ]


def _joined_persons(session: Session, policy: PolicyYear, village_id: str) -> dict[str, str]:
    """People on the village's cross-check list who married or moved into a registered
    household this year (Q15): their findings hold the village's second notice too."""
    from desktop.store.crosscheck import crosscheck_persons

    return {
        p.member_id: p.name
        for p in crosscheck_persons(session, policy=policy, village_ids=[village_id])
    }


def record_village_step(
    session: Session,
    village_id: str,
    entry: StepEntry,
    *,
    actor: str,
    step_id: str | None = None,
    policy: PolicyYear | None = None,
) -> ProcedureStep:
    """Record (or, with ``step_id``, correct) a step held for the whole village.

    The step is checked against the village's other steps of the same operation; a problem of
    this step refuses it (``ProcedureRefused``) and nothing is written. The second notice and
    the announcement wait until every person the cross-check flagged has a recorded decision:
    in the village's new and returning households, and those who married or moved in (Q15).
    """
    policy = policy or working_policy(session)
    village = _village(session, village_id)
    existing = village_steps(session, village_id)
    if step_id is not None:
        step = next((s for s in existing if s.id == step_id), None)
        if step is None:
            raise LookupError(f"本村没有编号为 {step_id} 的程序记录")
    else:
        step = ProcedureStep(id=new_id(), village_id=village_id, household_id=None)
        existing.append(step)
    held = _held_by_crosscheck(
        session,
        entry,
        list(candidate_household_ids(session, policy, [village_id])),
        policy,
        also=_joined_persons(session, policy, village_id),
    )
    if held:
        raise ProcedureRefused(held)
    with session.no_autoflush:
        previous = _apply(step, entry)
        refused = _errors_of(
            step.id,
            rules.check_steps(
                rules.steps_of_year(existing, policy),
                operation=step.operation,
                policy=policy,
                subject="本村",
            ),
        )
        if refused:
            if step_id is not None:
                _restore(step, previous)
            raise ProcedureRefused(refused)
    save_village_rows(session, village, [step], actor=actor, reason=STEP_REASON)
    return step


def delete_village_step(session: Session, step_id: str, *, actor: str, reason: str) -> None:
    """Strike out a village step recorded by mistake (a tombstone, synced as a delete)."""
    step = session.get(ProcedureStep, step_id)
    if step is None or step.household_id is not None or step.deleted:
        raise LookupError(f"没有编号为 {step_id} 的本村程序记录")
    village = _village(session, step.village_id)
    step.deleted = True
    save_village_rows(session, village, [step], actor=actor, reason=reason)


def record_household_step(
    session: Session,
    household: Household,
    entry: StepEntry,
    *,
    actor: str,
    step_id: str | None = None,
    policy: PolicyYear | None = None,
) -> SaveResult:
    """Record (or correct) one household's step, through the household's save.

    Checked with the household's other steps and its village's steps of the same operation (the
    second notice and the announcement wait for a decision on every flagged person of the
    household); then saved with ``save_household`` (reason ``登记识别程序``), so the household's audit runs too.
    """
    policy = policy or working_policy(session)
    shared = village_steps(session, household.village_id)
    if household.id is not None:
        held = _held_by_crosscheck(session, entry, [household.id], policy)
        if held:
            raise ProcedureRefused(held)
    with session.no_autoflush:
        if step_id is not None:
            step = next((s for s in household.procedure_steps if s.id == step_id), None)
            if step is None:
                raise LookupError(f"本户没有编号为 {step_id} 的程序记录")
        else:
            step = ProcedureStep(id=new_id(), village_id=household.village_id)
            household.procedure_steps.append(step)
        previous = _apply(step, entry)
        own = rules.steps_of_year(household.procedure_steps, policy)
        merged = rules.merge_steps(own, rules.steps_of_year(shared, policy), step.operation)
        refused = _errors_of(
            step.id,
            rules.check_steps(merged, operation=step.operation, policy=policy, subject="本户"),
        )
        if refused:
            if step_id is None:
                household.procedure_steps.remove(step)
            else:
                _restore(step, previous)
            raise ProcedureRefused(refused)
    return save_household(session, household, actor=actor, reason=STEP_REASON)


# --- where a procedure stands ---------------------------------------------------------------------


def _load_household(session: Session, household_id: str) -> Household:
    household = session.scalars(
        select(Household)
        .where(Household.id == household_id)
        .options(
            selectinload(Household.procedure_steps),
            selectinload(Household.members).selectinload(Member.crosschecks),
        )
    ).one_or_none()
    if household is None:
        raise LookupError(f"找不到农户 {household_id}")
    return household


def household_procedure(
    session: Session,
    household_id: str,
    *,
    operation: str | None = None,
    policy: PolicyYear | None = None,
    on: date | None = None,
) -> rules.ProcedureCheck:
    """Where the household's procedure stands: its own steps, its village's and its cross-checks.

    ``operation`` defaults to what the household went through this year (identify, return,
    exit), else to the operation of its own steps this year, else identification. With ``on``
    the announcement must have started by that day (what an operation dialog asks).
    """
    policy = policy or working_policy(session)
    household = _load_household(session, household_id)
    own = rules.steps_of_year(household.procedure_steps, policy)
    if operation is None:
        operation = household_operation(household, policy) or next(
            (s.operation for s in own if s.operation in rules.REQUIRED_STEPS),
            Operation.identify.value,
        )
    window = rules.step_year_window(policy)
    current = [m for m in household.members if not m.deleted and m.left_date is None]
    crosschecks = [
        r
        for m in current
        for r in m.crosschecks
        if not r.deleted and (r.checked_date is None or window[0] <= r.checked_date <= window[1])
    ]
    return rules.procedure_complete(
        own,
        operation=operation,
        policy=policy,
        village_steps=village_steps(session, household.village_id),
        crosschecks=crosschecks,
        names={m.id: m.name for m in current},
        on=on,
    )




@dataclass(frozen=True)
class VillageProcedure:
    """The village's procedure this year: its candidates and its own steps' check (Q15)."""

    village_id: str
    village_code: str
    village_name: str
    candidates: dict[str, str]
    check: rules.ProcedureCheck


def village_procedure(
    session: Session, village_id: str, *, policy: PolicyYear | None = None
) -> VillageProcedure:
    """Whether the village has recorded what it must: with no candidates, its second appraisal
    and second notice (Q15); always, valid dates on the steps it recorded."""
    policy = policy or working_policy(session)
    village = _village(session, village_id)
    candidates = candidate_household_ids(session, policy, [village_id])
    check = rules.village_procedure_check(
        village_steps(session, village_id), has_candidates=bool(candidates), policy=policy
    )
    return VillageProcedure(village.id, village.code, village.name, candidates, check)


def village_findings(
    session: Session,
    *,
    policy: PolicyYear,
    village_ids: Collection[str] | None = None,
) -> list[tuple[Division, Problem]]:
    """The village-level problems of every administrative village (or those given): its
    procedure (Q15) and its committee's location (Q18)."""
    query = select(Division).where(Division.level == "village", Division.deleted.is_(False))
    if village_ids is not None:
        query = query.where(Division.id.in_(list(village_ids)))
    villages = list(session.scalars(query.order_by(Division.code)))
    candidates = list(candidate_household_ids(session, policy, [v.id for v in villages]))
    with_candidates: set[str] = set()
    for start in range(0, len(candidates), 900):
        with_candidates.update(
            session.scalars(
                select(Household.village_id).where(
                    Household.id.in_(candidates[start : start + 900])
                )
            )
        )
    steps_by_village: dict[str, list[ProcedureStep]] = {}
    for step in session.scalars(
        select(ProcedureStep).where(
            ProcedureStep.household_id.is_(None), ProcedureStep.deleted.is_(False)
        )
    ):
        steps_by_village.setdefault(step.village_id, []).append(step)
    found: list[tuple[Division, Problem]] = []
    for village in villages:
        check = rules.village_procedure_check(
            steps_by_village.get(village.id, []),
            has_candidates=village.id in with_candidates,
            policy=policy,
        )
        found.extend((village, p) for p in check.problems)
        found.extend((village, p) for p in village_location_problems(village))  # Q18
    return found


