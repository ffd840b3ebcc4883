"""Household statuses and the operations that change them, checked against the work calendar.

The transition table says which operation each status allows (Q5, Q6, Q10); the policy year's
calendar says when (Q2, Q9). A household identified in a year cannot exit in that year
(domain-reference §1.9), and dispersed special support moving to centralised support is an exit,
never a natural decrease (Q17). Findings come back as ``Problem`` lists; nothing raises for a
refused operation except ``new_status``, which is only for operations already checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from desktop.domain.clock import Clock
from desktop.domain.codes import code_table
from desktop.domain.policy import PolicyYear, local_moment
from desktop.domain.problems import Problem, Severity, Text, problem, t, term


class Status(StrEnum):
    """A household's registry status (code table ``status``)."""

    poor = "poor"
    exited = "exited"
    exited_stable = "exited_stable"
    ordinary = "ordinary"


class Operation(StrEnum):
    """A dynamic-management operation (code table ``operation``)."""

    identify = "identify"
    return_ = "return"  # ``return`` is a keyword
    exit = "exit"
    member_in = "member_in"
    member_out = "member_out"
    mark_marginal = "mark_marginal"
    mark_monitored = "mark_monitored"
    end_monitoring = "end_monitoring"  # the risk is eliminated: off the internal list (Q6)


class OperationNotAllowed(ValueError):
    """``new_status`` was asked for an operation the status does not allow."""


REGISTERED = frozenset({Status.poor, Status.exited, Status.exited_stable})
EXITED_ANY = frozenset({Status.exited, Status.exited_stable})

# operation -> (statuses it applies to, status afterwards or None = unchanged)
TRANSITIONS: dict[Operation, tuple[frozenset[Status], Status | None]] = {
    Operation.identify: (frozenset({Status.ordinary}), Status.poor),
    Operation.return_: (EXITED_ANY, Status.poor),
    Operation.exit: (frozenset({Status.poor}), Status.exited),
    Operation.member_in: (REGISTERED, None),
    Operation.member_out: (REGISTERED, None),
    Operation.mark_marginal: (frozenset({Status.ordinary}), None),
    Operation.mark_monitored: (EXITED_ANY, None),
    Operation.end_monitoring: (frozenset({Status.ordinary}) | EXITED_ANY, None),
}

# Why each operation applies only where it does, with the guide question.
_SCOPE_RULE: dict[Operation, Text] = {
    Operation.identify: term("新识别只适用于一般农户(导引第5问)"),
    Operation.return_: term("返贫只适用于已脱贫户，含不享受政策的稳定脱贫户(导引第5、10问)"),
    Operation.exit: term("脱贫只适用于未脱贫的贫困户(导引第1问)"),
    Operation.member_in: term("人员自然变更只适用于建档立卡户(导引第1、3问)"),
    Operation.member_out: term("人员自然变更只适用于建档立卡户(导引第1、3问)"),
    Operation.mark_marginal: term("边缘户只从非建档立卡农户中认定(导引第6问)"),
    Operation.mark_monitored: term("脱贫监测户只从已脱贫户中认定(导引第6问)"),
    Operation.end_monitoring: term("解除监测只适用于在监测名单内的一般农户或已脱贫户(导引第6问)"),
}

STATUS_OPERATIONS = frozenset({Operation.identify, Operation.return_, Operation.exit})
MEMBER_OPERATIONS = frozenset({Operation.member_in, Operation.member_out})
MARK_OPERATIONS = frozenset({Operation.mark_marginal, Operation.mark_monitored})
INTERNAL_OPERATIONS = frozenset({*MARK_OPERATIONS, Operation.end_monitoring})
"""Operations on the internal lists (Q6): only roles that may see those lists do them."""

# Problem codes (stable).
OP_NOT_ALLOWED_FROM_STATUS = "OP_NOT_ALLOWED_FROM_STATUS"
OP_AFTER_ENTRY_DEADLINE = "OP_AFTER_ENTRY_DEADLINE"
OP_BASIC_INFO_ONLY = "OP_BASIC_INFO_ONLY"
OP_OUTSIDE_WORK_WINDOW = "OP_OUTSIDE_WORK_WINDOW"
OP_EXIT_SAME_YEAR = "OP_EXIT_SAME_YEAR"
OP_UNKNOWN_CHANGE_REASON = "OP_UNKNOWN_CHANGE_REASON"
OP_CHANGE_REASON_DIRECTION = "OP_CHANGE_REASON_DIRECTION"
Q17_CENTRALISED_SUPPORT_IS_EXIT = "Q17_CENTRALISED_SUPPORT_IS_EXIT"

_DIRECTION = {Operation.member_in: "in", Operation.member_out: "out"}


def operation_label(op: Operation) -> str:
    """The Chinese name of an operation (新识别, 返贫 …)."""
    return code_table("operation").label(op.value)


def status_label(status: Status) -> str:
    """The Chinese name of a status (贫困户(未脱贫) …)."""
    return code_table("status").label(status.value)


def allowed_operations(status: Status) -> list[Operation]:
    """The operations the transition table allows from ``status``, in declaration order."""
    return [op for op, (sources, _) in TRANSITIONS.items() if status in sources]


def new_status(op: Operation, status: Status) -> Status:
    """The status after ``op``; unchanged for member changes and marks.

    Raises ``OperationNotAllowed`` when the transition table refuses it.
    """
    sources, target = TRANSITIONS[op]
    if status not in sources:
        raise OperationNotAllowed(
            f"{status_label(status)}不能进行{operation_label(op)}操作：{_SCOPE_RULE[op]}"
        )
    return target if target is not None else status


def _day_text(d: date) -> Text:
    return t("{year}年{month}月{day}日", year=d.year, month=d.month, day=d.day)


def _moment_text(moment: datetime) -> Text:
    """A deadline stored as the first closed moment, said the way the guide says it (…24时)."""
    if moment.time() == datetime.min.time():
        return t("{day}24时", day=_day_text(moment.date() - timedelta(days=1)))
    return t(
        "{day}{hour}时{minute}分",
        day=_day_text(moment.date()),
        hour=moment.hour,
        minute=f"{moment.minute:02d}",
    )


def _operation(op: Operation) -> Text:
    return term(operation_label(op))


def _status(status: Status) -> Text:
    return term(status_label(status))


def _problem(code: str, field: str, message: Text) -> Problem:
    return problem(code, field, Severity.ERROR, message)


def _check_calendar(op: Operation, moment: datetime, policy: PolicyYear) -> list[Problem]:
    label = _operation(op)
    if not policy.in_work_window(moment):
        return [
            _problem(
                OP_OUTSIDE_WORK_WINDOW,
                "operation.moment",
                t(
                    "{operation}操作只能在{year}年度动态管理工作期间({start}至{end})进行(导引第2问)",
                    operation=label,
                    year=policy.year,
                    start=_day_text(policy.work_start),
                    end=_day_text(policy.work_end),
                ),
            )
        ]
    if op in STATUS_OPERATIONS and policy.after_entry_deadline(moment):
        return [
            _problem(
                OP_AFTER_ENTRY_DEADLINE,
                "operation.moment",
                t(
                    "{deadline}后不能进行{operation}操作(导引第9问)",
                    deadline=_moment_text(policy.entry_deadline),
                    operation=label,
                ),
            )
        ]
    if op in STATUS_OPERATIONS | MEMBER_OPERATIONS and policy.basic_info_only(moment):
        return [
            _problem(
                OP_BASIC_INFO_ONLY,
                "operation.moment",
                t(
                    "{day}后只能修改完善基础信息，不能进行{operation}操作(导引第9问)",
                    day=_day_text(policy.basic_info_only_after),
                    operation=label,
                ),
            )
        ]
    return []


def _check_change_reason(op: Operation, reason: str) -> list[Problem]:
    table = code_table("natural_change_reason")
    entry = table.entry(reason)
    if entry is None:
        return [
            _problem(
                OP_UNKNOWN_CHANGE_REASON,
                "member.change_reason",
                t("人员自然变更原因代码 {reason} 不在代码表中", reason=reason),
            )
        ]
    if entry.get("direction") != _DIRECTION[op]:
        return [
            _problem(
                OP_CHANGE_REASON_DIRECTION,
                "member.change_reason",
                t(
                    "“{reason}”不是{operation}的原因",
                    reason=term(table.label(reason)),
                    operation=_operation(op),
                ),
            )
        ]
    return []


def is_centralised(mode: str | None) -> bool:
    """Whether a ``special_support_mode`` code means centralised support (集中供养)."""
    entry = code_table("special_support_mode").entry(mode) if mode else None
    return bool(entry and entry.get("centralised"))


def classify_special_support_change(from_mode: str | None, to_mode: str | None) -> Operation | None:
    """The operation a change of special-support mode requires (Q17).

    Dispersed (分散供养) to centralised (集中供养) is processed as ``EXIT`` (when the household meets
    the exit standard and procedure), never as a natural decrease. Any other change needs no
    status operation: None.
    """
    if from_mode and not is_centralised(from_mode) and is_centralised(to_mode):
        return Operation.exit
    return None


def check_special_support_change(
    op: Operation, *, from_mode: str | None, to_mode: str | None
) -> list[Problem]:
    """Refuse recording a dispersed → centralised special-support move as anything but an exit (Q17)."""
    required = classify_special_support_change(from_mode, to_mode)
    if required is None or op is required:
        return []
    return [
        _problem(
            Q17_CENTRALISED_SUPPORT_IS_EXIT,
            "operation",
            t(
                "分散供养的特困供养户转集中供养，符合脱贫标准和程序的按照脱贫处理，"
                "不得进行{operation}操作(导引第17问)",
                operation=_operation(op),
            ),
        )
    ]


def check_operation(
    op: Operation,
    *,
    status: Status,
    moment: datetime,
    policy: PolicyYear,
    identified_year: int | None = None,
    change_reason: str | None = None,
    special_support_change: tuple[str | None, str | None] | None = None,
) -> list[Problem]:
    """Every reason ``op`` may not be done on a household with ``status`` at ``moment``.

    ``identified_year`` is the household's first identification year (for the same-year exit
    rule); ``change_reason`` a ``natural_change_reason`` code for member changes;
    ``special_support_change`` the (from, to) ``special_support_mode`` codes when the operation
    records a change of special-support mode (Q17). An empty list means allowed.
    """
    op = Operation(op)
    status = Status(status)
    moment = local_moment(moment)
    problems: list[Problem] = []
    sources, _ = TRANSITIONS[op]
    if status not in sources:
        problems.append(
            _problem(
                OP_NOT_ALLOWED_FROM_STATUS,
                "household.status",
                t(
                    "{status}不能进行{operation}操作：{rule}",
                    status=_status(status),
                    operation=_operation(op),
                    rule=_SCOPE_RULE[op],
                ),
            )
        )
    problems += _check_calendar(op, moment, policy)
    if op is Operation.exit and identified_year is not None and identified_year >= policy.year:
        problems.append(
            _problem(
                OP_EXIT_SAME_YEAR,
                "household.identified_year",
                t(
                    "{year}年新识别的贫困户当年不能脱贫(陕西省贫困退出工作实施细则)",
                    year=identified_year,
                ),
            )
        )
    if op in MEMBER_OPERATIONS and change_reason is not None:
        problems += _check_change_reason(op, change_reason)
    if special_support_change is not None:
        from_mode, to_mode = special_support_change
        problems += check_special_support_change(op, from_mode=from_mode, to_mode=to_mode)
    return problems


# --- status and flag changes: only with the operation that allows them ---------------------------

OP_STATUS_WITHOUT_OPERATION = "OP_STATUS_WITHOUT_OPERATION"
OP_FLAG_WITHOUT_OPERATION = "OP_FLAG_WITHOUT_OPERATION"
OP_NOT_REFLECTED = "OP_NOT_REFLECTED"
OP_INTERNAL_NOT_ALLOWED = "OP_INTERNAL_NOT_ALLOWED"

FLAGS = ("marginal", "monitored")

# flag -> (operation that sets it, operations that end it)
_FLAG_OPERATIONS: dict[str, tuple[Operation, frozenset[Operation]]] = {
    "marginal": (
        Operation.mark_marginal,
        frozenset({Operation.identify, Operation.end_monitoring}),
    ),
    "monitored": (
        Operation.mark_monitored,
        frozenset({Operation.return_, Operation.end_monitoring}),
    ),
}
_FLAG_LABELS = {"marginal": term("边缘户"), "monitored": term("脱贫监测户")}


@dataclass(frozen=True)
class HouseholdState:
    """What the operation rules compare before and after a save."""

    status: Status = Status.ordinary
    marginal: bool = False
    monitored: bool = False
    special_support_mode: str | None = None

    @classmethod
    def of(cls, household: Any) -> HouseholdState:
        """The state of a household-like object (an ORM row or a plain record)."""
        return cls(
            status=Status(getattr(household, "status", None) or Status.ordinary),
            marginal=bool(getattr(household, "marginal", False)),
            monitored=bool(getattr(household, "monitored", False)),
            special_support_mode=getattr(household, "special_support_mode", None),
        )

    def flag(self, name: str) -> bool:
        return bool(getattr(self, name))

    def with_fields(self, fields: Mapping[str, Any]) -> HouseholdState:
        """This state after a change's ``fields`` (wire values: the server's merge and the pull)."""
        changes: dict[str, Any] = {}
        if fields.get("status") is not None:
            changes["status"] = Status(fields["status"])
        for name in (*FLAGS, "special_support_mode"):
            if name in fields:
                changes[name] = (
                    fields[name] if name == "special_support_mode" else bool(fields[name])
                )
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class OperationRecord:
    """One operation done in a save: what, and what its rules need to know.

    ``change_reason`` is the natural change's reason code (member operations);
    ``special_support_change`` the (from, to) special-support modes when the operation records
    such a change (Q17); ``reason`` what the person wrote, kept in the household book.
    """

    op: Operation
    reason: str | None = None
    change_reason: str | None = None
    special_support_change: tuple[str | None, str | None] | None = None
    member_id: str | None = None

    @classmethod
    def coerce(
        cls, value: OperationRecord | Operation | str | Mapping[str, Any]
    ) -> OperationRecord:
        """A record from a record, an operation (or its code), a payload entry (``{"op": …}``)
        or the synced fields of a ``household_operations`` row (``{"operation": …}``)."""
        if isinstance(value, OperationRecord):
            return value
        if isinstance(value, Mapping):
            if "op" not in value and "operation" in value:  # a household_operations row's fields
                value = {**(value.get("detail") or {}), **value, "op": value["operation"]}
            change = value.get("special_support_change")
            return cls(
                op=Operation(value["op"]),
                reason=value.get("reason") or None,
                change_reason=value.get("change_reason") or None,
                special_support_change=(change[0], change[1]) if change else None,
                member_id=value.get("member_id") or None,
            )
        return cls(op=Operation(value))


@dataclass(frozen=True)
class Subject:
    """What an operation's check needs to know of the household besides its status.

    ``steps`` are the household's procedure steps (records with dates, as the audit reads them);
    None when they are not known, and then the procedure is not checked. ``village_steps`` are
    its village's own steps, ``crosschecks`` the results of its current members and ``names``
    their names by member id (for the messages).
    """

    status: str
    identified_year: int | None = None
    per_capita: Decimal | None = None
    members: Sequence[tuple[str, str]] = ()  # (id, name) of current members
    special_support_mode: str | None = None
    assurances: dict[str, bool | None] = field(default_factory=dict)
    title: str = ""
    steps: Sequence[Any] | None = None
    village_steps: Sequence[Any] = ()
    crosschecks: Sequence[Any] = ()
    names: dict[str, str] = field(default_factory=dict)


PROCEDURE_GATED = frozenset({Operation.identify, Operation.return_})
"""Operations completed only when their procedure is complete (Q15, Q16)."""


def operation_problems(
    op: Operation | str,
    subject: Subject,
    *,
    policy: PolicyYear,
    moment: datetime,
    change_reason: str | None = None,
    special_support_change: tuple[str | None, str | None] | None = None,
) -> list[Problem]:
    """Every reason the rules give against ``op`` on ``subject`` at ``moment``.

    For an identification or a return of a subject whose steps are known, the procedure too
    (``procedure.completion_problems``): the message names the steps still missing.
    """
    operation = Operation(op)
    if operation in PROCEDURE_GATED and subject.steps is not None:
        from desktop.domain.procedure import completion_problems

        return completion_problems(
            operation,
            status=subject.status,
            moment=moment,
            policy=policy,
            steps=subject.steps,
            village_steps=subject.village_steps,
            crosschecks=subject.crosschecks,
            names=subject.names,
            identified_year=subject.identified_year,
            special_support_change=special_support_change,
        )
    return check_operation(
        operation,
        status=Status(subject.status),
        moment=moment,
        policy=policy,
        identified_year=subject.identified_year,
        change_reason=change_reason,
        special_support_change=special_support_change,
    )


def procedure_problems(
    op: Operation | str, subject: Subject, *, policy: PolicyYear, moment: datetime
) -> list[Problem]:
    """Whether the procedure of an identification or a return is complete at ``moment``;
    [] for other operations and for a subject whose steps are not known."""
    from desktop.domain.procedure import REQUIRED_STEPS, procedure_complete

    operation = Operation(op)
    if operation not in PROCEDURE_GATED or subject.steps is None:
        return []
    if operation.value not in REQUIRED_STEPS:
        return []
    check = procedure_complete(
        subject.steps,
        operation=operation.value,
        policy=policy,
        village_steps=subject.village_steps,
        crosschecks=subject.crosschecks,
        names=subject.names,
        on=local_moment(moment).date(),
    )
    return check.errors


def calendar_problems(
    op: Operation | str, *, policy: PolicyYear, moment: datetime
) -> list[Problem]:
    """Whether the calendar alone forbids ``op`` (for menus when no household is chosen)."""
    operation = Operation(op)
    status = sorted(TRANSITIONS[operation][0])[0]
    return check_operation(operation, status=status, moment=moment, policy=policy)


def operation_for(before: Status, after: Status) -> Operation | None:
    """The operation that takes a household from ``before`` to ``after``, if any does."""
    for op, (sources, target) in TRANSITIONS.items():
        if target is not None and before in sources and target == after:
            return op
    return None


def _flag_word(name: str, internal: bool) -> Text:
    # A field worker never learns that the internal lists exist (Q6): no list is named to them.
    return _FLAG_LABELS[name] if internal else term("内部标识")


def check_transition(
    before: HouseholdState | None,
    after: HouseholdState,
    operations: Iterable[OperationRecord | Operation | str | Mapping[str, Any]],
    clock: Clock,
    *,
    policy: PolicyYear,
    subject: Subject | None = None,
    internal: bool = True,
) -> list[Problem]:
    """Every reason a save that takes a household from ``before`` to ``after`` with
    ``operations`` may not go in at ``clock``'s now.

    ``before`` is None for a household new to the database (it starts as an ordinary household
    with no flag). A status change passes only with the operation that makes it (identify,
    return, exit); setting a flag only with its mark; ending a flag only with identify (marginal),
    return (monitored) or end_monitoring (either). Each operation is then checked against the
    calendar, the status it starts from and, where ``subject`` knows the household's procedure
    steps, the procedure (``operation_problems``). Member operations on a household outside the
    registry are plain edits. A dispersed → centralised special-support change passes only as an
    exit (Q17). ``internal`` is whether the person may see the internal lists: if not, no message
    names them. The server's merge calls this with the operation records of the pushed batch.
    """
    start = before or HouseholdState()
    records = [OperationRecord.coerce(o) for o in operations]
    ops = [r.op for r in records]
    moment = local_moment(clock.now())
    problems: list[Problem] = []

    if start.status != after.status:
        needed = operation_for(start.status, after.status)
        if needed is None:
            problems.append(
                _problem(
                    OP_STATUS_WITHOUT_OPERATION,
                    "household.status",
                    t(
                        "户的状态不能由“{before}”直接改为“{after}”"
                        "：状态只能通过新识别、返贫或脱贫操作改变(导引第1、5、10问)",
                        before=_status(start.status),
                        after=_status(after.status),
                    ),
                )
            )
        elif needed not in ops:
            problems.append(
                _problem(
                    OP_STATUS_WITHOUT_OPERATION,
                    "household.status",
                    t(
                        "户的状态由“{before}”改为“{after}”必须办理{operation}操作，不能直接修改状态",
                        before=_status(start.status),
                        after=_status(after.status),
                        operation=_operation(needed),
                    ),
                )
            )
    for name in FLAGS:
        was, now = start.flag(name), after.flag(name)
        if was == now:
            continue
        setter, enders = _FLAG_OPERATIONS[name]
        word = _flag_word(name, internal)
        if now and setter not in ops:
            problems.append(
                _problem(
                    OP_FLAG_WITHOUT_OPERATION,
                    f"household.{name}" if internal else "household.status",
                    t(
                        "标记{word}必须办理{operation}操作(导引第6问)",
                        word=word,
                        operation=_operation(setter),
                    )
                    if internal
                    else t("本户有一项内部标识被修改，须由乡镇审核人员办理"),
                )
            )
        if not now and not enders.intersection(ops):
            problems.append(
                _problem(
                    OP_FLAG_WITHOUT_OPERATION,
                    f"household.{name}" if internal else "household.status",
                    t("取消{word}必须办理新识别、返贫或解除监测操作(导引第5、6问)", word=word)
                    if internal
                    else t("本户有一项内部标识被修改，须由乡镇审核人员办理"),
                )
            )

    q17 = classify_special_support_change(start.special_support_mode, after.special_support_mode)
    if q17 is not None and q17 not in ops:
        problems += check_special_support_change(
            next(
                (o for o in ops if o in STATUS_OPERATIONS | MEMBER_OPERATIONS), Operation.member_out
            ),
            from_mode=start.special_support_mode,
            to_mode=after.special_support_mode,
        )

    base = subject or Subject(status=start.status)
    if Status(base.status) != start.status:
        base = dataclasses.replace(base, status=start.status)
    for record in records:
        op = record.op
        if op in MEMBER_OPERATIONS and start.status not in REGISTERED:
            continue  # a household outside the registry gains and loses members as a plain edit
        if op in INTERNAL_OPERATIONS and not internal:
            problems.append(
                _problem(
                    OP_INTERNAL_NOT_ALLOWED,
                    "operation",
                    t("{operation}须由乡镇审核人员办理", operation=_operation(op))
                    if op is not Operation.end_monitoring
                    else t("此项操作须由乡镇审核人员办理"),
                )
            )
            continue
        if op in STATUS_OPERATIONS and TRANSITIONS[op][1] != after.status:
            problems.append(
                _problem(
                    OP_NOT_REFLECTED,
                    "household.status",
                    t(
                        "办理了{operation}操作，但户的状态是“{status}”",
                        operation=_operation(op),
                        status=_status(after.status),
                    ),
                )
            )
        if op is Operation.end_monitoring and not (start.marginal or start.monitored):
            problems.append(
                _problem(
                    OP_NOT_ALLOWED_FROM_STATUS,
                    "operation",
                    _SCOPE_RULE[op] if internal else t("本户不需要办理此项操作"),
                )
            )
            continue
        special = record.special_support_change
        if special is None and op is Operation.exit and q17 is Operation.exit:
            special = (start.special_support_mode, after.special_support_mode)
        problems += operation_problems(
            op,
            base,
            policy=policy,
            moment=moment,
            change_reason=record.change_reason,
            special_support_change=special,
        )
    return list({(p.code, p.message): p for p in problems}.values())


def end_flags(
    household: Any, operations: Iterable[OperationRecord | Operation | str], *, on: date
) -> list[str]:
    """Clear the flags ``operations`` end, and close their open risks with the decision's date.

    Identification ends the marginal flag, return the monitored flag, end_monitoring either
    (Q5, Q6): the risk records stay, marked eliminated on ``on`` by that operation. Works on any
    household-like object with ``marginal``, ``monitored`` and ``risks``; returns the flags ended.
    """
    ops = {OperationRecord.coerce(o).op for o in operations}
    ended: list[str] = []
    for name in FLAGS:
        _setter, enders = _FLAG_OPERATIONS[name]
        hit = next(
            (
                op
                for op in (Operation.identify, Operation.return_, Operation.end_monitoring)
                if op in ops and op in enders
            ),
            None,
        )
        if hit is None or not getattr(household, name, False):
            continue
        setattr(household, name, False)
        ended.append(name)
        for risk in getattr(household, "risks", None) or ():
            if risk.kind == name and not risk.deleted and not risk.eliminated:
                risk.eliminated = True
                risk.eliminated_date = on
                risk.elimination_method = hit.value
    return ended
