"""Household statuses and the operations that change them, checked against the work calendar.

The transition table says which operation each status allows (Q5, Q6, Q10); the policy year's
calendar says when (Q2, Q9). A household identified in a year cannot exit in that year
(domain-reference §1.9), and dispersed special support moving to centralised support is an exit,
never a natural decrease (Q17). Findings come back as ``Problem`` lists; nothing raises for a
refused operation except ``new_status``, which is only for operations already checked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from desktop.domain.codes import code_table
from desktop.domain.policy import PolicyYear, local_moment
from desktop.domain.problems import Problem, Severity


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
}

# Why each operation applies only where it does, with the guide question.
_SCOPE_RULE: dict[Operation, str] = {
    Operation.identify: "新识别只适用于一般农户(导引第5问)",
    Operation.return_: "返贫只适用于已脱贫户，含不享受政策的稳定脱贫户(导引第5、10问)",
    Operation.exit: "脱贫只适用于未脱贫的贫困户(导引第1问)",
    Operation.member_in: "人员自然变更只适用于建档立卡户(导引第1、3问)",
    Operation.member_out: "人员自然变更只适用于建档立卡户(导引第1、3问)",
    Operation.mark_marginal: "边缘户只从非建档立卡农户中认定(导引第6问)",
    Operation.mark_monitored: "脱贫监测户只从已脱贫户中认定(导引第6问)",
}

STATUS_OPERATIONS = frozenset({Operation.identify, Operation.return_, Operation.exit})
MEMBER_OPERATIONS = frozenset({Operation.member_in, Operation.member_out})
MARK_OPERATIONS = frozenset({Operation.mark_marginal, Operation.mark_monitored})

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


def _day_text(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _moment_text(moment: datetime) -> str:
    """A deadline stored as the first closed moment, said the way the guide says it (…24时)."""
    if moment.time() == datetime.min.time():
        return f"{_day_text(moment.date() - timedelta(days=1))}24时"
    return f"{_day_text(moment.date())}{moment.hour}时{moment.minute:02d}分"


def _problem(code: str, field: str, message: str) -> Problem:
    return Problem(code=code, field=field, severity=Severity.ERROR, message=message)


def _check_calendar(op: Operation, moment: datetime, policy: PolicyYear) -> list[Problem]:
    label = operation_label(op)
    if not policy.in_work_window(moment):
        return [
            _problem(
                OP_OUTSIDE_WORK_WINDOW,
                "operation.moment",
                f"{label}操作只能在{policy.year}年度动态管理工作期间"
                f"({_day_text(policy.work_start)}至{_day_text(policy.work_end)})进行(导引第2问)",
            )
        ]
    if op in STATUS_OPERATIONS and policy.after_entry_deadline(moment):
        return [
            _problem(
                OP_AFTER_ENTRY_DEADLINE,
                "operation.moment",
                f"{_moment_text(policy.entry_deadline)}后不能进行{label}操作(导引第9问)",
            )
        ]
    if op in STATUS_OPERATIONS | MEMBER_OPERATIONS and policy.basic_info_only(moment):
        return [
            _problem(
                OP_BASIC_INFO_ONLY,
                "operation.moment",
                f"{_day_text(policy.basic_info_only_after)}后只能修改完善基础信息，"
                f"不能进行{label}操作(导引第9问)",
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
                f"人员自然变更原因代码 {reason} 不在代码表中",
            )
        ]
    if entry.get("direction") != _DIRECTION[op]:
        return [
            _problem(
                OP_CHANGE_REASON_DIRECTION,
                "member.change_reason",
                f"“{table.label(reason)}”不是{operation_label(op)}的原因",
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
            "分散供养的特困供养户转集中供养，符合脱贫标准和程序的按照脱贫处理，"
            f"不得进行{operation_label(op)}操作(导引第17问)",
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
                f"{status_label(status)}不能进行{operation_label(op)}操作：{_SCOPE_RULE[op]}",
            )
        )
    problems += _check_calendar(op, moment, policy)
    if op is Operation.exit and identified_year is not None and identified_year >= policy.year:
        problems.append(
            _problem(
                OP_EXIT_SAME_YEAR,
                "household.identified_year",
                f"{identified_year}年新识别的贫困户当年不能脱贫(陕西省贫困退出工作实施细则)",
            )
        )
    if op in MEMBER_OPERATIONS and change_reason is not None:
        problems += _check_change_reason(op, change_reason)
    if special_support_change is not None:
        from_mode, to_mode = special_support_change
        problems += check_special_support_change(op, from_mode=from_mode, to_mode=to_mode)
    return problems
