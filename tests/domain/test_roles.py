"""Roles and who may see the internal lists of Q6."""

from __future__ import annotations

import pytest

from desktop.domain.roles import (
    FREE_ATTEMPTS,
    LOCKOUT_MAX_S,
    ROLE_ORDER,
    Role,
    lockout_seconds,
    may_manage_users,
    may_see_internal_lists,
    parse_role,
    pin_problem,
)


def test_a_field_worker_may_not_see_the_internal_lists() -> None:
    assert may_see_internal_lists(Role.FIELD_WORKER) is False
    assert may_see_internal_lists("field_worker") is False


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN, "reviewer", "admin"])
def test_reviewers_and_administrators_see_the_internal_lists(role: Role | str) -> None:
    assert may_see_internal_lists(role) is True


@pytest.mark.parametrize("role", ["", "viewer", "Admin", "county_admin", None])
def test_an_unknown_role_sees_nothing_internal_and_manages_nobody(role: str | None) -> None:
    assert parse_role(role) is None
    assert may_see_internal_lists(role) is False
    assert may_manage_users(role) is False


def test_only_the_administrator_manages_users() -> None:
    assert [r for r in Role if may_manage_users(r)] == [Role.ADMIN]


def test_role_values_are_what_the_users_table_stores() -> None:
    assert [r.value for r in ROLE_ORDER] == ["field_worker", "reviewer", "admin"]
    assert set(ROLE_ORDER) == set(Role)


@pytest.mark.parametrize(
    ("pin", "fragment"),
    [
        ("", "请输入"),
        ("12a4", "数字"),
        ("123", "4 到 12"),
        ("1" * 13, "4 到 12"),
        ("１２３４", "数字"),
    ],
)
def test_a_pin_must_be_four_to_twelve_ascii_digits(pin: str, fragment: str) -> None:
    problem = pin_problem(pin)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("pin", ["0000", "1234", "123456789012"])
def test_four_to_twelve_digits_make_a_pin(pin: str) -> None:
    assert pin_problem(pin) is None


def test_five_wrong_pins_start_a_lockout_that_grows_up_to_a_ceiling() -> None:
    waits = [lockout_seconds(n) for n in range(1, 20)]
    assert FREE_ATTEMPTS == 4  # "after 5 wrong attempts": the fifth already waits
    assert waits[:FREE_ATTEMPTS] == [0.0] * FREE_ATTEMPTS
    locked = waits[FREE_ATTEMPTS:]
    assert all(b >= a for a, b in zip(locked, locked[1:], strict=False))
    assert locked[2] > locked[1] > locked[0] > 0
    assert max(locked) == LOCKOUT_MAX_S
