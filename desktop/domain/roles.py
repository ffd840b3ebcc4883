"""Who uses the app: roles, what each may see and do, PINs and the wrong-PIN lockout.

Three local roles, as in DESIGN.md's "who uses it": the village field worker (驻村工作队, 村两委),
the township reviewer (乡镇审核) and the county administrator (县级管理员).

Marginal (边缘户) and monitored (脱贫监测户) households, and their risks, are balanced by the
township and the county and kept internal ("内部掌握,不得随意对外公布", Q6): the lists are shown
to reviewers and administrators only, never on a field worker's laptop screen, a public list or
a card. Widgets ask ``may_see_internal_lists`` and nothing else.

A PIN is 4 to 12 digits. After ``FREE_ATTEMPTS`` wrong PINs in a row each further one locks the
user out for a wait that doubles, up to a ceiling (``lockout_seconds``). Storing users and
counting failures is ``desktop.store.users``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
NAME_MAX_CHARS = 40

FREE_ATTEMPTS = 4
"""Wrong PINs in a row that cost only a pause; the next one starts the lockout."""
LOCKOUT_BASE_S = 15.0
LOCKOUT_MAX_S = 900.0


class Role(StrEnum):
    """A local user's role; the value is what ``users.role`` stores."""

    FIELD_WORKER = "field_worker"  # 驻村工作队员, 村两委
    REVIEWER = "reviewer"  # 乡镇审核员
    ADMIN = "admin"  # 县级管理员


ROLE_ORDER: tuple[Role, ...] = (Role.FIELD_WORKER, Role.REVIEWER, Role.ADMIN)
"""The roles from the least to the most trusted (lists of users are shown in this order)."""

_SEES_INTERNAL = frozenset({Role.REVIEWER, Role.ADMIN})
_MANAGES_USERS = frozenset({Role.ADMIN})


def parse_role(value: Role | str | None) -> Role | None:
    """``value`` as a ``Role``, or ``None`` when it names no role (a stored typo, a removed role)."""
    if value is None:
        return None
    try:
        return Role(value)
    except ValueError:
        return None


def may_see_internal_lists(role: Role | str | None) -> bool:
    """Whether ``role`` may see, sort and filter marginal and monitored households and risks (Q6).

    An unknown role sees nothing internal.
    """
    return parse_role(role) in _SEES_INTERNAL


def may_manage_users(role: Role | str | None) -> bool:
    """Whether ``role`` may add local users, reset their PINs and deactivate them."""
    return parse_role(role) in _MANAGES_USERS


@dataclass(frozen=True)
class LocalUser:
    """A person who may sign in on this laptop."""

    id: str
    name: str
    role: Role
    active: bool = True


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN (a Chinese message), or ``None`` when it can."""
    if not pin:
        return "请输入 PIN"
    if not (pin.isascii() and pin.isdigit()):
        return "PIN 只能由数字组成"
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        return f"PIN 应为 {PIN_MIN_DIGITS} 到 {PIN_MAX_DIGITS} 位数字"
    return None


def lockout_seconds(failures: int) -> float:
    """How long a user waits after ``failures`` wrong PINs in a row (0 until the lockout starts)."""
    if failures <= FREE_ATTEMPTS:
        return 0.0
    return float(min(LOCKOUT_BASE_S * 2 ** (failures - FREE_ATTEMPTS - 1), LOCKOUT_MAX_S))


class SignInOutcome(StrEnum):
    """How a sign-in attempt ended (the GUI words its own message from this)."""

    OK = "ok"
    WRONG_PIN = "wrong_pin"
    LOCKED = "locked"
    NO_SUCH_USER = "no_such_user"


@dataclass(frozen=True)
class SignInResult:
    """The answer to one sign-in attempt.

    ``user`` is set when the PIN was right. Otherwise ``message`` says why in Chinese,
    ``retry_after`` is how many seconds the user must wait before trying again (0: at once) and
    ``attempts_left`` how many more wrong PINs are allowed before the lockout starts.
    """

    outcome: SignInOutcome
    user: LocalUser | None = None
    message: str = ""
    retry_after: float = 0.0
    attempts_left: int = FREE_ATTEMPTS + 1

    @property
    def ok(self) -> bool:
        return self.outcome is SignInOutcome.OK

    @property
    def locked(self) -> bool:
        """Whether the user must wait ``retry_after`` seconds before the next try."""
        return self.retry_after > 0


INTERNAL_FIELDS = ("household.marginal", "household.monitored", "risk.")
INTERNAL_CODE_PREFIX = "Q6_"
INTERNAL_REDACTED = "本户有一项内部核对事项未通过，请联系乡镇审核人员处理"


def is_internal_problem(problem: Any) -> bool:
    """Whether a problem is about the internal lists (Q6): its rule or its field."""
    return str(problem.code).startswith(INTERNAL_CODE_PREFIX) or str(problem.field).startswith(
        INTERNAL_FIELDS
    )


def redact_internal(problems: Iterable[Any], role: Role | str | None) -> list[Any]:
    """The problems as ``role`` may read them: for a role that may not see the internal lists,
    a problem about them keeps its code and severity but says only that the reviewer must act,
    never naming the lists (Q6)."""
    if may_see_internal_lists(role):
        return list(problems)
    return [
        dataclasses.replace(p, message=INTERNAL_REDACTED, field="household.status")
        if is_internal_problem(p)
        else p
        for p in problems
    ]
